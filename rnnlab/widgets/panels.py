"""Placing an explorer's panels by hand (in inches), so redraws never re-run a layout engine."""


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
