"""Activation functions, written so that no input (even |x| = 1e4) gives a RuntimeWarning.

Each derivative is expressed through the function's *output*, as the backward passes use it.

Equations::

    sigmoid(a) = 1 / (1 + exp(-a))       sigmoid'(a) = s (1 - s),  s = sigmoid(a)
    tanh(a)                              tanh'(a)    = 1 - h^2,    h = tanh(a)
    relu(a)    = max(a, 0)               relu'(a)    = 1 if h > 0 else 0
    softmax(a)_k = exp(a_k - max a) / sum_j exp(a_j - max a)
"""
import numpy as np


def sigmoid_unchecked(a, out=None):
    """1 / (1 + exp(-a)) in four in-place ufuncs (``out=a`` overwrites ``a``). For a < -709
    exp overflows to inf and the result is the correct 0: callers silence that one overflow
    with np.errstate(over="ignore")."""
    s = np.negative(a, out=out)
    np.exp(s, out=s)
    s += 1
    return np.reciprocal(s, out=s)


def sigmoid(a):
    """Logistic sigmoid, correct and silent for any input (sigmoid(-1e4) = 0, no warning).

    Equations::

        sigmoid(a) = 1 / (1 + exp(-a))          any shape in, same shape out
    """
    a = np.asarray(a)
    a = a.astype(np.result_type(a, np.float32), copy=False)
    with np.errstate(over="ignore"):
        return sigmoid_unchecked(a.reshape(-1)).reshape(a.shape)


def tanh(a):
    """Hyperbolic tangent.

    Equations::

        tanh(a) = (exp(a) - exp(-a)) / (exp(a) + exp(-a))     any shape
    """
    return np.tanh(a)


def relu(a):
    """Rectified linear unit.

    Equations::

        relu(a) = max(a, 0)                      any shape
    """
    return np.maximum(a, 0)


def dsigmoid_from_output(s):
    """sigmoid'(a) written with s = sigmoid(a)."""
    return s * (1 - s)


def dtanh_from_output(h):
    """tanh'(a) written with h = tanh(a)."""
    return 1 - h * h


def drelu_from_output(h):
    """relu'(a) written with h = relu(a) (taken as 0 at a = 0)."""
    return (h > 0).astype(h.dtype)


def softmax(a, axis=-1):
    """Softmax along ``axis``, shifted by the maximum so exp never overflows.

    Equations::

        softmax(a)_k = exp(a_k - max_j a_j) / sum_j exp(a_j - max_j a_j)     e.g. (T, B, O)
    """
    a = np.asarray(a)
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(a, axis=-1):
    """log(softmax(a)) computed without forming the softmax (no log(0))."""
    a = np.asarray(a)
    shifted = a - a.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


ACTIVATIONS = {
    "tanh": (tanh, dtanh_from_output),
    "sigmoid": (sigmoid_unchecked, dsigmoid_from_output),
    "relu": (relu, drelu_from_output),
}


def get_activation(name):
    """Return ``(f, f'_from_output)`` for ``name`` in ``ACTIVATIONS``."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]
