"""``CellsFlowExplorer``: the gradient flow of RNN, LSTM and GRU side by side, at one budget.

    CellsFlowExplorer(budget=600, rng=0, T=100, forget_bias=1.0, update_bias=0.0)

Three models with (as nearly as whole units allow) the same number of parameters
(``rnnlab.budget.matched_widths(budget, D=1)``, no output layer): a tanh RNN, an LSTM and
a GRU in PyTorch's convention, each with PyTorch's default initialization (seed ``rng``).
Each reads T steps of seeded standard-normal input with the loss at the last step;
the figure shows ||dL/dh_t|| against the lag (and ||dL/dc_t||, dashed, for the LSTM),
drawn by ``rnnlab.plots.flow.plot_flow`` from ``rnnlab.flow.gradient_flow``.

The axes never change (lag 0 .. 149, norms 1e-60 .. 1e2): a shorter sequence is a
shorter curve, and a norm below 1e-60 runs off the bottom (the note gives its value).
Controls: ``T`` (10 .. 150), ``forget_bias`` (added to the LSTM's b_f, -2 .. 5) and
``update_bias`` (added to the GRU's b_z, -2 .. 5: z near 1 copies the state). A model's
result is kept per setting (T and the biases taken to their sliders' steps, 10 and 0.5),
so moving one bias recomputes only that cell; every T at the starting biases and every
bias at the starting T are computed at construction.

``data`` (besides the base's): ``widths`` and ``n_params`` (label -> int), ``ratio``
label -> ||dL/dh|| at lag T-1 over lag 0 (0.0 after an underflow), ``log10_ratio``
label -> its log10 (None past the float range).
"""
import numpy as np

from ..budget import CELLS, matched_widths
from ..gru import GRU
from ..lstm import LSTM
from ..rnn import RNN
from ..plots.flow import plot_flow, set_decades, shown
from ..style import CELL_COLORS
from .flow import GradientFlowExplorer, format_ratio
from .kept import read_only
from .panels import LEGEND_OUTSIDE, LEGEND_RIGHT, stack_axes

YLIM = (1e-60, 1e2)   # fixed: redraws never re-render tick labels
T_STEP, BIAS_STEP = 10, 0.5   # the sliders' steps: results are kept per step


