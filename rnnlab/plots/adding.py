"""The adding-problem study drawn: solved fraction and test loss against sequences seen.

    plot_runs(runs, axes=None) -> Drawing        two panels: fraction solved (the 99% goal
                                                 dotted) and test loss (log scale)
    live_runs(runs) -> (Drawing, callback)       the same panels redrawn while a cell trains

``runs`` is a dict label -> ``rnnlab.experiments.adding.AddingRun``.
"""
from ..style import COLORS, CYCLE
from .base import Drawing, styled

GOAL = 0.99


def _color(label, i):
    if label.startswith("LSTM"):
        return (COLORS["hidden"], COLORS["input"], COLORS["highlight"], CYCLE[5])[i % 4]
    return (COLORS["output"], COLORS["gradient"], CYCLE[6], CYCLE[7])[i % 4]


@styled
def plot_runs(runs, axes=None, budget=None):
    """Learning curves of adding-problem runs; returns a Drawing with ``fig``, ``axes``
    (solved, loss) and ``lines`` ((label, "solved"/"loss") -> Line2D)."""
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(9.6, 3.3), layout="constrained")
    solved_ax, loss_ax = axes
    d = Drawing(fig=solved_ax.figure, ax=solved_ax, axes=(solved_ax, loss_ax), lines={})
    counts = {"LSTM": 0, "RNN": 0}
    for label, run in runs.items():
        kind = "LSTM" if label.startswith("LSTM") else "RNN"
        color = _color(label, counts[kind])
        counts[kind] += 1
        style = dict(color=color, lw=2, ls="-" if kind == "LSTM" else "--")
        d["lines"][label, "solved"], = solved_ax.plot(run.seen, run.solved, label=label, **style)
        d["lines"][label, "loss"], = loss_ax.plot(run.seen, run.loss, **style)
    top = budget or max((int(r.seen[-1]) for r in runs.values() if len(r.seen)), default=1)
    solved_ax.axhline(GOAL, color=COLORS["muted"], ls=":", lw=1.4)
    solved_ax.set_ylim(0, 1.02)
    solved_ax.set_ylabel("test sequences solved")
    solved_ax.set_title("|error| < 0.04 on 2,560 fresh sequences", loc="left", fontsize=11)
    solved_ax.legend(loc="center right", fontsize=8.5)
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel("test loss (mse)")
    loss_ax.set_title("the loss of always answering 0.5 is about 0.04", loc="left", fontsize=11)
    for ax in axes:
        ax.set_xlim(0, top)
        ax.set_xlabel("training sequences seen")
    return d


def live_runs(labels, budget):
    """Empty learning-curve panels shown in the notebook now, and ``callback(run)`` that
    redraws them after each evaluation (pass it to ``train_adding``)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    from ..experiments.adding import AddingRun

    empty = {lab: AddingRun(lab, "lstm", 0, 0, 0, 0.0, 0.0, 0.0, budget) for lab in labels}
    d = plot_runs(empty, budget=budget)
    d["axes"][1].set_ylim(1e-4, 0.1)
    plt.close(d["fig"])
    handle = display(d["fig"], display_id=True)

    def callback(run):
        for key in ("solved", "loss"):
            d["lines"][run.label, key].set_data(run.seen, getattr(run, key))
        handle.update(d["fig"])
    return d, callback

