"""Gradient checks: analytic BPTT against centred differences in float64.

``rl.gradcheck`` covers every parameter named, the inputs X and the initial state(s)
h_{-1} (and c_{-1}); ``rl.compare_gradients`` checks the step functions one at a time.
An array passes with a relative error below 1e-7, or below the numerical gradient's
rounding noise where that is larger (tests/test_gradcheck_truth.py: no false alarms,
every catalogued bug caught).
"""
import numpy as np
import pytest

import rnnlab as rl

T, B, D, H = 4, 2, 3, 4
TOL = 1e-7


def data(rng, O, loss="mse", T=T, B=B):
    """Inputs X (T, B, D) and a target for ``loss`` (O outputs, or H without an output layer)."""
    rng = np.random.default_rng(rng)
    X = rng.standard_normal((T, B, D))
    K = O or H
    if loss == "cross_entropy":
        return X, rng.integers(0, K, size=(T, B))
    return X, rng.standard_normal((T, B, K))


def random_state0(m, rng, B=B):
    rng = np.random.default_rng(rng)
    return tuple(rng.standard_normal((B, m.H)) for _ in m.state_names)


def assert_ok(report):
    assert report.ok, "\n" + str(report)
    assert all(np.isfinite(e) for e in report.values())


MODELS = {
    "rnn_tanh": lambda O: rl.RNN(D, H, O, activation="tanh", rng=1),
    "rnn_sigmoid": lambda O: rl.RNN(D, H, O, activation="sigmoid", rng=2),
    "lstm": lambda O: rl.LSTM(D, H, O, rng=3),
    "lstm_forget_bias": lambda O: rl.LSTM(D, H, O, forget_bias=1.0, rng=4),
    "gru_pytorch": lambda O: rl.GRU(D, H, O, convention="pytorch", rng=5),
    "gru_chung": lambda O: rl.GRU(D, H, O, convention="chung", rng=6),
}


def fused(m):
    """The fused parameter names (the default checks the per-gate views instead)."""
    return list(m.params.arrays)


def initial_states(m):
    return {f"{s}_{{-1}}" for s in m.state_names}


@pytest.mark.parametrize("O", [None, 2], ids=["no_output", "output"])
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_gradcheck_mse_with_initial_state(kind, O):
    m = MODELS[kind](O)
    X, target = data(10, O)
    report = rl.gradcheck(m, X, target, loss="mse", state0=random_state0(m, 11), names=fused(m))
    assert set(report) == set(fused(m)) | {"X"} | initial_states(m)
    assert_ok(report)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_gradcheck_cross_entropy(kind):
    m = MODELS[kind](3)
    X, labels = data(12, 3, loss="cross_entropy")
    assert_ok(rl.gradcheck(m, X, labels, loss="cross_entropy", names=fused(m)))


def test_gradcheck_cross_entropy_without_output_layer():
    m = rl.LSTM(D, H, rng=7)  # the hidden state itself is the logits
    X, labels = data(13, None, loss="cross_entropy")
    assert_ok(rl.gradcheck(m, X, labels, loss="cross_entropy", names=fused(m)))


def relu_model_away_from_kink(seed):
    """An RNN with ReLU whose pre-activations a_t on the test data all have |a| >= 1e-3."""
    m = rl.RNN(D, H, 2, activation="relu", init="normal", rng=seed)
    X, target = data(seed + 100, 2)
    s0 = random_state0(m, seed + 200)
    tr = m.forward(X, s0)
    h_prev = np.concatenate([s0[0][None], tr.states["h"][:-1]])
    a = X @ m["W_xh"] + h_prev @ m["W_hh"] + m["b_h"]
    return m, X, target, s0, a


def test_gradcheck_relu():
    m, X, target, s0, a = relu_model_away_from_kink(20)
    assert np.abs(a).min() >= 1e-3  # centred differences never straddle the kink at 0
    assert (a > 0).mean() > 0.3     # enough live units for the check to mean something
    assert_ok(rl.gradcheck(m, X, target, state0=s0, names=fused(m)))


MASKS = {
    "all": lambda rng: np.ones((T, B)),
    "last": lambda rng: np.eye(T)[-1],          # (T,): the loss at the last step only
    "subset": lambda rng: (rng.random((T, B)) < 0.5).astype(float),
    "weights": lambda rng: rng.random((T, B)),
}


