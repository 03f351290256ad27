"""The adding problem (Hochreiter & Schmidhuber 1997, experiment 4): LSTM against tanh RNN.

    train_adding(kind, T, H, lr, clip, forget_bias, budget, B, seed, callback) -> AddingRun
    adding_test_set(T, n=2560) -> TaskBatch       fresh sequences, never used in training
    study(T=100) -> dict label -> AddingRun        the runs the notebook shows
    save_runs(runs, path), load_runs(path)         the results file (.npz, no pickles)
    adding_lstm() -> LSTM                          the shipped trained LSTM

A run trains with Adam on fresh batches of ``adding_problem(T, B)`` until at least 99% of
2,560 fresh test sequences have |error| < 0.04 (``adding_success``), or until ``budget``
training sequences have been seen. Every ``eval_every`` sequences it records the test
loss and the solved fraction. Long training amplifies rounding, so another CPU gives
slightly different curves: the notebook describes the shipped file and trains live only
to show a learning curve. To remake the file (seeded; it prints what it made)::

    python -m rnnlab.experiments.adding            # T = 50, five runs, two at a time
"""
import argparse
import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..lstm import LSTM
from ..optim import Adam
from ..rnn import RNN
from ..tasks import adding_problem, adding_success
from ..train import train

DATA = Path(__file__).resolve().parent.parent / "data"
RUNS_FILE = DATA / "adding_runs.npz"
LSTM_FILE = DATA / "adding_lstm.npz"
TEST_SEED = 4321     # the test sequences: never drawn in training (those use `seed`)
TEST_SIZE = 2560     # Hochreiter & Schmidhuber's test set size
GOAL = 0.99          # fraction of test sequences with |error| < 0.04


@dataclass
class AddingRun:
    """One training run on the adding problem and its learning curve."""
    label: str
    kind: str                    # "lstm" or "rnn"
    T: int
    H: int
    n_params: int
    lr: float
    clip: float
    forget_bias: float
    budget: int                  # the most training sequences allowed
    seen: np.ndarray = field(default_factory=lambda: np.zeros(0, int))    # sequences seen
    loss: np.ndarray = field(default_factory=lambda: np.zeros(0))         # test mse
    solved: np.ndarray = field(default_factory=lambda: np.zeros(0))       # test fraction
    seconds: float = 0.0         # wall-clock time of the run (machine-dependent)

    @property
    def solved_at(self):
        """Training sequences seen when the test set was first >= 99% solved, or None."""
        hit = np.nonzero(self.solved >= GOAL)[0]
        return int(self.seen[hit[0]]) if len(hit) else None

    @property
    def best(self):
        """The largest solved fraction reached."""
        return float(self.solved.max()) if len(self.solved) else 0.0


def adding_test_set(T, n=TEST_SIZE):
    """``n`` fresh adding-problem sequences of length T..T + T//10 (seed ``TEST_SEED``)."""
    return adding_problem(T, n, np.random.default_rng(TEST_SEED))


def make_model(kind, H, forget_bias=1.0, seed=0):
    """An LSTM or tanh RNN with D = 2 inputs (value, marker) and one output."""
    if kind == "lstm":
        return LSTM(D=2, H=H, O=1, forget_bias=forget_bias, rng=seed)
    if kind == "rnn":
        return RNN(D=2, H=H, O=1, rng=seed)
    raise ValueError(f"kind must be 'lstm' or 'rnn', got {kind!r}")


def evaluate(model, test):
    """(test mse at the last step, fraction of sequences with |error| < 0.04)."""
    with np.errstate(all="ignore"):
        Y = model(test.X)
    err = ((Y - test.target)[..., 0] * test.mask).sum(axis=0)
    return float(np.mean(err ** 2)), adding_success(Y, test)


