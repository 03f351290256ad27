"""``TimerExplorer``: ask a trained timer RNN for pulses of different lengths.

Jaeger's timer (``rnnlab.tasks.timer``): input u1 is a one-step "go" pulse, input u2 the
duration, held; the target is 0.5 for k = round(10 u2) steps from the go step, else 0.
The explorer runs the given model (it never trains it) on one go pulse at ``pulse_at``
with u2 held at the slider's value, and measures the output pulse as ``timer_success``
does: consecutive steps with y_t > 0.25, counted from the go step.

    TimerExplorer(model, T=40, u2=0.5, pulse_at=None)

``model``: an rnnlab RNN, LSTM or GRU with D = 2 (u1, u2) and O = 1; T is 12..200 steps.
Controls: ``u2`` (0.1..1.0, step 0.1) and ``pulse_at`` (the go step, 0..T-11; default 5).
Every setting is computed once at construction (one batched forward pass), so a slider
move only looks the answer up and redraws.

``data``: ``u2``, ``pulse_at``; ``k_target`` = round(10 u2) and ``k_measured`` (ints);
``tail``, the output from the step where the target ends until it is below 0.1 (empty
if it switches off at once; a trained network's short pulses often decay instead);
``X`` (T, 2) [u1, u2], ``target`` and ``y`` (T,); ``Hs`` (T, H) the hidden states. The
hidden states are drawn as lines for H <= 8 units, as a heatmap above that.
"""
import numpy as np

from .._validate import check_positive_int
from ..plots import plot_states
from ..plots.series import held, integer_steps
from ..style import COLORS, CYCLE
from .base import Explorer
from .panels import stack_axes

THRESHOLD = 0.25   # the output counts as "on" above this (half the target's 0.5)
NEAR_ZERO = 0.1    # the output counts as "off" again below this (a fifth of the 0.5)
U2_VALUES = np.round(np.arange(1, 11) / 10, 1)


def pulse_length(y, start, threshold=THRESHOLD):
    """Consecutive steps from ``start`` on which y > threshold (0 if y[start] is not)."""
    on = np.asarray(y[start:]) > threshold
    return len(on) if on.all() else int(np.argmin(on))


def decay_tail(y, end, near_zero=NEAR_ZERO):
    """y from step ``end`` (where the target has ended) until |y| < near_zero, exclusive."""
    away = np.abs(np.asarray(y[end:])) >= near_zero
    return np.asarray(y[end:end + (len(away) if away.all() else int(np.argmin(away)))])


