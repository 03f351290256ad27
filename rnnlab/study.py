"""RNN, LSTM and GRU at matched parameter counts on three long-lag tasks, several seeds.

A toy-scale study in the spirit of Chung, Gulcehre, Cho & Bengio (2014): within a task
every cell gets the same parameter budget (``rnnlab.budget.matched_widths``), batch,
optimizer and number of steps, and its own standard initialization; each run is scored
on fresh test sequences against the task's criterion. The tasks and the recipes live in
``rnnlab.study_tasks`` (``TASKS``, ``make_model``).

A run *succeeds* when its final test score reaches the task's ``goal`` (0.9 of the
adding problem's sequences, 0.9 of the timer's pulses, all long-lag test sequences).
Besides the scores, every run records, at each evaluation step on the test set, max |c_t|
(LSTM; NaN for the others) and, on the long-lag task, ``recall_gap`` (how much h at the
last step differs between sequences that began with x and with y). The command also
trains the LSTM with forget bias 1 alone (``LSTM_FAILING``) on the long-lag task, the
same seeds: the saturation lesson's failing recipe.

The full study takes a quarter of an hour and ships as ``rnnlab/data/study.npz``; remake
it (seeded, with a progress line per run) with::

    python -m rnnlab.study                     # 3 tasks x 3 cells x 5 seeds, + 5 failing
    python -m rnnlab.study --seeds 2 --out /tmp/study.npz

``run`` trains one (task, cell, seed); ``run_study`` all of them; ``load`` reads the
file as a ``StudyResults``. Long training amplifies rounding, so a rerun on another
machine ends with slightly different curves; the notebook describes the shipped file.
"""
import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .budget import CELLS, matched_widths
from .optim import Adam
from .study_tasks import (LSTM_BIASES, LSTM_FAILING, TASKS, TEST_SEED, Task,  # noqa: F401
                          make_model, recall_gap)
from .train import train

DATA = Path(__file__).resolve().parent / "data"
FILE = DATA / "study.npz"
EARLY = (10, 25, 50)      # extra evaluation steps: the LSTM's cell saturates this early


def run(task, cell, seed, steps=None, evals=11, callback=None, lstm_biases=None):
    """Train one model; returns a dict of its learning curve, final score and wall time.

    ``task`` is a ``Task`` or a name in ``TASKS``. The test score is measured before
    training, at ``EARLY`` steps and at ``evals`` evenly spaced steps. Keys: ``eval_steps``,
    ``scores``, ``max_c`` (max |c_t| over the test set, NaN but for the LSTM) and ``gap``
    (``recall_gap`` on the long-lag task, else NaN), all (n_evals,); ``loss`` (steps,) the
    training loss, ``score`` the final score, ``success`` (score >= goal), ``seconds``,
    ``H``, ``n_params``, ``diverged``. ``lstm_biases`` overrides the LSTM's recipe.
    ``callback(step, history)`` is passed on to ``train`` (e.g. a live plot). BLAS runs
    on one thread meanwhile (with threadpoolctl installed): these matrices are small.
    """
    task = TASKS[task] if isinstance(task, str) else task
    steps = task.steps if steps is None else steps
    H = matched_widths(task.budget, task.D, task.O)[cell]
    model = make_model(cell, task.D, H, task.O, seed, lstm_biases)
    test = task.test()
    eval_steps = np.unique(np.concatenate([[s for s in EARLY if s < steps],
                                           np.linspace(0, steps, evals).round()]).astype(int))
    rec = {"scores": [], "max_c": [], "gap": []}

    def measure():
        with np.errstate(all="ignore"):
            trace = model.forward(test.X)
            rec["scores"].append(task.score(trace.Y, test))
            rec["max_c"].append(np.abs(trace.states["c"]).max() if "c" in trace.states
                                else np.nan)
            rec["gap"].append(recall_gap(trace, test) if task.name == "long_lag" else np.nan)

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
    for values in rec.values():                  # a diverged run keeps its last values
        while len(values) < len(eval_steps):
            values.append(values[-1])
    loss = np.full(steps, np.nan)
    loss[:len(history)] = history.loss
    scores = np.array(rec["scores"])
    return {"eval_steps": eval_steps, "scores": scores, "max_c": np.array(rec["max_c"]),
            "gap": np.array(rec["gap"]), "loss": loss, "score": scores[-1],
            "success": scores[-1] >= task.goal, "seconds": seconds, "H": H,
            "n_params": model.n_params, "diverged": history.diverged}


