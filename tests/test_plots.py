"""Tests of rnnlab.style and rnnlab.plots: what each plot function draws and returns."""
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlab import plots  # noqa: E402
from rnnlab.style import COLORS, OKABE_ITO, rc, rnnlab_style, tint  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def count(graph, role):
    return len(graph.edges(role))


def veiled(graph, key):
    """Whether a node (or weight label) is greyed out: its veil is opaque enough to see."""
    i = graph.overlay_keys.index(key)
    return graph.veils.get_facecolors()[i][3] > 0.5


def framed(graph, key):
    i = graph.overlay_keys.index(key)
    return graph.focus.get_edgecolors()[i][3] > 0.5


# ------------------------------------------------------------------- no import side effects

def test_import_rnnlab_does_not_import_matplotlib():
    code = ("import rnnlab, rnnlab.style, sys; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; "
            "assert 'ipywidgets' not in sys.modules, 'ipywidgets imported'")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_style_context_restores_rcparams():
    before = dict(matplotlib.rcParams)
    with rnnlab_style():
        assert matplotlib.rcParams["font.size"] == rc["font.size"]
    assert dict(matplotlib.rcParams) == before


def test_plots_look_the_same_whatever_the_global_style():
    with matplotlib.rc_context({"axes.labelsize": 30, "axes.grid": False}):
        d = plots.plot_sequence({"input x": np.zeros(5)})
    assert d.ax.xaxis.label.get_fontsize() == rc["axes.labelsize"]
    assert all(line.get_visible() for line in d.ax.get_xgridlines())


def test_palette_roles_are_okabe_ito_and_distinct():
    roles = ["input", "hidden", "output", "target", "gradient", "highlight"]
    assert {COLORS[r] for r in roles} <= set(OKABE_ITO.values())
    assert len({COLORS[r] for r in roles}) == len(roles)


def test_tint():
    assert tint("#000000", 0.0) == (1.0, 1.0, 1.0)
    assert tint("#000000", 1.0) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        tint("#000000", 2.0)


# ------------------------------------------------------------------- draw_cycle

def test_draw_cycle_draws_x_h_y_and_three_weights_on_given_axes():
    fig, ax = plt.subplots()
    d = plots.draw_cycle(ax=ax)
    assert d.ax is ax and d.fig is fig
    assert set(d.boxes) == {"x", "h", "y"} and set(d.arrows) == {"W_xh", "W_hh", "W_hy"}
    assert all(p.axes is ax for p in [*d.boxes.values(), *d.arrows.values()])
    texts = {t.get_text() for t in ax.texts}
    assert {"$W_{xh}$", "$W_{hh}$", "$W_{hy}$"} <= texts
    # the recurrence is drawn in the hidden state's colour, its label beside h's box
    assert matplotlib.colors.same_color(d.arrows["W_hh"].get_edgecolor(), COLORS["hidden"])
    x, y = d.weight_labels["W_hh"].get_position()
    box = d.boxes["h"].get_bbox()
    assert x > box.x1 and box.y0 < y < box.y1


# ------------------------------------------------------------------- draw_unrolled

@pytest.mark.parametrize("arrangement, T, n_x, n_y", [
    ("one-to-one", 1, 1, 1),
    ("one-to-many", 5, 1, 5),
    ("many-to-one", 5, 5, 1),
    ("many-to-many", 5, 5, 5),
    ("encoder-decoder", 6, 3, 3),
])
def test_arrangements_draw_the_right_inputs_and_outputs(arrangement, T, n_x, n_y):
    g = plots.draw_unrolled(T, arrangement=arrangement)
    xs = [k for k in g.boxes if k[0] == "x"]
    ys = [k for k in g.boxes if k[0] == "y"]
    assert (len(xs), len(ys)) == (n_x, n_y)
    assert len(g.boxes) == n_x + T + n_y
    assert count(g, "input") == n_x and count(g, "output") == n_y
    assert count(g, "recurrent") == T - 1
    if arrangement == "encoder-decoder":   # inputs first, outputs after
        assert max(k[1] for k in xs) < min(k[1] for k in ys)


