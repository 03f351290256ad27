"""Checks for chapter 3 (exploding and vanishing gradients): the one-unit gradient by
hand, clipping by global norm, and predicting vanishing or explosion from W_hh.

Each check compares the learner's answer with the library and with variants computed
with the classic mistakes switched on, and names the mistakes it finds.
"""
import math

import numpy as np

from ..cliff import TARGET, T_STEPS, X0, one_unit_loss
from ..clip import clip_global_norm
from ..flow import GAMMA
from ._feedback import (NotAttempted, Wrong, bullet_list, call, closest_variant, exercise,
                        mistake_variants, same)

# ---------------------------------------------------------------- (a) the one-unit gradient

_UNIT_MISTAKES = {
    ("chain", "no_dsig"): "the chain skips sigmoid': going from x_t back to x_{t-1} passes "
                          "through s(x_{t-1}), so multiply by w * s'(x_{t-1}), not by w alone.",
    ("loss", "no_dsig"): "dL/dx_T misses s'(x_T): the loss reads s(x_T), so dL/dx_T = "
                         "2 (s(x_T) - 0.7) s(x_T) (1 - s(x_T)).",
    ("steps", "early"): "the chain stops one step early: step t = 1 (x_1 = w s(x_0) + b) "
                        "uses w and b too, so the loop runs over t = T, T-1, ..., 1.",
    ("input", "x"): "dL/dw multiplies by x_{t-1} where s(x_{t-1}) belongs: w multiplies "
                    "s(x_{t-1}) in x_t = w s(x_{t-1}) + b.",
    ("input", "s_t"): "dL/dw multiplies by s(x_t), this step's output; w multiplies the "
                      "previous step's s(x_{t-1}).",
    ("sign", "flipped"): "the signs are flipped: dL/ds(x_T) = 2 (s(x_T) - 0.7), not "
                         "2 (0.7 - s(x_T)).",
    ("two", "missing"): "the factor 2 of the square is missing: d/ds (s - 0.7)^2 = 2 (s - 0.7).",
}
_UNIT_OPTIONS = {"chain": ("right", "no_dsig"), "loss": ("right", "no_dsig"),
                 "steps": ("all", "early"), "input": ("s_prev", "x", "s_t"),
                 "sign": ("right", "flipped"), "two": ("right", "missing")}
UNIT_POINTS = ((4.0, -2.0), (4.3, -2.2), (6.0, -2.9), (2.0, 0.5))   # slow ones first


def _sig(a):
    return 1.0 / (1.0 + math.exp(-a))


def _unit_grad(w, b, chain="right", loss="right", steps="all", input="s_prev", sign="right",
               two="right", T=T_STEPS, x0=X0, target=TARGET):
    """(dL/dw, dL/db) of the one-unit RNN by backprop, with classic mistakes on request."""
    x = [x0]
    for _ in range(T):
        x.append(w * _sig(x[-1]) + b)
    s = [_sig(v) for v in x]
    err = (s[T] - target) * (-1 if sign == "flipped" else 1) * (1 if two == "missing" else 2)
    dx = err * (s[T] * (1 - s[T]) if loss == "right" else 1.0)
    dw = db = 0.0
    for t in range(T, 1 if steps == "early" else 0, -1):
        dw += dx * {"s_prev": s[t - 1], "x": x[t - 1], "s_t": s[t]}[input]
        db += dx
        dx *= w * (s[t - 1] * (1 - s[t - 1]) if chain == "right" else 1.0)
    return dw, db


def _pair(out, name):
    """The learner's (dw, db) as two floats, or raise Wrong."""
    if isinstance(out, dict):
        out = (out.get("dw"), out.get("db"))
    if not isinstance(out, (tuple, list, np.ndarray)) or len(out) != 2:
        raise Wrong(f"{name} should return two numbers (dw, db), got {type(out).__name__}"
                    + (f" of length {len(out)}" if hasattr(out, "__len__") else "") + ".")
    try:
        dw, db = (float(np.asarray(v).reshape(())) for v in out)
    except (TypeError, ValueError):
        raise Wrong(f"{name} should return two numbers (dw, db); one of them is not a "
                    f"single number.") from None
    if not (math.isfinite(dw) and math.isfinite(db)):
        raise Wrong(f"{name} returned a value that is not finite ({dw}, {db}).")
    return dw, db


