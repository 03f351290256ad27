"""``BifurcationExplorer``: the one-unit map x -> w s(x) + b, its fixed points and basins.

    BifurcationExplorer(w=5.0, b=-2.5, x0=0.5)

Left: f(x) = w s(x) + b against the diagonal; where they cross are the fixed points,
filled when stable (|w s'(x*)| < 1), open when unstable. Right: x_t for T = 30 steps from
seven starts x_0 in [-4, 4] and from the learner's own ``x0`` (thick): each run settles on
an attractor, and which one depends on the side of the unstable fixed point it starts on.
For w > 4 the unit has two attractors while b lies in ``rnnlab.cliff.fold_range(w)``
(for w = 5: b in (-2.66, -2.34)); crossing an end of that range is a bifurcation: one
attractor and the unstable point meet and vanish.

Controls: ``w`` (0..10), ``b`` (-8..2), ``x0`` (-6..6).
``data``: the settings, ``points`` (list of FixedPoint), ``n_stable``, ``fold`` ((b_low,
b_high) or None), ``runs`` (T+1, 8) trajectories (the last column starts at ``x0``),
``ends`` (8,) where they are after T steps.
"""
import numpy as np

from ..cliff import fixed_points, fold_range, one_unit_trajectory
from ..style import COLORS
from ..words import at_step
from .base import Explorer

XLIM = (-10.0, 12.5)   # holds every x_t: f(x) = w s(x) + b lies in [b, w + b] within [-8, 12]
T_RUN = 30
STARTS = np.linspace(-4, 4, 7)
NEUTRAL = 1e-6    # a fixed point whose |slope| is within this of 1 is neither stable nor not
SETTLED = 0.01    # a run that moved at most 1e-3 in its last step and is this close to a
                  # fixed point has settled there


def kind(p):
    """'stable', 'unstable' or 'neutral' (|w s'(x*)| = 1, as at w = 4, b = -2)."""
    return "neutral" if abs(abs(p.slope) - 1) <= NEUTRAL else \
        "stable" if p.stable else "unstable"


def range_text(lo, hi, b):
    """'(lo, hi)' with 3 decimals, or more where 3 would make b (2 decimals) look like an
    end or put it on the wrong side of one."""
    for k in range(3, 12):
        a, c = round(lo, k), round(hi, k)
        if (a < b < c) == (lo < b < hi) and b not in (a, c):
            return f"({lo:.{k}f}, {hi:.{k}f})"
    return f"({lo!r}, {hi!r})"


