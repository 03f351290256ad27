"""RNN, LSTM and GRU at matched parameter counts on three long-lag tasks, several seeds.

A toy-scale study in the spirit of Chung, Gulcehre, Cho & Bengio (2014): every cell gets
the same parameter budget (``rnnlab.budget.matched_widths``), the same optimizer and the
same number of training steps; each run is scored on fresh test sequences against the
task's criterion. Tasks (``TASKS``)::

    adding     H&S 1997 exp. 4, T = 20:   a sequence is solved when |y - y*| < 0.04
    timer      Jaeger's timer, T = 40:    a pulse is timed when it lasts 10 u2 steps +- 1
    long_lag   H&S 1997 exp. 2a, p = 50:  the final prediction recalls the first symbol
                                          (trained with the loss on that prediction only)

A run *succeeds* when its final test score reaches the task's ``goal`` (0.9 of the
adding problem's sequences, 0.9 of the timer's pulses, both long-lag sequences).

The full study takes a few minutes and ships as ``rnnlab/data/study.npz``; remake it
(seeded, with a progress line per run) with::

    python -m rnnlab.study                     # 3 tasks x 3 cells x 5 seeds
    python -m rnnlab.study --seeds 2 --out /tmp/study.npz

``run`` trains one (task, cell, seed); ``run_study`` all of them; ``load`` reads the
file as a ``StudyResults``. Long training amplifies rounding, so a rerun on another
machine ends with slightly different curves; the notebook describes the shipped file.
"""
import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from . import tasks
from .budget import CELLS, matched_widths
from .gru import GRU
from .lstm import LSTM
from .optim import Adam
from .rnn import RNN
from .train import train

DATA = Path(__file__).resolve().parent / "data"
FILE = DATA / "study.npz"
TEST_SEED = 4321      # test sequences are drawn from this seed, never from a training seed


@dataclass(frozen=True)
class Task:
    """One task of the study: data, sizes, budget, training length and criterion."""
    name: str
    title: str                          # for tables and figures
    batches: Callable                   # rng -> TaskBatch (a training batch)
    test: Callable                      # () -> TaskBatch (the fixed test set)
    score: Callable                     # (Y, batch) -> fraction in [0, 1]
    criterion: str                      # what the score counts, in words
    goal: float                         # a run succeeds when its final score >= goal
    D: int
    O: int
    budget: int                         # parameters per model (recurrent + output)
    steps: int                          # optimizer steps per run
    B: int                              # sequences per training batch (as ``batches`` draws)
    lr: float = 1e-2


def _long_lag_batch(rng, p=50, B=8):
    """A training batch of the long-lag task with the loss on the last prediction only:
    the other predictions are easy, and the budget goes to the one that needs memory."""
    b = tasks.long_lag(p, B, rng)
    return b._replace(mask=b.mask * (np.arange(p) == p - 1)[:, None])


TASKS = {
    "adding": Task(
        "adding", "adding problem (T = 20)",
        lambda rng: tasks.adding_problem(20, 32, rng),
        lambda: tasks.adding_problem(20, 256, TEST_SEED), tasks.adding_success,
        "sequences with |error| < 0.04 (Hochreiter & Schmidhuber 1997)", 0.9,
        D=2, O=1, budget=600, steps=600, B=32),
    "timer": Task(
        "timer", "Jaeger's timer (T = 40)",
        lambda rng: tasks.timer(40, 16, rng),
        lambda: tasks.timer(120, 64, TEST_SEED), tasks.timer_success,
        "pulses lasting 10 u2 steps, +- 1 (the course's criterion)", 0.9,
        D=2, O=1, budget=600, steps=400, B=16),
    "long_lag": Task(
        "long_lag", "noise-free long lag (p = 50)",
        _long_lag_batch,
        lambda: tasks.long_lag(50, 64, TEST_SEED), tasks.long_lag_success,
        "sequences whose last symbol is recalled (H&S 1997, exp. 2a)", 1.0,
        D=51, O=51, budget=1800, steps=300, B=8),   # trained on the last prediction only
}


