"""Losses over sequences: summed over time steps, averaged over the batch.

Each returns ``(L, dY)``: the scalar loss and its gradient with respect to the outputs.
A ``mask`` (T, B) or (T,) of 0/1 (or weights) chooses the steps that count: ``None`` is
every step, a mask with only the last step set is "loss at the end only".

Equations::

    mse:            L = (1/(B O)) sum_t sum_b m_tb sum_o (y_tbo - y*_tbo)^2
                    dY = (2/(B O)) m (Y - Y*)
    cross_entropy:  L = -(1/B) sum_t sum_b m_tb log softmax(z_tb)[k_tb]
                    dZ = (1/B) m (softmax(Z) - onehot(K))
"""
import numpy as np

from ._validate import as_array, check_axis, swapped_hint
from .activations import log_softmax


def _mask(mask, T, B, dtype):
    if mask is None:
        return np.ones((T, B, 1), dtype=dtype)
    m = np.asarray(mask)
    if m.ndim == 1:
        m = np.broadcast_to(m[:, None], (m.shape[0], B))
    m = as_array(m, "mask", ("T", "B"), dtype)
    if m.shape != (T, B) and swapped_hint(m.shape, T, B):
        raise ValueError(f"mask must have shape (T, B) = {(T, B)}, got {m.shape}."
                         + swapped_hint(m.shape, T, B))
    check_axis(m, 0, T, "mask", ("T", "B"), "the number of steps of Y")
    check_axis(m, 1, B, "mask", ("T", "B"), "the batch size of Y")
    return m[:, :, None]


def mse(Y, target, mask=None):
    """Mean squared error, summed over time; returns ``(L, dY)``.

    Equations::

        L = (1/(B O)) sum_t sum_b m_tb sum_o (y - y*)^2       dY = (2/(B O)) m (Y - Y*)

    Shapes: Y, target (T, B, O); mask (T, B), (T,) or None (every step).
    """
    Y = as_array(Y, "Y", ("T", "B", "O"), finite=False)  # an exploded Y gives L = inf
    target = as_array(target, "target", ("T", "B", "O"), Y.dtype)
    if target.shape != Y.shape:
        raise ValueError(f"target must have the shape of Y (T, B, O) = {Y.shape}, "
                         f"got {target.shape}." + swapped_hint(target.shape, *Y.shape[:2]))
    T, B, O = Y.shape
    err = Y - target
    m_err = err if mask is None else _mask(mask, T, B, Y.dtype) * err
    L = float(np.vdot(m_err, err) / (B * O))   # sum of m (y - y*)^2, in one pass
    m_err *= 2.0 / (B * O)
    return L, m_err


def cross_entropy(Z, labels, mask=None):
    """Softmax cross-entropy, summed over time; returns ``(L, dZ)``.

    Equations::

        L = -(1/B) sum_t sum_b m_tb log softmax(z_tb)[k_tb]    dZ = (1/B) m (softmax(Z) - onehot(K))

    Shapes: Z (T, B, O) logits; labels (T, B) integer classes in [0, O); mask as in ``mse``.
    """
    Z = as_array(Z, "Z (logits)", ("T", "B", "O"), finite=False)
    T, B, O = Z.shape
    labels = np.asarray(labels)
    if labels.shape != (T, B) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integer class indices of shape (T, B) = {(T, B)}, "
                         f"got {labels.dtype} array of shape {labels.shape}."
                         + swapped_hint(labels.shape, T, B))
    if labels.size and (labels.min() < 0 or labels.max() >= O):
        raise ValueError(f"labels must lie in [0, O) = [0, {O}), "
                         f"got values from {labels.min()} to {labels.max()}")
    m = _mask(mask, T, B, Z.dtype)
    logp = log_softmax(Z)
    picked = np.take_along_axis(logp, labels[:, :, None], axis=2)
    L = float(-(m * picked).sum() / B)
    dZ = np.exp(logp)
    np.put_along_axis(dZ, labels[:, :, None],
                      np.take_along_axis(dZ, labels[:, :, None], axis=2) - 1, axis=2)
    return L, m * dZ / B


LOSSES = {"mse": mse, "cross_entropy": cross_entropy}


def get_loss(loss):
    """A loss function from its name ("mse", "cross_entropy") or a callable (Y, target, mask)."""
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)} or a callable, got {loss!r}")
    return LOSSES[loss]
