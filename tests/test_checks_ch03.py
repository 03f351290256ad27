"""Chapter 3's exercise checks: right answers pass, each classic mistake gets its own
diagnosis, and an unattempted exercise says so. Mistaken answers are written the way a
learner would write them, not with the checks' own variant generators."""
import math
import re

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.checks.ch03 import (ANSWERS, PREDICT_CASES, case_numbers, check_clip_by_norm,
                                check_one_unit_grad, check_predictions, predict_answer)


def flat(message):
    return " ".join(message.split())


def s(a):
    return 1 / (1 + math.exp(-a))


def grad(w, b, dsig=True, dsig_out=True, first=1, pre=False, own=False, sign=1, two=2):
    xs = [0.5]
    for _ in range(50):
        xs.append(w * s(xs[-1]) + b)
    sT = s(xs[50])
    d = sign * two * (sT - 0.7) * (sT * (1 - sT) if dsig_out else 1)
    dw = db = 0.0
    for t in range(50, first - 1, -1):
        dw += d * (xs[t - 1] if pre else s(xs[t]) if own else s(xs[t - 1]))
        db += d
        d = d * w * (s(xs[t - 1]) * (1 - s(xs[t - 1])) if dsig else 1)
    return dw, db


def test_one_unit_right_answers_pass():
    assert check_one_unit_grad(grad).passed
    from rnnlab.cliff import one_unit_loss
    assert check_one_unit_grad(lambda w, b: one_unit_loss(w, b)[1:]).passed
    r = check_one_unit_grad(grad, solution=True)
    assert r.passed and "reference solution" in r.message and "unchanged" in r.message


@pytest.mark.parametrize("answer, phrase", [
    (lambda w, b: grad(w, b, dsig=False), "skips sigmoid'"),
    (lambda w, b: grad(w, b, dsig_out=False), "misses s'(x_T)"),
    (lambda w, b: grad(w, b, first=2), "one step early"),
    (lambda w, b: grad(w, b, pre=True), "x_{t-1} where s(x_{t-1}) belongs"),
    (lambda w, b: grad(w, b, own=True), "this step's output"),
    (lambda w, b: grad(w, b, sign=-1), "signs are flipped"),
    (lambda w, b: grad(w, b, two=1), "factor 2"),
])
def test_one_unit_mistakes_are_named(answer, phrase):
    r = check_one_unit_grad(answer)
    assert not r.passed and phrase in flat(r.message), r.message


def test_one_unit_unattempted_and_bad_shapes():
    def todo(w, b):
        raise NotImplementedError
    r = check_one_unit_grad(todo)
    assert not r.attempted and "not attempted" in r.message
    assert "two numbers" in check_one_unit_grad(lambda w, b: 1.0).message
    assert "the library gives" in flat(check_one_unit_grad(lambda w, b: (1.0, 2.0)).message)


def clip_right(grads, threshold):
    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    return [g * threshold / norm for g in grads] if norm > threshold else [g.copy() for g in grads]


def test_clip_right_answers_pass():
    assert check_clip_by_norm(clip_right).passed

    def with_library(grads, threshold):
        out = [g.copy() for g in grads]
        rl.clip_global_norm(out, threshold)
        return out
    assert check_clip_by_norm(with_library).passed


def clip_each(grads, threshold):
    return [g * min(1, threshold / np.linalg.norm(g)) for g in grads]


def clip_always(grads, threshold):
    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    return [g * threshold / norm for g in grads]


def clip_values(grads, threshold):
    return [np.clip(g, -threshold, threshold) for g in grads]


def clip_squared(grads, threshold):
    norm = sum(float((g ** 2).sum()) for g in grads)
    return [g * threshold / norm for g in grads] if norm > threshold else grads


def clip_in_place(grads, threshold):
    norm = math.sqrt(sum(float((g ** 2).sum()) for g in grads))
    if norm > threshold:
        for g in grads:
            g *= threshold / norm
    return grads


def clip_max(grads, threshold):
    top = max(float(np.abs(g).max()) for g in grads)
    return [g * threshold / top for g in grads] if top > threshold else grads


@pytest.mark.parametrize("answer, phrase", [
    (clip_each, "its own norm"), (clip_always, "already below the threshold"),
    (clip_values, "elementwise clipping"), (clip_squared, "the norm is squared"),
    (clip_in_place, "in place"), (clip_max, "largest entry"),
])
def test_clip_mistakes_are_named(answer, phrase):
    r = check_clip_by_norm(answer)
    assert not r.passed and phrase in flat(r.message), r.message


def test_clip_unattempted():
    def todo(grads, threshold):
        raise NotImplementedError
    assert not check_clip_by_norm(todo).attempted
    assert "list of arrays" in flat(check_clip_by_norm(lambda g, t: 3.0).message)


RIGHT = {"A": "vanishes", "B": "vanishes", "C": "cannot tell", "D": "explodes",
         "E": "vanishes", "F": "cannot tell"}


def test_predictions_right_and_library_agree():
    assert {k: predict_answer(*v) for k, v in PREDICT_CASES.items()} == RIGHT
    assert check_predictions(dict(RIGHT)).passed
    assert not check_predictions({k: ... for k in RIGHT}).attempted
    assert not check_predictions(None).attempted


