"""Tests for rnnlab.tasks: each generator against its published specification."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab import tasks
from rnnlab.tasks import TaskBatch

# one small batch per task, made from a seed, for the checks every generator must pass
GENERATORS = {
    "timer": lambda rng: tasks.timer(50, 4, rng),
    "adding": lambda rng: tasks.adding_problem(30, 4, rng),
    "adding_variant": lambda rng: tasks.adding_problem_variant(20, 4, rng),
    "long_lag": lambda rng: tasks.long_lag(6, 4, rng),
    "counting": lambda rng: tasks.counting(12, 4, rng),
    "chars": lambda rng: tasks.char_batches(16, 4, rng),
}


def one_hot_logits(labels, n):
    """Logits (T, B, n) whose argmax is ``labels``."""
    return 5.0 * np.eye(n)[labels]


# ---------------------------------------------------------------- shared properties

@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_shapes_and_dtypes(name):
    b = GENERATORS[name](0)
    assert isinstance(b, TaskBatch)
    T, B, D = b.X.shape
    assert B == 4 and b.X.dtype == np.float64
    assert b.mask.shape == (T, B) and b.mask.dtype == np.float64
    assert set(np.unique(b.mask)) <= {0.0, 1.0}
    if b.loss == "mse":
        assert b.target.shape == (T, B, 1) and b.target.dtype == np.float64
    else:
        assert b.loss == "cross_entropy"
        assert b.target.shape == (T, B) and b.target.dtype == np.int64
        assert b.target.min() >= 0 and b.target.max() < D
    assert np.isfinite(b.X).all()


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_batches_plug_into_bptt(name):
    b = GENERATORS[name](1)
    O = 1 if b.loss == "mse" else b.X.shape[2]
    model = rl.RNN(b.X.shape[2], 5, O, rng=0)
    res = rl.bptt(model, b.X, b.target, loss=b.loss, mask=b.mask)
    assert np.isfinite(res.loss) and res.loss > 0
    assert np.abs(res.grads["W_hh"]).sum() > 0


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_deterministic_under_a_seed(name):
    make = GENERATORS[name]
    a, b, c = make(7), make(np.random.default_rng(7)), make(8)
    for x, y in [(a.X, b.X), (a.target, b.target), (a.mask, b.mask)]:
        np.testing.assert_array_equal(x, y)
    assert not (np.array_equal(a.X, c.X) and np.array_equal(a.target, c.target))


# ---------------------------------------------------------------- timer

def test_timer_pulses_have_exactly_round_10_u2_steps():
    b = tasks.timer(200, 30, 3, min_gap=12, max_gap=30)
    u1, u2, y = b.X[:, :, 0], b.X[:, :, 1], b.target[:, :, 0]
    assert set(np.unique(u1)) == {0.0, 1.0}
    assert np.isin(u2, np.arange(1, 11) / 10).all()     # 0.1, 0.2, ..., 1.0 everywhere
    seen_lengths = set()
    for s in range(30):
        pulses = np.flatnonzero(u1[:, s])
        np.testing.assert_array_equal(pulses, b.info["pulse_times"][s])
        assert ((np.diff(pulses) >= 12) & (np.diff(pulses) <= 30)).all()
        expected = np.zeros(200)
        for t in pulses:
            k = int(round(10 * u2[t, s]))
            expected[t:t + k] = 0.5
            seen_lengths.add(k)
        np.testing.assert_array_equal(y[:, s], expected)  # 0.5 inside pulses, 0 elsewhere
        np.testing.assert_array_equal(np.round(10 * u2[pulses, s]), b.info["durations"][s])
        changes = np.flatnonzero(np.diff(u2[:, s])) + 1   # u2 is held between pulses
        assert set(changes) <= set(pulses)
    assert seen_lengths == set(range(1, 11))


def _hand_timer_batch():
    """One sequence, T = 40: pulses at 2 (3 steps) and 20 (10 steps)."""
    X, target = np.zeros((40, 1, 2)), np.zeros((40, 1, 1))
    X[[2, 20], 0, 0] = 1
    target[2:5], target[20:30] = 0.5, 0.5
    info = {"pulse_times": [np.array([2, 20])], "durations": [np.array([3, 10])]}
    return TaskBatch(X, target, np.ones((40, 1)), "mse", info)


def test_timer_success_on_constructed_outputs():
    b = _hand_timer_batch()
    assert tasks.timer_success(b.target, b) == 1.0
    Y = b.target.copy()
    Y[5, 0, 0] = 0.4                    # first pulse 4 steps instead of 3: within +-1
    assert tasks.timer_success(Y, b) == 1.0
    Y[6, 0, 0] = 0.4                    # now 5 steps: off by 2
    assert tasks.timer_success(Y, b) == 0.5
    Y = b.target.copy()
    Y[20, 0, 0] = 0.0                   # off at the pulse step itself
    assert tasks.timer_success(Y, b) == 0.5
    assert tasks.timer_success(0.2 * np.ones((40, 1, 1)), b) == 0.0  # below threshold
    assert tasks.timer_success(0.2 * np.ones((40, 1, 1)), b, threshold=0.1) == 0.0


def test_timer_success_tolerance_zero_is_the_exact_length_rate():
    b = _hand_timer_batch()
    Y = b.target.copy()
    Y[5, 0, 0] = 0.4                    # first pulse 4 steps instead of 3
    assert tasks.timer_success(Y, b) == 1.0
    assert tasks.timer_success(Y, b, tolerance=0) == 0.5
    assert tasks.timer_success(b.target, b, tolerance=0) == 1.0
    Y[6, 0, 0] = 0.4                    # 5 steps: off by 2, passes only with tolerance 2
    assert tasks.timer_success(Y, b, tolerance=2) == 1.0
    for bad in (-1, 0.5, True, "1"):
        with pytest.raises(ValueError, match="tolerance must be"):
            tasks.timer_success(Y, b, tolerance=bad)


def test_timer_success_silence_fails_even_one_step_pulses():
    b = tasks.timer(300, 20, 0)
    assert tasks.timer_success(b.target, b) == 1.0
    assert tasks.timer_success(np.zeros_like(b.target), b) == 0.0


def test_timer_nrmse():
    b = tasks.timer(100, 5, 2)
    assert tasks.timer_nrmse(b.target, b.target) == 0.0
    mean_only = np.full_like(b.target, b.target.mean())
    assert tasks.timer_nrmse(mean_only, b.target) == pytest.approx(1.0)  # predicting the mean
    with pytest.raises(ValueError, match="target must vary"):
        tasks.timer_nrmse(b.target, np.zeros_like(b.target))


# ---------------------------------------------------------------- adding problem

@pytest.mark.parametrize("T", [11, 40])
def test_adding_problem_follows_hochreiter_schmidhuber(T):
    B = 400
    b = tasks.adding_problem(T, B, 5)
    L, marked = b.info["lengths"], b.info["marked"]
    assert b.X.shape == (T + T // 10, B, 2)
    assert ((L >= T) & (L <= T + T // 10)).all() and len(set(L)) > 1
    assert set(marked[:, 0]) == set(range(10))          # X1 on one of the first ten pairs
    assert set(marked[:, 1]) == set(range(T // 2))      # X2 reaches every allowed position
    for s in range(B):
        n, value, marker = L[s], b.X[:, s, 0], b.X[:, s, 1]
        p1, p2 = marked[s]
        unmarked_first = [i for i in range(n) if i != p1][:T // 2 - 1]
        assert p2 in unmarked_first                     # X2: first T/2 - 1 still unmarked
        assert marker[0] == -1 and marker[n - 1] == -1
        assert (b.X[n:, s] == 0).all()                  # padding after the end
        assert np.isin(marker[:n], [-1, 0, 1]).all() and (np.abs(value[:n]) <= 1).all()
        assert set(np.flatnonzero(marker == 1)) == {p1, p2} - {0}
        assert ((marker[1:n - 1] == -1).sum()) == 0
        if 0 in (p1, p2):
            assert value[0] == 0.0                       # H&S: X1 = 0 when the first is marked
        assert np.flatnonzero(b.mask[:, s]).tolist() == [n - 1]
        expected = 0.5 + value[marker == 1].sum() / 4   # computed from X alone
        assert b.target[n - 1, s, 0] == pytest.approx(expected)
        assert np.count_nonzero(b.target[:, s, 0]) <= 1
    assert (marked == 0).any(axis=1).sum() > 0            # the first-pair rule was exercised
    assert ((b.X[:, :, 1] == 1).sum(axis=0)[~(marked == 0).any(axis=1)] == 2).all()
    assert 0.0 <= b.target.min() and b.target.max() <= 1.0


def test_adding_variant():
    T, B = 25, 200
    b = tasks.adding_problem_variant(T, B, 4)
    value, marker = b.X[:, :, 0], b.X[:, :, 1]
    assert ((value >= 0) & (value <= 1)).all()
    assert np.isin(marker, [0, 1]).all() and ((marker == 1).sum(axis=0) == 2).all()
    np.testing.assert_allclose(b.target[T - 1, :, 0], (value * marker).sum(axis=0))
    assert (b.target[:T - 1] == 0).all()
    assert (b.mask[T - 1] == 1).all() and (b.mask[:T - 1] == 0).all()
    assert marker[0].any() and marker[T - 1].any()        # marks may fall anywhere


@pytest.mark.parametrize("make", [lambda: tasks.adding_problem(30, 50, 1),
                                  lambda: tasks.adding_problem_variant(30, 50, 1)])
def test_adding_solved_on_constructed_outputs(make):
    b = make()
    assert tasks.adding_solved(b.target, b).all()
    assert tasks.adding_success(b.target, b) == 1.0
    off = b.target + 0.05 * b.mask[:, :, None]
    assert not tasks.adding_solved(off, b).any()
    assert not tasks.adding_solved(b.target - 0.05 * b.mask[:, :, None], b).any()
    assert tasks.adding_solved(b.target + 0.035 * b.mask[:, :, None], b).all()
    assert not tasks.adding_solved(b.target + 0.045 * b.mask[:, :, None], b).any()
    assert tasks.adding_solved(off, b, tol=0.1).all()
    noise_elsewhere = b.target + 0.5 * (1 - b.mask[:, :, None])   # only the end counts
    assert tasks.adding_success(noise_elsewhere, b) == 1.0
    half = off.copy()
    half[:, :25] = b.target[:, :25]
    assert tasks.adding_success(half, b) == 0.5
    assert tasks.adding_solved(b.target, b).dtype == bool


# ---------------------------------------------------------------- long lag

def test_long_lag_sequence_structure():
    p, B = 8, 400
    b = tasks.long_lag(p, B, 2)
    assert b.X.shape == (p, B, p + 1) and b.target.shape == (p, B)
    x, y = p - 1, p
    inputs = b.X.argmax(axis=2)
    assert (b.X.sum(axis=2) == 1).all()
    first = inputs[0]
    assert set(first) == {x, y} and 150 < (first == x).sum() < 250   # about 1/2 each
    np.testing.assert_array_equal(inputs[1:], np.tile(np.arange(p - 1)[:, None], (1, B)))
    np.testing.assert_array_equal(b.target[:-1], inputs[1:])       # label = next input
    np.testing.assert_array_equal(b.target[-1], first)             # the last equals the first
    assert b.info["lag_step"] == p - 1
    assert b.info["symbols"][x] == "x" and b.info["symbols"][y] == "y"


def test_long_lag_success():
    p = 5
    b = tasks.long_lag(p, 40, 0)
    Y = one_hot_logits(b.target, p + 1)
    assert tasks.long_lag_success(Y, b) == 1.0
    wrong = Y.copy()
    wrong[-1] = one_hot_logits(np.where(b.target[-1] == p, p - 1, p), p + 1)  # swap x and y
    assert tasks.long_lag_success(wrong, b) == 0.0
    early_wrong = Y.copy()
    early_wrong[:-1] = 0.0
    assert tasks.long_lag_success(early_wrong, b) == 1.0             # only the last counts


# ---------------------------------------------------------------- counting

def test_counting_labels_and_accuracy():
    n = 9
    b = tasks.counting(30, 50, 3, n=n)
    current = b.X.argmax(axis=2)
    np.testing.assert_array_equal(b.target, (current + 1) % n)
    np.testing.assert_array_equal(current[1:], b.target[:-1])
    assert len(set(current[0])) > 1                                  # random phases
    assert (b.mask == 1).all()
    assert tasks.counting_accuracy(one_hot_logits(b.target, n), b) == 1.0
    assert tasks.counting_accuracy(one_hot_logits(current, n), b) == 0.0


# ---------------------------------------------------------------- characters

def test_text_is_plain_ascii_prose_of_the_requested_size():
    assert tasks.TEXT.isascii() and 1500 <= len(tasks.TEXT) <= 3000


def test_char_vocab_round_trip():
    v = tasks.CharVocab(tasks.TEXT)
    assert list(v.chars) == sorted(set(tasks.TEXT)) and v.size == len(set(tasks.TEXT))
    ids = v.encode(tasks.TEXT)
    assert ids.dtype == np.int64 and v.decode(ids) == tasks.TEXT
    assert v.decode(v.encode("the net")) == "the net"
    with pytest.raises(ValueError, match="characters of the vocabulary"):
        v.encode("\u00e9")
    with pytest.raises(ValueError, match=r"ids in \[0, V\)"):
        v.decode([0, v.size])


def test_char_batches_are_windows_of_the_text():
    T = 20
    b = tasks.char_batches(T, 6, 9)
    v = b.info["vocab"]
    assert b.X.shape == (T, 6, v.size)
    for s, o in enumerate(b.info["offsets"]):
        assert v.decode(b.X[:, s].argmax(axis=1)) == tasks.TEXT[o:o + T]
        assert v.decode(b.target[:, s]) == tasks.TEXT[o + 1:o + T + 1]
    own = tasks.char_batches(4, 3, 0, text="abcab")
    assert own.info["vocab"].chars == ("a", "b", "c")


# ---------------------------------------------------------------- bad arguments

@pytest.mark.parametrize("call, error, message", [
    (lambda: tasks.timer(0, 2, 0), ValueError, "T must be a positive integer"),
    (lambda: tasks.timer(50, 2.0, 0), ValueError, "B must be a positive integer"),
    (lambda: tasks.timer(50, 2, 0, min_gap=10), ValueError, "min_gap must be greater than 10"),
    (lambda: tasks.timer(50, 2, 0, max_gap=11), ValueError, "max_gap must be at least"),
    (lambda: tasks.timer(15, 2, 0), ValueError, "T must be at least min_gap"),
    (lambda: tasks.timer(50, 2, "seed"), TypeError, "rng must be a numpy Generator"),
    (lambda: tasks.adding_problem(10, 2, 0), ValueError, "T must be at least 11"),
    (lambda: tasks.adding_problem(True, 2, 0), ValueError, "T must be a positive integer"),
    (lambda: tasks.adding_problem_variant(1, 2, 0), ValueError, "T must be at least 2"),
    (lambda: tasks.adding_problem_variant(5, 2, 1.5), TypeError, "rng must be"),
    (lambda: tasks.long_lag(-3, 2, 0), ValueError, "p must be a positive integer"),
    (lambda: tasks.counting(5, 2, 0, n=1), ValueError, "n must be at least 2"),
    (lambda: tasks.char_batches(10, 2, 0, text="short"), ValueError, "at least T \\+ 1"),
    (lambda: tasks.char_batches(10, 2, 0, text=b"bytes"), TypeError, "text must be"),
    (lambda: tasks.CharVocab("abc").encode(3), TypeError, "encode expects a str"),
    (lambda: tasks.CharVocab("abc").decode([0.5]), TypeError, "integer ids"),
])
def test_bad_arguments_raise_naming_what_was_expected(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_success_functions_reject_mismatched_outputs():
    b = tasks.adding_problem(20, 3, 0)
    with pytest.raises(ValueError, match=r"Y must have shape \(T, B, O\)"):
        tasks.adding_solved(np.zeros((5, 3, 1)), b)
    with pytest.raises(ValueError, match="finite"):
        tasks.adding_solved(np.full(b.target.shape, np.nan), b)
    with pytest.raises(TypeError, match="batch must be a TaskBatch"):
        tasks.timer_success(np.zeros((5, 1, 1)), {"X": 0})
    c = tasks.counting(5, 2, 0)
    with pytest.raises(ValueError, match="Y must have shape"):
        tasks.counting_accuracy(np.zeros((5, 2, 3)), c)
