"""Checks for chapter 2 (backpropagation through time): one step backward, the loop over
time, a centred-difference gradient check, and the "find the bugs" RNN.

Each check compares the learner's answer with the library and with variants computed
with the classic mistakes switched on, and names the mistakes it finds.
"""
import inspect
from itertools import product

import numpy as np

from .. import buggy_rnn
from ..gradcheck import numerical_gradient as library_numerical_gradient
from ..gradcheck import relative_error as library_relative_error
from ..rnn import RNN, rnn_step_forward
from ._feedback import (NotAttempted, Wrong, answer_array, bullet_list, call, closest_variant,
                        exercise, mistake_variants, same)

STEP_NAMES = ("dx", "dh_prev", "dW_xh", "dW_hh", "db_h")
LOOP_NAMES = ("dX", "dh_init", "dW_xh", "dW_hh", "db_h")
STEP_SHAPES = (("B", "D"), ("B", "H"), ("D", "H"), ("H", "H"), ("H",))
LOOP_SHAPES = (("T", "B", "D"), ("B", "H"), ("D", "H"), ("H", "H"), ("H",))

# ---------------------------------------------------------------- (a) one step backward

_STEP_MISTAKES = {
    ("dphi", "none"): "the tanh derivative is missing: dh must pass through tanh first, "
                      "da = dh * (1 - h**2), before it meets any weight.",
    ("dphi", "1-h"): "the tanh derivative is written 1 - h; it is 1 - h**2 (tanh' = 1 - tanh^2).",
    ("dphi", "1-h_prev"): "the tanh derivative uses h_prev; it belongs to this step's output "
                          "h = tanh(a): da = dh * (1 - h**2).",
    ("whh", "plain"): "dh_prev uses W_hh instead of its transpose. In the row-vector form "
                      "h_prev @ W_hh goes forward, so da @ W_hh.T goes backward.",
    ("swap", True): "dW_hh pairs da with h (this step's output) instead of h_prev: the "
                    "weight W_hh multiplies h_{t-1}, so dW_hh = h_prev.T @ da.",
    ("outer", "flipped"): "dW_hh is transposed: da.T @ h_prev is (dL/dW_hh)^T. Put the input "
                          "of the product first, h_prev.T @ da, like W_hh's place in "
                          "h_prev @ W_hh.",
}
_STEP_OPTIONS = {"dphi": ("tanh", "none", "1-h", "1-h_prev"), "whh": ("T", "plain"),
                 "swap": (False, True), "outer": ("right", "flipped")}


def _dphi(kind, cache):
    return {"tanh": 1 - cache.h ** 2, "none": 1.0, "1-h": 1 - cache.h,
            "1-h_prev": 1 - cache.h_prev ** 2}[kind]


def _step_backward(dh, cache, dphi="tanh", whh="T", swap=False, outer="right"):
    """(dx, dh_prev, dW_xh, dW_hh, db_h) of one tanh step, with classic mistakes on request."""
    da = dh * _dphi(dphi, cache)
    left = cache.h if swap else cache.h_prev
    dW_hh = da.T @ left if outer == "flipped" else left.T @ da
    return (da @ cache.W_xh.T, da @ (cache.W_hh.T if whh == "T" else cache.W_hh), cache.x.T @ da,
            dW_hh,
            da.sum(axis=0))


def _step_case(B, D, H, seed):
    """dh and a cache of one forward step with well-spread values; and the sizes."""
    rng = np.random.default_rng(seed)
    x, h_prev = rng.standard_normal((B, D)), rng.uniform(-0.9, 0.9, (B, H))
    W_xh, W_hh, b_h = (0.7 * rng.standard_normal(s) for s in ((D, H), (H, H), (H,)))
    _, cache = rnn_step_forward(x, h_prev, W_xh, W_hh, b_h)
    return rng.standard_normal((B, H)), cache, {"B": B, "D": D, "H": H}


def _as_tuple(out, n, fn, names):
    """The learner's returned tuple (or NamedTuple) of ``n`` gradients, or raise Wrong."""
    if isinstance(out, dict):
        missing = [k for k in names if k not in out]
        if missing:
            raise Wrong(f"{fn} returned a dict without {missing[0]!r}; return the tuple "
                        f"({', '.join(names)}).")
        return tuple(out[k] for k in names)
    if not isinstance(out, (tuple, list)) or len(out) != n:
        got = f"{len(out)} values" if isinstance(out, (tuple, list)) else type(out).__name__
        raise Wrong(f"{fn} should return {n} gradients ({', '.join(names)}), got {got}.")
    return tuple(out)


