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
"""
from typing import NamedTuple

import numpy as np

from .activations import sigmoid
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


def gru_step_forward(x, h_prev, W_x, W_h, b, b_hn):
    """One GRU step in PyTorch's convention. Returns ``(h, cache)``."""
    H = h_prev.shape[1]
    a_x = x @ W_x + b                        # (B, 3H)
    a_h = h_prev @ W_h                       # (B, 3H)
    rz = sigmoid(a_x[:, :2 * H] + a_h[:, :2 * H])
    r, z = rz[:, :H], rz[:, H:]
    hn = a_h[:, 2 * H:] + b_hn
    n = np.tanh(a_x[:, 2 * H:] + r * hn)
    h = (1 - z) * n + z * h_prev
    return h, GRUCache(x, h_prev, r, z, n, hn, W_x, W_h)


def gru_step_backward(dh, cache):
    """Backward of one PyTorch-convention step; ``dh`` is dL/dh_t."""
    x, h_prev, r, z, n, hn, W_x, W_h = cache
    da_n = dh * (1 - z) * (1 - n * n)         # through h = (1-z) n + z h_prev, then tanh
    da_z = dh * (h_prev - n) * z * (1 - z)
    da_r = da_n * hn * r * (1 - r)            # through r * hn
    dhn = da_n * r
    da_x = np.concatenate([da_r, da_z, da_n], axis=1)
    da_h = np.concatenate([da_r, da_z, dhn], axis=1)
    return GRUStepGrads(dx=da_x @ W_x.T, dh_prev=dh * z + da_h @ W_h.T,
                        dW_x=x.T @ da_x, dW_h=h_prev.T @ da_h,
                        db=da_x.sum(axis=0), db_hn=dhn.sum(axis=0))


def gru_chung_step_forward(x, h_prev, W_x, W_h, b):
    """One GRU step in Chung et al.'s convention. Returns ``(h, cache)``."""
    H = h_prev.shape[1]
    a_x = x @ W_x + b                                     # (B, 3H)
    rz = sigmoid(a_x[:, :2 * H] + h_prev @ W_h[:, :2 * H])
    r, z = rz[:, :H], rz[:, H:]
    rh = r * h_prev
    n = np.tanh(a_x[:, 2 * H:] + rh @ W_h[:, 2 * H:])
    h = (1 - z) * h_prev + z * n
    return h, GRUCache(x, h_prev, r, z, n, rh, W_x, W_h)


def gru_chung_step_backward(dh, cache):
    """Backward of one Chung-convention step; ``dh`` is dL/dh_t."""
    x, h_prev, r, z, n, rh, W_x, W_h = cache
    H = h_prev.shape[1]
    da_n = dh * z * (1 - n * n)               # through h = (1-z) h_prev + z n, then tanh
    da_z = dh * (n - h_prev) * z * (1 - z)
    drh = da_n @ W_h[:, 2 * H:].T             # through (r * h_prev) W_hn
    da_r = drh * h_prev * r * (1 - r)
    da_rz = np.concatenate([da_r, da_z], axis=1)
    dW_h = np.concatenate([h_prev.T @ da_rz, rh.T @ da_n], axis=1)
    da_x = np.concatenate([da_rz, da_n], axis=1)
    dh_prev = dh * (1 - z) + drh * r + da_rz @ W_h[:, :2 * H].T
    return GRUStepGrads(dx=da_x @ W_x.T, dh_prev=dh_prev, dW_x=x.T @ da_x, dW_h=dW_h,
                        db=da_x.sum(axis=0), db_hn=None)


class GRU(Recurrent):
    """A one-layer GRU over time-major sequences X (T, B, D).

    ``convention`` is "pytorch" (default) or "chung". Fused parameters ``W_x`` (D, 3H),
    ``W_h`` (H, 3H), ``b`` (3H,), gate order r, z, n, plus ``b_hn`` (H,) in PyTorch's
    convention; each gate is also a view by name (``W_xz``, ``W_hz``, ``b_z``, ...).
    """

    gates = ("r", "z", "n")

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

    def step(self, x, state):
        p = self.params.arrays
        if self.convention == "pytorch":
            h, cache = gru_step_forward(x, state[0], p["W_x"], p["W_h"], p["b"], p["b_hn"])
        else:
            h, cache = gru_chung_step_forward(x, state[0], p["W_x"], p["W_h"], p["b"])
        return (h,), cache

    def step_backward(self, dstate, cache, grads):
        if self.convention == "pytorch":
            g = gru_step_backward(dstate[0], cache)
            grads["b_hn"] += g.db_hn
        else:
            g = gru_chung_step_backward(dstate[0], cache)
        grads["W_x"] += g.dW_x
        grads["W_h"] += g.dW_h
        grads["b"] += g.db
        return g.dx, (g.dh_prev,)

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
