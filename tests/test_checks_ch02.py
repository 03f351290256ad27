"""Chapter 2's exercise checks: right answers pass, each classic mistake gets its own
diagnosis, and an unattempted exercise says so. The mistaken answers are written the way
a learner would write them, not with the checks' own variant generators."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab import buggy_rnn
from rnnlab.checks import (check_find_the_bugs, check_gradient_check, check_rnn_backward,
                           check_rnn_step_backward)
from rnnlab.rnn import RNNStepGrads


def flat(message):
    return " ".join(message.split())


# ---------------------------------------------------------------- rnn_step_backward

def step(dh, c, dphi=None, w_hh=None, left=None, db_keep=False, flip=False):
    da = dh * ((1 - c.h ** 2) if dphi is None else dphi(c))
    left = c.h_prev if left is None else left(c)
    dW_hh = da.T @ left if flip else left.T @ da
    return (da @ c.W_xh.T, da @ (c.W_hh.T if w_hh is None else w_hh(c)), c.x.T @ da, dW_hh,
            da if db_keep else da.sum(axis=0))


@pytest.mark.parametrize("answer", [step, rl.rnn_step_backward])
def test_step_right_answers_pass(answer):
    assert check_rnn_step_backward(answer).passed


@pytest.mark.parametrize("answer, phrase", [
    (lambda dh, c: step(dh, c, dphi=lambda c: 1.0), "tanh derivative is missing"),
    (lambda dh, c: step(dh, c, dphi=lambda c: 1 - c.h), "written 1 - h"),
    (lambda dh, c: step(dh, c, dphi=lambda c: 1 - c.h_prev ** 2), "uses h_prev"),
    (lambda dh, c: step(dh, c, w_hh=lambda c: c.W_hh), "instead of its transpose"),
    (lambda dh, c: step(dh, c, left=lambda c: c.h), "instead of h_prev"),
    (lambda dh, c: step(dh, c, flip=True), "dW_hh is transposed"),
    (lambda dh, c: step(dh, c, db_keep=True), "sum it over the batch"),
])
def test_step_mistakes_are_named(answer, phrase):
    result = check_rnn_step_backward(answer)
    assert not result.passed and phrase in flat(result.message)


def test_step_not_attempted():
    def todo(dh, cache):
        raise NotImplementedError
    result = check_rnn_step_backward(todo)
    assert not result.attempted and "not attempted" in result.message


# ---------------------------------------------------------------- rnn_backward

def loop(carry=True, every=True, mean=False, init="right", step_fn=rl.rnn_step_backward):
    def rnn_backward(dH, caches):
        T = len(caches)
        dX, dnext, sums, dh = [], np.zeros_like(dH[0]), [0, 0, 0], None
        for t in reversed(range(T)):
            dh = (dH[t] if every or t == T - 1 else 0) + (dnext if carry else 0)
            g = RNNStepGrads(*step_fn(dh, caches[t]))
            dX.insert(0, g.dx)
            dnext = g.dh_prev
            sums = [s + x for s, x in zip(sums, (g.dW_xh, g.dW_hh, g.db_h))]
        if mean:
            sums = [s / T for s in sums]
        dh_init = {"right": dnext, "zeros": np.zeros_like(dnext), "dh0": dh}[init]
        return (np.stack(dX), dh_init, *sums)
    return rnn_backward


def test_loop_right_answer_passes():
    assert check_rnn_backward(loop()).passed


@pytest.mark.parametrize("answer, phrase", [
    (loop(carry=False), "dh is not carried to step t-1"),
    (loop(every=False), "added only at the last step"),
    (loop(mean=True), "T times too small"),
    (loop(init="zeros"), "is zeros"),
    (loop(init="dh0"), "one step earlier"),
    (loop(step_fn=lambda dh, c: step(dh, c, dphi=lambda c: 1.0)), "tanh derivative is missing"),
    (loop(step_fn=lambda dh, c: step(dh, c, w_hh=lambda c: c.W_hh)), "W_hh is transposed"),
    (loop(step_fn=lambda dh, c: step(dh, c, left=lambda c: c.h)), "swapped"),
])
def test_loop_mistakes_are_named(answer, phrase):
    result = check_rnn_backward(answer)
    assert not result.passed and phrase in flat(result.message)


def test_loop_two_mistakes_are_both_named():
    result = check_rnn_backward(loop(carry=False, mean=True))
    assert "not carried" in flat(result.message) and "T times too small" in flat(result.message)


# ---------------------------------------------------------------- gradient check

def centred(f, w, eps=1e-5, restore=True):
    g = np.zeros_like(w)
    for j in np.ndindex(w.shape):
        old = w[j]
        w[j] = old + eps
        fp = f()
        w[j] = old - eps
        fm = f()
        if restore:
            w[j] = old
        g[j] = (fp - fm) / (2 * eps)
    return g


def forward(f, w, eps=1e-5):
    g = np.zeros_like(w)
    for j in np.ndindex(w.shape):
        f0, old = f(), w[j]
        w[j] = old + eps
        g[j] = (f() - f0) / eps
        w[j] = old
    return g


def not_restored(f, w, eps=1e-5):
    return centred(f, w, eps, restore=False)


def on_a_copy(f, w, eps=1e-5):
    return centred(f, w.copy(), eps)


def half(f, w, eps=1e-5):
    return 2 * centred(f, w, eps)


def too_large(f, w, eps=1e-2):
    return centred(f, w, eps)


def too_small(f, w, eps=1e-12):
    return centred(f, w, eps)


def rel(a, b):
    d = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if d == 0 else float(np.linalg.norm(a - b) / d)


def rel_cs231n(a, b):
    d = np.maximum(np.abs(a) + np.abs(b), 1e-300)
    return float(np.max(np.abs(a - b) / d))


@pytest.mark.parametrize("num, relerr", [(centred, rel), (rl.numerical_gradient, rel),
                                         (centred, rl.relative_error)])
def test_gradient_check_right_answers_pass(num, relerr):
    assert check_gradient_check(num, relerr).passed


@pytest.mark.parametrize("num, relerr, phrase", [
    (forward, rel, "forward differences"),
    (not_restored, rel, "put each entry back"),
    (on_a_copy, rel, "perturb w in place"),
    (half, rel, "divide by 2 eps"),
    (too_large, rel, "too large"),
    (too_small, rel, "too small"),
    (centred, lambda a, b: np.linalg.norm(a - b), "not relative"),
    (centred, lambda a, b: abs(np.linalg.norm(a) - np.linalg.norm(b)) / (
        np.linalg.norm(a) + np.linalg.norm(b)), "not their directions"),
    (centred, lambda a, b: np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)),
     "returns NaN"),
    (centred, lambda a, b: np.abs(a - b) / (np.abs(a) + np.abs(b)), "one number"),
    (centred, lambda a, b: abs(np.sum(a - b)) / (np.linalg.norm(a) + np.linalg.norm(b)),
     "cancel"),
])
def test_gradient_check_mistakes_are_named(num, relerr, phrase):
    result = check_gradient_check(num, relerr)
    assert not result.passed and phrase in flat(result.message), result.message


def test_gradient_check_not_attempted():
    def todo(f, w, eps=...):
        raise NotImplementedError
    result = check_gradient_check(todo, rel)
    assert not result.attempted


def test_cs231n_style_relative_error_is_accepted():
    assert check_gradient_check(centred, rel_cs231n).passed


# ---------------------------------------------------------------- find the bugs

def learner_version(fixed=()):
    """The learner's copy: buggy_rnn with the bugs not in ``fixed``, as two functions."""
    bugs = [b for b in buggy_rnn.BUGS if b not in fixed]

    def loss_fn(inputs, targets, h_prev, p):
        return buggy_rnn.loss_and_grads(inputs, targets, h_prev, p, bugs=bugs)

    def update(p, g, lr):
        buggy_rnn.update(p, g, lr, bugs=bugs)
    return loss_fn, update