def _judge_parts(parts, ref, names, shapes, sizes, fn):
    """Read each returned gradient as an array of its shape; return the list."""
    arrays = []
    for name, value, labels, r in zip(names, parts, shapes, ref):
        if labels == ("H",) and np.shape(value) == (sizes["B"], sizes["H"]):
            raise Wrong(f"{name} has shape (B, H): sum it over the batch too. b_h is added to "
                        f"every row, so each row's gradient adds up: {name} = da.sum(axis=0).")
        arrays.append(answer_array(value, f"{name} (returned by {fn})", labels, sizes))
    return arrays


def _judge_gradients(fn, name, args, sizes, names, shapes, reference):
    """Run the learner's ``fn(*args)``; return (lead sentence, names of the gradients that
    differ from ``reference()``), after raising Wrong if the answer equals a variant with
    known mistakes. ``reference(**mistakes)`` computes the tuple of gradients."""
    ref = reference()
    parts = _as_tuple(call(fn, name, *args), len(names), name, names)
    arrays = _judge_parts(parts, ref, names, shapes, sizes, name)
    wrong = [n for n, a, r in zip(names, arrays, ref) if not same(a, r)]
    lead = f"{', '.join(wrong)} differ{'s' * (len(wrong) == 1)} from the library's: "
    if wrong:
        options, mistakes = (_STEP_OPTIONS, _STEP_MISTAKES) if names == STEP_NAMES else \
            (_LOOP_OPTIONS, _LOOP_MISTAKES)
        variants = mistake_variants(options, mistakes, reference, max_mistakes=2)
        hit = closest_variant(np.concatenate([a.ravel() for a in arrays]),
                              [(m, np.concatenate([np.ravel(a) for a in v]))
                               for m, _, v in variants])
        if hit:
            raise Wrong(f"{lead}{hit[0]}" if len(hit) == 1 else f"{lead}\n{bullet_list(hit)}")
    return lead, wrong, arrays, ref


@exercise("rnn_step_backward")
def check_rnn_step_backward(rnn_step_backward):
    """Check ``rnn_step_backward(dh, cache) -> (dx, dh_prev, dW_xh, dW_hh, db_h)``."""
    for B, D, H, seed in ((3, 4, 5, 11), (1, 2, 6, 12)):
        dh, cache, sizes = _step_case(B, D, H, seed)
        lead, wrong, _, _ = _judge_gradients(rnn_step_backward, "rnn_step_backward", (dh, cache),
                                             sizes, STEP_NAMES, STEP_SHAPES,
                                             lambda **c: _step_backward(dh, cache, **c))
        if not wrong:
            continue
        raise Wrong(f"{lead.rstrip(': ')} (B={B}, D={D}, H={H}). Start from da = dh * "
                    f"(1 - h**2); every other gradient is da times what multiplied the weight "
                    f"in the forward step.")
    return ("all five gradients match rl.rnn_step_backward: da = dh * (1 - h**2) first, then "
            "each weight's gradient is its input transposed times da.")


# ---------------------------------------------------------------- (b) the loop over time

_LOOP_MISTAKES = {
    ("carry", False): "dh is not carried to step t-1: at each step add dh_prev from step "
                      "t+1 to the output's gradient dH[t]. Without it, no gradient flows "
                      "back through time.",
    ("outputs", "last"): "the output gradient dH[t] is added only at the last step. Every "
                         "step has its own output and loss, so dh_t = dH[t] + (what step t+1 "
                         "sends back).",
    ("reduce", "mean"): "the weight gradients are T times too small: they are averaged over "
                        "time. A shared weight's gradient is the SUM of its per-step "
                        "contributions.",
    ("init", "zeros"): "dh_init, the gradient of the initial state h_{-1}, is zeros. It is "
                       "what step 0 passes back: the dh_prev of the last step of the loop.",
    ("init", "dh0"): "dh_init is dL/dh_0, the gradient of the first state; the initial state "
                     "is h_{-1}, one step earlier: return the dh_prev that step 0 sends back.",
    ("step", "no_dphi"): "the tanh derivative is missing: da = dh * (1 - h**2) at each step.",
    ("step", "whh"): "W_hh is transposed the wrong way: dh_prev = da @ W_hh.T.",
    ("step", "swap"): "dW_hh pairs da_t with h_t instead of h_{t-1}: the gradients of h_{t-1} "
                      "and h_t are swapped.",
}
_LOOP_OPTIONS = {"carry": (True, False), "outputs": ("every", "last"), "reduce": ("sum", "mean"),
                 "init": ("right", "zeros", "dh0"), "step": ("right", "no_dphi", "whh", "swap")}
