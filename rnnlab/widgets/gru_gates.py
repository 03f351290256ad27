"""``GRUGatesExplorer``: set a one-unit GRU's update and reset gates by hand, watch z, r, n, h.

The cell (one unit, hand-set weights, ``rnnlab.GRU`` underneath) reads an input with two
pulses, +1 at steps 2-4 and -1 at steps 20-21::

    z_t = sigmoid(w_xz x_t + b_z)            r_t = sigmoid(b_r)    (no recurrent gate weights)
    n_t = tanh(w_xn x_t + r_t * (w_hn h_{t-1}))                   w_xn = 2
    PyTorch  h_t = (1 - z_t) n_t + z_t h_{t-1}     Chung  h_t = (1 - z_t) h_{t-1} + z_t n_t

    GRUGatesExplorer(T=36, b_z=3.0, w_xz=-6.0, b_r=0.0, w_hn=1.0, convention="PyTorch")

Controls: ``b_z``, ``w_xz`` (update gate bias and input weight), ``b_r`` (reset bias),
``w_hn`` (the candidate's recurrent weight, which r scales), ``convention``. The same
weights mean opposite things in the two conventions: in PyTorch's, z near 1 keeps the
state; in Chung's it writes the candidate.

``data``: ``x``, ``z``, ``r``, ``n``, ``h``, ``keep`` (T,) where keep_t = dh_t/dh_{t-1}
along the direct path (z_t in PyTorch's convention, 1 - z_t in Chung's); ``keep_gap``,
the mean of keep over the quiet steps 5-19; ``h_after`` = h_4 and ``h_before`` = h_19
(the first pulse's trace just after it and 15 steps later); ``held`` = h_19 / h_4.
"""
import numpy as np

from .._validate import check_positive_int
from ..gru import GRU
from ..plots.series import held, integer_steps
from ..style import COLORS, CYCLE
from ..words import is_shut
from .base import Explorer
from .panels import stack_axes

CONVENTIONS = {"PyTorch": "pytorch", "Chung et al. 2014": "chung"}
W_XN = 2.0
AFTER, BEFORE = 4, 19    # h just after the first pulse, and just before the second


def pulse_input(T):
    """x (T,): +1 at steps 2-4, -1 at steps 20-21 (when they fit), 0 elsewhere."""
    x = np.zeros(T)
    x[2:5] = 1.0
    x[20:22] = -1.0
    return x


def one_unit_gru(b_z, w_xz, b_r, w_hn, convention="pytorch"):
    """A GRU with D = H = 1 and the hand-set weights of the module docstring."""
    m = GRU(1, 1, convention=convention)
    m["W_x"] = [[0.0, w_xz, W_XN]]                  # r, z, n
    m["W_h"] = [[0.0, 0.0, w_hn]]
    m["b"] = [b_r, b_z, 0.0]
    if convention == "pytorch":
        m["b_hn"] = [0.0]
    return m


def gru_traces(x, b_z, w_xz, b_r, w_hn, convention="pytorch"):
    """z, r, n, h (T,) of the one-unit GRU reading x (T,), from h_{-1} = 0."""
    m = one_unit_gru(b_z, w_xz, b_r, w_hn, convention)
    tr = m.forward(np.asarray(x, dtype=float).reshape(-1, 1, 1))
    z, r, n = (np.array([getattr(c, g)[0, 0] for c in tr.caches]) for g in "zrn")
    return {"z": z, "r": r, "n": n, "h": tr.states["h"][:, 0, 0]}


