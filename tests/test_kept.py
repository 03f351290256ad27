"""Tests of rnnlab.widgets.kept: the explorers' memo of results and the weights' key."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.widgets.kept import Kept, read_only, weights_key


def test_kept_makes_once_and_drops_the_least_recently_used():
    made = []

    def make(x):
        made.append(x)
        return x * x
    kept = Kept(2)
    assert [kept.get(k, lambda k=k: make(k)) for k in (1, 2, 1, 3, 1, 2)] == [1, 4, 1, 9, 1, 4]
    assert made == [1, 2, 3, 2]      # 1 was used after 2, so 2 made room for 3
    assert len(kept) == 2 and 1 in kept and 2 in kept and 3 not in kept


@pytest.mark.parametrize("size", [0, -1, 1.5, "3", True])
def test_kept_refuses_a_bad_size(size):
    with pytest.raises((TypeError, ValueError), match="size"):
        Kept(size)


def test_weights_key_tells_models_apart_by_every_weight():
    a, b = rl.LSTM(1, 4, rng=0), rl.LSTM(1, 4, rng=0)
    assert weights_key(a) == weights_key(b)
    b["b_f"] = b["b_f"] + 1e-15 * np.ones(4)
    assert weights_key(a) != weights_key(b)
    assert weights_key(rl.RNN(1, 4, rng=0)) != weights_key(rl.RNN(1, 4, activation="relu", rng=0))
    assert weights_key(rl.GRU(1, 4, rng=0)) != weights_key(rl.LSTM(1, 4, rng=0))


def test_read_only_arrays_refuse_writes_and_other_values_pass():
    result = read_only((np.arange(3.0), None, 2.0, np.ones(2)))
    with pytest.raises(ValueError, match="read-only"):
        result[0][0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        result[3] += 1
    assert result[1] is None and result[2] == 2.0
    assert not read_only(np.zeros(2)).flags.writeable
