"""Write PyTorch reference values for rnnlab's parity tests to tests/data/torch_reference.npz.

Regenerate (needs torch; the tests themselves never import it)::

    python tools/make_torch_reference.py            # writes tests/data/torch_reference.npz
    python tools/make_torch_reference.py --out other.npz

For each case below, a one-layer torch.nn.RNN (tanh, relu), LSTM or GRU with
``batch_first=False`` runs in float64 from fixed seeds on random X (T, B, D) and random
initial states h0 (and c0); the loss is ``L = sum(outputs * G)`` for a fixed random G, so
dL/doutputs = G, and ``L.backward()`` gives every gradient.

Keys are ``<case>/<name>``: the state_dict arrays (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``), ``X`` (T, B, D), ``h0`` and ``c0`` (B, H), ``G`` and
``outputs`` (T, B, H), ``h_n`` and ``c_n`` (B, H) (PyTorch's leading layer axis of size 1
dropped), and ``<case>/grad/<name>`` for every parameter, X, h0 and c0. ``meta/cases``
lists the cases and ``meta/torch_version`` the version that made the file.
"""
import argparse
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "torch_reference.npz"

# name -> (torch class, keyword arguments, T, B, D, H, seed)
CASES = {
    "rnn_tanh": (torch.nn.RNN, {"nonlinearity": "tanh"}, 6, 3, 4, 5, 101),
    "rnn_relu": (torch.nn.RNN, {"nonlinearity": "relu"}, 6, 3, 4, 5, 102),
    "lstm": (torch.nn.LSTM, {}, 6, 3, 4, 5, 103),
    "gru": (torch.nn.GRU, {}, 6, 3, 4, 5, 104),
    "rnn_tanh_T1B1": (torch.nn.RNN, {"nonlinearity": "tanh"}, 1, 1, 4, 5, 201),
    "rnn_relu_T1B1": (torch.nn.RNN, {"nonlinearity": "relu"}, 1, 1, 4, 5, 202),
    "lstm_T1B1": (torch.nn.LSTM, {}, 1, 1, 4, 5, 203),
    "gru_T1B1": (torch.nn.GRU, {}, 1, 1, 4, 5, 204),
}


def run_case(cls, kwargs, T, B, D, H, seed):
    """Forward and backward of one layer; returns a dict of float64 numpy arrays."""
    torch.manual_seed(seed)
    layer = cls(D, H, num_layers=1, batch_first=False, **kwargs).double()
    X = torch.randn(T, B, D, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(1, B, H, dtype=torch.float64, requires_grad=True)
    G = torch.randn(T, B, H, dtype=torch.float64)
    is_lstm = cls is torch.nn.LSTM
    if is_lstm:
        c0 = torch.randn(1, B, H, dtype=torch.float64, requires_grad=True)
        outputs, (h_n, c_n) = layer(X, (h0, c0))
    else:
        outputs, h_n = layer(X, h0)
    (outputs * G).sum().backward()  # dL/doutputs = G

    out = {k: v.detach().numpy().copy() for k, v in layer.state_dict().items()}
    out.update({f"grad/{k}": p.grad.numpy().copy() for k, p in layer.named_parameters()})
    out.update(X=X.detach().numpy(), h0=h0.detach().numpy()[0], G=G.numpy(),
               outputs=outputs.detach().numpy(), h_n=h_n.detach().numpy()[0])
    out["grad/X"], out["grad/h0"] = X.grad.numpy(), h0.grad.numpy()[0]
    if is_lstm:
        out.update(c0=c0.detach().numpy()[0], c_n=c_n.detach().numpy()[0])
        out["grad/c0"] = c0.grad.numpy()[0]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    args = parser.parse_args()
    arrays = {"meta/cases": np.array(sorted(CASES)),
              "meta/torch_version": np.array(torch.__version__)}
    for name, spec in CASES.items():
        for key, value in run_case(*spec).items():
            arrays[f"{name}/{key}"] = np.asarray(value, dtype=np.float64)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {len(arrays)} arrays for {len(CASES)} cases to {args.out} "
          f"({args.out.stat().st_size / 1024:.1f} kB)")


if __name__ == "__main__":
    main()
