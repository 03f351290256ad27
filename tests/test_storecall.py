"""The hand-wired store-and-recall cell keeps a value and its gradient; a tanh unit does not."""
import numpy as np
import pytest

from rnnlab.storecall import (WIRING, recall_gradient, store_recall, store_recall_inputs,
                              wired_lstm, wired_rnn)


def test_lstm_stores_reads_and_erases():
    X = store_recall_inputs(120, 3, 103, 110, value=4.2, noise=1.0)
    tr = store_recall(wired_lstm(), X)
    assert abs(tr["y"][103] - 4.2) < 0.05
    assert np.all(np.abs(tr["y"][np.arange(120) != 103]) < 1e-2)
    assert np.all(np.abs(tr["c"][110:]) < 1e-5)
    assert 0.98 < recall_gradient(wired_lstm(), X, 3, 103) < 1.0


def test_rnn_gradient_decays_and_noise_enters():
    X = store_recall_inputs(120, 3, 103, noise=0.0)
    assert recall_gradient(wired_rnn(w=0.9), X, 3, 103) < 1e-3
    noisy = store_recall(wired_rnn(w=1.0), store_recall_inputs(120, 3, 103, noise=1.0))
    assert abs(noisy["y"][103] - 4.2) > 0.5


def test_bad_wiring():
    with pytest.raises(TypeError):
        wired_lstm(b_x=1.0)
    with pytest.raises(ValueError):
        wired_lstm(b_f=np.inf)
    with pytest.raises(ValueError):
        store_recall_inputs(10, 3, 12)
    assert set(WIRING) == {"w_write_i", "b_i", "w_erase_f", "b_f", "w_value_g", "w_read_o",
                           "b_o", "W_hy"}