@exercise("one_unit_grad")
def check_one_unit_grad(one_unit_grad):
    """Check ``one_unit_grad(w, b) -> (dL/dw, dL/db)`` of Pascanu's one-unit RNN (T = 50,
    x_0 = 0.5, L = (s(x_50) - 0.7)^2) against ``rnnlab.cliff.one_unit_loss``."""
    for w, b in UNIT_POINTS:
        got = np.array(_pair(call(one_unit_grad, "one_unit_grad", w, b), "one_unit_grad"))
        ref = one_unit_loss(w, b)
        want = np.array([float(ref.dw), float(ref.db)])
        if same(got, want, rtol=1e-6, atol=1e-12):
            continue
        variants = mistake_variants(_UNIT_OPTIONS, _UNIT_MISTAKES,
                                    lambda **c: np.array(_unit_grad(w, b, **c)), max_mistakes=2)
        hit = closest_variant(got, [(m, v) for m, _, v in variants])
        lead = (f"at (w, b) = ({w:g}, {b:g}) you give dL/dw = {got[0]:.6g}, dL/db = "
                f"{got[1]:.6g}; the library gives {want[0]:.6g}, {want[1]:.6g}")
        if hit:
            raise Wrong(f"{lead}. " + (hit[0] if len(hit) == 1 else "\n" + bullet_list(hit)))
        raise Wrong(f"{lead}. Forward first (keep every x_t), then walk t = T..1: add "
                    f"dL/dx_t s(x_{{t-1}}) to dL/dw and dL/dx_t to dL/db, then multiply "
                    f"dL/dx_t by w s'(x_{{t-1}}).")
    return ("dL/dw and dL/db match rnnlab.cliff.one_unit_loss at four points, slow "
            "dynamics included: the chain passes through w s'(x_{t-1}) at every one of the "
            "50 steps.")


# ---------------------------------------------------------------- (b) clipping by global norm

_CLIP_MISTAKES = {
    "each": "each array is clipped by its own norm; norm clipping uses ONE norm over all "
            "arrays together, sqrt(sum of all squares), so the direction is kept.",
    "always": "the gradients are rescaled even when their norm is already below the "
              "threshold; clip only when ||g|| > threshold (otherwise return them unchanged).",
    "elementwise": "this clips each entry to [-threshold, threshold] (elementwise clipping, "
                   "which turns the direction); clip by norm rescales every entry by "
                   "threshold / ||g||.",
    "squared": "the norm is squared: ||g|| = sqrt(sum of squares), not the sum of squares.",
    "max": "this uses the largest entry instead of the norm sqrt(sum of squares).",
}


def _clip_variant(grads, threshold, mode):
    """What a clipping function returns with mistake ``mode`` (None: the right answer)."""
    gs = [g.copy() for g in grads]
    if mode == "each":
        return [g * min(1.0, threshold / np.linalg.norm(g)) for g in gs]
    if mode == "elementwise":
        return [np.clip(g, -threshold, threshold) for g in gs]
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in gs))
    if mode == "squared":
        norm = norm ** 2
    if mode == "max":
        norm = max(float(np.abs(g).max()) for g in gs)
    if mode == "always" or norm > threshold:
        return [g * (threshold / norm) for g in gs]
    return gs


def _clip_cases():
    """(grads, threshold) pairs: above and below the threshold, arrays of different sizes."""
    rng = np.random.default_rng(33)
    big = [rng.standard_normal((3, 4)) * 3, rng.standard_normal(4) * 0.2,
           rng.standard_normal((4, 4))]
    small = [g * 0.01 for g in big]
    return [(big, 2.5), (small, 2.5), ([np.array([3.0, -4.0]), np.array([12.0])], 6.5)]


