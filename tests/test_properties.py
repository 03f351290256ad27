"""Properties over random sizes, seeds, cells and dtypes (hypothesis)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlab as rl

CELLS = ["rnn_tanh", "rnn_sigmoid", "lstm", "gru_pytorch", "gru_chung"]
FUSED_W = {"rnn": ["W_xh", "W_hh"], "lstm": ["W_x", "W_h"], "gru": ["W_x", "W_h"]}


def make(cell, D, H, O, seed, dtype):
    if cell.startswith("rnn"):
        return rl.RNN(D, H, O, activation=cell[4:], rng=seed, dtype=dtype)
    if cell == "lstm":
        return rl.LSTM(D, H, O, rng=seed, dtype=dtype)
    return rl.GRU(D, H, O, convention=cell[4:], rng=seed, dtype=dtype)


@st.composite
def problems(draw, dtypes=(np.float32, np.float64)):
    T, B = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    D, H = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    O = draw(st.one_of(st.none(), st.integers(1, 3)))
    cell = draw(st.sampled_from(CELLS))
    dtype = draw(st.sampled_from(dtypes))
    seed = draw(st.integers(0, 2**16))
    m = make(cell, D, H, O, seed, dtype)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((T, B, D))
    s0 = tuple(rng.standard_normal((B, H)) for _ in m.state_names)
    target = rng.standard_normal((T, B, O or H))
    return cell, m, X, s0, target, rng


SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)  # same examples every run


@SETTINGS
@given(problems())
def test_forward_shapes_dtypes_and_finite(p):
    cell, m, X, s0, target, _ = p
    T, B, _ = X.shape
    tr = m.forward(X, s0)
    assert tr.Y.shape == (T, B, m.O or m.H)
    assert set(tr.states) == set(m.state_names)
    for s in tr.states.values():
        assert s.shape == (T, B, m.H) and s.dtype == m.dtype
    assert tr.Y.dtype == m.dtype
    assert np.isfinite(tr.Y).all()
    # tanh, sigmoid and o * tanh(c) lie in [-1, 1]; a GRU mixes n with h_{t-1}, so its
    # states stay within the larger of 1 and the initial state's largest entry
    bound = max(1.0, np.abs(s0[0]).max()) if cell.startswith("gru") else 1.0
    assert np.all(np.abs(tr.states["h"]) <= bound * (1 + 1e-6))
    for name in m.params:
        assert m.params[name].dtype == m.dtype


@SETTINGS
@given(problems())
def test_bptt_shapes_dtypes_and_finite(p):
    cell, m, X, s0, target, rng = p
    T, B, D = X.shape
    res = rl.bptt(m, X, target, state0=s0, k=int(rng.integers(1, T + 1)))
    assert np.isfinite(res.loss) and res.loss >= 0
    for name in m.params:
        g = res.grads[name]
        assert g.shape == m.params[name].shape and g.dtype == m.dtype
        assert np.isfinite(g).all()
    assert res.dX.shape == (T, B, D) and res.dX.dtype == m.dtype
    assert res.dh.shape == (T, B, m.H) and res.dh.dtype == m.dtype
    assert len(res.dstate0) == len(m.state_names)
    for ds in res.dstate0:
        assert ds.shape == (B, m.H) and ds.dtype == m.dtype
    assert (res.dc is not None) == (cell == "lstm")


@SETTINGS
@given(problems(dtypes=(np.float64,)))
def test_float32_follows_float64(p):
    cell, m64, X, s0, target, _ = p
    m32 = make(cell, m64.D, m64.H, m64.O, 0, np.float32)
    for name in m64.params:
        m32.params[name] = m64.params[name]
    Y32, Y64 = m32(X, s0), m64(X, s0)
    assert Y32.dtype == np.float32
    np.testing.assert_allclose(Y32, Y64, rtol=1e-4, atol=1e-5)
    g32 = rl.bptt(m32, X, target, state0=s0).grads
    g64 = rl.bptt(m64, X, target, state0=s0).grads
    for name in m64.params:
        scale = np.abs(g64[name]).max() + 1e-3
        np.testing.assert_allclose(g32[name], g64[name], atol=1e-4 * scale, err_msg=name)


@SETTINGS
@given(problems(dtypes=(np.float64,)), st.data())
def test_gradcheck_passes(p, data):
    cell, m, X, s0, target, _ = p
    names = [data.draw(st.sampled_from(FUSED_W[cell.split("_")[0]]))]
    report = rl.gradcheck(m, X, target, state0=s0, names=names, tol=1e-6)
    assert set(report) == set(names) | {"X"} | {f"{s}_{{-1}}" for s in m.state_names}
    assert report.ok, "\n" + str(report)


@SETTINGS
@given(problems(dtypes=(np.float64,)))
def test_outputs_of_a_prefix_do_not_depend_on_later_inputs(p):
    cell, m, X, s0, _, rng = p
    X2 = X.copy()
    X2[-1] = rng.standard_normal(X2[-1].shape) * 3
    np.testing.assert_array_equal(m(X, s0)[:-1], m(X2, s0)[:-1])


@SETTINGS
@given(problems(dtypes=(np.float64,)))
def test_batch_entries_are_independent(p):
    cell, m, X, s0, _, _ = p
    Y = m(X, s0)
    b = X.shape[1] - 1
    Y_one = m(X[:, b:b + 1], tuple(s[b:b + 1] for s in s0))
    np.testing.assert_allclose(Y_one[:, 0], Y[:, b], rtol=1e-12, atol=1e-14)
