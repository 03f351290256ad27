"""Checks for chapter 5 (GRU): one step in PyTorch's convention, converting weights to
Chung et al.'s convention, and the widths that match a parameter budget.

Each check compares the learner's answer with the library and with variants computed
with the classic mistakes switched on, and names the mistakes it finds.
"""
import numpy as np

from ..budget import CELLS, matched_widths
from ..gru import GRU, gru_step_forward
from ._feedback import (Wrong, answer_array, bullet_list, call, closest_variant,
                        exercise, mistake_variants, same, shape_of)

# ---------------------------------------------------------------- (1) gru_step


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


_STEP_MISTAKES = {
    ("update", "chung"): "z and 1 - z are swapped: h = (1 - z) * h_prev + z * n is Chung et "
                         "al.'s convention. PyTorch's keeps the old state where z is near 1: "
                         "h = (1 - z) * n + z * h_prev.",
    ("reset", "before"): "the reset gate is applied before the product, (r * h_prev) @ W_hn, "
                         "as Chung et al. write it. PyTorch applies it after: "
                         "r * (h_prev @ W_hn + b_hn).",
    ("b_hn", "outside"): "b_hn is added outside the reset: r * (h_prev @ W_hn) + b_hn. In "
                         "PyTorch's GRU r multiplies b_hn too: r * (h_prev @ W_hn + b_hn).",
    ("b_hn", "missing"): "b_hn is missing: n = tanh(x @ W_xn + b_n + r * (h_prev @ W_hn + "
                         "b_hn)).",
    ("order", "zrn"): "the gates are read in the order z, r, n. The fused columns hold r "
                      "first (0:H), then z (H:2H), then n (2H:3H), as in PyTorch.",
    ("n_act", "sigmoid"): "the candidate n goes through a sigmoid; it uses tanh, so it can be "
                          "negative like the state it may replace.",
    ("gate_act", "tanh"): "the gates r and z go through tanh; gates use the sigmoid, so they "
                          "lie between 0 and 1.",
}
_STEP_OPTIONS = {"update": ("pytorch", "chung"), "reset": ("after", "before"),
                 "b_hn": ("reset", "outside", "missing"), "order": ("rzn", "zrn"),
                 "n_act": ("tanh", "sigmoid"), "gate_act": ("sigmoid", "tanh")}


def _gru_step(x, h_prev, W_x, W_h, b, b_hn, update="pytorch", reset="after", b_hn_at="reset",
              order="rzn", n_act="tanh", gate_act="sigmoid"):
    """One GRU step with the mistakes of ``_STEP_MISTAKES`` on request; h (B, H)."""
    H = h_prev.shape[1]
    a = x @ W_x + b                                        # (B, 3H)
    a_h = h_prev @ W_h[:, :2 * H]
    g = np.tanh if gate_act == "tanh" else _sigmoid
    first, second = g(a[:, :H] + a_h[:, :H]), g(a[:, H:2 * H] + a_h[:, H:])
    r, z = (first, second) if order == "rzn" else (second, first)
    inside = b_hn if b_hn_at == "reset" else 0.0
    outside = b_hn if b_hn_at == "outside" else 0.0
    if reset == "after":
        hn = r * (h_prev @ W_h[:, 2 * H:] + inside) + outside
    else:
        hn = (r * h_prev) @ W_h[:, 2 * H:] + inside + outside
    n = (np.tanh if n_act == "tanh" else _sigmoid)(a[:, 2 * H:] + hn)
    return (1 - z) * n + z * h_prev if update == "pytorch" else (1 - z) * h_prev + z * n


def _step_case(B, D, H, seed):
    rng = np.random.default_rng(seed)
    args = (rng.standard_normal((B, D)), rng.uniform(-0.9, 0.9, (B, H)),
            0.8 * rng.standard_normal((D, 3 * H)), 0.8 * rng.standard_normal((H, 3 * H)),
            0.5 * rng.standard_normal(3 * H), 0.5 * rng.standard_normal(H))
    return args, {"B": B, "H": H}


