"""Tests of rnnlab.flow (gradient flow), rnnlab.plots.flow and the GradientFlowExplorer."""
import warnings

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlab as rl  # noqa: E402
from rnnlab.flow import FlowResult, gradient_flow, jacobian_bound, safe_norm  # noqa: E402
from rnnlab.plots.flow import CEIL, FLOOR, plot_flow, shown  # noqa: E402
from rnnlab.widgets.flow import GradientFlowExplorer, format_ratio, side  # noqa: E402


def rnn(scale, activation="tanh", init="orthogonal", H=8):
    m = rl.RNN(1, H, activation=activation, init=init, rng=0)
    m["W_hh"] = m["W_hh"] * scale
    return m


def test_safe_norm_has_no_overflow_or_underflow():
    assert safe_norm(np.array([3e200, 4e200])) == pytest.approx(5e200)
    assert safe_norm(np.array([3e-200, 4e-200])) == pytest.approx(5e-200)
    assert safe_norm(np.zeros(3)) == 0.0
    assert safe_norm(np.array([1.0, np.inf])) == np.inf
    assert safe_norm(np.array([1.0, np.nan])) == np.inf
    rows = safe_norm(np.array([[3.0, 4.0], [0.0, 0.0]]), axis=1)
    np.testing.assert_allclose(rows, [5.0, 0.0])


def test_flow_matches_bptt_by_hand():
    """dh ordered by lag is ||dL/dh_t|| of rnnlab.bptt with the loss at the last step."""
    m = rnn(1.0, H=5)
    r = gradient_flow(m, 12, rng=3, B=2)
    rng = np.random.default_rng(3)
    X = rng.standard_normal((12, 2, 1))
    target = rng.standard_normal((12, 2, 5))
    mask = np.zeros((12, 2))
    mask[-1] = 1
    res = rl.bptt(m, X, target, mask=mask)
    expect = np.linalg.norm(res.dh.reshape(12, -1), axis=1)[::-1]
    np.testing.assert_allclose(r.dh, expect, rtol=1e-12)
    np.testing.assert_array_equal(r.lag, np.arange(12))
    assert r.dc is None and not r.overflow and not r.underflow
    assert isinstance(r, FlowResult)


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu"])
def test_bound_of_pascanu_holds(act):
    """||dh at lag l|| <= (gamma sigma_max)^l ||dh at lag 0|| (loss at the last step)."""
    for scale in (0.5, 1.0, 2.0):
        m = rnn(scale, act, init="normal")
        r = gradient_flow(m, 30, rng=1)
        gamma, sigma, _ = jacobian_bound(m["W_hh"], act)
        bound = r.dh[0] * (gamma * sigma) ** r.lag
        assert np.all(r.dh <= bound * (1 + 1e-9) + 1e-300)


def test_vanishing_and_exploding_directions():
    small = gradient_flow(rnn(0.5), 40)
    assert small.dh[-1] < 1e-10 * small.dh[0]
    big = gradient_flow(rnn(3.0, "relu", init="identity"), 40)
    assert big.dh[-1] > 1e10 * big.dh[0]


def test_overflow_and_underflow_are_reported_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        over = gradient_flow(rnn(12.0, "relu", init="identity"), 300)
        under = gradient_flow(rnn(0.05, "sigmoid"), 300)
    assert over.overflow and np.isinf(over.dh).any()
    assert under.underflow and (under.dh == 0).any() and not under.overflow


def test_lstm_and_gru_and_loss_everywhere():
    r = gradient_flow(rl.LSTM(2, 6, rng=0), 15, B=3, loss_at="all")
    assert r.dc.shape == (15,) and np.all(np.isfinite(r.dc)) and np.all(r.dc > 0)
    g = gradient_flow(rl.GRU(2, 6, O=1, rng=0), 15)
    assert g.dc is None and g.dh.shape == (15,)
    with pytest.raises(ValueError, match="loss_at"):
        gradient_flow(rl.GRU(2, 6, rng=0), 5, loss_at="first")


def test_jacobian_bound_numbers():
    gamma, sigma, rho = jacobian_bound(np.diag([2.0, 0.5]), "sigmoid")
    assert (gamma, sigma, rho) == (0.25, pytest.approx(2.0), pytest.approx(2.0))
    gamma, sigma, rho = jacobian_bound(np.array([[0.0, 4.0], [0.0, 0.0]]), "tanh")
    assert sigma == pytest.approx(4.0) and rho == 0.0
    with pytest.raises(ValueError, match="activation"):
        jacobian_bound(np.eye(2), "softplus")


def test_plot_flow_draws_every_label_and_clips():
    res = {"small": gradient_flow(rnn(0.05, "sigmoid"), 300),
           "lstm": gradient_flow(rl.LSTM(1, 4, rng=0), 300),
           "big": gradient_flow(rnn(12.0, "relu", init="identity"), 300)}
    bound = {"small": np.full(300, 0.5)}
    d = plot_flow(res, boundary=bound)
    assert set(d.dh) == set(res) and set(d.dc) == {"lstm"} and set(d.bound) == {"small"}
    for line in d.ax.lines:
        y = np.asarray(line.get_ydata())
        assert np.all((y >= FLOOR) & (y <= CEIL))
    assert len(d.clipped.get_offsets()) > 0   # the 0s and infs are marked
    lo, hi = d.ax.get_ylim()
    assert lo <= FLOOR * 10 and hi >= CEIL / 10
    y, clipped = shown([0.0, 1.0, np.inf, np.nan])
    np.testing.assert_array_equal(clipped, [True, False, True, True])
    with pytest.raises(ValueError):
        plot_flow({})
    matplotlib.pyplot.close("all")


