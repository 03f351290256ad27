"""Drawings of the recurrence: the folded cycle and the unrolled graph.

    draw_cycle(ax=None) -> Drawing(fig, ax, boxes, arrows, labels)
    draw_unrolled(T, ax=None, highlight=None, arrangement="many-to-many", layers=1,
                  bidirectional=False, show_weights=True, edge_values=None,
                  edge_scale="linear", n_in=None, t0=0, initial=True) -> UnrolledGraph

An ``UnrolledGraph`` keeps its artists (``boxes``, ``labels``, ``arrows``, ``dots``,
``weight_labels``) and restyles in place: ``set_highlight(t)`` and
``set_edge_values(values)`` change only the arrows, the dots and two overlays (a frame
on the step in focus, white veils over what does not feed it). Boxes and texts never
change, so an explorer can cache them as a picture and redraw fast.
"""
import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.path import Path
from matplotlib.textpath import TextPath

from .._validate import as_array
from ..style import COLORS, tint
from .base import Drawing, get_axes, styled
from .layout import BH, BW, DOT, unrolled_layout

ROLE_OF_KIND = {"x": "input", "h": "hidden", "y": "output", "c": "hidden"}
ARROW = "#4D4D4D"
WEIGHT_TEXT = "#333333"
CLEAR = (0.0, 0.0, 0.0, 0.0)
VEIL = (1.0, 1.0, 1.0, 0.72)                       # greys what lies under it
FOCUS_EDGE = to_rgba(COLORS["highlight"], 1.0)


def _box(ax, x, y, text, role, fontsize, w=BW, h=BH):
    """A rounded box centred at (x, y) with a mathtext label; returns (patch, text)."""
    patch = FancyBboxPatch((x - w, y - h), 2 * w, 2 * h, boxstyle="round,pad=0,rounding_size=0.07",
                           facecolor=tint(COLORS[role], 0.18), edgecolor=COLORS[role],
                           linewidth=1.5, zorder=3)
    ax.add_patch(patch)
    label = ax.text(x, y, text, ha="center", va="center", fontsize=fontsize,
                    color=COLORS["text"], zorder=4)
    return patch, label


def _arrow(ax, points, lw=1.3, color=ARROW):
    """An arrow along a straight segment (2 points) or a cubic Bezier (4 points)."""
    codes = [Path.MOVETO, Path.LINETO] if len(points) == 2 else \
        [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4]
    arrow = FancyArrowPatch(path=Path(points, codes), arrowstyle="-|>", mutation_scale=11,
                            linewidth=lw, color=color, shrinkA=0, shrinkB=0, zorder=2)
    ax.add_patch(arrow)
    return arrow


def _font_scale(ax, xlim, ylim):
    """Inches per data unit once the axes keeps an equal aspect; sets the limits."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    return min(pos.width * fig_w / (xlim[1] - xlim[0]), pos.height * fig_h / (ylim[1] - ylim[0]))


@styled
def draw_cycle(ax=None):
    """The folded RNN: x -> h -> y, with h's self-loop W_hh (the recurrence before unrolling).

    Returns a ``Drawing`` with ``boxes`` and ``labels`` (keys "x", "h", "y"), ``arrows``
    (keys "W_xh", "W_hh", "W_hy") and ``weight_labels`` (same keys).
    """
    created = ax is None
    fig, ax = get_axes(ax, (3.0, 3.2), layout=None)
    if created:
        fig.subplots_adjust(0, 0, 1, 1)
    _font_scale(ax, (-1.1, 1.1), (-0.45, 2.45))
    boxes, labels, arrows, wlabels = {}, {}, {}, {}
    for key, y, role in (("x", 0.0, "input"), ("h", 1.0, "hidden"), ("y", 2.0, "output")):
        boxes[key], labels[key] = _box(ax, 0.0, y, f"${key}_t$", role, 14, w=0.32, h=0.24)
    arrows["W_xh"] = _arrow(ax, [(0, 0.24), (0, 0.76)], lw=1.6)
    arrows["W_hy"] = _arrow(ax, [(0, 1.24), (0, 1.76)], lw=1.6)
    arrows["W_hh"] = _self_loop(ax)
    for key, (x, y, ha) in {"W_xh": (0.06, 0.5, "left"), "W_hy": (0.06, 1.5, "left"),
                            "W_hh": (0.9, 1.0, "left")}.items():
        wlabels[key] = ax.text(x, y, f"${key[0]}_{{{key[2:]}}}$", ha=ha, va="center",
                               fontsize=12, color=COLORS["text"], zorder=4)
    wlabels["delay"] = ax.text(0.5, 0.68, "one step\nlater", ha="left", va="top",
                               fontsize=9, color="#888888", zorder=4)
    return Drawing(fig=fig, ax=ax, boxes=boxes, labels=labels, arrows=arrows,
                   weight_labels=wlabels)


def _self_loop(ax):
    """h's recurrent arrow: out of the right side, round, back into the bottom-right."""
    pts = [(0.32, 1.1), (0.95, 1.25), (1.0, 0.55), (0.2, 0.76)]
    return _arrow(ax, pts, lw=1.6, color=COLORS["hidden"])


