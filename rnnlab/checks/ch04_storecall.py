"""Chapter 4, exercise 3: a cell wired by hand to store and recall a value,
``check_store_recall``.

The check runs the learner's wiring on two scenarios and names the gate that misbehaves,
the step, and the fix. Every number a message quotes is read off the run. A door must
open to at least ``OPEN`` and otherwise stay below ``SHUT``: stricter than the course's
words "open" and "shut" (``rnnlab.words``), which the messages use only where those hold.
"""
import math

import numpy as np

from ..storecall import STORED, WIRING, store_recall, store_recall_inputs, wired_lstm
from ..words import fraction_text, gate_state
from ._feedback import NotAttempted, Wrong, bullet_list, exercise

_SCENARIOS = (  # (T, write_at, read_at, erase_at, value, noise)
    (40, 3, 33, 36, STORED, 1.0),
    (125, 10, 110, 118, -3.0, 1.0),
)
OPEN, SHUT = 0.99, 0.01     # what a door must reach at its signal, and stay below otherwise
READ_TOL = 0.02             # the read-out must be within 2% of the stored value
SQUASH_TOL = 0.01           # the candidate may be at most 1% smaller than w_value_g * value
KEEP_NEEDED = 1 - READ_TOL  # the share the forget gates must keep from the write to the read


def _wiring_values(wiring):
    if not isinstance(wiring, dict):
        raise Wrong(f"pass your wiring as a dict of numbers with the keys {list(WIRING)}, "
                    f"got a {type(wiring).__name__}.")
    if any(v is Ellipsis for v in wiring.values()) or not wiring:
        raise NotAttempted("Replace each ... in the dict with a number, then run this cell "
                           "again.")
    missing = [k for k in WIRING if k not in wiring]
    if missing:
        raise Wrong(f"the wiring has no {missing[0]!r}; the keys are {list(WIRING)}.")
    extra = [k for k in wiring if k not in WIRING]
    if extra:
        raise Wrong(f"the wiring has an unknown key {extra[0]!r}; the keys are {list(WIRING)}.")
    for k, v in wiring.items():
        try:
            ok = np.ndim(v) == 0 and np.isfinite(float(v)) and not isinstance(v, bool)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise Wrong(f"{k} must be a finite number, got {v!r}.")
    return {k: float(v) for k, v in wiring.items()}


def _steps(mask):
    idx = np.nonzero(mask)[0]
    if len(idx) == 1:
        return f"step {idx[0]}"
    if idx[-1] - idx[0] == len(idx) - 1:
        return f"steps {idx[0]} to {idx[-1]}"
    return f"{len(idx)} steps, the first at step {idx[0]}"


_AT_SIGNAL = {"shut": "stays shut", "partly open": "opens only partly",
              "open": "does not open wide enough"}
_WITHOUT = {"open": "is open", "partly open": "is partly open", "shut": "lets a little through"}


def _door(gate, at, name, signal, to_open, when_ajar):
    """Problems of a door that must open at step ``at`` only (the input or output gate);
    ``when_ajar(share)`` says what a door left at ``share`` without its signal does."""
    out, sym = [], name[0]
    if gate[at] < OPEN:
        out.append(f"the {name} gate {_AT_SIGNAL[gate_state(gate[at])]} at the {signal} step "
                   f"{at} ({sym} = {gate[at]:.3f}; it must reach {OPEN}): the {signal} signal "
                   f"must drive it open, {to_open}.")
    ajar = gate > SHUT
    ajar[at] = False
    if ajar.any():
        worst = float(gate[ajar].max())
        out.append(f"the {name} gate {_WITHOUT[gate_state(worst)]} without a {signal} signal "
                   f"({sym} up to {worst:.3f} at {_steps(ajar)}; it must stay below {SHUT}): "
                   f"{when_ajar(worst)}.")
    return out


def _b_f_needed(lag):
    """The forget bias (rounded up to 0.1) whose gate keeps KEEP_NEEDED over ``lag`` steps."""
    f = KEEP_NEEDED ** (1 / lag)
    return math.ceil(10 * math.log(f / (1 - f))) / 10


def _candidate_problem(wiring, value, w_at):
    w = wiring["w_value_g"]
    if w == 0:
        return (f"w_value_g is 0, so the candidate g = tanh(0 * {value:g}) is 0 at the write "
                f"step {w_at} and the cell stores nothing; a small nonzero w_value_g (0.01) "
                f"writes the value scaled into tanh's nearly straight middle.")
    g, straight = math.tanh(w * value), w * value
    squash = 1 - g / straight
    if squash > SQUASH_TOL:
        return (f"the candidate is squashed: g = tanh({w:g} * {value:g}) = {g:.4f} at the "
                f"write step {w_at}, {squash:.1%} smaller than {w:g} * {value:g} = "
                f"{straight:.4g}; tanh is nearly straight only near 0, and a small nonzero "
                f"w_value_g (0.01) keeps the value there.")
    return None


