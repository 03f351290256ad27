"""Backpropagation through time: full BPTT rebuilt by hand from the step functions, and
truncated BPTT (both modes) checked against full BPTT on pieces of the sequence.

Truncation is checkable because a chunk with its carried-in state held constant is just a
shorter sequence with that state as its initial state.
"""
import warnings

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.overflow import ExplosionWarning

T, B, D, H, O = 7, 2, 3, 4, 2
KINDS = ["rnn_tanh", "rnn_relu", "lstm", "gru_pytorch", "gru_chung"]


def make(kind, O=O, seed=0):
    if kind.startswith("rnn"):
        return rl.RNN(D, H, O, activation=kind[4:], init="normal", rng=seed)
    if kind == "lstm":
        return rl.LSTM(D, H, O, forget_bias=0.5, rng=seed)
    return rl.GRU(D, H, O, convention=kind[4:], rng=seed)


def problem(kind, seed=1, O=O):
    """A model, inputs, targets and a non-zero initial state."""
    m = make(kind, O, seed)
    rng = np.random.default_rng(seed + 100)
    X = rng.standard_normal((T, B, D))
    target = rng.standard_normal((T, B, O or H))
    s0 = tuple(rng.standard_normal((B, H)) for _ in m.state_names)
    return m, X, target, s0


def states_before(m, X, s0):
    """The state entering each step t, i.e. (h_{t-1}, c_{t-1}), from a full forward pass."""
    tr = m.forward(X, s0)
    return [s0] + [tuple(tr.states[n][t] for n in m.state_names) for t in range(len(X) - 1)]


# -- one step through the public step functions: (new state, cache) and its backward -------

def step_forward(kind, m, x, state):
    p = m.params
    if kind.startswith("rnn"):
        h, cache = rl.rnn_step_forward(x, state[0], p["W_xh"], p["W_hh"], p["b_h"], kind[4:])
        return (h,), cache
    if kind == "lstm":
        h, c, cache = rl.lstm_step_forward(x, state[0], state[1], p["W_x"], p["W_h"], p["b"])
        return (h, c), cache
    if kind == "gru_pytorch":
        h, cache = rl.gru_step_forward(x, state[0], p["W_x"], p["W_h"], p["b"], p["b_hn"])
        return (h,), cache
    h, cache = rl.gru_chung_step_forward(x, state[0], p["W_x"], p["W_h"], p["b"])
    return (h,), cache


def step_backward(kind, dstate, cache):
    """Returns (dx, dstate_prev, {fused parameter name: this step's contribution})."""
    if kind.startswith("rnn"):
        g = rl.rnn_step_backward(dstate[0], cache)
        return g.dx, (g.dh_prev,), {"W_xh": g.dW_xh, "W_hh": g.dW_hh, "b_h": g.db_h}
    if kind == "lstm":
        g = rl.lstm_step_backward(dstate[0], dstate[1], cache)
        return g.dx, (g.dh_prev, g.dc_prev), {"W_x": g.dW_x, "W_h": g.dW_h, "b": g.db}
    if kind == "gru_pytorch":
        g = rl.gru_step_backward(dstate[0], cache)
        extra = {"b_hn": g.db_hn}
    else:
        g = rl.gru_chung_step_backward(dstate[0], cache)
        extra = {}
    return g.dx, (g.dh_prev,), {"W_x": g.dW_x, "W_h": g.dW_h, "b": g.db, **extra}


def output_grads(m, Y_states, dY):
    """dL/dh_t from the outputs alone, and the output layer's gradients."""
    if m.O is None:
        return dY, {}
    dH = dY @ m["W_hy"].T
    return dH, {"W_hy": np.einsum("tbh,tbo->ho", Y_states, dY), "b_y": dY.sum(axis=(0, 1))}


