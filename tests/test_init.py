"""Initializers: the distributions they promise, and seeding through an explicit rng."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.init import as_rng, identity, orthogonal, pytorch_uniform, scaled_normal


def test_pytorch_uniform_bounds_and_spread():
    H = 16
    w = pytorch_uniform((200, 200), H, np.random.default_rng(0))
    k = 1 / np.sqrt(H)
    assert w.min() >= -k and w.max() <= k
    assert abs(w.std() - k / np.sqrt(3)) < 0.01 * k  # std of U(-k, k) is k / sqrt(3)


def test_scaled_normal_variance_is_scale_squared_over_fan_in():
    w = scaled_normal((50, 4000), np.random.default_rng(1), scale=2.0)
    assert abs(w.var() - 4.0 / 50) < 0.05 * 4.0 / 50


@pytest.mark.parametrize("n", [1, 3, 32])
def test_orthogonal_has_all_singular_values_equal_to_gain(n):
    W = orthogonal(n, np.random.default_rng(2), gain=1.5)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), 1.5, rtol=1e-12)


def test_identity_and_dtype():
    W = identity(4, scale=0.5, dtype=np.float32)
    assert W.dtype == np.float32 and np.array_equal(W, 0.5 * np.eye(4))


@pytest.mark.parametrize("init", ["orthogonal", "identity"])
def test_model_init_schemes_apply_to_every_recurrent_block(init):
    m = rl.LSTM(3, 5, init=init, rng=0)
    for g in "ifgo":
        W = m[f"W_h{g}"]
        np.testing.assert_allclose(W @ W.T, np.eye(5), atol=1e-12)
    assert np.all(m["b"] == 0)


def test_same_seed_same_weights_and_different_seed_different():
    a, b, c = rl.GRU(2, 4, O=1, rng=7), rl.GRU(2, 4, O=1, rng=7), rl.GRU(2, 4, O=1, rng=8)
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name])
    assert not np.array_equal(a["W_h"], c["W_h"])


def test_as_rng_accepts_generator_int_none_and_rejects_others():
    g = np.random.default_rng(3)
    assert as_rng(g) is g
    assert as_rng(5).integers(1000) == np.random.default_rng(5).integers(1000)
    assert as_rng(None).integers(1000) == np.random.default_rng(0).integers(1000)
    with pytest.raises(TypeError, match="numpy Generator, an int seed or None"):
        as_rng("seed")


def test_unknown_init_scheme_is_named():
    with pytest.raises(ValueError, match="init must be one of"):
        rl.RNN(2, 3, init="xavier")
