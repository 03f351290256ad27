"""Batch-major X and target passed together have consistent shapes, so no shape check can
refuse them; when the shapes make it likely (few steps, many more sequences) rl.bptt, and so
rl.train, warn and say how to turn the data around, and how to silence the warning."""
import warnings

import numpy as np
import pytest

import rnnlab as rl
from rnnlab import tasks
from rnnlab._validate import FEW_STEPS, MANY_MORE, batch_major_message


def test_pytorch_batch_first_data_warns_with_the_fix():
    model = rl.RNN(3, 4, 1, rng=0)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((4, 50, 3)), rng.standard_normal((4, 50, 1))  # (B, T, ...)
    with pytest.warns(rl.BatchMajorWarning) as record:
        rl.bptt(model, X, Y)
    message = str(record[0].message)
    assert "T = 4 steps of B = 50 sequences" in message
    assert "X.transpose(1, 0, 2) and target.transpose(1, 0, 2)" in message
    assert "filterwarnings('ignore', category=rl.BatchMajorWarning)" in message
    assert record[0].filename == __file__                 # points at the caller's line
    with warnings.catch_warnings():                       # turned around: silent
        warnings.simplefilter("error")
        rl.bptt(model, X.transpose(1, 0, 2), Y.transpose(1, 0, 2))


def test_class_index_targets_and_train_warn_too():
    model = rl.RNN(3, 4, 5, rng=0)
    X = np.zeros((4, 50, 3))
    labels = np.zeros((4, 50), dtype=int)
    with pytest.warns(rl.BatchMajorWarning, match=r"target\.T\b"):
        rl.bptt(model, X, labels, loss="cross_entropy")
    batch = tasks.TaskBatch(X, labels, np.ones((4, 50)), "cross_entropy", {})
    with pytest.warns(rl.BatchMajorWarning):
        rl.train(model, batch, rl.SGD(0.1), steps=1)


def test_the_warning_can_be_silenced_for_short_sequences_that_are_meant():
    model = rl.RNN(3, 4, 1, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=rl.BatchMajorWarning)
        rl.bptt(model, np.zeros((4, 50, 3)), np.zeros((4, 50, 1)))


@pytest.mark.parametrize("x_shape, t_shape", [
    ((5, 32, 6), (5, 32)),          # the long-lag task at p = 5 with B = 32
    ((50, 32, 51), (50, 32)),       # Chapter 5's study: long lag at p = 50
    ((20, 32, 2), (20, 32, 1)),     # adding problem, T = 20
    ((9, 1000, 3), (9, 1000, 1)),   # more than FEW_STEPS steps
    ((4, 39, 3), (4, 39, 1)),       # fewer than MANY_MORE times as many sequences
    ((4, 50, 3), (50, 4, 1)),       # swapped against each other: an error, not this warning
    ((4, 50, 3), None),             # no target
])
def test_the_rule_stays_quiet_elsewhere(x_shape, t_shape):
    assert batch_major_message(x_shape, t_shape) == ""


def test_the_rule_is_the_documented_one():
    for T in range(1, 12):
        for B in (1, 9 * T, 10 * T, 40 * T):
            fires = bool(batch_major_message((T, B, 3), (T, B, 1)))
            assert fires == (T <= FEW_STEPS and B >= MANY_MORE * T), (T, B)


def test_the_long_lag_task_at_p_5_trains_without_the_warning():
    b = tasks.long_lag(5, 32, rng=0)
    model = rl.RNN(b.X.shape[2], 8, b.X.shape[2], rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", rl.BatchMajorWarning)
        rl.train(model, lambda rng: tasks.long_lag(5, 32, rng), rl.Adam(1e-2), steps=2, rng=0)