_STEP_OF = {"right": {}, "no_dphi": {"dphi": "none"}, "whh": {"whh": "plain"},
            "swap": {"swap": True}}


def _loop_backward(dH, caches, carry=True, outputs="every", reduce="sum", init="right",
                   step="right"):
    """(dX, dh_init, dW_xh, dW_hh, db_h) of a tanh RNN given dH = dL/dh_t from the outputs."""
    T = len(caches)
    dX, dnext = np.zeros((T,) + caches[0].x.shape), np.zeros_like(dH[0])
    sums = [np.zeros_like(caches[0].W_xh), np.zeros_like(caches[0].W_hh),
            np.zeros(dH.shape[2])]
    dh0 = None
    for t in range(T - 1, -1, -1):
        dh = (dH[t] if outputs == "every" or t == T - 1 else 0.0) + (dnext if carry else 0.0)
        dh0 = dh
        dx, dnext, *grads = _step_backward(dh, caches[t], **_STEP_OF[step])
        dX[t] = dx
        for s, g in zip(sums, grads):
            s += g
    if reduce == "mean":
        sums = [s / T for s in sums]
    dh_init = {"right": dnext, "zeros": np.zeros_like(dnext), "dh0": dh0}[init]
    return (dX, dh_init, *sums)


def _loop_case(T, B, D, H, seed):
    """dH (T, B, H) and the caches of a forward pass; and the sizes."""
    rng = np.random.default_rng(seed)
    X, h = rng.standard_normal((T, B, D)), rng.uniform(-0.9, 0.9, (B, H))
    W_xh, W_hh, b_h = (0.7 * rng.standard_normal(s) for s in ((D, H), (H, H), (H,)))
    caches = []
    for x in X:
        h, cache = rnn_step_forward(x, h, W_xh, W_hh, b_h)
        caches.append(cache)
    return rng.standard_normal((T, B, H)), caches, {"T": T, "B": B, "D": D, "H": H}


@exercise("rnn_backward")
def check_rnn_backward(rnn_backward):
    """Check ``rnn_backward(dH, caches) -> (dX, dh_init, dW_xh, dW_hh, db_h)`` against
    rl.bptt's backward pass."""
    for T, B, D, H, seed in ((5, 3, 4, 6, 21), (3, 1, 2, 4, 22)):
        dH, caches, sizes = _loop_case(T, B, D, H, seed)
        lead, wrong, arrays, ref = _judge_gradients(rnn_backward, "rnn_backward", (dH, caches),
                                                    sizes, LOOP_NAMES, LOOP_SHAPES,
                                                    lambda **c: _loop_backward(dH, caches, **c))
        if not wrong:
            continue
        steps = [t for t in range(T) if not same(arrays[0][t], ref[0][t])]
        right = (f"at step {T - 1}" if steps and steps[-1] == T - 2 else
                 f"for steps {steps[-1] + 1} to {T - 1}" if steps else "")
        where = (f" dX is right {right}; going back, it first goes wrong at step "
                 f"{steps[-1]}, so look at what is carried from step to step."
                 if steps and steps[-1] < T - 1 else "")
        raise Wrong(f"{lead.rstrip(': ')} (T={T}, B={B}, D={D}, H={H}).{where} Walk t from "
                    f"T-1 down to 0: dh = dH[t] + dh_prev, then one step backward; add "
                    f"each step's weight gradients.")
    return ("your loop matches rnnlab's BPTT on two sequences: dh_t = dH[t] + (what step t+1 "
            "sends back), every step's weight gradients summed, and h_{-1} gets its gradient.")


# ---------------------------------------------------------------- (c) gradient checking

def _cubic(w, c):
    return float(np.sum(c * w ** 3 + np.sin(3 * w)))


def _cubic_grad(w, c):
    return 3 * c * w ** 2 + 3 * np.cos(3 * w)