@pytest.mark.parametrize("layers, bidirectional", [(1, False), (3, False), (1, True), (2, True)])
def test_layers_and_directions_multiply_the_chains(layers, bidirectional):
    T, dirs = 4, 2 if bidirectional else 1
    g = plots.draw_unrolled(T, layers=layers, bidirectional=bidirectional)
    hidden = [k for k in g.boxes if k[0] == "h"]
    assert len(hidden) == T * layers * dirs
    assert len(g.boxes) == T + T * layers * dirs + T
    assert count(g, "recurrent") == layers * dirs * (T - 1)
    assert count(g, "initial") == layers * dirs
    # every chain's first step receives its initial state; inputs reach every chain
    assert count(g, "input") == T * layers * dirs
    assert len(g.dots) == (T * layers if bidirectional else 0)
    assert count(g, "merge") == (2 * T * layers if bidirectional else 0)
    if bidirectional:   # the backward chain runs right to left
        for e in g.edges("recurrent"):
            if e.src[2] == "b":
                assert e.dst[3] == e.src[3] - 1


def test_weight_labels_on_every_copy_make_sharing_visible():
    T = 6
    g = plots.draw_unrolled(T)
    texts = [t.get_text() for t in g.weight_labels.values()]
    assert texts.count("$W_{hh}$") == T - 1
    assert texts.count("$W_{xh}$") == T and texts.count("$W_{hy}$") == T
    assert plots.draw_unrolled(T, show_weights=False).weight_labels == {}


def test_draws_on_the_given_axes_only():
    fig, (a, b) = plt.subplots(1, 2)
    g = plots.draw_unrolled(3, ax=b)
    assert g.ax is b and not a.patches and not a.texts
    assert all(p.axes is b for p in g.boxes.values())


def test_highlight_marks_the_step_and_what_feeds_it():
    T, t = 6, 3
    g = plots.draw_unrolled(T, highlight=t)
    for s in range(T):
        assert framed(g, ("h", 0, "f", s)) == (s == t)
        # x_s and h_s feed y_t for s <= t; later steps do not
        assert veiled(g, ("x", s)) == (s > t)
        assert veiled(g, ("h", 0, "f", s)) == (s > t)
        # an earlier output does not feed y_t
        assert veiled(g, ("y", s)) == (s != t)
    g.set_highlight(None)
    assert not any(veiled(g, k) for k in g.boxes)


def test_bidirectional_highlight_includes_the_future_of_the_backward_chain():
    g = plots.draw_unrolled(5, bidirectional=True, highlight=1)
    assert not veiled(g, ("h", 0, "b", 4))   # h_b at step 4 flows back to step 1
    assert veiled(g, ("h", 0, "f", 4))       # h_f at step 4 does not
    assert not veiled(g, ("x", 4))


def test_edge_values_set_widths_in_order():
    values = np.array([1e-4, 1e-2, 0.3, 1.0])
    for scale in ("linear", "log"):
        g = plots.draw_unrolled(5, edge_values=values, edge_scale=scale)
        widths = [g.arrows[(e.src, e.dst)].get_linewidth() for e in g.edges("recurrent")]
        assert np.all(np.diff(widths) >= 0) and widths[-1] > widths[0]
    g.set_edge_values(None)
    widths = {g.arrows[(e.src, e.dst)].get_linewidth() for e in g.edges("recurrent")}
    assert len(widths) == 1


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(T=5, arrangement="many-to-few"), ValueError, "one-to-many"),
    (dict(T=0), ValueError, "positive integer"),
    (dict(T=3, arrangement="one-to-one"), ValueError, "T must be 1"),
    (dict(T=1, arrangement="encoder-decoder"), ValueError, "T >= 2"),
    (dict(T=4, highlight=4), ValueError, r"0\.\.3"),
    (dict(T=4, layers=0), ValueError, "layers"),
    (dict(T=4, bidirectional="yes"), TypeError, "True or False"),
    (dict(T=4, ax="left"), TypeError, "Axes"),
    (dict(T=4, edge_values=[1.0, 2.0]), ValueError, r"\(T-1,\) = \(3,\)"),
    (dict(T=4, edge_values=[1.0, np.nan, 2.0]), ValueError, "finite"),
    (dict(T=4, edge_scale="cubic"), ValueError, "'linear' or 'log'"),
])
def test_draw_unrolled_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.draw_unrolled(**kwargs)


def test_drawing_repr_is_one_short_line():
    text = repr(plots.draw_unrolled(4))
    assert "\n" not in text and len(text) < 200 and text.startswith("<UnrolledGraph")


# ------------------------------------------------------------------- time series

