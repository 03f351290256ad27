"""The GRU cell in PyTorch's convention and in Chung et al.'s (2014): step functions and ``GRU``.

PyTorch (gate order r, z, n; reset applied *after* the hidden product)::

    r_t = sigmoid(x_t W_xr + h_{t-1} W_hr + b_r)
    z_t = sigmoid(x_t W_xz + h_{t-1} W_hz + b_z)
    n_t = tanh(x_t W_xn + b_n + r_t * (h_{t-1} W_hn + b_hn))
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

Chung et al. 2014 (reset applied *before* the product, update gate the other way round)::

    n_t = tanh(x_t W_xn + (r_t * h_{t-1}) W_hn + b_n)
    h_t = (1 - z_t) * h_{t-1} + z_t * n_t          so z_Chung = 1 - z_PyTorch

Here b_r and b_z are PyTorch's b_ir + b_hr and b_iz + b_hz; b_n is b_in; b_hn stays apart
because r multiplies it. Fused: W_x (D, 3H) = [W_xr | W_xz | W_xn], W_h (H, 3H), b (3H,).

Backward (PyTorch convention; Chung's mirrors it with z and 1 - z swapped)::

    da_n = dh (1 - z) (1 - n^2)      da_z = dh (h_{t-1} - n) z (1 - z)
    da_r = da_n hn r (1 - r)         d(hn) = da_n r          dh_{t-1} = dh z + da_h W_h^T
"""
from typing import NamedTuple

import numpy as np

from .activations import sigmoid_unchecked
from .init import pytorch_uniform
from .model import Recurrent
from .params import gate_layout

CONVENTIONS = ("pytorch", "chung")


class GRUCache(NamedTuple):
    """What the GRU step backward functions need from one forward step."""
    x: np.ndarray       # (B, D)
    h_prev: np.ndarray  # (B, H)
    r: np.ndarray       # (B, H) reset gate
    z: np.ndarray       # (B, H) update gate
    n: np.ndarray       # (B, H) candidate
    hn: np.ndarray      # (B, H) PyTorch: h_{t-1} W_hn + b_hn; Chung: r * h_{t-1}
    W_x: np.ndarray     # (D, 3H)
    W_h: np.ndarray     # (H, 3H)


class GRUStepGrads(NamedTuple):
    """Gradients of one step (``db_hn`` is None in Chung's convention)."""
    dx: np.ndarray
    dh_prev: np.ndarray
    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray
    db_hn: np.ndarray


def gru_recur(a_x, x, h_prev, W_x, W_h, b_hn):
    """PyTorch-convention recurrence, given the input term a_x = x_t W_x + b (B, 3H).

    Call inside ``np.errstate(over="ignore")`` (see ``lstm_recur``).
    """
    H = h_prev.shape[1]
    a_h = h_prev @ W_h                       # (B, 3H)
    a_rz = a_h[:, :2 * H]
    a_rz += a_x[:, :2 * H]
    rz = sigmoid_unchecked(a_rz)
    r, z = rz[:, :H], rz[:, H:]
    hn = a_h[:, 2 * H:]
    hn += b_hn                               # h_{t-1} W_hn + b_hn
    n = np.tanh(a_x[:, 2 * H:] + r * hn)
    h = n - z * (n - h_prev)                 # (1 - z) n + z h_{t-1}
    return h, GRUCache(x, h_prev, r, z, n, hn, W_x, W_h)


def gru_recur_backward(dh, cache, out=None):
    """Backward of ``gru_recur``: returns ``(da_x, da_h, dh_prev)`` (B, 3H), (B, 3H), (B, H);
    da_x is written into ``out`` if given."""
    h_prev, r, z, n, hn, W_h = cache.h_prev, cache.r, cache.z, cache.n, cache.hn, cache.W_h
    H = h_prev.shape[1]
    da_x = np.empty((dh.shape[0], 3 * H), dtype=dh.dtype) if out is None else out
    da_n = np.multiply(dh * (1 - z), 1 - n * n, out=da_x[:, 2 * H:])  # through (1-z) n, tanh
    np.multiply(dh * (h_prev - n), z * (1 - z), out=da_x[:, H:2 * H])  # through z
    np.multiply(da_n * hn, r * (1 - r), out=da_x[:, :H])                # through r * hn
    da_h = da_x.copy()
    np.multiply(da_n, r, out=da_h[:, 2 * H:])                           # d(h W_hn + b_hn)
    return da_x, da_h, dh * z + da_h @ W_h.T


