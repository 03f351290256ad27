"""Pictures in a frame: an ``AxesImage`` as its small RGBA array, and any artist the page
cannot draw itself (a mesh, mathtext, a legend) rendered by Agg alone at the page's pixel
ratio and sent as a PNG, kept for the few looks it moves between."""
import struct
import zlib

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.collections import QuadMesh
from matplotlib.text import Text

from .orders import figure_pixels

try:   # ISA-L's deflate writes the same zlib stream as zlib, about 6-10x faster
    from isal.isal_zlib import compress as deflate
except ImportError:   # pragma: no cover - isal is an optional speed-up (extra "fast")
    from zlib import compress as deflate

PNG_LEVEL = 1   # zlib level of the pictures: fast; flat colours pack well anyway


def png_rgba(pixels, level=PNG_LEVEL):
    """PNG bytes of an (h, w, 4) uint8 RGBA array: no row filters, one zlib stream.

    Several times faster than PIL's encoder, which tries a filter per row; these pictures
    are mostly empty (transparent) or flat colours, which zlib packs well unfiltered.
    """
    h, w = pixels.shape[:2]
    rows = np.zeros((h, 4 * w + 1), np.uint8)   # each row: filter byte 0, then RGBA
    rows[:, 1:] = pixels.reshape(h, 4 * w)

    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)   # 8 bits, RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", deflate(rows.tobytes(), level)) + chunk(b"IEND", b""))


def raster(o, artist):
    """The artist rendered alone by Agg at the page's pixel ratio: an ``image`` order.

    A mesh (a colour bar's) or a mathtext label is rendered once per look (what it shows,
    where: see ``_look``), its order kept with the others (``Orders.kept``), and its PNG
    sent once: the page keeps every picture it was sent by name. Other artists are
    rendered every frame.
    """
    look = _look(artist)
    if look is None:
        _picture(o, artist, None)
    else:
        o.kept(artist, look, lambda: _picture(o, artist, look))


def _picture(o, artist, look):
    order, png = _rasterise(o, artist)
    if order is None:
        return
    if look is None:
        o.ops.append({**order, "png": o.buffer(png)})
        return
    pic = f"{id(artist)}/{hash((o.dpr, look))}"
    sent = o.cache.setdefault("sent", set())
    o.ops.append({**order, "pic": pic} if pic in sent else
                 {**order, "pic": pic, "png": o.buffer(png)})
    sent.add(pic)


def _rasterise(o, artist):
    from matplotlib.backends.backend_agg import RendererAgg

    fig, dpi = o.fig, o.fig.dpi
    w, h = figure_pixels(fig, o.dpr)
    fig.dpi = dpi * o.dpr
    try:
        renderer = RendererAgg(w, h, fig.dpi)
        artist.draw(renderer)
    finally:
        fig.dpi = dpi
    pixels = np.asarray(renderer.buffer_rgba())
    drawn = pixels.view(np.uint32)[..., 0] != 0    # a pixel never drawn is all zeros
    rows = np.flatnonzero(drawn.any(axis=1))
    if not len(rows):
        return None, None
    cols = np.flatnonzero(drawn[rows[0]:rows[-1] + 1].any(axis=0))
    crop = pixels[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return ({"k": "image", "rect": [cols[0] / o.dpr, rows[0] / o.dpr,
                                    crop.shape[1] / o.dpr, crop.shape[0] / o.dpr],
             "smooth": False, "clip": None},
            np.frombuffer(png_rgba(crop), np.uint8))


def _look(artist):
    """What the picture of a mesh (a colour bar's) or a text (mathtext) depends on, besides
    the page's pixel ratio, or None for other artists (rendered every frame)."""
    if isinstance(artist, Text):
        x, y = artist.get_transform().transform(artist.get_unitless_position())
        return (artist.get_text(), round(float(x), 2), round(float(y), 2),
                mcolors.to_rgba(artist.get_color(), artist.get_alpha()), artist.get_fontsize(),
                artist.get_rotation(), artist.get_horizontalalignment(),
                artist.get_verticalalignment(), str(artist.get_fontproperties()),
                artist.get_visible(), artist.get_bbox_patch() is None, _clip_bounds(artist))
    if not isinstance(artist, QuadMesh):
        return None
    norm = artist.norm
    return (artist.axes.bbox.bounds, tuple(artist.axes.viewLim.bounds),
            artist.get_visible(), hash(np.asarray(artist.get_array()).tobytes()), norm.vmin,
            norm.vmax, artist.get_cmap().name, artist.get_alpha())


def _clip_bounds(artist):
    """The clip box an artist is drawn in (its bounds), or None."""
    box = artist.get_clip_box() if artist.get_clip_on() else None
    return None if box is None else tuple(box.bounds)


def image(o, im):
    """An ``image`` order of an ``AxesImage``: its colours as a small RGBA array (one
    pixel per value) and the rectangle it fills, drawn without smoothing."""
    if not (im.get_interpolation() in (None, "none", "nearest", "antialiased", "auto")
            and im.get_transform() == im.axes.transData):
        return o.raster(im)   # pragma: no cover - explorers show plain images
    rgba = im.to_rgba(im.get_array(), bytes=True, norm=True)
    if im.get_alpha() is not None:
        rgba[..., 3] = (rgba[..., 3] * im.get_alpha()).astype(np.uint8)
    x0, x1, y0, y1 = im.get_extent()
    (px0, py0), (px1, py1) = im.get_transform().transform([(x0, y0), (x1, y1)])
    if im.origin == "upper":
        rgba = rgba[::-1]
    if px1 < px0:
        rgba, px0, px1 = rgba[:, ::-1], px1, px0
    if py1 < py0:
        rgba, py0, py1 = rgba[::-1], py1, py0
    o.ops.append({"k": "image", "rgba": o.buffer(np.ascontiguousarray(rgba[::-1])),
                  "w": rgba.shape[1], "h": rgba.shape[0],
                  "rect": [float(px0), float(o.height - py1), float(px1 - px0), float(py1 - py0)],
                  "smooth": False, "clip": o.clip(im)})
