"""The adding problem (Hochreiter & Schmidhuber 1997, experiment 4): LSTM against tanh RNN.

    train_adding(kind, T, H, lr, clip, forget_bias, budget, B, seed, callback,
                 input_bias) -> (model, AddingRun)
    adding_test_set(T, n=2560) -> TaskBatch       fresh sequences, never used in training
    study_settings(T=100), study_plan(T=100)      the settings, and the runs (5 seeds each)
    summary(runs) -> setting -> (solved, runs, sequences to solve, seeds that solved)
    report(runs), comparison_table(runs)          lines of text for the notebook
    save_runs(runs, path), load_runs(path)         the results file (.npz, no pickles)
    adding_lstm() -> LSTM                          the shipped trained LSTM

A run trains with Adam on fresh batches of ``adding_problem(T, B)`` until at least 99% of
2,560 fresh test sequences have |error| < 0.04 (``adding_success``), or until ``budget``
training sequences have been seen. Every ``eval_every`` sequences it records the test
loss and the solved fraction. Long training amplifies rounding, so another CPU gives
slightly different curves: the notebook describes the shipped file and trains live only
to show a learning curve. To remake the file (seeded; it prints what it made)::

    python -m rnnlab.experiments.adding            # T = 100: 6 settings x 5 seeds, one at a time

The study: an LSTM (H = 8) with forget bias 3 or 1 and input bias -3 or 0, and a tanh RNN
with at least the LSTM's parameters at two learning rates, each with seeds 0-4, up to
100,000 training sequences per run (about 15 minutes of one CPU core).
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
    input_bias: float = 0.0      # added to the LSTM's input-gate bias b_i at the start
    seed: int = 0                # seeds the initial weights and the training batches
    B: int = 32                  # training sequences per batch (one Adam step)

    @property
    def setting(self):
        """The label of the run's setting, without the seed."""
        return self.label.split(" | ")[0]

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


def make_model(kind, H, forget_bias=1.0, seed=0, input_bias=0.0):
    """An LSTM or tanh RNN with D = 2 inputs (value, marker) and one output."""
    if kind == "lstm":
        return LSTM(D=2, H=H, O=1, forget_bias=forget_bias, input_bias=input_bias, rng=seed)
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
                 label=None, stop_when_solved=True, input_bias=0.0):
    """Train one model on the adding problem; returns ``(model, AddingRun)``.

    ``callback(run)`` is called after every evaluation (for a live curve); returning False
    stops training. ``test`` defaults to ``adding_test_set(T)``.
    """
    model = make_model(kind, H, forget_bias, seed, input_bias)
    test = adding_test_set(T) if test is None else test
    lstm = kind == "lstm"
    run = AddingRun(label or kind, kind, T, H, model.n_params, lr, clip,
                    forget_bias if lstm else 0.0, budget, input_bias=input_bias if lstm else 0.0,
                    seed=seed, B=B)
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
SEEDS = (0, 1, 2, 3, 4)
BUDGET = 100_000   # training sequences per run (H&S 1997 report 74,000 on average at T = 100)


def lstm_setting(forget_bias, input_bias):
    """The label of an LSTM setting, e.g. ``"LSTM, forget bias 3, input bias -3"``."""
    return f"LSTM, forget bias {forget_bias:g}, input bias {input_bias:g}"


def rnn_setting(lr):
    """The label of an RNN setting, e.g. ``"RNN, lr 0.01"``."""
    return f"RNN, lr {lr:g}"


RECIPE = lstm_setting(3.0, -3.0)   # Hochreiter & Schmidhuber's input bias + forget bias 3
LIVE_BUDGET = 32_000               # the notebook's live rerun of the recipe's fastest seed


