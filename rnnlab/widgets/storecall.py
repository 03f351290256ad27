"""``StoreRecallExplorer``: the hand-wired LSTM cell keeps 4.2 (and its gradient); a
tanh unit tries the same.

    StoreRecallExplorer(b_f=10.0, b_i=-10.0, lag=100, w=1.0, between="random values")

The cell of ``rnnlab.storecall`` (WIRING, with the sliders' biases) stores 4.2 at step 5
and is read ``lag`` steps later; one tanh unit h_t = tanh(w h_{t-1} + 0.01 value_t),
y_t = 100 h_t does the same job. With ``between="random values"`` every other step
carries a random value in [-1, 1] on the value line (the LSTM's shut write gate keeps
them out, the tanh unit adds them up). Top: the read-outs y_t of both (the LSTM's read gate is shut except at the
read, so its line shows the content 100 c_t instead, dashed). Bottom (log scale): how much
of a change to the stored value reaches step t, the carried gradient prod f_s for the
LSTM and prod w (1 - h_s^2) for the tanh unit.

``data``: the settings, ``read_at``, ``lstm_read`` and ``rnn_read`` (y at the read step),
``lstm_grad`` and ``rnn_grad`` (dy_read / d value_write, by the chain rule along the one
path; equal to ``rnnlab.storecall.recall_gradient``),
``lstm_carry`` and ``rnn_carry`` (T,) the carried gradients (1 before the write),
``lstm_kept`` (prod f from the write to the read) and ``lstm_let_in`` (the content 100 c at
the read less the written value's kept part: what the values let in add).
"""
import math

import numpy as np

from ..plots.series import integer_steps
from ..activations import sigmoid
from ..storecall import STORED, WIRING, store_recall_inputs
from ..style import CELL_COLORS, COLORS
from ..words import at_step, fraction_text
from .base import Explorer
from .panels import LEGEND_OUTSIDE, LEGEND_RIGHT, OffScale, stack_axes

WRITE_AT, T_MAX = 5, 230
BETWEEN = {"random values": 1.0, "zeros": 0.0}   # what the value line carries between events
YLIM = (-2.0, 12.0)
FLOOR = 1e-12


def carried(factors, start):
    """prod of ``factors`` from step start+1 to t, for every t (1 up to ``start``)."""
    out = np.ones(len(factors))
    out[start + 1:] = np.cumprod(factors[start + 1:])
    return out


def wired_traces(X, **wiring):
    """``store_recall(wired_lstm(**wiring), X)`` for B = 1, computed directly: with W_h = 0
    the gates depend on the inputs only, so they are computed for all steps at once and
    only c_t = f c_{t-1} + i g loops over time (what a slider move can afford)."""
    w = {**WIRING, **wiring}
    x = X[:, 0]
    i = sigmoid(w["w_write_i"] * x[:, 1] + w["b_i"])
    f = sigmoid(w["w_erase_f"] * x[:, 3] + w["b_f"])
    g = np.tanh(w["w_value_g"] * x[:, 0])
    o = sigmoid(w["w_read_o"] * x[:, 2] + w["b_o"])
    c = np.empty(len(x))
    prev = 0.0
    for t, (f_t, w_t) in enumerate(zip(f.tolist(), (i * g).tolist())):
        prev = c[t] = f_t * prev + w_t
    h = o * np.tanh(c)
    return {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h, "y": w["W_hy"] * h}


def tanh_unit_traces(X, w, u=WIRING["w_value_g"], v=WIRING["W_hy"]):
    """``store_recall(wired_rnn(w, u, v), X)`` for B = 1, one scalar step at a time."""
    h = np.empty(len(X))
    prev = 0.0
    for t, value in enumerate(X[:, 0, 0].tolist()):
        prev = h[t] = math.tanh(w * prev + u * value)
    return {"h": h, "y": v * h}


