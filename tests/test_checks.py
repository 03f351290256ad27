"""The exercise checks: right answers pass, each classic mistake gets its own diagnosis,
unattempted exercises and garbage get a helpful line, never a traceback.

The mistaken answers below are written the way a learner would write them (by hand, not
with the checks' own variant generators), so each test also checks the diagnosis engine.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnlab as rl
from rnnlab.checks import (ARRANGEMENT_TASKS, CheckResult, check_arrangements,
                           check_param_count, check_rnn_forward, check_timer_target)
from rnnlab.checks.ch01 import _forward, _forward_case, _timer_case, _timer_target
from rnnlab.tasks import timer

# ---------------------------------------------------------------- learner answers: rnn_forward


def forward_right(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for t in range(X.shape[0]):
        h = np.tanh(X[t] @ W_xh + h @ W_hh + b_h)
        Hs.append(h)
    return np.stack(Hs)


def forward_preallocated(X, h_init, W_xh, W_hh, b_h):
    Hs = np.zeros((X.shape[0], h_init.shape[0], h_init.shape[1]), dtype=np.float32)
    h = h_init
    for t, x in enumerate(X):
        h = np.tanh(x @ W_xh + h @ W_hh + b_h)
        Hs[t] = h
    return Hs


def forward_no_bias(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for x in X:
        h = np.tanh(x @ W_xh + h @ W_hh)
        Hs.append(h)
    return np.stack(Hs)


def forward_transposed(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for x in X:
        h = np.tanh(x @ W_xh + (W_hh @ h.T).T + b_h)
        Hs.append(h)
    return np.stack(Hs)


def forward_sigmoid(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for x in X:
        h = 1 / (1 + np.exp(-(x @ W_xh + h @ W_hh + b_h)))
        Hs.append(h)
    return np.stack(Hs)


def forward_relu(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for x in X:
        h = np.maximum(0, x @ W_xh + h @ W_hh + b_h)
        Hs.append(h)
    return np.stack(Hs)


def forward_no_tanh(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for x in X:
        h = x @ W_xh + h @ W_hh + b_h
        Hs.append(h)
    return np.stack(Hs)


def forward_never_updated(X, h_init, W_xh, W_hh, b_h):
    return np.stack([np.tanh(x @ W_xh + h_init @ W_hh + b_h) for x in X])


def forward_stores_previous(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for x in X:
        Hs.append(h)
        h = np.tanh(x @ W_xh + h @ W_hh + b_h)
    return np.stack(Hs)


def forward_in_place(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init.copy(), []
    for x in X:
        h[...] = np.tanh(x @ W_xh + h @ W_hh + b_h)
        Hs.append(h)
    return np.stack(Hs)


def forward_zero_start(X, h_init, W_xh, W_hh, b_h):
    return forward_right(X, np.zeros_like(h_init), W_xh, W_hh, b_h)


def forward_last_only(X, h_init, W_xh, W_hh, b_h):
    return forward_right(X, h_init, W_xh, W_hh, b_h)[-1]


def forward_with_h0(X, h_init, W_xh, W_hh, b_h):
    return np.concatenate([h_init[None], forward_right(X, h_init, W_xh, W_hh, b_h)])


def forward_batch_major(X, h_init, W_xh, W_hh, b_h):
    return np.stack(list(forward_right(X, h_init, W_xh, W_hh, b_h)), axis=1)


def forward_hard_coded(X, h_init, W_xh, W_hh, b_h):
    Hs, h = np.zeros((5, 3, 6)), h_init
    for t in range(5):
        h = np.tanh(X[t] @ W_xh + h @ W_hh + b_h)
        Hs[t] = h
    return Hs


def forward_changes_input(X, h_init, W_xh, W_hh, b_h):
    Hs = []
    for x in X:
        h_init *= 0.0
        h_init += np.tanh(x @ W_xh + h_init @ W_hh + b_h)
        Hs.append(h_init.copy())
    return np.stack(Hs)


def forward_crashes(X, h_init, W_xh, W_hh, b_h):
    h = h_init
    h = np.tanh(X[0] @ W_hh + h @ W_hh + b_h)
    return h


def forward_previous_input(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for t in range(len(X)):
        h = np.tanh(X[t - 1] @ W_xh + h @ W_hh + b_h)          # X[-1] at t = 0
        Hs.append(h)
    return np.stack(Hs)


def forward_previous_input_guarded(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for t in range(len(X)):
        x = X[t - 1] if t > 0 else np.zeros_like(X[0])
        h = np.tanh(x @ W_xh + h @ W_hh + b_h)
        Hs.append(h)
    return np.stack(Hs)


def forward_swapped(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for x in X:
        h = np.tanh(x @ W_hh + h @ W_xh + b_h)
        Hs.append(h)
    return np.stack(Hs)


def forward_swapped_no_bias(X, h_init, W_xh, W_hh, b_h):
    h, Hs = h_init, []
    for x in X:
        h = np.tanh(x @ W_hh + h @ W_xh)
        Hs.append(h)
    return np.stack(Hs)


def forward_todo(X, h_init, W_xh, W_hh, b_h):
    raise NotImplementedError  # your code here


def forward_forgot_return(X, h_init, W_xh, W_hh, b_h):
    np.tanh(X[0] @ W_xh + h_init @ W_hh + b_h)


def flat(message):
    """The message with line breaks and indentation collapsed to single spaces."""
    return " ".join(message.split())


def run(check, answer, capsys):
    """Run a check; return its result after checking it printed its message."""
    result = check(answer)
    assert isinstance(result, CheckResult)
    assert capsys.readouterr().out.strip() == result.message.strip()
    return result


@pytest.mark.parametrize("answer", [forward_right, forward_preallocated])
def test_rnn_forward_right_answers_pass(answer, capsys):
    result = run(check_rnn_forward, answer, capsys)
    assert result.passed and result.attempted
    assert "match rnnlab's RNN" in result.message


@pytest.mark.parametrize("answer, phrase", [
    (forward_no_bias, "bias b_h is missing"),
    (forward_transposed, "W_hh is transposed"),
    (forward_sigmoid, "is the sigmoid"),
    (forward_relu, "the squashing function is ReLU"),
    (forward_no_tanh, "tanh is missing"),
    (forward_never_updated, "never updated"),
    (forward_stores_previous, "BEFORE step t"),
    (forward_in_place, "changed in place"),
    (forward_zero_start, "starts from zeros"),
    (forward_last_only, "only the last state"),
    (forward_with_h0, "starts with h_init"),
    (forward_batch_major, "axes are (B, T, H)"),
    (forward_hard_coded, "Is a size written into your code"),
    (forward_changes_input, "changed its input number 2 in place"),
    (forward_crashes, "raised ValueError at line 3"),
    (forward_crashes, "Check each product's shapes"),
    (forward_previous_input, "reads X[t-1], the previous step's input"),
    (forward_previous_input, "X[-1] is the LAST step's input"),
    (forward_previous_input_guarded, "(and nothing at t = 0)"),
    (forward_swapped, "W_xh and W_hh are swapped"),
    (forward_swapped, "That is why your function raised ValueError at line 4"),
    (forward_swapped, "your Hs[t] equals tanh(X[t] @ W_hh + h_prev @ W_xh + b_h)"),
    (forward_swapped_no_bias, "And also: the bias b_h is missing"),
])
def test_rnn_forward_mistakes_are_named(answer, phrase, capsys):
    result = run(check_rnn_forward, answer, capsys)
    assert not result.passed and result.attempted
    assert phrase in flat(result.message)


def test_rnn_forward_swap_with_square_weights_is_named_without_a_crash(capsys):
    args, _ = _forward_case(T=4, B=2, D=5, H=5, seed=3)
    assert np.allclose(_forward(*args, swap=True), forward_swapped(*args))
    assert _forward(*_forward_case(T=4, B=2, D=4, H=5, seed=3)[0], swap=True) is None


def test_rnn_forward_two_mistakes_are_both_named(capsys):
    def answer(X, h_init, W_xh, W_hh, b_h):
        h, Hs = h_init, []
        for x in X:
            h = 1 / (1 + np.exp(-(x @ W_xh + h @ W_hh.T)))
            Hs.append(h)
        return np.array(Hs)
    message = flat(run(check_rnn_forward, answer, capsys).message)
    for phrase in ("sigmoid(X[t] @ W_xh + h_prev @ W_hh.T)", "bias b_h is missing",
                   "W_hh is transposed", "is the sigmoid"):
        assert phrase in message


def test_rnn_forward_unknown_error_says_where_it_starts(capsys):
    def answer(X, h_init, W_xh, W_hh, b_h):
        late = (np.arange(X.shape[0]) >= 2)[:, None, None]       # wrong from step 2 on
        return forward_right(X, h_init, W_xh, W_hh, b_h) + late
    message = run(check_rnn_forward, answer, capsys).message
    assert "Hs[0] to Hs[1] are right, but Hs[2] differs" in message


@pytest.mark.parametrize("answer", [forward_todo, forward_forgot_return])
def test_rnn_forward_unattempted(answer, capsys):
    result = run(check_rnn_forward, answer, capsys)
    assert not result.passed and not result.attempted
    assert "not attempted yet" in result.message
    assert "Traceback" not in result.message


@pytest.mark.parametrize("value, phrase", [
    ("hello", "is a string"),
    (np.full((5, 3, 6), np.nan), "contains NaN"),
    (np.zeros((5, 3)), "should have shape (T, B, H) = (5, 3, 6)"),
    ([np.zeros((3, 6)), np.zeros((2, 6))], "could not be read as an array"),
    ({"h": 1}, "is a dict"),
    (np.zeros((5, 3, 6), dtype=complex), "complex"),
    (np.zeros((6, 3, 5)), "axes are in the wrong order"),
])
def test_rnn_forward_garbage_gets_a_helpful_message(value, phrase, capsys):
    result = run(check_rnn_forward, lambda *args: value, capsys)
    assert not result.passed and phrase in flat(result.message)
    assert "could not judge" not in result.message


def test_check_needs_a_function(capsys):
    result = run(check_rnn_forward, 42, capsys)
    assert "pass your function itself" in result.message


def test_forward_reference_equals_the_library():
    args, _ = _forward_case(T=6, B=2, D=3, H=4, seed=1)
    X, h_init, W_xh, W_hh, b_h = args
    model = rl.RNN(3, 4)
    model["W_xh"], model["W_hh"], model["b_h"] = W_xh, W_hh, b_h
    assert np.allclose(_forward(*args), model.forward(X, state0=h_init).states["h"])
    assert np.allclose(_forward(*args), forward_right(*args))


# ---------------------------------------------------------------- solution cells

SOLUTIONS = [(check_rnn_forward, forward_right, "rnn_forward"),
             (check_param_count, lambda D, H, O, T: D * H + H * H + H + H * O + O,
              "count_params"),
             (check_timer_target, lambda u1, u2: timer_right(u1, u2), "timer_target"),
             (check_arrangements, {t: r for t, (r, _) in ARRANGEMENT_TASKS.items()},
              "answers")]


@pytest.mark.parametrize("check, answer, name", SOLUTIONS)
def test_solution_flag_says_it_checks_the_reference_solution(check, answer, name, capsys):
    mine = run(check, answer, capsys)
    result = check(answer, solution=True)
    message = flat(capsys.readouterr().out)
    assert result.passed and message == flat(result.message)
    assert f"{mine.message.split(':')[0]} (reference solution):" in message
    assert f"Your own {name}" in message and "unchanged" in message
    assert "(reference solution)" not in mine.message and "unchanged" not in mine.message


def test_solution_flag_is_in_every_checks_signature():
    import inspect
    for check, _, _ in SOLUTIONS:
        parameter = inspect.signature(check).parameters["solution"]
        assert parameter.default is False and parameter.kind == parameter.KEYWORD_ONLY


def test_wrong_reference_solution_is_marked_too(capsys):
    result = check_rnn_forward(forward_no_bias, solution=True)
    capsys.readouterr()
    assert not result.passed and result.message.startswith("✘ rnn_forward (reference solution)")


# ---------------------------------------------------------------- count_params

@pytest.mark.parametrize("answer", [
    lambda D, H, O, T: D * H + H * H + H + H * O + O,
    lambda D, H, O, T: float((D + H + 1) * H + (H + 1) * O),
    lambda D, H, O, T: np.int64(D * H + H * (H + 1) + O * (H + 1)),
])
def test_param_count_right_answers_pass(answer, capsys):
    result = run(check_param_count, answer, capsys)
    assert result.passed and "57" in result.message


@pytest.mark.parametrize("answer, phrase", [
    (lambda D, H, O, T: D * H + T * H * H + H + H * O + O, "W_hh is counted once per step"),
    (lambda D, H, O, T: T * (D * H + H * H + H + H * O + O), "counted once per step"),
    (lambda D, H, O, T: D * H + H * H + H * O, "b_h (H numbers) and b_y (O numbers) are missing"),
    (lambda D, H, O, T: D * H + H * H + H, "output layer"),
    (lambda D, H, O, T: D * H + H * H + 2 * H + H * O + O, "PyTorch's count"),
    (lambda D, H, O, T: D * H + 2 * H + H * O + O, "full H x H matrix"),
    (lambda D, H, O, T: D * H + H * H + T, "changes with the length of the sequence"),
    (lambda D, H, O, T: 12, "add up their sizes"),
])
def test_param_count_mistakes_are_named(answer, phrase, capsys):
    result = run(check_param_count, answer, capsys)
    assert not result.passed and phrase in flat(result.message)


@pytest.mark.parametrize("answer, phrase", [
    (lambda D, H, O, T: "57", "returned a str"),
    (lambda D, H, O, T: 57.5, "not a whole number"),
    (lambda D, H, O, T: float("nan"), "not a whole number"),
    (lambda D, H, O, T: True, "returned a bool"),
    (lambda D, H, O: 57, "raised TypeError"),
])
def test_param_count_garbage(answer, phrase, capsys):
    result = run(check_param_count, answer, capsys)
    assert not result.passed and phrase in flat(result.message)


def test_param_count_unattempted(capsys):
    def count_params(D, H, O, T):
        raise NotImplementedError  # your code here
    result = run(check_param_count, count_params, capsys)
    assert not result.attempted and "not attempted yet" in result.message


# ---------------------------------------------------------------- timer_target

def timer_right(u1, u2):
    y = np.zeros(len(u1))
    for t in range(len(u1)):
        if u1[t] == 1:
            k = int(round(10 * u2[t]))
            y[t:t + k] = 0.5
    return y


def timer_1000(u1, u2):
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1):
        y[t:t + int(1000 * u2[t])] = 0.5
    return y


def timer_late(u1, u2):
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1):
        y[t + 1:t + 1 + int(round(10 * u2[t]))] = 0.5
    return y


def timer_height_one(u1, u2):
    return 2 * timer_right(u1, u2)


def timer_height_u2(u1, u2):
    return np.where(timer_right(u1, u2) > 0, u2, 0.0)


def timer_one_too_long(u1, u2):
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1):
        y[t:t + int(round(10 * u2[t])) + 1] = 0.5
    return y


def timer_reads_old_u2(u1, u2):
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1):
        y[t:t + int(round(10 * u2[t - 1]))] = 0.5
    return y


def timer_first_pulse_only(u1, u2):
    y, t = np.zeros(len(u1)), int(np.argmax(u1))
    y[t:t + int(round(10 * u2[t]))] = 0.5
    return y


def timer_100(u1, u2):
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1):
        y[t:t + int(round(100 * u2[t]))] = 0.5
    return y


def timer_round_u2(u1, u2):
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1):
        y[t:t + int(round(u2[t]))] = 0.5
    return y


def timer_early(u1, u2):
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1):
        y[t - 1:t - 1 + int(round(10 * u2[t]))] = 0.5
    return y


def timer_one_too_short(u1, u2):
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1):
        y[t:t + int(round(10 * u2[t])) - 1] = 0.5
    return y


def timer_vectorised(u1, u2, lag=0):
    """Steps since the last pulse against that pulse's duration, without a Python loop."""
    t = np.arange(len(u1))
    last = np.maximum.accumulate(np.where(u1 > 0.5, t, -10 ** 6))
    k = np.round(10 * u2[np.maximum(last, 0)])
    return np.where((last >= 0) & (t - last - lag < k) & (t - last >= lag), 0.5, 0.0)