def _eps_of(fn):
    """The default of the learner's ``eps`` argument, or raise NotAttempted/Wrong."""
    try:
        param = inspect.signature(fn).parameters.get("eps")
    except (TypeError, ValueError):
        param = None
    if param is None or param.default is inspect.Parameter.empty:
        raise Wrong("numerical_gradient should keep its argument eps with a default value, "
                    "def numerical_gradient(f, w, eps=...): the check calls it without eps "
                    "to see the step you chose.")
    eps = param.default
    if eps is Ellipsis:
        raise NotAttempted("Choose the step: replace eps=... with a number.")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
        raise Wrong(f"eps should be a small positive number, got {eps!r}.")
    return float(eps)


def _step_verdict(eps):
    """Raise Wrong if the step is far from the float64 sweet spot (1e-7 to 1e-4)."""
    if eps > 1e-4:
        raise Wrong(f"eps = {eps:g} is too large: centred differences are off by about "
                    f"eps^2 times the third derivative, so an error of order {eps ** 2:.0e} "
                    f"hides a real bug of that size. Take eps between 1e-7 and 1e-4 "
                    f"(1e-5 or 1e-6 is usual in float64).")
    if eps < 1e-7:
        raise Wrong(f"eps = {eps:g} is too small: f(w + eps) and f(w - eps) agree in almost "
                    f"all of their 16 significant digits, and the rounding error of their "
                    f"difference, divided by 2 eps, grows like 1e-16 / eps. Take eps between "
                    f"1e-7 and 1e-4 (1e-5 or 1e-6 is usual in float64).")


_NUMGRAD_VARIANTS = (
    ("these are forward differences, (f(w + eps) - f(w)) / eps, whose error shrinks only "
     "like eps. Use centred differences, (f(w + eps) - f(w - eps)) / (2 eps): the first-order "
     "errors cancel and what is left shrinks like eps^2.",
     lambda f0, fp, fm, eps: (fp - f0) / eps),
    ("the difference is divided by eps; the two points are 2 eps apart, so divide by 2 eps.",
     lambda f0, fp, fm, eps: (fp - fm) / eps),
    ("the sign is flipped: it is (f(w + eps) - f(w - eps)) / (2 eps), not the other way round.",
     lambda f0, fp, fm, eps: (fm - fp) / (2 * eps)),
    ("these are backward differences, (f(w) - f(w - eps)) / eps, whose error shrinks only "
     "like eps. Use centred differences, (f(w + eps) - f(w - eps)) / (2 eps).",
     lambda f0, fp, fm, eps: (f0 - fm) / eps),
)


def _judge_numerical_gradient(numerical_gradient, eps):
    rng = np.random.default_rng(31)
    w, c = rng.uniform(-1, 1, (3, 4)), rng.uniform(0.5, 1.5, (3, 4))
    w_before = w.copy()
    out = call(numerical_gradient, "numerical_gradient", lambda: _cubic(w, c), w, in_place=True)
    g = answer_array(out, "the returned gradient", ("R", "C"), {"R": 3, "C": 4})
    if not np.array_equal(w, w_before):
        moved = int((w != w_before).sum())
        raise Wrong(f"after your function ran, {moved} of the 12 entries of w had changed: "
                    f"put each entry back (w[j] = old) after evaluating f on both sides. "
                    f"Otherwise every later entry is differentiated at the wrong point, and "
                    f"the model is left with altered weights.")
    truth = _cubic_grad(w, c)
    if np.allclose(g, 0):
        raise Wrong("your gradient is all zeros: f() reads w itself, so perturb w in place "
                    "(w[j] = old + eps), not a copy of it.")
    f0 = _cubic(w, c)
    fp, fm = np.empty_like(w), np.empty_like(w)
    for j in np.ndindex(w.shape):
        old = w[j]
        w[j] = old + eps
        fp[j] = _cubic(w, c)
        w[j] = old - eps
        fm[j] = _cubic(w, c)
        w[j] = old
    for mistake, formula in _NUMGRAD_VARIANTS:
        if same(g, formula(f0, fp, fm, eps), rtol=1e-7, atol=1e-9) and not \
                same(g, (fp - fm) / (2 * eps), rtol=1e-7, atol=1e-9):
            raise Wrong(mistake)
    if same(g, (fp - fm) / (2 * eps), rtol=1e-6, atol=1e-9):
        _step_verdict(eps)
    if not same(g, truth, rtol=1e-4, atol=1e-6):
        raise Wrong("your gradient of f(w) = sum(c w^3 + sin 3w) differs from its exact "
                    "value 3 c w^2 + 3 cos 3w. Perturb one entry at a time, "
                    "w[j] += eps and w[j] -= eps, and store (f_plus - f_minus) / (2 eps) "
                    "in entry j.")
    _step_verdict(eps)


