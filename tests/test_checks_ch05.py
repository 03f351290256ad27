"""Chapter 5's checks: the right answer passes, each catalogued mistake is named, an
unattempted exercise says so, and the solution keyword leaves the learner's function alone."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab.budget import matched_widths, param_count
from rnnlab.checks.ch05 import (_CONVERT_MISTAKES, _STEP_MISTAKES, _WIDTH_MISTAKES, _convert,
                                _gru_step, _widths, check_gru_step, check_matched_widths,
                                check_pytorch_to_chung)
from rnnlab.gru_convert import pytorch_to_chung


def not_done(*args):
    raise NotImplementedError


# ---------------------------------------------------------------- gru_step

def test_gru_step_right_answer_passes(capsys):
    assert check_gru_step(lambda *a: rl.gru_step_forward(*a)[0]).passed
    assert check_gru_step(rl.gru_step_forward).passed          # (h, cache) is accepted
    assert "✔" in capsys.readouterr().out


def test_gru_step_not_attempted():
    r = check_gru_step(not_done)
    assert not r.passed and not r.attempted and "not attempted yet" in r.message


@pytest.mark.parametrize("key", list(_STEP_MISTAKES))
def test_gru_step_names_each_mistake(key):
    option, value = key
    name = "b_hn_at" if option == "b_hn" else option

    def wrong(*args):
        return _gru_step(*args, **{name: value})
    r = check_gru_step(wrong)
    assert not r.passed and r.attempted
    assert _STEP_MISTAKES[key][:40] in r.message.replace("\n", " ")


def test_gru_step_two_mistakes_and_unknown():
    r = check_gru_step(lambda *a: _gru_step(*a, update="chung", order="zrn"))
    assert "two things" in r.message
    r = check_gru_step(lambda x, h, *rest: 0.5 * h)
    assert not r.passed and "four lines" in r.message


def test_solution_keyword_says_so():
    r = check_gru_step(lambda *a: rl.gru_step_forward(*a)[0], solution=True)
    assert "reference solution" in r.message and "unchanged" in r.message


# ---------------------------------------------------------------- pytorch_to_chung

def test_convert_right_answer_passes():
    assert check_pytorch_to_chung(pytorch_to_chung).passed


def test_convert_not_attempted():
    assert not check_pytorch_to_chung(not_done).attempted


@pytest.mark.parametrize("key", list(_CONVERT_MISTAKES))
def test_convert_names_each_mistake(key):
    option, value = key
    choice = {"z": "negate", "b_hn_to": "fold"}
    choice["z" if option == "z" else "b_hn_to"] = value
    r = check_pytorch_to_chung(lambda *a: _convert(*a, **choice))
    assert not r.passed and _CONVERT_MISTAKES[key][:40] in r.message.replace("\n", " ")


def test_convert_wrong_return_shape():
    r = check_pytorch_to_chung(lambda W_x, W_h, b, b_hn: (W_x, W_h, b, b_hn))
    assert not r.passed and "three arrays" in r.message


# ---------------------------------------------------------------- matched_widths

def test_widths_right_answer_passes():
    assert check_matched_widths(matched_widths).passed


def test_widths_not_attempted():
    assert not check_matched_widths(not_done).attempted


@pytest.mark.parametrize("key", list(_WIDTH_MISTAKES))
def test_widths_names_each_mistake(key):
    option, value = key
    r = check_matched_widths(lambda *c: _widths(*c, **{option: value}))
    assert not r.passed and _WIDTH_MISTAKES[key][:40] in r.message.replace("\n", " ")


def test_widths_right_answer_is_the_widest_fit():
    for budget, D, O in ((600, 2, 1), (1800, 51, 51), (20000, 40, 40)):
        for cell, H in matched_widths(budget, D, O).items():
            assert param_count(cell, D, H, O) <= budget < param_count(cell, D, H + 1, O)


def test_widths_bad_types():
    assert "dict" in check_matched_widths(lambda *c: [1, 2, 3]).message
    assert "no entry" in check_matched_widths(lambda *c: {"RNN": 3}).message
    r = check_matched_widths(lambda *c: {"RNN": 2.5, "LSTM": 1, "GRU": 1})
    assert "whole number" in r.message


def test_param_count_matches_models():
    for D, H, O in ((3, 5, 2), (1, 1, 1), (7, 4, None)):
        assert param_count("RNN", D, H, O) == rl.RNN(D, H, O).n_params
        assert param_count("LSTM", D, H, O) == rl.LSTM(D, H, O).n_params
        assert param_count("GRU", D, H, O) == rl.GRU(D, H, O).n_params
        assert param_count("GRU", D, H, O, convention="chung") == \
            rl.GRU(D, H, O, convention="chung").n_params
    # PyTorch's count: two bias vectors per gate
    assert param_count("LSTM", 3, 5, pytorch=True) == 4 * (3 * 5 + 5 * 5 + 2 * 5)
    assert param_count("GRU", 3, 5, pytorch=True) == 3 * (3 * 5 + 5 * 5 + 2 * 5)


def test_matched_width_too_small_budget():
    from rnnlab.budget import matched_width
    with pytest.raises(ValueError, match="cannot hold"):
        matched_width("LSTM", 10, D=5, O=5)


# ---------------------------------------------------------------- conversion module

def test_convert_model_round_trip_and_where_it_agrees():
    from rnnlab.gru_convert import convert
    X = np.random.default_rng(1).standard_normal((7, 3, 2))
    m = rl.GRU(2, 4, 1, rng=0)
    m["b_r"] = 40.0                                       # r = 1: both conventions agree
    c = convert(m)
    assert c.convention == "chung"
    np.testing.assert_allclose(c(X), m(X), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(convert(c)(X), c(X), rtol=1e-12, atol=1e-13)
    m2 = rl.GRU(2, 4, 1, rng=0)                           # r < 1: the reset placement differs
    assert np.abs(convert(m2)(X) - m2(X)).max() > 1e-3
