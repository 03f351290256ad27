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


# ---------------------------------------------------------------- every message is true

def differing(answer, case, reference, names):
    """The names of the gradients that ``answer`` gets wrong on ``case`` (args, sizes)."""
    args = case[:-1]
    got, ref = answer(*args), reference(*args)
    return [n for n, a, r in zip(names, got, ref)
            if np.shape(a) != np.shape(r) or not np.allclose(a, r, rtol=1e-9, atol=1e-12)]


def named_as_wrong(message):
    """The gradients a message says differ: 'dx, dW_hh differ from the library's'."""
    import re
    m = re.search(r": ((?:\w+, )*\w+) differs? from the library's", flat(message))
    return m.group(1).split(", ") if m else None


STEP_WRONG = [
    lambda dh, c: step(dh, c, dphi=lambda c: 1.0),
    lambda dh, c: step(dh, c, dphi=lambda c: 1 - c.h),
    lambda dh, c: step(dh, c, dphi=lambda c: 1 - c.h_prev ** 2),
    lambda dh, c: step(dh, c, w_hh=lambda c: c.W_hh),
    lambda dh, c: step(dh, c, left=lambda c: c.h),
    lambda dh, c: step(dh, c, flip=True),
    lambda dh, c: tuple(2 * g if n == 0 else g for n, g in enumerate(step(dh, c))),
]


@pytest.mark.parametrize("answer", STEP_WRONG)
def test_step_messages_name_exactly_the_gradients_that_differ(answer):
    from rnnlab.checks.ch02 import STEP_NAMES, _step_case
    message = check_rnn_step_backward(answer).message
    case = _step_case(3, 4, 5, 11)
    assert named_as_wrong(message) == differing(answer, case, rl.rnn_step_backward, STEP_NAMES)


def test_step_unknown_mistake_gets_the_general_advice_with_true_sizes():
    message = flat(check_rnn_step_backward(STEP_WRONG[-1]).message)
    assert "dx differs from the library's (B=3, D=4, H=5). Start from da" in message


def test_step_dict_and_count_messages():
    def as_dict(dh, c):
        return dict(zip(("dx", "dh_prev", "dW_xh", "dW_hh", "db_h"), step(dh, c)))

    def without_db(dh, c):
        d = as_dict(dh, c)
        del d["db_h"]
        return d
    assert check_rnn_step_backward(as_dict).passed
    assert "returned a dict without 'db_h'" in flat(check_rnn_step_backward(without_db).message)
    message = flat(check_rnn_step_backward(lambda dh, c: step(dh, c)[:4]).message)
    assert "should return 5 gradients" in message and "got 4 values" in message


LOOP_WRONG = [loop(carry=False), loop(every=False), loop(mean=True), loop(init="zeros"),
              loop(init="dh0"), loop(step_fn=lambda dh, c: step(dh, c, dphi=lambda c: 1.0)),
              loop(step_fn=lambda dh, c: step(dh, c, w_hh=lambda c: c.W_hh)),
              loop(step_fn=lambda dh, c: step(dh, c, left=lambda c: c.h))]


@pytest.mark.parametrize("answer", LOOP_WRONG)
def test_loop_messages_name_exactly_the_gradients_that_differ(answer):
    from rnnlab.checks.ch02 import LOOP_NAMES, _loop_backward, _loop_case
    message = check_rnn_backward(answer).message
    case = _loop_case(5, 3, 4, 6, 21)
    assert named_as_wrong(message) == differing(answer, case, _loop_backward, LOOP_NAMES)


def test_loop_averaged_over_time_is_exactly_t_times_too_small():
    from rnnlab.checks.ch02 import _loop_backward, _loop_case
    dH, caches, sizes = _loop_case(5, 3, 4, 6, 21)
    mine, ref = loop(mean=True)(dH, caches), _loop_backward(dH, caches)
    for a, r in zip(mine[2:], ref[2:]):
        np.testing.assert_allclose(sizes["T"] * a, r, rtol=1e-12)
    assert "T times too small" in flat(check_rnn_backward(loop(mean=True)).message)


def test_loop_says_where_dx_first_goes_wrong():
    from rnnlab.checks.ch02 import _loop_backward, _loop_case

    def half_carried(dH, caches):            # carries half of dh_prev: not in the catalogue
        dX, dnext, sums = [], np.zeros_like(dH[0]), [0, 0, 0]
        for t in reversed(range(len(caches))):
            g = rl.rnn_step_backward(dH[t] + 0.5 * dnext, caches[t])
            dX.insert(0, g.dx)
            dnext = g.dh_prev
            sums = [s + x for s, x in zip(sums, (g.dW_xh, g.dW_hh, g.db_h))]
        return (np.stack(dX), dnext, *sums)
    message = flat(check_rnn_backward(half_carried).message)
    dH, caches, _ = _loop_case(5, 3, 4, 6, 21)
    wrong = [t for t in range(5) if not np.allclose(half_carried(dH, caches)[0][t],
                                                   _loop_backward(dH, caches)[0][t])]
    assert wrong[-1] == 3
    assert "dX is right at step 4; going back, it first goes wrong at step 3" in message