def timer_vectorised_late(u1, u2):
    return timer_vectorised(u1, u2, lag=1)


def timer_counts_down(u1, u2):
    """A stateful loop, as the network itself would do it."""
    y, left = np.zeros(len(u1)), 0
    for t in range(len(u1)):
        if u1[t] > 0:
            left = round(u2[t] * 10)
        if left > 0:
            y[t], left = 0.5, left - 1
    return y


@pytest.mark.parametrize("answer", [timer_right, timer_counts_down, timer_vectorised,
                                    lambda u1, u2: timer_right(u1, u2)[:, None]])
def test_timer_right_answers_pass(answer, capsys):
    result = run(check_timer_target, answer, capsys)
    assert result.passed and "rnnlab.tasks.timer" in result.message


@pytest.mark.parametrize("answer, phrase", [
    (timer_1000, "1000 x u2"),
    (timer_1000, "run on until the end of the sequence"),
    (timer_late, "one step after the pulse"),
    (timer_height_one, "the target's height is 0.5"),
    (timer_height_u2, "the output's height is u2"),
    (timer_one_too_long, "one step too long"),
    (timer_reads_old_u2, "one step before the pulse"),
    (timer_first_pulse_only, "only the first pulse"),
    (timer_100, "run on until the end of the sequence"),
    (timer_round_u2, "round(u2) steps"),
    (timer_early, "one step before the pulse; it should switch on"),
    (timer_one_too_short, "one step too short"),
    (timer_vectorised_late, "one step after the pulse"),
    (lambda u1, u2: 0.9 * timer_right(u1, u2), "on at the right steps"),
    (lambda u1, u2: np.roll(timer_right(u1, u2), 2), "for the pulse at t = 3"),
    (lambda u1, u2: u1.copy(), "nonzero at steps [3]"),
    (lambda u1, u2: timer_right(u1, u2) + 0.5 * (np.arange(len(u1)) == len(u1) - 1),
     "nonzero where no pulse asks for it"),
])
def test_timer_mistakes_are_named(answer, phrase, capsys):
    result = run(check_timer_target, answer, capsys)
    assert not result.passed and phrase in flat(result.message)


