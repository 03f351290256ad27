"""Chapter 4 checks: the right answers pass, each catalogued mistake is named, and every
message is true: the test feeds the mistake and checks each number and claim the message
makes against the run it describes."""
import math
import re

import numpy as np
import pytest

import rnnlab as rl
from rnnlab.activations import sigmoid
from rnnlab.checks import check_lstm_cell_backward, check_lstm_step_forward, check_store_recall
from rnnlab.checks.ch04_cell import _CELL_MISTAKES, _cell_backward, _cell_case
from rnnlab.checks.ch04_forward import _FORWARD_MISTAKES, _forward, _forward_case
from rnnlab.checks.ch04_storecall import (KEEP_NEEDED, OPEN, READ_TOL, SHUT, SQUASH_TOL,
                                          _SCENARIOS, wiring_problems)
from rnnlab.storecall import WIRING, store_recall, store_recall_inputs, wired_lstm
from rnnlab.words import LITTLE, fraction_text, gate_state


def flat(message):
    return " ".join(message.split())


def test_forward_right_and_solution_flag(capsys):
    assert check_lstm_step_forward(lambda *a: rl.lstm_step_forward(*a)[:2]).passed
    r = check_lstm_step_forward(lambda *a: rl.lstm_step_forward(*a), solution=True)
    assert r.passed and "reference solution" in r.message and "unchanged" in r.message


def test_not_attempted_says_so_and_gives_at_most_a_hint():
    def todo(*args):
        raise NotImplementedError
    for check in (check_lstm_step_forward, check_lstm_cell_backward):
        r = check(todo)
        assert not r.attempted and "not attempted yet" in r.message
        assert "✘" not in r.message and len(flat(r.message)) < 160, r.message
    for wiring in ({k: ... for k in WIRING}, {**WIRING, "b_f": ...}, {}):
        r = check_store_recall(wiring)
        assert not r.attempted and "not attempted yet" in r.message
        assert len(flat(r.message)) < 160, r.message


@pytest.mark.parametrize("key", sorted(_FORWARD_MISTAKES))
def test_forward_mistake_named_alone_and_the_lead_says_what_differs(key):
    r = check_lstm_step_forward(lambda *a: _forward(*a, **{key[0]: key[1]}))
    assert not r.passed
    message = flat(r.message)
    assert flat(_FORWARD_MISTAKES[key]) in message, message
    others = [m for k, m in _FORWARD_MISTAKES.items() if k != key]
    assert not any(flat(m) in message for m in others), message
    args, _ = _forward_case(3, 4, 5, 41)                # the check's first case
    h_ref, c_ref, _ = rl.lstm_step_forward(*args)
    h, c = _forward(*args, **{key[0]: key[1]})
    which = [n for n, a, b in (("h", h, h_ref), ("c", c, c_ref)) if not np.allclose(a, b)]
    lead = f"{' and '.join(which)} differ{'s' * (len(which) == 1)} from rl.lstm_step_forward:"
    assert lead in message, message


def test_forward_order_messages_say_which_library_uses_which_order():
    # TensorFlow 1's LSTMCell splits i, j, f, o; Keras's LSTMCell (TensorFlow 2) uses
    # i, f, c, o, like PyTorch: "TensorFlow's order" alone would be wrong for Keras
    text = flat(_FORWARD_MISTAKES["order", "igfo"])
    assert "TensorFlow 1" in text and "Keras" in text and "i, f, g, o" in text
    assert "1997 cell without a forget gate" in _FORWARD_MISTAKES["cell", "no_forget"]


def test_forward_returns_wrong_shape():
    r = check_lstm_step_forward(lambda x, h, c, *w: (h.T, c))
    assert not r.passed and "shape" in r.message


def test_cell_backward_right():
    right = check_lstm_cell_backward(lambda dc, dh, c: rl.lstm_step_backward(dh, dc, c).dc_prev)
    assert right.passed


@pytest.mark.parametrize("key", sorted(_CELL_MISTAKES))
def test_cell_mistake_named_alone_and_really_differs(key):
    r = check_lstm_cell_backward(lambda dc, dh, c: _cell_backward(dc, dh, c, **{key[0]: key[1]}))
    assert not r.passed
    message = flat(r.message)
    assert flat(_CELL_MISTAKES[key]) in message, message
    assert not any(flat(m) in message for k, m in _CELL_MISTAKES.items() if k != key), message
    dc, dh, cache, _ = _cell_case(3, 4, 51)
    right = rl.lstm_step_backward(dh, dc, cache).dc_prev
    assert not np.allclose(_cell_backward(dc, dh, cache, **{key[0]: key[1]}), right)


