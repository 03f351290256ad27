"""Gradient flow: how large dL/dh_t is at each lag behind the loss, for any rnnlab model.

    gradient_flow(model, T, rng=0, B=1, loss_at="last") -> FlowResult
    FlowRuns(model, rng=0, longest=None).flow(T) -> FlowResult    the same, one forward pass
    jacobian_bound(W_hh, activation) -> (gamma, sigma_max, rho)
    safe_norm(a, axis=None)                      sqrt(sum a^2), no overflow below 1e308

The lag of step t is T-1-t: lag 0 is the step of the loss (the last step), lag T-1 the
first step. A vanishing gradient falls by orders of magnitude with the lag, an exploding
one grows; both run past the float range quickly, so the norms are computed silently
and a norm of exactly 0 (underflow) or inf (overflow, NaN included) is reported in the
result, not as a warning.

Equations (vanilla RNN, row-vector form)::

    dh_{t-1} = (dh_t * phi'(a_t)) W_hh^T                  one step back
    ||dh_{t-1}|| <= gamma sigma_max(W_hh) ||dh_t||        gamma = max phi' (1 tanh, 1/4 sigmoid)
"""
from typing import NamedTuple, Optional

import numpy as np

from ._validate import check_positive_int
from .bptt import _backward, _check_dY, bptt
from .init import as_rng
from .losses import get_loss
from .model import Trace

GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}   # max of phi'(a) over a


class FlowResult(NamedTuple):
    """The size of dL/dh_t (and dL/dc_t) at each lag behind the loss."""
    lag: np.ndarray             # (T,) ints 0 .. T-1, 0 = the step of the (last) loss
    dh: np.ndarray              # (T,) ||dL/dh_t|| ordered by lag; inf where it overflowed
    dc: Optional[np.ndarray]    # (T,) ||dL/dc_t|| for the LSTM, else None
    overflow: bool              # some norm is inf (or the arithmetic gave NaN)
    underflow: bool = False     # some norm is exactly 0 (below the smallest float)


def safe_norm(a, axis=None):
    """sqrt(sum of squares) of ``a`` (over ``axis``), scaled by the largest entry first so
    that 1e200 does not overflow and 1e-200 does not underflow; inf if an entry is inf or NaN.
    """
    a = np.abs(np.asarray(a, dtype=float))
    with np.errstate(all="ignore"):
        scale = np.max(a, axis=axis, keepdims=True)
        bad = ~np.isfinite(scale)
        ok = np.where(bad | (scale == 0), 1.0, scale)
        n = ok * np.sqrt(np.sum(np.square(a / ok), axis=axis, keepdims=True))
        n = np.where(scale == 0, 0.0, n)
        n = np.where(bad | np.isnan(n), np.inf, n)
    return n.squeeze(axis) if axis is not None else float(n.squeeze())


def gradient_flow(model, T, rng=0, B=1, loss_at="last"):
    """||dL/dh_t|| against the lag for ``model`` on seeded standard-normal inputs.

    X (T, B, model.D) and the target are drawn from ``rng``; the loss is the mean squared
    error at the last step only (``loss_at="last"``, a mask) or summed over every step
    (``loss_at="all"``). Runs ``rnnlab.bptt`` under ``np.errstate(all="ignore")``: an
    exploding model gives inf norms and ``overflow=True``, never a warning.
    Works for RNN, LSTM and GRU, with or without an output layer.
    """
    if loss_at not in ("last", "all"):
        raise ValueError(f"loss_at must be 'last' or 'all', got {loss_at!r}")
    X, target, mask = _inputs(model, T, rng, B, loss_at)
    with np.errstate(all="ignore"):
        res = bptt(model, X, target, mask=mask)
    return _result(T, res.dh, res.dc)


def _inputs(model, T, rng, B=1, loss_at="last"):
    """X (T, B, D), the target and the mask of ``gradient_flow``, drawn from ``rng``."""
    rng = as_rng(rng)
    X = rng.standard_normal((T, B, model.D)).astype(model.dtype)
    O = model.H if model.O is None else model.O
    target = rng.standard_normal((T, B, O)).astype(model.dtype)
    mask = None
    if loss_at == "last":
        mask = np.zeros((T, B), dtype=model.dtype)
        mask[-1] = 1
    return X, target, mask


def _result(T, dh_steps, dc_steps):
    """The ``FlowResult`` of per-step gradients dh (and dc), each (T, B, H)."""
    dh = safe_norm(dh_steps.reshape(T, -1), axis=1)[::-1]
    dc = None if dc_steps is None else safe_norm(dc_steps.reshape(T, -1), axis=1)[::-1]
    both = dh if dc is None else np.concatenate([dh, dc])
    return FlowResult(np.arange(T), dh, dc, bool(np.isinf(both).any()),
                      bool((both == 0).any()))


class FlowRuns:
    """``gradient_flow(model, T, rng=seed)`` for many lengths T, one forward pass for all.

    The inputs of a run are drawn first from the seed, so a run of T steps reads the
    first T inputs of a longer run, and with one input line (D = 1, each input term
    x_t W_x + b a single product) its forward pass is the longer one's first T steps.
    ``flow(T)`` therefore keeps the longest forward pass so far (running one of
    ``longest`` steps, when given, the first time T goes beyond it) and runs only the
    backward pass from step T-1: the result is ``gradient_flow``'s to the last bit. A
    model with more inputs, or a seed that is not an integer, gets ``gradient_flow``.
    """

    def __init__(self, model, rng=0, longest=None):
        self.model, self.seed, self.longest, self.trace = model, rng, longest, None
        self.shared = model.D == 1 and isinstance(rng, (int, np.integer)) \
            and not isinstance(rng, bool)

    def flow(self, T):
        """``gradient_flow(model, T, rng=seed)`` (loss at the last step, B = 1)."""
        T = check_positive_int(T, "T")
        if not self.shared:
            return gradient_flow(self.model, T, rng=self.seed)
        model = self.model
        X, target, mask = _inputs(model, T, self.seed)
        if self.trace is None or len(self.trace.X) < T:   # the first pass: T steps;
            n = T if self.trace is None else max(T, self.longest or T)   # then the longest
            with np.errstate(all="ignore"):
                self.trace = model.forward(_inputs(model, n, self.seed)[0])
        tr = self.trace
        if not np.array_equal(X, tr.X[:T]):   # pragma: no cover - a seed's draws are a prefix
            return gradient_flow(model, T, rng=self.seed)
        states = {name: s[:T] for name, s in tr.states.items()}
        Y = states["h"] if model.O is None else \
            states["h"] @ model.params["W_hy"] + model.params["b_y"]   # as model.forward
        run = Trace(X, Y, states, tr.state0, tr.caches[:T])
        with np.errstate(all="ignore"):    # as rnnlab.bptt, on the first T steps
            dY = _check_dY(get_loss("mse")(Y, target, mask)[1], run, finite=False)
            _, _, _, dh, dc = _backward(model, run, dY, None, "chunk")
        return _result(T, dh, dc)


def jacobian_bound(W_hh, activation="tanh"):
    """(gamma, sigma_max, rho): the largest slope of the activation, the largest singular
    value of W_hh and its spectral radius. gamma * sigma_max < 1 is sufficient for the
    gradient to vanish; > 1 is necessary for it to explode (Pascanu et al. 2013)."""
    if activation not in GAMMA:
        raise ValueError(f"activation must be one of {list(GAMMA)}, got {activation!r}")
    W = np.asarray(W_hh, dtype=float)
    return (GAMMA[activation], float(np.linalg.norm(W, 2)),
            float(np.max(np.abs(np.linalg.eigvals(W)))))