def test_plot_sequence_draws_each_series_and_greys_after_upto():
    T, t = 8, 3
    x, y = np.arange(T) * 1.0, np.linspace(0, 1, T)
    fig, ax = plt.subplots()
    d = plots.plot_sequence({"input x": x, "target y*": y}, ax=ax, upto=t)
    assert d.ax is ax and set(d.lines) == {"input x", "target y*"}
    # inputs are held a full step wide: one point half a step out on either side
    np.testing.assert_array_equal(d.lines["input x"].get_ydata(), x[[0, *range(t + 1), t]])
    np.testing.assert_array_equal(d.lines["input x"].get_xdata(), [-0.5, 0, 1, 2, 3, 3.5])
    np.testing.assert_array_equal(d.rest["target y*"].get_ydata(), y[[0, *range(T), T - 1]])
    assert d.lines["input x"].get_color() == COLORS["input"]
    assert d.lines["target y*"].get_linestyle() == "--"
    assert d.now.get_xdata()[0] == t
    assert ax.get_xlabel() and ax.get_ylabel()


@pytest.mark.parametrize("series, match", [
    ({}, "non-empty dict"),
    ({"a": np.zeros(3), "b": np.zeros(4)}, "same length"),
    ({"a": np.zeros((3, 2))}, r"shape \(T\)"),
    ({"a": [0.0, np.inf]}, "finite"),
])
def test_plot_sequence_rejects_bad_series(series, match):
    with pytest.raises((TypeError, ValueError), match=match):
        plots.plot_sequence(series)


def test_plot_sequence_rejects_bad_steps_and_upto():
    with pytest.raises(ValueError, match=r"\(T,\) = \(3,\)"):
        plots.plot_sequence({"a": np.zeros(3)}, steps=np.arange(4))
    with pytest.raises(ValueError, match=r"0\.\.2"):
        plots.plot_sequence({"a": np.zeros(3)}, upto=3)


def test_plot_states_lines_one_per_unit():
    Hs = np.tanh(np.random.default_rng(0).standard_normal((10, 3)))
    d = plots.plot_states(Hs, bounds=(-1, 1))
    assert len(d.lines) == 3
    for j, line in d.lines.items():
        np.testing.assert_array_equal(line.get_ydata(), Hs[:, j])
    assert d.ax.get_ylabel() and d.ax.get_xlabel()


def test_plot_states_heatmap_shows_units_by_steps():
    Hs = np.random.default_rng(1).standard_normal((12, 5))
    fig, ax = plt.subplots()
    d = plots.plot_states(Hs, ax=ax, kind="heatmap")
    np.testing.assert_array_equal(d.image.get_array(), Hs.T)
    lo, hi = d.image.get_clim()
    assert lo == -hi == -np.abs(Hs).max()
    assert d.colorbar is not None and d.ax is ax


def test_plot_states_rejects_bad_input():
    with pytest.raises(ValueError, match="'lines' or 'heatmap'"):
        plots.plot_states(np.zeros((3, 2)), kind="bars")
    with pytest.raises(ValueError, match=r"\(T, H\)"):
        plots.plot_states(np.zeros(3))


def test_role_of_reads_labels():
    assert plots.role_of("input x") == "input"
    assert plots.role_of("$y^*$ target") is None or plots.role_of("target y*") == "target"
    assert plots.role_of("target y*") == "target"
    assert plots.role_of("output y") == "output"
    assert plots.role_of("loss") is None


def test_subplots_has_the_course_look():
    with matplotlib.rc_context({"axes.grid": False}):
        fig, axes = plots.subplots(1, 2)
    assert len(axes) == 2 and fig.get_figwidth() == 8.0
    assert all(line.get_visible() for line in axes[0].get_xgridlines())


def test_inputs_and_targets_are_held_a_full_step_wide():
    from rnnlab.plots.series import held
    xs, ys = held(np.arange(4), [1.0, 0.0, 0.0, 2.0])
    np.testing.assert_array_equal(xs, [-0.5, 0, 1, 2, 3, 3.5])
    np.testing.assert_array_equal(ys, [1, 1, 0, 0, 2, 2])
    d = plots.plot_sequence({"u1 (go)": np.eye(5)[0], "output y": np.zeros(5)})
    assert d.lines["u1 (go)"].get_drawstyle() == "steps-mid"
    assert d.lines["output y"].get_drawstyle() == "default"   # outputs stay points and lines
    lo, _ = d.ax.get_xlim()
    assert lo <= -0.5                                          # the step-0 pulse is all shown


@pytest.mark.parametrize("T", [3, 5, 8])
def test_weight_labels_fit_between_the_boxes(T):
    g = plots.draw_unrolled(T)
    g.fig.canvas.draw()
    renderer = g.fig.canvas.get_renderer()
    boxes = [b.get_window_extent(renderer) for b in g.boxes.values()]
    for text in g.weight_labels.values():
        assert text.get_fontsize() >= 0.78 * g.labels[("x", 0)].get_fontsize()
        box = text.get_window_extent(renderer).shrunk(0.97, 0.97)
        assert not any(box.overlaps(b) for b in boxes), text.get_text()