def train_adding(kind="lstm", T=100, H=8, lr=1e-2, clip=1.0, forget_bias=1.0,
                 budget=100_000, B=32, seed=0, eval_every=1600, test=None, callback=None,
                 label=None, stop_when_solved=True):
    """Train one model on the adding problem; returns ``(model, AddingRun)``.

    ``callback(run)`` is called after every evaluation (for a live curve); returning False
    stops training. ``test`` defaults to ``adding_test_set(T)``.
    """
    model = make_model(kind, H, forget_bias, seed)
    test = adding_test_set(T) if test is None else test
    run = AddingRun(label or kind, kind, T, H, model.n_params, lr, clip,
                    forget_bias if kind == "lstm" else 0.0, budget)
    opt = Adam(lr)
    every = max(1, eval_every // B)
    curve = {"seen": [], "loss": [], "solved": []}
    start = time.perf_counter()

    def record(step, history):
        if (step + 1) % every:
            return None
        loss, solved = evaluate(model, test)
        curve["seen"].append((step + 1) * B)
        curve["loss"].append(loss)
        curve["solved"].append(solved)
        run.seen, run.loss, run.solved = (np.array(curve[k]) for k in ("seen", "loss", "solved"))
        run.seconds = time.perf_counter() - start
        if callback is not None and callback(run) is False:
            return False
        if stop_when_solved and solved >= GOAL:
            return False
        return None

    train(model, lambda rng: adding_problem(T, B, rng), opt, steps=max(1, budget // B),
          clip=clip, rng=seed, callback=record)
    run.seconds = time.perf_counter() - start
    return model, run


RNN_H = 18   # a tanh RNN with at least the LSTM's parameters: 18^2 + 4*18 + 1 = 397 >= 361


def study_plan(T=50, budget=60_000):
    """The runs of the study: label -> keyword arguments of ``train_adding``."""
    plan = {f"LSTM, forget bias {fb:g}": dict(kind="lstm", H=8, lr=1e-2, forget_bias=fb)
            for fb in (0.0, 1.0, 3.0)}
    for lr in (1e-2, 3e-3, 1e-3):
        plan[f"RNN, lr {lr:g}"] = dict(kind="rnn", H=RNN_H, lr=lr)
    return {label: dict(kw, T=T, budget=budget, clip=1.0, label=label)
            for label, kw in plan.items()}


def save_runs(runs, path=RUNS_FILE):
    """Write ``runs`` (dict label -> AddingRun) to ``path`` (.npz, no pickles)."""
    arrays = {"labels": np.array(list(runs))}
    for k, (label, run) in enumerate(runs.items()):
        for name in ("seen", "loss", "solved"):
            arrays[f"{k}_{name}"] = getattr(run, name)
        arrays[f"{k}_kind"] = np.array(run.kind)
        arrays[f"{k}_numbers"] = np.array([run.T, run.H, run.n_params, run.lr, run.clip,
                                           run.forget_bias, run.budget, run.seconds])
    np.savez_compressed(path, **arrays)


def load_runs(path=RUNS_FILE):
    """The runs saved by ``save_runs`` (the shipped study by default): label -> AddingRun."""
    runs = {}
    with np.load(path, allow_pickle=False) as f:
        for k, label in enumerate(f["labels"]):
            T, H, n, lr, clip, fb, budget, seconds = f[f"{k}_numbers"]
            runs[str(label)] = AddingRun(str(label), str(f[f"{k}_kind"]), int(T), int(H), int(n),
                                         float(lr), float(clip), float(fb), int(budget),
                                         f[f"{k}_seen"], f[f"{k}_loss"], f[f"{k}_solved"],
                                         float(seconds))
    return runs


def save_model(model, path=LSTM_FILE):
    """Write an LSTM's weights (with its output layer) to ``path``."""
    np.savez_compressed(path, **{n: np.asarray(model[n]) for n in ("W_x", "W_h", "b", "W_hy",
                                                                    "b_y")})


def adding_lstm(path=LSTM_FILE):
    """The shipped LSTM of the study (the LSTM run that solved first), trained by
    ``python -m rnnlab.experiments.adding``."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {n: f[n] for n in f.files}
    model = LSTM(D=2, H=arrays["W_h"].shape[0], O=1)
    for name, value in arrays.items():
        model[name] = value
    return model


def _run_one(kwargs):
    """One run of the study in a worker process: (model, AddingRun)."""
    return train_adding(**kwargs)


def main(argv=None):
    """``python -m rnnlab.experiments.adding [--T 50] [--budget 60000] [--out DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.experiments.adding",
                                     description="Rerun the adding-problem study (seeded) and "
                                                 "rewrite its results file.")
    parser.add_argument("--T", type=int, default=50, help="sequence length (default 50)")
    parser.add_argument("--budget", type=int, default=60_000,
                        help="most training sequences per run (default 60000)")
    parser.add_argument("--out", default=str(DATA), help=f"folder for the files ({DATA})")
    parser.add_argument("--jobs", type=int, default=2, help="runs in parallel (default 2)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plan = study_plan(args.T, args.budget)
    with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
        done = pool.map(_run_one, list(plan.values()))
    runs = {label: run for label, (_, run) in zip(plan, done)}
    for label, run in runs.items():
        result = f"solved at {run.solved_at:,} sequences" if run.solved_at else \
            f"best {run.best:.1%} solved after {run.seen[-1]:,} sequences"
        print(f"{label}: {run.n_params} parameters, {result} ({run.seconds:.0f} s)")
    save_runs(runs, out / RUNS_FILE.name)
    lstms = [(run.solved_at or np.inf, k) for k, (_, run) in enumerate(done) if run.kind == "lstm"]
    save_model(done[min(lstms)[1]][0], out / LSTM_FILE.name)   # the LSTM that solved first
    print(f"wrote {out / RUNS_FILE.name} and {out / LSTM_FILE.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