class TimerExplorer(Explorer):
    """A trained timer RNN: inputs, target vs output, and hidden states for one go pulse."""

    def __init__(self, model, T=40, u2=0.5, pulse_at=None):
        if not callable(getattr(model, "forward", None)) or getattr(model, "D", None) != 2 \
                or getattr(model, "O", None) != 1:
            raise TypeError(f"model must be an rnnlab RNN, LSTM or GRU with D = 2 inputs "
                            f"(u1, u2) and O = 1 output, got {model!r}")
        self.model, self.T = model, check_positive_int(T, "T")
        if not 12 <= self.T <= 200:
            raise ValueError(f"T must be between 12 and 200 (room for a 10-step pulse), got {T}")
        self._precompute()
        super().__init__(u2=u2, pulse_at=min(5, self.T - 11) if pulse_at is None else pulse_at)

    def _inputs(self, u2, pulse_at):
        """X (T, 2): the go pulse u1 at ``pulse_at``, u2 held at ``u2`` throughout."""
        X = np.zeros((self.T, 2))
        X[pulse_at, 0] = 1.0
        X[:, 1] = u2
        return X

    def _precompute(self):
        """Run the model once on every slider setting (10 x (T - 10) sequences, one batch)."""
        starts = np.arange(self.T - 10)
        X = np.stack([self._inputs(u2, p) for u2 in U2_VALUES for p in starts], axis=1)
        tr = self.model.forward(X)                                     # (T, 10 (T-10), .)
        n = len(starts)
        self._Y = tr.Y[:, :, 0].T.reshape(10, n, self.T)              # [u2, pulse_at, t]
        self._H = tr.states["h"].transpose(1, 0, 2).reshape(10, n, self.T, -1)
        self.H = self._H.shape[-1]

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "64px"}, W.Layout(width="300px")
        return {"u2": W.FloatSlider(value=0.5, min=0.1, max=1.0, step=0.1, description="u2",
                                    readout_format=".1f", style=style, layout=lay),
                "pulse_at": W.IntSlider(value=5, min=0, max=self.T - 11, step=1,
                                        description="go at t", style=style, layout=lay)}

    def _build(self, fig):
        heatmap = self.H > 8
        right = 1.05 if heatmap else 0.15   # room for the heatmap's colour bar and its label
        i_ax, o_ax, h_ax = stack_axes(fig, [0.9, 1.5, 1.5], gaps=[0.4, 0.4], right=right)
        steps = np.arange(self.T)
        zeros = np.zeros(self.T)   # placeholders: update() sets the data before any draw
        held_steps = dict(drawstyle="steps-mid")    # each value a full step wide, as in
        self.lines = {                              # plot_sequence
            "u1": i_ax.plot(*held(steps, zeros), color=COLORS["input"], marker="o", ms=3.5,
                            markevery=slice(1, -1), label="$u_1$ (go)", **held_steps)[0],
            "u2": i_ax.plot(*held(steps, zeros), color=CYCLE[5], marker="o", ms=3.5,
                            markevery=slice(1, -1), label="$u_2$ (duration)", **held_steps)[0],
            "target": o_ax.plot(*held(steps, zeros), color=COLORS["target"], ls="--", lw=1.8,
                                label="target $y^*_t$", **held_steps)[0],
            "y": o_ax.plot(steps, zeros, color=COLORS["output"], marker="o", ms=3.5,
                           label="output $y_t$")[0],
        }
        i_ax.set_ylim(-0.1, 1.15)
        i_ax.set_title("inputs: a go pulse on $u_1$, the duration on $u_2$", loc="left", y=1.0)
        i_ax.set_ylabel("input")
        above = dict(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.1)
        i_ax.legend(**above)   # outside the data, which is drawn over the frozen legend
        lo = min(-0.1, float(self._Y.min()) - 0.05)
        hi = max(0.75, float(self._Y.max()) + 0.05)
        o_ax.set_ylim(lo, hi)
        threshold = o_ax.axhline(THRESHOLD, color=COLORS["muted"], ls=":", lw=1.2)
        o_ax.set_title(f"target and output (on = above {THRESHOLD})", loc="left", y=1.0)
        o_ax.set_ylabel("output")
        o_ax.legend(**above)
        top = max(float(np.abs(self._H).max()), 1e-12)
        cax = None
        if heatmap:
            box = h_ax.get_position()
            cax = fig.add_axes((box.x1 + 0.012, box.y0, 0.015, box.height))
        self.states = plot_states(np.zeros((self.T, self.H)), ax=h_ax, vmax=top, cax=cax,
                                  kind="heatmap" if heatmap else "lines")
        if not heatmap:
            h_ax.set_ylim(-1.05 * top, 1.05 * top)
            if h_ax.get_legend() is not None:   # unit numbers say little; keep the width
                h_ax.get_legend().remove()
        h_ax.set_title(f"hidden states ({self.H} units)", loc="left", y=1.0)
        for ax in (i_ax, o_ax, h_ax):
            ax.set_xlim(-0.5, self.T - 0.5)
            integer_steps(ax)
        for ax in (i_ax, o_ax):
            ax.tick_params(labelbottom=False)
        self.span = o_ax.axvspan(0, 1, color=COLORS["output"], alpha=0.12, lw=0)
        self.axes = {"inputs": i_ax, "output": o_ax, "hidden": h_ax}
        self._freeze_axes(i_ax)
        self._freeze_axes(o_ax, threshold)
        colorbar = self.states.get("colorbar")
        if colorbar is not None:
            self._freeze_axes(colorbar.ax)
            self._freeze(colorbar.outline)
        self._freeze_axes(h_ax)

    def _compute(self, v):
        u2, p = v["u2"], v["pulse_at"]
        i = int(np.argmin(np.abs(U2_VALUES - u2)))
        k = int(U2_VALUES[i] * 10 + 0.5)
        target = np.zeros(self.T)
        target[p:p + k] = 0.5
        y = self._Y[i, p]
        return {"u2": float(U2_VALUES[i]), "pulse_at": p, "k_target": k,
                "k_measured": pulse_length(y, p), "tail": decay_tail(y, p + k),
                "X": self._inputs(U2_VALUES[i], p), "target": target, "y": y,
                "Hs": self._H[i, p]}

    def _draw(self, d):
        steps = np.arange(self.T)
        self.lines["u1"].set_data(*held(steps, d["X"][:, 0]))
        self.lines["u2"].set_data(*held(steps, d["X"][:, 1]))
        self.lines["target"].set_data(*held(steps, d["target"]))
        self.lines["y"].set_ydata(d["y"])
        p, k = d["pulse_at"], d["k_measured"]
        self.span.set_x(p - 0.5)
        self.span.set_width(k)
        if "image" in self.states:
            self.states["image"].set_data(d["Hs"].T)
        else:
            for j, line in self.states["lines"].items():
                line.set_ydata(d["Hs"][:, j])

    def _alt(self, d):
        """What the still picture shows, in words: its three panels, then the note."""
        kind = "a colour map" if self.H > 8 else "lines"
        return (f"Three panels against the step t, 0 to {self.T - 1}. Top: the inputs, a go "
                f"pulse on u1 at step {d['pulse_at']} and the duration u2 = {d['u2']:.1f}. "
                f"Middle: the target, 0.5 for {d['k_target']} steps, and the trained "
                f"network's output. Bottom: its {self.H} hidden states as {kind}. "
                f"{self._note(d)}")

    def _note(self, d):
        k, m, tail = d["k_target"], d["k_measured"], d["tail"]
        ask = f"u2 = {d['u2']:.1f} asks for a {k}-step pulse (10 x u2)"
        if m == 0:
            return f"{ask}, but the output never rises above {THRESHOLD} at the go step."
        end = " (still on at the last step)" if d["pulse_at"] + m >= self.T else ""
        verdict = "on target" if m == k else \
            f"{abs(m - k)} step{'s' if abs(m - k) > 1 else ''} too {'long' if m > k else 'short'}"
        note = f"{ask}; the output stays above {THRESHOLD} for {m} steps{end}: {verdict}"
        if d["pulse_at"] + k >= self.T:
            return note + "."
        if len(tail) == 0:
            return note + f", then it drops below {NEAR_ZERO} at once."
        values = ", ".join(f"{v:+.2f}" for v in tail[:4]) + (", ..." if len(tail) > 4 else "")
        back = "" if d["pulse_at"] + k + len(tail) >= self.T else f" to below {NEAR_ZERO}"
        return (note + f"; instead of switching off when the target ends, it decays over "
                       f"{len(tail)} step{'s' if len(tail) > 1 else ''} ({values}){back}.")
