"""The remedies study drawn (``rnnlab.experiments.remedies``).

    plot_reach(results, ax=None) -> Drawing        success rate against lag, one curve per
                                                   remedy (colour, marker and line style)
    plot_clip_curves(results, ax=None) -> Drawing  the largest gradient norm per 20 steps,
                                                   with and without clipping, every seed
"""
import numpy as np

from ..style import CYCLE
from .base import Drawing, get_axes, styled

MARKERS = ("o", "s", "D", "^", "v", "X", "P", "*")
DASHES = ("-", "--", "-", "-.", ":", "--", "-.", ":")


def remedy_style(i):
    """Colour, marker and line style of the i-th remedy (each differs in more than colour)."""
    return dict(color=CYCLE[i % len(CYCLE)], marker=MARKERS[i % len(MARKERS)],
                ls=DASHES[i % len(DASHES)])


@styled
def plot_reach(results, ax=None):
    """Share of seeds that succeeded at each lag, one curve per remedy; the legend sits
    outside the axes, on the right. Curves that coincide are nudged apart a little
    sideways so every marker shows. Returns a ``Drawing`` with ``lines`` (label -> Line2D).
    """
    from ..experiments.remedies import SUCCESS, success_counts

    fig, ax = get_axes(ax, (8.6, 3.3))
    lags, n = np.asarray(results["lags"], dtype=float), results["seeds"]
    rate = success_counts(results) / n
    k = len(results["labels"])
    d = Drawing(fig=fig, ax=ax, lines={})
    for i, label in enumerate(results["labels"]):
        nudge = 1 + 0.05 * (i - (k - 1) / 2)            # log x: a constant ratio
        d["lines"][label], = ax.plot(lags * nudge, rate[i], lw=1.6, ms=6, label=label,
                                     **remedy_style(i))
    ax.set_xscale("log")
    ax.set_xticks(lags, [f"{g:g}" for g in lags])
    ax.minorticks_off()
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("lag p - 1 (steps from the first symbol to the prediction)")
    ax.set_ylabel(f"share of {n} seeds solved")
    ax.set_title(f"a run succeeds when >= {SUCCESS:.0%} of 512 test sequences are right",
                 fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8.5, frameon=False)
    return d


@styled
def plot_clip_curves(results, ax=None, window=20):
    """The largest gradient norm (before clipping) in each ``window`` steps of the runs
    kept in the file's ``curves``: every seed a line, one colour, marker and line style
    per remedy; a run that solved the task stopped early, so its line ends there.
    Returns a ``Drawing`` with ``lines`` ((label, seed) -> Line2D)."""
    from ..experiments.remedies import CURVES

    fig, ax = get_axes(ax, (8.6, 2.8))
    d = Drawing(fig=fig, ax=ax, lines={})
    for i, label in enumerate(CURVES):
        style = remedy_style(results["labels"].index(label))
        for s in range(results["seeds"]):
            g = results["curves"].get(f"curve_{i}_{s}")
            if g is None:
                continue
            n = -(-len(g) // window) * window
            top = np.nanmax(np.pad(g, (0, n - len(g)), constant_values=np.nan)
                            .reshape(-1, window), axis=1)
            d["lines"][label, s], = ax.semilogy(np.arange(len(top)) * window, top, lw=1.1,
                                                ms=4, markevery=5, alpha=0.9,
                                                label=label if s == 0 else None, **style)
    ax.set_xlabel("training step")
    ax.set_ylabel(f"largest ||g|| per {window} steps\n(before clipping)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8.5, frameon=False)
    return d
