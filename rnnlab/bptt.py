"""Backpropagation through time, full or truncated, for any rnnlab model.

Full BPTT walks the steps backwards, carrying dL/dh_t (and dL/dc_t) from step t to t-1;
the gradient of a shared weight is the SUM over steps of each step's contribution.

Truncated BPTT with ``k`` steps (``truncation``):
  - "chunk" (what practitioners do): cut the sequence into chunks of k steps; the state
    is carried forward across chunks, but no gradient flows back across a chunk boundary;
  - "window" (Williams & Peng): the loss at step t is backpropagated k steps only,
    to steps t, t-1, ..., t-k+1.
With k >= T both equal full BPTT.

Weights that make the run explode give inf/NaN results and one ``ExplosionWarning`` that
says where (see ``rnnlab.overflow``), not a crash or numpy's raw overflow warnings.

Equations (row-vector form)::

    dh_t   = dL_t/dh_t + dh_{t+1} dh_{t+1}/dh_t      (the per-step gradients ``dh``)
    dW     = sum_t (contribution of step t)
"""
import warnings
from typing import NamedTuple, Optional

import numpy as np

from ._validate import TIME_MAJOR, BatchMajorWarning, as_array, batch_major_message
from .losses import get_loss
from .overflow import forward_problem, gradient_problem, loss_problem, report


class BPTTResult(NamedTuple):
    """Loss, gradients and the per-step gradients that gradient-flow plots draw."""
    loss: float
    grads: object                  # Params of gradients, same names as model.params
    dX: np.ndarray                 # (T, B, D)
    dstate0: tuple                 # gradient for each initial state, (B, H) each
    dh: np.ndarray                 # (T, B, H) dL/dh_t, everything that reaches h_t
    dc: Optional[np.ndarray]       # (T, B, H) dL/dc_t for the LSTM, else None
    trace: object                  # the forward Trace


def output_backward(model, trace, dY, grads):
    """Backprop through y_t = h_t W_hy + b_y for all steps; returns dL/dh_t from the outputs."""
    if model.O is None:
        return dY
    Hs = trace.states["h"]
    W_hy = model.params["W_hy"]
    grads.arrays["W_hy"] += Hs.reshape(-1, model.H).T @ dY.reshape(-1, model.O)
    grads.arrays["b_y"] += dY.sum(axis=(0, 1))
    return dY @ W_hy.T


def _check_k(k, truncation):
    if truncation not in ("chunk", "window"):
        raise ValueError(f"truncation must be 'chunk' or 'window', got {truncation!r}")
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k (truncation length) must be a positive integer or None, got {k!r}")
    return int(k)


def _buffers(model, dH_out, G, new):
    """dA_x (T, B, G), one (T, B, H) array per state and a zero state, made with ``new``."""
    T, B, H = dH_out.shape
    per_step = [new((T, B, H), dtype=dH_out.dtype) for _ in model.state_names]
    zero = tuple(np.zeros((B, H), dtype=dH_out.dtype) for _ in model.state_names)
    return new((T, B, G), dtype=dH_out.dtype), per_step, zero


def _chunks(model, trace, dH_out, k, G):
    """Full BPTT (k None) or chunks of k steps: each step is visited once, so every
    per-step gradient is written straight into its slot of the (T, ...) arrays."""
    dA_x, per_step, zero = _buffers(model, dH_out, G, np.empty)
    dA_h, dnext = None, zero
    for t in range(dH_out.shape[0] - 1, -1, -1):
        dh_t = np.add(dH_out[t], dnext[0], out=per_step[0][t])  # from y_t and from step t+1
        da_x, da_h, dnext, at_t = model.recur_backward((dh_t,) + dnext[1:], trace.caches[t],
                                                       dA_x[t])
        for buf, d in zip(per_step[1:], at_t[1:]):  # dL/dc_t for the LSTM
            buf[t] = d
        if da_h is not da_x:  # the GRU's recurrent term has its own gradient
            dA_h = np.empty_like(dA_x) if dA_h is None else dA_h
            dA_h[t] = da_h
        if k is not None and t % k == 0 and t > 0:  # a chunk boundary: cut the chain
            dnext = zero
    return dA_x, dA_h, per_step, dnext


def _windows(model, trace, dH_out, k, G):
    """Windows of k steps: the loss at step t reaches steps t, ..., t-k+1 only, so a step
    receives from several losses and its gradients are summed."""
    dA_x, per_step, zero = _buffers(model, dH_out, G, np.zeros)
    dA_h, dstate0 = None, zero
    for t in range(dH_out.shape[0] - 1, -1, -1):
        dstate = (dH_out[t],) + zero[1:]
        for s in range(t, max(t - k, -1), -1):
            da_x, da_h, dstate, at_s = model.recur_backward(dstate, trace.caches[s])
            for buf, d in zip(per_step, at_s):
                buf[s] += d
            dA_x[s] += da_x
            if da_h is not da_x:
                dA_h = np.zeros_like(dA_x) if dA_h is None else dA_h
                dA_h[s] += da_h
        if t - k < 0:  # the window reached the initial state
            dstate0 = tuple(a + b for a, b in zip(dstate0, dstate))
    return dA_x, dA_h, per_step, dstate0