# ---------------------------------------------------------------- store and recall

def test_store_recall_library_wiring_passes():
    r = check_store_recall(dict(WIRING))
    assert r.passed, r.message
    assert all(wiring_problems(dict(WIRING), s) == [] for s in _SCENARIOS)


@pytest.mark.parametrize("change, words", [
    ({"b_i": 10.0}, "input gate is open without a write signal"),
    ({"b_i": -4.0}, "input gate lets a little through without a write signal"),
    ({"w_write_i": 0.0}, "input gate stays shut at the write step"),
    ({"w_write_i": 14.0}, "input gate does not open wide enough at the write step"),
    ({"b_f": 3.0}, "forget gate leaks"),
    ({"b_f": 7.5}, "forget gate leaks"),            # per step 0.99945, 94.6% over 100 steps
    ({"w_erase_f": 0.0}, "erase signal at step"),
    ({"b_o": 5.0}, "output gate is open without a read signal"),
    ({"w_read_o": 0.0}, "output gate stays shut at the read step"),
    ({"w_read_o": 12.0}, "output gate opens only partly at the read step"),
    ({"w_value_g": 1.0}, "candidate is squashed"),
    ({"w_value_g": 0.0}, "the cell stores nothing"),
    ({"W_hy": 1.0}, "W_hy must undo"),
    ({"b_f": 9.0, "w_read_o": 14.6}, "small losses add up"),
])
def test_store_recall_mistakes_named(change, words):
    r = check_store_recall({**WIRING, **change})
    assert not r.passed and words in flat(r.message), r.message


def test_store_recall_bad_input():
    assert "dict" in check_store_recall([1, 2]).message
    no_read_out = {k: v for k, v in WIRING.items() if k != "W_hy"}
    assert "no 'W_hy'" in check_store_recall(no_read_out).message
    assert "finite" in check_store_recall({**WIRING, "b_f": np.nan}).message


def steps_text(mask):
    """How a set of steps is named, written independently of the check."""
    idx = list(np.nonzero(mask)[0])
    if len(idx) == 1:
        return f"step {idx[0]}"
    if idx == list(range(idx[0], idx[-1] + 1)):
        return f"steps {idx[0]} to {idx[-1]}"
    return f"{len(idx)} steps, the first at step {idx[0]}"


def run_of(wiring, scenario):
    T, w_at, r_at, e_at, value, noise = scenario
    return store_recall(wired_lstm(**wiring), store_recall_inputs(T, w_at, r_at, e_at, value,
                                                                   noise, rng=T))


AT_SIGNAL = {"shut": "stays shut", "partly open": "opens only partly",
             "open": "does not open wide enough"}
WITHOUT = {"open": "is open", "partly open": "is partly open", "shut": "lets a little through"}