def test_side_and_ratio_words():
    assert side(1.0 + 1e-13) == 0 and side(0.9) == -1 and side(1.1) == 1
    assert format_ratio(-10.5) == "3e-11" and format_ratio(0.0) == "1"
    assert format_ratio(-400.0) == "1e-400"


def sweep_points(control):
    if hasattr(control, "options"):
        options = list(control.options)
        return [options[0], options[len(options) // 2], options[-1]]
    mid = control.min + (control.max - control.min) // 2
    return [control.min, mid, control.max]


@pytest.fixture(scope="module")
def explorer():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return GradientFlowExplorer()


def test_explorer_sweeps_every_control(explorer):
    """Every control at both ends and the middle, under every activation and init."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for activation, init in (("tanh", "orthogonal"), ("sigmoid", "random"),
                                 ("relu", "identity")):
            explorer.update(activation=activation, init=init, scale=1.0, T=100)
            for name, control in explorer.controls.items():
                for value in sweep_points(control):
                    d = explorer.update(**{name: value})
                    for key in ("dh", "bound"):
                        for arr in d[key].values():
                            assert np.all(np.isfinite(arr))
                    assert isinstance(explorer.note, str) and len(explorer.note) > 30
                    assert "nan" not in explorer.note.lower()
            explorer.update(scale=12.0, T=300)
            assert explorer.to_png()[:4] == b"\x89PNG"
    explorer.update(scale=1.0, activation="tanh", init="orthogonal", T=100)


def test_explorer_names_the_extremes(explorer):
    d = explorer.compute(scale=12.0, activation="relu", init="identity", T=300)
    assert d["overflow"]
    explorer.update(scale=12.0, activation="relu", init="identity", T=300)
    assert "overflow" in explorer.note
    explorer.update(scale=0.05, activation="sigmoid", init="orthogonal", T=300)
    assert "underflows to exactly 0" in explorer.note and "must vanish" in explorer.note
    explorer.update(scale=0.5, activation="tanh", T=60)
    assert "At lag 59 the gradient is" in explorer.note
    explorer.update(scale=1.0, activation="tanh", init="orthogonal", T=100)
    assert "on the boundary" in explorer.note


def test_compute_leaves_the_explorer_alone(explorer):
    before = dict(explorer.values)
    d = explorer.compute(scale=2.0)
    assert d["scale"] == 2.0 and explorer.values == before
    assert d["sigma_max"] == pytest.approx(2.0)   # orthogonal W_hh times 2


def test_subclass_with_other_models():
    class Two(GradientFlowExplorer):
        jacobian_panel = False

        def _make_controls(self):
            import ipywidgets as W
            return {"T": W.IntSlider(value=20, min=10, max=40, step=10, description="T")}

        def _models(self, values):
            return {"RNN": rnn(1.0), "LSTM": rl.LSTM(1, 8, rng=0)}

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex = Two()
        ex.update(T=40)
    assert set(ex.data["dh"]) == {"RNN", "LSTM"} and "gamma" in ex.data
    assert ex.data["lag"].shape == (40,)


def test_kept_flows_are_fresh_flows_and_reused_only_for_equal_weights(monkeypatch):
    """A model's flow is computed once per (weights, T): moving the forget bias leaves the
    RNN's flow as it was, and every kept result equals a fresh ``gradient_flow``."""
    import rnnlab.widgets.flow as widget_flow
    from rnnlab.widgets import LSTMFlowExplorer

    calls = []

    class Counted(widget_flow.FlowRuns):
        def flow(self, T):
            calls.append(type(self.model).__name__)
            return super().flow(T)
    monkeypatch.setattr(widget_flow, "FlowRuns", Counted)
    ex = LSTMFlowExplorer(H=6, T=30)
    calls.clear()
    for b in (3.0, 0.0, 3.0):
        d = ex.update(forget_bias=b)
        models = ex._models(ex.values)
        for label, m in models.items():
            fresh = gradient_flow(m, 30, rng=0)
            np.testing.assert_array_equal(d["results"][label].dh, fresh.dh)
        np.testing.assert_array_equal(d["dc"], shown(gradient_flow(models["LSTM"], 30).dc)[0])
    assert calls == ["LSTM", "LSTM"]          # forget bias 3 and 0; the RNN and 3 again kept
    ex.update(scale=0.5)
    assert calls[2:] == ["LSTM", "RNN"]       # the scale changes both networks


@pytest.mark.parametrize("make", [lambda: rl.LSTM(1, 5, forget_bias=2.0, rng=1),
                                  lambda: rnn(12.0, "relu", init="identity", H=5),
                                  lambda: rl.GRU(1, 4, rng=2), lambda: rl.RNN(1, 4, O=2, rng=0),
                                  lambda: rl.RNN(2, 4, rng=0)])
def test_flow_runs_give_gradient_flow_to_the_last_bit(make):
    """One forward pass for every T: shorter, longer (a new pass of ``longest`` steps) and
    repeated lengths all equal ``gradient_flow``, overflow and dc included; a model with
    two inputs falls back to ``gradient_flow`` itself."""
    from rnnlab.flow import FlowRuns

    model = make()
    runs = FlowRuns(model, rng=3, longest=90)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for T in (40, 10, 60, 90, 1, 60):
            got, want = runs.flow(T), gradient_flow(model, T, rng=3)
            assert not runs.shared or len(runs.trace.X) == (40 if T in (40, 10) else 90)
            for a, b in zip(got, want):
                if b is None:
                    assert a is None
                else:
                    np.testing.assert_array_equal(a, b)
    assert runs.shared == (model.D == 1)    # 40 steps first, then 90 for every later T
    with pytest.raises(ValueError, match="T"):
        runs.flow(0)