def backward(model, trace, dY, k=None, truncation="chunk"):
    """Backward pass through time given dY = dL/dY (T, B, O).

    Equations::

        dh_t = dY_t W_hy^T + (dh_{t+1} through step t+1)    (cut at chunk edges when k is set)
        dW = sum_t (step t's contribution)                    for every shared weight

    Returns ``(grads, dX (T, B, D), dstate0, dh (T, B, H), dc (T, B, H) or None)``.

    Each step's backward (``model.recur_backward``) gives the gradients of that step's
    input term and recurrent term, collected in dA_x, dA_h (T, B, G*H); the weight
    gradients are their sums over steps, formed at the end in one product each.
    """
    k = _check_k(k, truncation)
    dY = _check_dY(dY, trace)
    grads, dX, dstate0, dh, dc = _backward(model, trace, dY, k, truncation)
    report(gradient_problem(model, grads, dh, [("dX", dX)]))
    return grads, dX, dstate0, dh, dc


def _check_dY(dY, trace, finite=True):
    dY = as_array(dY, "dY", ("T", "B", "O"), trace.X.dtype, finite=finite)
    if dY.shape != trace.Y.shape:
        raise ValueError(f"dY must have the shape of the outputs Y (T, B, O) = {trace.Y.shape}, "
                         f"got {dY.shape}")
    return dY


def _backward(model, trace, dY, k, truncation):
    """``backward`` on checked arguments, silent: dY may hold inf/NaN from an exploded run."""
    T = trace.X.shape[0]
    grads = model.params.zeros_like()
    with np.errstate(all="ignore"):
        dH_out = output_backward(model, trace, dY, grads)
        G = model.params[model.input_names[1]].shape[0]
        if truncation == "window" and k is not None and k < T:
            dA_x, dA_h, per_step, dstate0 = _windows(model, trace, dH_out, k, G)
        else:
            dA_x, dA_h, per_step, dstate0 = _chunks(model, trace, dH_out, k, G)
        dX = model.input_backward(trace.X, dA_x, grads)
        model.hidden_backward(trace, dA_x if dA_h is None else dA_h, grads)
    dc = per_step[1] if len(per_step) > 1 else None
    return grads, dX, dstate0, per_step[0], dc


def bptt(model, X, target, loss="mse", mask=None, state0=None, k=None, truncation="chunk"):
    """Forward, loss and backward through time in one call; returns a ``BPTTResult``.

    Equations::

        L = sum_t loss(y_t, y*_t) over the masked steps      grads = dL/d(every parameter)

    X (T, B, D); target as the loss expects ((T, B, O) for "mse", (T, B) class indices for
    "cross_entropy"); mask (T, B) or (T,) selects the steps with a loss; ``k`` truncates.

    If the forward pass, the loss or the gradient overflows the float type, the result
    holds inf/NaN (the lesson of exploding gradients) and ONE ``ExplosionWarning`` says
    what overflowed at which step (under ``np.errstate(over="ignore")``: no warning).
    """
    k = _check_k(k, truncation)
    _check_time_major(X, target, loss)
    with np.errstate(all="ignore"):  # the forward pass and the loss stay silent here ...
        trace = model.forward(X, state0)
        L, dY = get_loss(loss)(trace.Y, target, mask)
    dY = _check_dY(dY, trace, finite=False)   # inf/NaN when the forward pass exploded
    grads, dX, dstate0, dh, dc = _backward(model, trace, dY, k, truncation)
    # ... and the first thing that overflowed is reported once, in words
    if not _all_finite(L, [*trace.states.values(), trace.Y, *grads.values(), dh, dX]):
        report(forward_problem(model, trace) or loss_problem(L, trace.Y)
               or gradient_problem(model, grads, dh, [("dX", dX)]))
    return BPTTResult(L, grads, dX, dstate0, dh, dc, trace)


def _all_finite(L, arrays):
    """True when ``L`` and every array are finite, in one summing pass per array: a sum
    that is finite proves that each term is (an inf or NaN term makes the sum inf or NaN).
    A finite array whose sum overflows gives False, and the exact checks then decide."""
    with np.errstate(all="ignore"):
        return bool(np.isfinite(L)) and all(np.isfinite(np.sum(a)) for a in arrays)


def _check_time_major(X, target, loss):
    """Name batch-major data: an error when X and a built-in loss's target have swapped
    (T, B), a ``BatchMajorWarning`` when both look batch-major together (any loss)."""
    try:
        xs, ts = np.shape(X), np.shape(target)
    except ValueError:  # ragged lists: the shape checks that follow say what is wrong
        return
    if (not callable(loss) and len(xs) == 3 and len(ts) >= 2 and xs[0] != xs[1]
            and xs[:2] == (ts[1], ts[0])):
        raise ValueError(f"X has shape {xs} but target has shape {ts}: their first two axes "
                         f"are swapped, so one of them is batch-major (B, T, ...), but "
                         f"{TIME_MAJOR} for X and (T, B, ...) for target. "
                         f"np.swapaxes(a, 0, 1) turns a batch-major array around.")
    message = batch_major_message(xs, ts)
    if message:
        warnings.warn(message, BatchMajorWarning, stacklevel=3)