def claims_hold(wiring, scenario, sentence):
    """Every number and claim of one sentence of ``wiring_problems`` against the run."""
    T, w_at, r_at, e_at, value, _ = scenario
    tr = run_of(wiring, scenario)
    s = flat(sentence)
    doors = {"input": ("i", w_at, "write"), "output": ("o", r_at, "read")}
    m = re.match(r"the (input|output) gate (.+?) at the (write|read) step (\d+) \(([io]) = "
                 r"([\d.]+); it must reach ([\d.]+)\)", s)
    if m:
        sym, at, signal = doors[m[1]]
        g = tr[sym][at]
        assert (m[3], int(m[4]), m[5], float(m[7])) == (signal, at, sym, OPEN), s
        assert m[6] == f"{g:.3f}" and g < OPEN and m[2] == AT_SIGNAL[gate_state(g)], s
        assert sigmoid(5.0) >= OPEN                           # "w_write_i + b_i > 5" opens it
        return
    m = re.match(r"the (input|output) gate (.+?) without a (write|read) signal \(([io]) up to "
                 r"([\d.]+) at (.+?); it must stay below ([\d.]+)\): (.*)", s)
    if m:
        sym, at, signal = doors[m[1]]
        rest = np.delete(tr[sym], at)
        ajar = tr[sym] > SHUT
        ajar[at] = False
        assert (m[3], m[4], float(m[7])) == (signal, sym, SHUT), s
        assert m[5] == f"{rest.max():.3f}" and rest.max() > SHUT, s
        assert m[2] == WITHOUT[gate_state(rest.max())] and m[6] == steps_text(ajar), s
        share = re.search(r"(takes in|shows) ([\d.]+%) of", m[8])[2]
        assert np.ptp(rest) < 1e-12 and share == f"{rest.max():.1%}", s   # "at every step"
        assert sigmoid(-5.0) <= SHUT                          # "b < -5" shuts it
        return
    m = re.match(r"w_value_g is 0, so the candidate g = tanh\(0 \* (\S+)\) is 0 at the write "
                 r"step (\d+) and the cell stores nothing", s)
    if m:
        assert wiring["w_value_g"] == 0 and tr["g"][w_at] == 0 and int(m[2]) == w_at, s
        assert np.all(tr["c"] == 0), s
        return
    m = re.match(r"the candidate is squashed: g = tanh\((\S+) \* (\S+)\) = (\S+) at the write "
                 r"step (\d+), ([\d.]+%) smaller than \S+ \* \S+ = (\S+);", s)
    if m:
        w = wiring["w_value_g"]
        straight = w * value
        assert float(m[1]) == pytest.approx(w, rel=1e-5) and float(m[2]) == value, s
        assert m[3] == f"{tr['g'][w_at]:.4f}" and int(m[4]) == w_at, s
        assert m[5] == f"{1 - tr['g'][w_at] / straight:.1%}" and m[6] == f"{straight:.4g}", s
        assert 1 - tr["g"][w_at] / straight > SQUASH_TOL, s
        for v in (4.2, -3.0):                                 # 0.01 keeps it nearly straight
            assert 1 - math.tanh(0.01 * v) / (0.01 * v) < SQUASH_TOL
        return
    m = re.match(r"the forget gate leaks: f = ([\d.]+) per step from the write \(step (\d+)\) "
                 r"to the read \(step (\d+)\), so the cell keeps (\S+) of its content; the "
                 r"read-out needs (\d+)% or more, which over (\d+) steps takes b_f > ([-\d.]+)\.$",
                 s)
    if m:
        f = tr["f"][w_at + 1:r_at + 1]
        kept = float(np.prod(f))
        assert np.ptp(f) < 1e-12 and m[1] == f"{f[0]:.5f}", s            # "per step"
        assert (int(m[2]), int(m[3]), int(m[6])) == (w_at, r_at, r_at - w_at), s
        assert m[4] == fraction_text(kept) and kept < KEEP_NEEDED, s
        assert int(m[5]) == round(100 * KEEP_NEEDED), s
        need, lag = float(m[7]), r_at - w_at
        assert sigmoid(need) ** lag >= KEEP_NEEDED > sigmoid(need - 0.1) ** lag, s
        fixed = {**wiring, "b_f": need + 0.1, "w_erase_f": wiring["w_erase_f"] - need}
        assert not any("forget gate leaks" in p for p in wiring_problems(fixed, scenario))
        return
    m = re.match(r"the erase signal at step (\d+) leaves f = ([\d.]+) \(it must fall below "
                 r"([\d.]+)\), so (\S+) of the content stays after the erase", s)
    if m:
        f = tr["f"][e_at]
        assert int(m[1]) == e_at and m[2] == f"{f:.3f}" and float(m[3]) == SHUT < f, s
        assert m[4] == fraction_text(f), s
        np.testing.assert_allclose(tr["c"][e_at], f * tr["c"][e_at - 1]
                                   + tr["i"][e_at] * tr["g"][e_at], rtol=1e-12, atol=1e-15)
        return
    m = re.match(r"the gates work, but the read-out at step (\d+) is (\S+) instead of (\S+): "
                 r"W_hy \* w_value_g = (\S+), and W_hy must undo", s)
    if m:
        scale = wiring["W_hy"] * wiring["w_value_g"]
        assert int(m[1]) == r_at and m[2] == f"{tr['y'][r_at]:.3f}" and float(m[3]) == value
        assert m[4] == f"{scale:.3g}" and abs(scale - 1) > READ_TOL / 2, s
        assert abs(tr["y"][r_at] - value) > READ_TOL * abs(value), s
        fixed = {**wiring, "W_hy": 1 / wiring["w_value_g"]}
        assert wiring_problems(fixed, scenario) == [], s      # the fix it names works
        return
    m = re.match(r"each gate passes, but the small losses add up: the read-out at step (\d+) is "
                 r"(\S+) instead of (\S+) \(the forget gates keep (\S+) over (\d+) steps, o = "
                 r"(\S+) at the read, the candidate (\S+) squashed\)", s)
    if m:
        kept = float(np.prod(tr["f"][w_at + 1:r_at + 1]))
        straight = wiring["w_value_g"] * value
        assert int(m[1]) == r_at and m[2] == f"{tr['y'][r_at]:.3f}", s
        assert abs(tr["y"][r_at] - value) > READ_TOL * abs(value), s
        assert m[4] == fraction_text(kept) and kept >= KEEP_NEEDED, s
        assert m[6] == f"{tr['o'][r_at]:.3f}" and tr["o"][r_at] >= OPEN, s
        assert m[7] == f"{1 - math.tanh(straight) / straight:.2%}", s
        assert abs(wiring["W_hy"] * wiring["w_value_g"] - 1) <= READ_TOL / 2, s
        return
    raise AssertionError(f"no test for this sentence: {s}")