_RELERR_MISTAKES = (
    ("it is not relative: multiplying both gradients by 1000 multiplies your error by 1000. "
     "Divide ||a - b|| by the size of the gradients, ||a|| + ||b||, so the same threshold "
     "works for tiny and huge gradients.",
     lambda r, a, b: not np.isclose(r(1000 * a, 1000 * b), r(a, b), rtol=1e-6)),
    ("it lets positive and negative differences cancel: a - b with entries +1 and -1 sums "
     "to 0. Use the norm ||a - b|| (np.linalg.norm), which counts every entry.",
     lambda r, a, b: np.isclose(r(a, a + np.array([1.0, -1.0, 0.0, 0.0])), 0, atol=1e-12)),
    ("it compares only the lengths of the two gradients, not their directions: a gradient "
     "and a shuffled copy of it get an error of 0. Take the norm of the difference, "
     "||a - b||, not the difference of the norms.",
     lambda r, a, b: np.isclose(r(a, a[::-1].copy()), 0, atol=1e-12)),
)


def _judge_relative_error(relative_error):
    a, b = np.array([1.0, -2.0, 0.5, 3.0]), np.array([1.1, -2.0, 0.45, 2.9])
    value = call(relative_error, "relative_error", a, b)
    if np.ndim(value) != 0:
        raise Wrong(f"relative_error returned an array of shape {np.shape(value)}; it should "
                    f"return one number for the whole gradient: ||a - b|| / (||a|| + ||b||).")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise Wrong(f"relative_error returned a {type(value).__name__}; it should return a "
                    f"number.") from None

    def r(x, y):
        return float(call(relative_error, "relative_error", x, y))

    for mistake, shows in _RELERR_MISTAKES:
        if shows(r, a, b):
            raise Wrong(mistake)
    zero = r(np.zeros(4), np.zeros(4))
    if not np.isfinite(zero):
        raise Wrong("for two zero gradients it returns NaN (0 / 0). Two zero gradients agree "
                    "perfectly: return 0 when the denominator is 0 (a parameter that does not "
                    "affect the loss has exactly that).")
    ref = library_relative_error(a, b)
    same_err = r(a, a)
    if same_err > 1e-12:
        raise Wrong(f"for two equal gradients it gives {same_err:.1g}; it should give 0.")
    if not 0.2 * ref <= value <= 5.0 * ref:   # other norms are fine
        raise Wrong(f"for a = {a.tolist()} and b = {b.tolist()} it gives {value:.3g}; "
                    f"||a - b|| / (||a|| + ||b||) is {ref:.3g}.")


@exercise("gradient check")
def check_gradient_check(numerical_gradient, relative_error):
    """Check ``numerical_gradient(f, w, eps=...)`` (centred differences, w restored) and
    ``relative_error(a, b)`` (scale-free, one number)."""
    eps = _eps_of(numerical_gradient)
    _judge_numerical_gradient(numerical_gradient, eps)
    _judge_relative_error(relative_error)
    rng = np.random.default_rng(32)
    model = RNN(3, 4, 2, rng=5)
    X, target = rng.standard_normal((4, 2, 3)), rng.standard_normal((4, 2, 2))
    from ..bptt import bptt
    from ..losses import mse

    analytic = bptt(model, X, target).grads["W_hh"]
    numeric = call(numerical_gradient, "numerical_gradient",
                   lambda: mse(model(X), target)[0], model["W_hh"], in_place=True)
    expected = library_numerical_gradient(lambda: mse(model(X), target)[0], model["W_hh"], eps)
    numeric = answer_array(numeric, "the returned gradient", ("H", "H"), {"H": 4})
    differ = ~np.isclose(numeric, expected, rtol=1e-6, atol=1e-9)
    if differ.any():
        raise Wrong(f"right on the test function (a 3 x 4 array), but not on the 4 x 4 W_hh of "
                    f"an RNN: {int(differ.sum())} of its 16 entries differ from centred "
                    f"differences. Does your function assume a shape? np.ndindex(w.shape) "
                    f"visits every entry of an array of any shape.")
    err = call(relative_error, "relative_error", analytic, numeric)
    if not err < 1e-7:
        ref = library_relative_error(analytic, numeric)
        raise Wrong(f"on the 4 x 4 dW_hh of an RNN your relative_error gives {err:.0e} "
                    f"between rl.bptt's gradient and your centred differences, which agree "
                    f"to {ref:.0e}: does it handle 2-D arrays? np.linalg.norm of a matrix "
                    f"is the norm of all its entries.")
    return (f"centred differences with eps = {eps:g}, every entry restored, and a relative "
            f"error that ignores scale. On an RNN's dW_hh it confirms rl.bptt to better "
            f"than 1e-7.")