@exercise("clip_by_norm")
def check_clip_by_norm(clip_by_norm):
    """Check ``clip_by_norm(grads, threshold) -> list of new arrays`` (grads: a list of
    arrays, left unchanged) against ``rnnlab.clip_global_norm``."""
    if not callable(clip_by_norm):
        raise Wrong(f"pass your function itself, check_clip_by_norm(clip_by_norm), not a value "
                    f"of type {type(clip_by_norm).__name__}.")
    for grads, threshold in _clip_cases():
        given = [g.copy() for g in grads]
        out = call(clip_by_norm, "clip_by_norm", given, threshold)
        if any(not np.array_equal(a, g) for a, g in zip(given, grads)):
            raise Wrong("clip_by_norm changed the caller's gradient arrays in place. Return "
                        "new arrays (g * scale makes a new one; g *= scale does not) so the "
                        "caller's gradients stay as they were.")
        if isinstance(out, np.ndarray) or not isinstance(out, (list, tuple)):
            raise Wrong(f"clip_by_norm should return a list of arrays (one per gradient), "
                        f"got {type(out).__name__}.")
        if len(out) != len(grads):
            raise Wrong(f"clip_by_norm returned {len(out)} arrays for {len(grads)} gradients.")
        want = [g.copy() for g in grads]
        clip_global_norm(want, threshold)
        shapes_ok = all(np.shape(o) == w.shape for o, w in zip(out, want))
        flat = np.concatenate([np.ravel(o) for o in out]) if shapes_ok else None
        if shapes_ok and same(flat, np.concatenate([w.ravel() for w in want]), rtol=1e-9,
                              atol=1e-12):
            continue
        if not shapes_ok:
            raise Wrong("the returned arrays do not have the shapes of the gradients; "
                        "return one array per gradient, of the same shape.")
        variants = [((_CLIP_MISTAKES[m],), np.concatenate(
            [v.ravel() for v in _clip_variant(grads, threshold, m)])) for m in _CLIP_MISTAKES]
        hit = closest_variant(flat, variants)
        norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
        lead = f"with ||g|| = {norm:.4g} and threshold {threshold:g}: "
        if hit:
            raise Wrong(lead + hit[0])
        raise Wrong(lead + "the result differs from rnnlab.clip_global_norm. Compute one norm "
                    "over all arrays; if it exceeds the threshold multiply every array by "
                    "threshold / norm.")
    return ("one norm over all arrays, rescaled only above the threshold, new arrays returned: "
            "the same as rnnlab.clip_global_norm, direction kept.")


# ---------------------------------------------------------------- (c) predict from W_hh

ANSWERS = ("vanishes", "explodes", "cannot tell")


def _rotation(degrees):
    a = math.radians(degrees)
    return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


# label -> (W_hh, activation); "linear" means h_t = h_{t-1} W_hh + ... with no squashing
PREDICT_CASES = {
    "A": (0.5 * _rotation(30), "tanh"),
    "B": (3.0 * np.eye(2), "sigmoid"),
    "C": (1.5 * _rotation(30), "tanh"),
    "D": (np.array([[1.2, 0.0], [0.0, 0.5]]), "linear"),
    "E": (np.array([[0.0, 4.0], [0.0, 0.0]]), "linear"),
    "F": (2.0 * np.eye(2), "relu"),
}


def case_numbers(W, activation):
    """(gamma, sigma_max, rho) of a case; gamma = 1 for a linear unit."""
    gamma = 1.0 if activation == "linear" else GAMMA[activation]
    sigma = float(np.linalg.svd(W, compute_uv=False)[0])
    rho = float(np.max(np.abs(np.linalg.eigvals(W))))
    return gamma, sigma, rho


