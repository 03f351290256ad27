"""Where the boxes and arrows of an unrolled RNN go: pure geometry, no drawing.

``unrolled_layout`` returns a ``GraphLayout``: nodes keyed by what they are and edges
labelled with the weight they multiply by, so the drawing (``graph.py``) and the tests
can both read the structure. Node keys::

    ("x", t)            input x_t                     ("y", t)        output y_t
    ("h", l, d, t)      hidden state of layer l (0 = first), direction d "f" or "b"
    ("c", l, t)         the concatenation [h_f ; h_b] of a bidirectional layer (a dot)
    ("init", l, d)      where the initial state enters a chain (no box, an arrow start)

Edge roles: "input" (W_xh, also between stacked layers), "recurrent" (W_hh),
"output" (W_hy), "merge" (into a concatenation dot, no weight), "initial" (h_{-1} in).
"""
from typing import NamedTuple

from .._validate import check_positive_int

ARRANGEMENTS = ("one-to-one", "one-to-many", "many-to-one", "many-to-many", "encoder-decoder")

BW, BH = 0.25, 0.2    # half width and half height of a box (data units; columns 1 apart)
DOT = 0.06            # radius of a concatenation dot
STUB = 0.45           # length of the arrow that brings the initial state in


class Edge(NamedTuple):
    """One arrow: from node ``src`` to node ``dst``; ``path`` is a list of (x, y) points
    (two for a straight arrow, four for a cubic Bezier curve)."""
    src: tuple
    dst: tuple
    role: str
    weight: str      # mathtext of the weight it multiplies by ("" for none)
    path: list
    label_at: tuple  # (x, y, ha) where the weight's label goes


class GraphLayout(NamedTuple):
    """Nodes (key -> (x, y)), edges, the box labels (key -> mathtext) and the data limits."""
    nodes: dict
    labels: dict
    edges: list
    xlim: tuple
    ylim: tuple
    inputs: list     # steps t with an input x_t
    outputs: list    # steps t with an output y_t
    bw: float        # half width of a box (wider when labels carry layer and direction)


def io_steps(arrangement, T, n_in=None):
    """The steps that have an input and the steps that have an output, as two lists."""
    if arrangement not in ARRANGEMENTS:
        raise ValueError(f"arrangement must be one of {ARRANGEMENTS}, got {arrangement!r}")
    steps = list(range(T))
    if arrangement == "one-to-one":
        if T != 1:
            raise ValueError(f"arrangement 'one-to-one' is a single step (no recurrence): "
                             f"T must be 1, got {T}")
        return [0], [0]
    if arrangement == "one-to-many":
        return [0], steps
    if arrangement == "many-to-one":
        return steps, [T - 1]
    if arrangement == "many-to-many":
        return steps, steps
    if T < 2:
        raise ValueError(f"arrangement 'encoder-decoder' needs T >= 2 (inputs first, then "
                         f"outputs), got T = {T}")
    n_in = (T + 1) // 2 if n_in is None else check_positive_int(n_in, "n_in")
    if n_in >= T:
        raise ValueError(f"n_in (steps that read an input) must be below T = {T}, got {n_in}")
    return steps[:n_in], steps[n_in:]


def _sym(base, t, layer, layers, d, bidirectional):
    """Mathtext of a node or weight symbol: h, with layer superscript and direction arrow."""
    arrow = {"f": r"\rightarrow", "b": r"\leftarrow"}.get(d, "") if bidirectional else ""
    if layers > 1:
        sup = f"^{{({layer + 1}{arrow})}}"   # h^(2->): layer 2, forward chain
    else:
        sup = ""
        if arrow:
            base = (r"\overrightarrow{%s}" if d == "f" else r"\overleftarrow{%s}") % base[0] \
                + base[1:]
    if t is None:
        head, sub = (base.split("_", 1) + [""])[:2]
        return f"${head}{sup}_{{{sub}}}$" if sub else f"${head}{sup}$"
    return f"${base}{sup}_{{{t}}}$"


