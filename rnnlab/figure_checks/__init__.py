"""Checks that a figure can be read, measured in display coordinates after a draw.

    legend_overlaps_data(fig)   legends and texts that cover drawn data points
    texts_overlap(fig)          texts (and legends) drawn over each other
    text_clipped(fig)           texts that stick out of the figure
    data_outside_axes(fig)      data points outside their axes, unless marked off-scale
    data_pinned_to_edge(fig)    values clipped to the axis limits and drawn as data
    flat_view(fig)              lines whose values change but are drawn flat
    figure_problems(fig)        all of the figure checks but flat_view, as sentences
    check_figure(fig)           raise ``FigureProblems`` listing them, if there are any
    explorer_width_px(ex)       CSS px an explorer needs (figure or widest control)
    truncated_labels(ex)        control descriptions and options cut off by their width
    typed_readouts_ignored(ex)  value-list sliders whose typed readout would be ignored

Each check returns a list of plain sentences (empty when the figure is fine), so a
failing test says what is wrong where. Data artists are lines and collections (scatter
points, line collections, filled bands); images, meshes and contour fills are
backgrounds. Gridlines are not data, but a legend or text over an axes with a grid needs
an opaque frame so that no gridline strikes through it; so do lines drawn across the
whole axes (``axhline``, ``axvline``), which are reference lines rather than data.

An artist may leave its axes when marked off-scale: ``rnnlab.style.OFF_SCALE`` as its
gid, which a figure sets only when it also says so in the picture.

``tests/test_figures.py`` runs them on every explorer over its controls and on every plot
function; ``rnnlab.show.show`` runs ``check_figure`` on each static figure of a notebook
when the environment variable ``RNNLAB_CHECK_FIGURES`` is ``1`` (the test suite sets it,
so nbval fails on a notebook figure with a problem). Importing this module draws nothing
and changes no setting.
"""
from .checks import (data_outside_axes, data_pinned_to_edge, flat_view,  # noqa: F401
                     legend_overlaps_data, text_clipped, texts_overlap)
from .controls import (control_width_px, explorer_width_px, text_px,  # noqa: F401
                       truncated_labels, typed_readouts_ignored)
from .drawn import data_artists, drawn_points, figure_texts, is_reference  # noqa: F401
from .drawn import renderer as _renderer


class FigureProblems(AssertionError):
    """A figure that cannot be read as drawn: its message lists what is wrong where."""


def figure_problems(fig):
    """Every problem of ``fig`` (all checks but ``flat_view``) as sentences, after one draw."""
    r = _renderer(fig)
    return (legend_overlaps_data(fig, r) + texts_overlap(fig, r) + text_clipped(fig, r)
            + data_outside_axes(fig, r) + data_pinned_to_edge(fig, r))


def check_figure(fig, what="the figure"):
    """Raise ``FigureProblems`` naming every problem of ``fig``; do nothing when it has none."""
    problems = figure_problems(fig)
    if problems:
        raise FigureProblems(f"{what} cannot be read as drawn ({len(problems)} problem"
                             f"{'s' if len(problems) > 1 else ''}):\n"
                             + "\n".join(f"  - {p}" for p in problems))