class UnrolledGraph(Drawing):
    """What ``draw_unrolled`` drew, with in-place restyling for explorers.

    Keys: ``fig``, ``ax``, ``layout`` (a ``GraphLayout``: node positions and edges),
    ``boxes`` and ``labels`` (node key -> patch / text, keys as in ``layout.nodes``),
    ``dots`` (concatenation dots), ``arrows`` ((src, dst) -> patch), ``weight_labels``
    ((src, dst) -> text), ``focus`` and ``veils`` (two PatchCollections laid over the
    boxes: a highlight frame on the step in focus, a white veil that greys what does not
    feed it), ``highlight`` (the step in focus or None), ``T``, ``layers``.

    Boxes and texts never change after drawing (an explorer can cache them as a picture);
    ``set_highlight`` and ``set_edge_values`` restyle only arrows, dots and the overlays.
    """

    def edges(self, role=None):
        """The layout's edges, all or those of one role ("input", "recurrent", ...)."""
        return [e for e in self["layout"].edges if role is None or e.role == role]

    def static_artists(self):
        """The artists restyling never touches: boxes, their labels, the weight labels."""
        return [*self["boxes"].values(), *self["labels"].values(),
                *self["weight_labels"].values()]

    def set_highlight(self, t):
        """Colour step ``t`` and everything that feeds it; grey the rest (None: all normal)."""
        self["highlight"] = _check_step(t, self["T"], "highlight")
        self._restyle()

    def set_edge_values(self, values, scale="linear"):
        """Width and strength of the forward recurrent arrows from per-arrow values.

        ``values``: (T-1,) for every layer, or (layers, T-1); arrow t goes h_t -> h_{t+1}.
        The largest |value| gets the full width; ``scale="log"`` spreads six decades below
        it (for gradients that vanish), "linear" is proportional. None removes the values.
        """
        self["edge_values"] = _check_edge_values(values, self["T"], self["layers"])
        self["edge_scale"] = _check_scale(scale)
        self._restyle()

    def _restyle(self):
        t, lay = self["highlight"], self["layout"]
        focus, path = _ancestors(lay, t) if t is not None else (set(), set())
        keys = self["overlay_keys"]
        on = np.array([k in focus for k in keys[:len(self["boxes"])]])
        self["focus"].set_edgecolors(np.where(on[:, None], FOCUS_EDGE, CLEAR))
        muted = np.array([t is not None and k not in path and k not in focus for k in keys])
        self["veils"].set_facecolors(np.where(muted[:, None], VEIL, CLEAR))
        for key, dot in self["dots"].items():
            dot.set_color(COLORS["highlight"] if key in focus else
                          COLORS["hidden"] if t is None or key in path else COLORS["muted"])
        widths = _edge_widths(self["edge_values"], self["edge_scale"], self["T"])
        styles = self.setdefault("arrow_styles", {})   # arrow -> the style it was given
        for e in lay.edges:
            arrow = self["arrows"][(e.src, e.dst)]
            on_path = t is not None and (e.src, e.dst) in path
            color = COLORS["highlight"] if on_path else ARROW if t is None else COLORS["muted"]
            lw, alpha = (2.2 if on_path else 1.3), 1.0
            if widths is not None and e.role == "recurrent" and e.src[2] == "f":
                strength = widths[e.src[1], e.src[3]]
                color, lw, alpha = COLORS["gradient"], 0.6 + 4.4 * strength, 0.25 + 0.75 * strength
            if styles.get(arrow) != (color, lw, alpha):   # set only what changed
                styles[arrow] = (color, lw, alpha)
                arrow.set_color(color)
                arrow.set_linewidth(lw)
                arrow.set_alpha(alpha)