# ---------------------------------------------------------------- (d) find the bugs

BUG_NAMES = {
    "softmax_as_sigmoid": "the function called sigmoid computes a softmax over the hidden "
                          "units, while the backward pass uses the sigmoid's derivative "
                          "h (1 - h); make it a real sigmoid, 1 / (1 + exp(-a))",
    "no_recurrent_backprop": "the backward pass never carries dL/dh back through W_hh and the "
                             "sigmoid' to the earlier step: dh needs + (what step t+1 sends "
                             "back)",
    "skips_last_step": "the backward loop skips the last step, so its gradients (and its "
                       "output's) are never added: start the loop at T - 1",
    "wraps_to_last_state": "at t = 0, hs[t - 1] is hs[-1], numpy's LAST row: the forward pass "
                           "reads an empty row instead of h_prev, and dW_hh uses the last "
                           "state; use h_prev at t = 0",
    "sign_update": "the update keeps only the sign of each gradient (np.sign), so every "
                   "weight moves by lr whether its gradient is huge or tiny: use lr * g",
}
"""Each bug and its fix: printed only once every bug is fixed (and by the solution cell)."""

BUG_HINTS = {
    "softmax_as_sigmoid": "read what sigmoid computes: each unit on its own, or all the "
                          "units together?",
    "no_recurrent_backprop": "in the backward loop, dh collects what the output sends; "
                             "what else does h_t feed in the forward pass?",
    "skips_last_step": "count the steps that the backward loop visits",
    "wraps_to_last_state": "what does hs[t - 1] read at t = 0, in both loops?",
    "sign_update": "how far does update move a weight whose gradient is tiny?",
}
"""A hint per bug that is still there: where to look, not the fix."""

NOT_ATTEMPTED_HINT = (
    "All five bugs are still in the code as given. Hint: let a gradient check tell you where "
    "to look. With seq = buggy_rnn.counting_sequence(10), p = buggy_rnn.init_params(9, 6) "
    "and h0 = np.full(6, 0.5), f = lambda: loss_fn(seq[:-1], seq[1:], h0, p)[0] is the loss "
    "and loss_fn(seq[:-1], seq[1:], h0, p)[1] its gradients g; print(rl.compare_gradients(f, "
    "p, g)) lists the ones that disagree. One bug is in no gradient.")
_GRAD_BUGS = buggy_rnn.BUGS[:4]


def _bug_case():
    rng = np.random.default_rng(41)
    p = buggy_rnn.init_params(9, 5, rng)
    for k in p:
        p[k] = p[k] + 0.5 * rng.standard_normal(p[k].shape)
    seq = buggy_rnn.counting_sequence(8, 9, start=4)
    return seq[:-1], seq[1:], rng.uniform(0.2, 0.8, 5), p


def _flat(loss, g):
    return np.concatenate([[loss]] + [np.ravel(g[k]) for k in buggy_rnn.NAMES])


