"""Gradient flow drawn on a log scale: ||dL/dh_t|| (and ||dL/dc_t||) against the lag.

    plot_flow(results, ax=None, boundary=None, colors=None) -> FlowDrawing

``results`` is a dict label -> ``rnnlab.flow.FlowResult``. Solid lines are ||dL/dh_t||,
dashed lines ||dL/dc_t|| (LSTM), dotted lines the optional per-lag bounds in
``boundary`` (label -> (T,) values). The float range runs out quickly here, so values
are drawn inside [FLOOR, CEIL] = [1e-300, 1e300]: a norm beyond it (exactly 0 after an
underflow, inf after an overflow) sits on the edge with an x marker and is named in the
legend, never left out. ``FlowDrawing.set_results`` moves the same lines to new results
(what an explorer calls on every slider move).
"""
import numpy as np
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from ..style import COLORS, CYCLE, cell_style
from .base import Drawing, get_axes, styled

FLOOR, CEIL = 1e-300, 1e300


def shown(values):
    """``values`` clipped into [FLOOR, CEIL] (NaN counts as inf); returns (shown, clipped)."""
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=np.inf, posinf=np.inf)
    clipped = (v < FLOOR) | (v > CEIL)
    return np.clip(v, FLOOR, CEIL), clipped


LOWS, HIGHS = (-6, -12, -20, -50, -100, -200, -305), (2, 5, 10, 20, 50, 100, 200, 305)


def decade_limits(values):
    """Log-axis limits (10^lo, 10^hi) that hold ``values``, from a few fixed decades, so
    that small changes keep the same limits (and an explorer redraws no tick labels)."""
    v = np.concatenate([shown(a)[0] for a in values]) if len(values) else np.ones(1)
    lo, hi = np.log10(v.min()), np.log10(v.max())
    lo = next((d for d in LOWS if d <= lo - 0.5), LOWS[-1])
    hi = next((d for d in HIGHS if d >= hi + 0.5), HIGHS[-1])
    return 10.0 ** lo, 10.0 ** hi


def set_decades(ax, ylim):
    """Set a log y-axis to ``ylim`` with at most 6 plain "1e-20" labels (no mathtext, which
    is slow to lay out) and no minor ticks."""
    lo, hi = (int(round(np.log10(v))) for v in ylim)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 150) if (hi - lo) / s <= 5)
    ticks = np.arange(int(np.ceil(lo / step)) * step, hi + 1, step)
    ax.set_ylim(*ylim)
    ax.yaxis.set_major_locator(FixedLocator(10.0 ** ticks))
    ax.yaxis.set_major_formatter(FixedFormatter(["1" if k == 0 else f"1e{k}" for k in ticks]))
    ax.yaxis.set_minor_locator(NullLocator())


class FlowDrawing(Drawing):
    """Keys: ``fig``, ``ax``, ``dh`` (label -> Line2D), ``dc`` (label -> Line2D, LSTM
    labels only), ``bound`` (label -> Line2D, labels with a boundary), ``clipped`` (a
    scatter of the x markers on the edges), ``labels``."""

    def set_results(self, results, boundary=None):
        """Move the lines to ``results`` (the same labels as when drawn); returns the
        y-limits that fit (the caller sets them: an explorer changes them only when needed)."""
        boundary = boundary or {}
        marks, everything = [], []
        for label in self["labels"]:
            r = results[label]
            for kind, values in (("dh", r.dh), ("dc", r.dc), ("bound", boundary.get(label))):
                line = self[kind].get(label)
                if line is None or values is None:
                    continue
                y, clipped = shown(values)
                line.set_data(r.lag, y)
                everything.append(y)
                if kind != "bound":
                    marks.append(np.column_stack([r.lag[clipped], y[clipped]]))
        self["clipped"].set_offsets(np.concatenate(marks) if marks else np.empty((0, 2)))
        return decade_limits(everything)


def _cell_color(label):
    """The course's colour of the cell type named in ``label``, or None."""
    try:
        return cell_style(label)["color"]
    except ValueError:
        return None


@styled
def plot_flow(results, ax=None, boundary=None, colors=None):
    """||dL/dh_t|| against the lag (log scale) for each labelled ``FlowResult``.

    ``boundary`` (label -> (T,)) draws a dotted bound per label, e.g. ||dh at lag 0|| times
    (gamma sigma_max)^lag; ``colors`` (label -> colour) overrides the course's cycle.
    Returns a ``FlowDrawing``.
    """
    if not results:
        raise ValueError("results must hold at least one labelled FlowResult")
    fig, ax = get_axes(ax, (7.0, 3.4))
    boundary = boundary or {}
    colors = colors or {}
    d = FlowDrawing(fig=fig, ax=ax, dh={}, dc={}, bound={}, labels=list(results))
    for i, (label, r) in enumerate(results.items()):
        color = colors.get(label) or _cell_color(label) or CYCLE[i % len(CYCLE)]
        d["dh"][label], = ax.plot(r.lag, np.ones(len(r.lag)), color=color, lw=2,
                                  label=f"||dL/dh_t||, {label}")
        if r.dc is not None:
            d["dc"][label], = ax.plot(r.lag, np.ones(len(r.lag)), color=color, lw=2, ls="--",
                                      label=f"||dL/dc_t||, {label}")
        if boundary.get(label) is not None:
            d["bound"][label], = ax.plot(r.lag, np.ones(len(r.lag)), color=color, lw=1.4,
                                         ls=":", label=f"bound, {label}")
    d["clipped"] = ax.scatter([], [], marker="x", s=40, color=COLORS["text"], zorder=5,
                              label="0 or inf\n(past the float range)")
    ax.set_yscale("log")
    set_decades(ax, d.set_results(results, boundary))
    T = max(len(r.lag) for r in results.values())
    ax.set_xlim(0, max(T - 1, 1))
    ax.set_xlabel("lag (steps back from the loss)")
    ax.set_ylabel("gradient norm")
    ax.legend(loc="best", fontsize=9)
    return d