def wiring_problems(wiring, scenario):
    """What goes wrong with ``wiring`` (dict) in one scenario: a list of sentences naming
    the gate, the step and the fix (empty: the cell stores, keeps, reads and erases)."""
    T, w_at, r_at, e_at, value, noise = scenario
    tr = store_recall(wired_lstm(**wiring), store_recall_inputs(T, w_at, r_at, e_at, value,
                                                                 noise, rng=T))
    lag = r_at - w_at
    out = _door(tr["i"], w_at, "input", "write", "w_write_i + b_i > 5",
                lambda s: f"the cell takes in {s:.1%} of the candidate at every step, so the "
                          f"values on the line leak in; make b_i clearly negative (b_i < -5)")
    candidate = _candidate_problem(wiring, value, w_at)
    if candidate:
        out.append(candidate)
    kept = float(np.prod(tr["f"][w_at + 1:r_at + 1]))
    if kept < KEEP_NEEDED:
        out.append(f"the forget gate leaks: f = {tr['f'][w_at + 1]:.5f} per step from the "
                   f"write (step {w_at}) to the read (step {r_at}), so the cell keeps "
                   f"{fraction_text(kept)} of its content; the read-out needs "
                   f"{KEEP_NEEDED:.0%} or more, which over {lag} steps takes b_f > "
                   f"{_b_f_needed(lag):.1f}.")
    if tr["f"][e_at] > SHUT:
        out.append(f"the erase signal at step {e_at} leaves f = {tr['f'][e_at]:.3f} (it must "
                   f"fall below {SHUT}), so {fraction_text(tr['f'][e_at])} of the content stays "
                   f"after the erase; w_erase_f must pull a_f far below 0 "
                   f"(w_erase_f + b_f < -5).")
    out += _door(tr["o"], r_at, "output", "read", "w_read_o + b_o > 5",
                 lambda s: f"h_t shows {s:.1%} of tanh(c_t) at steps without a read; make b_o "
                           f"clearly negative (b_o < -5)")
    y = tr["y"][r_at]
    if not out and abs(y - value) > READ_TOL * abs(value):
        scale = wiring["W_hy"] * wiring["w_value_g"]
        if abs(scale - 1) > READ_TOL / 2:
            out.append(f"the gates work, but the read-out at step {r_at} is {y:.3f} instead "
                       f"of {value:g}: W_hy * w_value_g = {scale:.3g}, and W_hy must undo the "
                       f"candidate's scale, W_hy = 1 / w_value_g.")
        else:
            squash = 1 - math.tanh(wiring["w_value_g"] * value) / (wiring["w_value_g"] * value)
            out.append(f"each gate passes, but the small losses add up: the read-out at step "
                       f"{r_at} is {y:.3f} instead of {value:g} (the forget gates keep "
                       f"{fraction_text(kept)} over {lag} steps, o = {tr['o'][r_at]:.3f} at the "
                       f"read, the candidate {squash:.2%} squashed); open the doors wider and "
                       f"raise b_f.")
    return out


def _upper_power_of_ten(x, floor=1e-6):
    """The smallest power of ten above ``x`` (at least ``floor``), for a bound "|c| < ..."
    that rounding never makes false."""
    return max(10.0 ** math.floor(math.log10(x) + 1), floor) if x > 0 else floor


@exercise("store_recall")
def check_store_recall(wiring):
    """Check a hand-wired cell (dict of ``WIRING``'s keys): it must store a value on
    "write", keep it across distracting inputs, show it on "read" and drop it on "erase"."""
    w = _wiring_values(wiring)
    for scenario in _SCENARIOS:
        problems = wiring_problems(w, scenario)
        if problems:
            T, w_at, r_at, e_at, value, noise = scenario
            lead = (f"storing {value:g} at step {w_at} and reading it at step {r_at} "
                    f"({r_at - w_at} steps later, random values on the line at every step, "
                    f"erase at step {e_at}): ")
            raise Wrong(lead + (problems[0] if len(problems) == 1 else
                                "\n" + bullet_list(problems)))
    T, w_at, r_at, e_at, value, noise = _SCENARIOS[-1]
    tr = store_recall(wired_lstm(**w), store_recall_inputs(T, w_at, r_at, e_at, value, noise,
                                                           rng=T))
    bound = _upper_power_of_ten(float(np.abs(tr["c"][e_at:]).max()))
    return (f"your cell stored {value:g}, kept it for {r_at - w_at} steps among random "
            f"values, read out {tr['y'][r_at]:.2f} and was empty after the erase "
            f"(|c| < {bound:.0e}).")
