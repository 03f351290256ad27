"""Remedies for exploding and vanishing gradients, measured on one long-lag task.

    REMEDIES                         label -> settings (activation, init, clip, k)
    run_remedy(label, p, steps, lr, seed) -> dict     one seeded training run
    study(p=10, steps=1000, lr=0.5)  -> dict label -> dict   all of them
    save_results(results, path), load_results(path=RESULTS)  the shipped .npz (no pickles)

The task is Hochreiter & Schmidhuber's noise-free long-lag task (1997, experiment 2a,
``rnnlab.tasks.long_lag``): p steps, the last prediction must recall the first symbol.
A vanilla RNN (H = 16) trains with plain SGD on fresh batches of 32; each remedy changes
one thing: clipping (by norm or elementwise), the initialisation of W_hh (random,
orthogonal, identity with ReLU as in Le, Jaitly & Hinton 2015) or truncated BPTT.
Reported per run: ``success`` (fraction of 512 fresh sequences whose last prediction is
right; 0.5 is chance), ``final_loss`` (mean training loss over the last 50 steps),
``max_grad_norm`` (largest ||g|| seen, before clipping), ``seconds`` (on the machine that
made the file) and ``diverged``. Long training amplifies rounding, so the notebook shows
this shipped file and only trains a short live slice. To remake it (seeded)::

    python -m rnnlab.experiments.remedies
"""
import json
import time
from pathlib import Path

import numpy as np

from ..optim import SGD
from ..rnn import RNN
from ..tasks import long_lag, long_lag_success
from ..train import train

RESULTS = Path(__file__).resolve().parent.parent / "data" / "remedies.npz"
H, B = 16, 32

REMEDIES = {
    "no clipping": dict(activation="tanh", init="pytorch", clip=None, k=None),
    "clip by norm (1)": dict(activation="tanh", init="pytorch", clip=("norm", 1.0), k=None),
    "clip elementwise (0.1)": dict(activation="tanh", init="pytorch", clip=("value", 0.1),
                                   k=None),
    "orthogonal W_hh + norm clip": dict(activation="tanh", init="orthogonal",
                                        clip=("norm", 1.0), k=None),
    "identity W_hh, ReLU + norm clip": dict(activation="relu", init="identity",
                                            clip=("norm", 1.0), k=None),
    "truncated k = 2 + norm clip": dict(activation="tanh", init="pytorch", clip=("norm", 1.0),
                                        k=2),
    "truncated k = 5 + norm clip": dict(activation="tanh", init="pytorch", clip=("norm", 1.0),
                                        k=5),
}
FIELDS = ("success", "final_loss", "max_grad_norm", "seconds", "diverged")


def run_remedy(label, p=10, steps=1000, lr=0.5, seed=0, callback=None):
    """Train one RNN with the remedy ``label`` of ``REMEDIES``; returns a dict of FIELDS
    plus ``loss`` and ``grad_norm`` (steps,) curves."""
    cfg = REMEDIES[label]
    model = RNN(p + 1, H, p + 1, activation=cfg["activation"], init=cfg["init"], rng=seed)
    t0 = time.perf_counter()
    hist = train(model, lambda rng: long_lag(p, B, rng), SGD(lr), steps, clip=cfg["clip"],
                 rng=seed, k=cfg["k"], callback=callback)
    seconds = time.perf_counter() - t0
    test = long_lag(p, 512, 10_000 + seed)
    with np.errstate(all="ignore"):
        success = float(long_lag_success(model(test.X), test))
    loss = np.asarray(hist.loss, dtype=float)
    return {"success": success, "final_loss": float(np.nanmean(loss[-50:])),
            "max_grad_norm": float(np.nanmax(hist.grad_norm)), "seconds": seconds,
            "diverged": bool(hist.diverged), "loss": loss,
            "grad_norm": np.asarray(hist.grad_norm, dtype=float)}


def study(p=10, steps=1000, lr=0.5, seed=0):
    """Every remedy once, in the order of ``REMEDIES``."""
    return {label: run_remedy(label, p, steps, lr, seed) for label in REMEDIES}


def save_results(results, path=RESULTS, **settings):
    """Write the runs to an .npz: one array per field and curve, labels as JSON text."""
    labels = list(results)
    arrays = {f: np.array([results[k][f] for k in labels]) for f in FIELDS}
    arrays.update({f"curve_{i}_{c}": results[k][c] for i, k in enumerate(labels)
                   for c in ("loss", "grad_norm")})
    arrays["meta"] = np.array(json.dumps({"labels": labels, **settings}))
    np.savez_compressed(path, **arrays)


def load_results(path=RESULTS):
    """The shipped runs: (dict label -> dict of FIELDS and curves, dict of settings)."""
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        labels = meta.pop("labels")
        out = {}
        for i, k in enumerate(labels):
            out[k] = {f: z[f][i].item() for f in FIELDS}
            out[k].update(loss=z[f"curve_{i}_loss"], grad_norm=z[f"curve_{i}_grad_norm"])
    return out, meta


def table(results):
    """The runs as text lines: remedy, success, final loss, largest ||g||, seconds."""
    lines = [f"{'remedy':34s} {'success':>8s} {'final loss':>11s} {'largest ||g||':>14s} "
             f"{'seconds':>8s}"]
    for k, r in results.items():
        lines.append(f"{k:34s} {r['success']:8.0%} {r['final_loss']:11.3g} "
                     f"{r['max_grad_norm']:14.3g} {r['seconds']:8.1f}"
                     + ("  (diverged)" if r["diverged"] else ""))
    return "\n".join(lines)


def main():
    settings = dict(p=10, steps=1000, lr=0.5, seed=0)
    results = study(**settings)
    save_results(results, **settings)
    print(table(results))
    print(f"saved {RESULTS}")


if __name__ == "__main__":
    main()
