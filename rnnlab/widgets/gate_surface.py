"""``GateSurfaceExplorer``: the error surface of the store-and-recall cell over b_f and b_i.

    GateSurfaceExplorer(lag=50, between="random values", b_f=4.0, b_i=-6.0)

The map (``rnnlab.plots.gate_surface``) is log10 of the read-out's loss over the forget
bias b_f and the input bias b_i, for a read ``lag`` steps after the write. Every lag and
both kinds of in-between inputs are computed once at construction, so a slider move only
swaps the picture. The marker is the point (b_f, b_i) of the two other sliders; the note
gives the loss and the size of its gradient there (centred differences on the grid).

``data``: the settings, ``b_f_grid`` (nf,), ``b_i_grid`` (ni,), ``loss`` (nf, ni),
``grad_norm`` (nf, ni), ``at_loss`` and ``at_grad`` (at the nearest grid point), and
``steepest`` (the largest gradient norm on the map).
"""
import numpy as np

from ..activations import sigmoid
from ..plots.gate_surface import plot_surface, storecall_surface
from ..style import COLORS
from ..words import at_step, fraction_text, gate_state, is_shut, keeps_little
from .base import Explorer
from .panels import stack_axes

LAGS = (5, 10, 20, 50, 100, 200)
BETWEEN = {"random values": 1.0, "zeros": 0.0}
B_F = np.round(np.linspace(-2.0, 14.0, 49), 6)
B_I = np.round(np.linspace(-14.0, 4.0, 37), 6)    # step 0.5: -6 and -10 are grid points
STEP_F, STEP_I = float(B_F[1] - B_F[0]), float(B_I[1] - B_I[0])   # as the sliders' steps
VALLEY = 0.01      # a loss below this: the valley (the read-out's error about 10% or less)
FLAT = 1e-3        # a slope below this, where the cell has forgotten: the plateau


class GateSurfaceExplorer(Explorer):
    """log10 loss over (b_f, b_i) of the wired cell, with a point and its gradient."""

    figsize = (8.0, 4.6)

    def __init__(self, **initial):
        self._maps = {}
        for name, noise in BETWEEN.items():
            for lag, loss in storecall_surface(B_F, B_I, LAGS, noise).items():
                gf, gi = np.gradient(loss, B_F, B_I)
                self._maps[lag, name] = (loss, np.hypot(gf, gi))
        super().__init__(**initial)

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "80px"}, W.Layout(width="300px")
        return {"lag": W.SelectionSlider(options=list(LAGS), value=50, description="write to read",
                                         style=style, layout=lay),
                "between": W.Dropdown(options=list(BETWEEN), value="random values",
                                      description="in between", style=style, layout=lay),
                "b_f": W.FloatSlider(value=4.0, min=float(B_F[0]), max=float(B_F[-1]),
                                     step=float(B_F[1] - B_F[0]), description="point b_f",
                                     style=style, layout=lay),
                "b_i": W.FloatSlider(value=-6.0, min=float(B_I[0]), max=float(B_I[-1]),
                                     step=float(B_I[1] - B_I[0]), description="point b_i",
                                     style=style, layout=lay, readout_format=".1f")}

    def _build(self, fig):
        ax, = stack_axes(fig, [3.6], left=0.8, right=1.4, top=0.4)
        box = ax.get_position()
        cax = fig.add_axes((box.x1 + 0.02, box.y0, 0.025, box.height))
        self.surface = plot_surface(B_F, B_I, self._maps[50, "random values"][0], ax=ax,
                                    cax=cax)
        self.point, = ax.plot([4.0], [-6.0], marker="o", ms=9, mfc="white",
                              mec=COLORS["gradient"], mew=2.5, ls="none")
        ax.set_title("loss of the read-out over the keep and write biases", loc="left",
                     y=1.0)
        self.ax = ax
        self._freeze_axes(ax)
        self._freeze_axes(cax)
        self._freeze(self.surface["colorbar"].outline)

    def _compute(self, v):
        loss, grad = self._maps[v["lag"], v["between"]]
        j = int(np.argmin(np.abs(B_F - v["b_f"])))
        k = int(np.argmin(np.abs(B_I - v["b_i"])))
        js, ks = np.unravel_index(int(np.argmax(grad)), grad.shape)
        d = dict(v)
        d.update(b_f_grid=B_F, b_i_grid=B_I, loss=loss, grad_norm=grad,
                 b_f_at=float(B_F[j]), b_i_at=float(B_I[k]),
                 at_loss=float(loss[j, k]), at_grad=float(grad[j, k]),
                 at_kept=float(sigmoid(B_F[j]) ** v["lag"]), at_write=float(sigmoid(B_I[k])),
                 steepest=float(grad[js, ks]), steepest_at=(float(B_F[js]), float(B_I[ks])),
                 steepest_loss=float(loss[js, ks]))
        return d

    def _draw(self, d):
        with np.errstate(divide="ignore"):
            self.surface["image"].set_data(np.log10(np.maximum(d["loss"], 1e-6)).T)
        self.point.set_data([d["b_f"]], [d["b_i"]])

    def _alt(self, d):
        """What the still picture shows, in words: the map, its marker, then the note."""
        return (f"Colour map of the log10 of the read-out's loss over the forget bias b_f, "
                f"{B_F[0]:g} to {B_F[-1]:g}, and the input bias b_i, {B_I[0]:g} to "
                f"{B_I[-1]:g}, for a read {d['lag']} steps after the write with "
                f"{d['between']} in between, with a marker at the point the note reads. "
                f"{self._note(d)}")

    def _note(self, d):
        kept, lag = d["at_kept"], d["lag"]
        keeps = f"the cell keeps {fraction_text(kept)} of the value over {lag} steps"
        if keeps_little(kept):
            where = (f"on the plateau, its slope below {FLAT:g}: {keeps}, it has forgotten"
                     if d["at_grad"] < FLAT else f"{keeps}: it has forgotten")
        elif d["at_loss"] < VALLEY:
            where = f"in the valley: {keeps}"
        elif d["between"] == "random values" and not is_shut(d["at_write"]):
            where = (f"{keeps}, but the write gate is {gate_state(d['at_write'])} without a "
                     f"write signal (i = {d['at_write']:.2f}) and lets the random values in")
        else:
            where = f"on the ramp: {keeps}"
        bf, bi = at_step(d["b_f_at"], STEP_F), at_step(d["b_i_at"], STEP_I)
        head = (f"At b_f = {bf}, b_i = {bi} the loss is {d['at_loss']:.2g} and its gradient "
                f"{d['at_grad']:.1g} ({where})")
        s = d["steepest"]
        if s < 1:
            return (f"{head}; the steepest slope on the whole map is {s:.2g}, less than 1 per "
                    f"unit of bias: plateaus and ramps, no cliff.")
        bf, bi = d["steepest_at"]
        tail = (f"the steepest slope on the whole map is {s:.2g}, at b_f = "
                f"{at_step(bf, STEP_F)}, b_i = {at_step(bi, STEP_I)}")
        i = float(sigmoid(bi))
        if d["between"] == "random values" and not is_shut(i):
            tail += (f", where the write gate is {gate_state(i)} without a write signal (i = "
                     f"{i:.2f}) and lets the random values in (loss {d['steepest_loss']:.2g})")
        return f"{head}; {tail}."
