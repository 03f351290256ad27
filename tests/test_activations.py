"""Activations: correct values, no RuntimeWarning even at |x| = 1e4, derivatives from outputs."""
import warnings
from contextlib import contextmanager

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.activations import (drelu_from_output, dsigmoid_from_output, dtanh_from_output,
                                log_softmax)

BIG = 1e4


@contextmanager
def strict():
    """Turn every RuntimeWarning into an error and make overflow, 0/0 and x/0 raise.

    Underflow stays allowed: exp(-1e4) = 0 is the right value, not a failure.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            yield


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_at_extremes(dtype):
    a = np.array([BIG, -BIG, 0.0, 800.0, -800.0, 50.0, -50.0], dtype=dtype)
    with strict():
        s = rl.sigmoid(a)
    assert s.dtype == dtype
    assert s[0] == 1.0 and s[1] == 0.0 and s[2] == 0.5
    assert s[3] == 1.0 and s[4] == 0.0
    assert np.all((s >= 0) & (s <= 1))
    # far in the left tail sigmoid(a) ~ exp(a): still resolved, not rounded to 0
    np.testing.assert_allclose(s[6], np.exp(dtype(-50.0)), rtol=1e-6)


def test_sigmoid_scalar_and_shapes():
    with strict():
        assert float(rl.sigmoid(-BIG)) == 0.0
        assert rl.sigmoid(np.zeros((2, 3, 4))).shape == (2, 3, 4)
        assert float(rl.sigmoid(0)) == 0.5


def test_sigmoid_matches_the_formula():
    x = np.linspace(-30, 30, 2001)
    with strict():
        s = rl.sigmoid(x)
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-x)), rtol=1e-15, atol=0)
    np.testing.assert_allclose(s + rl.sigmoid(-x), 1.0, rtol=1e-15)  # sigmoid(-x) = 1 - sigmoid(x)


def test_sigmoid_accepts_lists_and_python_scalars():
    np.testing.assert_allclose(rl.sigmoid([0.5, -2.0]), 1 / (1 + np.exp([-0.5, 2.0])), rtol=1e-15)
    s = rl.sigmoid(0.5)
    assert s.dtype == np.float64
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-0.5)), rtol=1e-15)


def test_other_activations_accept_lists():
    np.testing.assert_allclose(rl.softmax([0.0, np.log(3.0)]), [0.25, 0.75], rtol=1e-15)
    np.testing.assert_array_equal(rl.relu([-1.0, 2.0]), [0.0, 2.0])
    np.testing.assert_array_equal(rl.tanh([0.0]), [0.0])


def test_softmax_at_extremes():
    with strict():
        p = rl.softmax(np.array([BIG, -BIG, 0.0]))
        q = rl.softmax(np.array([[BIG, BIG, -BIG], [-BIG, -BIG, -BIG]]))
    np.testing.assert_array_equal(p, [1.0, 0.0, 0.0])
    np.testing.assert_allclose(q, [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-15)


def test_softmax_values_and_axis():
    a = np.random.default_rng(0).standard_normal((3, 4))
    expected = np.exp(a) / np.exp(a).sum(axis=0, keepdims=True)
    np.testing.assert_allclose(rl.softmax(a, axis=0), expected, rtol=1e-14)
    np.testing.assert_allclose(rl.softmax(a + 1000.0).sum(axis=-1), 1.0, rtol=1e-15)


def test_log_softmax_at_extremes():
    with strict():
        lp = log_softmax(np.array([BIG, -BIG, 0.0]))
    np.testing.assert_array_equal(lp, [0.0, -2 * BIG, -BIG])  # finite, no log(0) = -inf
    a = np.random.default_rng(1).standard_normal((2, 5))
    np.testing.assert_allclose(log_softmax(a), np.log(rl.softmax(a)), rtol=1e-13)


def test_tanh_and_relu_values():
    x = np.array([-BIG, -1.0, 0.0, 2.0, BIG])
    with strict():
        np.testing.assert_array_equal(rl.tanh(x), np.tanh(x))
        np.testing.assert_array_equal(rl.relu(x), [0.0, 0.0, 0.0, 2.0, BIG])


@pytest.mark.parametrize("f, df", [(rl.sigmoid, dsigmoid_from_output),
                                   (rl.tanh, dtanh_from_output),
                                   (rl.relu, drelu_from_output)], ids=["sigmoid", "tanh", "relu"])
def test_derivative_from_output_matches_centred_differences(f, df):
    x = np.linspace(-6, 6, 241)
    x = x[np.abs(x) > 1e-3]  # relu has no derivative at 0
    eps = 1e-6
    numeric = (f(x + eps) - f(x - eps)) / (2 * eps)
    np.testing.assert_allclose(df(f(x)), numeric, rtol=1e-7, atol=1e-9)


def test_sigmoid_derivative_bounds():
    s = rl.sigmoid(np.linspace(-20, 20, 401))
    assert dsigmoid_from_output(s).max() == 0.25  # at x = 0: gamma = 1/4, Pascanu et al.'s bound for sigmoid


# -- inside the cells ------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_rnn_step_with_huge_preactivations_is_silent(activation):
    rng = np.random.default_rng(2)
    x, h = rng.standard_normal((3, 2)), rng.standard_normal((3, 4))
    W_xh, W_hh, b_h = (BIG * rng.standard_normal(s) for s in [(2, 4), (4, 4), (4,)])
    with strict():
        h_new, cache = rl.rnn_step_forward(x, h, W_xh, W_hh, b_h, activation)
        g = rl.rnn_step_backward(np.ones_like(h_new), cache)
    assert np.isfinite(h_new).all() and all(np.isfinite(v).all() for v in g)
    if activation == "sigmoid":
        assert set(np.unique(h_new)) <= {0.0, 1.0}  # saturated both ways


def step_args(rng, G, D=2, H=4, with_b_hn=False):
    args = [rng.standard_normal((3, D)), rng.standard_normal((3, H))]
    weights = [BIG * rng.standard_normal(s) for s in [(D, G * H), (H, G * H), (G * H,)]]
    return args, weights + ([BIG * rng.standard_normal(H)] if with_b_hn else [])


def test_lstm_and_gru_steps_with_huge_preactivations_are_silent():
    rng = np.random.default_rng(3)
    with strict():
        (x, h), w = step_args(rng, 4)
        h1, c1, cache = rl.lstm_step_forward(x, h, h.copy(), *w)
        g = rl.lstm_step_backward(np.ones_like(h1), np.ones_like(c1), cache)
        assert all(np.isfinite(v).all() for v in g)
        (x, h), w = step_args(rng, 3, with_b_hn=True)
        h1, cache = rl.gru_step_forward(x, h, *w)
        g = rl.gru_step_backward(np.ones_like(h1), cache)
        assert all(np.isfinite(v).all() for v in g)
        (x, h), w = step_args(rng, 3)
        h1, cache = rl.gru_chung_step_forward(x, h, *w)
        g = rl.gru_chung_step_backward(np.ones_like(h1), cache)
        assert all(v is None or np.isfinite(v).all() for v in g)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("make", [
    lambda dt: rl.RNN(3, 4, 2, activation="sigmoid", rng=4, dtype=dt),
    lambda dt: rl.LSTM(3, 4, 2, rng=5, dtype=dt),
    lambda dt: rl.GRU(3, 4, 2, rng=6, dtype=dt),
    lambda dt: rl.GRU(3, 4, 2, convention="chung", rng=7, dtype=dt),
], ids=["rnn_sigmoid", "lstm", "gru", "gru_chung"])
def test_whole_model_with_weights_scaled_to_1e4_is_silent(make, dtype):
    m = make(dtype)
    for name in m.params:
        if name not in ("W_hy", "b_y"):
            m.params[name] = m.params[name] * (BIG * np.sqrt(m.H))  # entries up to ~1e4
    rng = np.random.default_rng(8)
    X = rng.standard_normal((5, 3, 3))
    with strict():
        res = rl.bptt(m, X, np.zeros((5, 3, 2)))
        res_ce = rl.bptt(m, X, rng.integers(0, 2, (5, 3)), loss="cross_entropy", k=2)
    for r in (res, res_ce):
        assert np.isfinite(r.loss)
        assert all(np.isfinite(r.grads[n]).all() for n in m.params)
        assert np.isfinite(r.dX).all()
    gates = np.abs(m.params[next(iter(m.params))]).max()
    assert gates > 1e3  # the weights really are huge


def test_cross_entropy_with_huge_logits_is_silent():
    Z = np.array([[[BIG, -BIG, 0.0]], [[-BIG, BIG, 0.0]]])  # (T=2, B=1, O=3)
    with strict():
        L, dZ = rl.cross_entropy(Z, np.array([[0], [2]]))
    np.testing.assert_allclose(L, BIG)  # step 0: -log 1 = 0; step 1: -log softmax = 1e4
    np.testing.assert_allclose(dZ[1, 0], [0.0, 1.0, -1.0])
    np.testing.assert_array_equal(dZ[0, 0], [0.0, 0.0, 0.0])