@pytest.mark.parametrize("label, answer, phrase", [
    ("B", "cannot tell", "at most 0.25"),           # forgot gamma = 1/4 for the sigmoid
    ("B", "explodes", "at most 0.25"),
    ("C", "explodes", "necessary for exploding, not sufficient"),
    ("E", "cannot tell", "the spectral radius decides"),   # used sigma_max on a linear unit
    ("D", "cannot tell", "grows like rho^lag"),
    ("A", "cannot tell", "sufficient for vanishing"),
    ("F", "explodes", "necessary for exploding, not sufficient"),
    ("F", "vanishes", "does not force one"),
])
def test_prediction_mistakes_are_explained(label, answer, phrase):
    r = check_predictions({**RIGHT, label: answer})
    assert not r.passed and phrase in flat(r.message), r.message
    assert "sigma_max" in r.message


COMPARISON = re.compile(r"(gamma sigma_max|rho|sigma_max) (?:= ([-0-9.e+]+) )?([<>]) 1\b")


@pytest.mark.parametrize("label", list(PREDICT_CASES))
@pytest.mark.parametrize("answer", ANSWERS)
def test_every_wrong_answer_gets_a_true_explanation(label, answer):
    """Each case x each wrong answer: the message names the right answer, and every
    comparison with 1 that it makes (quoted value or the case's own) is true."""
    W, act = PREDICT_CASES[label]
    if answer == RIGHT[label]:
        return
    msg = flat(check_predictions({**RIGHT, label: answer}).message)
    gamma, sigma, rho = case_numbers(W, act)
    actual = {"gamma sigma_max": gamma * sigma, "sigma_max": sigma, "rho": rho}
    right_words = {"vanishes": "vanishes", "explodes": "explodes",
                   "cannot tell": "theory cannot tell"}
    assert right_words[RIGHT[label]] in msg, msg
    comparisons = COMPARISON.findall(msg)
    assert comparisons, msg
    for name, quoted, sign in comparisons:
        value = float(quoted) if quoted else actual[name]
        assert math.isclose(value, actual[name], rel_tol=1e-2), (name, value, msg)
        assert (value > 1) == (sign == ">"), (name, value, sign, msg)
    for word in set(ANSWERS) - {RIGHT[label]}:
        if word == "cannot tell":
            assert "theory cannot tell" not in msg, msg
        else:
            assert f"it {word}" not in msg and f"so it {word}" not in msg, msg


def test_prediction_bad_words():
    r = check_predictions({**RIGHT, "A": "vanish"})
    assert "not one of" in r.message
    r = check_predictions({**RIGHT, "A": None})
    assert "no answer yet for A" in r.message


ONE_UNIT_MISTAKES = {
    "skips sigmoid'": lambda w, b: grad(w, b, dsig=False),
    "misses s'(x_T)": lambda w, b: grad(w, b, dsig_out=False),
    "one step early": lambda w, b: grad(w, b, first=2),
    "x_{t-1} where s(x_{t-1}) belongs": lambda w, b: grad(w, b, pre=True),
    "this step's output": lambda w, b: grad(w, b, own=True),
    "signs are flipped": lambda w, b: grad(w, b, sign=-1),
    "factor 2": lambda w, b: grad(w, b, two=1),
}
NUM = r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
LEAD = re.compile(rf"at \(w, b\) = \({NUM}, {NUM}\) you give dL/dw = {NUM}, dL/db = {NUM}; "
                  rf"the library gives {NUM}, {NUM}")


@pytest.mark.parametrize("phrase", list(ONE_UNIT_MISTAKES))
def test_one_unit_messages_are_true(phrase):
    """Each mistake gets its own sentence and no other, and the numbers it quotes are the
    learner's answer and the library's at the point it names."""
    from rnnlab.cliff import one_unit_loss
    answer = ONE_UNIT_MISTAKES[phrase]
    msg = flat(check_one_unit_grad(answer).message)
    assert [p for p in ONE_UNIT_MISTAKES if p in msg] == [phrase], msg
    w, b, dw, db, ref_dw, ref_db = map(float, LEAD.search(msg).groups())
    ref = one_unit_loss(w, b)
    np.testing.assert_allclose([dw, db], answer(w, b), rtol=1e-5)
    np.testing.assert_allclose([ref_dw, ref_db], [float(ref.dw), float(ref.db)], rtol=1e-5)
    assert not np.allclose([dw, db], [ref_dw, ref_db], rtol=1e-6)


CLIP_MISTAKES = {"its own norm": clip_each, "already below the threshold": clip_always,
                 "elementwise clipping": clip_values, "the norm is squared": clip_squared,
                 "largest entry": clip_max}


@pytest.mark.parametrize("phrase", list(CLIP_MISTAKES))
def test_clip_messages_are_true(phrase):
    """Each mistake gets its own sentence and no other; the ||g|| it quotes is the norm of a
    test case with that threshold, below the threshold exactly when the message says so."""
    from rnnlab.checks.ch03 import _clip_cases
    msg = flat(check_clip_by_norm(CLIP_MISTAKES[phrase]).message)
    assert [p for p in CLIP_MISTAKES if p in msg] == [phrase], msg
    norm, threshold = map(float, re.search(rf"\|\|g\|\| = {NUM} and threshold {NUM}:",
                                                     msg).groups())
    norms = {t: math.sqrt(sum(float((g ** 2).sum()) for g in gs)) for gs, t in _clip_cases()
             if math.isclose(math.sqrt(sum(float((g ** 2).sum()) for g in gs)), norm,
                             rel_tol=1e-3)}
    assert threshold in norms, (norm, threshold, msg)
    assert (norm < threshold) == (phrase == "already below the threshold"), msg
