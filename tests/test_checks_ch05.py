"""Chapter 5's checks: the right answer passes, each catalogued mistake is named, an
unattempted exercise says so, and the solution keyword leaves the learner's function alone."""
import ast
import re

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.budget import matched_widths, param_count
from rnnlab.checks.ch05 import (_CONVERT_MISTAKES, _STEP_MISTAKES, _WIDTH_CASES,
                                _WIDTH_MISTAKES, _convert, _convert_case, _gru_step,
                                _step_case, _widths, check_gru_step, check_matched_widths,
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


# ---------------------------------------------------------------- every message is true
#
# Each mistake of the catalogues, written here the way a learner would write it (not with
# the checks' own variant functions), gets exactly its own sentence, and the numbers and
# claims in the messages are recomputed.

def _message(r):
    return " ".join(r.message.split())


def _says_only(r, name, sentence):
    """The check failed with ``sentence`` and nothing else."""
    return not r.passed and r.attempted and _message(r) == f"✘ {name}: {sentence}"


def learner_step(slip):
    """gru_step as a learner writes it, with one slip (None: right)."""
    def gru_step(x, h_prev, W_x, W_h, b, b_hn):
        H = h_prev.shape[1]
        gate = np.tanh if slip == "tanh gates" else (lambda a: 1 / (1 + np.exp(-a)))
        cols = {"r": slice(0, H), "z": slice(H, 2 * H)}
        if slip == "z first":
            cols = {"z": slice(0, H), "r": slice(H, 2 * H)}
        r = gate(x @ W_x[:, cols["r"]] + h_prev @ W_h[:, cols["r"]] + b[cols["r"]])
        z = gate(x @ W_x[:, cols["z"]] + h_prev @ W_h[:, cols["z"]] + b[cols["z"]])
        W_xn, W_hn, b_n = W_x[:, 2 * H:], W_h[:, 2 * H:], b[2 * H:]
        recurrent = {None: r * (h_prev @ W_hn + b_hn),
                     "reset before": (r * h_prev) @ W_hn + b_hn,
                     "b_hn outside": r * (h_prev @ W_hn) + b_hn,
                     "no b_hn": r * (h_prev @ W_hn)}.get(slip, r * (h_prev @ W_hn + b_hn))
        act = (lambda a: 1 / (1 + np.exp(-a))) if slip == "sigmoid n" else np.tanh
        n = act(x @ W_xn + b_n + recurrent)
        if slip == "chung update":
            return (1 - z) * h_prev + z * n
        return (1 - z) * n + z * h_prev
    return gru_step


STEP_SLIPS = {"chung update": ("update", "chung"), "reset before": ("reset", "before"),
              "b_hn outside": ("b_hn", "outside"), "no b_hn": ("b_hn", "missing"),
              "z first": ("order", "zrn"), "sigmoid n": ("n_act", "sigmoid"),
              "tanh gates": ("gate_act", "tanh")}


def test_gru_step_learner_written_slips_get_their_own_sentence():
    assert check_gru_step(learner_step(None)).passed
    assert set(STEP_SLIPS.values()) == set(_STEP_MISTAKES)
    for slip, key in STEP_SLIPS.items():
        r = check_gru_step(learner_step(slip))
        assert _says_only(r, "gru_step", _STEP_MISTAKES[key]), (slip, r.message)


def test_gru_step_size_written_into_the_code():
    def five_units(x, h_prev, W_x, W_h, b, b_hn):
        H = 5                                              # read from the first test case
        sig = lambda a: 1 / (1 + np.exp(-a))               # noqa: E731
        a = x @ W_x + b
        r = sig(a[:, :H] + h_prev @ W_h[:, :H])
        z = sig(a[:, H:2 * H] + h_prev @ W_h[:, H:2 * H])
        n = np.tanh(a[:, 2 * H:] + r * (h_prev @ W_h[:, 2 * H:] + b_hn))
        return (1 - z) * n + z * h_prev
    args, _ = _step_case(B=3, D=4, H=5, seed=55)
    np.testing.assert_allclose(five_units(*args), rl.gru_step_forward(*args)[0])  # right there
    r = check_gru_step(five_units)
    assert _message(r).startswith("✘ gru_step: right for B=3, D=4, H=5, but not for B=2, D=1, "
                                  "H=2. Is a size written into your code")
    assert _step_case(B=2, D=1, H=2, seed=9)[0][1].shape == (2, 2)   # the sizes it names


def learner_convert(slip):
    """pytorch_to_chung as a learner writes it, with one slip (None: right)."""
    def pytorch_to_chung(W_x, W_h, b, b_hn):
        H = W_h.shape[0]
        W_x, W_h, b = W_x.copy(), W_h.copy(), b.copy()
        z = slice(H, 2 * H)
        if slip == "all gates":
            W_x, W_h, b = -W_x, -W_h, -b
        elif slip == "one minus":
            W_x[:, z], W_h[:, z], b[z] = 1 - W_x[:, z], 1 - W_h[:, z], 1 - b[z]
        elif slip != "z unchanged":
            if slip not in ("bias only",):
                W_h[:, z] = -W_h[:, z]
                if slip != "recurrent only":
                    W_x[:, z] = -W_x[:, z]
            if slip not in ("weights only", "recurrent only"):
                b[z] = -b[z]
        if slip == "b_hn into z":
            b[z] += b_hn
        elif slip != "b_hn dropped":
            b[2 * H:] += b_hn
        return W_x, W_h, b
    return pytorch_to_chung


CONVERT_SLIPS = {"z unchanged": ("z", "none"), "one minus": ("z", "one_minus"),
                 "weights only": ("z", "weights_only"), "bias only": ("z", "bias_only"),
                 "all gates": ("z", "all_gates"), "recurrent only": ("z", "recurrent_only"),
                 "b_hn dropped": ("b_hn", "drop"), "b_hn into z": ("b_hn", "into_z")}


def test_convert_learner_written_slips_get_their_own_sentence():
    assert check_pytorch_to_chung(learner_convert(None)).passed
    assert set(CONVERT_SLIPS.values()) == set(_CONVERT_MISTAKES)
    for slip, key in CONVERT_SLIPS.items():
        r = check_pytorch_to_chung(learner_convert(slip))
        assert _says_only(r, "pytorch_to_chung", _CONVERT_MISTAKES[key]), (slip, r.message)


def test_convert_praise_is_true_the_reset_gate_is_one_in_the_test_case():
    args, X = _convert_case(seed=3)
    pt = rl.GRU(X.shape[2], args[1].shape[0])
    pt["W_x"], pt["W_h"], pt["b"], pt["b_hn"] = args
    tr = pt.forward(X)
    assert min(float(c.r.min()) for c in tr.caches) == 1.0   # "with the reset gate at 1"
    msg = _message(check_pytorch_to_chung(pytorch_to_chung))
    assert "with the reset gate at 1" in msg and "Where r < 1 no weights can do this" in msg


def learner_widths(count, nearest=False):
    """matched_widths from a learner's own count: the largest H within budget (or nearest)."""
    def widths(budget, D, O):
        out = {}
        for cell in ("RNN", "LSTM", "GRU"):
            H = 1
            while count(cell, D, H + 1, O) <= budget:
                H += 1
            if nearest and abs(count(cell, D, H + 1, O) - budget) < abs(count(cell, D, H, O)
                                                                        - budget):
                H += 1
            out[cell] = H
        return out
    return widths


def _gates(cell, swapped=False):
    g = {"RNN": 1, "LSTM": 4, "GRU": 3}[cell]
    return {4: 3, 3: 4}.get(g, g) if swapped else g


WIDTH_SLIPS = {
    ("gates", "swapped"): lambda c, D, H, O: _gates(c, True) * (D * H + H * H + H)
    + (H if c == "GRU" else 0) + H * O + O,
    ("gates", "none"): lambda c, D, H, O: D * H + H * H + H + (H if c == "GRU" else 0)
    + H * O + O,
    ("output", False): lambda c, D, H, O: param_count(c, D, H),
    ("biases", "pytorch"): lambda c, D, H, O: param_count(c, D, H, O, pytorch=True),
    ("inputs", False): lambda c, D, H, O: param_count(c, D, H, O) - _gates(c) * D * H,
    ("b_hn", False): lambda c, D, H, O: param_count(c, D, H, O) - (H if c == "GRU" else 0),
}


def test_widths_learner_written_slips_get_their_own_sentence():
    assert check_matched_widths(learner_widths(param_count)).passed
    assert set(WIDTH_SLIPS) | {("rounding", "nearest")} == set(_WIDTH_MISTAKES)
    for key, count in WIDTH_SLIPS.items():
        r = check_matched_widths(learner_widths(count))
        assert _says_only(r, "matched_widths", _WIDTH_MISTAKES[key]), (key, r.message)
    nearest = learner_widths(param_count, nearest=True)
    r = check_matched_widths(nearest)
    assert _says_only(r, "matched_widths", _WIDTH_MISTAKES["rounding", "nearest"]), r.message
    # "which can exceed it": on these very cases the nearest width does exceed the budget
    assert any(param_count(c, D, H, O) > budget for budget, D, O in _WIDTH_CASES
               for c, H in nearest(budget, D, O).items())


def test_widths_messages_numbers():
    r = check_matched_widths(matched_widths)
    w = matched_widths(600, 2, 1)
    assert _message(r) == (f"✔ matched_widths: for a budget of 600 with D=2, O=1: "
                           f"RNN {w['RNN']}, LSTM {w['LSTM']}, GRU {w['GRU']} units, each the "
                           f"widest that fits.")
    for c, H in w.items():                                 # "each the widest that fits"
        assert param_count(c, 2, H, 1) <= 600 < param_count(c, 2, H + 1, 1)

    def one_off(budget, D, O):                             # a slip no catalogue names
        out = matched_widths(budget, D, O)
        return {**out, "GRU": out["GRU"] - 1} if budget == 306 else out
    m = re.search(r"for a budget of (\d+) with D=(\d+), O=(\d+) you give (\{.*?\}); the widest "
                  r"that fit are (\{.*?\})\.", _message(check_matched_widths(one_off)))
    budget, D, O = (int(m[i]) for i in (1, 2, 3))
    assert (budget, D, O) == (306, 3, 2)
    assert ast.literal_eval(m[4]) == one_off(306, 3, 2)
    assert ast.literal_eval(m[5]) == matched_widths(306, 3, 2)


@pytest.mark.parametrize("check, name", [(check_gru_step, "gru_step"),
                                         (check_pytorch_to_chung, "pytorch_to_chung"),
                                         (check_matched_widths, "matched_widths")])
def test_unattempted_says_so_with_at_most_a_hint(check, name):
    for answer in (not_done, lambda *a: None):
        r = check(answer)
        msg = _message(r)
        assert not r.passed and not r.attempted
        assert msg.startswith(f"… {name}: not attempted yet. ") and "✘" not in msg
        assert len(re.findall(r"[.!?](\s|$)", msg)) <= 3     # the verdict and a hint
        for catalogue in (_STEP_MISTAKES, _CONVERT_MISTAKES, _WIDTH_MISTAKES):
            assert not any(s[:30] in msg for s in catalogue.values())
