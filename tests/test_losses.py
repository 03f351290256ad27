"""Losses: values against the formulas written out independently, masks, gradients."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.gradcheck import numerical_gradient, relative_error

rng = np.random.default_rng(0)
T, B, O = 4, 3, 5
Y = rng.standard_normal((T, B, O))
target = rng.standard_normal((T, B, O))
labels = rng.integers(0, O, (T, B))


def test_mse_value_is_sum_over_time_mean_over_batch_and_outputs():
    L, _ = rl.mse(Y, target)
    expected = sum(((Y[t] - target[t]) ** 2).mean() for t in range(T))
    assert L == pytest.approx(expected, rel=1e-14)


def test_cross_entropy_value_matches_log_of_softmax_probability():
    L, _ = rl.cross_entropy(Y, labels)
    p = np.exp(Y) / np.exp(Y).sum(axis=2, keepdims=True)
    expected = -sum(np.log(p[t, b, labels[t, b]]) for t in range(T) for b in range(B)) / B
    assert L == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("mask", [None, np.r_[0, 0, 0, 1], rng.integers(0, 2, (T, B))])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_gradients_of_losses_match_centred_differences(loss, mask):
    tgt = target if loss == "mse" else labels
    f = rl.losses.get_loss(loss)
    Z = Y.copy()
    _, dZ = f(Z, tgt, mask)
    num = numerical_gradient(lambda: f(Z, tgt, mask)[0], Z)
    assert relative_error(dZ, num) < 1e-8


def test_mask_on_last_step_only_counts_that_step():
    L, dY = rl.mse(Y, target, mask=np.r_[0, 0, 0, 1])
    assert L == pytest.approx(((Y[-1] - target[-1]) ** 2).mean(), rel=1e-14)
    assert np.all(dY[:-1] == 0)


def test_cross_entropy_is_stable_for_huge_logits():
    Z = np.zeros((1, 1, 3))
    Z[0, 0] = [1e4, -1e4, 0]
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is exact
        L, dZ = rl.cross_entropy(Z, np.array([[1]]))
    assert L == pytest.approx(2e4) and np.all(np.isfinite(dZ))
