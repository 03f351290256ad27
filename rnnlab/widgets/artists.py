"""What the page draws of an explorer's moving artists: matplotlib artists as drawing orders.

``frame_ops(fig, frozen, dpr)`` walks the figure in matplotlib's drawing order and turns
every visible artist that is not frozen into an order for the page (``page/figure.js``),
in CSS pixels with y pointing down (the figure's pixels at its own dpi):

* ``paths``: lines, patches and collections as paths (vertices and path codes in binary
  buffers, ``orders.py``), each with its fill, stroke, line width and dashes read from
  the artist; a line's markers and a one-colour scatter as one shape and its points.
* ``text``: a plain text's string, position, alignment, rotation, colour and font (and the
  box of ``bbox=``); the page sets the glyphs itself.
* ``image``: an ``AxesImage`` as its small RGBA array and the rectangle it fills, or, for
  any other artist (an axis whose ticks move, a mesh, mathtext), that artist rendered by
  Agg alone at the page's pixel ratio and sent as a PNG (``pictures.py``).

Styles are read from the artists themselves, so an explorer is still written in plain
matplotlib. Returns ``(ops, buffers)``: a JSON-able list and the binary buffers it points at.
"""
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import Collection, QuadMesh
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter, NullLocator
from matplotlib.transforms import Affine2D

from .orders import Orders, css, css_rows, path_codes
from .pictures import image as _image


def _line(o, line):
    if line._invalidx or line._invalidy:   # new data since the last draw (as Line2D.draw)
        line.recache()
    tpath = line._get_transformed_path().get_fully_transformed_path()
    lw = line.get_linewidth()
    if line.get_linestyle() not in ("None", "none", " ", "") and lw > 0:
        solid = not line._dash_pattern[1]
        o.paths(line, [(tpath.vertices, path_codes(tpath))], [None],
                [css(line.get_color(), line.get_alpha())], [lw],
                [o.dash(line._dash_pattern, lw)],
                cap=line.get_solid_capstyle() if solid else line.get_dash_capstyle(),
                join=line.get_solid_joinstyle() if solid else line.get_dash_joinstyle())
    marker = line._marker
    if marker.get_marker() in (None, "None", "none", " ", "") or not line.get_markersize():
        return
    points = line.get_transform().transform(line.get_xydata())   # the data, not the steps
    points = points[np.isfinite(points).all(axis=1)]
    if line.get_markevery() is not None:   # pragma: no cover - explorers mark every point
        points = points[line._get_markevery_indices(len(points))] \
            if hasattr(line, "_get_markevery_indices") else points
    shape = marker.get_transform().frozen().scale(o.px * line.get_markersize()) \
        .transform_path(marker.get_path())
    codes = path_codes(shape)
    alpha = line.get_alpha()
    fill = css(line.get_markerfacecolor(), alpha) if marker.is_filled() else None
    edge = css(line.get_markeredgecolor(), alpha)
    o.marks(line, shape, points, [fill], [edge], [line.get_markeredgewidth()],
            join=marker.get_joinstyle(), cap=marker.get_capstyle())


def _arrow_paths(o, arrow):
    """An arrow's paths in display px, kept while its ends, style and size stay (working
    out an arrow's shape is the slow part of a graph of arrows whose colours change)."""
    key = (arrow._posA_posB and tuple(map(tuple, arrow._posA_posB)),
           arrow.get_transform().get_matrix().tobytes(), id(arrow._path_original),
           id(getattr(arrow, "_arrow_transmuter", None)), id(getattr(arrow, "_connector", None)),
           arrow.get_linewidth(),
           arrow.get_mutation_scale(), arrow.get_mutation_aspect(), arrow.shrinkA,
           arrow.shrinkB, arrow.patchA, arrow.patchB, o.fig.dpi)
    kept = o.cache.get(("arrow", id(arrow)))
    if kept is None or kept[0] != key:
        kept = (key, arrow._get_path_in_displaycoord())
        o.cache[("arrow", id(arrow))] = kept
    return kept