def _judge_loss(loss_fn):
    """Gradient check of the learner's loss_fn; returns (bugs left, failing names, errors)."""
    inputs, targets, h_prev, p = _bug_case()
    out = call(loss_fn, "loss_fn", inputs, targets, h_prev, p)
    if not isinstance(out, (tuple, list)) or len(out) != 3 or not isinstance(out[1], dict):
        raise Wrong("loss_fn should return (loss, grads, h_last) with grads a dict of the "
                    "five gradients, as the code you were given does.")
    loss, g = float(out[0]), out[1]
    missing = [k for k in buggy_rnn.NAMES if k not in g]
    if missing:
        raise Wrong(f"the grads dict has no {missing[0]!r}; keep the five names.")

    def f():
        return float(loss_fn(inputs, targets, h_prev, p)[0])

    errors = {k: library_relative_error(g[k], library_numerical_gradient(f, p[k]))
              for k in buggy_rnn.NAMES}
    variants = []
    for on in product((False, True), repeat=len(_GRAD_BUGS)):
        bugs = [b for b, o in zip(_GRAD_BUGS, on) if o]
        variants.append((tuple(bugs), _flat(*buggy_rnn.loss_and_grads(inputs, targets, h_prev,
                                                                      p, bugs)[:2])))
    left = closest_variant(_flat(loss, g), variants)
    ref_loss = buggy_rnn.loss_and_grads(inputs, targets, h_prev, p)[0]
    return left, errors, abs(loss - ref_loss) <= 1e-8 * abs(ref_loss)


def _judge_update(update_fn):
    rng = np.random.default_rng(42)
    p = buggy_rnn.init_params(9, 5, rng)
    g = {k: rng.standard_normal(v.shape) * rng.uniform(0.01, 3, v.shape) for k, v in p.items()}
    expected = {k: v - 0.1 * g[k] for k, v in p.items()}
    sign = {k: v - 0.1 * np.sign(g[k]) for k, v in p.items()}
    try:
        out = update_fn(p, g, 0.1)
    except NotImplementedError:
        raise NotAttempted("Replace `raise NotImplementedError` in update.") from None
    except Exception as err:
        raise Wrong(f"update raised {type(err).__name__}: {err}") from None
    if isinstance(out, dict):
        p = out
    if all(same(p[k], expected[k], rtol=1e-10, atol=1e-12) for k in p):
        return False
    if all(same(p[k], sign[k], rtol=1e-10, atol=1e-12) for k in p):
        return True
    raise Wrong("update should change every array of p in place by -lr * g (plain gradient "
                "descent); it did something else.")


@exercise("find the bugs")
def check_find_the_bugs(loss_fn, update):
    """Gradient-check the learner's counting RNN ``loss_fn(inputs, targets, h_prev, p)`` and
    test ``update(p, g, lr)``; report which of the five bugs are still there."""
    if not callable(update):
        raise Wrong("pass both functions: check_find_the_bugs(loss_fn, update).")
    sign_left = _judge_update(update)
    left, errors, loss_ok = _judge_loss(loss_fn)
    table = "; ".join(f"{k} {'ok' if e < 1e-6 else 'DISAGREES'}" for k, e in errors.items())
    report = f"gradient check of your loss_fn: {table}."
    if left is None:
        if all(e < 1e-6 for e in errors.values()) and not loss_ok:
            raise Wrong(f"{report} Your gradients are right for your loss, but the loss "
                        f"itself differs from the reference: does step 0 start from h_prev?")
        if not all(e < 1e-6 for e in errors.values()):
            raise Wrong(f"{report} The mix of bugs in your version is not one the check "
                        f"knows; compare the disagreeing gradients' lines with the forward "
                        f"lines they undo.")
        left = ()
    left = list(left) + (["sign_update"] if sign_left else [])
    if len(left) == len(buggy_rnn.BUGS):
        raise NotAttempted(NOT_ATTEMPTED_HINT)
    if left:
        fixed = len(buggy_rnn.BUGS) - len(left)
        in_grads = sum(b != "sign_update" for b in left)
        where = (f"{in_grads} in loss_fn (the gradient check shows their traces)"
                 if in_grads else "none in loss_fn")
        where += ", and the update is still wrong" if sign_left else ", and the update is right"
        lines = "\n".join(f"  - {BUG_HINTS[b]}" for b in left)
        raise Wrong(f"{fixed} of {len(buggy_rnn.BUGS)} bugs fixed. {report} {len(left)} "
                    f"still there: {where}. {'Hint' if len(left) == 1 else 'Hints'}:\n{lines}")
    fixes = "\n".join(f"  - {BUG_NAMES[b]}" for b in buggy_rnn.BUGS)
    return (f"all five bugs fixed. {report} The update takes -lr * g. Gradient checking "
            f"finds four of the bugs; the fifth hides in the update, which no gradient check "
            f"looks at. The five:\n{fixes}")
