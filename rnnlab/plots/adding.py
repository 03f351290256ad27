"""The adding-problem study drawn: learning curves, and how many seeds of each setting solved.

    plot_runs(runs, axes=None, budget=None) -> Drawing
        two panels against training sequences seen: the fraction of test sequences solved
        (the 99% goal dotted) and the test loss (log scale)
    plot_study(runs, budget=None, reference=None) -> Drawing
        the solved-fraction curves of every run, and beside them one row per setting: the
        sequences each seed needed to solve, seeds that did not solve marked at the budget
    live_runs(labels, budget) -> (Drawing, callback)
        ``plot_runs``'s panels, redrawn while a cell trains

``runs`` is a dict label -> ``rnnlab.experiments.adding.AddingRun``; a run's setting is its
label before `` | seed``. Each setting has its own colour and line style (``setting_style``),
and the key sits below the panels, never over the data.
"""
import numpy as np

from ..style import CELL_STYLE, COLORS, OKABE_ITO
from .base import Drawing, styled

GOAL = 0.99

# colour and line style per setting, in ``ORDER``: the recipe in the course's LSTM look and
# the RNNs in orange (the RNN's colour) with two line styles; other LSTM settings in colours
# no cell type uses (the GRU's blue stays free)
_STYLES = {
    "LSTM, forget bias 3, input bias -3": (CELL_STYLE["LSTM"]["color"], CELL_STYLE["LSTM"]["ls"]),
    "LSTM, forget bias 1, input bias -3": (OKABE_ITO["sky_blue"], "--"),
    "LSTM, forget bias 3, input bias 0": (OKABE_ITO["reddish_purple"], (0, (6, 1.5, 1, 1.5, 1, 1.5))),
    "LSTM, forget bias 1, input bias 0": (OKABE_ITO["black"], ":"),
    "RNN, lr 0.01": (CELL_STYLE["RNN"]["color"], CELL_STYLE["RNN"]["ls"]),
    "RNN, lr 0.001": (OKABE_ITO["vermillion"], (0, (8, 2.5))),
}
_SPARE = [(OKABE_ITO["blue"], (0, (1.5, 1.5))), (OKABE_ITO["yellow"], (0, (3, 1, 1, 1)))]
# the settings of the study, in the order the key lists them (others follow in order seen)
ORDER = ("LSTM, forget bias 3, input bias -3", "LSTM, forget bias 1, input bias -3",
         "LSTM, forget bias 3, input bias 0", "LSTM, forget bias 1, input bias 0",
         "RNN, lr 0.01", "RNN, lr 0.001")


def setting_of(label):
    """The setting of a run label (the part before `` | seed``)."""
    return str(label).split(" | ")[0]


def settings_in(labels):
    """The distinct settings of ``labels``, in ``ORDER`` first, then in the order seen."""
    seen = list(dict.fromkeys(setting_of(lab) for lab in labels))
    return [s for s in ORDER if s in seen] + [s for s in seen if s not in ORDER]


def setting_style(settings):
    """setting -> dict(color=..., ls=...): one colour and one line style per setting."""
    out, spare = {}, iter(_SPARE * len(settings))
    for s in settings:
        color, ls = _STYLES[s] if s in _STYLES else next(spare)
        out[s] = dict(color=color, ls=ls)
    return out


