"""``UnrollExplorer``: step through time on a one-unit RNN and watch memory appear or fade.

Equations::

    h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)     W_xh = 1, b_h = 0, h_{-1} = 0
    y_t = h_t W_hy + b_y                           W_hy = 1, b_y = 0 (y reads h out)

    UnrollExplorer(T=12, rng=0, t=None, w_hh=0.8, x=1.0, pattern="pulse")

T is 2..16 steps; ``rng`` seeds the "noise" pattern; the other arguments are the
controls' starting values (``t`` defaults to T // 2). Controls: ``t`` (the step in
focus, 0..T-1), ``w_hh`` (the recurrent weight W_hh, -2..2, step 0.05), ``x`` (input
size, -3..3, step 0.1) and ``pattern`` ("pulse": x at step 0 only, "step": x at every
step, "noise": x times a fixed random sequence).

``data``: ``t``, ``w_hh``, ``x_size``, ``pattern`` (the settings); ``x``, ``a`` (the
pre-activation x_t W_xh + h_{t-1} W_hh), ``h``, ``y`` (each (T,)); ``h_t`` (h at step t);
``memory`` (steps a single pulse of this size stays above 10% of its first value, at
most T-1); ``saturated`` (some |h_t| > 0.95); ``flips`` (h changes sign step to step).
"""
import numpy as np

from .._validate import check_positive_int
from ..init import as_rng
from ..plots import draw_unrolled
from ..plots.series import integer_steps
from ..rnn import RNN
from ..style import COLORS
from .base import Explorer
from .panels import stack_axes

PATTERNS = ("pulse", "step", "noise")
SUBSCRIPTS = str.maketrans("0123456789", "".join(chr(0x2080 + i) for i in range(10)))


def pulse_memory(h, fraction=0.1):
    """Steps after step 0 for which |h_k| stays at or above ``fraction`` * |h_0|."""
    if abs(h[0]) < 1e-12:
        return 0
    kept = np.abs(h[1:]) >= fraction * abs(h[0])
    return len(kept) if kept.all() else int(np.argmin(kept))


