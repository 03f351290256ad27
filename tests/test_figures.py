"""Figures a learner can read: every explorer over its control grid, and the plot functions.

At every setting of a control grid (each control at its ends and middle, all controls at
their low and at their high ends, and every pair of controls at opposite ends) the
figure is drawn and measured in display coordinates (``rnnlab.figure_checks``): no legend or
text over drawn data, no text cut off by the figure, data inside its axes or marked
off-scale. Each explorer fits a 900 px output area with its labels whole, a value-list
slider cannot be typed into, and a control that does nothing in the current mode is
disabled. The cell types have one look across the course (``rnnlab.style.CELL_STYLE``).
"""
import itertools
import warnings

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import rnnlab as rl  # noqa: E402
from rnnlab.pretrained import timer_rnn  # noqa: E402
from rnnlab.style import CELL_STYLE  # noqa: E402
from rnnlab.widgets import (BifurcationExplorer, BPTTExplorer, CellsFlowExplorer,  # noqa: E402
                            CliffExplorer, GatesExplorer, GateSurfaceExplorer,
                            GradientFlowExplorer, GRUGatesExplorer, LSTMFlowExplorer,
                            RepeatExplorer, StoreRecallExplorer, TimerExplorer,
                            UnrollExplorer)
from rnnlab import figure_checks as fc  # noqa: E402

OUTPUT_AREA = 900   # px: an output area narrower than JupyterLab's, with room to spare

# Each explorer as its chapter builds it.
EXPLORERS = {
    "ch0-unroll": lambda: UnrollExplorer(T=4, t=0),
    "ch1-unroll": lambda: UnrollExplorer(T=12, rng=0),
    "ch1-timer": lambda: TimerExplorer(timer_rnn(), T=40),
    "ch2-bptt": lambda: BPTTExplorer(T=12, rng=0),
    "ch3-repeat": RepeatExplorer,
    "ch3-flow": GradientFlowExplorer,
    "ch3-bifurcation": BifurcationExplorer,
    "ch3-cliff": CliffExplorer,
    "ch4-storecall": StoreRecallExplorer,
    "ch4-gates": GatesExplorer,
    "ch4-flow": LSTMFlowExplorer,
    "ch4-surface": GateSurfaceExplorer,
    "ch5-gates": lambda: GRUGatesExplorer(T=36),
    "ch5-cells": lambda: CellsFlowExplorer(budget=600, rng=0),
}


