"""What a drawn figure shows: its data artists and the points where they put ink, its
texts, legends and their frames, all in display coordinates."""
import numpy as np
from matplotlib.collections import (Collection, LineCollection, PatchCollection, PathCollection,
                                    QuadMesh)
from matplotlib.colors import to_rgba
from matplotlib.contour import ContourSet
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text

TOL = 1.5          # px: what a border may be missed by (antialiasing, rounding)
STEP = 2.0         # px: a line's segments are sampled this finely


def renderer(fig, drawn=None):
    """The renderer of ``fig`` after a draw (``drawn``: a renderer of it, already drawn)."""
    if drawn is not None:
        return drawn
    if not hasattr(fig.canvas, "get_renderer"):   # closed in pyplot: a plain canvas
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)                     # draw it as savefig would, with Agg
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
    groups = [([c for c in ax.get_children() if isinstance(c, Legend)], ax.texts)
              for ax in fig.axes] + [(fig.legends, fig.texts)]
    things = []
    for legends, texts in groups:
        things += [(f"legend {[t.get_text() for t in leg.get_texts()]}",
                    leg.get_window_extent(renderer),
                    _opaque(leg.legendPatch, leg.get_frame_on()), leg)
                   for leg in legends if _shown(leg)]
        things += [(f"text {t.get_text()!r}", t.get_window_extent(renderer),
                    _opaque(t.get_bbox_patch()), t)
                   for t in texts if _shown(t) and t.get_text().strip()]
    return things


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