def _judge_step(gru_step, args, sizes):
    ref = gru_step_forward(*args)[0]
    out = call(gru_step, "gru_step", *args)
    if isinstance(out, tuple) and len(out) == 2 and shape_of(out[0]) == ref.shape:
        out = out[0]                                       # (h, cache) is fine too
    h = answer_array(out, "the returned h", ("B", "H"), sizes)
    if same(h, ref, rtol=1e-7, atol=1e-9):
        return
    variants = mistake_variants(
        _STEP_OPTIONS, _STEP_MISTAKES, lambda b_hn, **c: _gru_step(*args, b_hn_at=b_hn, **c), max_mistakes=2)
    hit = closest_variant(h, [(m, v) for m, _, v in variants])
    if hit:
        raise Wrong(bullet_list(hit) if len(hit) == 1 else "two things:\n" + bullet_list(hit))
    raise Wrong("h differs from rnnlab.gru_step_forward. Build it in four lines: "
                "r and z = sigmoid(x @ W_x[:, gate] + h_prev @ W_h[:, gate] + b[gate]), "
                "n = tanh(x @ W_xn + b_n + r * (h_prev @ W_hn + b_hn)), "
                "h = (1 - z) * n + z * h_prev.")


@exercise("gru_step")
def check_gru_step(gru_step):
    """Check ``gru_step(x, h_prev, W_x, W_h, b, b_hn) -> h (B, H)``, PyTorch's convention."""
    args, sizes = _step_case(B=3, D=4, H=5, seed=55)
    _judge_step(gru_step, args, sizes)
    args2, sizes2 = _step_case(B=2, D=1, H=2, seed=9)
    try:
        _judge_step(gru_step, args2, sizes2)
    except Wrong as err:
        raise Wrong(f"right for B=3, D=4, H=5, but not for B=2, D=1, H=2. Is a size written "
                    f"into your code instead of read from the shapes? There: {err}") from None
    return ("h matches rnnlab's GRU step (PyTorch's convention) on two test cases: reset "
            "after the product, b_hn inside it, z keeping the old state.")


# ---------------------------------------------------------------- (2) pytorch_to_chung

_CONVERT_MISTAKES = {
    ("z", "none"): "the update gate is unchanged. Chung's z is PyTorch's 1 - z, and "
                   "1 - sigmoid(a) = sigmoid(-a): negate W_xz, W_hz and b_z.",
    ("z", "one_minus"): "you replaced the update gate's weights w by 1 - w. The 1 - z "
                        "belongs to the gate, not to its weights: 1 - sigmoid(a) = "
                        "sigmoid(-a), so negate them (w -> -w).",
    ("z", "weights_only"): "W_xz and W_hz are negated but b_z is not: the bias is part of "
                           "a_z too, so -a_z needs -b_z.",
    ("z", "bias_only"): "only b_z is negated; a_z = x W_xz + h W_hz + b_z has to change sign "
                        "as a whole: negate W_xz and W_hz too.",
    ("z", "all_gates"): "every gate's weights are negated, not only the update gate's. Only "
                        "z changes meaning between the conventions; r and n stay as they are.",
    ("z", "recurrent_only"): "only W_hz is negated; negate W_xz and b_z as well, the whole "
                             "a_z.",
    ("b_hn", "drop"): "b_hn is dropped. Chung's cell has no b_hn, but where r = 1 PyTorch's "
                      "r * (h W_hn + b_hn) is h W_hn + b_hn: add b_hn to b_n.",
    ("b_hn", "into_z"): "b_hn is added to b_z; it belongs to the candidate: add it to b_n "
                        "(columns 2H:3H).",
}
_CONVERT_OPTIONS = {"z": ("negate", "none", "one_minus", "weights_only", "bias_only",
                          "all_gates", "recurrent_only"), "b_hn": ("fold", "drop", "into_z")}


def _convert(W_x, W_h, b, b_hn, z="negate", b_hn_to="fold"):
    """PyTorch -> Chung weights with the mistakes of ``_CONVERT_MISTAKES`` on request."""
    H = W_h.shape[0]
    W_x, W_h, b = W_x.copy(), W_h.copy(), b.copy()
    zs = slice(H, 2 * H)
    if z == "negate":
        W_x[:, zs], W_h[:, zs], b[zs] = -W_x[:, zs], -W_h[:, zs], -b[zs]
    elif z == "one_minus":
        W_x[:, zs], W_h[:, zs], b[zs] = 1 - W_x[:, zs], 1 - W_h[:, zs], 1 - b[zs]
    elif z == "weights_only":
        W_x[:, zs], W_h[:, zs] = -W_x[:, zs], -W_h[:, zs]
    elif z == "bias_only":
        b[zs] = -b[zs]
    elif z == "all_gates":
        W_x, W_h, b = -W_x, -W_h, -b
    elif z == "recurrent_only":
        W_h[:, zs] = -W_h[:, zs]
    if b_hn_to == "fold":
        b[2 * H:] += b_hn
    elif b_hn_to == "into_z":
        b[zs] += b_hn
    return W_x, W_h, b