class CellsFlowExplorer(GradientFlowExplorer):
    """||dL/dh_t|| against the lag for an RNN, an LSTM and a GRU of matched size."""

    jacobian_panel = False
    figsize = (8.0, 4.6)

    def __init__(self, budget=600, rng=0, **initial):
        self.budget = int(budget)
        self.widths = matched_widths(self.budget, 1)
        self.labels = {c: f"{c} (H={self.widths[c]})" for c in CELLS}
        self.colors = {self.labels[c]: CELL_COLORS[c] for c in CELLS}
        self._cache = {}
        super().__init__(H=self.widths["RNN"], rng=rng, **initial)
        for T in range(self.controls["T"].min, self.controls["T"].max + 1, T_STEP):
            self._flows({**self.values, "T": T})    # every T at the starting biases, and
        for b in self._bias_grid():                 # every bias at the starting T
            self._flows({**self.values, "forget_bias": b, "update_bias": b})

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "88px"}, W.Layout(width="300px")
        return {"T": W.IntSlider(value=100, min=T_STEP, max=150, step=T_STEP, description="steps T",
                                 style=style, layout=lay),
                "forget_bias": W.FloatSlider(value=1.0, min=-2.0, max=5.0, step=BIAS_STEP,
                                             description="LSTM b_f +", readout_format=".1f",
                                             style=style, layout=lay),
                "update_bias": W.FloatSlider(value=0.0, min=-2.0, max=5.0, step=BIAS_STEP,
                                             description="GRU b_z +", readout_format=".1f",
                                             style=style, layout=lay)}

    def _models(self, values):
        w, seed = self.widths, self.seed
        gru = GRU(1, w["GRU"], rng=seed)
        gru["b_z"] = gru["b_z"] + values["update_bias"]
        return {self.labels["RNN"]: RNN(1, w["RNN"], rng=seed),
                self.labels["LSTM"]: LSTM(1, w["LSTM"], forget_bias=values["forget_bias"],
                                          rng=seed),
                self.labels["GRU"]: gru}

    def _boundary(self, values, models, results):
        return {}

    def _bias_grid(self):
        c = self.controls["update_bias"]
        return np.round(np.arange(c.min, c.max + BIAS_STEP / 2, BIAS_STEP), 6)

    @staticmethod
    def _snap(values):
        """``values`` with T and the biases taken to their sliders' steps (10 and 0.5)."""
        b_f, b_z = (round(round(values[k] / BIAS_STEP) * BIAS_STEP, 6)
                    for k in ("forget_bias", "update_bias"))
        return {**values, "T": int(round(values["T"] / T_STEP)) * T_STEP,
                "forget_bias": b_f, "update_bias": b_z}

    def _flows(self, values):
        """label -> FlowResult, each computed once per (cell, T, its bias)."""
        values = self._snap(values)
        T, b_f, b_z = values["T"], values["forget_bias"], values["update_bias"]
        keys = {self.labels["RNN"]: ("RNN", T), self.labels["LSTM"]: ("LSTM", T, b_f),
                self.labels["GRU"]: ("GRU", T, b_z)}
        missing = [label for label, key in keys.items() if key not in self._cache]
        if missing:
            models = self._models(values)
            for label in missing:
                # every T of these weights from one forward pass
                self._cache[keys[label]] = read_only(self._forward_runs(models[label]).flow(T))
        return {label: self._cache[key] for label, key in keys.items()}

    def _build(self, fig):
        (ax,) = stack_axes(fig, [3.3], left=0.85, top=0.4, right=LEGEND_RIGHT)
        self.flow = plot_flow(self._flows(self.values), ax=ax, colors=self.colors)
        ax.set_title(f"size of dL/dh_t behind the loss, at most {self.budget} parameters each "
                     f"(log scale)", loc="left")
        ax.legend(**LEGEND_OUTSIDE)   # beside the axes: never over a curve
        ax.set_xlim(0, self.controls["T"].max - 1)
        set_decades(ax, YLIM)
        self.ax = ax
        self._freeze_axes(ax, live_y=True)   # its decades reach down with the curves

    def _compute(self, v):
        results = self._flows(v)
        first = next(iter(results.values()))
        d = self._snap(v)
        d.update(lag=first.lag, results=results, bound={},
                 dh={k: shown(r.dh)[0] for k, r in results.items()},
                 overflow=any(r.overflow for r in results.values()),
                 underflow=any(r.underflow for r in results.values()),
                 widths=dict(self.widths),
                 n_params={c: self._n_params(c) for c in CELLS}, ratio={}, log10_ratio={})
        for label, r in results.items():
            with np.errstate(all="ignore"):
                lr = np.log10(r.dh[-1]) - np.log10(r.dh[0])
            d["log10_ratio"][label] = float(lr) if np.isfinite(lr) else None
            d["ratio"][label] = float(r.dh[-1] / r.dh[0]) if r.dh[0] > 0 else 0.0
        return d

    def _draw(self, d):
        """Move the lines; the axes stay fixed unless a curve falls below YLIM, then the
        y-axis reaches down to it."""
        ylim = self.flow.set_results(d["results"])
        ylim = (min(ylim[0], YLIM[0]), YLIM[1])
        if ylim != self.ax.get_ylim():
            set_decades(self.ax, ylim)

    def _n_params(self, cell):
        from ..budget import param_count

        return param_count(cell, 1, self.widths[cell])

    def _note(self, d):
        T = len(d["lag"])
        parts = []
        for cell in CELLS:
            lr = d["log10_ratio"][self.labels[cell]]
            parts.append(f"{cell} {format_ratio(lr)}" if lr is not None
                         else f"{cell} below the float range (0)")
        best = max(CELLS, key=lambda c: d["log10_ratio"][self.labels[c]]
                   if d["log10_ratio"][self.labels[c]] is not None else -np.inf)
        # cells whose printed ratio equals the best one's are named together: a lead that
        # the printed digits cannot show is no lead
        tied = [c for c, p in zip(CELLS, parts) if p.split(" ", 1)[1] ==
                parts[CELLS.index(best)].split(" ", 1)[1]]
        verdict = (f"the {best} carries it furthest" if len(tied) == 1 else
                   f"the {' and the '.join(tied)} carry it equally far at this precision")
        return (f"At lag {T - 1} the gradient is this fraction of its value at the loss: "
                f"{', '.join(parts)}; {verdict}.")

