"""rnnlab.memory: the bytes a forward pass keeps for BPTT, counted from nbytes."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.memory import bptt_memory, checkpoint_states, kept_bytes


def test_memory_grows_linearly_with_T():
    model = rl.RNN(D=3, H=8, O=2, rng=0)
    b = bptt_memory(model, [10, 100, 1000])
    per_step = (b[2] - b[1]) / 900
    assert b[1] - b[0] == 90 * per_step
    # x_t (3), y_t (2) and h_t twice (the states array and each step's cache): 8 bytes each
    assert per_step == 8 * (3 + 2 + 8 + 8)


def test_views_count_once_and_parameters_not_at_all():
    model = rl.RNN(D=2, H=4, rng=0)
    trace = model.forward(np.zeros((5, 1, 2)))
    with_params = kept_bytes(trace)
    without = kept_bytes(trace, model.params.values())
    assert with_params > without
    assert without == 8 * (5 * 2 + 5 * 4 + 5 * 4 + 4)   # X, states, step outputs, h_{-1}


def test_the_count_is_the_same_every_time():
    model = rl.LSTM(D=3, H=5, rng=0)
    assert (bptt_memory(model, [7, 70]) == bptt_memory(model, [7, 70])).all()


def test_checkpointing_keeps_about_two_sqrt_T_states():
    assert checkpoint_states(10_000, 100) == 200
    assert checkpoint_states(10, 10) == 11
    with pytest.raises(ValueError):
        checkpoint_states(10, 0)
