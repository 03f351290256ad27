"""Checks that a figure can be read, measured in display coordinates after a draw.

    legend_overlaps_data(fig)   legends and texts that cover drawn data points
    texts_overlap(fig)          texts (and legends) drawn over each other
    text_clipped(fig)           texts that stick out of the figure
    data_outside_axes(fig)      data points outside their axes, unless marked off-scale
    explorer_width_px(ex)       CSS px an explorer needs (figure or widest control)
    truncated_labels(ex)        control descriptions and options cut off by their width
    data_pinned_to_edge(fig)    values clipped to the axis limits and drawn as data
    flat_view(fig)              lines whose values change but are drawn flat
    figure_problems(fig)        all of the figure checks but flat_view, as sentences

Each returns a list of plain sentences (empty when the figure is fine), so a failing
test says what is wrong where. Data artists are lines and collections (scatter points,
line collections, filled bands); images, meshes and contour fills are backgrounds.
Gridlines are not data, but a legend or text over an axes with a grid needs an opaque
frame so that no gridline strikes through it; so do lines drawn across the whole axes
(``axhline``, ``axvline``), which are reference lines rather than data.

An artist may leave its axes when marked off-scale: ``rnnlab.style.OFF_SCALE`` as its
gid, which an explorer sets only when it also says so in the picture.
"""
import numpy as np
from matplotlib.collections import (Collection, LineCollection, PatchCollection, PathCollection,
                                    QuadMesh)
from matplotlib.colors import to_rgba
from matplotlib.contour import ContourSet
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.textpath import TextPath
from matplotlib.transforms import Bbox

from rnnlab.style import OFF_SCALE

TOL = 1.5          # px: what a border may be missed by (antialiasing, rounding)
STEP = 2.0         # px: a line's segments are sampled this finely


