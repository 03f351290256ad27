"""The RNN / LSTM / GRU study drawn: learning curves per task, and a live curve for training.

    plot_study(results, axes=None) -> Drawing    one panel per task: the test score
                                                 against the training step, the mean over
                                                 seeds (line) and the range (band)
    LiveCurves(labels, steps, ylabel)            a figure redrawn in place while a cell
                                                 trains (IPython display handle)
"""
import numpy as np

from ..style import CYCLE
from .base import Drawing, styled

CELL_COLORS = {"RNN": CYCLE[0], "LSTM": CYCLE[1], "GRU": CYCLE[2]}


@styled
def plot_study(results, axes=None):
    """Learning curves of a ``rnnlab.study.StudyResults``: one panel per task.

    Each cell's line is the mean test score over the seeds at each evaluation step, its
    band the lowest to the highest seed; the dotted line is the task's goal.
    Returns a ``Drawing`` with ``fig``, ``axes`` (task -> Axes), ``lines`` ((task, cell)
    -> Line2D) and ``bands``.
    """
    from ..study import TASKS

    names = results.tasks
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(names), figsize=(3.0 * len(names) + 0.6, 3.1),
                                 layout="constrained", sharey=True)
    axes = np.atleast_1d(axes)
    fig = axes[0].figure
    d = Drawing(fig=fig, ax=axes[0], axes={}, lines={}, bands={})
    for ax, name in zip(axes, names):
        steps = results.eval_steps[name]
        for j, cell in enumerate(results.cells):
            s = results.scores[name][j]                       # (seeds, evals)
            color = CELL_COLORS.get(cell, CYCLE[j])
            d["bands"][name, cell] = ax.fill_between(steps, s.min(axis=0), s.max(axis=0),
                                                     color=color, alpha=0.18, lw=0)
            n = int(results.success[names.index(name), j].sum())
            d["lines"][name, cell], = ax.plot(steps, s.mean(axis=0), color=color, marker="o",
                                              ms=3, label=f"{cell} ({n}/{s.shape[0]} solved)")
        if name in TASKS:
            ax.axhline(TASKS[name].goal, color="#555555", ls=":", lw=1.2)
            ax.set_title(TASKS[name].title, fontsize=11)
        ax.set_xlabel("training step")
        ax.set_ylim(-0.03, 1.05)
        ax.legend(loc="lower right", fontsize=8.5)
        d["axes"][name] = ax
    axes[0].set_ylabel("test score (fraction)")
    return d


class LiveCurves:
    """A small figure of one or more learning curves, redrawn while a cell trains.

    ``update(label, step, value)`` records a point; every ``every`` steps (and at
    ``close()``) the figure is redrawn through an IPython display handle, so the
    notebook shows the curve growing. Outside IPython it only records.
    """

    def __init__(self, labels, steps, ylabel, every=25, log=True, colors=None):
        import matplotlib.pyplot as plt

        from ..style import rnnlab_style

        with rnnlab_style():
            self.fig, self.ax = plt.subplots(figsize=(7.0, 2.6), layout="constrained")
            colors = colors or {}
            self.lines = {lab: self.ax.plot([], [], color=colors.get(lab, CYCLE[i]),
                                            label=lab)[0] for i, lab in enumerate(labels)}
            self.ax.set_xlim(0, steps)
            self.ax.set_xlabel("training step")
            self.ax.set_ylabel(ylabel)
            if log:
                self.ax.set_yscale("log")
                self.ax.set_ylim(1e-2, 10.0)     # until the first points arrive
            self.ax.legend(loc="upper right", fontsize=9)
        plt.close(self.fig)                  # shown through the handle, not at cell end
        self.data = {lab: ([], []) for lab in labels}
        self.every, self._handle = every, None
        try:
            from IPython.display import display

            self._handle = display(self.fig, display_id=True)
        except Exception:                    # pragma: no cover - not in IPython
            self._handle = None

    def update(self, label, step, value):
        xs, ys = self.data[label]
        xs.append(step)
        ys.append(value)
        if step % self.every == 0:
            self.redraw()

    def redraw(self):
        finite = []
        for label, (xs, ys) in self.data.items():
            self.lines[label].set_data(xs, ys)
            finite += [y for y in ys if np.isfinite(y) and y > 0]
        if finite:
            lo, hi = min(finite), max(finite)
            self.ax.set_ylim(lo / 1.5, hi * 1.5) if self.ax.get_yscale() == "log" \
                else self.ax.set_ylim(lo - 0.05, hi + 0.05)
        if self._handle is not None:
            self._handle.update(self.fig)

    def close(self):
        self.redraw()
