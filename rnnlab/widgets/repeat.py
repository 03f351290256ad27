"""``RepeatExplorer``: a number multiplied by itself step after step, on a log scale.

    RepeatExplorer(factor=0.99, steps=100)

The line is factor^t for t = 0..steps, beside the fixed references 0.9^t, 0.99^t, 1.01^t
and 1.1^t: a factor a little below 1 fades, a little above 1 grows without end; this is
what happens to a gradient sent back through many steps with the same Jacobian.

Controls: ``factor`` (fixed values 0.5 .. 1.5), ``steps`` (10..300).
``data``: the settings, ``t`` (steps+1,), ``value`` (steps+1,) factor^t (inside
[1e-300, 1e300] as drawn), ``final`` (factor^steps, may be 0 or inf past the float range).
"""
import numpy as np

from ..plots.flow import set_decades, shown
from ..style import COLORS, OFF_SCALE
from ..words import exploded, vanished
from .base import Explorer
from .panels import OffScale

FACTORS = (0.5, 0.8, 0.9, 0.95, 0.99, 1.0, 1.01, 1.05, 1.1, 1.2, 1.5)
REFERENCES = (0.9, 0.99, 1.01, 1.1)
MAX_STEPS = 300
YLIM = (1e-30, 1e30)   # the widest view; the axis zooms to the decades the line needs
VIEW_DECADES = (1, 2, 5, 10, 20, 30)   # a few looks: each is rendered once, then reused


class RepeatExplorer(Explorer):
    """factor^t against t: repeated multiplication vanishes or explodes."""

    figsize = (8.0, 3.6)

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "60px"}, W.Layout(width="300px")
        c = {"factor": W.SelectionSlider(options=list(FACTORS), value=0.99,
                                         description="factor"),
             "steps": W.IntSlider(value=100, min=10, max=MAX_STEPS, step=10,
                                  description="steps")}
        for w in c.values():
            w.style, w.layout = style, lay
        return c

    def _build(self, fig):
        ax = fig.add_axes((0.85 / 8.0, 0.6 / 3.6, 6.4 / 8.0, 2.6 / 3.6))
        t = np.arange(MAX_STEPS + 1)
        self.ref_labels = []
        for f in REFERENCES:
            line, = ax.plot(t, np.clip(f ** t, *YLIM), color=COLORS["muted"], lw=1, ls=":")
            line.set_gid(OFF_SCALE)   # a guide: it runs on past a zoomed-in view
            self.ref_labels.append(ax.text(MAX_STEPS, float(np.clip(f ** MAX_STEPS, *YLIM)),
                                           f" {f:g}^t", fontsize=8.5, color="#777777",
                                           va="center"))
        self.line, = ax.plot(t, t * 0.0 + 1, color=COLORS["gradient"], lw=2.2, label="factor^t")
        self.end = ax.scatter([0], [1], s=40, color=COLORS["gradient"], zorder=4)
        self.off = OffScale(ax, every=10)   # past 1e-30 or 1e30: triangles on the edge
        ax.set_yscale("log")
        set_decades(ax, YLIM)
        ax.set_xlim(0, MAX_STEPS)
        ax.set_xlabel("step t")
        ax.set_ylabel("factor^t")
        ax.set_title("one number multiplied by itself t times (dotted: 0.9, 0.99, 1.01, 1.1)",
                     loc="left", fontsize=11, y=1.0)
        self.ax = ax
        self.view = YLIM
        # the y range zooms to the line: its axis, the guides and their labels stay live
        self._freeze_axes(ax, live_y=True)

    def _compute(self, v):
        t = np.arange(v["steps"] + 1)
        with np.errstate(all="ignore"):
            raw = np.power(float(v["factor"]), t.astype(float))
        return {**v, "t": t, "value": shown(raw)[0], "final": float(raw[-1])}

    def _view(self, y):
        """Log limits from a few fixed decades that hold ``y`` (at least 1/10 .. 10)."""
        lo, hi = np.log10(y.min()), np.log10(y.max())
        lo = next((-k for k in VIEW_DECADES if -k <= lo - 0.2), -VIEW_DECADES[-1])
        hi = next((k for k in VIEW_DECADES if k >= hi + 0.2), VIEW_DECADES[-1])
        return 10.0 ** lo, 10.0 ** hi

    def _draw(self, d):
        y = np.clip(d["value"], *YLIM)
        view = self._view(y)
        if view != self.view:
            set_decades(self.ax, view)
            for f, label in zip(REFERENCES, self.ref_labels):   # labels inside the view
                label.set_visible(bool(view[0] <= f ** MAX_STEPS <= view[1]))
            self.view = view
        self.line.set_xdata(d["t"])
        self.off.show({self.line: d["value"]})
        self.end.set_offsets([[d["t"][-1], self.line.get_ydata()[-1]]])

    def _note(self, d):
        f, n, v = d["factor"], d["steps"], d["final"]
        if f == 1:
            return f"1^{n} = 1: a factor of exactly 1 keeps the value, however many steps."
        kind = "fades" if f < 1 else "grows"
        beyond = " (beyond the plotted range)" if not YLIM[0] <= v <= YLIM[1] else ""
        word = ", so it has vanished" if vanished(v) else ", so it has exploded" \
            if exploded(v) else ""
        return f"{f:g}^{n} = {v:.2g}{beyond}: with a factor {'below' if f < 1 else 'above'} 1 " \
               f"the value {kind} exponentially with the number of steps{word}."

    def _alt(self, d):
        return (f"Line chart on a log scale: factor^t for t = 0 to {d['steps']} with factor "
                f"{d['factor']:g} (thick line), beside dotted lines for "
                + ", ".join(f"{r:g}^t" for r in REFERENCES) + f". {self._note(d)}")