def _ancestors(lay, t):
    """(focus nodes of step t, every node and edge that feeds them)."""
    sinks = [("y", t)] if ("y", t) in lay.nodes else \
        [k for k in lay.nodes if k[0] in "hc" and k[-1] == t and k[0] != "init"]
    focus = {k for k in lay.nodes if k[0] != "init" and k[-1] == t}
    parents = {}
    for e in lay.edges:
        parents.setdefault(e.dst, []).append(e.src)
    path, stack = set(sinks), list(sinks)
    while stack:
        node = stack.pop()
        for src in parents.get(node, []):
            path.add((src, node))
            if src not in path:
                path.add(src)
                stack.append(src)
    return focus & path | set(sinks), path


def _check_step(t, T, name):
    if t is None:
        return None
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t < T:
        raise ValueError(f"{name} must be None or a step index in 0..{T - 1}, got {t!r}")
    return int(t)


def _check_scale(scale):
    if scale not in ("linear", "log"):
        raise ValueError(f"edge_scale must be 'linear' or 'log', got {scale!r}")
    return scale


def _check_edge_values(values, T, layers):
    if values is None:
        return None
    v = np.abs(as_array(np.atleast_2d(values), "edge_values", ("layers", "T-1")))
    if v.shape[1] != T - 1 or v.shape[0] not in (1, layers):
        raise ValueError(f"edge_values must have shape (T-1,) = ({T - 1},) or (layers, T-1) = "
                         f"({layers}, {T - 1}): one value per recurrent arrow, got "
                         f"{np.shape(values)}")
    return np.broadcast_to(v, (layers, T - 1))


def _edge_widths(values, scale, T):
    """Per-arrow strength in [0, 1] (layers, T) from |values| (column t: arrow t -> t+1)."""
    if values is None:
        return None
    top = values.max()
    if top == 0:
        s = np.zeros_like(values)
    elif scale == "linear":
        s = values / top
    else:
        with np.errstate(divide="ignore"):
            s = np.clip(1 + np.log10(np.maximum(values / top, 1e-300)) / 6, 0, 1)
    return np.pad(s, ((0, 0), (0, 1)))


@styled
def draw_unrolled(T, ax=None, highlight=None, arrangement="many-to-many", layers=1,
                  bidirectional=False, show_weights=True, edge_values=None, edge_scale="linear",
                  n_in=None, t0=0, initial=True):
    """The RNN unrolled over T steps: one copy of the cell per step, the same weights in each.

    ``arrangement``: "one-to-one" (T = 1), "one-to-many" (input at step 0 only),
    "many-to-one" (output at the last step), "many-to-many" (aligned) or
    "encoder-decoder" (inputs for the first ``n_in`` steps, default ceil(T/2), outputs
    after). ``layers`` > 1 stacks RNNs (h^(l) feeds layer l+1); ``bidirectional`` adds the
    backward chain and a dot for [h_fwd ; h_bwd]. ``show_weights`` writes W_xh, W_hh,
    W_hy on every arrow, so the sharing is visible. ``highlight=t`` colours step t and
    everything that feeds it; ``edge_values`` sets the forward recurrent arrows' widths
    (see ``UnrolledGraph.set_edge_values``). ``t0`` is the first step's printed index;
    ``initial`` draws h_{t0-1} coming in. Returns an ``UnrolledGraph``.
    """
    lay = unrolled_layout(T, arrangement, layers, bidirectional, n_in, t0, initial)
    hl = _check_step(highlight, T, "highlight")
    values = _check_edge_values(edge_values, T, layers)
    scale = _check_scale(edge_scale)
    if not isinstance(show_weights, bool):
        raise TypeError(f"show_weights must be True or False, got {show_weights!r}")
    (x0, x1), (y0, y1) = lay.xlim, lay.ylim
    inch = min(0.75, 7.8 / (x1 - x0), max(4.6, 0.6 * (y1 - y0)) / (y1 - y0))
    created = ax is None
    fig, ax = get_axes(ax, ((x1 - x0) * inch + 0.2, (y1 - y0) * inch + 0.2), layout=None)
    if created:
        fig.subplots_adjust(0.01, 0.01, 0.99, 0.99)
    inch = _font_scale(ax, lay.xlim, lay.ylim)
    size, wsize = _font_sizes(lay, inch)
    boxes, labels, dots, arrows, wlabels = {}, {}, {}, {}, {}
    for key, (x, y) in lay.nodes.items():
        if key[0] == "init":
            continue
        if key[0] == "c":
            dots[key], = ax.plot([x], [y], "o", ms=DOT * inch * 72 * 2, color=COLORS["hidden"],
                                 zorder=3)
            continue
        boxes[key], labels[key] = _box(ax, x, y, lay.labels[key], ROLE_OF_KIND[key[0]], size,
                                       w=lay.bw)
    for e in lay.edges:
        arrows[(e.src, e.dst)] = _arrow(ax, e.path)
        if e.role == "initial":
            x, y, ha = e.label_at
            labels[e.src] = ax.text(x, y, lay.labels[e.src], ha=ha, va="bottom",
                                    fontsize=size * 0.8, color=COLORS["muted"], zorder=4)
        elif show_weights and e.weight:
            x, y, ha = e.label_at
            va = "bottom" if e.role == "recurrent" else "center"
            wlabels[(e.src, e.dst)] = ax.text(x, y, e.weight, ha=ha, va=va, fontsize=wsize,
                                              color=WEIGHT_TEXT, zorder=4)
    # overlays: a frame for the boxes in focus, veils for boxes and weight labels
    box_keys = list(boxes)
    focus = PatchCollection([_box_outline(lay, k, 0.015) for k in box_keys], zorder=5,
                            linewidths=3.0, facecolors=[CLEAR], edgecolors=[CLEAR])
    veil_keys = box_keys + [(e.src, e.dst) for e in lay.edges if (e.src, e.dst) in wlabels]
    veil_patches = [_box_outline(lay, k, 0.03) for k in box_keys] + \
        [_text_cover(wlabels[k], wsize, inch) for k in veil_keys[len(box_keys):]]
    veils = PatchCollection(veil_patches, zorder=6, linewidths=0, facecolors=[CLEAR])
    ax.add_collection(focus, autolim=False)
    ax.add_collection(veils, autolim=False)
    graph = UnrolledGraph(fig=fig, ax=ax, layout=lay, boxes=boxes, labels=labels, dots=dots,
                          arrows=arrows, weight_labels=wlabels, focus=focus, veils=veils,
                          overlay_keys=veil_keys, highlight=hl, T=T, layers=layers,
                          edge_values=values, edge_scale=scale)
    graph._restyle()
    return graph