def _patch(o, patch):
    face = css(patch.get_facecolor()) if patch.get_fill() else None
    edge = css(patch.get_edgecolor())
    lw = patch.get_linewidth()
    if isinstance(patch, FancyArrowPatch):   # an arrow's orders are kept for each look
        key, (paths, fillable) = _arrow_paths(o, patch)
        clip = o.clip(patch)
        look = (key, face, edge, lw, patch._dash_pattern[0],
                tuple(patch._dash_pattern[1] or ()), patch.get_capstyle(),
                patch.get_joinstyle(), clip and tuple(clip))
        o.kept(patch, look, lambda: _patch_orders(o, patch, paths, fillable, face, edge, lw))
        return
    paths, fillable = [patch.get_transform().transform_path(patch.get_path())], [True]
    _patch_orders(o, patch, paths, fillable, face, edge, lw)


def _patch_orders(o, patch, paths, fillable, face, edge, lw):
    for path, can_fill in zip(paths, fillable):
        o.paths(patch, [(path.vertices, path_codes(path))], [face if can_fill else None],
                [edge if lw > 0 else None], [lw], [o.dash(patch._dash_pattern, lw)],
                cap=patch.get_capstyle(), join=patch.get_joinstyle())


def _collection(o, coll):
    transform = coll.get_transform()
    offsets = coll.get_offsets()
    offset_trf = coll.get_offset_transform()
    paths = coll.get_paths()
    if not len(paths):
        return
    per = coll.get_transforms()
    n = max(len(paths), len(offsets))
    if not transform.is_affine:
        paths = [transform.transform_path_non_affine(p) for p in paths]
        transform = transform.get_affine()
    shifts = offset_trf.transform(offsets) if len(offsets) else np.zeros((1, 2))
    faces = css_rows(coll.get_facecolor())
    edges = css_rows(coll.get_edgecolor())
    widths = list(coll.get_linewidth()) or [0.0]
    if len(paths) == 1 and len(per) <= 1 and len(offsets) > 1 and max(
            map(len, (faces, edges, widths))) == 1 and not coll.get_linestyle()[0][1]:
        # a scatter of one size and colour: one shape, drawn at every point
        t = Affine2D(per[0]) if len(per) else Affine2D()
        o.marks(coll, (t + transform).transform_path(paths[0]), shifts, faces, edges, widths,
                cap=coll.get_capstyle() or "butt", join=coll.get_joinstyle() or "round")
        return
    matrix = transform.get_matrix()
    out = []
    for i in range(n):
        path = paths[i % len(paths)]
        m = matrix @ per[i % len(per)] if len(per) else matrix
        verts = path.vertices @ m[:2, :2].T + m[:2, 2]
        if len(offsets):
            verts = verts + shifts[i % len(shifts)]
        out.append((verts, path_codes(path)))
    dashes = [o.dash(d, widths[i % len(widths)]) for i, d in enumerate(coll.get_linestyle())]
    o.paths(coll, out, faces, edges, widths, dashes or [None],
            cap=coll.get_capstyle() or "butt", join=coll.get_joinstyle() or "round")


def _text(o, text):
    s = text.get_text()
    if not s:
        return
    x, y = text.get_transform().transform(text.get_unitless_position())
    box = text.get_bbox_patch()
    order = {"k": "text", "s": s, "x": round(float(x), 2), "y": round(o.height - float(y), 2),
             "color": css(text.get_color(), text.get_alpha()),
             "size": round(text.get_fontsize() * o.px, 3), "family": text.get_fontfamily(),
             "weight": text.get_fontweight(), "style": text.get_fontstyle(),
             "ha": text.get_horizontalalignment(), "va": text.get_verticalalignment(),
             "rot": text.get_rotation(), "spacing": text.get_linespacing(),
             "clip": o.clip(text)}
    if box is not None:
        pad = getattr(box.get_boxstyle(), "pad", 0.3)
        order["box"] = {"fill": css(box.get_facecolor()) if box.get_fill() else None,
                        "stroke": css(box.get_edgecolor()) if box.get_linewidth() else None,
                        "lw": box.get_linewidth() * o.px, "pad": pad * text.get_fontsize() * o.px}
    o.ops.append(order)


def _axis(o, axis, frozen):
    """An axis as ``Axis.draw`` draws it, piece by piece: its ticks' lines and labels, the
    axis label and the offset text (a range that moves costs no picture: the page draws
    the new ticks; only mathtext labels are pictures). Its orders are kept for each look
    (range, place, ticker, label), so a range it has shown before costs no layout."""
    ax, label = axis.axes, axis.label
    look = (tuple(axis.get_view_interval()), ax.bbox.bounds,
            *map(_ticker, (axis.major.locator, axis.major.formatter, axis.minor.locator,
                           axis.minor.formatter)),
            label.get_text(), label.get_visible(), axis.offsetText.get_visible())
    o.kept(axis, look, lambda: _axis_orders(o, axis, frozen))