class UnrollExplorer(Explorer):
    """A one-unit RNN unrolled over T steps: the graph, h_t and x_t / y_t, step by step."""

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

        style, lay = {"description_width": "64px"}, W.Layout(width="300px")
        c = {"t": W.IntSlider(value=0, min=0, max=self.T - 1, step=1, description="t (step)"),
             "w_hh": W.FloatSlider(value=0.8, min=-2.0, max=2.0, step=0.05, description="W_hh"),
             "x": W.FloatSlider(value=1.0, min=-3.0, max=3.0, step=0.1, description="x size"),
             "pattern": W.Dropdown(options=list(PATTERNS), value="pulse", description="input")}
        for w in c.values():
            w.style, w.layout = style, lay
            if hasattr(w, "continuous_update"):
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
        g_ax, h_ax, o_ax = stack_axes(fig, [inch * (y1 - y0), 1.25, 1.25], gaps=[0.4, 0.35])
        self.graph = draw_unrolled(self.T, ax=g_ax, highlight=0, show_weights=self.T <= 12)
        g_ax.set_title("unrolled: the same weights at every step" if width > 6 else "unrolled",
                       loc="left", y=1.0, fontsize=11)
        self.status = g_ax.text(1.0, 1.0, "", transform=g_ax.transAxes, ha="right",
                                va="bottom", fontsize=12, color=COLORS["highlight"])
        steps = np.arange(self.T)
        for ax in (h_ax, o_ax):
            ax.set_xlim(x0, x1)
            integer_steps(ax)
        h_ax.tick_params(labelbottom=False)
        h_ax.set_ylim(-1.15, 1.15)
        for b in (-1, 1):
            h_ax.axhline(b, color=COLORS["muted"], ls=":", lw=1.2)
        h_ax.set_title(r"hidden state $h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh})$", loc="left",
                       y=1.0)
        h_ax.set_ylabel("$h_t$")
        o_ax.set_title(r"input $x_t$ and output $y_t = h_t W_{hy}$" if width > 6 else
                       "input and output", loc="left", y=1.0)
        o_ax.set_ylabel("value")
        o_ax.set_xlabel("step t")
        o_ax.set_ylim(-3.3, 3.3)
        zeros = np.zeros(self.T)
        self.lines = {}
        for name, ax, color, style in (("h", h_ax, COLORS["hidden"], {}),
                                       ("x", o_ax, COLORS["input"], {"drawstyle": "steps-mid"}),
                                       ("y", o_ax, COLORS["output"], {})):
            self.lines[name + "_rest"], = ax.plot(steps, zeros, color=COLORS["muted"], alpha=0.7,
                                                  marker="o", ms=3, **style)
            self.lines[name], = ax.plot(steps, zeros, color=color, marker="o", ms=4,
                                        label=f"${name}_t$", **style)
        o_ax.legend(handles=[self.lines["x"], self.lines["y"]], loc="lower right",
                    bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.1)
        self.now = [ax.axvline(0, color=COLORS["highlight"], lw=1.2) for ax in (h_ax, o_ax)]
        self.axes = {"graph": g_ax, "hidden": h_ax, "io": o_ax}
        self._freeze_axes(g_ax, *self.graph.static_artists())
        self._freeze_axes(h_ax, *h_ax.lines[:2])   # the dotted +-1 lines
        self._freeze_axes(o_ax)


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
        a = X + np.concatenate([[0.0], h[:-1]]) * w_hh
        return a, h, y

    def _compute(self, v):
        X = self._inputs(v["pattern"], v["x"])
        a, h, y = self._run(X, v["w_hh"])
        h_pulse = h if v["pattern"] == "pulse" else self._run(self._inputs("pulse", v["x"]),
                                                              v["w_hh"])[1]
        moving = np.abs(h) > 1e-3
        flips = bool(v["w_hh"] < 0 and (np.sign(h[1:]) != np.sign(h[:-1]))[moving[1:]].any())
        return {"t": v["t"], "w_hh": v["w_hh"], "x_size": v["x"], "pattern": v["pattern"],
                "x": X, "a": a, "h": h, "y": y, "h_t": float(h[v["t"]]),
                "memory": pulse_memory(h_pulse), "saturated": bool(np.abs(h).max() > 0.95),
                "flips": flips}

    def _draw(self, d):
        t = d["t"]
        self.graph.set_highlight(t)
        # plain text (Unicode subscripts): mathtext would be parsed again at every step
        self.status.set_text(f"t = {t}:  h{str(t).translate(SUBSCRIPTS)} = {d['h_t']:+.2f}")
        steps = np.arange(self.T)
        for name in ("h", "x", "y"):
            self.lines[name + "_rest"].set_ydata(d[name])
            self.lines[name].set_data(steps[:t + 1], d[name][:t + 1])
        for line in self.now:
            line.set_xdata([t, t])

    def _note(self, d):
        T, w, k = self.T, d["w_hh"], d["memory"]
        if d["x_size"] == 0:
            return "No input (x = 0): h stays at 0, so there is nothing to remember."
        if d["pattern"] == "pulse":
            ratio = abs(d["h"][-1] / d["h"][0])
            if k >= T - 1 and abs(w) > 1:
                parts = [f"The pulse is never forgotten: h settles at {d['h'][-1]:+.2f}, a "
                         f"fixed point of h = tanh(W_hh h) that exists because |W_hh| > 1"]
            elif k >= T - 1:
                parts = [f"After {T - 1} steps h still holds {ratio:.0%} of its first value: "
                         f"|W_hh| = {abs(w):.2f} is close to 1, so memory fades slowly"]
            elif k == 0:
                parts = ["h forgets the pulse at the very next step: with W_hh near 0 there "
                         "is no recurrence, so no memory"]
            else:
                parts = [f"The memory of the pulse stays above 10% of its first value for "
                         f"{k} step{'s' if k > 1 else ''}, then fades"]
        elif d["pattern"] == "step":
            parts = [f"Constant input: h settles at {d['h'][-1]:+.2f}; a single pulse of this "
                     f"size would be remembered for {k} step{'s' if k != 1 else ''}"]
        else:
            parts = [f"Random input: h mixes the last few inputs; a single pulse of this size "
                     f"would be remembered for {k} step{'s' if k != 1 else ''}"]
        if d["saturated"]:
            parts.append("h saturates near +-1, where tanh is flat, so it cannot grow further")
        if d["flips"]:
            parts.append("W_hh < 0 makes h flip sign at every step")
        return "; ".join(parts) + "."