def _font_sizes(lay, inch):
    """Font sizes (points) of the box labels and the weight labels, as large as fits.

    Box labels fill at most 80% of a box's width (and 14 pt per 0.7 inch of column);
    weight labels at most 88% of the gap between two boxes, where W_hh sits, and not more
    than 90% of the box labels. Both stay within 6.5 to 13 pt.
    """
    pt = inch * 72                                           # points per data unit
    boxes = [text for key, text in lay.labels.items() if key[0] in "xhy"]
    size = float(np.clip(min(14 * inch / 0.7, 0.8 * 2 * lay.bw * pt / _widest(boxes)), 6.5, 13))
    recurrent = [e for e in lay.edges if e.role == "recurrent" and e.weight]
    if not recurrent:
        return size, size * 0.78
    gap = min(abs(e.path[-1][0] - e.path[0][0]) for e in recurrent) * pt
    fit = 0.88 * gap / _widest([e.weight for e in recurrent])
    return size, float(np.clip(min(0.9 * size, fit), 6.5, 13))


def _widest(texts):
    """The largest width, in points per point of font size, of some mathtext strings."""
    return max(_extent(s, 10.0).width for s in texts) / 10.0


def _box_outline(lay, key, pad):
    """A rounded rectangle over node ``key``'s box, ``pad`` larger on every side."""
    x, y = lay.nodes[key]
    w, h = lay.bw + pad, BH + pad
    return FancyBboxPatch((x - w, y - h), 2 * w, 2 * h,
                          boxstyle=f"round,pad=0,rounding_size={0.07 + pad}")


_EXTENTS = {}


def _extent(s, fontsize):
    """The glyph outlines' extent (points) of mathtext ``s`` at ``fontsize``, cached."""
    if (s, fontsize) not in _EXTENTS:
        _EXTENTS[(s, fontsize)] = TextPath((0, 0), s, size=fontsize).get_extents()
    return _EXTENTS[(s, fontsize)]


def _text_cover(text, fontsize, inch):
    """A rectangle (data units) over where ``text`` is drawn, from its glyph outlines."""
    ext = _extent(text.get_text(), fontsize)
    w, h = (ext.width + 3) / 72 / inch, (ext.height + 3) / 72 / inch   # points -> data
    x, y = text.get_position()
    x0 = {"left": x, "center": x - w / 2, "right": x - w}[text.get_horizontalalignment()]
    y0 = {"bottom": y, "center": y - h / 2, "top": y - h}[text.get_verticalalignment()]
    return Rectangle((x0 - 0.01, y0 - 0.01), w + 0.02, h + 0.02)
