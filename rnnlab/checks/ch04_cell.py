"""Chapter 4, exercise 2: the gradient along the carousel, ``check_lstm_cell_backward``.

The check compares the learner's dL/dc_{t-1} with the library's and with variants computed
with the classic mistakes switched on, and names the mistakes it finds.
"""
import numpy as np

from ..lstm import lstm_step_forward
from ._feedback import Wrong, answer_array, bullet_list, call, closest_variant, exercise, \
    mistake_variants

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
