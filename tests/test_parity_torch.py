"""rnnlab against PyTorch: outputs, final states and every gradient, to 1e-10 in float64.

The reference values come from tests/data/torch_reference.npz, written by
tools/make_torch_reference.py (torch is needed only to regenerate that file).
The loss there is L = sum(outputs * G), so dL/dY = G is what ``rl.backward`` receives.
"""
from pathlib import Path

import numpy as np
import pytest

import rnnlab as rl

DATA = Path(__file__).parent / "data" / "torch_reference.npz"
TORCH_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
TOL = dict(rtol=1e-10, atol=1e-10)


@pytest.fixture(scope="module")
def ref():
    with np.load(DATA) as f:
        return {k: f[k] for k in f.files}


def case_names():
    with np.load(DATA) as f:
        return [str(c) for c in f["meta/cases"]]


def case(ref, name):
    """The arrays of one case, keys without the ``<case>/`` prefix."""
    prefix = name + "/"
    return {k[len(prefix):]: v for k, v in ref.items() if k.startswith(prefix)}


def build(name, c):
    """An rnnlab model of the case's kind and sizes, with PyTorch's weights loaded."""
    T, B, D = c["X"].shape
    H = c["h0"].shape[1]
    if name.startswith("rnn"):
        m = rl.RNN(D, H, activation="relu" if "relu" in name else "tanh", rng=1)
    elif name.startswith("lstm"):
        m = rl.LSTM(D, H, rng=1)
    else:
        m = rl.GRU(D, H, rng=1)
    m.load_torch({k: c[k] for k in TORCH_KEYS})
    return m


def torch_grads(name, grads):
    """rnnlab's gradients in PyTorch's layout (weights transposed, biases split)."""
    if name.startswith("rnn"):
        W_x, W_h, b = grads["W_xh"], grads["W_hh"], grads["b_h"]
    else:
        W_x, W_h, b = grads["W_x"], grads["W_h"], grads["b"]
    if name.startswith("gru"):  # b_in sits in bias_ih only; b_hn is bias_hh's n block
        b_hh = np.concatenate([grads["b_r"], grads["b_z"], grads["b_hn"]])
    else:  # the two biases are summed, so each has the summed bias's gradient
        b_hh = b
    return {"weight_ih_l0": W_x.T, "weight_hh_l0": W_h.T, "bias_ih_l0": b, "bias_hh_l0": b_hh}


def state0(c):
    return (c["h0"], c["c0"]) if "c0" in c else (c["h0"],)


def test_reference_file_is_complete(ref):
    names = case_names()
    assert {"rnn_tanh", "rnn_relu", "lstm", "gru"} <= set(names)
    assert any(ref[f"{n}/X"].shape[:2] == (1, 1) for n in names)  # a T = 1, B = 1 case
    assert DATA.stat().st_size < 200_000
    for n in names:
        for k in TORCH_KEYS:
            assert ref[f"{n}/{k}"].dtype == np.float64
            assert ref[f"{n}/grad/{k}"].shape == ref[f"{n}/{k}"].shape


@pytest.mark.parametrize("name", case_names())
def test_forward_matches_torch(ref, name):
    c = case(ref, name)
    m = build(name, c)
    tr = m.forward(c["X"], state0(c))
    np.testing.assert_allclose(tr.Y, c["outputs"], **TOL)
    np.testing.assert_allclose(tr.states["h"][-1], c["h_n"], **TOL)
    if "c_n" in c:
        np.testing.assert_allclose(tr.states["c"][-1], c["c_n"], **TOL)


@pytest.mark.parametrize("name", case_names())
def test_gradients_match_torch(ref, name):
    c = case(ref, name)
    m = build(name, c)
    tr = m.forward(c["X"], state0(c))
    grads, dX, dstate0, dh, dc = rl.backward(m, tr, dY=c["G"])
    for k, g in torch_grads(name, grads).items():
        np.testing.assert_allclose(g, c[f"grad/{k}"], **TOL, err_msg=k)
    np.testing.assert_allclose(dX, c["grad/X"], **TOL)
    np.testing.assert_allclose(dstate0[0], c["grad/h0"], **TOL)
    if "c0" in c:
        np.testing.assert_allclose(dstate0[1], c["grad/c0"], **TOL)


@pytest.mark.parametrize("name", case_names())
def test_load_torch_then_to_torch(ref, name):
    c = case(ref, name)
    m = build(name, c)
    sd = m.to_torch()
    assert set(sd) == set(TORCH_KEYS)
    for k in ("weight_ih_l0", "weight_hh_l0"):
        np.testing.assert_array_equal(sd[k], c[k])
    H = m.H
    # rnnlab keeps one bias where PyTorch has two; their sum is what both layers use
    summed = sd["bias_ih_l0"] + sd["bias_hh_l0"]
    expected = c["bias_ih_l0"] + c["bias_hh_l0"]
    if name.startswith("gru"):  # n's biases stay apart: r multiplies b_hn only
        np.testing.assert_allclose(summed[:2 * H], expected[:2 * H], rtol=1e-15)
        np.testing.assert_array_equal(sd["bias_ih_l0"][2 * H:], c["bias_ih_l0"][2 * H:])
        np.testing.assert_array_equal(sd["bias_hh_l0"][2 * H:], c["bias_hh_l0"][2 * H:])
    else:
        np.testing.assert_allclose(summed, expected, rtol=1e-15)


@pytest.mark.parametrize("make", [
    lambda: rl.RNN(3, 4, rng=0), lambda: rl.RNN(3, 4, activation="relu", rng=0),
    lambda: rl.LSTM(3, 4, forget_bias=1.0, rng=0), lambda: rl.GRU(3, 4, rng=0),
], ids=["rnn_tanh", "rnn_relu", "lstm", "gru"])
def test_to_torch_round_trip_leaves_params_unchanged(make):
    m = make()
    before = m.params.copy()
    m.load_torch(m.to_torch())
    for name in m.params:
        np.testing.assert_array_equal(m.params[name], before[name], err_msg=name)


def test_to_torch_returns_copies():
    m = rl.LSTM(3, 4, rng=0)
    sd = m.to_torch()
    sd["weight_hh_l0"][:] = 0.0
    sd["bias_ih_l0"][:] = 0.0
    assert np.abs(m["W_h"]).sum() > 0 and np.abs(m["b"]).sum() > 0


def test_to_torch_rejects_what_torch_cannot_express():
    with pytest.raises(ValueError, match="tanh or relu"):
        rl.RNN(3, 4, activation="sigmoid").to_torch()
    with pytest.raises(ValueError, match="pytorch"):
        rl.GRU(3, 4, convention="chung").to_torch()


def test_load_torch_names_missing_keys(ref):
    c = case(ref, "lstm")
    sd = {k: c[k] for k in TORCH_KEYS if k != "bias_hh_l0"}
    with pytest.raises(KeyError, match="bias_hh_l0"):
        rl.LSTM(4, 5).load_torch(sd)


def test_load_torch_rejects_wrong_sizes(ref):
    c = case(ref, "lstm")  # D = 4, H = 5
    with pytest.raises(ValueError, match="shape"):
        rl.LSTM(3, 5).load_torch({k: c[k] for k in TORCH_KEYS})