def make_model(cell, D, H, O, seed):
    """A fresh RNN (tanh), LSTM (forget bias 1, as Jozefowicz et al. 2015) or GRU."""
    if cell == "RNN":
        return RNN(D, H, O, rng=seed)
    if cell == "LSTM":
        return LSTM(D, H, O, forget_bias=1.0, rng=seed)
    if cell == "GRU":
        return GRU(D, H, O, rng=seed)
    raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")


def run(task, cell, seed, steps=None, evals=11, callback=None):
    """Train one model; returns a dict of its learning curve, final score and wall time.

    ``task`` is a ``Task`` or a name in ``TASKS``. The test score is measured at ``evals``
    evenly spaced steps (the first before training). Keys: ``eval_steps`` (evals,),
    ``scores`` (evals,), ``loss`` (steps,) the training loss, ``score`` the final score,
    ``success`` (score >= goal), ``seconds``, ``H``, ``n_params``, ``diverged``.
    ``callback(step, history)`` is passed on to ``train`` (e.g. a live plot). BLAS runs
    on one thread meanwhile (with threadpoolctl installed): these matrices are small.
    """
    task = TASKS[task] if isinstance(task, str) else task
    steps = task.steps if steps is None else steps
    H = matched_widths(task.budget, task.D, task.O)[cell]
    model = make_model(cell, task.D, H, task.O, seed)
    test = task.test()
    eval_steps = np.unique(np.linspace(0, steps, evals).round().astype(int))
    scores = []

    def measure():
        with np.errstate(all="ignore"):
            scores.append(task.score(model(test.X), test))

    def every_step(step, history):
        if step + 1 in eval_steps:
            measure()
        return callback(step, history) if callback is not None else None

    limits = _one_blas_thread()
    try:
        start = time.perf_counter()
        measure()
        history = train(model, task.batches, Adam(lr=task.lr), steps, clip=1.0, rng=seed,
                        callback=every_step)
        seconds = time.perf_counter() - start
    finally:
        if limits is not None:
            limits.restore_original_limits()
    while len(scores) < len(eval_steps):        # a diverged run keeps its last score
        scores.append(scores[-1])
    loss = np.full(steps, np.nan)
    loss[:len(history)] = history.loss
    return {"eval_steps": eval_steps, "scores": np.array(scores), "loss": loss,
            "score": scores[-1], "success": scores[-1] >= task.goal, "seconds": seconds,
            "H": H, "n_params": model.n_params, "diverged": history.diverged}


@dataclass
class StudyResults:
    """All runs of a study: arrays indexed [task, cell, seed (, eval point)]."""
    tasks: tuple            # task names
    cells: tuple            # ("RNN", "LSTM", "GRU")
    seeds: tuple
    eval_steps: dict        # task -> (evals,) the steps where the test score was measured
    scores: dict            # task -> (cells, seeds, evals) test scores along training
    final: np.ndarray       # (tasks, cells, seeds) final test score
    success: np.ndarray     # (tasks, cells, seeds) bool, final >= the task's goal
    seconds: np.ndarray     # (tasks, cells, seeds) wall time per run
    widths: np.ndarray      # (tasks, cells) H
    n_params: np.ndarray    # (tasks, cells)
    total_seconds: float    # the whole study's wall time

    def success_rate(self, task, cell):
        """Fraction of seeds whose run met the task's goal."""
        return float(self.success[self.tasks.index(task), self.cells.index(cell)].mean())

    def table(self):
        """One line per (task, cell): width, parameters, success rate, mean and range of the
        final score, mean wall time per run."""
        lines = [f"{'task':<10} {'cell':<5} {'H':>3} {'params':>6}  {'solved':>6}  "
                 f"{'final score: mean (min-max)':<27} {'s/run':>5}"]
        for i, name in enumerate(self.tasks):
            for j, cell in enumerate(self.cells):
                f = self.final[i, j]
                lines.append(f"{name:<10} {cell:<5} {self.widths[i, j]:>3} "
                             f"{self.n_params[i, j]:>6}  {int(self.success[i, j].sum()):>3}/"
                             f"{len(self.seeds):<2}  {f.mean():.2f} ({f.min():.2f}-{f.max():.2f})"
                             f"{'':<14} {self.seconds[i, j].mean():>5.1f}")
        return "\n".join(lines)

    def save(self, path):
        arrays = {f"scores_{t}": self.scores[t] for t in self.tasks}
        arrays.update({f"eval_steps_{t}": self.eval_steps[t] for t in self.tasks})
        np.savez_compressed(path, tasks=np.array(self.tasks), cells=np.array(self.cells),
                            seeds=np.array(self.seeds), final=self.final,
                            success=self.success, seconds=self.seconds, widths=self.widths,
                            n_params=self.n_params, total_seconds=self.total_seconds, **arrays)


