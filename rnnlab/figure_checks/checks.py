"""The figure checks: each takes a figure (and optionally a renderer it was just drawn
with) and returns its problems as plain sentences, empty when there are none."""
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from ..style import OFF_SCALE
from .drawn import (TOL, _covering_things, _covers, _has_grid, _is_3d, _raw_points, _shown,
                    data_artists, drawn_points, figure_texts, is_reference)
from .drawn import renderer as _draw


def legend_overlaps_data(fig, drawn=None):
    """Legends and texts whose box covers drawn data points (or, without an opaque frame,
    a gridline or reference line)."""
    renderer = _draw(fig, drawn)
    things = _covering_things(fig, renderer)
    if not things:
        return []
    ink = {}   # axes -> [(artist, points, reference?)], measured once
    for ax in fig.axes:
        if not _is_3d(ax):
            ink[ax] = [(a, drawn_points(a, ax), is_reference(a, ax) or a.get_gid() == "reference")
                       for a in data_artists(ax)]
    problems = []
    for name, box, opaque, owner in things:
        for ax, artists in ink.items():
            if not box.overlaps(ax.bbox):
                continue
            for a, pts, reference in artists:
                hit = _covers(box, pts)
                if not hit or (reference and opaque):
                    continue
                if reference:
                    problems.append(f"{name} is crossed by the reference line "
                                    f"{a.get_label()!r} (give it an opaque frame)")
                else:
                    problems.append(f"{name} covers {hit} drawn points of "
                                    f"{a.get_label()!r} in axes {ax.get_title()!r}")
            inter = Bbox.intersection(box, ax.bbox)
            if not opaque and _has_grid(ax) and inter is not None \
                    and inter.width > 2 and inter.height > 2:
                problems.append(f"{name} lies on the grid of axes {ax.get_title()!r} "
                                f"without an opaque frame (gridlines strike through it)")
    return problems


def text_clipped(fig, drawn=None):
    """Texts that reach past the figure's edges (cut off in the picture)."""
    renderer = _draw(fig, drawn)
    frame = fig.bbox
    problems = []
    for t in figure_texts(fig):
        b = t.get_window_extent(renderer)
        if b.x0 < frame.x0 - TOL or b.x1 > frame.x1 + TOL \
                or b.y0 < frame.y0 - TOL or b.y1 > frame.y1 + TOL:
            problems.append(f"text {t.get_text()!r} is cut off by the figure "
                            f"({b.x0:.0f}..{b.x1:.0f} x {b.y0:.0f}..{b.y1:.0f} in "
                            f"{frame.width:.0f} x {frame.height:.0f} px)")
    return problems


def texts_overlap(fig, drawn=None):
    """Pairs of texts (tick labels, axis labels, titles, free texts, legends) that overlap."""
    renderer = _draw(fig, drawn)
    items = []   # (name, bbox, owner legend or None)
    for t in figure_texts(fig):
        owner = t.axes.get_legend() if t.axes is not None and t.axes.get_legend() is not None \
            and t in t.axes.get_legend().get_texts() + [t.axes.get_legend().get_title()] \
            else None
        if owner is None:
            owner = next((leg for leg in fig.legends if t in leg.get_texts()), None)
        if owner is None:
            items.append((f"text {t.get_text()!r}", t.get_window_extent(renderer), t))
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None and _shown(leg):
            items.append((f"legend {[x.get_text() for x in leg.get_texts()]}",
                          leg.get_window_extent(renderer), leg))
    for leg in fig.legends:
        if _shown(leg):
            items.append((f"legend {[x.get_text() for x in leg.get_texts()]}",
                          leg.get_window_extent(renderer), leg))
    if len(items) < 2:
        return []
    b = np.array([[i[1].x0, i[1].y0, i[1].x1, i[1].y1] for i in items]) + [1, 1, -1, -1]
    over = ((b[:, None, 0] < b[None, :, 2]) & (b[None, :, 0] < b[:, None, 2])
            & (b[:, None, 1] < b[None, :, 3]) & (b[None, :, 1] < b[:, None, 3]))
    return [f"{items[i][0]} overlaps {items[j][0]}" for i, j in zip(*np.nonzero(np.triu(over, 1)))]


