"""Checks for chapter 4 (LSTM gates): one step forward, the backward of the cell state,
and a cell wired by hand to store and recall a value.

Each check compares the learner's answer with the library and with variants computed
with the classic mistakes switched on, and names the mistakes it finds.
"""
import numpy as np

from ..activations import sigmoid
from ..lstm import lstm_step_forward
from ..storecall import STORED, WIRING, store_recall, store_recall_inputs, wired_lstm
from ._feedback import (NotAttempted, Wrong, answer_array, bullet_list, call, closest_variant,
                        exercise, mistake_variants)

# ---------------------------------------------------------------- (a) one step forward

_FORWARD_MISTAKES = {
    ("order", "ifog"): "the gates are read in the order i, f, o, g; the fused layout is "
                       "i, f, g, o (PyTorch's): the third block of H columns is the "
                       "candidate g, the fourth the output gate o.",
    ("order", "igfo"): "the gates are read in TensorFlow's order i, g, f, o; rnnlab's fused "
                       "layout is PyTorch's i, f, g, o.",
    ("order", "oifg"): "the gates are read as o, i, f, g; the fused layout is i, f, g, o.",
    ("act", "g_sigmoid"): "the candidate g uses a sigmoid; g = tanh(a_g), so it can be "
                          "negative: only the three gates i, f, o are sigmoids.",
    ("act", "tanh_gates"): "the gates i, f, o use tanh where a sigmoid belongs: a gate is a "
                           "door between 0 (shut) and 1 (open), so i, f, o = sigmoid(a).",
    ("cell", "swap"): "f and i are swapped: c_t = f * c_prev + i * g (f keeps the old "
                      "content, i writes the new candidate), and the first block of the fused "
                      "layout i, f, g, o is i.",
    ("cell", "forget_both"): "the forget gate is applied to the candidate too: c_t = f * "
                             "c_prev + i * g; f multiplies only the old content c_prev.",
    ("cell", "no_forget"): "the forget gate is missing: c_t = c_prev + i * g is the 1997 cell "
                           "without a forget gate; here c_t = f * c_prev + i * g.",
    ("out", "no_tanh"): "h_t = o * c_t without the tanh: the cell is read through a squashing, "
                        "h_t = o * tanh(c_t).",
    ("out", "old_c"): "h_t reads the old cell c_prev; it reads the new one: h_t = o * "
                      "tanh(c_t), with c_t computed first.",
}
_FORWARD_OPTIONS = {"order": ("ifgo", "ifog", "igfo", "oifg"),
                    "act": ("right", "g_sigmoid", "tanh_gates"),
                    "cell": ("right", "swap", "forget_both", "no_forget"),
                    "out": ("right", "no_tanh", "old_c")}


