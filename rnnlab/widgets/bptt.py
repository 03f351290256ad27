"""``BPTTExplorer``: the gradient of W_hh built up step by step, right to left.

The smallest RNN again, one unit, so dW_hh is one number and each step's contribution a bar::

    h_t = tanh(x_t + W_hh h_{t-1}),  y_t = h_t,  h_{-1} = 0.5     (W_xh = W_hy = 1, biases 0)
    L = sum_t (y_t - y*_t)^2   ("every step")   or   (y_{T-1} - y*_{T-1})^2   ("last step")

Backward (row-vector form, one unit)::

    dL_s/dh_t = dL_s/dh_s * J_{t+1} ... J_s,   J_u = dh_u/dh_{u-1} = (1 - h_u^2) W_hh
    contribution of step t to dW_hh:  c_t = h_{t-1} (1 - h_t^2) sum_s dL_s/dh_t
    truncated to k steps (the "window" kind): only losses s with s - t < k reach step t

    BPTTExplorer(T=12, rng=0, step=0, k=None, w_hh=0.9, loss="every step")

Controls: ``step`` (how far the backward sweep has come: steps step..T-1 are done),
``k`` (truncation length 1..T; T is full BPTT), ``w_hh`` (W_hh, -2..2), ``loss``.
``rng`` seeds the inputs and targets. ``data``: the settings; ``x``, ``h``, ``target``,
``dh`` (full dL/dh_t), ``full`` and ``kept`` (per-step contributions, (T,)), ``running``
(kept contributions summed from T-1 down to t), ``dW_full``, ``dW_trunc``, ``rel_error``
(between them), ``dropped`` (the largest |dL_s/dh_t| that truncation drops), ``swept`` (the running sum at ``step``), ``early_ratio`` (|c_0| over the
largest |c_t|, full BPTT), ``reach`` (|dh_{T-1}/dh_0|: the factor by which an error at
the last step reaches step 0, the product of the T-1 factors J_t).
"""
import numpy as np

from .._validate import check_positive_int
from ..gradcheck import relative_error
from ..init import as_rng
from ..plots import draw_unrolled
from ..plots.gradflow import draw_gradient_flow
from ..plots.series import integer_steps
from ..style import COLORS
from ..words import factor_text, vanished
from .base import Explorer
from .panels import stack_axes

LOSSES = ("every step", "last step")
H_INIT = 0.5


def one_unit_bptt(x, target, w_hh, k=None, loss="every step", h_init=H_INIT):
    """Per-step contributions to dW_hh of the one-unit RNN, full and truncated to k steps.

    Returns a dict: ``h`` (T,), ``J`` (T,) the factors dh_t/dh_{t-1}, ``dh`` (T,) full dL/dh_t, ``back`` (T,) what step t sends
    to step t-1 (kept terms only), ``full`` and ``kept`` (T,) contributions c_t, ``dropped``
    the largest |dL_s/dh_t| with s - t >= k (0: truncation drops nothing).
    """
    T = len(x)
    k = T if k is None else k
    h = np.empty(T)
    prev = h_init
    for t in range(T):
        prev = h[t] = np.tanh(x[t] + w_hh * prev)
    e = 2 * (h - target)                                   # dL_s/dh_s
    if loss == "last step":
        e[:-1] = 0.0
    J = w_hh * (1 - h ** 2)                                # J[u] = dh_u/dh_{u-1}
    G = np.zeros((T, T))                                   # G[s, t] = dL_s/dh_t
    for s in range(T):
        G[s, s] = e[s]
        for t in range(s - 1, -1, -1):
            G[s, t] = G[s, t + 1] * J[t + 1]
    lag = np.arange(T)[:, None] - np.arange(T)[None, :]    # s - t
    kept_G = np.where(lag < k, G, 0.0)
    h_prev = np.concatenate([[h_init], h[:-1]])
    scale = h_prev * (1 - h ** 2)
    into_prev = np.where(lag < k - 1, G, 0.0).sum(axis=0) * J   # kept dL/dh_t from t+1..
    return {"h": h, "J": J, "dh": G.sum(axis=0), "back": into_prev,
            "dropped": float(np.abs(np.where(lag < k, 0.0, G)).max()),
            "full": scale * G.sum(axis=0), "kept": scale * kept_G.sum(axis=0)}