@pytest.mark.parametrize("mask_kind", sorted(MASKS))
@pytest.mark.parametrize("kind", ["rnn_tanh", "lstm", "gru_pytorch", "gru_chung"])
def test_gradcheck_with_mask(kind, mask_kind):
    mask = MASKS[mask_kind](np.random.default_rng(30))
    m = MODELS[kind](2)
    X, target = data(31, 2)
    s0 = random_state0(m, 32)
    assert_ok(rl.gradcheck(m, X, target, mask=mask, state0=s0, names=fused(m)))
    X, labels = data(33, 2, loss="cross_entropy")
    assert_ok(rl.gradcheck(m, X, labels, loss="cross_entropy", mask=mask, names=fused(m)))


def test_mask_last_step_gives_no_gradient_to_later_outputs():
    m = rl.RNN(D, H, 2, rng=40)
    X, target = data(41, 2)
    res = rl.bptt(m, X, target, mask=np.eye(T)[1])  # loss at step 1 only
    assert np.all(res.dX[2:] == 0) and np.any(res.dX[:2] != 0)


@pytest.mark.parametrize("names", [
    ["W_hf", "b_o"], ["W_xi", "W_hg", "b_f"], ["b_i", "b_g"],
])
def test_gradcheck_per_gate_names_lstm(names):
    m = rl.LSTM(D, H, 2, forget_bias=1.0, rng=50)
    X, target = data(51, 2)
    report = rl.gradcheck(m, X, target, state0=random_state0(m, 52), names=names)
    assert set(names) <= set(report)
    assert_ok(report)


@pytest.mark.parametrize("convention", ["pytorch", "chung"])
def test_gradcheck_per_gate_names_gru(convention):
    m = rl.GRU(D, H, 2, convention=convention, rng=53)
    X, target = data(54, 2)
    names = ["W_hr", "W_xz", "W_hn", "b_n", "b_r", "W_hy", "b_y"]
    names += ["b_hn"] if convention == "pytorch" else []
    assert_ok(rl.gradcheck(m, X, target, state0=random_state0(m, 55), names=names))


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_gradcheck_names_each_entry_once(kind):
    """By default every entry is checked once, under the per-gate names where a model
    has gates (never a fused array beside its own slices), and the initial state is h_{-1}."""
    m = MODELS[kind](2)
    X, target = data(56, 2)
    report = rl.gradcheck(m, X, target)
    views = set(m.params.layout)
    whole = set(m.params.arrays) - ({"W_x", "W_h", "b"} if views else set())
    assert set(report) == views | whole | {"X"} | initial_states(m)
    assert sum(m.params[n].size for n in views | whole) == m.n_params
    assert not {"h0", "c0"} & set(report)
    assert_ok(report)


def test_gradcheck_fused_names():
    m = rl.GRU(2, 2, 1, rng=56)
    X, target = np.random.default_rng(57).standard_normal((3, 2, 2)), np.zeros((3, 2, 1))
    report = rl.gradcheck(m, X, target, names="fused")
    assert set(report) == {"W_x", "W_h", "b", "b_hn", "W_hy", "b_y", "X", "h_{-1}"}
    assert_ok(report)
    assert set(rl.gradcheck(m, X, target, names="W_hz")) == {"W_hz", "X", "h_{-1}"}


def test_gradcheck_report_wording():
    m = rl.LSTM(D, H, 1, rng=58)
    X, target = data(59, 1, T=3)
    text = str(rl.gradcheck(m, X, target))
    lines = text.splitlines()
    assert lines[0].split() == ["name", "rel.", "error", "allowed"]
    assert lines[-1] == "all gradients agree"
    assert "h_{-1}" in text and "c_{-1}" in text and "DISAGREES" not in text


def test_gradcheck_detects_a_wrong_gradient():
    m = rl.RNN(D, H, rng=60)
    X, target = data(61, None)

    def broken_mse(Y, target, mask):
        L, dY = rl.mse(Y, target, mask)
        return L, 1.01 * dY  # a 1% error in dL/dY

    report = rl.gradcheck(m, X, target, loss=broken_mse, names=["W_hh"])
    assert not report.ok and "W_hh" in report.failed


@pytest.mark.parametrize("T1, B1", [(1, 1), (1, 3), (5, 1)])
def test_gradcheck_small_sizes(T1, B1):
    m = rl.LSTM(D, H, 1, rng=62)
    X, target = data(63, 1, T=T1, B=B1)
    assert_ok(rl.gradcheck(m, X, target, state0=random_state0(m, 64, B=B1), names=fused(m)))


# -- step functions one at a time, loss = sum(G * h) (+ sum(G_c * c) for the LSTM) -----------