def _forward(x, h_prev, c_prev, W_x, W_h, b, order="ifgo", act="right", cell="right",
             out="right"):
    """(h, c) of one LSTM step, with classic mistakes on request."""
    H = h_prev.shape[1]
    a = x @ W_x + h_prev @ W_h + b
    blocks = {name: a[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
    gate = np.tanh if act == "tanh_gates" else sigmoid
    i, f, o = gate(blocks["i"]), gate(blocks["f"]), gate(blocks["o"])
    g = sigmoid(blocks["g"]) if act == "g_sigmoid" else np.tanh(blocks["g"])
    c = {"right": f * c_prev + i * g, "swap": i * c_prev + f * g,
         "forget_both": f * (c_prev + i * g), "no_forget": c_prev + i * g}[cell]
    h = {"right": o * np.tanh(c), "no_tanh": o * c, "old_c": o * np.tanh(c_prev)}[out]
    return h, c


def _forward_case(B, D, H, seed):
    rng = np.random.default_rng(seed)
    args = (rng.standard_normal((B, D)), rng.uniform(-0.9, 0.9, (B, H)),
            rng.uniform(-2, 2, (B, H)), rng.standard_normal((D, 4 * H)),
            rng.standard_normal((H, 4 * H)), rng.standard_normal(4 * H))
    return args, {"B": B, "D": D, "H": H}


def _two_arrays(out, fn, names):
    """The learner's first two returned values (h, c), or raise Wrong."""
    if not isinstance(out, (tuple, list)) or len(out) < 2:
        got = f"{len(out)} value" if isinstance(out, (tuple, list)) else type(out).__name__
        raise Wrong(f"{fn} should return the pair ({', '.join(names)}), got {got}.")
    return out[0], out[1]


@exercise("lstm_step_forward")
def check_lstm_step_forward(lstm_step_forward_fn):
    """Check ``lstm_step_forward(x, h_prev, c_prev, W_x, W_h, b) -> (h, c)``."""
    for B, D, H, seed in ((3, 4, 5, 41), (2, 3, 2, 42)):
        args, sizes = _forward_case(B, D, H, seed)
        h_ref, c_ref, _ = lstm_step_forward(*args)
        out = call(lstm_step_forward_fn, "lstm_step_forward", *args)
        h, c = _two_arrays(out, "lstm_step_forward", ("h", "c"))
        h = answer_array(h, "h (the first value returned)", ("B", "H"), sizes)
        c = answer_array(c, "c (the second value returned)", ("B", "H"), sizes)
        answer = np.concatenate([h.ravel(), c.ravel()])
        if np.allclose(answer, np.concatenate([h_ref.ravel(), c_ref.ravel()]), atol=1e-6):
            continue
        variants = mistake_variants(_FORWARD_OPTIONS, _FORWARD_MISTAKES,
                                    lambda **o: np.concatenate([v.ravel() for v in
                                                                _forward(*args, **o)]),
                                    max_mistakes=2)
        hit = closest_variant(answer, [(m, v) for m, _, v in variants])
        which = [n for n, a, r in (("h", h, h_ref), ("c", c, c_ref)) if not np.allclose(a, r)]
        lead = f"{' and '.join(which)} differ{'s' * (len(which) == 1)} from rl.lstm_step_forward"
        if hit:
            raise Wrong(f"{lead}: {hit[0]}" if len(hit) == 1 else f"{lead}:\n{bullet_list(hit)}")
        raise Wrong(f"{lead} (B={B}, D={D}, H={H}). Compute a = x @ W_x + h_prev @ W_h + b, "
                    f"split it into four blocks of H columns in the order i, f, g, o, then "
                    f"c = f * c_prev + i * g and h = o * tanh(c).")
    return ("h and c match rl.lstm_step_forward: gates in the order i, f, g, o, sigmoids for "
            "the doors and tanh for the candidate, c_t = f * c_prev + i * g, "
            "h_t = o * tanh(c_t).")


# ---------------------------------------------------------------- (b) backward of the cell

_CELL_MISTAKES = {
    ("path", "none"): "the path through h_t is left out: c_t also feeds h_t = o * tanh(c_t), "
                      "so dL/dc_t = dc + dh * o * (1 - tanh(c_t)**2) before it meets f.",
    ("path", "no_o"): "the output gate is missing on the path through h_t: h_t = o * "
                      "tanh(c_t), so that path is dh * o * (1 - tanh(c_t)**2).",
    ("path", "no_dtanh"): "tanh' is missing on the path through h_t: the derivative of "
                          "tanh(c_t) is 1 - tanh(c_t)**2, so the path is dh * o * (1 - tanh_c**2).",
    ("path", "no_both"): "the path through h_t is added without o * tanh'(c_t): it is "
                         "dh * o * (1 - tanh(c_t)**2), not dh.",
    ("path", "1-tanh"): "tanh' is written 1 - tanh(c_t); it is 1 - tanh(c_t)**2.",
    ("gate", "i"): "the total is multiplied by the input gate i; c_t = f * c_prev + i * g, "
                   "so dc_t/dc_prev = f: multiply by f.",
    ("gate", "fslope"): "the total is multiplied by f * (1 - f), the forget gate's slope; "
                        "c_prev is multiplied by f itself, so dc_t/dc_prev = f.",
    ("gate", "none"): "the total is not multiplied by f: c_t = f * c_prev + i * g, so the "
                      "gradient reaching c_prev is dc_t * f.",
}
_CELL_OPTIONS = {"path": ("right", "none", "no_o", "no_dtanh", "no_both", "1-tanh"),
                 "gate": ("f", "i", "fslope", "none")}


def _cell_backward(dc, dh, cache, path="right", gate="f"):
    o, f, i, tc = cache.o, cache.f, cache.i, cache.tanh_c
    through_h = {"right": dh * o * (1 - tc ** 2), "none": 0.0, "no_o": dh * (1 - tc ** 2),
                 "no_dtanh": dh * o, "no_both": dh, "1-tanh": dh * o * (1 - tc)}[path]
    total = dc + through_h
    return total * {"f": f, "i": i, "fslope": f * (1 - f), "none": 1.0}[gate]


def _cell_case(B, H, seed):
    rng = np.random.default_rng(seed)
    D = 3
    _, _, cache = lstm_step_forward(rng.standard_normal((B, D)), rng.uniform(-0.9, 0.9, (B, H)),
                                    rng.uniform(-2, 2, (B, H)), rng.standard_normal((D, 4 * H)),
                                    rng.standard_normal((H, 4 * H)), rng.standard_normal(4 * H))
    return rng.standard_normal((B, H)), rng.standard_normal((B, H)), cache, \
        {"B": B, "H": H}


@exercise("lstm_cell_backward")
def check_lstm_cell_backward(lstm_cell_backward):
    """Check ``lstm_cell_backward(dc, dh, cache) -> dc_prev`` (dL/dc_{t-1})."""
    for B, H, seed in ((3, 4, 51), (2, 5, 52)):
        dc, dh, cache, sizes = _cell_case(B, H, seed)
        ref = _cell_backward(dc, dh, cache)
        out = call(lstm_cell_backward, "lstm_cell_backward", dc, dh, cache)
        if isinstance(out, (tuple, list)) and len(out) and np.shape(out[0]) == (B, H):
            out = out[0]
        ans = answer_array(out, "dc_prev (returned by lstm_cell_backward)", ("B", "H"), sizes)
        if np.allclose(ans, ref, rtol=1e-5, atol=1e-7):
            continue
        variants = mistake_variants(_CELL_OPTIONS, _CELL_MISTAKES,
                                    lambda **o: _cell_backward(dc, dh, cache, **o),
                                    max_mistakes=2)
        hit = closest_variant(ans, [(m, v) for m, _, v in variants])
        if hit:
            raise Wrong(f"dc_prev differs from the library's: {hit[0]}" if len(hit) == 1 else
                        f"dc_prev differs from the library's:\n{bullet_list(hit)}")
        raise Wrong(f"dc_prev differs from the library's (B={B}, H={H}). First collect "
                    f"everything that reaches c_t, dc + dh * o * (1 - tanh_c**2), then "
                    f"multiply by f.")
    return ("dc_prev = (dc + dh * o * (1 - tanh(c_t)**2)) * f, as in rl.lstm_step_backward: "
            "the error carousel multiplies by f and nothing else.")


# ---------------------------------------------------------------- (c) store and recall

_SCENARIOS = (  # (T, write_at, read_at, erase_at, value, noise)
    (40, 3, 33, 36, STORED, 1.0),
    (125, 10, 110, 118, -3.0, 1.0),
)
OPEN, SHUT, KEEP = 0.99, 0.01, 0.999


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


def _door(gate, at, name, signal, to_open, when_open):
    """Problems of a door that must open at step ``at`` only (the input or output gate)."""
    out = []
    if gate[at] < OPEN:
        out.append(f"the {name} gate does not open at the {signal} step {at} ({name[0]} = "
                   f"{gate[at]:.3f}): the {signal} signal must drive it open, {to_open}.")
    ajar = gate > SHUT
    ajar[at] = False
    if ajar.any():
        out.append(f"the {name} gate is open without a {signal} signal ({name[0]} = "
                   f"{gate[ajar][0]:.3f} at {_steps(ajar)}): {when_open}.")
    return out


def wiring_problems(wiring, scenario):
    """What goes wrong with ``wiring`` (dict) in one scenario: a list of sentences naming
    the gate, the step and the fix (empty: the cell stores, keeps, reads and erases)."""
    T, w_at, r_at, e_at, value, noise = scenario
    tr = store_recall(wired_lstm(**wiring), store_recall_inputs(T, w_at, r_at, e_at, value,
                                                                 noise, rng=T))
    t = np.arange(T)
    out = []
    out += _door(tr["i"], w_at, "input", "write", "w_write_i + b_i > 5",
                 "every value on the line leaks into the cell; make b_i clearly negative "
                 "(b_i < -5)")
    g_want = np.tanh(wiring["w_value_g"] * value)
    if abs(g_want - wiring["w_value_g"] * value) > 0.01 * abs(wiring["w_value_g"] * value) or \
            wiring["w_value_g"] == 0:
        out.append(f"the candidate is squashed: g = tanh({wiring['w_value_g']:g} * {value:g}) = "
                   f"{g_want:.4f} at the write step {w_at}, so the cell cannot tell {value:g} "
                   f"from nearby values; a small nonzero w_value_g (0.01) keeps tanh "
                   f"nearly linear.")
    forget = (tr["f"] < KEEP) & (t != e_at)
    if forget.any():
        kept = float(np.prod(tr["f"][w_at + 1:r_at + 1]))
        out.append(f"the forget gate leaks: f = {tr['f'][forget][0]:.4f} at {_steps(forget)}, "
                   f"so from the write (step {w_at}) to the read (step {r_at}) the cell keeps "
                   f"{kept:.1%} of its content; b_f must be large (b_f > 7).")
    if tr["f"][e_at] > SHUT:
        out.append(f"the erase signal at step {e_at} does not close the forget gate (f = "
                   f"{tr['f'][e_at]:.3f}), so the value stays after the erase; w_erase_f must "
                   f"pull a_f far below 0 (w_erase_f + b_f < -5).")
    out += _door(tr["o"], r_at, "output", "read", "w_read_o + b_o > 5",
                 "the cell shows its content all the time; make b_o clearly negative "
                 "(b_o < -5)")
    y = tr["y"][r_at]
    if not out and abs(y - value) > 0.02 * abs(value):
        out.append(f"the gates work, but the read-out at step {r_at} is {y:.3f} instead of "
                   f"{value:g}: W_hy must undo the candidate's scale, W_hy = 1 / w_value_g.")
    return out


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
    return (f"your cell stored {value:g}, kept it for {r_at - w_at} steps among random "
            f"values, read out {tr['y'][r_at]:.2f} and was empty after the erase "
            f"(|c| < {max(abs(tr['c'][e_at:]).max(), 1e-6):.0e}).")
