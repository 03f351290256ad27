"""Placing an explorer's panels by hand (in inches), so redraws never re-run a layout engine;
legends beside a panel; marks for values off the scale."""
import numpy as np

from ..style import COLORS, OFF_SCALE


# A legend beside its axes (top left corner just right of the frame), for panels whose
# curves may run anywhere; the panel leaves LEGEND_RIGHT inches free on the right for it.
LEGEND_OUTSIDE = dict(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                      fontsize=8.5)
LEGEND_RIGHT = 2.2


def stack_axes(fig, heights, left=0.7, right=0.15, top=0.3, bottom=0.5, gaps=None):
    """Axes stacked top to bottom with the given heights (inches); returns the list.

    ``gaps`` (inches, one per pair) leave room for titles; the figure keeps its width and
    its height is set to fit. Fixed positions make every redraw cost the same.
    """
    gaps = list(gaps) if gaps is not None else [0.35] * (len(heights) - 1)
    if len(gaps) != len(heights) - 1:
        raise ValueError(f"gaps must have one entry per pair of panels ({len(heights) - 1}), "
                         f"got {len(gaps)}")
    width = fig.get_figwidth()
    total = top + sum(heights) + sum(gaps) + bottom
    fig.set_figheight(total)
    axes, y = [], total - top
    for i, h in enumerate(heights):
        y -= h
        axes.append(fig.add_axes((left / width, y / total, 1 - (left + right) / width,
                                  h / total)))
        if i < len(gaps):
            y -= gaps[i]
    return axes


class OffScale:
    """Triangles on the top (bottom) edge of ``ax`` where a line's values lie above (below)
    its y-limits, so a value clipped to the edge is not read as data.

    ``show({line: values})`` draws each line at its values clipped to the limits,
    marks the lines that needed it ``OFF_SCALE`` and puts a triangle at every ``every``-th
    step that is off the scale. The marks are one scatter per edge, labelled once for a
    legend ("off the scale").
    """

    def __init__(self, ax, every=8, label="off the scale"):
        self.ax, self.every = ax, every
        kw = dict(s=30, color=COLORS["text"], clip_on=False, zorder=5)
        self.marks = (ax.scatter(np.empty(0), np.empty(0), marker="^", label=label, **kw),
                      ax.scatter(np.empty(0), np.empty(0), marker="v", label="_below", **kw))

    def show(self, lines):
        """Draw each line (whose x-data are set) at its ``values`` clipped to the limits."""
        lo, hi = self.ax.get_ylim()
        above, below = [], []
        for line, values in lines.items():
            x, v = np.asarray(line.get_xdata(), float), np.asarray(values, float)
            up, down = v > hi, v < lo
            line.set_ydata(np.clip(v, lo, hi))
            line.set_gid(OFF_SCALE if (up | down).any() else None)
            above.append(x[up])
            below.append(x[down])
        for mark, xs, edge in zip(self.marks, (above, below), (hi, lo)):
            at = np.unique(np.concatenate(xs))[::self.every] if xs else np.empty(0)
            mark.set_offsets(np.column_stack([at, np.full(len(at), edge)]))
