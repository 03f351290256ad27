"""``UnrollExplorer``: step through time on a one-unit RNN and watch memory appear or fade.

Equations::

    a_t = x_t W_xh + h_{t-1} W_hh                  W_xh = 1, b_h = 0, h_{-1} = 0
    h_t = tanh(a_t)
    y_t = h_t W_hy + b_y                           W_hy = 1, b_y = 0 (y reads h out)

    UnrollExplorer(T=12, rng=0, t=None, w_hh=0.8, x=1.0, pattern="pulse")

T is 2..16 steps; ``rng`` seeds the "noise" pattern; the other arguments are the
controls' starting values (``t`` defaults to T // 2). Controls: ``t`` (the step in
focus, 0..T-1), ``w_hh`` (the recurrent weight W_hh, -2..2, step 0.05), ``x`` (input
size, -3..3, step 0.1) and ``pattern`` ("pulse": x at step 0 only, "step": x at every
step, "noise": x times a fixed random sequence). Each slider moves by one step per arrow
key, and its readout can be typed into.

The figure: the unrolled graph; h_t (with a dashed line where it settles, if it does);
and what goes into tanh at each step, a_t split into the input's part x_t W_xh and the
memory's part h_{t-1} W_hh.

``data``: ``t``, ``w_hh``, ``x_size``, ``pattern`` (the settings); ``x``, ``a`` (the
pre-activation), ``a_x`` (x_t W_xh), ``a_h`` (h_{t-1} W_hh), ``h``, ``y`` (each (T,));
``h_t`` (h at step t); ``memory`` (steps a single pulse of this size stays at or above
10% of its first value, at most T-1) and ``memory_text`` (the same in words, ">= 11"
when it lasts to the end of the window); ``limit`` ("zero", "fixed point",
"period-2 orbit", or None for noise and for an orbit not found), ``h_limit`` ((T,) the
value of that limit at each step, or None), ``settled_from`` (the first step from which
h stays within ``TOL`` of its limit to the end, or None); ``saturated`` (some
|h_t| > 0.95); ``flips`` (h changes sign at every step). ``note_for(data)`` gives the
note of any such dict, e.g. ``ex.note_for(ex.compute(w_hh=-0.8))``.
"""
import math

import numpy as np

from .._validate import check_positive_int
from ..init import as_rng
from ..plots import draw_unrolled
from ..plots.series import held, integer_steps
from ..rnn import RNN
from ..style import COLORS, OKABE_ITO
from .base import Explorer
from .panels import stack_axes

PATTERNS = ("pulse", "step", "noise")
SUBSCRIPTS = str.maketrans("0123456789", "".join(chr(0x2080 + i) for i in range(10)))
TOL = 0.005          # h has settled once it stays this close to its limit (2 decimals)
CLOSE_TO_ONE = 0.9   # |W_hh| from here to 1 is "close to 1"
A_LIMITS = (1.25, 2.5, 5.25, 7.5)   # the pre-activation panel's y range: the first that fits


def pulse_memory(h, fraction=0.1):
    """Steps after step 0 for which |h_k| stays at or above ``fraction`` * |h_0|."""
    if abs(h[0]) < 1e-12:
        return 0
    kept = np.abs(h[1:]) >= fraction * abs(h[0])
    return len(kept) if kept.all() else int(np.argmin(kept))