def ends(control):
    """Low end, middle and high end of a control (a value list's first, middle, last)."""
    if hasattr(control, "options"):
        options = list(control.options)
        return [options[0], options[len(options) // 2], options[-1]]
    mid = (control.min + control.max) / 2
    if isinstance(control.value, int):
        mid = int(mid)
    else:   # on the slider's own grid
        mid = control.min + round((mid - control.min) / control.step) * control.step
        mid = round(min(max(mid, control.min), control.max), 12)
    return [control.min, mid, control.max]


def control_grid(ex):
    """Settings (dicts of changed controls) to draw: each control at its ends and middle,
    all at once at the low and the high ends, every pair at opposite ends."""
    names = list(ex.controls)
    points = {n: ends(ex.controls[n]) for n in names}
    grid = [{}]
    grid += [{n: v} for n in names for v in points[n]]
    grid += [{n: points[n][0] for n in names}, {n: points[n][-1] for n in names}]
    for a, b in itertools.combinations(names, 2):
        grid += [{a: points[a][0], b: points[b][-1]}, {a: points[a][-1], b: points[b][0]}]
    return grid


@pytest.fixture(scope="module", params=list(EXPLORERS))
def explorer(request):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex = EXPLORERS[request.param]()
    ex.name = request.param
    return ex


def test_no_text_over_data_nothing_cut_off_data_on_the_axes(explorer):
    ex, start = explorer, dict(explorer.values)
    found = {}
    try:
        for setting in control_grid(ex):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                ex.update(**{**start, **setting})
            for problem in fc.figure_problems(ex.fig):
                found.setdefault(problem.split(" (")[0], setting)
    finally:
        ex.update(**start)
    assert not found, f"{ex.name}:\n" + "\n".join(
        f"  at {setting}: {problem}" for problem, setting in found.items())


def test_fits_the_output_area_with_whole_labels(explorer):
    width = fc.explorer_width_px(explorer)
    assert width <= OUTPUT_AREA, f"{explorer.name} is {width:.0f} px wide"
    assert not fc.truncated_labels(explorer)
    assert not fc.typed_readouts_ignored(explorer)


def _picture(ex):
    ex.fig.canvas.draw()
    return bytes(np.asarray(ex.fig.canvas.get_renderer().buffer_rgba()))


def _modes(ex):
    """Every combination of the explorer's dropdowns (its modes)."""
    menus = [n for n, c in ex.controls.items() if hasattr(c, "options")
             and not hasattr(c, "readout")]
    return [dict(zip(menus, combo))
            for combo in itertools.product(*(ex.controls[n].options for n in menus))]


def test_a_control_that_does_nothing_is_disabled(explorer):
    """In every mode, a control is disabled exactly when moving it changes nothing."""
    ex, start = explorer, dict(explorer.values)
    wrong = []
    try:
        for mode in _modes(ex):
            ex.update(**{**start, **mode})
            for name, c in ex.controls.items():
                if name in mode:
                    continue
                lo, _, hi = ends(c)
                pictures = []
                for v in (lo, hi):
                    ex.update(**{name: v})
                    pictures.append(_picture(ex))
                ex.update(**{name: start[name]})
                inert = pictures[0] == pictures[1]
                if inert != bool(c.disabled):
                    what = "does nothing but is enabled" if inert else "acts but is disabled"
                    wrong.append(f"{name} in mode {mode}: {what}")
    finally:
        ex.update(**start)
    assert not wrong, f"{ex.name}: " + "; ".join(wrong)


def test_default_view_shows_its_data(explorer):
    """At the default setting a line whose values change is not drawn flat."""
    assert not fc.flat_view(explorer.fig), f"{explorer.name}: {fc.flat_view(explorer.fig)}"


def test_each_cell_type_has_one_look_everywhere():
    """Where an explorer draws RNN, LSTM or GRU curves, they carry the cell's colour."""
    seen = {}
    for name in ("ch4-storecall", "ch4-flow", "ch5-cells"):
        ex = EXPLORERS[name]()
        for ax in ex.fig.axes:
            for line in ax.lines:
                label = line.get_label()
                for cell in ("LSTM", "GRU"):
                    if cell in label:
                        seen.setdefault(cell, set()).add(to_hex(line.get_color()))
                if "RNN" in label or label.startswith("tanh"):
                    seen.setdefault("RNN", set()).add(to_hex(line.get_color()))
    for cell, colours in seen.items():
        assert colours == {CELL_STYLE[cell]["color"].lower()}, (cell, colours)
    assert set(seen) == {"RNN", "LSTM", "GRU"}


def test_plots_draw_each_cell_type_in_its_colour():
    import matplotlib.pyplot as plt

    from rnnlab.plots.study import CELL_COLORS

    assert CELL_COLORS == {cell: st["color"] for cell, st in CELL_STYLE.items()}
    drawing = PLOTS["flow"]()
    try:
        for label, line in drawing["dh"].items():
            assert to_hex(line.get_color()) == CELL_STYLE[label]["color"].lower(), label
    finally:
        plt.close(drawing["fig"])


# -- plot functions ------------------------------------------------------------------------
def _plot_cases():
    from rnnlab.plots import draw_cycle, draw_unrolled, plot_sequence, plot_states
    from rnnlab.plots.cliff import plot_cliff_map, plot_unit_map
    from rnnlab.plots.flow import plot_flow
    from rnnlab.flow import gradient_flow
    from rnnlab.plots.gate_surface import plot_surface, storecall_surface

    rng = np.random.default_rng(0)
    T = 30
    x = rng.standard_normal(T)
    Hs = np.tanh(np.cumsum(rng.standard_normal((T, 4)), axis=0) / 3)
    b_f, b_i = np.linspace(-2, 14, 7), np.linspace(-14, 4, 7)

    def flows():
        return {label: gradient_flow(model, T=60, B=4, rng=0) for label, model in
                (("RNN", rl.RNN(1, 8, 1, rng=0)), ("LSTM", rl.LSTM(1, 8, 1, rng=0)),
                 ("GRU", rl.GRU(1, 8, 1, rng=0)))}

    return {
        "cycle": lambda: draw_cycle(),
        "unrolled": lambda: draw_unrolled(6),
        "unrolled-deep": lambda: draw_unrolled(4, layers=2, bidirectional=True),
        "sequence": lambda: plot_sequence({"x": x, "y": np.tanh(x), "target": x > 0}),
        "states-lines": lambda: plot_states(Hs),
        "states-heatmap": lambda: plot_states(Hs, kind="heatmap"),
        "cliff-map": lambda: plot_cliff_map(),
        "unit-map": lambda: plot_unit_map(5.0, -2.5),
        "flow": lambda: plot_flow(flows()),
        "surface": lambda: plot_surface(b_f, b_i, storecall_surface(b_f, b_i, 20)),
    }


PLOTS = _plot_cases()


@pytest.mark.parametrize("kind", list(PLOTS))
def test_plot_functions_draw_readable_figures(kind):
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        drawing = PLOTS[kind]()
    fig = next(a for a in _artists(drawing) if hasattr(a, "figure")).figure
    try:
        assert not fc.figure_problems(fig), fc.figure_problems(fig)
    finally:
        plt.close(fig)


def _artists(drawing):
    values = drawing.values() if isinstance(drawing, dict) else [drawing]
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from v
        else:
            yield v


def test_show_measures_a_figure_only_when_asked(monkeypatch):
    """``rnnlab.show.show`` raises ``FigureProblems`` for a legend over data when
    ``RNNLAB_CHECK_FIGURES=1`` (as in the test session, so nbval fails such a notebook
    cell), and shows the figure as it is otherwise."""
    import matplotlib.pyplot as plt

    from rnnlab import show as show_module
    from rnnlab.plots import subplots

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a))
    for check in ("1", "0"):
        monkeypatch.setenv("RNNLAB_CHECK_FIGURES", check)
        fig, ax = subplots(figsize=(4, 2))
        x = np.linspace(0, 1, 50)
        ax.plot(x, np.ones_like(x), label="a label long enough to lie over the line")
        ax.set_ylim(0.5, 1.5)
        ax.legend(loc="center", framealpha=1)
        try:
            if check == "1":
                with pytest.raises(fc.FigureProblems, match="covers .* drawn points"):
                    show_module.show(fig, "A flat line under its legend.")
                assert not shown
            else:
                show_module.show(fig, "A flat line under its legend.")
                assert len(shown) == 1
        finally:
            plt.close(fig)
