"""``GradientFlowExplorer``: ||dL/dh_t|| against the lag, live, with the 1/gamma boundary.

    GradientFlowExplorer(scale=1.0, activation="tanh", init="orthogonal", T=100, H=16, rng=0)

A vanilla RNN (H units, seeded weights under ``init``, then W_hh multiplied by ``scale``)
reads T steps of standard-normal input; the loss sits at the last step; the explorer
draws ||dL/dh_t|| against the lag on a log scale (``rnnlab.flow.gradient_flow``), beside
the bound ||dL/dh at lag 0|| (gamma sigma_max(W_hh))^lag, and below it where
sigma_max(W_hh) and the spectral radius rho sit against 1/gamma (Pascanu, Mikolov &
Bengio 2013): left of it the gradient must vanish, right of it it may explode.

Controls: ``scale`` (a slider over fixed values 0.05 .. 12), ``activation`` (tanh,
sigmoid, relu), ``init`` (random N(0, 1/H), orthogonal, identity), ``T`` (10 .. 300).

Other chapters reuse it for other models: subclass, override ``_make_controls`` and
``_models(values) -> dict label -> model`` (the labels must not depend on the values),
set ``jacobian_panel = False`` when the models are not vanilla RNNs, and optionally
``_boundary(values, models, results) -> dict label -> (T,) bound``. The drawing,
the overflow markers, the data and the note come from this class.

``data``: the settings, ``lag`` (T,), ``dh`` label -> (T,) norms as drawn (inside
[1e-300, 1e300]), ``bound``, ``gamma``, ``sigma_max``, ``rho``, ``gamma_sigma`` (first RNN),
``overflow``/``underflow`` (any model), ``first_bad_lag`` (first model, -1 if none),
``log10_ratio`` (first model: log10 of ||dh|| at lag T-1 over lag 0; None past the range).

Speed: each model's flow (and each W_hh's singular value and spectral radius) is kept,
keyed by the model's kind, activation, T and a digest of its weights (``weights_key``):
moving one control recomputes only the models it changes, and a value visited before
costs nothing. Moving T runs only the backward pass: every T of one model shares one
forward pass (``rnnlab.flow.FlowRuns``). See ``kept.py``; ``MAX_KEPT`` results are kept.
"""
import numpy as np
from matplotlib.ticker import NullLocator

from ..flow import GAMMA, FlowRuns, jacobian_bound
from ..plots.flow import plot_flow, set_decades, shown
from ..rnn import RNN
from ..style import COLORS
from ..words import exploded, vanished
from .base import Explorer
from .kept import Kept, read_only, weights_key
from .panels import LEGEND_OUTSIDE, LEGEND_RIGHT, stack_axes

SCALES = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.5, 2.0, 3.0,
          5.0, 8.0, 12.0)
INITS = {"random": "normal", "orthogonal": "orthogonal", "identity": "identity"}
PANEL_RANGE = (0.01, 100.0)
# A norm that turns exactly 0 right after a value at most this small has underflowed; after
# a larger one it is a true zero: every slope it meets is 0 (all ReLUs off).
TINY = 1e-300


MAX_KEPT = 512   # flows and bounds kept (a few kB each)
MAX_RUNS = 8     # forward passes kept (FlowRuns, a few hundred kB each at T = 300)


def format_ratio(log10_ratio):
    """10^x as a short number: "3e-11", "0.37", "2.7", "1e+120"."""
    if -2 <= log10_ratio < 3:
        return f"{10 ** log10_ratio:.2g}"
    return f"{10 ** log10_ratio:.0e}" if abs(log10_ratio) < 300 else f"1e{log10_ratio:+.0f}"


def side(gamma_sigma, tol=1e-9):
    """-1 below the boundary gamma sigma_max = 1, 0 on it (within ``tol``: an orthogonal W_hh
    is 1 up to rounding on every machine), 1 above."""
    return 0 if abs(gamma_sigma - 1) <= tol else (-1 if gamma_sigma < 1 else 1)