def _ticker(t):
    """What a tick locator or formatter gives, as a key: fixed ticks and labels by their
    values (an explorer sets new ones for each range), any other by itself."""
    if isinstance(t, FixedLocator):
        return ("locs", tuple(np.asarray(t.locs, float).tolist()), t.nbins)
    if isinstance(t, FixedFormatter):
        return ("labels", tuple(map(str, t.seq)), t.offset_string)
    if isinstance(t, (NullLocator, NullFormatter)):
        return "none"
    return id(t)


def _axis_orders(o, axis, frozen):
    renderer = o.renderer()
    ticks = axis._update_ticks()
    below, above = axis._get_ticklabel_bboxes(ticks, renderer)
    for tick in ticks:
        if tick.get_visible() and tick not in frozen:
            for part in (tick.gridline, tick.tick1line, tick.tick2line, tick.label1,
                         tick.label2):
                _order(o, part, frozen)
    axis._update_label_position(renderer)
    _order(o, axis.label, frozen)
    axis._update_offset_text_position(below, above)
    axis.offsetText.set_text(axis.major.formatter.get_offset())
    _order(o, axis.offsetText, frozen)
    axis.stale = False


def _mathtext(text):
    s = text.get_text()
    return text.get_usetex() or s.count("$") - s.count(r"\$") >= 2


def _order(o, artist, frozen):
    if artist in frozen or not artist.get_visible():
        return
    if isinstance(artist, Axes):
        if artist.patch.get_visible() and artist.patch not in frozen:
            _patch(o, artist.patch)
        hidden = set()    # what Axes.draw leaves out
        if not (artist.axison and artist.get_frame_on()):
            hidden.update(map(id, artist.spines.values()))
        if not artist.axison:
            hidden.update(map(id, artist._axis_map.values()))
        children = [c for c in artist.get_children() if c is not artist.patch
                    and id(c) not in hidden and not (c.get_animated() and c not in frozen)]
        for child in sorted(children, key=lambda a: a.get_zorder()):
            _order(o, child, frozen)
    elif isinstance(artist, Axis):
        _axis(o, artist, frozen)
    elif isinstance(artist, Line2D):
        _line(o, artist)
    elif isinstance(artist, Text) and type(artist) is Text and not _mathtext(artist):
        _text(o, artist)
    elif isinstance(artist, Patch):
        _patch(o, artist)
    elif isinstance(artist, AxesImage):
        _image(o, artist)
    elif isinstance(artist, Collection) and not isinstance(artist, QuadMesh):
        _collection(o, artist)
    else:   # axes whose ticks move, meshes, legends, mathtext: Agg renders them
        o.raster(artist)


def settle_axes(fig):
    """Put every axes where a draw would (its aspect and locator), as ``Figure.draw`` does
    before drawing anything."""
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else None
    for ax in fig.axes:
        locator = ax.get_axes_locator()
        ax.apply_aspect(locator(ax, renderer) if locator else None)


def frame_ops(fig, frozen, dpr=1.0, cache=None):
    """The drawing orders of ``fig``'s visible artists that are not in ``frozen`` (nor the
    figure's background): ``(ops, buffers)``, see the module's docstring. ``cache`` (a
    dict kept between frames) holds the pictures of axes and spines."""
    if not (isinstance(dpr, (int, float)) and dpr > 0):
        raise ValueError(f"dpr must be a positive number, got {dpr!r}")
    o = Orders(fig, float(dpr), {} if cache is None else cache)
    settle_axes(fig)
    frozen = set(map(id, frozen))
    skip = _Ids(frozen | {id(fig.patch)})
    for artist in sorted(fig.get_children(), key=lambda a: a.get_zorder()):
        if getattr(artist, "is_static_layer", False):
            continue
        _order(o, artist, skip)
    return o.ops, o.buffers


class _Ids:
    """``artist in ids`` by identity (artists may define ``__eq__``)."""

    def __init__(self, ids):
        self.ids = ids

    def __contains__(self, artist):
        return id(artist) in self.ids
