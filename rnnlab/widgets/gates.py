"""``GatesExplorer``: open and close an LSTM cell's gates by hand and watch f, i, g, o, c, h.

    GatesExplorer(**wiring)      # any of the sliders below; the rest as in GATES_WIRING

A one-unit LSTM wired as in ``rnnlab.storecall`` (inputs x_t = [value, write, read,
erase]) reads a fixed 32-step sequence: the values 0.8 and -0.6 arrive with write
signals at steps 3 and 18, the cell is read at steps 12 and 27 and erased at step 15,
and every other step carries a small distracting value. Controls: each gate's bias and
the weight from its signal (``b_i``, ``w_write_i``, ``b_f``, ``w_erase_f``, ``b_o``,
``w_read_o``) and the candidate's weight ``w_value_g``.

``data``: the wiring, ``X`` (T, 4), traces (T,) ``i f g o c h``, ``events`` (name -> steps).
"""
import numpy as np

from ..plots.series import integer_steps
from ..style import COLORS, CYCLE, TEXT_BOX
from ..words import at_step, fraction_text, gate_state, is_open, is_shut, keeps_most
from .base import Explorer
from .panels import LEGEND_OUTSIDE, LEGEND_RIGHT, OffScale, stack_axes
from .storecall import wired_traces

T_GATES = 32
EVENTS = {"write": (3, 18), "read": (12, 27), "erase": (15,)}
VALUES = {3: 0.8, 18: -0.6}
GATES_WIRING = {"b_i": -6.0, "w_write_i": 12.0, "b_f": 6.0, "w_erase_f": -12.0,
                "b_o": -6.0, "w_read_o": 12.0, "w_value_g": 1.0}
RANGES = {"b_i": (-10, 10), "w_write_i": (-20, 20), "b_f": (-10, 10), "w_erase_f": (-20, 20),
          "b_o": (-10, 10), "w_read_o": (-20, 20), "w_value_g": (-3, 3)}
GATE_COLORS = {"i": CYCLE[0], "f": CYCLE[2], "g": CYCLE[5], "o": CYCLE[1]}


def gates_inputs():
    """X (T, 1, 4) of the explorer's sequence: values, write, read and erase signals."""
    X = np.zeros((T_GATES, 1, 4))
    X[:, 0, 0] = 0.3 * np.sin(1.7 * np.arange(T_GATES))     # distracting values
    for t, v in VALUES.items():
        X[t, 0, 0] = v
    for k, name in enumerate(("write", "read", "erase")):
        X[list(EVENTS[name]), 0, k + 1] = 1.0
    return X


