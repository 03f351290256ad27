"""``CliffExplorer``: gradient descent on Pascanu's one-unit loss, with and without clipping.

    CliffExplorer(w0=4.5, b0=-2.0, lr=0.5, steps=40, clip="off", threshold=1.0)

Left: the loss over (w, b) (computed once, ``rnnlab.plots.cliff.cliff_surface``) with the
wall b = 0.5 - w s(0.5), the start point, and the descent path (``rnnlab.cliff.descend``,
one call per update); the largest step is drawn thick. A click on the map (in a live
Jupyter canvas) moves the start there. Right: the loss and the gradient norm at each
step. The note says which step moved furthest, how far, and where it ended.

Controls: ``w0`` (0..10), ``b0`` (-6..0), ``lr`` (learning rate, fixed values 0.01..5),
``steps`` (1..80), ``clip`` ("off", "norm", "elementwise"), ``threshold`` (the clipping
threshold, fixed values 0.01..10).

``data``: the settings, ``path`` (n+1, 2), ``loss`` (n+1,), ``grad_norm`` (n,), ``step``
(n,) lengths of the steps, ``clipped`` (n,), ``biggest`` (index of the longest step),
``thrown`` (its length), ``off_map`` (the path left the window), ``final_loss``.
"""
import numpy as np
from matplotlib.ticker import NullLocator

from ..cliff import CLIP_MODES, descend
from ..plots.cliff import WINDOW, cliff_surface, plot_cliff_map
from ..style import COLORS, OFF_SCALE
from .base import Explorer
from .panels import OffScale

LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
THRESHOLDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
MAX_STEPS = 80


def _inside(p, window=WINDOW):
    w0, w1, b0, b1 = window
    return (w0 <= p[0] <= w1) and (b0 <= p[1] <= b1)