def _convert_case(seed, D=3, H=4):
    """PyTorch weights with the reset gate saturated at 1 (b_r = 40): where both agree."""
    rng = np.random.default_rng(seed)
    W_x, W_h = 0.7 * rng.standard_normal((D, 3 * H)), 0.7 * rng.standard_normal((H, 3 * H))
    b = 0.5 * rng.standard_normal(3 * H)
    b[:H] = 40.0                                          # r = sigmoid(40 + ...) = 1
    W_x[:, :H] *= 0.01
    W_h[:, :H] *= 0.01
    X = rng.standard_normal((6, 2, D))
    return (W_x, W_h, b, 0.5 * rng.standard_normal(H)), X


def _chung_states(W_x, W_h, b, X):
    m = GRU(X.shape[2], W_h.shape[0], convention="chung")
    m["W_x"], m["W_h"], m["b"] = W_x, W_h, b
    return m.forward(X).states["h"]


@exercise("pytorch_to_chung")
def check_pytorch_to_chung(pytorch_to_chung):
    """Check ``pytorch_to_chung(W_x, W_h, b, b_hn) -> (W_x, W_h, b)`` for Chung's GRU."""
    args, X = _convert_case(seed=3)
    D, H = args[0].shape[0], args[1].shape[0]
    out = call(pytorch_to_chung, "pytorch_to_chung", *args)
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise Wrong("return three arrays, (W_x, W_h, b), the weights of Chung's cell (it has "
                    f"no b_hn); got {type(out).__name__}"
                    + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else "") + ".")
    sizes = {"D": D, "H": H, "3H": 3 * H}
    W_x = answer_array(out[0], "the returned W_x", ("D", "3H"), sizes)
    W_h = answer_array(out[1], "the returned W_h", ("H", "3H"), sizes)
    b = answer_array(out[2], "the returned b", ("3H",), sizes)
    pt = GRU(D, H)
    pt["W_x"], pt["W_h"], pt["b"], pt["b_hn"] = args
    ref = pt.forward(X).states["h"]
    mine = _chung_states(W_x, W_h, b, X)
    if same(mine, ref, rtol=1e-9, atol=1e-12):
        return ("with the reset gate at 1, Chung's cell with your weights gives PyTorch's "
                "states exactly: the update gate negated (W_xz, W_hz, b_z -> minus), b_hn "
                "folded into b_n. Where r < 1 no weights can do this (section 2).")
    variants = [(m, _chung_states(*_convert(*args, z=c["z"], b_hn_to=c["b_hn"]), X))
                for m, c, _ in mistake_variants(_CONVERT_OPTIONS, _CONVERT_MISTAKES,
                                                lambda **c: None)]
    hit = closest_variant(mine, variants)
    if hit:
        raise Wrong(bullet_list(hit) if len(hit) == 1 else "two things:\n" + bullet_list(hit))
    raise Wrong("Chung's cell with your weights does not give PyTorch's states, even with the "
                "reset gate at 1. Change only the update gate (negate W_xz, W_hz, b_z: columns "
                "H:2H) and add b_hn to b_n (columns 2H:3H).")


# ---------------------------------------------------------------- (3) matched_widths

def _count(cell, D, H, O, gates="right", output=True, biases="rnnlab", inputs=True,
           b_hn=True):
    """A parameter count with the mistakes of ``_WIDTH_MISTAKES`` on request."""
    G = {"right": {"RNN": 1, "LSTM": 4, "GRU": 3}, "swapped": {"RNN": 1, "LSTM": 3, "GRU": 4},
         "none": {"RNN": 1, "LSTM": 1, "GRU": 1}}[gates][cell]
    n = G * ((D * H if inputs else 0) + H * H + H)
    n += G * H if biases == "pytorch" else 0
    n += H if cell == "GRU" and b_hn and biases != "pytorch" else 0
    return n + (H * O + O if output else 0)