# -- what is drawn ----------------------------------------------------------------------
def _renderer(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _is_3d(ax):
    return getattr(ax, "name", "") == "3d"


def _shown(artist):
    if not artist.get_visible():
        return False
    alpha = artist.get_alpha()
    return alpha is None or alpha > 0


def _densify(xy):
    """Points every ``STEP`` px along the polyline ``xy`` (display coords, NaN breaks)."""
    out = [xy[np.isfinite(xy).all(axis=1)]]
    a, b = xy[:-1], xy[1:]
    ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    a, b = a[ok], b[ok]
    n = np.ceil(np.hypot(*(b - a).T) / STEP).astype(int)
    n = np.minimum(n, 2000)
    for p, q, k in zip(a, b, n):
        if k > 1:
            s = np.linspace(0, 1, k + 1)[1:-1, None]
            out.append(p + s * (q - p))
    return np.concatenate(out) if out else np.empty((0, 2))


def is_reference(artist, ax):
    """A line across the whole axes (axhline, axvline): half of it in axes coordinates."""
    tr = artist.get_transform()
    x, y = getattr(tr, "_x", None), getattr(tr, "_y", None)    # a blended transform
    if x is None or y is None:
        return False
    return (x == ax.transAxes) != (y == ax.transAxes)


def data_artists(ax):
    """The lines and collections of ``ax`` that show data (visible, not a background)."""
    out = []
    for a in list(ax.lines) + list(ax.collections):
        if not _shown(a) or isinstance(a, (QuadMesh, ContourSet, PatchCollection)):
            continue
        if isinstance(a, Line2D) and not len(a.get_xdata()):
            continue
        out.append(a)
    return out


def _raw_points(a):
    """Data points of an artist in display coords, as polylines (list of arrays)."""
    if isinstance(a, Line2D):
        xy = np.asarray(a.get_xydata(), float)
        if not len(xy):
            return [], False
        disp = a.get_transform().transform(xy)
        joined = a.get_linestyle() not in ("None", "", " ", "none")
        return [disp], joined
    if isinstance(a, PathCollection):
        offs = np.asarray(a.get_offsets(), float)
        if not len(offs):
            return [], False
        return [a.get_offset_transform().transform(offs)], False
    if isinstance(a, LineCollection):
        tr = a.get_transform()
        return [tr.transform(np.asarray(s, float)) for s in a.get_segments() if len(s)], True
    if isinstance(a, Collection):
        tr = a.get_transform()
        return [tr.transform(p.vertices) for p in a.get_paths() if len(p.vertices)], True
    return [], False


def drawn_points(a, ax):
    """Display points where ``a`` puts ink inside ``ax`` (sampled along its lines)."""
    polylines, joined = _raw_points(a)
    if not polylines:
        return np.empty((0, 2))
    pts = np.concatenate([_densify(p) if joined else p[np.isfinite(p).all(axis=1)]
                          for p in polylines])
    if a.get_clip_on():
        box = ax.bbox
        inside = ((pts[:, 0] >= box.x0 - TOL) & (pts[:, 0] <= box.x1 + TOL)
                  & (pts[:, 1] >= box.y0 - TOL) & (pts[:, 1] <= box.y1 + TOL))
        pts = pts[inside]
    return pts


def _opaque(patch, on=True):
    if not on or patch is None or not patch.get_visible():
        return False
    face = to_rgba(patch.get_facecolor())
    alpha = patch.get_alpha()
    return face[3] > 0.95 and (alpha is None or alpha > 0.95)


def _has_grid(ax):
    return ax.axison and any(g.get_visible() for axis in (ax.xaxis, ax.yaxis)
               for g in axis.get_gridlines())


def _covers(box, pts):
    inner = box.padded(-1.0)
    if inner.width <= 0 or inner.height <= 0 or not len(pts):
        return 0
    return int(((pts[:, 0] > inner.x0) & (pts[:, 0] < inner.x1)
                & (pts[:, 1] > inner.y0) & (pts[:, 1] < inner.y1)).sum())


def _covering_things(fig, renderer):
    """(name, bbox, opaque, owner artist) for every legend and free text in the figure."""
    things = []
    for ax in fig.axes:
        legends = [c for c in ax.get_children() if isinstance(c, Legend)]
        for leg in legends:
            if _shown(leg):
                things.append((f"legend {[t.get_text() for t in leg.get_texts()]}",
                               leg.get_window_extent(renderer),
                               _opaque(leg.legendPatch, leg.get_frame_on()), leg))
        for t in ax.texts:
            if _shown(t) and t.get_text().strip():
                things.append((f"text {t.get_text()!r}", t.get_window_extent(renderer),
                               _opaque(t.get_bbox_patch()), t))
    for leg in fig.legends:
        if _shown(leg):
            things.append((f"legend {[t.get_text() for t in leg.get_texts()]}",
                           leg.get_window_extent(renderer),
                           _opaque(leg.legendPatch, leg.get_frame_on()), leg))
    for t in fig.texts:
        if _shown(t) and t.get_text().strip():
            things.append((f"text {t.get_text()!r}", t.get_window_extent(renderer),
                           _opaque(t.get_bbox_patch()), t))
    return things


def legend_overlaps_data(fig):
    """Legends and texts whose box covers drawn data points (or, without an opaque frame,
    a gridline or reference line)."""
    renderer = _renderer(fig)
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


# -- texts ------------------------------------------------------------------------------
def _tick_labels(axis):
    for tick in axis._update_ticks():
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text().strip():
                yield label


def figure_texts(fig):
    """Every text that a draw shows: titles, labels, tick labels, legends, free texts."""
    texts = list(fig.texts)
    for leg in fig.legends:
        texts += list(leg.get_texts()) + [leg.get_title()]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts += list(ax.texts) + [ax.title, ax._left_title, ax._right_title]
        leg = ax.get_legend()
        if leg is not None and leg.get_visible():
            texts += list(leg.get_texts()) + [leg.get_title()]
        if ax.axison:
            for axis in ax._axis_map.values():
                if not axis.get_visible():
                    continue
                texts += [axis.label, axis.offsetText, *_tick_labels(axis)]
    return [t for t in texts if isinstance(t, Text) and _shown(t) and t.get_text().strip()]


def text_clipped(fig):
    """Texts that reach past the figure's edges (cut off in the picture)."""
    renderer = _renderer(fig)
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


def texts_overlap(fig):
    """Pairs of texts (tick labels, axis labels, titles, free texts, legends) that overlap."""
    renderer = _renderer(fig)
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
def data_outside_axes(fig):
    """Data artists with points beyond their axes (unless marked ``OFF_SCALE``)."""
    _renderer(fig)
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


def _plain_lines(fig):
    """(axes, line) for the data lines of a drawn figure: not reference lines, not marked
    off-scale, not in 3-D axes."""
    _renderer(fig)
    for ax in fig.axes:
        if not _is_3d(ax):
            for a in data_artists(ax):
                if isinstance(a, Line2D) and a.get_gid() != OFF_SCALE \
                        and not is_reference(a, ax):
                    yield ax, a


def data_pinned_to_edge(fig, run=3):
    """Lines whose points lie on the top or bottom of their axes ``run`` times in a row:
    values clipped to the axis limits and drawn as if they were data, unless marked
    ``OFF_SCALE`` (the picture says they are off the scale)."""
    problems = []
    for ax, a in _plain_lines(fig):
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


def flat_view(fig, min_px=4.0):
    """Lines whose values change but whose drawing is flat (less than ``min_px`` high)."""
    problems = []
    for ax, a in _plain_lines(fig):
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


def figure_problems(fig):
    return (legend_overlaps_data(fig) + texts_overlap(fig) + text_clipped(fig)
            + data_outside_axes(fig) + data_pinned_to_edge(fig))


# -- explorer controls --------------------------------------------------------------------
WIDGET_FONT_PX = 13        # JupyterLab's widget font size
INLINE_WIDTH = 300         # ipywidgets 8: a slider's or dropdown's default width
LABEL_WIDTH = 80           # ipywidgets 8: a description's default width
READOUT = 64               # a slider's readout
MARGIN = 8                 # the margins around a control
MIN_TRACK = 100            # a slider track shorter than this is hard to drag


def text_px(s, px=WIDGET_FONT_PX):
    """Width in CSS px of ``s`` in DejaVu Sans (wider than most browser sans fonts)."""
    if not s:
        return 0.0
    return float(TextPath((0, 0), s, size=px, prop=FontProperties(family="DejaVu Sans"))
                 .get_extents().width) + 2.0


def _px(value, default):
    if value in (None, "", "initial", "auto"):
        return default
    value = str(value)
    if value.endswith("px"):
        return float(value[:-2])
    raise AssertionError(f"cannot measure a width of {value!r}")


def _description_px(control):
    style = getattr(control, "style", None)
    width = getattr(style, "description_width", "") if style is not None else ""
    if width == "initial":
        return text_px(control.description)
    return _px(width, LABEL_WIDTH if control.description else 0)


def control_width_px(control):
    width = _px(control.layout.width, None)
    if width is None:
        width = max(INLINE_WIDTH, _description_px(control) + READOUT + MIN_TRACK)
    if type(control).__name__ == "SelectionSlider" and not control.readout:
        width += READOUT   # its value is shown by a label beside it
    return width + MARGIN


def explorer_width_px(ex):
    """CSS px the explorer needs: its canvas (figure inches x dpi) or its widest control
    (the controls' row wraps, so one control is the widest thing in it)."""
    fig_px = ex.fig.get_figwidth() * ex.fig.dpi
    return max([fig_px] + [control_width_px(c) for c in ex.controls.values()])


def truncated_labels(ex):
    """Control descriptions (and dropdown options) that do not fit their width."""
    problems = []
    for name, c in ex.controls.items():
        need = text_px(c.description)
        have = _description_px(c)
        if need > have:
            problems.append(f"{name}: description {c.description!r} needs {need:.0f} px, "
                            f"has {have:.0f}")
        total = control_width_px(c) - MARGIN
        rest = total - have
        if hasattr(c, "options") and not hasattr(c, "readout"):   # a dropdown
            widest = max(text_px(str(o)) for o in c.options) + 30   # + the arrow
            if widest > rest:
                problems.append(f"{name}: option text needs {widest:.0f} px, has {rest:.0f}")
        elif hasattr(c, "readout"):
            if rest - READOUT < MIN_TRACK:
                problems.append(f"{name}: slider track is {rest - READOUT:.0f} px "
                                f"(< {MIN_TRACK})")
    return problems


def typed_readouts_ignored(ex):
    """Value-list sliders whose readout a learner can type into (the typing is ignored)."""
    return [f"{name}: a SelectionSlider with an editable readout" for name, c in
            ex.controls.items() if type(c).__name__ == "SelectionSlider" and c.readout]
