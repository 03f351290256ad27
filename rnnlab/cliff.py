"""Pascanu's one-unit RNN (Pascanu, Mikolov & Bengio 2013, section 2.3): a cliff in 2-D.

    one_unit_loss(w, b, T=50, x0=0.5, target=0.7) -> OneUnit(loss, dw, db)   any shapes
    descend(w, b, lr=0.1, steps=40, clip="off", threshold=1.0, ...) -> Descent
    fixed_points(w, b) -> list of FixedPoint(x, slope, stable)
    fold_range(w) -> (b_low, b_high) or None      b with two stable fixed points
    wall_b(w, x0=0.5)                             b that makes x0 a fixed point

Equations (no input; s is the logistic sigmoid)::

    x_t = w s(x_{t-1}) + b,   t = 1..T,   x_0 = 0.5          L = (s(x_T) - 0.7)^2
    dL/dx_T = 2 (s(x_T) - 0.7) s'(x_T)
    dL/dx_{t-1} = dL/dx_t w s'(x_{t-1})                       (backprop through step t)
    dL/dw = sum_t dL/dx_t s(x_{t-1})       dL/db = sum_t dL/dx_t

This is rl.RNN(D=1, H=1, activation="sigmoid") with W_hh = w, b_h = b, zero input and
h_{-1} = s(x_0), run for T steps with the loss on its last state h_{T-1} = s(x_T).

Why a cliff: for w > 1/s'(0.5) ~ 4.26 the map x -> w s(x) + b has an unstable fixed point
between two attractors. On the curve b = x_0 - w s(x_0) (``wall_b``) that unstable fixed
point sits exactly at x_0 = 0.5: just above the curve x_t runs to the high attractor,
just below to the low one, so s(x_50) (and the loss) jumps across the curve, and the
gradient there grows like (w s'(0.5))^T.
"""
import math
from typing import NamedTuple

import numpy as np

from .clip import clip_elementwise, clip_global_norm

T_STEPS, X0, TARGET = 50, 0.5, 0.7
CLIP_MODES = ("off", "norm", "elementwise")


class OneUnit(NamedTuple):
    """The loss and its exact gradient, each with the broadcast shape of (w, b)."""
    loss: np.ndarray
    dw: np.ndarray
    db: np.ndarray


class Descent(NamedTuple):
    """A gradient-descent run on the one-unit loss."""
    path: np.ndarray        # (n + 1, 2): (w, b) before each step and after the last
    loss: np.ndarray        # (n + 1,) the loss at each point of the path
    grad_norm: np.ndarray   # (n,) ||(dL/dw, dL/db)|| before clipping
    step: np.ndarray        # (n,) how far each step moved (the length of lr g after clipping)
    clipped: np.ndarray     # (n,) bool: the clipping changed this step


class FixedPoint(NamedTuple):
    """A fixed point x* = w s(x*) + b; ``slope`` = w s'(x*); stable when |slope| < 1."""
    x: float
    slope: float
    stable: bool


def _sig_float(a):
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _sig_array(a):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-a))


def _loss_and_grad(w, b, T, x0, target, sig):
    """Forward T steps, then backward; plain arithmetic, so floats and arrays both work."""
    s = [sig(x0)]                                   # s[t] = s(x_t)
    for _ in range(T):
        s.append(sig(w * s[-1] + b))                # x_t = w s(x_{t-1}) + b
    err = s[T] - target
    dx = 2 * err * s[T] * (1 - s[T])                # dL/dx_T
    dw = db = 0.0
    for t in range(T, 0, -1):
        dw = dw + dx * s[t - 1]                     # x_t = w s(x_{t-1}) + b
        db = db + dx
        dx = dx * w * s[t - 1] * (1 - s[t - 1])     # back through s(x_{t-1})
    return err * err, dw, db


def one_unit_loss(w, b, T=T_STEPS, x0=X0, target=TARGET):
    """Loss and exact gradient of Pascanu's one-unit RNN at (w, b), vectorised.

    ``w`` and ``b`` may be numbers or arrays of any broadcastable shapes (e.g. a grid from
    ``np.meshgrid``); returns ``OneUnit(loss, dw, db)`` as float arrays of the broadcast
    shape. Silent: huge gradients near the cliff never warn.
    """
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    with np.errstate(all="ignore"):
        L, dw, db = _loss_and_grad(w, b, int(T), float(x0), float(target), _sig_array)
    return OneUnit(np.asarray(L, float), np.asarray(dw, float) + 0 * w,
                   np.asarray(db, float) + 0 * w)