def study_settings(T=100, budget=BUDGET):
    """The settings of the study: label -> keyword arguments of ``train_adding`` (no seed).

    The LSTM (H = 8, 361 parameters) with forget bias 3 or Jozefowicz et al.'s 1, with and
    without Hochreiter & Schmidhuber's input gates biased shut at the start (-3); a tanh
    RNN with at least the LSTM's parameters at the LSTM's learning rate and a tenth of it.
    """
    plan = {lstm_setting(fb, ib): dict(kind="lstm", H=8, lr=1e-2, forget_bias=fb, input_bias=ib)
            for fb, ib in ((3.0, -3.0), (1.0, -3.0), (3.0, 0.0), (1.0, 0.0))}
    for lr in (1e-2, 1e-3):
        plan[rnn_setting(lr)] = dict(kind="rnn", H=RNN_H, lr=lr)
    return {label: dict(kw, T=T, budget=budget, clip=1.0) for label, kw in plan.items()}


def study_plan(T=100, budget=BUDGET, seeds=SEEDS):
    """The runs of the study: run label (``"<setting> | seed <s>"``) -> keyword arguments
    of ``train_adding``."""
    return {f"{setting} | seed {seed}": dict(kw, seed=seed, label=f"{setting} | seed {seed}")
            for setting, kw in study_settings(T, budget).items() for seed in seeds}


def by_setting(runs):
    """Group runs (dict label -> AddingRun) by setting: setting -> list of runs, in order."""
    groups = {}
    for run in runs.values():
        groups.setdefault(run.setting, []).append(run)
    return groups


def summary(runs):
    """Per setting: (runs solved, number of runs, sequences to solve of the solved runs
    (sorted), seeds that solved)."""
    out = {}
    for setting, group in by_setting(runs).items():
        hits = [r for r in group if r.solved_at is not None]
        out[setting] = (len(hits), len(group), sorted(r.solved_at for r in hits),
                        sorted(r.seed for r in hits))
    return out


# Hochreiter & Schmidhuber 1997, experiment 4 (Table 7) at T = 100: training sequences until
# their stopping criterion (a mean over their runs), and their network's weights.
HS1997 = {"T": 100, "sequences": 74_000, "weights": 93}


def report(runs):
    """Lines of text on the study: per setting, seeds solved, the sequences each solving
    seed needed, and the best fraction any other seed reached."""
    lines = []
    for setting, group in by_setting(runs).items():
        hits = sorted((r.solved_at, r.seed) for r in group if r.solved_at is not None)
        rest = [r for r in group if r.solved_at is None]
        text = f"{setting} ({group[0].n_params} parameters): {len(hits)} of {len(group)} seeds solved"
        if hits:
            text += " after " + ", ".join(f"{n:,}" for n, _ in hits) + " sequences"
        if rest:
            best = int(np.ceil(100 * max(r.best for r in rest)))
            text += (f"; {'no other seed' if hits else 'no seed'} solved more than "
                     f"{best}% of the test sequences in {max(r.budget for r in rest):,}")
        lines.append(text)
    return lines


def comparison(runs, setting=None):
    """Rows (who, sequences to solve at T = 100, parameters, how trained), a header first,
    comparing the solving runs of ``setting`` (the recipe by default) with Hochreiter &
    Schmidhuber 1997's published count."""
    setting = RECIPE if setting is None else setting
    group = by_setting(runs)[setting]
    seen = sorted(r.solved_at for r in group if r.solved_at is not None)
    r = group[0]
    ours = (f"{min(seen):,} to {max(seen):,} (median {int(np.median(seen)):,}; "
            f"{len(seen)} of {len(group)} seeds)") if seen else f"not solved in {r.budget:,}"
    return [("", "sequences to solve, T = 100", "weights", "training"),
            ("Hochreiter & Schmidhuber 1997", f"{HS1997['sequences']:,} (mean of their runs)",
             f"{HS1997['weights']}", "online gradient descent, learning rate 0.5"),
            ("this study", ours, f"{r.n_params}", f"Adam, learning rate {r.lr:g}, batches of {r.B}")]


def comparison_table(runs, setting=None):
    """``comparison`` as lines of aligned text."""
    rows = comparison(runs, setting)
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


_NUMBERS = ("T", "H", "n_params", "lr", "clip", "forget_bias", "budget", "seconds",
            "input_bias", "seed", "B")