def test_eps_messages_are_true():
    def no_default(f, w, eps):
        return centred(f, w, eps)

    def negative(f, w, eps=-1e-5):
        return centred(f, w, 1e-5)
    assert "with a default value" in flat(check_gradient_check(no_default, rel).message)
    assert "small positive number, got -1e-05" in flat(check_gradient_check(negative, rel).message)
    message = flat(check_gradient_check(too_large, rel).message)
    assert "eps = 0.01 is too large" in message and f"order {1e-2 ** 2:.0e}" in message


def test_entries_left_changed_are_counted():
    def last_one_kept(f, w, eps=1e-5):       # restores every entry but the last
        g = centred(f, w, eps)
        w[-1, -1] += eps
        return g
    assert "12 of the 12 entries of w had changed" in flat(
        check_gradient_check(not_restored, rel).message)
    assert "1 of the 12 entries of w had changed" in flat(
        check_gradient_check(last_one_kept, rel).message)


@pytest.mark.parametrize("num, phrase", [
    (lambda f, w, eps=1e-5: -centred(f, w, eps), "the sign is flipped"),
    (lambda f, w, eps=1e-5: backward_diff(f, w, eps), "backward differences"),
])
def test_other_difference_formulas_are_named(num, phrase):
    assert phrase in flat(check_gradient_check(num, rel).message)


def backward_diff(f, w, eps=1e-5):
    g = np.zeros_like(w)
    for j in np.ndindex(w.shape):
        f0, old = f(), w[j]
        w[j] = old - eps
        g[j] = (f0 - f()) / eps
        w[j] = old
    return g


def test_a_fixed_shape_is_caught_on_the_rnn_with_the_true_count():
    def fixed_shape(f, w, eps=1e-5):         # visits a 3 x 4 array's entries only
        g = np.zeros_like(w)
        for j in np.ndindex(3, 4):
            old = w[j]
            w[j] = old + eps
            fp = f()
            w[j] = old - eps
            fm = f()
            w[j] = old
            g[j] = (fp - fm) / (2 * eps)
        return g
    message = flat(check_gradient_check(fixed_shape, rel).message)
    assert "4 of its 16 entries differ" in message      # row 3 of the 4 x 4 W_hh


def test_relative_error_messages_are_true():
    a, b = np.array([1.0, -2.0, 0.5, 3.0]), np.array([1.1, -2.0, 0.45, 2.9])

    def squared(x, y):                        # scale-free, but the square of the real thing
        return rel(x, y) ** 2
    message = flat(check_gradient_check(centred, squared).message)
    assert (f"it gives {rel(a, b) ** 2:.3g}; ||a - b|| / (||a|| + ||b||) is "
            f"{rl.relative_error(a, b):.3g}") in message
    message = flat(check_gradient_check(centred, lambda x, y: "small").message)
    assert "returned a str" in message
    message = flat(check_gradient_check(centred, lambda x, y: rel(x, y) + 1e-3).message)
    assert "for two equal gradients it gives 0.001" in message


def test_relative_error_that_breaks_on_matrices_is_caught_with_true_numbers():
    def vectors_only(x, y):
        return rel(x, y) if np.ndim(x) == 1 else 1.0
    message = flat(check_gradient_check(centred, vectors_only).message)
    rng = np.random.default_rng(32)
    model = rl.RNN(3, 4, 2, rng=5)
    X, target = rng.standard_normal((4, 2, 3)), rng.standard_normal((4, 2, 2))
    analytic = rl.bptt(model, X, target).grads["W_hh"]
    numeric = centred(lambda: rl.mse(model(X), target)[0], model["W_hh"])
    assert (f"gives 1e+00 between rl.bptt's gradient and your centred differences, which "
            f"agree to {rl.relative_error(analytic, numeric):.0e}") in message


# ---------------------------------------------------------------- find the bugs: every claim

ALL_SUBSETS = [tuple(b for b, on in zip(buggy_rnn.BUGS, mask) if on)
               for mask in np.ndindex(*(2,) * len(buggy_rnn.BUGS))]


def test_first_run_is_not_attempted_and_gives_only_a_hint():
    from rnnlab.checks.ch02 import BUG_HINTS, BUG_NAMES
    result = check_find_the_bugs(*learner_version())
    message = flat(result.message)
    assert not result.attempted and "not attempted yet" in message
    assert "All five bugs are still in the code as given" in message
    for bug in buggy_rnn.BUGS:                 # neither the fixes nor the per-bug hints
        assert flat(BUG_NAMES[bug]) not in message and flat(BUG_HINTS[bug]) not in message