def _root(g, lo, hi, n=80):
    """A root of g in [lo, hi] by bisection, given g(lo) > 0 > g(hi)."""
    for _ in range(n):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def limit_orbit(c, w, h, n=1000):
    """Where h_t = tanh(c + w h_{t-1}) goes from ``h``: (kind, a, b) or (None, nan, nan).

    ``a`` is the limit at steps of the same parity as the step of ``h``, ``b`` at the
    others: kind "zero" (a = b = 0), "fixed point" (a = b) or "period-2 orbit" (a != b).
    With c = 0 and |w| <= 1, 0 is the only fixed point and attracts. With w <= 1 the map
    has exactly one fixed point r (found by bisection); it attracts when
    |w (1 - r^2)| < 1, otherwise h ends on the period-2 orbit around it (bisection on the
    map applied twice; h stays on its side of r). With w > 1 the map is increasing, so h
    moves monotonically to a fixed point: the map is run ``n`` steps on from ``h``.
    """
    def f(v):
        return math.tanh(c + w * v)

    if c == 0 and abs(w) <= 1:
        return "zero", 0.0, 0.0
    if w <= 1:
        r = _root(lambda v: f(v) - v, -1.0, 1.0)
        if abs(w * (1 - r * r)) < 1:
            return ("zero" if abs(r) < 1e-12 else "fixed point"), r, r
        above = _root(lambda v: f(f(v)) - v, r + 1e-9, 1.0)
        below = f(above)
        if abs(above - below) < 1e-6:       # on the edge of period doubling
            return "fixed point", r, r
        a = above if h > r else below
        return "period-2 orbit", a, f(a)
    for _ in range(n):
        h = f(h)
    if abs(f(h) - h) > 1e-9:
        return None, math.nan, math.nan
    return ("zero" if abs(h) < 1e-12 else "fixed point"), h, h


def settled_from(h, h_limit, tol=TOL):
    """The first step from which |h_t - h_limit_t| <= tol up to the end, or None."""
    off = np.flatnonzero(np.abs(h - h_limit) > tol)
    if len(off) == 0:
        return 0
    return int(off[-1]) + 1 if off[-1] + 1 < len(h) else None


def _plural(n, word="step"):
    return f"{n} {word}{'' if n == 1 else 's'}"


