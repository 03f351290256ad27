"""Named parameters: per-gate views alias the fused arrays, gate order, gradient names."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.activations import sigmoid

D, H, O, T, B = 3, 4, 2, 5, 2
BIG = 50.0  # a bias this large saturates a gate: sigmoid(+50) = 1, sigmoid(-50) ~ 2e-22


def inputs(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, B, D)), tuple(rng.standard_normal((B, H)) for _ in range(2))


def test_names_list_everything():
    assert rl.RNN(D, H).params.names() == ["W_xh", "W_hh", "b_h"]
    assert rl.RNN(D, H, O).params.names() == ["W_xh", "W_hh", "b_h", "W_hy", "b_y"]
    lstm = rl.LSTM(D, H, O).params.names()
    assert lstm[:5] == ["W_x", "W_h", "b", "W_hy", "b_y"]
    assert set(lstm[5:]) == {f"{p}{g}" for p in ("W_x", "W_h", "b_") for g in "ifgo"}
    gru = rl.GRU(D, H).params.names()
    assert gru[:4] == ["W_x", "W_h", "b", "b_hn"]
    assert set(gru[4:]) == {f"{p}{g}" for p in ("W_x", "W_h", "b_") for g in "rzn"}
    chung = rl.GRU(D, H, convention="chung").params.names()
    assert "b_hn" not in chung and set(chung) == set(gru) - {"b_hn"}
    for m in (rl.RNN(D, H, O), rl.LSTM(D, H, O), rl.GRU(D, H, O)):
        assert all(name in m.params for name in m.params.names())
        assert list(m.params) == list(m.params.arrays)  # iteration: the fused arrays only


def test_n_params():
    assert rl.RNN(D, H, O).n_params == D * H + H * H + H + H * O + O
    assert rl.LSTM(D, H).n_params == 4 * (D * H + H * H + H)  # PyTorch's has 4H more: 2 biases
    assert rl.GRU(D, H).n_params == 3 * (D * H + H * H + H) + H  # b_hn stays apart
    assert rl.GRU(D, H, convention="chung").n_params == 3 * (D * H + H * H + H)


def test_fused_shapes():
    p = rl.LSTM(D, H, O).params
    assert (p["W_x"].shape, p["W_h"].shape, p["b"].shape) == ((D, 4 * H), (H, 4 * H), (4 * H,))
    assert (p["W_hy"].shape, p["b_y"].shape) == ((H, O), (O,))
    for g in "ifgo":
        assert (p[f"W_x{g}"].shape, p[f"W_h{g}"].shape, p[f"b_{g}"].shape) == ((D, H), (H, H), (H,))


@pytest.mark.parametrize("cls, gates", [(rl.LSTM, "ifgo"), (rl.GRU, "rzn")])
def test_gate_views_alias_the_fused_arrays(cls, gates):
    m = cls(D, H, rng=0)
    for k, g in enumerate(gates):
        cols = slice(k * H, (k + 1) * H)
        value = np.full((H, H), float(k + 1))
        m[f"W_h{g}"] = value                                   # write through the model ...
        np.testing.assert_array_equal(m.params["W_h"][:, cols], value)
        m.params[f"b_{g}"][:] = -(k + 1)                       # ... or into the view itself
        np.testing.assert_array_equal(m.params["b"][cols], -(k + 1))
        assert np.shares_memory(m[f"W_x{g}"], m.params["W_x"])
    m.params["W_x"][0, H:2 * H] = 7.0                          # and back: fused -> view
    assert m[f"W_x{gates[1]}"][0, 0] == 7.0


def test_writes_keep_the_array_identity():
    m = rl.RNN(D, H, rng=0)
    W = m.params["W_hh"]
    m["W_hh"] = np.eye(H)
    assert m.params["W_hh"] is W
    np.testing.assert_array_equal(W, np.eye(H))
    m["b_h"] = 0.5  # a scalar fills the array
    np.testing.assert_array_equal(m["b_h"], np.full(H, 0.5))


def test_written_weights_change_the_forward_pass():
    m = rl.LSTM(D, H, rng=0)
    X, (h0, c0) = inputs()
    before = m(X, (h0, c0))
    m["W_hf"] = m["W_hf"] * 2
    assert not np.allclose(m(X, (h0, c0)), before)


def lstm_reference(m, X, h0, c0):
    """The LSTM equations written with the named gate views."""
    h, c, hs, cs = h0, c0, [], []
    for x in X:
        def a(g):
            return x @ m[f"W_x{g}"] + h @ m[f"W_h{g}"] + m[f"b_{g}"]
        i, f, g, o = sigmoid(a("i")), sigmoid(a("f")), np.tanh(a("g")), sigmoid(a("o"))
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
    return np.array(hs), np.array(cs)


def test_lstm_named_gates_follow_the_equations():
    m = rl.LSTM(D, H, forget_bias=1.0, rng=1)
    X, s0 = inputs(1)
    tr = m.forward(X, s0)
    hs, cs = lstm_reference(m, X, *s0)
    np.testing.assert_allclose(tr.states["h"], hs, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(tr.states["c"], cs, rtol=1e-13, atol=1e-15)


def test_lstm_forget_bias_lands_in_the_forget_gate():
    a, b = rl.LSTM(D, H, rng=2), rl.LSTM(D, H, forget_bias=1.0, rng=2)
    np.testing.assert_allclose(b["b_f"] - a["b_f"], 1.0)
    for g in "igo":
        np.testing.assert_array_equal(b[f"b_{g}"], a[f"b_{g}"])


def test_lstm_input_bias_lands_in_the_input_gate_only():
    a = rl.LSTM(D, H, rng=2)
    b = rl.LSTM(D, H, forget_bias=3.0, input_bias=-3.0, rng=2)
    assert (a.input_bias, b.input_bias, b.forget_bias) == (0.0, -3.0, 3.0)
    np.testing.assert_allclose(b["b_i"] - a["b_i"], -3.0)
    np.testing.assert_allclose(b["b_f"] - a["b_f"], 3.0)
    for g in "go":
        np.testing.assert_array_equal(b[f"b_{g}"], a[f"b_{g}"])
    for name in ("W_x", "W_h"):
        np.testing.assert_array_equal(b[name], a[name])


@pytest.mark.parametrize("settings, check", [
    # forget closed, input open, candidate saturated at +1: c_t = 1 at every step
    ({"b_f": -BIG, "b_i": BIG, "b_g": BIG}, lambda c0, hs, cs: np.allclose(cs, 1.0)),
    # forget open, input closed: the cell keeps its initial value
    ({"b_f": BIG, "b_i": -BIG}, lambda c0, hs, cs: np.allclose(cs, c0[None], atol=1e-12)),
    # output closed: nothing is read out, h_t = 0
    ({"b_o": -BIG}, lambda c0, hs, cs: np.allclose(hs, 0.0, atol=1e-12)),
    # output open: h_t = tanh(c_t)
    ({"b_o": BIG}, lambda c0, hs, cs: np.allclose(hs, np.tanh(cs), atol=1e-12)),
], ids=["f_closed_i_open_g_one", "f_open_i_closed", "o_closed", "o_open"])
def test_lstm_gate_order_i_f_g_o(settings, check):
    m = rl.LSTM(D, H, rng=3)
    for name, value in settings.items():
        m[name] = value
    X, (h0, c0) = inputs(3)
    tr = m.forward(X, (h0, c0))
    assert check(c0, tr.states["h"], tr.states["c"])


def test_gru_gate_order_r_z_n_pytorch():
    m = rl.GRU(D, H, rng=4)
    X, (h0, _) = inputs(4)
    m["b_z"] = BIG                                     # z = 1: h_t = h_{t-1}, the state holds
    np.testing.assert_allclose(m(X, h0), np.broadcast_to(h0, (T, B, H)), atol=1e-12)
    m["b_z"], m["b_r"] = -BIG, -BIG                    # z = 0, r = 0: h_t = tanh(x W_xn + b_n)
    np.testing.assert_allclose(m(X, h0), np.tanh(X @ m["W_xn"] + m["b_n"]), atol=1e-12)
    m["b_r"] = BIG                                     # r = 1: n_t sees h_{t-1} W_hn + b_hn
    h1 = np.tanh(X[0] @ m["W_xn"] + m["b_n"] + h0 @ m["W_hn"] + m["b_hn"])
    np.testing.assert_allclose(m(X, h0)[0], h1, atol=1e-12)


def test_gru_gate_order_r_z_n_chung():
    m = rl.GRU(D, H, convention="chung", rng=5)
    X, (h0, _) = inputs(5)
    m["b_z"] = -BIG                                    # z_Chung = 0: h_t = h_{t-1}
    np.testing.assert_allclose(m(X, h0), np.broadcast_to(h0, (T, B, H)), atol=1e-12)
    m["b_z"], m["b_r"] = BIG, -BIG                     # z = 1, r = 0: h_t = tanh(x W_xn + b_n)
    np.testing.assert_allclose(m(X, h0), np.tanh(X @ m["W_xn"] + m["b_n"]), atol=1e-12)
    m["b_r"] = BIG                                     # r = 1: n_t = tanh(x W_xn + h W_hn + b_n)
    h1 = np.tanh(X[0] @ m["W_xn"] + h0 @ m["W_hn"] + m["b_n"])
    np.testing.assert_allclose(m(X, h0)[0], h1, atol=1e-12)


def test_gru_conventions_agree_after_z_to_1_minus_z():
    """Chung's z is 1 - PyTorch's z; with b_hn = 0 and r = 1 the two cells coincide."""
    pt, ch = rl.GRU(D, H, rng=6), rl.GRU(D, H, convention="chung", rng=7)
    for name in ("W_x", "W_h", "b"):
        ch[name] = pt[name]
    pt["b_hn"], pt["b_r"], ch["b_r"] = 0.0, BIG, BIG
    # 1 - sigmoid(a) = sigmoid(-a): negating z's weights turns z into 1 - z
    ch["W_xz"], ch["W_hz"], ch["b_z"] = -pt["W_xz"], -pt["W_hz"], -pt["b_z"]
    X, (h0, _) = inputs(6)
    np.testing.assert_allclose(ch(X, h0), pt(X, h0), rtol=1e-12, atol=1e-14)


def test_gradient_names():
    m = rl.LSTM(D, H, O, rng=8)
    X, s0 = inputs(8)
    grads = rl.bptt(m, X, np.zeros((T, B, O)), state0=s0).grads
    assert grads.names() == m.params.names()
    for name in m.params.names():
        assert grads[f"d{name}"] is grads[name] or np.shares_memory(grads[f"d{name}"], grads[name])
        np.testing.assert_array_equal(grads[f"d{name}"], grads[name])
        assert grads[name].shape == m.params[name].shape
    np.testing.assert_array_equal(grads["dW_hf"], grads["W_h"][:, H:2 * H])
    assert "dW_hh" not in grads and "dW_h" in grads


def test_rnn_gradient_names():
    m = rl.RNN(D, H, rng=9)
    X, s0 = inputs(9)
    grads = rl.bptt(m, X, np.zeros((T, B, H)), state0=s0[:1]).grads
    np.testing.assert_array_equal(grads["dW_hh"], grads["W_hh"])
    assert np.abs(grads["dW_hh"]).sum() > 0


def test_zeros_like_and_copy_are_independent():
    p = rl.GRU(D, H, rng=10).params
    z, c = p.zeros_like(), p.copy()
    assert z.names() == p.names() and c.names() == p.names()
    assert all(not z[n].any() for n in z)
    c["W_hr"] = 3.0
    assert not np.any(p["W_hr"] == 3.0)
    np.testing.assert_array_equal(c["W_h"][:, :H], 3.0)  # the copy's views follow the copy