def test_all_bugs_fixed_passes():
    result = check_find_the_bugs(*learner_version(buggy_rnn.BUGS))
    assert result.passed and "all five bugs fixed" in result.message


def test_untouched_code_reports_all_five():
    result = check_find_the_bugs(*learner_version())
    assert not result.passed and "0 of 5 bugs fixed" in result.message
    assert flat(result.message).count("  ") == 0 and result.message.count("\n  - ") == 5


@pytest.mark.parametrize("bug", buggy_rnn.BUGS)
def test_each_remaining_bug_is_named(bug):
    fixed = [b for b in buggy_rnn.BUGS if b != bug]
    result = check_find_the_bugs(*learner_version(fixed))
    assert not result.passed and "4 of 5 bugs fixed" in result.message
    from rnnlab.checks.ch02 import BUG_NAMES
    assert flat(BUG_NAMES[bug]) in flat(result.message)


def test_gradient_check_finds_exactly_the_four_gradient_bugs():
    inputs, targets = buggy_rnn.counting_sequence(6), buggy_rnn.counting_sequence(7)[1:]
    for bug in buggy_rnn.BUGS[:4]:
        p = buggy_rnn.init_params(9, 4, rng=1)
        h0 = np.full(4, 0.5)

        def f():
            return buggy_rnn.loss_and_grads(inputs, targets, h0, p, bugs=[bug])[0]
        g = buggy_rnn.loss_and_grads(inputs, targets, h0, p, bugs=[bug])[1]
        errors = [rl.relative_error(g[k], rl.numerical_gradient(f, p[k])) for k in p]
        assert max(errors) > 1e-3, bug
