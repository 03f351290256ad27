"""The training loop: it learns, it is reproducible, it stops when asked or when it blows up."""
import warnings
from typing import NamedTuple

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.clip import global_norm
from rnnlab.optim import SGD, Adam
from rnnlab.train import History, train


class Batch(NamedTuple):
    """The fields of a task batch, as ``train`` reads them."""
    X: np.ndarray
    target: np.ndarray
    mask: np.ndarray
    loss: str
    info: dict


def echo(rng, T=8, B=16):
    """Echo task: the target at step t is the input at step t - 1 (no loss at t = 0)."""
    X = rng.choice([-1.0, 1.0], size=(T, B, 1))
    target = np.zeros_like(X)
    target[1:] = X[:-1]
    mask = np.ones(T)
    mask[0] = 0
    return Batch(X, target, mask, "mse", {})


def model(seed=0, **kwargs):
    return rl.RNN(1, 8, 1, rng=seed, **kwargs)


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_a_small_rnn_learns_to_echo_its_input():
    m = model()
    h = train(m, echo, Adam(0.05), 150, rng=1)
    assert len(h) == 150 and not h.diverged and not h.stopped_early
    # predicting 0 gives loss 7 steps x 1; the trained model must do far better
    assert h.loss[:5].mean() > 5.0
    assert h.loss[-10:].mean() < 0.05 * h.loss[:5].mean()
    test = echo(np.random.default_rng(99))
    L, _ = rl.mse(m(test.X), test.target, test.mask)
    assert L < 0.3


def test_history_records_what_bptt_computes_before_the_update():
    m = model()
    batch = echo(np.random.default_rng(5))
    expected = rl.bptt(m, batch.X, batch.target, mask=batch.mask)  # before any update
    h = train(m, batch, SGD(0.1), 3)  # one fixed batch, reused at every step
    assert h.loss[0] == pytest.approx(expected.loss, rel=1e-12)
    assert h.grad_norm[0] == pytest.approx(global_norm(expected.grads), rel=1e-12)
    assert h.loss[2] < h.loss[0]  # same batch, gradient steps: the loss goes down
    assert h.loss.dtype == np.float64 and h.clipped.dtype == bool and not h.clipped.any()
    with pytest.raises(ValueError):
        h.loss[0] = 0.0  # the arrays are read-only views


def test_history_grows_past_its_initial_buffer():
    h = History()
    for i in range(100):
        h.append(float(i), 2.0 * i, i % 3 == 0)
    np.testing.assert_array_equal(h.loss, np.arange(100.0))
    np.testing.assert_array_equal(h.grad_norm, 2.0 * np.arange(100))
    np.testing.assert_array_equal(h.clipped, np.arange(100) % 3 == 0)


def test_callback_sees_every_step_and_can_stop_training():
    seen = []

    def record(step, history):
        seen.append((step, len(history), history.loss[-1]))

    h = train(model(), echo, SGD(0.1), 12, callback=record, rng=0)
    assert [s for s, _, _ in seen] == list(range(12))
    assert all(n == s + 1 for s, n, _ in seen)
    np.testing.assert_array_equal([l for _, _, l in seen], h.loss)

    h = train(model(), echo, SGD(0.1), 50, callback=lambda step, hist: step < 4, rng=0)
    assert len(h) == 5 and h.stopped_early and not h.diverged
    assert "callback" in h.message and "step 4" in h.message


def test_an_iterable_of_batches_that_runs_out_ends_training():
    rng = np.random.default_rng(3)
    h = train(model(), [echo(rng) for _ in range(4)], SGD(0.1), 10)
    assert len(h) == 4 and h.stopped_early and "ran out" in h.message


def test_same_seed_same_history_different_seed_different_history():
    runs = [train(model(0), echo, Adam(0.02), 20, rng=seed) for seed in (7, 7, 8)]
    np.testing.assert_array_equal(runs[0].loss, runs[1].loss)
    np.testing.assert_array_equal(runs[0].grad_norm, runs[1].grad_norm)
    assert not np.array_equal(runs[0].loss, runs[2].loss)
    a, b = model(0), model(0)
    np.random.seed(1)
    train(a, echo, Adam(0.02), 5, rng=np.random.default_rng(7))
    np.random.seed(2)  # the global numpy generator plays no part
    train(b, echo, Adam(0.02), 5, rng=7)
    for name in a.params:
        np.testing.assert_array_equal(a[name], b[name])


def test_a_huge_learning_rate_diverges_without_warnings():
    m = model()
    h = train(m, echo, SGD(1e4), 200, rng=0)
    assert h.diverged and h.diverged_at == len(h) - 1 < 199
    assert h.message.startswith(f"training diverged at step {h.diverged_at}:")
    assert not (np.isfinite(h.loss[-1]) and np.isfinite(h.grad_norm[-1]))
    assert np.isfinite(h.loss[:-1]).all()
    assert all(np.isfinite(p).all() for p in m.params.values())


def test_relu_outputs_blowing_up_are_reported():
    h = train(model(activation="relu"), echo, SGD(1e4), 50, rng=0)
    assert h.diverged and "outputs" in h.message


def test_an_update_that_overflows_restores_the_weights():
    m = model()
    before = {n: p.copy() for n, p in m.params.items()}
    h = train(m, echo, SGD(1e308), 10, rng=0)  # finite gradient, lr * gradient = inf
    assert h.diverged and h.diverged_at == 0 and "update" in h.message
    assert np.isfinite(h.loss[0]) and np.isfinite(h.grad_norm[0])
    for n, p in m.params.items():
        np.testing.assert_array_equal(p, before[n])


def test_norm_clipping_records_the_norm_before_and_shortens_the_step():
    m = model()
    batch = echo(np.random.default_rng(5))
    W0 = {n: p.copy() for n, p in m.params.items()}
    h = train(m, batch, SGD(0.1), 1, clip=("norm", 1e-3))
    assert h.clipped[0] and h.grad_norm[0] > 1e-3
    step = np.concatenate([(m[n] - W0[n]).ravel() for n in W0])
    assert np.linalg.norm(step) == pytest.approx(0.1 * 1e-3, rel=1e-9)  # lr * max_norm

    h = train(model(), batch, SGD(0.1), 1, clip=1e6)  # a bare number: norm clipping
    assert not h.clipped[0]


def test_value_clipping_bounds_every_entry_of_the_step():
    m = model()
    W0 = {n: p.copy() for n, p in m.params.items()}
    h = train(m, echo(np.random.default_rng(5)), SGD(0.1), 1, clip=("value", 0.01))
    assert h.clipped[0] and h.grad_norm[0] > 0.01
    step = np.concatenate([(m[n] - W0[n]).ravel() for n in W0])
    assert np.abs(step).max() == pytest.approx(0.1 * 0.01, rel=1e-12)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(steps=0), ValueError, "steps"),
    (dict(clip=("nrom", 1.0)), ValueError, "clip must be"),
    (dict(clip=("norm", -1.0)), ValueError, "max_norm"),
    (dict(callback="print"), TypeError, "callback"),
    (dict(optimizer="adam"), TypeError, "optimizer"),
    (dict(batches=42), TypeError, "batches"),
    (dict(rng="seed"), TypeError, "rng"),
])
def test_bad_arguments_are_rejected(kwargs, error, match):
    args = dict(model=model(), batches=echo, optimizer=SGD(0.1), steps=3) | kwargs
    with pytest.raises(error, match=match):
        train(**args)
