"""Chapter 4, exercise 1: one LSTM step forward, ``check_lstm_step_forward``.

The check compares the learner's (h, c) with the library's and with variants computed
with the classic mistakes switched on, and names the mistakes it finds.
"""
import numpy as np

from ..activations import sigmoid
from ..lstm import lstm_step_forward
from ._feedback import Wrong, answer_array, bullet_list, call, closest_variant, exercise, \
    mistake_variants

# ---------------------------------------------------------------- (a) one step forward

_FORWARD_MISTAKES = {
    ("order", "ifog"): "the gates are read in the order i, f, o, g; the fused layout is "
                       "i, f, g, o (PyTorch's): the third block of H columns is the "
                       "candidate g, the fourth the output gate o.",
    ("order", "igfo"): "the gates are read in the order i, g, f, o (TensorFlow 1's "
                       "tf.nn.rnn_cell.LSTMCell, which calls g 'j'; Keras, like PyTorch, uses "
                       "i, f, g, o); rnnlab's fused layout is PyTorch's i, f, g, o.",
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