def manual_bptt(kind, m, X, target, s0, mask=None):
    """Full BPTT written out: forward with the step functions, then back, summing per step."""
    state, caches, hs = s0, [], []
    for x in X:
        state, cache = step_forward(kind, m, x, state)
        caches.append(cache)
        hs.append(state[0])
    hs = np.array(hs)
    Y = hs @ m["W_hy"] + m["b_y"] if m.O is not None else hs
    L, dY = rl.mse(Y, target, mask)
    dH_out, grads = output_grads(m, hs, dY)
    dnext = tuple(np.zeros_like(s) for s in s0)
    dX, dh = np.zeros_like(X), np.zeros_like(hs)
    contributions = []
    for t in range(len(X) - 1, -1, -1):
        dstate = (dH_out[t] + dnext[0],) + dnext[1:]
        dh[t] = dstate[0]
        dX[t], dnext, contrib = step_backward(kind, dstate, caches[t])
        contributions.append(contrib)
    for name in contributions[0]:
        grads[name] = sum(c[name] for c in contributions)
    return dict(L=L, grads=grads, dX=dX, dstate0=dnext, dh=dh, Y=Y, contributions=contributions)


def assert_same(res, ref, atol=1e-12):
    np.testing.assert_allclose(res.loss, ref.loss, rtol=1e-12)
    for name in res.grads:
        np.testing.assert_allclose(res.grads[name], ref.grads[name], atol=atol, err_msg=name)
    np.testing.assert_allclose(res.dX, ref.dX, atol=atol)
    np.testing.assert_allclose(res.dh, ref.dh, atol=atol)
    for a, b in zip(res.dstate0, ref.dstate0, strict=True):
        np.testing.assert_allclose(a, b, atol=atol)
    if ref.dc is None:
        assert res.dc is None
    else:
        np.testing.assert_allclose(res.dc, ref.dc, atol=atol)