def _key(fig, styles, ncol=2):
    """The key: one entry per setting, below the panels."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], lw=2, **st) for st in styles.values()]
    return fig.legend(handles, list(styles), loc="outside lower center", ncol=ncol,
                      fontsize=9, handlelength=3.2)


@styled
def plot_runs(runs, axes=None, budget=None):
    """Learning curves of adding-problem runs; returns a Drawing with ``fig``, ``axes``
    (solved, loss), ``lines`` ((label, "solved"/"loss") -> Line2D) and ``styles``."""
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(9.6, 3.6), layout="constrained")
    solved_ax, loss_ax = axes
    styles = setting_style(settings_in(runs))
    d = Drawing(fig=solved_ax.figure, ax=solved_ax, axes=(solved_ax, loss_ax), lines={},
                styles=styles)
    for label, run in runs.items():
        style = dict(lw=1.6, **styles[setting_of(label)])
        d["lines"][label, "solved"], = solved_ax.plot(run.seen, run.solved, **style)
        d["lines"][label, "loss"], = loss_ax.plot(run.seen, run.loss, **style)
    top = budget or max((int(r.seen[-1]) for r in runs.values() if len(r.seen)), default=1)
    solved_ax.axhline(GOAL, color=COLORS["muted"], ls=":", lw=1.4)
    solved_ax.set_ylim(0, 1.02)
    solved_ax.set_ylabel("test sequences solved")
    solved_ax.set_title("|error| < 0.04 on 2,560 fresh sequences", loc="left", fontsize=11)
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel("test loss (mse)")
    loss_ax.set_title("always answering 0.5 scores about 0.04", loc="left", fontsize=11)
    for ax in axes:
        ax.set_xlim(0, top)
        ax.set_xlabel("training sequences seen")
    d["key"] = _key(d["fig"], styles, ncol=min(len(styles), 3))
    return d


@styled
def plot_study(runs, budget=None, reference=None):
    """The whole study: solved-fraction curves (left) and, per setting, the sequences each
    seed needed to solve (right; a seed that did not solve sits at the budget as an open
    triangle, pointing past it). ``reference`` = (label, sequences) draws a dotted line
    (e.g. Hochreiter & Schmidhuber's published count). Returns a Drawing with ``fig``,
    ``axes`` (curves, strip), ``lines`` (label -> Line2D), ``points`` (setting ->
    PathCollections) and ``styles``."""
    import matplotlib.pyplot as plt

    fig, (curves, strip) = plt.subplots(1, 2, figsize=(9.6, 4.4), layout="constrained",
                                        width_ratios=(1.25, 1))
    settings = settings_in(runs)
    styles = setting_style(settings)
    top = budget or max((r.budget for r in runs.values()), default=1)
    d = Drawing(fig=fig, ax=curves, axes=(curves, strip), lines={}, points={}, styles=styles)
    for label, run in runs.items():
        d["lines"][label], = curves.plot(run.seen, run.solved, lw=1.4, alpha=0.9,
                                         **styles[setting_of(label)])
    curves.axhline(GOAL, color=COLORS["muted"], ls=":", lw=1.4)
    curves.set_ylim(0, 1.02)
    curves.set_xlim(0, top)
    curves.set_ylabel("test sequences solved")
    curves.set_xlabel("training sequences seen")
    curves.set_title("every run (a run stops once 99% are solved)", loc="left", fontsize=11)

    ticks = []
    for row, setting in enumerate(settings):
        group = [r for r in runs.values() if setting_of(r.label) == setting]
        y = len(settings) - 1 - row
        offsets = np.linspace(-0.3, 0.3, len(group)) if len(group) > 1 else np.zeros(1)
        hit = [(r.solved_at, y + off) for r, off in zip(group, offsets) if r.solved_at]
        miss = [y + off for r, off in zip(group, offsets) if not r.solved_at]
        color = styles[setting]["color"]
        d["points"][setting] = []
        if hit:
            xs, ys = zip(*hit)
            d["points"][setting].append(strip.scatter(xs, ys, s=34, color=color, zorder=3,
                                                      clip_on=False))
        if miss:
            d["points"][setting].append(strip.scatter([top] * len(miss), miss, s=40, marker=">",
                                                      facecolor="white", edgecolor=color,
                                                      lw=1.4, zorder=3, clip_on=False))
        name = setting.replace(", input", ",\ninput")
        ticks.append((y, f"{name}: {len(hit)}/{len(group)}"))
    if reference is not None:
        ref_label, ref_x = reference
        strip.axvline(ref_x, color=COLORS["text"], ls=":", lw=1.2)
        strip.annotate(ref_label, (ref_x, 1.0), xycoords=("data", "axes fraction"),
                       xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                       fontsize=9)
    strip.set_yticks([y for y, _ in ticks], [t for _, t in ticks], fontsize=8.5)
    strip.set_ylim(-0.6, len(settings) - 0.4)
    strip.set_xlim(0, top)
    strip.grid(axis="y", visible=False)
    strip.xaxis.set_major_formatter(lambda x, _: f"{x / 1000:g}k")
    strip.set_xlabel(f"sequences to solve (open: not in {top:,})")
    strip.set_title("seeds solved per setting", loc="left", fontsize=11, pad=16)
    d["key"] = _key(fig, styles, ncol=3)
    return d


def live_runs(labels, budget):
    """Empty learning-curve panels shown in the notebook now, and ``callback(run)`` that
    redraws them after each evaluation (pass it to ``train_adding``). The drawing's
    ``close(alt)`` shows the last picture with the alternative text ``alt`` (what it shows,
    in words that hold on every machine; ``rnnlab.show``)."""
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

    def close(alt):
        from ..show import check_if_asked, figure_png, picture_bundle

        check_if_asked(d["fig"], alt)
        data, metadata = picture_bundle(figure_png(d["fig"]), alt)
        handle.update(data, metadata=metadata, raw=True)
    d["close"] = close
    return d, callback