def test_timer_1000_message_says_the_retelling_is_wrong(capsys):
    message = flat(run(check_timer_target, timer_1000, capsys).message)
    assert "widely copied" in message and "10 x u2" in message


@pytest.mark.parametrize("value, phrase", [
    ("0.5", "is a string"), (np.zeros(5), "should have shape (T,) = (48,)"),
    (np.full(48, np.inf), "contains inf"),
])
def test_timer_garbage(value, phrase, capsys):
    result = run(check_timer_target, lambda u1, u2: value, capsys)
    assert not result.passed and phrase in flat(result.message)


def test_timer_reference_equals_the_task_generator():
    for seed in range(5):
        b = timer(80, 3, seed)
        for i in range(3):
            assert np.array_equal(_timer_target(b.X[:, i, 0], b.X[:, i, 1]), b.target[:, i, 0])
    u1, u2 = _timer_case()
    assert np.flatnonzero(_timer_target(u1, u2)).tolist() == [3, 4, 5] + list(range(18, 28)) + [33]


# ---------------------------------------------------------------- arrangements

RIGHT = {task: right for task, (right, _) in ARRANGEMENT_TASKS.items()}


def test_arrangements_right_answers_pass(capsys):
    assert run(check_arrangements, RIGHT, capsys).passed
    spelled = {task: right.upper().replace("-", " ") for task, right in RIGHT.items()}
    assert run(check_arrangements, spelled, capsys).passed