def gru_step_forward(x, h_prev, W_x, W_h, b, b_hn):
    """One forward step of the GRU in PyTorch's convention; returns ``(h, cache)``.

    Equations::

        r = sigmoid(x W_xr + h_prev W_hr + b_r)    z = sigmoid(x W_xz + h_prev W_hz + b_z)
        n = tanh(x W_xn + b_n + r * (h_prev W_hn + b_hn))
        h = (1 - z) * n + z * h_prev

    Shapes: x (B, D), h_prev (B, H), W_x (D, 3H), W_h (H, 3H), b (3H,), b_hn (H,).
    """
    with np.errstate(over="ignore"):
        return gru_recur(x @ W_x + b, x, h_prev, W_x, W_h, b_hn)


def gru_step_backward(dh, cache):
    """Backward of one PyTorch-convention step given dh = dL/dh_t (B, H).

    Equations::

        da_n = dh (1-z)(1-n^2)   da_z = dh (h_prev - n) z(1-z)   da_r = da_n hn r(1-r)
        da_x = [da_r, da_z, da_n]   da_h = [da_r, da_z, da_n r]   (hn = h_prev W_hn + b_hn)
        dx = da_x W_x^T   dh_prev = dh z + da_h W_h^T   dW_x = x^T da_x   dW_h = h_prev^T da_h

    Returns ``GRUStepGrads`` (dx, dh_prev, dW_x, dW_h, db = sum_b da_x, db_hn).
    """
    da_x, da_h, dh_prev = gru_recur_backward(dh, cache)
    H = dh.shape[1]
    return GRUStepGrads(dx=da_x @ cache.W_x.T, dh_prev=dh_prev, dW_x=cache.x.T @ da_x,
                        dW_h=cache.h_prev.T @ da_h, db=da_x.sum(axis=0),
                        db_hn=da_h[:, 2 * H:].sum(axis=0))


def gru_chung_recur(a_x, x, h_prev, W_x, W_h):
    """Chung-convention recurrence, given a_x = x_t W_x + b (B, 3H)."""
    H = h_prev.shape[1]
    a_rz = h_prev @ W_h[:, :2 * H]
    a_rz += a_x[:, :2 * H]
    rz = sigmoid_unchecked(a_rz)
    r, z = rz[:, :H], rz[:, H:]
    rh = r * h_prev                                        # reset before the product
    n = np.tanh(a_x[:, 2 * H:] + rh @ W_h[:, 2 * H:])
    h = h_prev + z * (n - h_prev)                          # (1 - z) h_{t-1} + z n
    return h, GRUCache(x, h_prev, r, z, n, rh, W_x, W_h)


def gru_chung_recur_backward(dh, cache, out=None):
    """Backward of ``gru_chung_recur``: ``(da_x, da_h, dh_prev)``, da_x written into ``out``
    if given; in dW_hn the gradient da_h[:, 2H:] multiplies (r * h_{t-1}), not h_{t-1}."""
    h_prev, r, z, n, W_h = cache.h_prev, cache.r, cache.z, cache.n, cache.W_h
    H = h_prev.shape[1]
    da_x = np.empty((dh.shape[0], 3 * H), dtype=dh.dtype) if out is None else out
    da_n = np.multiply(dh * z, 1 - n * n, out=da_x[:, 2 * H:])         # through z n, tanh
    np.multiply(dh * (n - h_prev), z * (1 - z), out=da_x[:, H:2 * H])   # through z
    drh = da_n @ W_h[:, 2 * H:].T                                       # through (r h) W_hn
    np.multiply(drh * h_prev, r * (1 - r), out=da_x[:, :H])             # through r
    dh_prev = dh * (1 - z) + drh * r + da_x[:, :2 * H] @ W_h[:, :2 * H].T
    return da_x, da_x, dh_prev


def gru_chung_step_forward(x, h_prev, W_x, W_h, b):
    """One forward step of the GRU in Chung et al.'s convention; returns ``(h, cache)``.

    Equations::

        r, z as in PyTorch's convention      n = tanh(x W_xn + (r * h_prev) W_hn + b_n)
        h = (1 - z) * h_prev + z * n         (z_Chung = 1 - z_PyTorch)

    Shapes: x (B, D), h_prev (B, H), W_x (D, 3H), W_h (H, 3H), b (3H,).
    """
    with np.errstate(over="ignore"):
        return gru_chung_recur(x @ W_x + b, x, h_prev, W_x, W_h)