class BifurcationExplorer(Explorer):
    """Fixed points of one sigmoid unit, their stability and where trajectories go."""

    figsize = (8.8, 4.0)

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "40px"}, W.Layout(width="300px")
        c = {"w": W.FloatSlider(value=5.0, min=0.0, max=10.0, step=0.05, description="w"),
             "b": W.FloatSlider(value=-2.5, min=-8.0, max=2.0, step=0.01, description="b"),
             "x0": W.FloatSlider(value=0.5, min=-6.0, max=6.0, step=0.05, description="x_0")}
        for w in c.values():
            w.style, w.layout = style, lay
        return c

    def _build(self, fig):
        W_in, H_in = fig.get_figwidth(), fig.get_figheight()
        left = fig.add_axes((0.75 / W_in, 0.6 / H_in, 3.5 / W_in, (H_in - 1.0) / H_in))
        right = fig.add_axes((5.0 / W_in, 0.6 / H_in, 3.6 / W_in, (H_in - 1.0) / H_in))
        self.grid_x = np.linspace(*XLIM, 300)
        left.plot(XLIM, XLIM, color=COLORS["muted"], lw=1.2, label="x_t = x_{t-1}")
        self.curve, = left.plot(self.grid_x, self.grid_x, color=COLORS["hidden"], lw=2,
                                label="f(x) = w s(x) + b")
        self.stable = left.scatter([], [], s=55, color=COLORS["text"], zorder=4,
                                   label="stable")
        self.unstable = left.scatter([], [], s=55, facecolor="white",
                                     edgecolor=COLORS["text"], zorder=4, label="unstable")
        left.set_xlim(*XLIM)
        left.set_ylim(*XLIM)
        left.set_xlabel("x_{t-1}")
        left.set_ylabel("x_t")
        left.set_title("the map and its fixed points", loc="left", y=1.0)
        left.legend(loc="upper left", fontsize=8.5)
        steps = np.arange(T_RUN + 1)
        self.runs = [right.plot(steps, steps * 0.0, color=COLORS["muted"], lw=1.2)[0]
                     for _ in STARTS]
        self.own, = right.plot(steps, steps * 0.0, color=COLORS["highlight"], lw=2.4,
                               label="from your x_0")
        right.set_xlim(0, T_RUN)
        right.set_ylim(*XLIM)
        right.set_xlabel("step t")
        right.set_ylabel("x_t")
        right.set_title("trajectories from several x_0", loc="left", y=1.0)
        right.legend(loc="upper right", fontsize=8.5)
        self._freeze_axes(left, left.lines[0])
        self._freeze_axes(right)

    def _compute(self, v):
        w, b = v["w"], v["b"]
        points = fixed_points(w, b)
        x0s = np.append(STARTS, v["x0"])
        runs = one_unit_trajectory(w, b, x0s, T=T_RUN)
        return {**v, "points": points, "n_stable": sum(p.stable for p in points),
                "fold": fold_range(w), "runs": runs, "ends": runs[-1]}

    def _draw(self, d):
        s = 1 / (1 + np.exp(-self.grid_x))
        self.curve.set_ydata(d["w"] * s + d["b"])
        st = np.array([[p.x, p.x] for p in d["points"] if p.stable]).reshape(-1, 2)
        un = np.array([[p.x, p.x] for p in d["points"] if not p.stable]).reshape(-1, 2)
        self.stable.set_offsets(st)
        self.unstable.set_offsets(un)
        runs = np.clip(d["runs"], *XLIM)
        for line, col in zip(self.runs, runs.T[:-1]):
            line.set_ydata(col)
        self.own.set_ydata(runs[:, -1])

    def _note(self, d):
        pts = d["points"]
        names = ", ".join(f"{at_step(p.x, 0.01)} ({kind(p)})" for p in pts)
        head = f"{len(pts)} fixed point{'s' * (len(pts) != 1)}: x* = {names}"
        fold, w, b = d["fold"], at_step(d["w"], 0.05), at_step(d["b"], 0.01)
        if fold is None:
            where = f"with w = {w} <= 4 there is one fixed point for every b"
        else:
            lo, hi = fold
            inside = lo < d["b"] < hi
            where = (f"two attractors for b in {range_text(lo, hi, d['b'])}; b = {b} is "
                     + ("inside" if inside else "outside") + " that range")
        end, last_move = d["ends"][-1], abs(d["runs"][-1, -1] - d["runs"][-2, -1])
        near = [p for p in pts if abs(p.x - end) <= SETTLED]
        own = f"your x_0 = {at_step(d['x0'], 0.05)}"
        if near and last_move <= 1e-3 and near[0].stable:
            run = f"{own} settles on the attractor x* = {at_step(near[0].x, 0.01)}"
        elif near and last_move <= 1e-3:
            run = (f"{own} stays on the {kind(near[0])} fixed point x* = "
                   f"{at_step(near[0].x, 0.01)}")
        else:
            run = (f"{own} is at {at_step(end, 0.01)} after {T_RUN} steps, still moving "
                   f"({last_move:.2g} in the last step)")
        return f"{head}; {where}; {run}."

    def _alt(self, d):
        return ("Two panels. Left: the map f(x) = w s(x) + b against the diagonal, its fixed "
                "points filled when stable and open when unstable. Right: x_t for "
                f"{T_RUN} steps from eight starts, the run from x_0 thick. {self._note(d)}")
