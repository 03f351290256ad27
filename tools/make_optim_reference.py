"""Write tests/data/optim_reference.npz: PyTorch's optimizer steps and gradient clipping.

Runs torch.optim.SGD (with and without momentum), Adagrad and Adam for a few steps on
fixed float64 parameters and gradient sequences, plus torch.nn.utils.clip_grad_norm_ and
clip_grad_value_, and saves inputs and results. tests/test_optim.py compares rnnlab
against the file without importing torch. Run from the repository root:

    python tools/make_optim_reference.py
"""
import json
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "optim_reference.npz"
STEPS = 6
SHAPES = {"W": (3, 4), "b": (4,)}

# name -> (rnnlab class, rnnlab keyword arguments, torch constructor)
CONFIGS = {
    "sgd": ("SGD", {"lr": 0.1}, lambda p: torch.optim.SGD(p, lr=0.1)),
    "momentum": ("Momentum", {"lr": 0.05, "beta": 0.9},
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "momentum_half": ("Momentum", {"lr": 0.3, "beta": 0.5},
                      lambda p: torch.optim.SGD(p, lr=0.3, momentum=0.5)),
    "adagrad": ("Adagrad", {"lr": 0.1}, lambda p: torch.optim.Adagrad(p, lr=0.1)),
    "adagrad_eps": ("Adagrad", {"lr": 0.5, "eps": 1e-3},
                    lambda p: torch.optim.Adagrad(p, lr=0.5, eps=1e-3)),
    "adam": ("Adam", {"lr": 0.01}, lambda p: torch.optim.Adam(p, lr=0.01)),
    "adam_betas": ("Adam", {"lr": 0.2, "beta1": 0.5, "beta2": 0.9, "eps": 1e-4},
                   lambda p: torch.optim.Adam(p, lr=0.2, betas=(0.5, 0.9), eps=1e-4)),
}


def gradient_sequence(rng):
    """STEPS gradients per array, with varied scales, a sign flip and exact zeros."""
    grads = {}
    for name, shape in SHAPES.items():
        g = rng.standard_normal((STEPS,) + shape)
        g *= np.logspace(-3, 1, STEPS).reshape((STEPS,) + (1,) * len(shape))
        g[2] *= -1
        g[:, 0] = 0.0  # entries whose gradient is always zero (eps matters)
        grads[name] = g
    return grads


def run_torch(make, params0, grads):
    """Parameters after each of the STEPS steps, {name: (STEPS, *shape)}."""
    tensors = {n: torch.tensor(v, dtype=torch.float64, requires_grad=True)
               for n, v in params0.items()}
    opt = make(list(tensors.values()))
    out = {n: [] for n in tensors}
    for t in range(STEPS):
        for n, p in tensors.items():
            p.grad = torch.tensor(grads[n][t], dtype=torch.float64)
        opt.step()
        for n, p in tensors.items():
            out[n].append(p.detach().numpy().copy())
    return {n: np.stack(v) for n, v in out.items()}


def clip_cases(rng):
    """Gradient sets for clip_grad_norm_ (one above, one below max_norm) and clip_grad_value_."""
    data = {}
    for case, (scale, max_norm) in {"above": (3.0, 1.0), "below": (0.1, 5.0)}.items():
        g = {n: scale * rng.standard_normal(s) for n, s in SHAPES.items()}
        ts = [torch.tensor(v) for v in g.values()]
        ps = [torch.zeros_like(t, requires_grad=True) for t in ts]
        for p, t in zip(ps, ts):
            p.grad = t.clone()
        norm = torch.nn.utils.clip_grad_norm_(ps, max_norm)
        for n, v, p in zip(g, g.values(), ps):
            data[f"clipnorm/{case}/in/{n}"] = v
            data[f"clipnorm/{case}/out/{n}"] = p.grad.numpy().copy()
        data[f"clipnorm/{case}/max_norm"] = np.float64(max_norm)
        data[f"clipnorm/{case}/norm"] = np.float64(norm.item())
    g = {n: 4.0 * rng.standard_normal(s) for n, s in SHAPES.items()}
    ps = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in SHAPES.values()]
    for p, v in zip(ps, g.values()):
        p.grad = torch.tensor(v)
    torch.nn.utils.clip_grad_value_(ps, 2.5)
    for n, v, p in zip(g, g.values(), ps):
        data[f"clipvalue/in/{n}"] = v
        data[f"clipvalue/out/{n}"] = p.grad.numpy().copy()
    data["clipvalue/limit"] = np.float64(2.5)
    return data


def main():
    rng = np.random.default_rng(20130211)  # any fixed seed
    params0 = {n: rng.standard_normal(s) for n, s in SHAPES.items()}
    grads = gradient_sequence(rng)
    data = {f"params0/{n}": v for n, v in params0.items()}
    data.update({f"grads/{n}": v for n, v in grads.items()})
    for key, (_, _, make) in CONFIGS.items():
        for n, v in run_torch(make, params0, grads).items():
            data[f"{key}/{n}"] = v
    data["configs"] = np.array(json.dumps({k: [c, kw] for k, (c, kw, _) in CONFIGS.items()}))
    data.update(clip_cases(rng))
    data["torch_version"] = np.array(torch.__version__)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(data)} arrays)")


if __name__ == "__main__":
    main()