def _widths(budget, D, O, rounding="floor", **mistakes):
    """Each cell's width under a counting mistake: the largest H within budget (or the
    H whose count is closest, with ``rounding="nearest"``)."""
    out = {}
    for cell in CELLS:
        counts, H = [], 1
        while not counts or counts[-1] <= budget:          # counts grow with H
            counts.append(_count(cell, D, H, O, **mistakes))
            H += 1
        if rounding == "floor":
            out[cell] = len(counts) - 1
        else:
            out[cell] = 1 + int(np.argmin([abs(n - budget) for n in counts]))
    return out


_WIDTH_MISTAKES = {
    ("gates", "swapped"): "the LSTM and GRU multipliers are swapped: the LSTM has four gate "
                          "blocks (i, f, g, o), the GRU three (r, z, n).",
    ("gates", "none"): "every cell is counted as a vanilla RNN: an LSTM has 4 gate blocks and "
                       "a GRU 3, each with its own W_x*, W_h*, b_*.",
    ("output", False): "the output layer (W_hy: H x O, b_y: O) is not counted; it belongs to "
                       "the budget too, and it grows with H.",
    ("biases", "pytorch"): "that is PyTorch's count, with two bias vectors per gate. rnnlab "
                           "keeps their sum (one bias per gate, plus b_hn for the GRU).",
    ("inputs", False): "the input weights (D x H per gate block) are not counted.",
    ("b_hn", False): "the GRU's b_hn (H numbers, kept apart because r multiplies it) is not "
                     "counted.",
    ("rounding", "nearest"): "you chose the width whose count is nearest to the budget, which "
                             "can exceed it. Take the largest H whose count does not exceed "
                             "the budget.",
}
_WIDTH_OPTIONS = {"gates": ("right", "swapped", "none"), "output": (True, False),
                  "biases": ("rnnlab", "pytorch"), "inputs": (True, False),
                  "b_hn": (True, False), "rounding": ("floor", "nearest")}
_WIDTH_CASES = ((600, 2, 1), (1800, 51, 51), (306, 3, 2), (5000, 10, 3), (20000, 40, 40))


def _as_widths(value, case):
    if not isinstance(value, dict):
        raise Wrong(f"matched_widths{case} returned a {type(value).__name__}; return a dict "
                    f"{{'RNN': H, 'LSTM': H, 'GRU': H}}.")
    missing = [c for c in CELLS if c not in value]
    if missing:
        raise Wrong(f"the dict has no entry for {', '.join(missing)}; its keys must be "
                    f"'RNN', 'LSTM' and 'GRU'.")
    out = {}
    for c in CELLS:
        v = value[c]
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer, float,
                                                                 np.floating)) \
                or not float(v).is_integer():
            raise Wrong(f"the width of the {c} is {v!r:.30}; a width is a whole number of "
                        f"units.")
        out[c] = int(v)
    return out


@exercise("matched_widths")
def check_matched_widths(matched_widths_fn):
    """Check ``matched_widths(budget, D, O) -> {"RNN": H, "LSTM": H, "GRU": H}``."""
    answers = [_as_widths(call(matched_widths_fn, "matched_widths", *c), c)
               for c in _WIDTH_CASES]
    truth = [matched_widths(*c) for c in _WIDTH_CASES]
    if answers == truth:
        b, D, O = _WIDTH_CASES[0]
        w = truth[0]
        return (f"for a budget of {b} with D={D}, O={O}: RNN {w['RNN']}, LSTM {w['LSTM']}, "
                f"GRU {w['GRU']} units, each the widest that fits.")
    variants = mistake_variants(
        _WIDTH_OPTIONS, _WIDTH_MISTAKES,
        lambda rounding, **m: [_widths(*c, rounding=rounding, **m) for c in _WIDTH_CASES],
        max_mistakes=2)
    hits = [m for m, _, v in variants if v == answers]
    if hits:
        hit = min(hits, key=len)
        raise Wrong(bullet_list(hit) if len(hit) == 1 else "two things:\n" + bullet_list(hit))
    i = next(i for i in range(len(truth)) if answers[i] != truth[i])
    b, D, O = _WIDTH_CASES[i]
    raise Wrong(f"for a budget of {b} with D={D}, O={O} you give {answers[i]}; the widest "
                f"that fit are {truth[i]}. Count each cell with rnnlab.budget.param_count "
                f"(or model.n_params) and take the largest H within the budget.")


__all__ = ["check_gru_step", "check_pytorch_to_chung", "check_matched_widths"]
