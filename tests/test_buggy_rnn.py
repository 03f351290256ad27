"""rnnlab.buggy_rnn: without bugs it is the library's sigmoid RNN; each bug changes what
it should; the fixed version learns the counting task."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab import buggy_rnn as br


def case():
    rng = np.random.default_rng(3)
    p = br.init_params(9, 5, rng)
    for k in p:
        p[k] = p[k] + 0.5 * rng.standard_normal(p[k].shape)
    seq = br.counting_sequence(8, start=2)
    return seq[:-1], seq[1:], rng.uniform(0.2, 0.8, 5), p


def test_without_bugs_it_is_the_library_rnn():
    inputs, targets, h0, p = case()
    loss, g, h_last = br.loss_and_grads(inputs, targets, h0, p)
    model = rl.RNN(9, 5, 9, activation="sigmoid")
    for k in p:
        model[k] = p[k]
    res = rl.bptt(model, np.eye(9)[inputs][:, None], targets[:, None], loss="cross_entropy",
                  state0=h0[None])
    assert np.isclose(loss, res.loss)
    for k in p:
        np.testing.assert_allclose(g[k], res.grads[k], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h_last, res.trace.states["h"][-1, 0])


@pytest.mark.parametrize("bug, same_loss, untouched", [
    ("softmax_as_sigmoid", False, ()),
    ("no_recurrent_backprop", True, ("W_hy", "b_y")),
    ("skips_last_step", True, ()),
    ("wraps_to_last_state", False, ()),
])
def test_each_bug_changes_the_gradient(bug, same_loss, untouched):
    inputs, targets, h0, p = case()
    loss, g, _ = br.loss_and_grads(inputs, targets, h0, p)
    loss_b, g_b, _ = br.loss_and_grads(inputs, targets, h0, p, bugs=[bug])
    assert np.isclose(loss, loss_b) == same_loss
    for k in p:
        assert np.allclose(g[k], g_b[k]) == (k in untouched), k


def test_sign_update():
    p = {"w": np.array([1.0, 1.0])}
    br.update(p, {"w": np.array([10.0, -0.001])}, 0.1, bugs=["sign_update"])
    np.testing.assert_allclose(p["w"], [0.9, 1.1])
    with pytest.raises(ValueError):
        br.update(p, {"w": p["w"]}, 0.1, bugs=["typo"])


def test_fixed_version_learns_counting():
    _, losses, accuracy = br.train_counting(br.loss_and_grads, br.update, steps=300)
    assert accuracy == 1.0 and losses[-1] < 0.2 * losses[0]
