"""Weight initializers. Randomness comes only from the ``rng`` passed in.

Equations::

    pytorch_uniform:  w ~ U(-1/sqrt(H), 1/sqrt(H))       (PyTorch's nn.RNN/LSTM/GRU default)
    scaled_normal:    w ~ N(0, scale^2 / fan_in)
    orthogonal:       W = Q from the QR of a Gaussian matrix (W W^T = I), times gain
    identity:         W = scale * I                        (Le, Jaitly & Hinton 2015, IRNN)
"""
import numpy as np


def pytorch_uniform(shape, H, rng, dtype=np.float64):
    """PyTorch's default for recurrent layers: U(-k, k) with k = 1/sqrt(H)."""
    k = 1.0 / np.sqrt(H)
    return rng.uniform(-k, k, size=shape).astype(dtype)


def scaled_normal(shape, rng, scale=1.0, dtype=np.float64):
    """N(0, scale^2 / fan_in), fan_in = shape[0] (rows multiply the input in x @ W)."""
    return (rng.standard_normal(shape) * scale / np.sqrt(shape[0])).astype(dtype)


def orthogonal(n, rng, gain=1.0, dtype=np.float64):
    """An n x n orthogonal matrix (all singular values = gain), uniformly distributed."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))  # makes the distribution uniform (Haar)
    return (gain * q).astype(dtype)


def identity(n, scale=1.0, dtype=np.float64):
    """scale * I: the identity initialization of IRNNs."""
    return (scale * np.eye(n)).astype(dtype)


SCHEMES = ("pytorch", "normal", "orthogonal", "identity")


def recurrent_block(scheme, H, rng, dtype):
    """One H x H recurrent block W_hh (or one gate's W_h<g>) under ``scheme``."""
    if scheme == "pytorch":
        return pytorch_uniform((H, H), H, rng, dtype)
    if scheme == "normal":
        return scaled_normal((H, H), rng, dtype=dtype)
    if scheme == "orthogonal":
        return orthogonal(H, rng, dtype=dtype)
    if scheme == "identity":
        return identity(H, dtype=dtype)
    raise ValueError(f"init must be one of {SCHEMES}, got {scheme!r}")


def as_rng(rng):
    """``rng`` as a numpy Generator: a Generator passes through, an int seeds one, None is seed 0."""
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")
