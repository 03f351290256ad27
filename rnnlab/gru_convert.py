"""Moving GRU weights between PyTorch's convention and Chung et al.'s (2014).

The two conventions differ in two places (``rnnlab.gru``)::

    update    PyTorch h_t = (1 - z) n + z h_{t-1}      Chung h_t = (1 - z) h_{t-1} + z n
    reset     PyTorch r * (h_{t-1} W_hn + b_hn)        Chung (r * h_{t-1}) W_hn

The update part converts exactly: z_Chung = 1 - z_PyTorch = sigmoid(-a_z), so negating
the update gate's weights AND bias (W_xz, W_hz, b_z) turns one gate into the other. The
reset part does not: r * (h W) equals (r * h) W only where r = 1 (or W_hn is diagonal),
and Chung's cell has no b_hn (folding it into b_n is exact only where r = 1).

    pytorch_to_chung(W_x, W_h, b, b_hn) -> (W_x, W_h, b)
    chung_to_pytorch(W_x, W_h, b)       -> (W_x, W_h, b, b_hn = 0)
    convert(model)                      -> a new GRU in the other convention
"""
import numpy as np

from .gru import GRU


def _negate_update(W_x, W_h, b):
    """Copies with the update gate's columns (z: H..2H) negated."""
    H = W_h.shape[0]
    W_x, W_h, b = (np.array(a, dtype=float) for a in (W_x, W_h, b))
    for a in (W_x, W_h):
        a[:, H:2 * H] *= -1
    b[H:2 * H] *= -1
    return W_x, W_h, b


def pytorch_to_chung(W_x, W_h, b, b_hn):
    """Chung-convention (W_x, W_h, b) that match a PyTorch-convention GRU where they can.

    Equations::

        W_xz, W_hz, b_z -> -W_xz, -W_hz, -b_z     (z_Chung = 1 - z_PyTorch, exactly)
        b_n -> b_n + b_hn                         (exact where r = 1)
        W_xr, W_hr, b_r, W_xn, W_hn unchanged

    Shapes: W_x (D, 3H), W_h (H, 3H), b (3H,), b_hn (H,); gate order r, z, n.
    """
    W_x, W_h, b = _negate_update(W_x, W_h, b)
    H = W_h.shape[0]
    b[2 * H:] += np.asarray(b_hn, dtype=float)
    return W_x, W_h, b


def chung_to_pytorch(W_x, W_h, b):
    """PyTorch-convention (W_x, W_h, b, b_hn) from a Chung-convention GRU (b_hn = 0)."""
    W_x, W_h, b = _negate_update(W_x, W_h, b)
    return W_x, W_h, b, np.zeros(W_h.shape[0])


def convert(model):
    """A new ``GRU`` in the other convention with the converted weights (output layer copied)."""
    other = "chung" if model.convention == "pytorch" else "pytorch"
    new = GRU(model.D, model.H, model.O, convention=other, dtype=model.dtype)
    p = model.params
    if other == "chung":
        values = dict(zip(("W_x", "W_h", "b"), pytorch_to_chung(p["W_x"], p["W_h"], p["b"],
                                                                p["b_hn"])))
    else:
        values = dict(zip(("W_x", "W_h", "b", "b_hn"), chung_to_pytorch(p["W_x"], p["W_h"],
                                                                        p["b"])))
    if model.O is not None:
        values.update(W_hy=p["W_hy"], b_y=p["b_y"])
    for name, value in values.items():
        new[name] = value
    return new