class StoreRecallExplorer(Explorer):
    """The store-and-recall cell beside a tanh unit: read-outs and carried gradients."""

    figsize = (8.0, 5.4)

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "80px"}, W.Layout(width="290px")
        return {"b_f": W.FloatSlider(value=10.0, min=0.0, max=15.0, step=0.5,
                                     description="keep b_f", style=style, layout=lay),
                "b_i": W.FloatSlider(value=-10.0, min=-15.0, max=0.0, step=0.5,
                                     description="write b_i", style=style, layout=lay),
                "lag": W.IntSlider(value=100, min=1, max=200, step=1,
                                   description="write to read", style=style, layout=lay),
                "w": W.FloatSlider(value=1.0, min=0.8, max=1.2, step=0.01,
                                   description="tanh unit w", style=style, layout=lay),
                "between": W.Dropdown(options=list(BETWEEN), value="random values",
                                      description="in between", style=style, layout=lay)}

    def _build(self, fig):
        y_ax, g_ax = stack_axes(fig, [2.2, 1.9], gaps=[0.55], left=0.8, right=LEGEND_RIGHT)
        steps = np.arange(T_MAX)
        zeros = np.zeros(T_MAX)
        self.lines = {
            "lstm": y_ax.plot(steps, zeros, color=CELL_COLORS["LSTM"], lw=2,
                              label="LSTM: read-out y_t")[0],
            "content": y_ax.plot(steps, zeros, color=CELL_COLORS["LSTM"], lw=1.2, ls="--",
                                 label="LSTM: content 100 c_t")[0],
            "rnn": y_ax.plot(steps, zeros, color=CELL_COLORS["RNN"], lw=1.6, ls="-.",
                             label="tanh unit: y_t = 100 h_t")[0],
            "lstm_carry": g_ax.plot(steps, np.ones(T_MAX), color=CELL_COLORS["LSTM"], lw=2,
                                    label="LSTM: prod f")[0],
            "rnn_carry": g_ax.plot(steps, np.ones(T_MAX), color=CELL_COLORS["RNN"], lw=2, ls="-.",
                                   label="tanh unit: prod w (1 - h^2)")[0],
        }
        self.read_marks = [ax.axvline(0, color=COLORS["highlight"], ls=":", lw=1.5)
                           for ax in (y_ax, g_ax)]
        for ax in (y_ax, g_ax):
            ax.axvline(WRITE_AT, color=COLORS["input"], ls=":", lw=1.5)
            ax.set_xlim(0, T_MAX - 1)
            integer_steps(ax)
        y_ax.axhline(STORED, color=COLORS["muted"], lw=1)
        y_ax.set_ylim(*YLIM)
        self.off_y = OffScale(y_ax)   # values beyond the axis: a triangle on its edge
        y_ax.set_title(f"store {STORED} at step {WRITE_AT} (blue), read it later (purple)",
                       loc="left", y=1.0)
        y_ax.legend(**LEGEND_OUTSIDE)   # beside the axes: never over a curve
        y_ax.tick_params(labelbottom=False)
        g_ax.set_yscale("log")
        g_ax.set_ylim(FLOOR, 10)
        self.off_g = OffScale(g_ax)
        g_ax.set_yticks([1e-12, 1e-9, 1e-6, 1e-3, 1], ["1e-12", "1e-9", "1e-6", "1e-3", "1"])
        g_ax.minorticks_off()
        g_ax.set_title("how much of a change to the stored value reaches step t", loc="left",
                       y=1.0)
        g_ax.legend(**LEGEND_OUTSIDE)
        g_ax.set_xlabel("step t")
        self.text = y_ax.text(1.02, 0.0, "", transform=y_ax.transAxes, va="bottom",
                              fontsize=9, color=COLORS["text"])   # beside the axes too
        self._freeze_axes(y_ax, *[a for a in y_ax.lines if a not in self.lines.values()
                                  and a not in self.read_marks])
        self._freeze_axes(g_ax, *[a for a in g_ax.lines if a not in self.lines.values()
                                  and a not in self.read_marks])

    def _compute(self, v):
        read_at = WRITE_AT + v["lag"]
        X = store_recall_inputs(T_MAX, WRITE_AT, read_at, value=STORED,
                                noise=BETWEEN[v["between"]], rng=1)
        a = wired_traces(X, b_f=v["b_f"], b_i=v["b_i"])
        b = tanh_unit_traces(X, v["w"])
        with np.errstate(all="ignore"):
            rnn_carry = carried(v["w"] * (1 - b["h"] ** 2), WRITE_AT)
        lstm_carry = carried(a["f"], WRITE_AT)
        w, r, scale = WRITE_AT, read_at, WIRING["W_hy"] * WIRING["w_value_g"]
        # the chain rule along the one path from the write to the read (W_h = 0, so the
        # gates do not depend on the state); rnnlab.storecall.recall_gradient backpropagates
        lstm_grad = scale * a["o"][r] * (1 - np.tanh(a["c"][r]) ** 2) * lstm_carry[r] \
            * a["i"][w] * (1 - a["g"][w] ** 2)
        rnn_grad = scale * (1 - b["h"][w] ** 2) * rnn_carry[r]
        d = dict(v)
        # what reaches the read: the written value times what the keep gates keep, and the
        # rest of the content (the values let in before and after the write), both as 100 c
        kept = float(lstm_carry[r])
        d.update(lstm_kept=kept,
                 lstm_let_in=float(100 * (a["c"][r] - kept * a["i"][w] * a["g"][w])))
        d.update(read_at=read_at, lstm_y=a["y"], lstm_c=100 * a["c"], rnn_y=b["y"],
                 lstm_read=float(a["y"][read_at]), rnn_read=float(b["y"][read_at]),
                 lstm_grad=float(lstm_grad), rnn_grad=float(rnn_grad),
                 lstm_carry=lstm_carry, rnn_carry=rnn_carry)
        return d

    def _draw(self, d):
        self.off_y.show({self.lines["lstm"]: d["lstm_y"], self.lines["content"]: d["lstm_c"],
                         self.lines["rnn"]: d["rnn_y"]})
        self.off_g.show({self.lines["lstm_carry"]: d["lstm_carry"],
                         self.lines["rnn_carry"]: d["rnn_carry"]})
        for m in self.read_marks:
            m.set_xdata([d["read_at"], d["read_at"]])
        self.text.set_text(f"read at step {d['read_at']}:\nLSTM {d['lstm_read']:.2f}\n"
                           f"(gradient {d['lstm_grad']:.3g})\ntanh unit {d['rnn_read']:.2f}\n"
                           f"(gradient {d['rnn_grad']:.3g})")

    def _alt(self, d):
        """What the still picture shows, in words: its two panels, then the note."""
        return (f"Two panels against the step t, 0 to {T_MAX - 1}, with {d['between']} on the "
                f"value line between the write and the read. Top: an LSTM cell stores "
                f"{STORED} at step {WRITE_AT} and is read at step {d['read_at']}: its "
                f"read-out y_t and, dashed, its content 100 c_t, beside a tanh unit's read-out "
                f"y_t = 100 h_t. Bottom, on a log scale: how much of a change to the stored "
                f"value reaches step t, the product of f for the LSTM and of w (1 - h^2) for "
                f"the tanh unit. {self._note(d)}")

    def _note(self, d):
        lag = d["lag"]
        steps = f"{lag} step{'s' * (lag != 1)}"
        good = abs(d["lstm_read"] - STORED) < 0.1 * STORED
        if good:
            lstm = (f"After {steps} the LSTM reads out {d['lstm_read']:.2f} of {STORED} and "
                    f"passes {d['lstm_grad']:.2g} of a change back to the write")
        else:
            let_in = f"{d['lstm_let_in']:+.2f}"
            lstm = (f"After {steps} the LSTM reads out {d['lstm_read']:.2f}, not {STORED}: its "
                    f"keep gate keeps {fraction_text(d['lstm_kept'])} of the value"
                    + (f" and the values let in add {let_in}"
                       if let_in not in ("+0.00", "-0.00") else ""))
        rnn_ok = abs(d["rnn_read"] - STORED) < 0.1 * STORED
        why = ""
        if rnn_ok and d["between"] == "zeros":
            w = at_step(d["w"], 0.01)
            why = (" too, but only because w is 1 and nothing else arrives" if w == "1.00" else
                   f" too, but only because nothing else arrives and w = {w} is close enough "
                   f"to 1 over {steps}")
        return (f"{lstm}; the tanh unit reads {d['rnn_read']:.2f}{why}, gradient "
                f"{d['rnn_grad']:.2g}.")