def predict_answer(W, activation):
    """The theory's verdict: linear units are decided by the spectral radius rho; otherwise
    gamma sigma_max < 1 guarantees vanishing and above 1 the theory cannot tell."""
    gamma, sigma, rho = case_numbers(W, activation)
    if activation == "linear":
        return "vanishes" if rho < 1 else "explodes"
    return "vanishes" if gamma * sigma < 1 else "cannot tell"


def _why(label, W, activation, given):
    """Why ``given`` is wrong for a case, computed from the case's own numbers.

    Every sentence compares a number of the case with 1 in the direction the number
    really lies, and names the right answer; ``tests/test_checks_ch03.py`` checks this for
    every case and every wrong answer."""
    gamma, sigma, rho = case_numbers(W, activation)
    right = predict_answer(W, activation)
    nums = f"sigma_max = {sigma:.3g}, rho = {rho:.3g}, gamma = {gamma:g}"
    if activation == "linear":
        if right == "explodes":
            return (f"{label} ({nums}) is linear: nothing squashes, the gradient is multiplied "
                    f"by W_hh^T at every step and grows like rho^lag with rho > 1: it explodes.")
        extra = (" A sigma_max above 1 only allows a short transient growth." if sigma > 1
                 else "")
        return (f"{label} ({nums}) is linear, so the spectral radius decides: rho < 1, it "
                f"vanishes.{extra}")
    bound = gamma * sigma
    if right == "vanishes":
        start = (f"{label} ({nums}): sigma_max > 1, but a {activation}'s slope is at most "
                 f"{gamma:g}, so" if sigma > 1 else f"{label} ({nums}):")
        return (f"{start} gamma sigma_max = {bound:.3g} < 1, which is sufficient for "
                f"vanishing: every step back multiplies the gradient's norm by at most "
                f"{bound:.3g}, so it vanishes.")
    if given == "explodes":
        return (f"{label} ({nums}): gamma sigma_max = {bound:.3g} > 1 is necessary for "
                f"exploding, not sufficient: the units may saturate or switch off, so the "
                f"theory cannot tell.")
    return (f"{label} ({nums}): gamma sigma_max = {bound:.3g} > 1, so the bound no longer "
            f"guarantees vanishing; it allows an explosion but does not force one (the "
            f"units may saturate or switch off), so the theory cannot tell.")


@exercise("predictions")
def check_predictions(predictions):
    """Check a dict label -> "vanishes" / "explodes" / "cannot tell" for ``PREDICT_CASES``."""
    if predictions is None or predictions is Ellipsis:
        raise NotAttempted("fill in the dict predictions, one answer per matrix.")
    if not isinstance(predictions, dict):
        raise Wrong(f"predictions should be a dict label -> answer, got "
                    f"{type(predictions).__name__}.")
    missing = [k for k in PREDICT_CASES if predictions.get(k) in (None, Ellipsis, "")]
    if len(missing) == len(PREDICT_CASES):
        raise NotAttempted("fill in the dict predictions, one answer per matrix.")
    if missing:
        raise Wrong(f"no answer yet for {', '.join(missing)}.")
    bad = {k: v for k, v in predictions.items() if k in PREDICT_CASES and v not in ANSWERS}
    if bad:
        k, v = next(iter(bad.items()))
        raise Wrong(f"{k}: {v!r} is not one of {ANSWERS}.")
    wrong = [k for k, (W, act) in PREDICT_CASES.items()
             if predictions[k] != predict_answer(W, act)]
    if wrong:
        lines = [_why(k, *PREDICT_CASES[k], predictions[k]) for k in wrong]
        raise Wrong(f"{len(wrong)} of {len(PREDICT_CASES)} need another look:\n"
                    + bullet_list(lines) if len(lines) > 1 else lines[0])
    return ("all six right: gamma sigma_max < 1 guarantees vanishing, above 1 the theory "
            "cannot tell for a squashing unit, and for a linear unit the spectral radius "
            "decides.")
