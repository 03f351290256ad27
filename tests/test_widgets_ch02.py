"""BPTTExplorer and the gradient-flow drawing: every control at both ends and the middle
with warnings as errors, the bars against rl.bptt, in-place redraws."""
import warnings

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlab as rl  # noqa: E402
from rnnlab.plots import draw_unrolled  # noqa: E402
from rnnlab.plots.gradflow import draw_gradient_flow  # noqa: E402
from rnnlab.widgets import BPTTExplorer  # noqa: E402
from rnnlab.widgets.bptt import H_INIT, one_unit_bptt  # noqa: E402

from test_widgets import check_picture, sweep_every_control  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return BPTTExplorer(T=12, rng=0)


def one_unit_model(w_hh):
    m = rl.RNN(1, 1, 1)
    m["W_xh"], m["W_hy"], m["b_h"], m["b_y"], m["W_hh"] = [[1.0]], [[1.0]], [0.0], [0.0], [[w_hh]]
    return m


def test_every_control_at_both_ends_and_middle(explorer):
    sweep_every_control(explorer)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for w in (-2.0, 0.0, 2.0):          # corners: every setting at once
            for loss in ("every step", "last step"):
                explorer.update(w_hh=w, loss=loss, k=1, step=11)
                explorer.fig.canvas.draw()
                check_picture(explorer)
    explorer.update(w_hh=0.9, loss="every step", k=12, step=0)


@pytest.mark.parametrize("loss", ["every step", "last step"])
@pytest.mark.parametrize("w_hh", [-1.3, 0.4, 0.9, 1.7])
def test_bars_add_up_to_the_library_gradient(explorer, w_hh, loss):
    model = one_unit_model(w_hh)
    X, Y = explorer.x.reshape(-1, 1, 1), explorer.target.reshape(-1, 1, 1)
    mask = None if loss == "every step" else np.eye(12)[-1]
    for k in (None, 1, 3, 7):
        res = rl.bptt(model, X, Y, mask=mask, state0=[[H_INIT]], k=k, truncation="window")
        d = explorer.compute(w_hh=w_hh, loss=loss, k=k or 12)
        np.testing.assert_allclose(d["kept"].sum(), res.grads["W_hh"][0, 0], rtol=1e-10,
                                   atol=1e-13)
        if k is None:
            np.testing.assert_allclose(d["dh"], res.dh[:, 0, 0], rtol=1e-10, atol=1e-13)
            assert d["rel_error"] == 0.0


def test_truncation_error_shrinks_as_k_grows(explorer):
    errors = [explorer.compute(k=k, w_hh=0.9, loss="last step")["rel_error"]
              for k in range(1, 13)]
    # not monotone in general (contributions of both signs), but it dies out
    assert errors[-1] == 0.0 and errors[-2] < 0.1 * max(errors)


def test_running_sum_and_reach(explorer):
    d = explorer.compute(w_hh=0.5, step=4)
    assert np.isclose(d["running"][0], d["dW_full"]) and d["swept"] == d["running"][4]
    assert d["reach"] < explorer.compute(w_hh=1.0)["reach"]
    r = one_unit_bptt(explorer.x, explorer.target, 0.5)
    assert np.isclose(d["reach"], abs(np.prod(r["J"][1:])))


def test_compute_leaves_the_live_explorer_alone(explorer):
    before = dict(explorer.values)
    explorer.compute(w_hh=-1.0, k=3)
    assert explorer.values == before


def test_update_redraws_in_place(explorer):
    lines = explorer.flow["lines"]
    bars = list(explorer.kept_bars)
    h0 = [b.get_height() for b in bars]
    explorer.update(w_hh=1.6)
    assert explorer.flow["lines"] is lines and list(explorer.kept_bars) == bars
    assert [b.get_height() for b in bars] != h0
    explorer.update(w_hh=0.9)


def test_note_says_what_truncation_costs(explorer):
    explorer.update(k=4)
    assert "truncated to k = 4" in explorer.note and "relative error" in explorer.note
    explorer.update(k=12, step=5)
    assert "Swept back to step 5" in explorer.note
    explorer.update(step=0)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        BPTTExplorer(T=2)
    with pytest.raises(ValueError):
        BPTTExplorer(T=12).update(k=13)


def test_gradient_flow_drawing():
    g = draw_unrolled(5)
    flow = draw_gradient_flow(g)
    flow.set_values(np.logspace(-4, 0, 5), np.ones(5), upto=2)
    alphas = flow["lines"].get_colors()[:, 3]
    assert (alphas[:2] == 0).all() and (alphas[2:5] > 0).all()
    widths = flow["lines"].get_linewidths()
    assert widths[4] > widths[2]
    flow.set_values(np.zeros(5))              # all zero: hair-thin, no warning
    with pytest.raises(ValueError):
        flow.set_values(np.ones(4))
    with pytest.raises(ValueError):
        draw_gradient_flow(draw_unrolled(3, layers=2))