@dataclass
class StudyResults:
    """All runs of a study: arrays indexed [task, cell, seed (, eval point)].

    ``failing`` holds the long-lag runs of the LSTM with ``LSTM_FAILING`` (same seeds):
    keys ``scores``, ``max_c``, ``gap`` (seeds, evals), ``final``, ``success``,
    ``seconds`` (seeds,); empty when the study did not include the long-lag task.
    """
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
    max_c: dict = field(default_factory=dict)     # task -> (cells, seeds, evals)
    gap: dict = field(default_factory=dict)       # task -> (cells, seeds, evals)
    failing: dict = field(default_factory=dict)
    load_average: tuple = ()                      # 1-minute load average, start and end

    def success_rate(self, task, cell):
        """Fraction of seeds whose run met the task's goal."""
        return float(self.success[self.tasks.index(task), self.cells.index(cell)].mean())

    def solved(self, task, cell):
        """Number of seeds whose run met the task's goal."""
        return int(self.success[self.tasks.index(task), self.cells.index(cell)].sum())

    def first_solved(self, task, cell):
        """Per seed, the first evaluation step whose score met the goal and stayed there
        to the end (None for an unsolved run)."""
        ok = self.scores[task][self.cells.index(cell)] >= TASKS[task].goal  # (seeds, evals)
        first = []
        for row in ok:
            k = len(row)
            while k > 0 and row[k - 1]:
                k -= 1
            first.append(int(self.eval_steps[task][k]) if k < len(row) else None)
        return first

    def table(self):
        """One line per (task, cell): width, parameters, runs solved, mean and range of the
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
        arrays = {}
        for t in self.tasks:
            arrays.update({f"scores_{t}": self.scores[t], f"eval_steps_{t}": self.eval_steps[t],
                           f"max_c_{t}": self.max_c[t], f"gap_{t}": self.gap[t]})
        arrays.update({f"failing_{k}": v for k, v in self.failing.items()})
        np.savez_compressed(path, tasks=np.array(self.tasks), cells=np.array(self.cells),
                            seeds=np.array(self.seeds), final=self.final,
                            success=self.success, seconds=self.seconds, widths=self.widths,
                            n_params=self.n_params, total_seconds=self.total_seconds,
                            load_average=np.array(self.load_average), **arrays)


def load(path=FILE):
    """The study's results file (default: the one shipped with rnnlab) as ``StudyResults``."""
    with np.load(path) as f:
        names = tuple(str(t) for t in f["tasks"])
        per_task = {k: {t: f[f"{k}_{t}"] for t in names}
                    for k in ("eval_steps", "scores", "max_c", "gap")}
        failing = {k[len("failing_"):]: f[k] for k in f.files if k.startswith("failing_")}
        return StudyResults(names, tuple(str(c) for c in f["cells"]),
                            tuple(int(s) for s in f["seeds"]), per_task["eval_steps"],
                            per_task["scores"], f["final"], f["success"], f["seconds"],
                            f["widths"], f["n_params"], float(f["total_seconds"]),
                            per_task["max_c"], per_task["gap"], failing,
                            tuple(float(x) for x in f["load_average"]))


def _progress(out, done, total, start, label, r):
    elapsed = time.perf_counter() - start
    print(f"[{done:>3}/{total}] {label:<20} H={r['H']:<3}: score {r['score']:.2f} "
          f"{'solved' if r['success'] else '      '} {r['seconds']:5.1f} s   (elapsed "
          f"{elapsed / 60:4.1f} min, about {elapsed / done * (total - done) / 60:4.1f} min "
          f"left)", file=out, flush=True)


def run_study(task_names=tuple(TASKS), cells=CELLS, seeds=range(5), out=None,
              steps=None):
    """Every (task, cell, seed), then the failing LSTM recipe on the long-lag task (when
    it is among the tasks); prints one progress line per run to ``out``. ``steps``
    overrides every task's training length (for a quick trial)."""
    task_names, cells, seeds = tuple(task_names), tuple(cells), tuple(seeds)
    out = sys.stdout if out is None else out
    shape = (len(task_names), len(cells), len(seeds))
    final, seconds = np.zeros(shape), np.zeros(shape)
    success = np.zeros(shape, dtype=bool)
    widths = np.zeros(shape[:2], dtype=np.int64)
    n_params = np.zeros(shape[:2], dtype=np.int64)
    curves = {"scores": {}, "max_c": {}, "gap": {}}
    eval_steps, failing = {}, {}
    with_failing = "long_lag" in task_names
    total = int(np.prod(shape)) + (len(seeds) if with_failing else 0)
    done, start, load0 = 0, time.perf_counter(), os.getloadavg()[0]
    for i, name in enumerate(task_names):
        for j, cell in enumerate(cells):
            for k, seed in enumerate(seeds):
                r = run(name, cell, seed, steps=steps)
                done += 1
                final[i, j, k], success[i, j, k], seconds[i, j, k] = \
                    r["score"], r["success"], r["seconds"]
                widths[i, j], n_params[i, j] = r["H"], r["n_params"]
                eval_steps[name] = r["eval_steps"]
                for key, c in curves.items():
                    c.setdefault(name, np.zeros((len(cells), len(seeds),
                                                 len(r["eval_steps"]))))[j, k] = r[key]
                _progress(out, done, total, start, f"{name} {cell} seed {seed}", r)
    if with_failing:
        runs = []
        for seed in seeds:
            runs.append(run("long_lag", "LSTM", seed, steps=steps, lstm_biases=LSTM_FAILING))
            done += 1
            _progress(out, done, total, start, f"failing LSTM seed {seed}", runs[-1])
        failing = {k: np.array([r[key] for r in runs]) for k, key in (
            ("scores", "scores"), ("max_c", "max_c"), ("gap", "gap"), ("final", "score"),
            ("success", "success"), ("seconds", "seconds"))}
    return StudyResults(task_names, cells, seeds, eval_steps, curves["scores"], final,
                        success, seconds, widths, n_params, time.perf_counter() - start,
                        curves["max_c"], curves["gap"], failing,
                        (load0, os.getloadavg()[0]))


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
    if res.failing:
        print(f"  long_lag  LSTM with forget bias 1 alone: "
              f"{int(res.failing['success'].sum())}/{len(res.seeds)} solved")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