def unrolled_layout(T, arrangement="many-to-many", layers=1, bidirectional=False, n_in=None,
                    t0=0, initial=True):
    """Geometry of the unrolled graph of a ``layers``-deep (bi)directional RNN over T steps.

    Columns are steps (x = t * dx), rows go up from inputs through layers to outputs.
    ``t0`` is the index printed under the first step; ``initial`` draws h_{t0-1} coming in.
    """
    T = check_positive_int(T, "T (number of steps)")
    L = check_positive_int(layers, "layers")
    if not isinstance(bidirectional, bool):
        raise TypeError(f"bidirectional must be True or False, got {bidirectional!r}")
    if isinstance(t0, bool) or not isinstance(t0, int):
        raise TypeError(f"t0 (the first step's index) must be an int, got {t0!r}")
    ins, outs = io_steps(arrangement, T, n_in)
    recurrent = arrangement != "one-to-one"
    deep_bi = bidirectional and L > 1
    dx, bw = (1.9, 0.36) if deep_bi else (1.4, BW) if bidirectional else (1.0, BW)
    nodes, labels, edges = {}, {}, []
    X = [t * dx for t in range(T)]

    for t in ins:
        nodes[("x", t)] = (X[t], 0.0)
        labels[("x", t)] = f"$x_{{{t + t0}}}$"
    y = 0.0
    below = {t: ("x", t) for t in ins}    # what feeds the next layer at step t
    for l in range(L):
        dirs = ("f", "b") if bidirectional else ("f",)
        rows = {"f": y + 1.0, "b": y + 1.85}
        for d in dirs:
            for t in range(T):
                key = ("h", l, d, t)
                nodes[key] = (X[t], rows[d])
                labels[key] = _sym("h", t + t0, l, L, d, bidirectional)
        w_in = _sym("W_xh", None, l, L, "f", bidirectional)
        for t, src in below.items():
            sx, sy = nodes[src]
            top = sy + (DOT if src[0] == "c" else BH)
            dst = ("h", l, "f", t)
            edges.append(Edge(src, dst, "input", w_in, [(sx, top), (X[t], rows["f"] - BH)],
                              _straight_label(sx, top, rows["f"] - BH, bidirectional)))
            if bidirectional:
                edges.append(_curve(src, ("h", l, "b", t), sx, top, rows["b"] - BH, +1, "input",
                                    _sym("W_xh", None, l, L, "b", True), bw))
        for d in dirs:
            w_hh = _sym("W_hh", None, l, L, d, bidirectional)
            order = range(T) if d == "f" else range(T - 1, -1, -1)
            prev = None
            for t in order:
                x, yy = X[t], rows[d]
                sign = 1 if d == "f" else -1
                if prev is None and initial and recurrent:
                    start = x - sign * (bw + STUB)
                    edges.append(Edge(("init", l, d), ("h", l, d, t), "initial", "",
                                      [(start, yy), (x - sign * bw, yy)],
                                      (start + sign * 0.1, yy + 0.05, "center")))
                    nodes[("init", l, d)] = (start, yy)
                    labels[("init", l, d)] = _sym("h", (t0 - 1) if d == "f" else T + t0,
                                                  l, L, d, bidirectional)
                elif prev is not None and recurrent:
                    px = X[prev]
                    edges.append(Edge(("h", l, d, prev), ("h", l, d, t), "recurrent", w_hh,
                                      [(px + sign * bw, yy), (x - sign * bw, yy)],
                                      ((px + x) / 2, yy + 0.08, "center")))
                prev = t
        if bidirectional:
            top_row = rows["b"] + 0.65
            for t in range(T):
                c = ("c", l, t)
                nodes[c] = (X[t], top_row)
                labels[c] = ""
                edges.append(_curve(("h", l, "f", t), c, X[t], rows["f"] + BH, top_row - DOT,
                                    -1, "merge", "", bw))
                edges.append(Edge(("h", l, "b", t), c, "merge", "",
                                  [(X[t], rows["b"] + BH), (X[t], top_row - DOT)], None))
            below = {t: ("c", l, t) for t in range(T)}
            y = top_row
        else:
            below = {t: ("h", l, "f", t) for t in range(T)}
            y = rows["f"]
    for t in outs:
        src = below[t]
        sx, sy = nodes[src]
        top = sy + (DOT if src[0] == "c" else BH)
        nodes[("y", t)] = (X[t], y + 1.0)
        labels[("y", t)] = f"$y_{{{t + t0}}}$"
        edges.append(Edge(src, ("y", t), "output", "$W_{hy}$", [(sx, top), (X[t], y + 1.0 - BH)],
                          _straight_label(sx, top, y + 1.0 - BH, False)))
    left = -bw - (STUB + 0.25 if initial and recurrent else 0.1)
    right = X[-1] + (bw + STUB + 0.25 if initial and recurrent and bidirectional else 0.5)
    top = y + 1.0 + BH + 0.08 if outs else y + BH + 0.08
    bottom = -BH - 0.08 if ins else 1.0 - BH - 0.08
    if bidirectional:   # room for the right-hand curves and their labels
        right = max(right, X[-1] + bw + 0.55)
    return GraphLayout(nodes, labels, edges, (left, right), (bottom, top), ins, outs, bw)


def _straight_label(x, y0, y1, left):
    """Label place beside a vertical arrow: to its right, or left when curves use the right."""
    return (x - 0.05 if left else x + 0.05, (y0 + y1) / 2, "right" if left else "left")


def _curve(src, dst, x, y0, y1, side, role, weight, bw):
    """A cubic Bezier from (x, y0) up to (x, y1) bulging to the right (+1) or left (-1) of
    the box in between, so it never crosses a box."""
    bulge = side * (bw + 0.22)
    x0 = x + side * 0.08
    path = [(x0, y0), (x + bulge, y0 + 0.35), (x + bulge, y1 - 0.3), (x0, y1)]
    # the point of the curve at s = 0.25, where the label goes (outside the bulge)
    s = 0.25
    bx = sum(w * p[0] for w, p in zip(_bernstein(s), path))
    by = sum(w * p[1] for w, p in zip(_bernstein(s), path))
    label = (bx + side * 0.05, by, "left" if side > 0 else "right")
    return Edge(src, dst, role, weight, path, label)


def _bernstein(s):
    return ((1 - s) ** 3, 3 * s * (1 - s) ** 2, 3 * s ** 2 * (1 - s), s ** 3)