def gru_chung_step_backward(dh, cache):
    """Backward of one Chung-convention step given dh = dL/dh_t (B, H).

    Equations::

        da_n = dh z (1-n^2)    da_z = dh (n - h_prev) z(1-z)    d(rh) = da_n W_hn^T
        da_r = d(rh) h_prev r(1-r)    dh_prev = dh (1-z) + d(rh) r + [da_r, da_z] W_h[:, :2H]^T
        dW_h = [h_prev^T [da_r, da_z], (r h_prev)^T da_n]

    Returns ``GRUStepGrads`` with ``db_hn = None``.
    """
    da_x, _, dh_prev = gru_chung_recur_backward(dh, cache)
    H = dh.shape[1]
    dW_h = np.concatenate([cache.h_prev.T @ da_x[:, :2 * H], cache.hn.T @ da_x[:, 2 * H:]],
                          axis=1)
    return GRUStepGrads(dx=da_x @ cache.W_x.T, dh_prev=dh_prev, dW_x=cache.x.T @ da_x,
                        dW_h=dW_h, db=da_x.sum(axis=0), db_hn=None)


class GRU(Recurrent):
    """A one-layer GRU over time-major sequences X (T, B, D).

    Equations::

        PyTorch: h_t = (1 - z) * n + z * h_{t-1}    Chung: h_t = (1 - z) * h_{t-1} + z * n

    ``convention`` is "pytorch" (default) or "chung". Fused parameters ``W_x`` (D, 3H),
    ``W_h`` (H, 3H), ``b`` (3H,), gate order r, z, n, plus ``b_hn`` (H,) in PyTorch's
    convention; each gate is also a view by name (``W_xz``, ``W_hz``, ``b_z``, ...).
    """

    gates = ("r", "z", "n")
    input_names = ("W_x", "b")
    hidden_name = "W_h"

    def __init__(self, D, H, O=None, convention="pytorch", init="pytorch", rng=None,
                 dtype=np.float64):
        if convention not in CONVENTIONS:
            raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
        self.convention = convention
        super().__init__(D, H, O, init=init, rng=rng, dtype=dtype)

    def _make_params(self, rng, init):
        p = self._fused_init(rng, init, 3)
        H = self.H
        if init == "pytorch":  # b_n is b_in alone: one draw, not a sum of two
            p["b"][2 * H:] = pytorch_uniform((H,), H, rng, self.dtype)
        if self.convention == "pytorch":
            p["b_hn"] = (pytorch_uniform((H,), H, rng, self.dtype) if init == "pytorch"
                         else np.zeros(H, dtype=self.dtype))
        return p, gate_layout("W_x", "W_h", "b_", self.gates, H)

    def recur(self, a_x, x, state):
        p = self.params.arrays
        if self.convention == "pytorch":
            h, cache = gru_recur(a_x, x, state[0], p["W_x"], p["W_h"], p["b_hn"])
        else:
            h, cache = gru_chung_recur(a_x, x, state[0], p["W_x"], p["W_h"])
        return (h,), cache

    def recur_backward(self, dstate, cache, out=None):
        back = gru_recur_backward if self.convention == "pytorch" else gru_chung_recur_backward
        da_x, da_h, dh_prev = back(dstate[0], cache, out)
        return da_x, da_h, (dh_prev,), dstate

    def hidden_backward(self, trace, dA_h, grads):
        """dW_h (and db_hn) from all steps at once; Chung's W_hn multiplies r * h_{t-1}."""
        H = self.H
        if self.convention == "pytorch":
            super().hidden_backward(trace, dA_h, grads)
            grads.arrays["b_hn"] += dA_h[:, :, 2 * H:].sum(axis=(0, 1))
            return
        W = grads.arrays["W_h"]
        self._sum_outer(trace.state0[0], trace.states["h"], dA_h[:, :, :2 * H], W[:, :2 * H])
        RH = np.stack([c.hn for c in trace.caches]).reshape(-1, H)   # r_t * h_{t-1}
        W[:, 2 * H:] += RH.T @ dA_h[:, :, 2 * H:].reshape(-1, H)

    def _to_torch(self):
        if self.convention != "pytorch":
            raise ValueError("only convention='pytorch' matches torch.nn.GRU")
        p, H = self.params, self.H
        b_hh = np.zeros_like(p["b"])
        b_hh[2 * H:] = p["b_hn"]
        return {"weight_ih_l0": p["W_x"].T, "weight_hh_l0": p["W_h"].T,
                "bias_ih_l0": p["b"].copy(), "bias_hh_l0": b_hh}

    def _from_torch(self, sd):
        if self.convention != "pytorch":
            raise ValueError("only convention='pytorch' matches torch.nn.GRU")
        H = self.H
        b = sd["bias_ih_l0"].copy()
        b[:2 * H] += sd["bias_hh_l0"][:2 * H]
        return {"W_x": sd["weight_ih_l0"].T, "W_h": sd["weight_hh_l0"].T, "b": b,
                "b_hn": sd["bias_hh_l0"][2 * H:]}