def one_unit_trajectory(w, b, x0=X0, T=T_STEPS):
    """x_0, x_1, ..., x_T of x_t = w s(x_{t-1}) + b; ``x0`` may be an array of starts.
    Returns an array (T + 1, *x0.shape)."""
    x = np.empty((T + 1,) + np.shape(x0))
    x[0] = x0
    for t in range(1, T + 1):
        x[t] = w * _sig_array(x[t - 1]) + b
    return x


def descend(w, b, lr=0.1, steps=40, clip="off", threshold=1.0, T=T_STEPS, x0=X0,
            target=TARGET):
    """Plain gradient descent on the one-unit loss from (w, b); returns a ``Descent``.

    ``clip``: "off"; "norm" rescales g to length ``threshold`` when it is longer
    (Pascanu et al. 2013, ``rnnlab.clip_global_norm``); "elementwise" cuts each entry to
    [-threshold, threshold] (``rnnlab.clip_elementwise``), which turns the step.
    A step thrown past the float range ends the run (the path stops there, finite).
    """
    if clip not in CLIP_MODES:
        raise ValueError(f"clip must be one of {CLIP_MODES}, got {clip!r}")
    p = np.array([float(w), float(b)])
    path, losses, norms, moved, clipped = [p.copy()], [], [], [], []
    for _ in range(int(steps)):
        L, dw, db = _loss_and_grad(p[0], p[1], T, x0, target, _sig_float)
        losses.append(L)
        g = np.array([dw, db])
        norm = math.hypot(dw, db)
        if clip == "norm" and math.isfinite(norm):
            clip_global_norm([g], threshold)
        elif clip == "elementwise":
            clip_elementwise([g], threshold)
        new = p - lr * g
        if not np.isfinite(new).all():
            break
        norms.append(norm)
        clipped.append(bool(np.any(g != (dw, db))))
        moved.append(math.hypot(*(new - p)))
        p = new
        path.append(p.copy())
    losses.append(_loss_and_grad(p[0], p[1], T, x0, target, _sig_float)[0])
    return Descent(np.array(path), np.array(losses), np.array(norms), np.array(moved),
                   np.array(clipped, dtype=bool))


def fixed_points(w, b, lo=-60.0, hi=60.0, n=4001):
    """The fixed points of x -> w s(x) + b in [lo, hi], found by bracketing sign changes
    of g(x) = w s(x) + b - x on a grid and bisecting; each with its slope w s'(x*) and
    whether it attracts (|slope| < 1). Sorted by x."""
    def g(x):
        return w * _sig_array(x) + b - x

    xs = np.linspace(lo, hi, n)
    gx = g(xs)
    out = []
    for x in xs[gx == 0]:                           # a grid point that is a root
        s = _sig_float(x)
        out.append(FixedPoint(float(x), float(w * s * (1 - s)), bool(abs(w * s * (1 - s)) < 1)))
    for i in np.flatnonzero(gx[:-1] * gx[1:] < 0):
        a, c = xs[i], xs[i + 1]
        for _ in range(60):
            m = 0.5 * (a + c)
            if np.sign(g(m)) == np.sign(g(a)):
                a = m
            else:
                c = m
        x = 0.5 * (a + c)
        s = _sig_float(x)
        slope = w * s * (1 - s)
        out.append(FixedPoint(float(x), float(slope), bool(abs(slope) < 1)))
    return sorted(out)


def fold_range(w):
    """(b_low, b_high): for b strictly between, x -> w s(x) + b has two stable fixed points
    (and an unstable one between them); None when w <= 4 (one fixed point for every b).

    At the folds the curve touches the diagonal: w s'(x) = 1 and x = w s(x) + b, so
    s = (1 +- sqrt(1 - 4/w)) / 2 and b = x - w s."""
    if w <= 4:
        return None
    r = math.sqrt(1 - 4 / w)
    bs = []
    for s in ((1 + r) / 2, (1 - r) / 2):
        x = math.log(s / (1 - s))
        bs.append(x - w * s)
    return min(bs), max(bs)


def wall_b(w, x0=X0):
    """b = x0 - w s(x0): the bias at which x0 is itself a fixed point. For w > 1/s'(x0)
    (about 4.26 for x0 = 0.5) that fixed point is unstable: the cliff of the loss."""
    return x0 - np.asarray(w, dtype=float) * _sig_float(x0)


def wall_w_min(x0=X0):
    """The smallest w for which the fixed point at x0 is unstable: 1 / s'(x0)."""
    s = _sig_float(x0)
    return 1.0 / (s * (1 - s))