def test_arrangements_each_wrong_answer_gets_a_reason(capsys):
    answers = dict(RIGHT, **{"write a caption for a photo": "many-to-one",
                             "translate an English sentence into French": "many to many",
                             "predict the next letter at every step of a text": "sideways"})
    message = flat(run(check_arrangements, answers, capsys).message)
    assert "2 of 5 right" in message
    assert "not many-to-one: one input (the photo)" in message
    assert "which one, aligned or encoder-decoder" in message
    assert "'sideways' is not one of" in message


@pytest.mark.parametrize("task, wrong, reason", [
    ("write a caption for a photo", "many-to-many aligned", "one input (the photo)"),
    ("decide whether a film review is positive", "many-to-many aligned",
     "one verdict comes out at the end"),
    ("tag each word of a sentence as noun, verb, ...", "many-to-one",
     "one tag comes out for each word"),
    ("translate an English sentence into French", "many-to-many aligned",
     "its own length and word order"),
    ("predict the next letter at every step of a text", "many-to-one",
     "the guess for the letter at step t + 1"),
    ("predict the next letter at every step of a text", "encoder-decoder",
     "a guess comes out at every step"),
])
def test_arrangements_each_task_has_its_own_reason(task, wrong, reason, capsys):
    message = flat(run(check_arrangements, dict(RIGHT, **{task: wrong}), capsys).message)
    assert f"{task}: not {wrong}: " in message and reason in message
    assert "4 of 5 right" in message