def test_the_not_attempted_hint_works_as_written():
    """The hint's recipe, run on the code as given, flags gradients; and 'one bug is in no
    gradient': with only the update's bug left, every gradient agrees."""
    loss_fn, _ = learner_version()
    seq = buggy_rnn.counting_sequence(10)
    p = buggy_rnn.init_params(9, 6)
    h0 = np.full(6, 0.5)
    report = rl.compare_gradients(lambda: loss_fn(seq[:-1], seq[1:], h0, p)[0], p,
                                  loss_fn(seq[:-1], seq[1:], h0, p)[1])
    assert not report.ok
    loss_fn, _ = learner_version(buggy_rnn.BUGS[:4])
    assert rl.compare_gradients(lambda: loss_fn(seq[:-1], seq[1:], h0, p)[0], p,
                                loss_fn(seq[:-1], seq[1:], h0, p)[1]).ok


@pytest.mark.parametrize("fixed", [s for s in ALL_SUBSETS if 0 < len(s) < 5])
def test_partial_fixes_count_hint_and_gradient_table_are_true(fixed):
    from rnnlab.checks.ch02 import BUG_HINTS, BUG_NAMES, _bug_case
    left = [b for b in buggy_rnn.BUGS if b not in fixed]
    message = flat(check_find_the_bugs(*learner_version(fixed)).message)
    assert f"{len(fixed)} of 5 bugs fixed" in message
    assert f"{len(left)} still there" in message
    in_grads = sum(b != "sign_update" for b in left)
    assert (f"{in_grads} in loss_fn" if in_grads else "none in loss_fn") in message
    assert ("the update is still wrong" in message) == ("sign_update" in left)
    assert ("the update is right" in message) == ("sign_update" not in left)
    for bug in buggy_rnn.BUGS:
        assert (flat(BUG_HINTS[bug]) in message) == (bug in left), bug
        assert flat(BUG_NAMES[bug]) not in message       # hints, not fixes
    # the gradient table: each verdict against an independent gradient check
    inputs, targets, h_prev, p = _bug_case()
    loss_fn, _ = learner_version(fixed)
    g = loss_fn(inputs, targets, h_prev, p)[1]
    for name in buggy_rnn.NAMES:
        err = rl.relative_error(g[name], rl.numerical_gradient(
            lambda: loss_fn(inputs, targets, h_prev, p)[0], p[name]))
        assert f"{name} {'ok' if err < 1e-6 else 'DISAGREES'}" in message, name
    if in_grads:                                  # "the gradient check shows their traces"
        assert "DISAGREES" in message


def test_the_solution_message_lists_every_bug_and_its_fix():
    from rnnlab.checks.ch02 import BUG_NAMES
    message = flat(check_find_the_bugs(*learner_version(buggy_rnn.BUGS), solution=True).message)
    assert "all five bugs fixed" in message and "reference solution" in message
    for bug in buggy_rnn.BUGS:
        assert flat(BUG_NAMES[bug]) in message


def test_find_the_bugs_other_messages():
    loss_fn, update = learner_version(buggy_rnn.BUGS)

    def two_values(*a):
        return loss_fn(*a)[:2]

    def no_b_y(*a):
        loss, g, h = loss_fn(*a)
        return loss, {k: v for k, v in g.items() if k != "b_y"}, h

    def starts_from_zero(inputs, targets, h_prev, p):      # consistent, but ignores h_prev
        return loss_fn(inputs, targets, np.zeros_like(h_prev), p)

    def doubled_b_y(*a):                                    # a bug the catalogue lacks
        loss, g, h = loss_fn(*a)
        return loss, {**g, "b_y": 2 * g["b_y"]}, h

    def double_step(p, g, lr):
        for k in p:
            p[k] -= 2 * lr * g[k]

    def raises(p, g, lr):
        raise KeyError("W")
    cases = [(two_values, update, "should return (loss, grads, h_last)"),
             (no_b_y, update, "the grads dict has no 'b_y'"),
             (starts_from_zero, update, "the loss itself differs from the reference"),
             (doubled_b_y, update, "not one the check knows"),
             (loss_fn, double_step, "it did something else"),
             (loss_fn, raises, "update raised KeyError")]
    for lf, up, phrase in cases:
        result = check_find_the_bugs(lf, up)
        assert not result.passed and phrase in flat(result.message), (phrase, result.message)
    # "your gradients are right for your loss": true for starts_from_zero
    from rnnlab.checks.ch02 import _bug_case
    inputs, targets, h_prev, p = _bug_case()
    g = starts_from_zero(inputs, targets, h_prev, p)[1]
    for name in buggy_rnn.NAMES:
        assert rl.relative_error(g[name], rl.numerical_gradient(
            lambda: starts_from_zero(inputs, targets, h_prev, p)[0], p[name])) < 1e-6
    assert "DISAGREES" in flat(check_find_the_bugs(doubled_b_y, update).message)