@pytest.mark.parametrize("kind", KINDS)
def test_full_bptt_is_the_sum_of_per_step_contributions(kind):
    m, X, target, s0 = problem(kind)
    res = rl.bptt(m, X, target, state0=s0)
    ref = manual_bptt(kind, m, X, target, s0)
    np.testing.assert_allclose(res.trace.Y, ref["Y"], rtol=1e-13, atol=1e-14)
    assert set(res.grads) == set(ref["grads"])
    for name, g in ref["grads"].items():
        np.testing.assert_allclose(res.grads[name], g, rtol=1e-11, atol=1e-13, err_msg=name)
    np.testing.assert_allclose(res.dX, ref["dX"], rtol=1e-11, atol=1e-13)
    for a, b in zip(res.dstate0, ref["dstate0"], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(res.dh, ref["dh"], rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("kind", KINDS)
def test_shared_weight_gradient_is_not_one_steps_contribution(kind):
    m, X, target, s0 = problem(kind, seed=2)
    res = rl.bptt(m, X, target, state0=s0)
    W = "W_hh" if kind.startswith("rnn") else "W_h"
    per_step = [c[W] for c in manual_bptt(kind, m, X, target, s0)["contributions"]]
    assert sum(np.abs(c).sum() > 0 for c in per_step) >= T - 1  # several steps contribute
    np.testing.assert_allclose(res.grads[W], sum(per_step), rtol=1e-11, atol=1e-13)
    assert not np.allclose(res.grads[W], per_step[0])  # ... and the last one alone is not it


@pytest.mark.parametrize("truncation", ["chunk", "window"])
@pytest.mark.parametrize("k", [T, T + 3])
@pytest.mark.parametrize("kind", KINDS)
def test_truncation_with_k_at_least_T_is_full_bptt(kind, k, truncation):
    m, X, target, s0 = problem(kind, seed=3)
    full = rl.bptt(m, X, target, state0=s0)
    assert_same(rl.bptt(m, X, target, state0=s0, k=k, truncation=truncation), full)


def add_at(total, part, start):
    total[start:start + len(part)] += part


@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("kind", KINDS)
def test_chunk_truncation_is_the_sum_of_full_bptt_over_chunks(kind, k):
    m, X, target, s0 = problem(kind, seed=4)
    res = rl.bptt(m, X, target, state0=s0, k=k, truncation="chunk")
    before = states_before(m, X, s0)
    grads = m.params.zeros_like()
    dX, dh = np.zeros_like(X), np.zeros((T, B, H))
    dc = np.zeros((T, B, H))
    L = 0.0
    for start in range(0, T, k):  # chunks [0, k), [k, 2k), ...; the last may be shorter
        piece = rl.bptt(m, X[start:start + k], target[start:start + k], state0=before[start])
        L += piece.loss
        for name in grads:
            grads[name] += piece.grads[name]
        add_at(dX, piece.dX, start)
        add_at(dh, piece.dh, start)
        if piece.dc is not None:
            add_at(dc, piece.dc, start)
        if start == 0:
            dstate0 = piece.dstate0
    np.testing.assert_allclose(res.loss, L, rtol=1e-12)
    for name in grads:
        np.testing.assert_allclose(res.grads[name], grads[name], atol=1e-12, err_msg=name)
    np.testing.assert_allclose(res.dX, dX, atol=1e-12)
    np.testing.assert_allclose(res.dh, dh, atol=1e-12)
    if kind == "lstm":
        np.testing.assert_allclose(res.dc, dc, atol=1e-12)
    for a, b in zip(res.dstate0, dstate0, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12)
    if k < T:  # the check has teeth: truncation really dropped something
        full = rl.bptt(m, X, target, state0=s0)
        assert not np.allclose(full.dX[0], res.dX[0])


@pytest.mark.parametrize("k", [1, 2, 4])
@pytest.mark.parametrize("kind", KINDS)
def test_window_truncation_is_the_sum_of_k_step_windows(kind, k):
    """Window mode: the loss at step t reaches steps t-k+1 .. t, with the state entering the
    window held constant. k = 1 is the sum over t of the one-step gradients."""
    m, X, target, s0 = problem(kind, seed=5)
    res = rl.bptt(m, X, target, state0=s0, k=k, truncation="window")
    before = states_before(m, X, s0)
    grads = m.params.zeros_like()
    dX, dh = np.zeros_like(X), np.zeros((T, B, H))
    dstate0 = [np.zeros((B, H)) for _ in m.state_names]
    for t in range(T):
        start = max(t - k + 1, 0)
        only_last = np.zeros(t + 1 - start)
        only_last[-1] = 1.0
        piece = rl.bptt(m, X[start:t + 1], target[start:t + 1], mask=only_last,
                        state0=before[start])
        for name in grads:
            grads[name] += piece.grads[name]
        add_at(dX, piece.dX, start)
        add_at(dh, piece.dh, start)
        if start == 0:
            dstate0 = [a + b for a, b in zip(dstate0, piece.dstate0)]
    for name in grads:
        np.testing.assert_allclose(res.grads[name], grads[name], atol=1e-12, err_msg=name)
    np.testing.assert_allclose(res.dX, dX, atol=1e-12)
    np.testing.assert_allclose(res.dh, dh, atol=1e-12)
    for a, b in zip(res.dstate0, dstate0, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_window_k1_equals_chunk_k1(kind):
    m, X, target, s0 = problem(kind, seed=6)
    assert_same(rl.bptt(m, X, target, state0=s0, k=1, truncation="window"),
                rl.bptt(m, X, target, state0=s0, k=1, truncation="chunk"))


@pytest.mark.parametrize("O_", [None, O], ids=["no_output", "output"])
@pytest.mark.parametrize("kind", KINDS)
def test_dh_at_the_last_step_comes_from_the_output_alone(kind, O_):
    m, X, target, s0 = problem(kind, seed=7, O=O_)
    res = rl.bptt(m, X, target, state0=s0)
    Y = res.trace.Y
    dY_last = 2.0 / (B * (O_ or H)) * (Y[-1] - target[-1])  # d/dY of mse at step T-1
    expected = dY_last @ m["W_hy"].T if O_ else dY_last
    np.testing.assert_allclose(res.dh[-1], expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", KINDS)
def test_dh_with_loss_at_the_end_chains_step_backwards(kind):
    m, X, target, s0 = problem(kind, seed=8)
    last = np.zeros(T)
    last[-1] = 1.0
    res = rl.bptt(m, X, target, mask=last, state0=s0)
    before = states_before(m, X, s0)
    caches = [step_forward(kind, m, X[t], before[t])[1] for t in range(T)]
    L, dY = rl.mse(res.trace.Y, target, last)
    dstate = (dY[-1] @ m["W_hy"].T,) + tuple(np.zeros((B, H)) for _ in m.state_names[1:])
    norms = []
    for t in range(T - 1, -1, -1):
        np.testing.assert_allclose(res.dh[t], dstate[0], rtol=1e-11, atol=1e-14)
        norms.append(np.linalg.norm(dstate[0]))
        _, dstate, _ = step_backward(kind, dstate, caches[t])
    np.testing.assert_allclose(np.linalg.norm(res.dh, axis=(1, 2)), norms[::-1], rtol=1e-11)
    assert len(set(np.round(norms, 12))) > 1  # the gradient changes as it flows back


@pytest.mark.parametrize("kind", KINDS)
def test_dc_only_for_the_lstm(kind):
    m, X, target, s0 = problem(kind, seed=9)
    res = rl.bptt(m, X, target, state0=s0)
    assert res.dh.shape == (T, B, H)
    assert len(res.dstate0) == len(m.state_names)
    if kind == "lstm":
        assert res.dc.shape == (T, B, H) and np.abs(res.dc).sum() > 0
    else:
        assert res.dc is None


@pytest.mark.parametrize("kind", KINDS)
def test_backward_given_dY_matches_bptt(kind):
    m, X, target, s0 = problem(kind, seed=10)
    res = rl.bptt(m, X, target, state0=s0)
    _, dY = rl.mse(res.trace.Y, target)
    grads, dX, dstate0, dh, dc = rl.backward(m, m.forward(X, s0), dY)
    for name in grads:
        np.testing.assert_array_equal(grads[name], res.grads[name])
    np.testing.assert_array_equal(dX, res.dX)
    np.testing.assert_array_equal(dh, res.dh)


def test_bptt_does_not_change_the_model_or_inputs():
    m, X, target, s0 = problem("lstm", seed=11)
    params, X0, s00 = m.params.copy(), X.copy(), tuple(s.copy() for s in s0)
    rl.bptt(m, X, target, state0=s0, k=2)
    for name in m.params:
        np.testing.assert_array_equal(m.params[name], params[name])
    np.testing.assert_array_equal(X, X0)
    for a, b in zip(s0, s00):
        np.testing.assert_array_equal(a, b)


def test_callable_loss():
    m, X, target, s0 = problem("gru_pytorch", seed=12)

    def half_mse(Y, target, mask):
        L, dY = rl.mse(Y, target, mask)
        return 0.5 * L, 0.5 * dY

    a = rl.bptt(m, X, target, loss=half_mse, state0=s0)
    b = rl.bptt(m, X, target, state0=s0)
    np.testing.assert_allclose(a.loss, 0.5 * b.loss)
    np.testing.assert_allclose(a.grads["W_h"], 0.5 * b.grads["W_h"], rtol=1e-12)


def loss_with_c_shifted(m, X, target, s0, mask, t, delta):
    """The loss when c_t is replaced by c_t + delta (h_t = o_t tanh(c_t) recomputed from it)."""
    p, (h, c), hs = m.params, s0, []
    for s, x in enumerate(X):
        o = rl.sigmoid(x @ m["W_xo"] + h @ m["W_ho"] + m["b_o"])
        h, c, _ = rl.lstm_step_forward(x, h, c, p["W_x"], p["W_h"], p["b"])
        if s == t:
            c = c + delta
            h = o * np.tanh(c)
        hs.append(h)
    return rl.mse(np.array(hs) @ m["W_hy"] + m["b_y"], target, mask)[0]


@pytest.mark.parametrize("mask", [None, np.eye(T)[-1]], ids=["all_steps", "last_step"])
def test_lstm_dc_is_the_total_gradient_of_c(mask):
    """dc[t] = dL/dc_t, everything that reaches c_t (as dh[t] is for h_t), by differences."""
    m, X, target, s0 = problem("lstm", seed=13)
    res = rl.bptt(m, X, target, mask=mask, state0=s0)
    eps = 1e-6
    for t in (T - 1, 2, 0):
        numeric = np.zeros((B, H))
        for j in np.ndindex(B, H):
            e = np.zeros((B, H))
            e[j] = eps
            numeric[j] = (loss_with_c_shifted(m, X, target, s0, mask, t, e)
                          - loss_with_c_shifted(m, X, target, s0, mask, t, -e)) / (2 * eps)
        assert np.abs(numeric).max() > 1e-3
        np.testing.assert_allclose(res.dc[t], numeric, rtol=1e-6, atol=1e-9, err_msg=f"t={t}")


# -- exploding runs: a readable result and one warning in words ----------------------------

def exploding(T_long, x_scale, dtype=np.float64):
    """A relu RNN that is linear on positive inputs with W_hh = 4 I: h_t and dL/dh_t grow
    like 4^t, so the forward pass (x_scale 1) or only the gradient (x_scale 1e-250)
    passes the largest float."""
    m = rl.RNN(D, H, O, activation="relu", rng=0, dtype=dtype)
    m["W_hh"], m["b_h"], m["W_xh"] = 4 * np.eye(H), 0.0, np.abs(m["W_xh"])
    X = np.abs(np.random.default_rng(3).standard_normal((T_long, B, D))) * x_scale
    return m, X, np.zeros((T_long, B, O))


def only_warnings(call):
    """(result, every warning ``call`` issued), each warning recorded, none filtered."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, caught


def bad_rows(a):
    return np.flatnonzero(~np.isfinite(a.reshape(len(a), -1)).all(axis=1))


def test_exploding_gradient_is_one_worded_warning_and_a_readable_result():
    m, X, target = exploding(500, 1e-250)
    res, caught = only_warnings(lambda: rl.bptt(m, X, target))
    assert np.isfinite(res.trace.states["h"]).all()        # the forward pass is fine ...
    t = bad_rows(res.dh)[-1]                               # ... the backward walk overflows
    assert 0 < t < len(X) - 1 and np.isfinite(res.dh[t + 1]).all()
    assert [w.category for w in caught] == [ExplosionWarning], [str(w.message) for w in caught]
    msg = str(caught[0].message)
    assert f"the gradient overflowed float64 (it exploded past 1.8e+308) at step t = {t}" in msg
    assert f"dL/dh_{t} is not finite" in msg and "dW_hh" in msg and "clip" in msg
    assert np.isfinite(res.loss) and res.loss > 1e50       # the loss is readable: huge
    # inf, and NaN where inf meets 0 in a product: not finite, and no exception
    assert not np.isfinite(res.grads["W_hh"]).any() and np.isfinite(res.grads["W_hy"]).all()


@pytest.mark.parametrize("dtype, limit", [(np.float64, "float64 (it exploded past 1.8e+308)"),
                                          (np.float32, "float32 (it exploded past 3.4e+38)")])
def test_exploding_relu_forward_is_one_worded_warning(dtype, limit):
    m, X, target = exploding(600, 1.0, dtype)
    trace, caught = only_warnings(lambda: m.forward(X))
    t = bad_rows(trace.states["h"])[0]
    assert t > 0 and np.isfinite(trace.states["h"][t - 1]).all()
    assert [w.category for w in caught] == [ExplosionWarning], [str(w.message) for w in caught]
    assert f"the forward pass overflowed {limit} at step t = {t}: h_{t}" in str(caught[0].message)
    res, caught = only_warnings(lambda: rl.bptt(m, X, target))   # one warning, not two
    assert [w.category for w in caught] == [ExplosionWarning]
    assert f"the forward pass overflowed {limit} at step t = {t}" in str(caught[0].message)
    assert not np.isfinite(res.loss) and not np.isfinite(res.grads["W_hh"]).all()


def test_backward_alone_reports_the_exploding_gradient():
    m, X, target = exploding(500, 1e-250)
    trace = m.forward(X)
    _, caught = only_warnings(lambda: rl.backward(m, trace, np.full_like(trace.Y, 1e50)))
    assert len(caught) == 1 and "the gradient overflowed" in str(caught[0].message)


def test_explosion_follows_the_callers_errstate():
    m, X, target = exploding(500, 1e-250)
    with np.errstate(over="ignore"):                        # e.g. the training loop
        _, caught = only_warnings(lambda: rl.bptt(m, X, target))
    assert caught == []
    with np.errstate(over="raise"), pytest.raises(FloatingPointError,
                                                  match="the gradient overflowed float64"):
        rl.bptt(m, X, target)


def test_a_run_that_does_not_explode_warns_nothing():
    m, X, target, s0 = problem("rnn_relu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = rl.bptt(m, X, target, state0=s0, k=3, truncation="window")
    assert np.isfinite(res.loss) and all(np.isfinite(g).all() for g in res.grads.values())