def test_arrangements_ask_about_the_next_letter_not_the_timer():
    assert "predict the next letter at every step of a text" in ARRANGEMENT_TASKS
    assert not any("timer" in task.lower() for task in ARRANGEMENT_TASKS)


@pytest.mark.parametrize("value, phrase, attempted", [
    ({task: ... for task in RIGHT}, "not attempted yet", False),
    (dict(RIGHT, **{"spell a word": "one-to-many"}), "is not one of the tasks", True),
    (["one-to-many"], "pass the dict of answers", True),
    ({"write a caption for a photo": "one-to-many"}, "no answer yet", True),
])
def test_arrangements_incomplete_or_garbage(value, phrase, attempted, capsys):
    result = run(check_arrangements, value, capsys)
    assert not result.passed and result.attempted == attempted and phrase in flat(result.message)


# ---------------------------------------------------------------- no answer breaks a check

ANY_VALUE = st.one_of(
    st.none(), st.text(max_size=5), st.integers(), st.floats(),
    st.lists(st.floats(), max_size=4), st.lists(st.lists(st.integers(), max_size=3), max_size=3),
    hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=7)),
    st.just((5, 3, 6)), st.just(object()),
)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=ANY_VALUE)
@example(value=-2 ** 63 - 1)                              # too large for any numpy integer
@example(value=float("inf"))
@example(value=True)
@example(value=1 + 2j)
@example(value=np.zeros((5, 3, 6), dtype=object))
def test_any_returned_value_gets_a_message_not_a_traceback(value, capsys):
    for check in (check_rnn_forward, check_param_count, check_timer_target):
        result = check(lambda *args: value)
        assert not result.passed
        assert "could not judge" not in result.message, result.message
    capsys.readouterr()