def save_runs(runs, path=RUNS_FILE):
    """Write ``runs`` (dict label -> AddingRun) to ``path`` (.npz, no pickles)."""
    arrays = {"labels": np.array(list(runs)), "numbers": np.array(_NUMBERS)}
    for k, (label, run) in enumerate(runs.items()):
        for name in ("seen", "loss", "solved"):
            arrays[f"{k}_{name}"] = getattr(run, name)
        arrays[f"{k}_kind"] = np.array(run.kind)
        arrays[f"{k}_numbers"] = np.array([getattr(run, n) for n in _NUMBERS], dtype=float)
    np.savez_compressed(path, **arrays)


def load_runs(path=RUNS_FILE):
    """The runs saved by ``save_runs`` (the shipped study by default): label -> AddingRun."""
    runs = {}
    ints = {"T", "H", "n_params", "budget", "seed", "B"}
    with np.load(path, allow_pickle=False) as f:
        names = [str(n) for n in f["numbers"]]
        for k, label in enumerate(f["labels"]):
            num = {n: (int(v) if n in ints else float(v))
                   for n, v in zip(names, f[f"{k}_numbers"])}
            runs[str(label)] = AddingRun(str(label), str(f[f"{k}_kind"]), seen=f[f"{k}_seen"],
                                         loss=f[f"{k}_loss"], solved=f[f"{k}_solved"], **num)
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
    """One run of the study (in a worker process when ``--jobs`` > 1): (model, AddingRun)."""
    return train_adding(**kwargs)


def describe(run):
    """One line on a run: its parameters, when it solved or how far it got, its time."""
    result = (f"99% solved after {run.solved_at:,} sequences" if run.solved_at else
              f"not solved in {run.budget:,} sequences (best {run.best:.1%})")
    return f"{run.label}: {run.n_params} parameters, {result} ({run.seconds:.0f} s)"


def main(argv=None):
    """``python -m rnnlab.experiments.adding [--T 100] [--budget 100000] [--jobs 1] [--out DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.experiments.adding",
                                     description="Rerun the adding-problem study (seeded) and "
                                                 "rewrite its results file and shipped LSTM.")
    parser.add_argument("--T", type=int, default=100, help="sequence length (default 100)")
    parser.add_argument("--budget", type=int, default=BUDGET,
                        help=f"most training sequences per run (default {BUDGET})")
    parser.add_argument("--seeds", type=int, default=len(SEEDS),
                        help=f"seeds per setting, 0 .. n-1 (default {len(SEEDS)})")
    parser.add_argument("--out", default=str(DATA), help=f"folder for the files ({DATA})")
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel (default 1)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plan = study_plan(args.T, args.budget, tuple(range(args.seeds)))
    start = time.perf_counter()
    done = []
    if args.jobs > 1:
        with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
            for model, run in pool.imap(_run_one, list(plan.values())):
                done.append((model, run))
                print(describe(run), flush=True)
    else:
        for kwargs in plan.values():
            done.append(train_adding(**kwargs))
            print(describe(done[-1][1]), flush=True)
    runs = {label: run for label, (_, run) in zip(plan, done)}
    print(f"\n{len(runs)} runs in {time.perf_counter() - start:.0f} s "
          f"(sum of run times {sum(r.seconds for r in runs.values()):.0f} s)")
    for setting, (hits, n, seen, seeds) in summary(runs).items():
        text = ", ".join(f"{s:,}" for s in seen) or "-"
        print(f"{setting}: {hits} of {n} seeds solved; sequences to solve: {text}")
    save_runs(runs, out / RUNS_FILE.name)
    lstms = [(run.solved_at or np.inf, k) for k, (_, run) in enumerate(done) if run.kind == "lstm"]
    first = min(lstms)[1]
    save_model(done[first][0], out / LSTM_FILE.name)   # the LSTM that solved first
    print(f"wrote {out / RUNS_FILE.name} ({len(runs)} runs) and {out / LSTM_FILE.name} "
          f"({done[first][1].label})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