class GatesExplorer(Explorer):
    """Sliders for each gate's bias and weight; traces of the gates, c_t and h_t."""

    figsize = (8.0, 6.0)

    def __init__(self, **wiring):
        self.X = gates_inputs()
        super().__init__(**wiring)

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "70px"}, W.Layout(width="250px")
        return {name: W.FloatSlider(value=GATES_WIRING[name], min=lo, max=hi,
                                    step=0.1 if name == "w_value_g" else 0.5,
                                    description=name, style=style, layout=lay,
                                    readout_format=".1f")
                for name, (lo, hi) in RANGES.items()}

    def _build(self, fig):
        x_ax, g_ax, c_ax = stack_axes(fig, [1.0, 1.6, 1.6], gaps=[0.45, 0.45],
                                      right=LEGEND_RIGHT)
        steps = np.arange(T_GATES)
        x_ax.plot(steps, self.X[:, 0, 0], color=COLORS["input"], marker="o", ms=3,
                  label="value line")
        # each signal in the colour of the gate it opens or closes (erase shuts f)
        colors = {"write": GATE_COLORS["i"], "read": GATE_COLORS["o"], "erase": GATE_COLORS["f"]}
        for name, ts in EVENTS.items():
            for t in ts:
                for ax in (x_ax, g_ax, c_ax):
                    ax.axvline(t, color=colors[name], lw=1, ls=":", alpha=0.8)
                x_ax.text(t, 1.05, name, color=colors[name], ha="center", fontsize=9,
                          bbox=TEXT_BOX)   # opaque: its dotted line stops under it
        x_ax.set_ylim(-1.1, 1.3)
        x_ax.set_title("inputs: values, and write / read / erase signals (dotted)", loc="left",
                       y=1.0)
        self.lines = {}
        for k in "ifgo":
            name = {"i": "i (write)", "f": "f (keep)", "g": "g (candidate)", "o": "o (read)"}[k]
            self.lines[k], = g_ax.plot(steps, np.zeros(T_GATES), color=GATE_COLORS[k], lw=2,
                                       ls="--" if k == "g" else "-", label=name)
        g_ax.set_ylim(-1.1, 1.1)
        g_ax.set_title("gates: i, f, o in (0, 1); the candidate g in (-1, 1)", loc="left", y=1.0)
        g_ax.legend(**LEGEND_OUTSIDE)   # beside the axes: never over a curve
        self.lines["c"], = c_ax.plot(steps, np.zeros(T_GATES), color=COLORS["hidden"], lw=2.2,
                                     label="cell c_t")
        self.lines["h"], = c_ax.plot(steps, np.zeros(T_GATES), color=COLORS["output"],
                                     marker="o", ms=3.5, label="h_t = o tanh(c_t)")
        c_ax.set_ylim(-3, 3)
        self.off = OffScale(c_ax, every=1)   # |c_t| past 3: triangles on the edge
        c_ax.set_title("the cell c_t and what it shows, h_t", loc="left", y=1.0)
        c_ax.legend(**LEGEND_OUTSIDE)
        c_ax.set_xlabel("step t")
        self.axes = {"inputs": x_ax, "gates": g_ax, "cell": c_ax}
        for ax in (x_ax, g_ax, c_ax):
            ax.set_xlim(-0.5, T_GATES - 0.5)
            integer_steps(ax)
        for ax in (x_ax, g_ax):
            ax.tick_params(labelbottom=False)
        self.off_scale = c_ax.text(1.02, 0.0, "", transform=c_ax.transAxes, ha="left",
                                   va="bottom", fontsize=9, color=COLORS["gradient"])
        self._freeze_axes(x_ax, *x_ax.lines, *x_ax.texts)
        self._freeze_axes(g_ax, *[a for a in g_ax.lines if a not in self.lines.values()])
        self._freeze_axes(c_ax, *[a for a in c_ax.lines if a not in self.lines.values()])

    def _compute(self, v):
        tr = wired_traces(self.X, **v, W_hy=1.0)   # = store_recall(wired_lstm(...), X)
        d = dict(v)
        d.update({k: tr[k] for k in "ifgoch"}, X=self.X[:, 0], events=EVENTS)
        return d

    def _draw(self, d):
        for k in "ifgo":
            self.lines[k].set_ydata(d[k])
        self.off.show({self.lines["c"]: d["c"], self.lines["h"]: d["h"]})
        big = float(np.abs(d["c"]).max())
        self.off_scale.set_text(f"|c_t| reaches {big:.3g}:\nclipped at 3" if big > 3 else "")

    def _alt(self, d):
        """What the still picture shows, in words: its three panels, then the note."""
        return (f"Three panels against the step t, 0 to {T_GATES - 1}. Top: the inputs, the "
                f"values {VALUES[3]} at step 3 and {VALUES[18]} at step 18 with write signals, "
                f"read signals at steps 12 and 27 and an erase signal at step 15. Middle: the "
                f"gates i, f and o, between 0 and 1, and the candidate g, between -1 and 1. "
                f"Bottom: the cell c_t and what it shows, h_t. {self._note(d)}")

    def _note(self, d):
        w1, w2 = EVENTS["write"]
        r1, r2 = EVENTS["read"]
        e = EVENTS["erase"][0]
        i, f, g, o, c, h = (d[k] for k in "ifgoch")
        if d["w_value_g"] == 0:
            return (f"With w_value_g = {at_step(0.0, 0.1)} the candidate g is 0 at every step: "
                    f"whatever the gates do, the cell has nothing to store (c stays 0).")
        i_w = float(i[w1])                 # = i[w2]: the write gate hears the write signal only
        if not is_open(i_w):
            head = ("The write gate barely opens at the writes" if is_shut(i_w) else
                    "The write gate opens only partly at the writes")
            return (f"{head} (i = {i_w:.2f} at steps {w1} and {w2}): it writes i g = "
                    f"{i_w * g[w1]:+.2f} of the candidate g = {g[w1]:+.2f} at step {w1}"
                    + (", little of the value." if is_shut(i_w) else "."))
        i_rest = float(np.delete(i, [w1, w2]).max())
        if not is_shut(i_rest):
            leak = float(np.abs(np.delete(i * g, [w1, w2])).max())
            return (f"The write gate is {gate_state(i_rest)} without a write signal (i = "
                    f"{i_rest:.2f} at every other step): the distracting values get into the "
                    f"cell (i g up to {leak:.2g} a step).")
        kept = float(np.prod(f[w1 + 1:r1 + 1]))
        if not keeps_most(kept):
            return (f"The keep gate leaks: from step {w1} to the read at step {r1} the cell "
                    f"keeps {fraction_text(kept)} of what was written (f = {f[w1 + 1]:.3f} per "
                    f"step).")
        if not is_shut(f[e]):
            first = float(np.prod(f[w1 + 1:w2 + 1]))
            return (f"The erase signal at step {e} leaves f = {f[e]:.2f}: "
                    f"{fraction_text(first)} of the first value is still in the cell when the "
                    f"second is written (step {w2}), so the read at step {r2} shows a mixture "
                    f"(c = {c[r2]:+.2f}).")
        o_r = float(o[r1])                 # = o[r2]
        if not is_open(o_r):
            if is_shut(o_r):
                return (f"The read gate stays shut at the reads (o = {o_r:.2f} at steps {r1} and "
                        f"{r2}): h_t shows little of the cell (h = {h[r1]:+.2f} while c = "
                        f"{c[r1]:+.2f} at step {r1}).")
            return (f"The read gate opens only partly at the reads (o = {o_r:.2f} at steps {r1} "
                    f"and {r2}): h_t shows {o_r:.0%} of tanh(c_t) (h = {h[r1]:+.2f} while c = "
                    f"{c[r1]:+.2f} at step {r1}).")
        o_rest = float(np.delete(o, [r1, r2]).max())
        if not is_shut(o_rest):
            shown = float(np.delete(np.abs(h), [r1, r2]).max())
            return (f"The read gate is {gate_state(o_rest)} between reads (o = {o_rest:.2f} at "
                    f"every other step): h_t shows the cell (|h| up to {shown:.2f}) at steps "
                    f"without a read signal.")
        return (f"The cell stores {c[w1]:+.2f}, keeps {fraction_text(kept)} of it until the read "
                f"at step {r1} (h = {h[r1]:+.2f}), is emptied at step {e} and holds "
                f"{c[r2]:+.2f} at the second read (step {r2}).")