class CliffExplorer(Explorer):
    """Descent on the one-unit loss surface; the step that touches the wall is thrown."""

    figsize = (8.8, 4.8)

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "72px"}, W.Layout(width="300px")
        c = {"w0": W.FloatSlider(value=4.5, min=0.0, max=10.0, step=0.05, description="start w"),
             "b0": W.FloatSlider(value=-2.0, min=-6.0, max=0.0, step=0.05, description="start b"),
             "lr": W.SelectionSlider(options=list(LRS), value=0.5, description="learn rate"),
             "steps": W.IntSlider(value=40, min=1, max=MAX_STEPS, step=1, description="steps"),
             "clip": W.Dropdown(options=list(CLIP_MODES), value="off", description="clipping"),
             "threshold": W.SelectionSlider(options=list(THRESHOLDS), value=1.0,
                                            description="threshold")}
        for w in c.values():
            w.style, w.layout = style, lay
        return c

    def _build(self, fig):
        W_in, H_in = fig.get_figwidth(), fig.get_figheight()
        ax = fig.add_axes((0.75 / W_in, 1.0 / H_in, 4.2 / W_in, (H_in - 1.4) / H_in))
        cax = fig.add_axes((5.05 / W_in, 1.0 / H_in, 0.15 / W_in, (H_in - 1.4) / H_in))
        side = fig.add_axes((6.3 / W_in, 1.0 / H_in, 2.35 / W_in, (H_in - 1.4) / H_in))
        d = plot_cliff_map(ax=ax, surface=cliff_surface(), cax=cax)
        ax.set_title("loss over (w, b), descent path in white", loc="left", y=1.0)
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.2), borderaxespad=0.0,
                  fontsize=9)   # below the map: the path may run anywhere on it
        self.path_line, = ax.plot([4.5], [-2.0], color="white", lw=1.3, marker="o", ms=2.5)
        self.big_line, = ax.plot([4.5, 4.5], [-2.0, -2.0], color=COLORS["gradient"], lw=3.5,
                                 solid_capstyle="round")
        self.start, = ax.plot([4.5], [-2.0], marker="o", ms=9, color="white",
                              markeredgecolor=COLORS["text"], ls="none")
        self.thrown_text = ax.text(0.02, 0.03, "", transform=ax.transAxes, fontsize=9.5,
                                   color="white", va="bottom")
        side.set_xlim(0, MAX_STEPS)
        side.set_yscale("log")
        side.set_ylim(1e-6, 1e3)
        side.yaxis.set_minor_locator(NullLocator())
        side.set_xlabel("step")
        side.set_title("loss and gradient norm", loc="left", y=1.0)
        self.loss_line, = side.plot([0], [1], color=COLORS["input"], lw=1.8, label="loss")
        self.norm_line, = side.plot([0], [1], color=COLORS["gradient"], lw=1.8, ls=":",
                                    label="||g|| before clipping")
        self.off = OffScale(side, every=4)   # below 1e-6 or above 1e3: triangles on the edge
        side.legend(loc="upper right", bbox_to_anchor=(1.0, -0.2), borderaxespad=0.0,
                    fontsize=8.5, ncols=3)   # below the panel: the curves may run anywhere
        self.axes = {"map": ax, "side": side}
        self._freeze_axes(ax, d["image"], d["wall"])
        self._freeze_axes(cax, *cax.collections, *cax.images)
        self._freeze_axes(side)
        if hasattr(self.canvas, "mpl_connect"):
            self.canvas.mpl_connect("button_press_event", self._on_click)

    def _on_click(self, event):
        """A click on the map moves the start point there (rounded to the sliders' step)."""
        if event.inaxes is not self.axes["map"] or event.xdata is None:
            return
        self.update(w0=round(min(max(event.xdata, 0.0), 10.0) / 0.05) * 0.05,
                    b0=round(min(max(event.ydata, -6.0), 0.0) / 0.05) * 0.05)

    def _compute(self, v):
        r = descend(v["w0"], v["b0"], lr=v["lr"], steps=v["steps"], clip=v["clip"],
                    threshold=v["threshold"])
        biggest = int(np.argmax(r.step)) if len(r.step) else 0
        return {**v, "path": r.path, "loss": r.loss, "grad_norm": r.grad_norm, "step": r.step,
                "clipped": r.clipped, "biggest": biggest,
                "thrown": float(r.step[biggest]) if len(r.step) else 0.0,
                "off_map": not all(_inside(p) for p in r.path),
                "final_loss": float(r.loss[-1]), "stopped": len(r.step) < v["steps"]}

    def _draw(self, d):
        path, i = d["path"], d["biggest"]
        self.path_line.set_data(path[:, 0], path[:, 1])
        self.start.set_data([path[0, 0]], [path[0, 1]])
        self.big_line.set_data(path[i:i + 2, 0], path[i:i + 2, 1])
        end = path[-1]
        left_map = not all(_inside(p) for p in path)
        self.thrown_text.set_text("" if not left_map else
                                  "the path leaves the map and comes back" if _inside(end) else
                                  f"the path leaves the map: it ends at w = {end[0]:.3g}, "
                                  f"b = {end[1]:.3g}")
        for line in (self.path_line, self.big_line):   # off the map, as the text says
            line.set_gid(OFF_SCALE if left_map else None)
        self.controls["threshold"].disabled = d["clip"] == "off"   # nothing to clip at
        steps = np.arange(len(d["loss"]))
        self.loss_line.set_xdata(steps)
        if len(d["grad_norm"]):
            self.norm_line.set_xdata(steps[:-1])
            self.off.show({self.loss_line: d["loss"], self.norm_line: d["grad_norm"]})
        else:
            self.off.show({self.loss_line: d["loss"]})
            self.norm_line.set_data([0], [1e-6])

    def _note(self, d):
        if not len(d["step"]):
            return ("No step was taken: the first one would have left the float range "
                    "(the gradient overflows).")
        i, g = d["biggest"], d["grad_norm"][d["biggest"]]
        where = ("ends off the map" if not _inside(d["path"][-1]) else
                 "leaves the map, comes back and ends on it" if d["off_map"] else
                 "ends on the map")
        # below 1e-12 the loss is rounding noise of s(x_50) = 0.7, not a number to quote
        loss = "below 1e-12" if d["final_loss"] < 1e-12 else f"{d['final_loss']:.3g}"
        if d["thrown"] == 0:
            head = (f"No step moved: the gradient is exactly zero all along; the path "
                    f"{where} with loss {loss}")
        else:
            head = (f"The longest step is step {i}: gradient norm {g:.3g}, moved "
                    f"{d['thrown']:.3g} in (w, b); the path {where} with loss {loss}")
        if d["stopped"]:
            head += (f"; the run stopped after {len(d['step'])} of {d['steps']} steps: the "
                     f"next step would have left the float range")
        if d["clip"] != "off":
            n = int(d["clipped"].sum())
            head += (f"; clipping ({d['clip']}, threshold {d['threshold']:g}) changed "
                     f"{n} of {len(d['step'])} steps")
        return head + "."

    def _alt(self, d):
        return ("Two panels. Left: a colour map of the loss over w from 0 to 10 and b from -6 "
                "to 0, with the wall as a dashed line and the descent path in white, its "
                "longest step thick. Right: the loss and the gradient norm at each step, on a "
                f"log scale. {self._note(d)}")
