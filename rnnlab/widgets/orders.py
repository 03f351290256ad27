"""Drawing orders for the page, and the few numbers every order needs (see ``artists.py``)."""
import functools

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.path import Path

CAPS = {"butt": "butt", "round": "round", "projecting": "square"}


def figure_pixels(fig, dpr=1.0):
    """(width, height) in whole pixels of ``fig`` at ``dpr`` times its dpi, as Agg sizes
    its buffer (truncated, but a hair below a whole number counts as that number)."""
    return tuple(int(size * dpr + 1e-8) for size in fig.bbox.size)


def css(color, alpha=None):
    """A CSS colour of a matplotlib colour (None or fully transparent: None)."""
    if color is None or (isinstance(color, str) and color.lower() == "none"):
        return None
    return _rgba_css(*mcolors.to_rgba(color, alpha))


def path_codes(path):
    """The path's codes; a path without codes is one line (a move, then line-tos)."""
    if path.codes is not None:
        return path.codes
    out = np.full(len(path.vertices), Path.LINETO, np.uint8)
    out[:1] = Path.MOVETO
    return out


@functools.lru_cache(maxsize=4096)
def _rgba_css(r, g, b, a):
    return None if a <= 0 else f"rgba({round(255 * r)},{round(255 * g)},{round(255 * b)},{a:.3g})"


def css_rows(rgba):
    """CSS colours of the rows of an (n, 4) RGBA array (a collection's colours), [None]
    for none."""
    rows = np.asarray(rgba, float).reshape(-1, 4).tolist()
    return [_rgba_css(*row) for row in rows] or [None]


KEPT_LOOKS = 32       # looks kept per artist (orders, pictures): a few it moves between
BUFFER_KEYS = ("xy", "codes", "at", "rgba", "png")   # order fields that name a buffer


def _shifted(op, shift):
    """``op`` with its buffer numbers moved by ``shift``."""
    return {k: v + shift if k in BUFFER_KEYS else v for k, v in op.items()}


class Orders:
    """Collects the drawing orders of one frame and the binary buffers they refer to."""

    def __init__(self, fig, dpr, cache):
        self.fig, self.dpr, self.cache = fig, dpr, cache
        self.height = figure_pixels(fig)[1]   # Agg flips y about its whole-pixel height
        self.px = fig.dpi / 72.0    # CSS pixels per point
        self.ops, self.buffers = [], []
        self._renderer = None

    def buffer(self, array):
        return self._add(memoryview(np.ascontiguousarray(array)).cast("B"))

    def _add(self, view):
        self.buffers.append(view)
        return len(self.buffers) - 1

    def clip(self, artist):
        """[x0, y0, x1, y1] (CSS px, y down) of the artist's clip box, or None."""
        box = artist.get_clip_box() if artist.get_clip_on() else None
        if box is None:
            return None
        x0, y0, x1, y1 = box.extents
        return [round(x0, 2), round(self.height - y1, 2), round(x1, 2), round(self.height - y0, 2)]

    def paths(self, artist, paths, fills, strokes, widths, dashes, cap="butt", join="round"):
        """One ``paths`` order: ``paths`` are (vertices in display px, codes) pairs; the
        styles are one per path or one for all (lists of length 1)."""
        paths = [(v, c) for v, c in paths if len(v)]
        if not paths or not any(fills + strokes):
            return
        xy = np.concatenate([v for v, _ in paths]).astype(np.float32)
        xy[:, 1] = self.height - xy[:, 1]
        codes = np.concatenate([c for _, c in paths]).astype(np.uint8)
        self.ops.append({"k": "paths", "xy": self.buffer(xy), "codes": self.buffer(codes),
                         "n": [len(v) for v, _ in paths], "fill": fills, "stroke": strokes,
                         "lw": [round(w * self.px, 3) for w in widths],
                         "dash": dashes, "cap": CAPS.get(cap, "butt"), "join": join,
                         "clip": self.clip(artist)})

    def marks(self, artist, shape, at, fills, strokes, widths, cap="butt", join="round"):
        """One ``paths`` order for the same ``shape`` (a path in display px about (0, 0))
        drawn at each point of ``at`` (display px): the shape is sent once, with the points."""
        at = np.asarray(at, np.float32).reshape(-1, 2)
        if not len(at) or not len(shape.vertices) or not any(fills + strokes):
            return
        at[:, 1] = self.height - at[:, 1]
        xy = shape.vertices.astype(np.float32) * [1, -1]    # y down, about (0, 0)
        self.ops.append({"k": "paths", "xy": self.buffer(xy.astype(np.float32)),
                         "codes": self.buffer(path_codes(shape).astype(np.uint8)),
                         "n": [len(xy)], "at": self.buffer(at), "fill": fills,
                         "stroke": strokes, "lw": [round(w * self.px, 3) for w in widths],
                         "dash": [None], "cap": CAPS.get(cap, "butt"), "join": join,
                         "clip": self.clip(artist)})

    def dash(self, pattern, width):
        """A dash list in CSS px from matplotlib's (offset, dashes in points), or None."""
        offset, seq = pattern
        if not seq or width <= 0:
            return None
        return [round(offset * self.px, 2), [round(s * self.px, 2) for s in seq]]

    def kept(self, artist, look, draw):
        """The orders ``draw()`` adds for ``artist``, made once per ``look`` (what they
        depend on, besides the page's pixel ratio) and kept for the last ``KEPT_LOOKS``
        looks: an artist that moves between a few looks costs its layout once each."""
        looks = self.cache.setdefault(("orders", id(artist)), {})
        key = (self.dpr, look)
        kept = looks.pop(key, None)
        if kept is None:
            n_ops, n_buffers = len(self.ops), len(self.buffers)
            draw()
            kept = ([_shifted(op, -n_buffers) for op in self.ops[n_ops:]],
                    self.buffers[n_buffers:])
            if len(looks) >= KEPT_LOOKS:
                looks.pop(next(iter(looks)))     # the look least recently shown
        else:
            ops, buffers = kept
            sent = self.cache.get("sent", ())
            for op in ops:
                if op.get("pic") in sent:   # a picture the page has had since: not again
                    op = {k: v for k, v in op.items() if k != "png"}
                self.ops.append({k: self._add(buffers[v]) if k in BUFFER_KEYS else v
                                 for k, v in op.items()})
        looks[key] = kept                        # now the most recently shown

    def renderer(self):
        """A renderer at the figure's own dpi, for the sizes of texts (tick labels)."""
        if self._renderer is None:
            from matplotlib.backends.backend_agg import RendererAgg

            canvas = self.fig.canvas
            self._renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") \
                else RendererAgg(*figure_pixels(self.fig), self.fig.dpi)
        return self._renderer

    def raster(self, artist):
        """The artist rendered alone by Agg (see ``pictures.raster``)."""
        from .pictures import raster

        raster(self, artist)