class UnrollExplorer(Explorer):
    """A one-unit RNN unrolled over T steps: the graph, h_t, and a_t split into its parts."""

    def __init__(self, T=12, rng=0, t=None, w_hh=0.8, x=1.0, pattern="pulse"):
        self.T = check_positive_int(T, "T")
        if not 2 <= self.T <= 16:
            raise ValueError(f"T must be between 2 and 16 (steps shown), got {T}")
        self.noise = as_rng(rng).standard_normal(self.T)   # fixed: only its size moves
        self.model = RNN(1, 1, 1, rng=0)
        for name in ("W_xh", "W_hy"):
            self.model[name] = [[1.0]]
        for name in ("b_h", "b_y"):
            self.model[name] = [0.0]
        super().__init__(t=self.T // 2 if t is None else t, w_hh=w_hh, x=x, pattern=pattern)

    def _make_controls(self):
        import ipywidgets as W

        style = {"description_width": "64px"}
        wide, narrow = W.Layout(width="390px"), W.Layout(width="250px")
        # wide tracks and fine steps: 0.95, -0.8, 1.5 are a few arrow-key presses away,
        # and the readout (readout=True) can be typed into
        c = {"t": W.IntSlider(value=0, min=0, max=self.T - 1, step=1, description="t (step)"),
             "w_hh": W.FloatSlider(value=0.8, min=-2.0, max=2.0, step=0.05, description="W_hh",
                                   readout_format=".2f"),
             "x": W.FloatSlider(value=1.0, min=-3.0, max=3.0, step=0.1, description="x size",
                                readout_format=".1f"),
             "pattern": W.Dropdown(options=list(PATTERNS), value="pulse", description="input")}
        for name, w in c.items():
            w.style, w.layout = style, narrow if name == "pattern" else wide
            if hasattr(w, "readout"):
                w.readout = True
                w.continuous_update = True
        return c

    def _build(self, fig):
        from ..plots.layout import unrolled_layout

        lay = unrolled_layout(self.T)
        (x0, x1), (y0, y1) = lay.xlim, lay.ylim
        # columns line up with the steps of the panels below; few steps make a narrower figure
        inch = min((fig.get_figwidth() - 0.85) / (x1 - x0), 2.0 / (y1 - y0))
        width = inch * (x1 - x0)
        fig.set_figwidth(width + 0.85)
        g_ax, h_ax, a_ax = stack_axes(fig, [inch * (y1 - y0), 1.25, 1.25], gaps=[0.4, 0.35])
        self.graph = draw_unrolled(self.T, ax=g_ax, highlight=0, show_weights=self.T <= 12)
        g_ax.set_title("unrolled: the same weights at every step" if width > 6 else "unrolled",
                       loc="left", y=1.0, fontsize=11)
        self.status = g_ax.text(1.0, 1.0, "", transform=g_ax.transAxes, ha="right",
                                va="bottom", fontsize=12, color=COLORS["highlight"])
        steps = np.arange(self.T)
        for ax in (h_ax, a_ax):
            ax.set_xlim(x0, x1)
            integer_steps(ax)
        h_ax.tick_params(labelbottom=False)
        h_ax.set_ylim(-1.15, 1.15)
        for b in (-1, 1):
            h_ax.axhline(b, color=COLORS["muted"], ls=":", lw=1.2)
        h_ax.set_title(r"hidden state $h_t = \tanh(a_t)$, read out as $y_t = h_t W_{hy}$"
                       if width > 6 else r"$h_t = \tanh(a_t)$", loc="left", y=1.0)
        h_ax.set_ylabel("$h_t$")
        wide = width > 6
        a_ax.set_title(r"into tanh: $a_t = x_t W_{xh} + h_{t-1} W_{hh}$" if wide else
                       "into tanh", loc="left", y=1.0)
        a_ax.set_ylabel("$a_t$")
        a_ax.set_xlabel("step t")
        a_ax.set_ylim(-A_LIMITS[0], A_LIMITS[0])
        self.lines = {}
        self.lines["limit"], = h_ax.plot(steps, np.zeros(self.T), color=COLORS["hidden"],
                                         ls="--", lw=1.0, alpha=0.8)
        series = (("h", h_ax, COLORS["hidden"], {}, "$h_t$"),
                  ("a_x", a_ax, COLORS["input"], {"drawstyle": "steps-mid",
                                                  "markevery": slice(1, -1)},
                   "input $x_t W_{xh}$" if wide else "$x_t W_{xh}$"),
                  ("a_h", a_ax, OKABE_ITO["sky_blue"], {"lw": 3.5, "ms": 6},
                   "memory $h_{t-1} W_{hh}$" if wide else "$h_{t-1} W_{hh}$"),
                  ("a", a_ax, COLORS["text"], {"lw": 1.1, "ms": 3},
                   "sum $a_t$" if wide else "$a_t$"))
        for name, ax, color, style, label in series:
            xs, ys = self._xy(name, steps, np.zeros(self.T))
            self.lines[name + "_rest"], = ax.plot(xs, ys, color=COLORS["muted"], alpha=0.7,
                                                  marker="o", ms=3,
                                                  **{k: v for k, v in style.items() if k != "ms"})
            self.lines[name], = ax.plot(xs, ys, color=color, marker="o",
                                        **{"ms": 4, **style}, label=label)
        a_ax.legend(handles=[self.lines[k] for k in ("a_x", "a_h", "a")], loc="lower right",
                    bbox_to_anchor=(1.0, 1.0), ncols=3, borderaxespad=0.1,
                    fontsize=9 if wide else 8, columnspacing=1.0 if wide else 0.6,
                    handlelength=2.0 if wide else 1.2)
        self.now = [ax.axvline(0, color=COLORS["highlight"], lw=1.2) for ax in (h_ax, a_ax)]
        self.axes = {"graph": g_ax, "hidden": h_ax, "preactivation": a_ax}
        self._freeze_axes(g_ax, *self.graph.static_artists())
        self._freeze_axes(h_ax, *h_ax.lines[:2])   # the dotted +-1 lines
        # a_t's y range is one of A_LIMITS: its axis is drawn by the page with the lines
        self._freeze_axes(a_ax, live_y=True)

    @staticmethod
    def _xy(name, steps, values):
        """Line data of a series: the input's part is held a full step wide."""
        return held(steps, values) if name == "a_x" else (steps, values)

    def _inputs(self, pattern, size):
        X = np.zeros(self.T)
        if pattern == "pulse":
            X[0] = size
        elif pattern == "step":
            X[:] = size
        else:
            X[:] = size * self.noise
        return X

    def _run(self, X, w_hh):
        self.model["W_hh"] = [[w_hh]]
        tr = self.model.forward(X.reshape(self.T, 1, 1))
        h, y = tr.states["h"][:, 0, 0], tr.Y[:, 0, 0]
        a_h = np.concatenate([[0.0], h[:-1]]) * w_hh
        return X + a_h, a_h, h, y

    def _compute(self, v):
        w, size, pattern = v["w_hh"], v["x"], v["pattern"]
        X = self._inputs(pattern, size)
        a, a_h, h, y = self._run(X, w)
        h_pulse = h if pattern == "pulse" else self._run(self._inputs("pulse", size), w)[2]
        memory = pulse_memory(h_pulse)
        limit, h_limit, settled = None, None, None
        if pattern != "noise" and size != 0:
            limit, even, odd = limit_orbit(size if pattern == "step" else 0.0, w, h[-1])
            if limit is not None:
                parity = (self.T - 1 - np.arange(self.T)) % 2
                h_limit = np.where(parity == 0, even, odd)
                settled = settled_from(h, h_limit)
        elif size == 0:
            limit, h_limit, settled = "zero", np.zeros(self.T), 0
        flips = bool((h[1:] * h[:-1] < 0).all())
        return {"t": v["t"], "w_hh": w, "x_size": size, "pattern": pattern,
                "x": X, "a": a, "a_x": X.copy(), "a_h": a_h, "h": h, "y": y,
                "h_t": float(h[v["t"]]), "memory": memory,
                "memory_text": f">= {self.T - 1}" if memory >= self.T - 1 else str(memory),
                "limit": limit, "h_limit": h_limit, "settled_from": settled,
                "saturated": bool(np.abs(h).max() > 0.95), "flips": flips}

    def _draw(self, d):
        t = d["t"]
        self.graph.set_highlight(t)
        # plain text (Unicode subscripts): mathtext would be parsed again at every step
        self.status.set_text(f"t = {t}:  h{str(t).translate(SUBSCRIPTS)} = {d['h_t']:+.2f}")
        steps = np.arange(self.T)
        for name in ("h", "a_x", "a_h", "a"):
            self.lines[name + "_rest"].set_data(*self._xy(name, steps, d[name]))
            self.lines[name].set_data(*self._xy(name, steps[:t + 1], d[name][:t + 1]))
        shown = d["h_limit"] is not None and d["limit"] != "zero"
        self.lines["limit"].set_visible(shown)
        if shown:
            self.lines["limit"].set_ydata(d["h_limit"])
        for line in self.now:
            line.set_xdata([t, t])
        a_ax = self.axes["preactivation"]
        top = max(np.abs(d[k]).max() for k in ("a_x", "a_h", "a"))
        lim = next((v for v in A_LIMITS if top <= 0.95 * v), A_LIMITS[-1])
        if a_ax.get_ylim()[1] != lim:
            a_ax.set_ylim(-lim, lim)

    def _alt(self, d):
        """What the still picture shows, in words: its three panels, then the note."""
        return (f"Three panels. Top: the RNN unrolled over {self.T} steps, step {d['t']} "
                f"highlighted. Middle: the hidden state h_t at each step, between -1 and 1. "
                f"Bottom: what goes into tanh at each step (the input's part, the memory's "
                f"part h_(t-1) W_hh and their sum a_t). {self._note(d)}")

    def _note(self, d):
        if d["x_size"] == 0:
            return "No input (x = 0): h stays at 0, so there is nothing to remember."
        if d["pattern"] == "pulse":
            parts = [self._pulse_note(d)]
        elif d["pattern"] == "step":
            parts = [self._step_note(d)]
        else:
            older = ", older ones counting less and less" if abs(d["w_hh"]) < 1 else ""
            parts = [f"Random input: each h_t mixes the new input with h_(t-1) W_hh{older}; "
                     f"a single pulse of this size would stay above 10% of its first value "
                     f"for {d['memory_text']} steps"]
        if d["flips"] and not (d["pattern"] == "pulse" and d["w_hh"] < -1):
            parts.append("W_hh < 0 makes h flip sign at every step")
        return "; ".join(parts) + "."

    def _pulse_note(self, d):
        T, w, h, k = self.T, d["w_hh"], d["h"], d["memory"]
        if w == 0:
            return ("W_hh = 0: there is no recurrence, so h forgets the pulse at the very next "
                    "step (h_1 = 0)")
        if abs(w) <= 1:
            keeps = (f"|W_hh| = {abs(w):.2f} is close to 1: each step keeps up to "
                     f"{abs(w):.0%} of h" if abs(w) >= CLOSE_TO_ONE else
                     f"each step keeps at most {abs(w):.0%} of h")
            if abs(w) == 1:
                keeps = "|W_hh| = 1: tanh(h) is a little smaller than h, so h fades, but slowly"
            if k >= T - 1:
                ratio = abs(h[-1] / h[0])
                return (f"After {T - 1} steps h still holds {ratio:.0%} of its first value, so "
                        f"the memory lasts >= {T - 1} steps, longer than this window: {keeps}")
            if k == 0:
                return (f"h forgets the pulse at the very next step (h_1 is below 10% of h_0): "
                        f"{keeps}")
            return (f"The memory of the pulse stays above 10% of its first value for "
                    f"{_plural(k)}, then fades toward 0: {keeps}")
        if d["limit"] is None:   # not expected for a pulse; say only what the data shows
            return f"h ends at {h[-1]:+.2f} after {T - 1} steps"
        s, h0, end = d["settled_from"], h[0], d["h_limit"][-1]
        if w > 1:
            move = "grows" if abs(end) > abs(h0) else "falls"
            why = (f"a fixed point of h = tanh(W_hh h), which exists because W_hh > 1 "
                   f"(dashed line)")
            if s is not None and s <= T - 2:
                return (f"The pulse is never forgotten: h {move} from {h0:+.2f} to {end:+.2f} "
                        f"and settles there from step {s} on, {why}")
            return (f"The pulse is never forgotten: h {move} from {h0:+.2f} toward {end:+.2f}, "
                    f"{why}; after {T - 1} steps it is at {h[-1]:+.2f}, still approaching")
        size = abs(end)
        why = "a period-2 orbit (dashed line): the only fixed point, 0, pushes h away"
        if s is not None and s <= T - 2:
            return (f"The pulse is never forgotten: W_hh < -1 makes h flip sign at every step, "
                    f"and from step {s} on it alternates between +{size:.2f} and "
                    f"-{size:.2f}, {why}")
        trend = "growing" if size > abs(h0) else "shrinking"
        return (f"The pulse is never forgotten: W_hh < -1 makes h flip sign at every step, "
                f"its size {trend} toward {size:.2f} (now {abs(h[-1]):.2f}), {why}")

    def _step_note(self, d):
        T, s, lim = self.T, d["settled_from"], d["h_limit"]
        pulse = (f"a single pulse of this size would stay above 10% of its first value for "
                 f"{d['memory_text']} steps")
        if d["limit"] is None:
            return f"Constant input: h has not settled after {T - 1} steps; {pulse}"
        settled = s is not None and s <= T - 2
        if d["limit"] == "period-2 orbit":
            orbit = f"a period-2 orbit of h = tanh(x + W_hh h) (dashed line)"
            if settled:
                return (f"Constant input: from step {s} on h alternates between "
                        f"{lim[-2]:+.2f} and {lim[-1]:+.2f}, {orbit}; {pulse}")
            return (f"Constant input: h is approaching {orbit}, {lim[-2]:+.2f} and "
                    f"{lim[-1]:+.2f}, but is not there after {T - 1} steps; {pulse}")
        where = "where tanh(x + W_hh h) = h (dashed line)"
        if settled:
            return f"Constant input: h settles at {lim[-1]:+.2f} from step {s} on, {where}; {pulse}"
        return (f"Constant input: h is still approaching {lim[-1]:+.2f}, {where}, after "
                f"{T - 1} steps; {pulse}")
