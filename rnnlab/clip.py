"""Gradient clipping: rescale the whole gradient (norm) or cut each entry (value).

Norm clipping (Pascanu, Mikolov & Bengio 2013) shrinks the gradient when it is too long
and keeps its direction: the step still points downhill, only shorter. Elementwise
clipping (min-char-rnn cuts every entry to [-5, 5]) cuts the large entries only, so the
clipped gradient points somewhere else.

``grads`` is a ``Params`` of gradients (as ``rnnlab.bptt`` returns), a dict of arrays or
a list of arrays; the clipping functions change the arrays in place.
"""
from collections.abc import Mapping

import numpy as np


def _arrays(grads):
    """The gradient arrays of ``grads`` (the fused arrays of a ``Params``)."""
    values = grads.values() if isinstance(grads, Mapping) else grads
    try:
        arrays = list(values)
    except TypeError:
        raise TypeError(f"grads must be a Params, a dict of arrays or a list of arrays, "
                        f"got {type(grads).__name__}") from None
    for g in arrays:
        if not isinstance(g, np.ndarray) or g.dtype.kind != "f":
            raise TypeError(f"grads must hold float numpy arrays (changed in place), "
                            f"got {type(g).__name__}"
                            + (f" of dtype {g.dtype}" if isinstance(g, np.ndarray) else ""))
    return arrays


def check_threshold(value, name):
    """``value`` as a float if it is a positive finite number, else a ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def global_norm(grads):
    """The norm of all gradient entries taken together, sqrt(sum of squares).

    Equations::

        ||g|| = sqrt( sum over arrays W of sum_ij dW_ij^2 )

    Scaled by the largest entry first, so gradients up to 1e308 neither overflow nor
    warn. Returns inf or nan if an entry is inf or nan.
    """
    arrays = [g for g in _arrays(grads) if g.size]
    if not arrays:
        return 0.0
    scale = np.max([np.max(np.abs(g)) for g in arrays])  # nan if any entry is nan
    if not np.isfinite(scale) or scale == 0:
        return float(scale)
    total = sum(float(np.sum(np.square(g / scale))) for g in arrays)
    with np.errstate(over="ignore"):
        return float(scale * np.sqrt(total))


def clip_global_norm(grads, max_norm):
    """Rescale all gradients in place so their global norm is at most ``max_norm``.

    Returns the norm *before* clipping. The direction is kept; only the length changes.

    Equations::

        if ||g|| > max_norm:   g <- g * max_norm / ||g||       (Pascanu et al. 2013)

    PyTorch's ``clip_grad_norm_`` divides by ``||g|| + 1e-6`` instead; here the clipped
    norm is exactly ``max_norm``.
    """
    max_norm = check_threshold(max_norm, "max_norm")
    arrays = _arrays(grads)
    norm = global_norm(arrays)
    if not np.isfinite(norm):
        raise ValueError(f"cannot clip: the gradients contain {'NaN' if np.isnan(norm) else 'inf'}")
    if norm > max_norm:
        for g in arrays:
            g *= max_norm / norm
    return norm


def clip_elementwise(grads, limit):
    """Clip every gradient entry to [-limit, limit] in place; returns how many were clipped.

    Equations::

        dW_ij <- min(max(dW_ij, -limit), limit)          (min-char-rnn uses limit = 5)

    Unlike norm clipping this changes the gradient's direction whenever some entries are
    cut and others are not. NaN entries stay NaN and are not counted.
    """
    limit = check_threshold(limit, "limit")
    count = 0
    for g in _arrays(grads):
        count += int(np.count_nonzero(np.abs(g) > limit))
        np.clip(g, -limit, limit, out=g)
    return count