# ---------------------------------------------------------------- every message is true
#
# A learner's answer with one mistake gets that mistake's sentence and no other, and the
# numbers a message quotes are recomputed from the case it was found on.

FORWARD_SLIPS = [
    (forward_no_bias, ("bias", False)), (forward_transposed, ("transpose", True)),
    (forward_sigmoid, ("phi", "sigmoid")), (forward_relu, ("phi", "relu")),
    (forward_no_tanh, ("phi", "none")), (forward_never_updated, ("store", "frozen")),
    (forward_stores_previous, ("store", "before")), (forward_in_place, ("store", "repeated")),
    (forward_zero_start, ("start", "zeros")), (forward_previous_input, ("input", "previous")),
    (forward_previous_input_guarded, ("input", "previous_zero")),
    (forward_swapped, ("swap", True)),
]


def named(message, catalogue):
    """The catalogue's sentences that ``message`` contains."""
    text = flat(message)
    return {key for key, sentence in catalogue.items() if flat(sentence) in text}


def test_rnn_forward_each_mistake_gets_its_sentence_and_no_other(capsys):
    from rnnlab.checks.ch01 import _FORWARD_MISTAKES
    assert {k for _, k in FORWARD_SLIPS} == set(_FORWARD_MISTAKES)
    for answer, key in FORWARD_SLIPS:
        result = run(check_rnn_forward, answer, capsys)
        assert named(result.message, _FORWARD_MISTAKES) == {key}, (answer.__name__,
                                                               result.message)


def test_rnn_forward_formula_is_what_the_answer_computes(capsys):
    """'your Hs[t] equals <formula>': evaluate the formula on the check's case."""
    import re
    args, _ = _forward_case(T=5, B=3, D=4, H=6, seed=2024)
    X, h_init, W_xh, W_hh, b_h = args
    funcs = {"tanh": np.tanh, "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
             "relu": lambda a: np.maximum(a, 0)}
    for answer in (forward_no_bias, forward_transposed, forward_sigmoid, forward_relu,
                   forward_no_tanh, forward_never_updated, forward_previous_input_guarded):
        m = re.search(r"your Hs\[t\] equals (.+?), not ", flat(run(check_rnn_forward, answer,
                                                                   capsys).message))
        formula, h, Hs = m[1], h_init, []
        for t in range(len(X)):
            env = {**funcs, "X": X, "t": t, "W_xh": W_xh, "W_hh": W_hh, "b_h": b_h,
                   "h_prev": h, "h_init": h_init}
            x_prev = X[t - 1] if t > 0 else np.zeros_like(X[0])
            h = eval(formula.replace("X[t-1]", "x_prev"), {**env, "x_prev": x_prev})
            Hs.append(h)
        np.testing.assert_allclose(np.stack(Hs), answer(*args), err_msg=formula)