class BPTTExplorer(Explorer):
    """One unit unrolled over T steps: the backward sweep, each step's share of dW_hh, the
    running sum, and what truncation to k steps drops."""

    figsize = (8.6, 5.0)

    def __init__(self, T=12, rng=0, step=0, k=None, w_hh=0.9, loss="every step"):
        self.T = check_positive_int(T, "T")
        if not 3 <= self.T <= 16:
            raise ValueError(f"T must be between 3 and 16 (steps shown), got {T}")
        r = as_rng(rng)
        self.x = 0.8 * r.standard_normal(self.T)
        self.target = r.uniform(-0.6, 0.6, self.T)
        super().__init__(step=step, k=self.T if k is None else k, w_hh=w_hh, loss=loss)

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "72px"}, W.Layout(width="300px")
        c = {"step": W.IntSlider(value=0, min=0, max=self.T - 1, step=1,
                                 description="back to t"),
             "k": W.IntSlider(value=self.T, min=1, max=self.T, step=1, description="truncate k"),
             "w_hh": W.FloatSlider(value=0.9, min=-2.0, max=2.0, step=0.05, description="W_hh"),
             "loss": W.Dropdown(options=list(LOSSES), value="every step", description="loss at")}
        for w in c.values():
            w.style, w.layout = style, lay
        return c

    def _build(self, fig):
        from ..plots.layout import unrolled_layout

        lay = unrolled_layout(self.T)
        (x0, x1), (y0, y1) = lay.xlim, lay.ylim
        y0 -= 0.35                                          # room for the arcs
        inch = min((fig.get_figwidth() - 0.9) / (x1 - x0), 2.1 / (y1 - y0))
        fig.set_figwidth(inch * (x1 - x0) + 0.9)
        g_ax, b_ax = stack_axes(fig, [inch * (y1 - y0), 2.2], gaps=[0.45], left=0.75)
        self.graph = draw_unrolled(self.T, ax=g_ax, show_weights=False)
        g_ax.set_ylim(y0, y1)
        self.flow = draw_gradient_flow(self.graph)
        g_ax.set_title("the backward pass: dL/dh flows right to left (width: log of its size)",
                       loc="left", y=1.0, fontsize=11)
        steps = np.arange(self.T)
        zeros = np.zeros(self.T)
        self.full_bars = b_ax.bar(steps, zeros, width=0.7, color=COLORS["muted"], alpha=0.55,
                                  label="full BPTT")
        self.kept_bars = b_ax.bar(steps, zeros, width=0.42, color=COLORS["gradient"],
                                  label="kept (k steps)")
        self.running, = b_ax.plot(steps, zeros, color=COLORS["text"], marker="o", ms=3.5,
                                  lw=1.6, label="running sum")
        self.total = b_ax.axhline(0.0, color=COLORS["text"], ls="--", lw=1.0, label="full dW_hh")
        b_ax.axhline(0.0, color="#888888", lw=0.8)
        b_ax.set_xlim(x0, x1)
        b_ax.set_ylim(-1.12, 1.12)
        integer_steps(b_ax)
        b_ax.set_xlabel("step t")
        b_ax.set_ylabel("scaled (largest = 1)")
        b_ax.set_title("contributions to dW_hh", loc="left", y=1.0)
        b_ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=4, borderaxespad=0.1,
                    fontsize=9, handlelength=1.5, columnspacing=1.0)
        self.axes = {"graph": g_ax, "bars": b_ax}
        self._freeze_axes(g_ax, *self.graph.static_artists(), *self.graph["arrows"].values(),
                          *self.graph["dots"].values(), self.graph["focus"], self.graph["veils"])
        self._freeze_axes(b_ax, b_ax.lines[-1])

    def _compute(self, v):
        r = one_unit_bptt(self.x, self.target, v["w_hh"], v["k"], v["loss"])
        full, kept = r["full"], r["kept"]
        running = np.cumsum(kept[::-1])[::-1]
        dW_full, dW_trunc = float(full.sum()), float(kept.sum())
        top = np.abs(full).max()
        return {"step": v["step"], "k": v["k"], "w_hh": v["w_hh"], "loss": v["loss"],
                "x": self.x, "target": self.target, "h": r["h"], "dh": r["dh"],
                "back": r["back"], "full": full, "kept": kept, "running": running,
                "dW_full": dW_full, "dW_trunc": dW_trunc, "dropped": r["dropped"],
                "rel_error": relative_error(dW_trunc, dW_full),
                "swept": float(running[v["step"]]),
                "early_ratio": float(abs(full[0]) / top) if top > 0 else 0.0,
                "reach": float(abs(np.prod(r["J"][1:])))}

    def _draw(self, d):
        s = d["step"]
        scale = max(np.abs(d["full"]).max(), np.abs(d["kept"]).max(),
                    np.abs(d["running"]).max(), abs(d["dW_full"]), 1e-300)
        done = np.arange(self.T) >= s
        for t, (fb, kb) in enumerate(zip(self.full_bars, self.kept_bars)):
            fb.set_height(d["full"][t] / scale if done[t] else 0.0)
            kb.set_height(d["kept"][t] / scale if done[t] else 0.0)
        steps = np.arange(s, self.T)
        self.running.set_data(steps, d["running"][s:] / scale)
        self.total.set_ydata([d["dW_full"] / scale] * 2)
        self.flow.set_values(d["back"], np.where(d["loss"] == "last step",
                                                 np.eye(self.T)[-1], 1.0) * 2 *
                             (d["h"] - d["target"]), upto=s)

    def _alt(self, d):
        """What the still picture shows, in words: its two panels, then the note."""
        return (f"Two panels. Top: the RNN unrolled over {self.T} steps, with arrows from "
                f"right to left whose width shows the size of dL/dh passed back from step to "
                f"step. Bottom: bars of each step's contribution to dW_hh (full BPTT, and what "
                f"truncation to k steps keeps) and their running sum from the right. "
                f"{self._note(d)}")

    def _note(self, d):
        """Three clauses, each a function of ``d``: how far the sweep has come, what
        truncation changes, and how far an error at the last step reaches back."""
        T, k, s = self.T, d["k"], d["step"]
        full, trunc = d["dW_full"], d["dW_trunc"]
        if s > 0:
            parts = [f"Swept back to step {s}: the running sum is {d['swept']:+.3g}, and "
                     f"{float(d['running'][0]):+.3g} once step 0 is added"]
        else:
            parts = [f"All {T} contributions added"]
        if k == T:
            parts.append(f"full BPTT (k = T): dW_hh = {full:+.3g}")
        elif d["dropped"] == 0:
            parts.append(f"truncated to k = {_steps(k)}, nothing is lost: every dropped term is "
                         f"0, dW_hh = {full:+.3g}")
        else:
            shown_trunc, shown_full = _apart(trunc, full)
            text = (f"truncated to k = {_steps(k)}: dW_hh = {shown_trunc} instead of {shown_full}, "
                    f"a relative error of {_error_text(d['rel_error'])}")
            if taller_kept(d).any():
                text += (f"; {_count(taller_kept(d).sum(), 'kept bar')} taller than full "
                         f"BPTT's, where the dropped terms pulled the other way")
            parts.append(text)
        if d["w_hh"] == 0:
            parts.append("with W_hh = 0 no gradient passes from a step to the one before")
        else:
            reach = d["reach"]
            parts.append(f"an error at step {T - 1} reaches step 0 multiplied by "
                         f"{factor_text(reach)}" + (", so it has vanished" if vanished(reach)
                                                    else ""))
        return "; ".join(parts) + "."


def taller_kept(d):
    """The steps whose kept (truncated) bar is taller than the full one, (T,) booleans."""
    return np.abs(d["kept"]) > np.abs(d["full"]) * (1 + 1e-9) + 1e-15


def _count(n, noun):
    n = int(n)
    return f"{n} {noun} is" if n == 1 else f"{n} {noun}s are"


def _steps(k):
    return "1 step" if k == 1 else f"{k} steps"


def _error_text(e):
    """A relative error (0..1) to two significant digits: 0.034 from 0.01 on, else 2.3e-03."""
    if e == 0:
        return "0 in float64 (the dropped terms are too small to change the sum)"
    return f"{e:.2g}" if e >= 0.01 else f"{e:.1e}"


def _apart(a, b):
    """``a`` and ``b`` with 3 significant digits, or more until they differ (if they do)."""
    for digits in range(3, 18):
        ta, tb = f"{a:+#.{digits}g}", f"{b:+#.{digits}g}"
        if ta != tb:
            break
    return ta, tb
