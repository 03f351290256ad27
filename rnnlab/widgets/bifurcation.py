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
from .base import Explorer

XLIM = (-10.0, 10.0)
T_RUN = 30
STARTS = np.linspace(-4, 4, 7)


class BifurcationExplorer(Explorer):
    """Fixed points of one sigmoid unit, their stability and where trajectories go."""

    figsize = (9.6, 4.0)

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
        right = fig.add_axes((5.2 / W_in, 0.6 / H_in, 4.2 / W_in, (H_in - 1.0) / H_in))
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
        names = ", ".join(f"{p.x:.2f} ({'stable' if p.stable else 'unstable'})" for p in pts)
        head = f"{len(pts)} fixed point{'s' * (len(pts) != 1)}: x* = {names}"
        fold = d["fold"]
        if fold is None:
            where = f"with w = {d['w']:g} <= 4 there is only ever one attractor"
        else:
            lo, hi = fold
            inside = lo < d["b"] < hi
            where = (f"two attractors for b in ({lo:.2f}, {hi:.2f}); b = {d['b']:g} is "
                     + ("inside" if inside else "outside") + " that range")
        return f"{head}; {where}; your x_0 = {d['x0']:g} ends at {d['ends'][-1]:.2f}."
