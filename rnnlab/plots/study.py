"""The RNN / LSTM / GRU study drawn: learning curves per task, the LSTM's saturation, and a
live curve for training.

    plot_study(results, axes=None) -> Drawing       one panel per task: the test score
                                                    against the training step, the mean
                                                    over seeds (line) and the range (band)
    plot_saturation(results, axes=None) -> Drawing  the long-lag LSTM runs, the failing
                                                    recipe beside the study's: max |c_t|
                                                    and the recall gap during training
    LiveCurves(labels, steps, ylabel)               a figure redrawn in place while a cell
                                                    trains (IPython display handle)
"""
import numpy as np

from ..style import CELL_COLORS, CELL_STYLE, CYCLE, OKABE_ITO
from .base import Drawing, styled

FAILING_COLOR = OKABE_ITO["vermillion"]


@styled
def plot_study(results, axes=None):
    """Learning curves of a ``rnnlab.study.StudyResults``: one panel per task.

    Each cell's line is the mean test score over the seeds at each evaluation step, its
    band the lowest to the highest seed; the dotted line is the task's goal. The panel's
    title says how many seeds each cell solved; the legend sits above the panels.
    Returns a ``Drawing`` with ``fig``, ``axes`` (task -> Axes), ``lines`` ((task, cell)
    -> Line2D, labelled "cell (n/N solved)") and ``bands``.
    """
    from ..study import TASKS

    names = results.tasks
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(names), figsize=(3.0 * len(names) + 0.6, 3.5),
                                 layout="constrained", sharey=True)
    axes = np.atleast_1d(axes)
    fig = axes[0].figure
    d = Drawing(fig=fig, ax=axes[0], axes={}, lines={}, bands={})
    for ax, name in zip(axes, names):
        steps = results.eval_steps[name]
        counts = []
        for j, cell in enumerate(results.cells):
            s = results.scores[name][j]                       # (seeds, evals)
            look = CELL_STYLE.get(cell, {"color": CYCLE[j], "ls": "-"})
            d["bands"][name, cell] = ax.fill_between(steps, s.min(axis=0), s.max(axis=0),
                                                     color=look["color"], alpha=0.15, lw=0)
            n = int(results.success[names.index(name), j].sum())
            counts.append(f"{cell} {n}")
            d["lines"][name, cell], = ax.plot(steps, s.mean(axis=0), marker="o", ms=2.5,
                                              label=f"{cell} ({n}/{s.shape[0]} solved)",
                                              **look)
        title = TASKS[name].title if name in TASKS else name
        if name in TASKS:
            ax.axhline(TASKS[name].goal, color="#555555", ls=":", lw=1.2)
        ax.set_title(f"{title}\nsolved of {len(results.seeds)}: " + ", ".join(counts),
                     fontsize=9.5)
        ax.set_xlabel("training step")
        ax.set_ylim(-0.03, 1.05)
        d["axes"][name] = ax
    axes[0].set_ylabel("test score (fraction)")
    handles = [d["lines"][names[0], c] for c in results.cells]
    fig.legend(handles, list(results.cells), loc="outside upper center",
               ncol=len(handles), fontsize=9, frameon=False)
    return d


@styled
def plot_saturation(results, axes=None):
    """The long-lag LSTM runs of a ``StudyResults``: the failing recipe (forget bias 1
    alone, vermillion) and the study's (forget +3, input -3, the LSTM's colour), one thin
    line per seed. Left: max |c_t| over the test set; right: the recall gap (how much h
    at the last step differs between sequences that began with x and with y), log scale.
    Returns a ``Drawing`` with ``fig``, ``axes`` ("max_c", "gap") and ``lines``
    ((recipe, quantity) -> list of Line2D, recipe "failing" or "study").
    """
    from ..study_tasks import LSTM_BIASES, LSTM_FAILING

    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.0), layout="constrained")
    fig = axes[0].figure
    d = Drawing(fig=fig, ax=axes[0], axes={"max_c": axes[0], "gap": axes[1]}, lines={})
    j = results.cells.index("LSTM")
    steps = results.eval_steps["long_lag"]
    recipes = {
        "failing": (results.failing, FAILING_COLOR, "--",
                    f"forget {LSTM_FAILING['forget_bias']:+g} alone"),
        "study": ({"max_c": results.max_c["long_lag"][j], "gap": results.gap["long_lag"][j]},
                  CELL_COLORS["LSTM"], "-",
                  f"forget {LSTM_BIASES['forget_bias']:+g}, input {LSTM_BIASES['input_bias']:+g}")}
    for recipe, (data, color, ls, label) in recipes.items():
        for key, ax in d["axes"].items():
            d["lines"][recipe, key] = ax.plot(steps, np.asarray(data[key]).T, color=color,
                                              ls=ls, lw=1.3, alpha=0.85)
        d["lines"][recipe, "max_c"][0].set_label(label)
    gap = np.concatenate([np.ravel(results.failing["gap"]),
                          np.ravel(results.gap["long_lag"][j])])
    gap = gap[np.isfinite(gap) & (gap > 0)]
    for key, ax in d["axes"].items():
        ax.set_xlabel("training step (linear to 10, then log)")
        ax.set_xscale("symlog", linthresh=10, linscale=0.5)  # the climb is in the first 50
        ax.set_xlim(0, steps[-1])
        ax.set_yscale("log")
    axes[0].set_ylabel(r"max $|c_t|$ over the test set")
    axes[1].set_ylabel("recall gap at the last step")
    axes[1].set_ylim(gap.min() / 3, 10.0)
    axes[0].set_title(r"the cell saturates either way", fontsize=10)
    axes[1].set_title("the first symbol's trace survives\nonly with the biases", fontsize=10)
    fig.legend(loc="outside upper center", ncol=2, fontsize=9, frameon=False)
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
            looks = {lab: dict(CELL_STYLE.get(lab, {"color": CYCLE[i], "ls": "-"}))
                     for i, lab in enumerate(labels)}
            for lab, look in looks.items():
                look["color"] = colors.get(lab, look["color"])
            self.lines = {lab: self.ax.plot([], [], label=lab, **look)[0]
                          for lab, look in looks.items()}
            self.ax.set_xlim(0, steps)
            self.ax.set_xlabel("training step")
            self.ax.set_ylabel(ylabel)
            if log:
                self.ax.set_yscale("log")
                self.ax.set_ylim(1e-2, 10.0)     # until the first points arrive
            self.fig.legend(loc="outside upper center", ncol=len(labels), fontsize=9,
                            frameon=False)
        plt.close(self.fig)                  # shown through the handle, not at cell end
        self.data = {lab: ([], []) for lab in labels}
        self.every, self._handle, self.alt = every, None, None
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
        if self._handle is None:
            return
        if self.alt:      # the last picture, with its alternative text (rnnlab.show)
            from ..show import check_if_asked, figure_png, picture_bundle

            check_if_asked(self.fig, self.alt)
            data, metadata = picture_bundle(figure_png(self.fig), self.alt)
            self._handle.update(data, metadata=metadata, raw=True)
        else:
            self._handle.update(self.fig)

    def close(self, alt=None):
        """Draw the final picture; ``alt`` (what it shows, in words that hold on every
        machine) becomes its alternative text."""
        self.alt = alt
        self.redraw()
