"""The picture the page draws for an explorer, drawn again here with Agg from the same
drawing orders (``rnnlab.widgets.artists.frame_ops``), so a test can compare it with the
picture matplotlib draws of the figure itself, without a browser.

It follows ``rnnlab/widgets/page/figure.js`` order by order: the static picture, then
paths (vertices and codes, fill, stroke, width, dashes, caps, joins, clip), texts (set by
matplotlib here, by the browser there) and images, at a device pixel ratio of 1.
"""
import io
import re

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox, IdentityTransform
from PIL import Image

from rnnlab.widgets.artists import frame_ops
from rnnlab.widgets.orders import figure_pixels

CAPS = {"butt": "butt", "round": "round", "square": "projecting"}


def rgba(css):
    """(r, g, b, a) in 0..1 of a CSS ``rgba(...)`` colour, or None."""
    if css is None:
        return None
    r, g, b, a = map(float, re.fullmatch(r"rgba\(([\d.]+),([\d.]+),([\d.]+),([\d.e-]+)\)",
                                         css).groups())
    return (r / 255, g / 255, b / 255, a)


def _over(buf, picture, x, y):
    """Paint an RGBA ``picture`` (rows top first) over ``buf`` with its top left at (x, y)."""
    h, w = picture.shape[:2]
    x, y = int(round(x)), int(round(y))
    region = buf[y:y + h, x:x + w]
    pic = picture[:region.shape[0], :region.shape[1]].astype(float)
    a = pic[..., 3:] / 255
    region[..., :3] = np.round(a * pic[..., :3] + (1 - a) * region[..., :3]).astype(np.uint8)
    region[..., 3] = np.maximum(region[..., 3], pic[..., 3]).astype(np.uint8)


def _gc(renderer, op, i, px):
    gc = renderer.new_gc()
    lw = op["lw"][i % len(op["lw"])]
    gc.set_linewidth(lw / px)
    dash = op["dash"][i % len(op["dash"])]
    gc.set_dashes(dash[0] / px, [d / px for d in dash[1]]) if dash else gc.set_dashes(0, None)
    stroke = rgba(op["stroke"][i % len(op["stroke"])])
    gc.set_foreground(stroke if stroke and lw > 0 else (0, 0, 0, 0), isRGBA=True)
    gc.set_capstyle(CAPS[op["cap"]])
    gc.set_joinstyle(op["join"])
    if op["clip"]:
        x0, y0, x1, y1 = op["clip"]
        gc.set_clip_rectangle(Bbox([[x0, renderer.height - y1], [x1, renderer.height - y0]]))
    return gc


def _paths(renderer, op, buffers):
    xy = np.frombuffer(buffers[op["xy"]], np.float32).reshape(-1, 2).astype(float)
    xy[:, 1] = renderer.height - xy[:, 1]
    codes = np.frombuffer(buffers[op["codes"]], np.uint8)
    px = renderer.dpi / 72
    if "at" in op:     # one shape at every point: as many paths
        at = np.frombuffer(buffers[op["at"]], np.float32).reshape(-1, 2)
        shape = xy - [0, renderer.height]
        xy = np.concatenate([shape + [x, renderer.height - y] for x, y in at])
        codes = np.tile(codes, len(at))
        op = {**op, "n": [len(shape)] * len(at)}
    start = 0
    for i, n in enumerate(op["n"]):
        path = Path(xy[start:start + n], codes[start:start + n])
        start += n
        face = rgba(op["fill"][i % len(op["fill"])])
        renderer.draw_path(_gc(renderer, op, i, px), path, IdentityTransform(), face)


def _text(renderer, op, fig):
    t = Text(op["x"], renderer.height - op["y"], op["s"], color=rgba(op["color"]),
             fontsize=op["size"] * 72 / renderer.dpi, fontfamily=op["family"],
             fontweight=op["weight"], fontstyle=op["style"], ha=op["ha"], va=op["va"],
             rotation=op["rot"], linespacing=op["spacing"], transform=IdentityTransform())
    t.set_figure(fig)
    if op.get("box"):
        box = op["box"]
        t.set_bbox({"boxstyle": f"square,pad={box['pad'] / op['size']}",
                    "facecolor": rgba(box["fill"]) or "none",
                    "edgecolor": rgba(box["stroke"]) or "none"})
    t.draw(renderer)


def _image(buf, op, buffers):
    x, y, w, h = op["rect"]
    if "rgba" in op:
        small = np.frombuffer(buffers[op["rgba"]], np.uint8).reshape(op["h"], op["w"], 4)
        size = (max(int(round(x + w)) - int(round(x)), 1), max(int(round(y + h)) - int(round(y)), 1))
        picture = np.asarray(Image.fromarray(small).resize(size, Image.Resampling.NEAREST))
    else:
        picture = np.asarray(Image.open(io.BytesIO(bytes(buffers[op["png"]]))).convert("RGBA"))
    _over(buf, picture, x, y)


def replay(ex):
    """(the page's picture, the orders) of explorer ``ex`` as it is now, at ratio 1:
    an (h, w, 4) uint8 array drawn from the static picture and the frame's orders."""
    fig = ex.fig
    ops, buffers = frame_ops(fig, ex.static_layer.artists, 1.0)
    w, h = figure_pixels(fig)
    renderer = RendererAgg(w, h, fig.dpi)
    buf = np.asarray(renderer.buffer_rgba())
    buf[:] = np.asarray(Image.open(io.BytesIO(ex.static_layer.picture(1.0))).convert("RGBA"))
    for op in ops:
        if op["k"] == "paths":
            _paths(renderer, op, buffers)
        elif op["k"] == "text":
            _text(renderer, op, fig)
        else:
            _image(buf, op, buffers)
    return np.asarray(renderer.buffer_rgba()).copy(), ops