COUNT_SLIPS = [
    (lambda D, H, O, T: D * H + T * H * H + H + H * O + O, 0),
    (lambda D, H, O, T: T * (D * H + H * H + H) + H * O + O, 1),
    (lambda D, H, O, T: T * (D * H + H * H + H + H * O + O), 2),
    (lambda D, H, O, T: D * H + H * H + H * O, 3),
    (lambda D, H, O, T: D * H + H * H + H * O + O, 4),
    (lambda D, H, O, T: D * H + H * H + H + H * O, 5),
    (lambda D, H, O, T: D * H + H * H + H, 6),
    (lambda D, H, O, T: D * H + 2 * H + H * O + O, 7),
    (lambda D, H, O, T: D * H + H * H + 2 * H + H * O + O, 8),
]


def test_param_count_each_mistake_gets_its_sentence_and_number(capsys):
    from rnnlab.checks.ch01 import _COUNT_VARIANTS
    sentences = {i: s for i, (s, _) in enumerate(_COUNT_VARIANTS)}
    assert sorted(i for _, i in COUNT_SLIPS) == list(sentences)
    for answer, i in COUNT_SLIPS:
        message = flat(run(check_param_count, answer, capsys).message)
        assert named(message, sentences) == {i}, message
        assert message.startswith(f"✘ count_params: for D=3, H=5, O=2, T=10 you count "
                                  f"{answer(3, 5, 2, 10)}: ")
    praise = flat(run(check_param_count, lambda D, H, O, T: D * H + H * H + H + H * O + O,
                      capsys).message)
    n = rl.RNN(3, 5, 2).n_params
    assert f"that is {n} numbers for T = 10 and for T = 1000" in praise and n == 57


TIMER_SLIPS = [
    (timer_1000, ("scale", 1000)), (timer_round_u2, ("scale", 1)), (timer_late, ("shift", 1)),
    (timer_early, ("shift", -1)), (timer_one_too_long, ("extra", 1)),
    (timer_one_too_short, ("extra", -1)), (timer_height_one, ("height", 1.0)),
    (timer_height_u2, ("height", "u2")), (timer_reads_old_u2, ("read", -1)),
    (timer_first_pulse_only, ("first_only", True)),
]


def test_timer_each_mistake_gets_its_sentence_and_no_other(capsys):
    from rnnlab.checks.ch01 import _TIMER_MISTAKES
    assert {k for _, k in TIMER_SLIPS} == set(_TIMER_MISTAKES)
    for answer, key in TIMER_SLIPS:
        result = run(check_timer_target, answer, capsys)
        assert named(result.message, _TIMER_MISTAKES) == {key}, (answer.__name__,
                                                                 result.message)
    # "run on until the end of the sequence" and "where it still holds the previous duration"
    u1, u2 = _timer_case()
    pulses = np.flatnonzero(u1)
    assert (timer_1000(u1, u2)[pulses[0]:] > 0).all()
    assert all(u2[p - 1] != u2[p] for p in pulses)


@pytest.mark.parametrize("shift", [1, 2, 3, -2])
def test_timer_fallback_quotes_the_case(shift, capsys):
    """'for the pulse at t = p with u2 = ..., the target is 0.5 for k steps, t = p to q;
    yours is nonzero at steps [...]': every number recomputed from the hand-made case."""
    import re
    u1, u2 = _timer_case()
    answer = lambda u1, u2: 0.7 * np.roll(timer_right(u1, u2), shift)   # noqa: E731
    message = flat(run(check_timer_target, answer, capsys).message)
    m = re.search(r"for the pulse at t = (\d+) with u2 = ([\d.]+), the target is 0.5 for (\d+) "
                  r"steps, t = (\d+) to (\d+); yours is nonzero (at steps \[([\d, ]*)\]|nowhere)",
                  message)
    assert m, message
    p, k = int(m[1]), int(m[3])
    ref, y = _timer_target(u1, u2), answer(u1, u2)
    assert u1[p] == 1 and m[2] == f"{u2[p]:.1f}"
    assert (ref[p:p + k] == 0.5).all() and ref[p + k] == 0
    assert (int(m[4]), int(m[5])) == (p, p + k - 1)
    window = np.flatnonzero(y[p:p + 12]) + p
    assert (m[7] or "") == ", ".join(str(t) for t in window)
