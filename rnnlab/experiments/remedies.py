"""Remedies for exploding and vanishing gradients: how far back each one carries credit.

    REMEDIES                          label -> recipe (activation, init, optimiser, clip, k)
    SUCCESS                           a run succeeds when this share of test sequences is right
    run_remedy(label, p, seed, ...)   -> dict     one seeded training run
    study(lags, seeds, ...)           -> dict     every remedy at every lag and seed
    save_results / load_results       the shipped .npz (no pickles)
    success_table(results), reach(results, label)

The task is Hochreiter & Schmidhuber's noise-free long-lag task (1997, experiment 2a,
``rnnlab.tasks.long_lag``) with p inputs: the first symbol (x or y) comes in at step 0
and the prediction at step p - 1 must recall it, so the lag is p - 1 steps. The loss sits
on that last prediction only (as in Chapter 5): the other predictions are fixed and easy,
and with a loss on every step they take over the network while the hard one stays at
chance. A tanh RNN with H = 16 units trains on fresh batches of 32; each remedy is a
published recipe:

- default init (PyTorch's U(-1/sqrt(H), 1/sqrt(H))), plain SGD, no clipping;
- the same with clipping by global norm (Pascanu, Mikolov & Bengio 2013: a threshold
  near the typical gradient norm);
- orthogonal W_hh (Saxe, McClelland & Ganguli 2014), zero biases, with clipping;
- IRNN (Le, Jaitly & Hinton 2015): ReLU, W_hh = identity, zero biases, input weights
  N(0, 0.001^2), SGD at a small learning rate (0.01) with clipping; and the same
  without clipping, to show what clipping is for;
- the IRNN with truncated BPTT in chunks of k = 5 steps (no gradient crosses a chunk).

A run trains for at most ``steps`` steps and stops early once a check batch of 256
sequences is all right. It succeeds when at least ``SUCCESS`` of 512 fresh test sequences
are right (chance is 50%). Long training amplifies rounding, so the notebook shows the
shipped file and only trains a short live slice. To remake it (seeded)::

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
SUCCESS = 0.95          # share of 512 fresh test sequences; chance is 0.5 (+- 0.044 at 2 sd)
LAGS = (4, 9, 19, 39, 79, 119)     # lag = p - 1
SEEDS = 5
STEPS = 1000
CHECK_EVERY = 50

REMEDIES = {
    "default init": dict(activation="tanh", init="pytorch", lr=0.5, clip=None, k=None),
    "default + clipping": dict(activation="tanh", init="pytorch", lr=0.5, clip=1.0, k=None),
    "orthogonal + clipping": dict(activation="tanh", init="orthogonal", lr=0.5, clip=1.0,
                                  k=None),
    "IRNN + clipping": dict(activation="relu", init="identity", lr=0.01, clip=1.0, k=None),
    "IRNN, no clipping": dict(activation="relu", init="identity", lr=0.01, clip=None, k=None),
    "IRNN + clipping, truncated k = 5": dict(activation="relu", init="identity", lr=0.01,
                                             clip=1.0, k=5),
}
CURVES = ("IRNN + clipping", "IRNN, no clipping")   # gradient-norm curves kept at CURVE_LAG
CURVE_LAG = 39
FIELDS = ("accuracy", "solved_at", "max_grad_norm", "median_grad_norm", "seconds", "cpu_seconds",
          "diverged")


def last_step_batch(p, batch_size, rng):
    """A long-lag batch with the loss on the last prediction only (the one needing memory)."""
    b = long_lag(p, batch_size, rng)
    return b._replace(mask=b.mask * (np.arange(p) == p - 1)[:, None])


def run_remedy(label, lag, seed=0, steps=STEPS, check_every=CHECK_EVERY, callback=None):
    """Train one RNN with the remedy ``label`` at ``lag`` (p = lag + 1 inputs).

    Returns a dict of FIELDS and ``grad_norm`` (steps run,) before clipping:
    ``accuracy`` on 512 fresh sequences, ``solved_at`` the step at which a check batch
    was first all right (-1 if never; training stops there), ``seconds`` of wall time.
    ``callback(step, history)`` is passed on to ``train``.
    """
    cfg, p = REMEDIES[label], lag + 1
    model = RNN(p + 1, H, p + 1, activation=cfg["activation"], init=cfg["init"], rng=seed)
    check = long_lag(p, 256, 20_000 + seed)
    solved = []

    def watch(step, hist):
        if callback is not None and callback(step, hist) is False:
            return False
        if (step + 1) % check_every == 0:
            with np.errstate(all="ignore"):
                if long_lag_success(model(check.X), check) == 1.0:
                    solved.append(step + 1)
                    return False
        return None

    t0, c0 = time.perf_counter(), time.process_time()
    hist = train(model, lambda rng: last_step_batch(p, B, rng), SGD(cfg["lr"]), steps,
                 clip=cfg["clip"], rng=seed, k=cfg["k"], callback=watch)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    test = long_lag(p, 512, 10_000 + seed)
    with np.errstate(all="ignore"):
        accuracy = float(long_lag_success(model(test.X), test))
    g = np.asarray(hist.grad_norm, dtype=float)
    return {"accuracy": accuracy, "solved_at": solved[0] if solved else -1,
            "max_grad_norm": float(np.nanmax(g)), "median_grad_norm": float(np.nanmedian(g)),
            "seconds": seconds, "cpu_seconds": cpu_seconds, "diverged": bool(hist.diverged),
            "grad_norm": g}


def study(lags=LAGS, seeds=SEEDS, steps=STEPS, labels=None, progress=None):
    """Every remedy at every lag with seeds 0..seeds-1: dict of (remedies, lags, seeds)
    arrays per field, plus the gradient-norm curves of the first two remedies at lag 9."""
    labels = list(REMEDIES) if labels is None else list(labels)
    shape = (len(labels), len(lags), seeds)
    out = {f: np.zeros(shape, dtype=bool if f == "diverged" else float) for f in FIELDS}
    curves = {}
    for i, label in enumerate(labels):
        for j, lag in enumerate(lags):
            for s in range(seeds):
                r = run_remedy(label, lag, s, steps)
                for f in FIELDS:
                    out[f][i, j, s] = r[f]
                if lag == CURVE_LAG and label in CURVES:
                    curves[f"curve_{CURVES.index(label)}_{s}"] = r["grad_norm"]
                if progress:
                    progress(label, lag, s, r)
    out["solved_at"] = out["solved_at"].astype(np.int64)
    return {"labels": labels, "lags": list(lags), "seeds": seeds, "steps": steps,
            **out, "curves": curves}


def save_results(results, path=RESULTS, **settings):
    """Write a ``study`` result to an .npz: arrays per field, curves, settings as JSON."""
    meta = {k: results[k] for k in ("labels", "lags", "seeds", "steps")}
    arrays = {f: results[f] for f in FIELDS}
    arrays.update(results["curves"])
    arrays["meta"] = np.array(json.dumps({**meta, **settings}))
    np.savez_compressed(path, **arrays)


def load_results(path=RESULTS):
    """The shipped study: dict with labels, lags, seeds, steps, settings, FIELDS arrays
    (remedies, lags, seeds), ``success`` (accuracy >= SUCCESS) and ``curves``."""
    with np.load(path, allow_pickle=False) as z:
        out = json.loads(str(z["meta"]))
        out.update({f: z[f] for f in FIELDS})
        out["curves"] = {k: z[k] for k in z.files if k.startswith("curve_")}
    out["success"] = out["accuracy"] >= SUCCESS
    return out


def success_counts(results):
    """(remedies, lags) number of seeds that succeeded."""
    return (results["accuracy"] >= SUCCESS).sum(axis=2)


def reach(results, label, share=0.8):
    """The longest lag up to which ``label`` succeeds in at least ``share`` of the seeds at
    every lag tried (0 if not even the shortest)."""
    ok = success_counts(results)[results["labels"].index(label)] >= share * results["seeds"]
    longest = 0
    for lag, good in zip(results["lags"], ok):
        if not good:
            break
        longest = lag
    return longest


def success_table(results):
    """Text: success count per remedy and lag, then the largest gradient norm per remedy."""
    n, lags = results["seeds"], results["lags"]
    counts, w = success_counts(results), max(map(len, results["labels"]))
    lines = [f"{'remedy':{w}s}" + "".join(f"{'lag ' + str(g):>9s}" for g in lags)
             + f"{'largest ||g||':>15s}"]
    for i, label in enumerate(results["labels"]):
        lines.append(f"{label:{w}s}" + "".join(f"{f'{c}/{n}':>9s}" for c in counts[i])
                     + f"{np.nanmax(results['max_grad_norm'][i]):15.3g}")
    return "\n".join(lines)


def main():
    import os
    t0 = time.perf_counter()

    def progress(label, lag, s, r):
        print(f"{label:32s} lag {lag:3d} seed {s}: {r['accuracy']:6.1%} "
              f"solved at {r['solved_at']:5d}  {r['seconds']:5.1f} s", flush=True)

    results = study(progress=progress)
    save_results(results, threads=os.environ.get("OPENBLAS_NUM_THREADS", "default"))
    print(success_table(load_results()))
    cpu = load_results()["cpu_seconds"]
    print(f"{time.perf_counter() - t0:.0f} s wall, {cpu.sum():.0f} s CPU in training "
          f"({cpu.size} runs, {cpu.max():.1f} s the longest); saved {RESULTS}")


if __name__ == "__main__":
    main()