def step_inputs(rng, gates, with_b_hn=False):
    rng = np.random.default_rng(rng)
    arrays = {"x": rng.standard_normal((B, D)), "h_prev": rng.standard_normal((B, H)),
              "W_x": rng.standard_normal((D, gates * H)) * 0.6,
              "W_h": rng.standard_normal((H, gates * H)) * 0.6,
              "b": rng.standard_normal(gates * H) * 0.5}
    if with_b_hn:
        arrays["b_hn"] = rng.standard_normal(H) * 0.5
    return arrays, rng.standard_normal((B, H)), rng


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_rnn_step_gradients(activation):
    a, G, rng = step_inputs(70, 1)
    a = {"x": a["x"], "h_prev": a["h_prev"], "W_xh": a["W_x"], "W_hh": a["W_h"], "b_h": a["b"]}
    pre = a["x"] @ a["W_xh"] + a["h_prev"] @ a["W_hh"] + a["b_h"]
    assert np.abs(pre).min() > 1e-3  # away from relu's kink

    def f():
        return np.sum(G * rl.rnn_step_forward(**a, activation=activation)[0])

    h, cache = rl.rnn_step_forward(**a, activation=activation)
    g = rl.rnn_step_backward(G, cache)
    analytic = {"x": g.dx, "h_prev": g.dh_prev, "W_xh": g.dW_xh, "W_hh": g.dW_hh, "b_h": g.db_h}
    assert_ok(rl.compare_gradients(f, a, analytic))


def test_lstm_step_gradients():
    a, G, rng = step_inputs(71, 4)
    a["c_prev"] = rng.standard_normal((B, H))
    G_c = rng.standard_normal((B, H))
    order = ("x", "h_prev", "c_prev", "W_x", "W_h", "b")

    def f():
        h, c, _ = rl.lstm_step_forward(*(a[k] for k in order))
        return np.sum(G * h) + np.sum(G_c * c)

    _, _, cache = rl.lstm_step_forward(*(a[k] for k in order))
    g = rl.lstm_step_backward(G, G_c, cache)
    analytic = {"x": g.dx, "h_prev": g.dh_prev, "c_prev": g.dc_prev, "W_x": g.dW_x,
                "W_h": g.dW_h, "b": g.db}
    assert_ok(rl.compare_gradients(f, a, analytic))


def test_gru_step_gradients():
    a, G, _ = step_inputs(72, 3, with_b_hn=True)
    order = ("x", "h_prev", "W_x", "W_h", "b", "b_hn")

    def f():
        return np.sum(G * rl.gru_step_forward(*(a[k] for k in order))[0])

    _, cache = rl.gru_step_forward(*(a[k] for k in order))
    g = rl.gru_step_backward(G, cache)
    analytic = {"x": g.dx, "h_prev": g.dh_prev, "W_x": g.dW_x, "W_h": g.dW_h, "b": g.db,
                "b_hn": g.db_hn}
    assert_ok(rl.compare_gradients(f, a, analytic))


def test_gru_chung_step_gradients():
    a, G, _ = step_inputs(73, 3)
    order = ("x", "h_prev", "W_x", "W_h", "b")

    def f():
        return np.sum(G * rl.gru_chung_step_forward(*(a[k] for k in order))[0])

    _, cache = rl.gru_chung_step_forward(*(a[k] for k in order))
    g = rl.gru_chung_step_backward(G, cache)
    assert g.db_hn is None
    analytic = {"x": g.dx, "h_prev": g.dh_prev, "W_x": g.dW_x, "W_h": g.dW_h, "b": g.db}
    assert_ok(rl.compare_gradients(f, a, analytic))


def test_compare_gradients_marks_a_gradient_below_the_noise():
    """f depends on v 1e-12 times as much as on w: v's gradient (1e-12) is far below the
    rounding noise of the differences (~1e-9), so its wrong sign cannot be seen; the
    report says so instead of calling it ok."""
    w, v = np.array([1.0, 2.0]), np.array([0.5])
    report = rl.compare_gradients(lambda: np.sum(w ** 2) + 1e-12 * np.sum(v),
                                  {"w": w, "v": v}, {"w": 2 * w, "v": np.array([-1e-12])})
    assert report.ok and report.below_noise == ["v"]
    assert report.limits["v"] >= 1 and report.limits["w"] == report.tol
    assert str(report).splitlines()[-1] == \
        "all gradients agree (below the noise, not checked: v)"
    assert report.noise >= np.finfo(float).eps / 2 * 5 / 1e-6  # at least u |f| / eps


def test_compare_gradients_flags_missing_and_wrong():
    w = np.array([1.0, 2.0])
    report = rl.compare_gradients(lambda: np.sum(w ** 2), {"w": w, "v": w}, {"w": 2 * w + 0.1})
    assert report["v"] == float("inf")
    assert set(report.failed) == {"w", "v"}
    assert "DISAGREES" in str(report)