def load(path=FILE):
    """The study's results file (default: the one shipped with rnnlab) as ``StudyResults``."""
    with np.load(path) as f:
        names = tuple(str(t) for t in f["tasks"])
        return StudyResults(names, tuple(str(c) for c in f["cells"]),
                            tuple(int(s) for s in f["seeds"]),
                            {t: f[f"eval_steps_{t}"] for t in names},
                            {t: f[f"scores_{t}"] for t in names}, f["final"],
                            f["success"], f["seconds"], f["widths"], f["n_params"],
                            float(f["total_seconds"]))


def run_study(task_names=tuple(TASKS), cells=CELLS, seeds=range(5), out=None,
              steps=None):
    """Every (task, cell, seed); prints one progress line per run to ``out``. ``steps``
    overrides every task's training length (for a quick trial)."""
    task_names, cells, seeds = tuple(task_names), tuple(cells), tuple(seeds)
    out = sys.stdout if out is None else out
    shape = (len(task_names), len(cells), len(seeds))
    final, seconds = np.zeros(shape), np.zeros(shape)
    success = np.zeros(shape, dtype=bool)
    widths = np.zeros(shape[:2], dtype=np.int64)
    n_params = np.zeros(shape[:2], dtype=np.int64)
    scores, eval_steps = {}, {}
    total, done, start = np.prod(shape), 0, time.perf_counter()
    for i, name in enumerate(task_names):
        for j, cell in enumerate(cells):
            for k, seed in enumerate(seeds):
                r = run(name, cell, seed, steps=steps)
                done += 1
                final[i, j, k], success[i, j, k], seconds[i, j, k] = \
                    r["score"], r["success"], r["seconds"]
                widths[i, j], n_params[i, j] = r["H"], r["n_params"]
                eval_steps[name] = r["eval_steps"]
                scores.setdefault(name, np.zeros((len(cells), len(seeds),
                                                  len(r["eval_steps"]))))[j, k] = r["scores"]
                elapsed = time.perf_counter() - start
                print(f"[{done:>3}/{total}] {name:<9} {cell:<4} H={r['H']:<3} seed {seed}: "
                      f"score {r['score']:.2f} {'solved' if r['success'] else '      '} "
                      f"{r['seconds']:5.1f} s   (elapsed {elapsed / 60:4.1f} min, about "
                      f"{elapsed / done * (total - done) / 60:4.1f} min left)", file=out,
                      flush=True)
    return StudyResults(task_names, cells, seeds, eval_steps, scores, final, success,
                        seconds, widths, n_params, time.perf_counter() - start)


def _one_blas_thread():
    """Limit BLAS to one thread when threadpoolctl is available: small matrices run
    faster on one core, and a busy machine is not oversubscribed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(1, user_api="blas")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per task and cell")
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--steps", type=int, default=None,
                        help="training steps per run (default: each task's own)")
    parser.add_argument("--out", type=Path, default=FILE, help="where to write the .npz")
    args = parser.parse_args(argv)
    res = run_study(args.tasks, CELLS, range(args.seeds), steps=args.steps)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    res.save(args.out)
    print(f"wrote {args.out} ({res.total_seconds / 60:.1f} min)")
    for name in res.tasks:
        rates = ", ".join(f"{c} {res.success_rate(name, c):.0%}" for c in res.cells)
        print(f"  {name:<9} success: {rates}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
