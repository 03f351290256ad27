"""Chapter 4 checks: the right answers pass, each catalogued mistake is named."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.checks import check_lstm_cell_backward, check_lstm_step_forward, check_store_recall
from rnnlab.checks.ch04 import (_CELL_MISTAKES, _FORWARD_MISTAKES, _cell_backward, _forward,
                                wiring_problems, _SCENARIOS)
from rnnlab.storecall import WIRING


def test_forward_right_and_solution_flag(capsys):
    assert check_lstm_step_forward(lambda *a: rl.lstm_step_forward(*a)[:2]).passed
    r = check_lstm_step_forward(lambda *a: rl.lstm_step_forward(*a), solution=True)
    assert r.passed and "reference solution" in r.message and "unchanged" in r.message


def test_not_attempted():
    def todo(*args):
        raise NotImplementedError
    for check in (check_lstm_step_forward, check_lstm_cell_backward):
        r = check(todo)
        assert not r.attempted and "not attempted" in r.message
    r = check_store_recall({k: ... for k in WIRING})
    assert not r.attempted


@pytest.mark.parametrize("key", sorted(_FORWARD_MISTAKES))
def test_forward_mistakes_named(key):
    r = check_lstm_step_forward(lambda *a: _forward(*a, **{key[0]: key[1]}))
    assert not r.passed
    words = " ".join(_FORWARD_MISTAKES[key].split()[:6])
    assert words in " ".join(r.message.split()), r.message


def test_forward_returns_wrong_shape():
    r = check_lstm_step_forward(lambda x, h, c, *w: (h.T, c))
    assert not r.passed and "shape" in r.message


def test_cell_backward_right():
    assert check_lstm_cell_backward(lambda dc, dh, c: rl.lstm_step_backward(dh, dc, c).dc_prev).passed


@pytest.mark.parametrize("key", sorted(_CELL_MISTAKES))
def test_cell_mistakes_named(key):
    r = check_lstm_cell_backward(lambda dc, dh, c: _cell_backward(dc, dh, c, **{key[0]: key[1]}))
    assert not r.passed
    words = " ".join(_CELL_MISTAKES[key].split()[:6])
    assert words in " ".join(r.message.split()), r.message


def test_store_recall_library_wiring_passes():
    r = check_store_recall(dict(WIRING))
    assert r.passed, r.message
    assert all(wiring_problems(dict(WIRING), s) == [] for s in _SCENARIOS)


@pytest.mark.parametrize("change, words", [
    ({"b_i": 10.0}, "input gate is open without a write signal"),
    ({"w_write_i": 0.0}, "input gate does not open at the write step"),
    ({"b_f": 3.0}, "forget gate leaks"),
    ({"w_erase_f": 0.0}, "erase signal at step"),
    ({"b_o": 5.0}, "output gate is open without a read signal"),
    ({"w_read_o": 0.0}, "output gate does not open at the read step"),
    ({"w_value_g": 1.0}, "candidate is squashed"),
    ({"W_hy": 1.0}, "W_hy must undo"),
])
def test_store_recall_mistakes_named(change, words):
    r = check_store_recall({**WIRING, **change})
    assert not r.passed and words in " ".join(r.message.split()), r.message


def test_store_recall_bad_input():
    assert "dict" in check_store_recall([1, 2]).message
    assert "no 'W_hy'" in check_store_recall({k: v for k, v in WIRING.items() if k != "W_hy"}).message
    assert "finite" in check_store_recall({**WIRING, "b_f": np.nan}).message
