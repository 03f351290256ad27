"""Tests of rnnlab.cliff: Pascanu's one-unit RNN, its exact gradient, descent and fixed points."""
import warnings

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.cliff import (descend, fixed_points, fold_range, one_unit_loss, one_unit_trajectory,
                          wall_b, wall_w_min)


def test_gradient_matches_finite_differences():
    W, B = np.meshgrid(np.linspace(0.5, 9.5, 7), np.linspace(-5.5, -0.5, 6))
    r = one_unit_loss(W, B)
    h = 1e-6
    dw = (one_unit_loss(W + h, B).loss - one_unit_loss(W - h, B).loss) / (2 * h)
    db = (one_unit_loss(W, B + h).loss - one_unit_loss(W, B - h).loss) / (2 * h)
    np.testing.assert_allclose(r.dw, dw, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(r.db, db, rtol=1e-5, atol=1e-9)
    assert r.loss.shape == r.dw.shape == r.db.shape == W.shape


@pytest.mark.parametrize("w, b", [(3.0, -1.0), (6.0, -3.3), (8.0, -4.0), (4.5, -2.0)])
def test_equals_an_rnn_with_a_sigmoid(w, b):
    """x_t = w s(x_{t-1}) + b is rl.RNN(1, 1, sigmoid) with h_t = s(x_{t+1})."""
    m = rl.RNN(1, 1, activation="sigmoid", rng=0)
    m["W_hh"], m["b_h"], m["W_xh"] = [[w]], [b], [[0.0]]
    X = np.zeros((50, 1, 1))
    target = np.full((50, 1, 1), 0.7)
    mask = np.zeros((50, 1))
    mask[-1] = 1
    res = rl.bptt(m, X, target, mask=mask, state0=np.array([[rl.sigmoid(0.5)]]))
    r = one_unit_loss(w, b)
    assert float(r.loss) == pytest.approx(res.loss, rel=1e-10)
    assert float(r.dw) == pytest.approx(res.grads["W_hh"][0, 0], rel=1e-8, abs=1e-14)
    assert float(r.db) == pytest.approx(res.grads["b_h"][0], rel=1e-8, abs=1e-14)


def test_scalar_and_grid_agree():
    r = one_unit_loss(np.array([4.5, 7.0]), np.array([-2.0, -3.0]))
    d = descend(4.5, -2.0, lr=0.5, steps=1)
    assert d.loss[0] == pytest.approx(r.loss[0], rel=1e-12)
    assert d.grad_norm[0] == pytest.approx(np.hypot(r.dw[0], r.db[0]), rel=1e-12)


def test_the_wall_is_where_the_fixed_point_sits_on_x0():
    w = np.linspace(5, 10, 6)
    below = one_unit_loss(w, wall_b(w) - 1e-3).loss
    above = one_unit_loss(w, wall_b(w) + 1e-3).loss
    assert np.all(below - above > 0.3)            # the loss jumps across the curve
    assert wall_w_min() == pytest.approx(4.2553, abs=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one_unit_loss(np.array([0.0, 1e3]), np.array([-1e3, 1e3]))


def test_descent_is_thrown_at_the_wall_unless_clipped():
    off = descend(4.5, -2.0, lr=0.5, steps=40)
    norm = descend(4.5, -2.0, lr=0.5, steps=40, clip="norm", threshold=1.0)
    elem = descend(4.5, -2.0, lr=0.5, steps=40, clip="elementwise", threshold=1.0)
    assert off.step.max() > 5 and off.grad_norm.max() > 10
    assert norm.step.max() <= 0.5 + 1e-12 and norm.loss[-1] < off.loss[-1]
    assert elem.step.max() <= 0.5 * np.sqrt(2) + 1e-12
    assert norm.clipped.any() and not off.clipped.any()
    assert off.path.shape == (41, 2) and off.loss.shape == (41,)
    with pytest.raises(ValueError, match="clip"):
        descend(1, 1, clip="value")


def test_norm_clipping_keeps_the_direction_elementwise_turns_it():
    n = descend(4.207, -2.128, lr=1.0, steps=1, clip="norm", threshold=0.1)
    o = descend(4.207, -2.128, lr=1.0, steps=1)
    e = descend(4.207, -2.128, lr=1.0, steps=1, clip="elementwise", threshold=0.1)
    dn, do, de = (d.path[1] - d.path[0] for d in (n, o, e))

    def cross(a, b):
        return a[0] * b[1] - a[1] * b[0]

    assert abs(cross(dn, do)) < 1e-9 * np.linalg.norm(do)
    assert abs(cross(de, do)) > 1e-3 * np.linalg.norm(do) * np.linalg.norm(de)


def test_fixed_points_and_folds():
    lo, hi = fold_range(5.0)
    assert lo == pytest.approx(-2.6556, abs=1e-4) and hi == pytest.approx(-2.3444, abs=1e-4)
    assert fold_range(4.0) is None
    fps = fixed_points(5.0, -2.5)
    assert [f.stable for f in fps] == [True, False, True]
    assert fps[1].x == pytest.approx(0.0, abs=1e-9)
    for b in (lo - 0.05, hi + 0.05):
        assert len(fixed_points(5.0, b)) == 1
    one = fixed_points(2.0, 0.0)
    assert len(one) == 1 and one[0].stable
    x = one_unit_trajectory(5.0, -2.5, np.array([-0.1, 0.1]), T=60)
    assert x[-1, 0] == pytest.approx(fps[0].x, abs=1e-6)
    assert x[-1, 1] == pytest.approx(fps[2].x, abs=1e-6)