class GRUGatesExplorer(Explorer):
    """A one-unit GRU with sliders for its gates: input, gates, candidate and state."""

    figsize = (8.0, 5.2)

    def __init__(self, T=36, **initial):
        self.T = check_positive_int(T, "T")
        if not 24 <= self.T <= 200:
            raise ValueError(f"T must be between 24 and 200 (room for both pulses), got {T}")
        self.x = pulse_input(self.T)
        super().__init__(**initial)

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "56px"}, W.Layout(width="250px")

        def slider(name, value, lo, hi):
            return W.FloatSlider(value=value, min=lo, max=hi, step=0.1, description=name,
                                 readout_format=".1f", style=style, layout=lay)
        return {"b_z": slider("b_z", 3.0, -6.0, 6.0), "w_xz": slider("w_xz", -6.0, -8.0, 8.0),
                "b_r": slider("b_r", 0.0, -6.0, 6.0), "w_hn": slider("w_hn", 1.0, -3.0, 3.0),
                "convention": W.Dropdown(options=list(CONVENTIONS), value="PyTorch",
                                         description="convention", style=style, layout=lay)}

    def _build(self, fig):
        x_ax, g_ax, h_ax = stack_axes(fig, [0.8, 1.3, 1.5], gaps=[0.42, 0.42], top=0.35)
        steps = np.arange(self.T)
        zeros = np.zeros(self.T)
        x_ax.plot(*held(steps, self.x), color=COLORS["input"], drawstyle="steps-mid")
        self.lines = {
            "z": g_ax.plot(steps, zeros, color=CYCLE[1], marker="o", ms=3,
                           label="update $z_t$")[0],
            "r": g_ax.plot(steps, zeros, color=CYCLE[4], marker="s", ms=3, ls="--",
                           label="reset $r_t$")[0],
            "n": h_ax.plot(steps, zeros, color=COLORS["muted"], marker="o", ms=3,
                           label="candidate $n_t$")[0],
            "h": h_ax.plot(steps, zeros, color=COLORS["hidden"], marker="o", ms=3.5,
                           label="state $h_t$")[0],
        }
        x_ax.set_ylim(-1.3, 1.3)
        x_ax.set_title("input $x_t$", loc="left", y=1.0)
        g_ax.set_ylim(-0.05, 1.05)
        g_ax.set_title("gates (0 = closed, 1 = open)", loc="left", y=1.0)
        h_ax.set_ylim(-1.05, 1.05)
        h_ax.set_title("candidate and state", loc="left", y=1.0)
        h_ax.set_xlabel("step t")
        above = dict(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.1)
        g_ax.legend(**above)
        h_ax.legend(**above)
        for ax in (x_ax, g_ax, h_ax):
            ax.set_xlim(-0.5, self.T - 0.5)
            integer_steps(ax)
        for ax in (x_ax, g_ax):
            ax.tick_params(labelbottom=False)
        zero = h_ax.axhline(0, color=COLORS["muted"], lw=0.8)
        self.axes = {"input": x_ax, "gates": g_ax, "state": h_ax}
        self._freeze_axes(x_ax, *x_ax.lines)
        self._freeze_axes(g_ax)
        self._freeze_axes(h_ax, zero)

    def _compute(self, v):
        conv = CONVENTIONS[v["convention"]]
        d = gru_traces(self.x, v["b_z"], v["w_xz"], v["b_r"], v["w_hn"], conv)
        keep = d["z"] if conv == "pytorch" else 1 - d["z"]
        quiet = slice(AFTER + 1, min(BEFORE + 1, self.T))
        h_after, h_before = float(d["h"][AFTER]), float(d["h"][BEFORE])
        return {**d, "x": self.x, "keep": keep, "keep_gap": float(keep[quiet].mean()),
                "write": float(1 - keep[AFTER]), "copy_alone": float(np.prod(keep[quiet])),
                "r_w_hn": float(d["r"][AFTER] * v["w_hn"]),
                "h_after": h_after, "h_before": h_before,
                "held": h_before / h_after if abs(h_after) > 1e-12 else 0.0,
                "convention": v["convention"], **{k: v[k] for k in ("b_z", "w_xz", "b_r",
                                                                    "w_hn")}}

    def _draw(self, d):
        for name, line in self.lines.items():
            line.set_ydata(d[name])

    def _alt(self, d):
        """What the still picture shows, in words: its three panels, then the note."""
        return (f"Three panels against the step t, 0 to {self.T - 1}. Top: the input x_t, +1 "
                f"at steps 2 to 4 and -1 at steps 20 and 21. Middle: the update gate z_t and "
                f"the reset gate r_t, between 0 (closed) and 1 (open). Bottom: the candidate "
                f"n_t and the state h_t, in {d['convention']}'s convention. {self._note(d)}")

    def _note(self, d):
        """Three claims, each checked against ``d`` by the tests: what the first pulse
        writes (h_4, and the write share 1 - keep while it lasts; "barely opens" only when
        that share is shut by ``rnnlab.words``), what the copy path alone keeps over the 15
        quiet steps (the product of keep), and what h_19 holds, more or less than that as
        the candidate, which reads the old state through r w_hn, writes it back or pushes
        against it."""
        pytorch = d["convention"] == "PyTorch"
        keep_side, write_side = ("z", "1 - z") if pytorch else ("1 - z", "z")
        h4, h19, w = d["h_after"], d["h_before"], d["write"]
        if is_shut(w):
            first = (f"The update gate barely opens to write during the first pulse "
                     f"({write_side} = {w:.3f} per step), so it leaves only h_4 = {h4:+.2f}")
        else:
            first = (f"The first pulse leaves h_4 = {h4:+.2f} (while it lasts the update gate "
                     f"writes {write_side} = {w:.3f} of the candidate per step)")
        k, copy, held_ = d["keep_gap"], d["copy_alone"], d["held"]
        kept = (f"between the pulses it copies {share_text(k)} of the state per step "
                f"({keep_side} = {k:.3f}, {d['convention']}'s convention), which alone would "
                f"keep {share_text(copy)} of h_4 after 15 steps")
        if abs(h4) <= 1e-12:
            return f"{first}; {kept}."
        through = f"the candidate, which sees the old state through r w_hn = {d['r_w_hn']:+.2f},"
        now = f"h_19 = {h19:+.2f}"
        if share_text(held_) == share_text(copy):
            held_text = (f"and {now} holds {share_text(held_)}, the same: the candidate writes "
                         f"next to nothing back (r w_hn = {d['r_w_hn']:+.2f})")
        elif held_ > 1:
            held_text = f"yet {now} holds {share_text(held_)}: {through} writes it back amplified"
        elif held_ > copy:
            held_text = f"yet {now} holds {share_text(held_)}: {through} writes part of it back"
        elif held_ >= 0:
            held_text = f"and {now} holds only {share_text(held_)}: {through} pushes against it"
        else:
            held_text = f"and {now} has the opposite sign: {through} pushes it past zero"
        return f"{first}; {kept}, {held_text}."


def share_text(x):
    """A fraction as a percentage precise enough to tell it from 0 and from 1 ("68%",
    "99.8%", "0.3%"), in scientific notation below 0.001 ("3e-05") and as "all but 3e-06"
    within 0.00005 of 1; "0%" for zero."""
    a = abs(x)
    if a == 0:
        return "0%"
    if a < 0.001:
        return f"{x:.0e}"
    if a < 0.01:
        return f"{x:.1%}"
    if 0.995 <= a < 1:
        for decimals in range(1, 5):
            text = f"{x:.{decimals}%}"
            if not text.lstrip("-").startswith("100"):
                return text
        return f"{'-' if x < 0 else ''}all but {1 - a:.0e}"
    return f"{x:.0%}"