class GradientFlowExplorer(Explorer):
    """||dL/dh_t|| against the lag for RNNs (or, in subclasses, any models)."""

    figsize = (8.0, 5.0)
    jacobian_panel = True
    colors = None          # label -> colour, or None for the course's cycle

    def __init__(self, H=16, rng=0, **initial):
        self.H, self.seed = int(H), rng
        self._kept = Kept(MAX_KEPT)    # ("flow" | "bound", ..., weights_key) -> a result
        self._runs = Kept(MAX_RUNS)    # weights_key -> FlowRuns: one forward pass, every T
        super().__init__(**initial)

    def _kept_flows(self, models, T):
        """label -> ``gradient_flow(model, T, rng=seed)``, each computed once per weights
        and T, all T of one model from one forward pass (``rnnlab.flow.FlowRuns``)."""
        return {label: self._kept.get(("flow", T, weights_key(m)),
                                      lambda m=m: read_only(self._forward_runs(m).flow(T)))
                for label, m in models.items()}

    def _forward_runs(self, model):
        """The ``FlowRuns`` of ``model``: every T of the same weights shares them."""
        longest = self.controls["T"].max if "T" in self.controls else None
        return self._runs.get(weights_key(model),
                              lambda: FlowRuns(model, self.seed, longest=longest))

    def _jacobian_bound(self, model):
        """``jacobian_bound`` of a vanilla RNN's W_hh, computed once per weights."""
        return self._kept.get(("bound", weights_key(model)),
                              lambda: jacobian_bound(model["W_hh"], model.activation))

    # -- what subclasses change ------------------------------------------------------------
    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "72px"}, W.Layout(width="300px")
        c = {"scale": W.SelectionSlider(options=list(SCALES), value=1.0,
                                        description="W_hh scale"),
             "activation": W.Dropdown(options=list(GAMMA), value="tanh",
                                      description="activation"),
             "init": W.Dropdown(options=list(INITS), value="orthogonal", description="init"),
             "T": W.IntSlider(value=100, min=10, max=300, step=10, description="steps T")}
        for w in c.values():
            w.style, w.layout = style, lay
        return c

    def _models(self, values):
        """label -> model for these control values (the labels never change)."""
        model = RNN(1, self.H, activation=values["activation"], init=INITS[values["init"]],
                    rng=self.seed)
        model["W_hh"] = model["W_hh"] * values["scale"]
        return {"RNN": model}

    def _boundary(self, values, models, results):
        """label -> per-lag bound ||dh at lag 0|| (gamma sigma_max)^lag, for vanilla RNNs."""
        out = {}
        for label, m in models.items():
            if isinstance(m, RNN):
                gamma, sigma, _ = self._jacobian_bound(m)
                r = results[label]
                with np.errstate(all="ignore"):
                    out[label] = r.dh[0] * np.power(gamma * sigma, r.lag.astype(float))
        return out

    # -- the drawing -----------------------------------------------------------------------
    def _build(self, fig):
        models = self._models(self.values)
        T = self.values.get("T", 100)
        results = self._kept_flows(models, T)
        bound = self._boundary(self.values, models, results)
        heights = [3.2, 0.55] if self.jacobian_panel else [3.9]
        axes = stack_axes(fig, heights, gaps=[0.75][:len(heights) - 1], left=0.85, top=0.4,
                          right=LEGEND_RIGHT)
        ax = axes[0]
        self.flow = plot_flow(results, ax=ax, boundary=bound, colors=self.colors)
        ax.set_title("size of dL/dh_t at each lag behind the loss (log scale)", loc="left",
                     y=1.0)   # a fixed title position: no layout pass at each redraw
        ax.set_ylabel("")
        inches = ax.get_position().width * fig.get_figwidth()   # 0.7 in left of the axes,
        ylabel = ax.text(-0.7 / inches, 0.5, "gradient norm", rotation=90, va="center",
                         ha="center", transform=ax.transAxes, fontsize=11,   # clear of the
                         color=COLORS["text"])                     # widest tick label, 1e-300
        ax.legend(**LEGEND_OUTSIDE)   # beside the axes: never over a curve
        if "T" in self.controls:   # the longest sequence fits: the x-axis never changes
            ax.set_xlim(0, self.controls["T"].max - 1)
        self.ax, self.ylim = ax, ax.get_ylim()
        # the y-axis stays live: its decades change with the settings, and redrawing a few
        # plain labels is cheaper than rendering the frozen layer again
        ax.patch.set_visible(False)
        self._freeze(ax.xaxis, *ax.spines.values(), ax.title, ax._left_title, ax.get_legend(),
                     ylabel)
        if self.jacobian_panel:
            self._build_panel(axes[1])

    def _build_panel(self, p):
        lo, hi = PANEL_RANGE
        p.set_xscale("log")
        p.set_xlim(lo, hi)
        p.set_ylim(0, 1)
        p.set_yticks([])
        p.set_xticks([0.01, 0.1, 1, 4, 10, 100], ["0.01", "0.1", "1", "4", "10", "100"])
        p.xaxis.set_minor_locator(NullLocator())
        p.set_xlabel("singular value / spectral radius of W_hh")
        from matplotlib.patches import Rectangle

        self.vanish = p.add_patch(Rectangle((lo, 0), 1.0 - lo, 1, color=COLORS["hidden"],
                                            alpha=0.15, lw=0))
        self.edge = p.axvline(1.0, color=COLORS["text"], ls="--", lw=1.2)
        self.sigma_mark, = p.plot([1, 1], [0.15, 0.85], color=COLORS["gradient"], lw=3)
        self.rho_mark, = p.plot([1], [0.5], marker="o", ms=7, color=COLORS["input"], ls="none")
        key = p.text(0.0, 1.08, "bar: sigma_max(W_hh)    dot: spectral radius rho    dashed: "
                             "1/gamma    shaded: gradient must vanish", transform=p.transAxes,
                      ha="left", va="bottom", fontsize=9, color=COLORS["text"])
        self._freeze_axes(p, key)

    def _compute(self, v):
        models = self._models(v)
        T = v.get("T", 100)
        results = self._kept_flows(models, T)
        bound = self._boundary(v, models, results)
        first = next(iter(results.values()))
        d = dict(v)
        d.update(lag=first.lag, results=results,
                 dh={k: shown(r.dh)[0] for k, r in results.items()},
                 bound={k: shown(b)[0] for k, b in bound.items()},
                 overflow=any(r.overflow for r in results.values()),
                 underflow=any(r.underflow for r in results.values()))
        bad = np.flatnonzero(~((first.dh > 0) & np.isfinite(first.dh)))
        d["first_bad_lag"] = int(bad[0]) if bad.size else -1
        with np.errstate(all="ignore"):
            lr = np.log10(first.dh[-1]) - np.log10(first.dh[0])
        d["log10_ratio"] = float(lr) if np.isfinite(lr) else None
        rnns = [m for m in models.values() if isinstance(m, RNN)]
        if rnns:
            gamma, sigma, rho = self._jacobian_bound(rnns[0])
            d.update(gamma=gamma, sigma_max=sigma, rho=rho, gamma_sigma=gamma * sigma)
        return d

    def _draw(self, d):
        ylim = self.flow.set_results(d["results"], d["bound"])
        if ylim != self.ylim:
            set_decades(self.ax, ylim)
            self.ylim = ylim
        if self.jacobian_panel and "gamma" in d:
            lo, hi = PANEL_RANGE
            edge = 1 / d["gamma"]
            s = float(np.clip(d["sigma_max"], lo, hi))
            self.vanish.set_width(edge - lo)
            self.edge.set_xdata([edge, edge])
            self.sigma_mark.set_xdata([s, s])
            self.rho_mark.set_xdata([float(np.clip(d["rho"], lo, hi))])

    def _note(self, d):
        T, lag = len(d["lag"]), d["first_bad_lag"]
        r = next(iter(d["results"].values()))
        if not np.isfinite(r.dh[0]):
            head = (f"The forward pass itself overflowed float64, so dL/dh is not finite "
                    f"from lag {lag} on (x marks on the top edge)")
        elif r.overflow:
            head = (f"The gradient overflows float64 (past 1.8e308) from lag {lag} on, "
                    f"drawn as x marks on the top edge")
        elif r.underflow and r.dh[lag - 1] <= TINY:
            head = (f"The gradient underflows to exactly 0 from lag {lag} on (below the "
                    f"smallest float), drawn as x marks on the bottom edge")
        elif r.underflow:
            head = (f"The gradient is exactly 0 from lag {lag} on, though it was "
                    f"{r.dh[lag - 1]:.2g} at lag {lag - 1}: every slope it meets there is 0 "
                    f"(not an underflow), drawn as x marks on the bottom edge")
        else:
            ratio = 10 ** d["log10_ratio"]
            size = f"{ratio:.2f}" if 0.01 <= ratio < 10 else format_ratio(d["log10_ratio"])
            head = f"At lag {T - 1} the gradient is {size} times its value at the loss (lag 0)"
            head += ": it has vanished" if vanished(ratio) else \
                ": it has exploded" if exploded(ratio) else ""
        if "gamma" not in d:
            return head + "."
        gs = d["gamma_sigma"]
        tail = (f"sigma_max(W_hh) = {d['sigma_max']:.3g}, rho = {d['rho']:.3g}, gamma = "
                f"{d['gamma']:g}: gamma sigma_max = {gs:.3g}")
        if side(gs) < 0:
            log_bound = (T - 1) * np.log10(gs)        # the dotted bound at lag T-1
            tail += (f" < 1, so it must vanish: the bound (gamma sigma_max)^lag (dotted) is "
                     f"{format_ratio(log_bound)} at lag {T - 1}" if vanished(10 ** log_bound)
                     else f" < 1, so it must shrink, staying under the bound (gamma "
                     f"sigma_max)^lag (dotted), {format_ratio(log_bound)} at lag {T - 1}")
        else:
            tail += {0: ", on the boundary: the theory does not decide",
                     1: " > 1, so it may explode (not must)"}[side(gs)]
        return f"{head}; {tail}."

    def _alt(self, d):
        panel = (" Below, a strip places sigma_max(W_hh) and the spectral radius against "
                 "1/gamma." if self.jacobian_panel and "gamma" in d else "")
        bound = ", with the bound (gamma sigma_max)^lag dotted" if d.get("bound") else ""
        return ("Line chart on a log scale: the gradient norm ||dL/dh_t|| ("
                + ", ".join(d["dh"]) + f") against the lag behind the loss, 0 to "
                f"{len(d['lag']) - 1}{bound}.{panel} {self._note(d)}")