def wiring_grid():
    values = {"b_i": (-20.0, -6.0, -5.0, -4.5, -4.0, -2.0, 0.0, 2.0, 10.0),
              "w_write_i": (0.0, 5.0, 10.0, 14.0, 14.8, 16.0, 30.0),
              "b_f": (-3.0, 0.0, 3.0, 5.0, 7.0, 7.5, 8.0, 8.5, 9.0, 15.0),
              "w_erase_f": (0.0, -5.0, -10.0, -13.0, -14.5, -16.0, -40.0),
              "w_value_g": (0.0, 0.001, 0.01, 0.02, 0.05, 0.1, 1.0, -0.01),
              "w_read_o": (0.0, 5.0, 12.0, 14.6, 14.8, 20.0),
              "b_o": (-20.0, -5.0, -4.5, -4.0, 0.0, 5.0),
              "W_hy": (1.0, 50.0, 99.0, 100.0, 101.0, -100.0)}
    grid = [{**WIRING, k: v} for k, vs in values.items() for v in vs]
    grid += [{**WIRING, "w_value_g": w, "W_hy": 1 / w} for w in (0.001, 0.05, 0.1, -0.01)]
    grid += [{**WIRING, "b_f": b, "w_read_o": r} for b in (8.5, 9.0, 9.5) for r in (14.6, 15.0)]
    grid += [{**WIRING, "b_i": -4.0, "b_o": 0.0, "b_f": 5.0, "w_erase_f": -5.0}]
    return grid


def test_every_store_recall_message_is_true():
    seen = set()
    for wiring in wiring_grid():
        for scenario in _SCENARIOS:
            for sentence in wiring_problems(wiring, scenario):
                claims_hold(wiring, scenario, sentence)
                seen.add(" ".join(sentence.split()[:4]))
    assert len(seen) >= 9, seen      # every kind of sentence was met


def test_store_recall_lead_names_the_scenario_it_ran():
    r = check_store_recall({**WIRING, "b_f": 7.5})        # passes the first, fails the second
    T, w_at, r_at, e_at, value, noise = _SCENARIOS[1]
    assert (f"storing {value:g} at step {w_at} and reading it at step {r_at} ({r_at - w_at} "
            f"steps later, random values on the line at every step, erase at step {e_at})"
            in flat(r.message)) and noise > 0
    X = store_recall_inputs(T, w_at, r_at, e_at, value, noise, rng=T)[:, 0]
    assert X[w_at, 1] == X[r_at, 2] == X[e_at, 3] == 1 and np.count_nonzero(X[:, 1:]) == 3


@pytest.mark.parametrize("wiring", [
    dict(WIRING),
    {"w_write_i": 24.0, "b_i": -12.0, "w_erase_f": -24.0, "b_f": 12.0, "w_value_g": 0.01,
     "w_read_o": 24.0, "b_o": -12.0, "W_hy": 100.0},                # the notebook's solution
    {**WIRING, "w_value_g": -0.01, "W_hy": -100.0},
    {**WIRING, "b_i": -5.5, "b_f": 9.5, "w_erase_f": -15.0},
])
def test_store_recall_praise_is_true(wiring):
    r = check_store_recall(wiring)
    assert r.passed, r.message
    m = re.search(r"stored (\S+), kept it for (\d+) steps among random values, read out (\S+) "
                  r"and was empty after the erase \(\|c\| < (\S+)\)\.", flat(r.message))
    T, w_at, r_at, e_at, value, _ = _SCENARIOS[-1]
    tr = run_of(wiring, _SCENARIOS[-1])
    assert float(m[1]) == value and int(m[2]) == r_at - w_at
    assert m[3] == f"{tr['y'][r_at]:.2f}" and abs(tr["y"][r_at] - value) <= READ_TOL * abs(value)
    after = np.abs(tr["c"][e_at:]).max()
    assert after < float(m[4]), (after, m[4])                       # the bound is a bound
    assert after <= LITTLE * abs(tr["c"][e_at - 1])                  # "empty": little left