# -- data inside axes ---------------------------------------------------------------------
def data_outside_axes(fig, drawn=None):
    """Data artists with points beyond their axes (unless marked ``OFF_SCALE``)."""
    _draw(fig, drawn)
    problems = []
    for ax in fig.axes:
        if _is_3d(ax):
            continue
        box = ax.bbox
        for a in data_artists(ax):
            if a.get_gid() == OFF_SCALE or not a.get_clip_on():
                continue
            polylines, _ = _raw_points(a)
            if not polylines:
                continue
            pts = np.concatenate(polylines)
            if is_reference(a, ax):
                # only the data coordinate of a line across the axes can leave it
                continue
            pts = pts[np.isfinite(pts).all(axis=1)]
            out = ((pts[:, 0] < box.x0 - TOL) | (pts[:, 0] > box.x1 + TOL)
                   | (pts[:, 1] < box.y0 - TOL) | (pts[:, 1] > box.y1 + TOL))
            if out.any():
                inv = ax.transData.inverted().transform(pts[out][:3])
                problems.append(f"{a.get_label()!r} in axes {ax.get_title()!r} has "
                                f"{int(out.sum())} points outside the axes (e.g. "
                                f"{np.round(inv, 3).tolist()}; limits x {ax.get_xlim()}, "
                                f"y {ax.get_ylim()})")
    return problems


def _plain_lines(fig, drawn=None):
    """(axes, line) for the data lines of a drawn figure: not reference lines, not marked
    off-scale, not in 3-D axes."""
    _draw(fig, drawn)
    for ax in fig.axes:
        if not _is_3d(ax):
            for a in data_artists(ax):
                if isinstance(a, Line2D) and a.get_gid() != OFF_SCALE \
                        and not is_reference(a, ax):
                    yield ax, a


def data_pinned_to_edge(fig, drawn=None, run=3):
    """Lines whose points lie on the top or bottom of their axes ``run`` times in a row:
    values clipped to the axis limits and drawn as if they were data, unless marked
    ``OFF_SCALE`` (the picture says they are off the scale)."""
    problems = []
    for ax, a in _plain_lines(fig, drawn):
        if a.get_transform() == ax.transData:
            y = np.asarray(a.get_ydata(), float)
            edge = np.zeros(len(y), bool)
            for lim in ax.get_ylim():   # exactly the limit: a value clipped to it
                edge |= np.isclose(y, lim, rtol=1e-9, atol=0.0)
            longest = max(len(r) for r in "".join("1" if e else "0" for e in edge).split("0"))
            if longest >= run:
                problems.append(f"{a.get_label()!r} in axes {ax.get_title()!r} runs along "
                                f"the edge of its axes for {longest} points (clipped values "
                                f"drawn as data; mark them off the scale)")
    return problems


def flat_view(fig, drawn=None, min_px=4.0):
    """Lines whose values change but whose drawing is flat (less than ``min_px`` high)."""
    problems = []
    for ax, a in _plain_lines(fig, drawn):
        if len(a.get_xdata()) >= 3:
            y = np.asarray(a.get_ydata(), float)
            y = y[np.isfinite(y)]
            if not len(y) or np.ptp(y) <= 0.5 * np.abs(y).max():   # a small change may be flat
                continue
            disp = a.get_transform().transform(np.asarray(a.get_xydata(), float))[:, 1]
            disp = disp[np.isfinite(disp)]
            if len(disp) and np.ptp(disp) < min_px:
                problems.append(f"{a.get_label()!r} in axes {ax.get_title()!r} changes "
                                f"({y.min():.3g}..{y.max():.3g}) but is drawn flat "
                                f"({np.ptp(disp):.1f} px)")
    return problems
