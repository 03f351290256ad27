"""The LSTM cell (with forget gate, as in PyTorch): step functions and the class ``LSTM``.

Equations (gates fused in PyTorch's order i, f, g, o; W_x = [W_xi | W_xf | W_xg | W_xo])::

    a_t = x_t W_x + h_{t-1} W_h + b               (B, 4H)
    i_t = sigmoid(a_i)   f_t = sigmoid(a_f)   g_t = tanh(a_g)   o_t = sigmoid(a_o)
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)

Backward::

    do = dh * tanh(c_t)                dc = dc_next + dh * o_t * (1 - tanh(c_t)^2)
    df = dc * c_{t-1}   di = dc * g_t   dg = dc * i_t     dc_{t-1} = dc * f_t
    da = [di i(1-i), df f(1-f), dg (1-g^2), do o(1-o)]
    dx_t = da W_x^T   dh_{t-1} = da W_h^T   dW_x += x^T da   dW_h += h_{t-1}^T da   db += sum_b da
"""
from typing import NamedTuple

import numpy as np

from .activations import sigmoid
from .model import Recurrent
from .params import gate_layout


class LSTMCache(NamedTuple):
    """What ``lstm_step_backward`` needs from one forward step."""
    x: np.ndarray       # (B, D)
    h_prev: np.ndarray  # (B, H)
    c_prev: np.ndarray  # (B, H)
    i: np.ndarray       # (B, H) input (write) gate
    f: np.ndarray       # (B, H) forget (keep) gate
    g: np.ndarray       # (B, H) candidate c~
    o: np.ndarray       # (B, H) output (read) gate
    tanh_c: np.ndarray  # (B, H) tanh(c_t)
    W_x: np.ndarray     # (D, 4H)
    W_h: np.ndarray     # (H, 4H)


class LSTMStepGrads(NamedTuple):
    """Gradients of one step."""
    dx: np.ndarray
    dh_prev: np.ndarray
    dc_prev: np.ndarray
    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray


def lstm_step_forward(x, h_prev, c_prev, W_x, W_h, b):
    """One LSTM step. Shapes: x (B, D), h_prev and c_prev (B, H), W_x (D, 4H), W_h (H, 4H).

    Returns ``(h, c, cache)``.
    """
    H = h_prev.shape[1]
    a = x @ W_x + h_prev @ W_h + b          # (B, 4H)
    s = sigmoid(a)
    i, f, o = s[:, :H], s[:, H:2 * H], s[:, 3 * H:]
    g = np.tanh(a[:, 2 * H:3 * H])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return h, c, LSTMCache(x, h_prev, c_prev, i, f, g, o, tanh_c, W_x, W_h)


def lstm_step_backward(dh, dc, cache):
    """Backward of one step: ``dh`` = dL/dh_t and ``dc`` = dL/dc_t from later steps."""
    x, h_prev, c_prev, i, f, g, o, tanh_c, W_x, W_h = cache
    do = dh * tanh_c                           # backprop through h = o * tanh(c)
    dc = dc + dh * o * (1 - tanh_c * tanh_c)
    da = np.concatenate([dc * g * i * (1 - i),        # through c = f c_prev + i g ...
                         dc * c_prev * f * (1 - f),
                         dc * i * (1 - g * g),
                         do * o * (1 - o)], axis=1)   # ... and the gate nonlinearities
    return LSTMStepGrads(dx=da @ W_x.T, dh_prev=da @ W_h.T, dc_prev=dc * f,
                         dW_x=x.T @ da, dW_h=h_prev.T @ da, db=da.sum(axis=0))


class LSTM(Recurrent):
    """A one-layer LSTM over time-major sequences X (T, B, D); state (h, c).

    Fused parameters ``W_x`` (D, 4H), ``W_h`` (H, 4H), ``b`` (4H,), gate order i, f, g, o;
    each gate is also a view by name: ``W_xf``, ``W_hf``, ``b_f`` (and likewise i, g, o).
    ``forget_bias`` is added to ``b_f`` after initialization (Jozefowicz et al. 2015 use 1).
    """

    state_names = ("h", "c")
    gates = ("i", "f", "g", "o")

    def __init__(self, D, H, O=None, forget_bias=0.0, init="pytorch", rng=None,
                 dtype=np.float64):
        self.forget_bias = forget_bias
        super().__init__(D, H, O, init=init, rng=rng, dtype=dtype)
        self.params["b_f"] += forget_bias

    def _make_params(self, rng, init):
        return (self._fused_init(rng, init, 4),
                gate_layout("W_x", "W_h", "b_", self.gates, self.H))

    def step(self, x, state):
        p = self.params.arrays
        h, c, cache = lstm_step_forward(x, state[0], state[1], p["W_x"], p["W_h"], p["b"])
        return (h, c), cache

    def step_backward(self, dstate, cache, grads):
        g = lstm_step_backward(dstate[0], dstate[1], cache)
        grads["W_x"] += g.dW_x
        grads["W_h"] += g.dW_h
        grads["b"] += g.db
        return g.dx, (g.dh_prev, g.dc_prev)

    def _to_torch(self):
        p = self.params
        return {"weight_ih_l0": p["W_x"].T, "weight_hh_l0": p["W_h"].T,
                "bias_ih_l0": p["b"].copy(), "bias_hh_l0": np.zeros_like(p["b"])}

    def _from_torch(self, sd):
        return {"W_x": sd["weight_ih_l0"].T, "W_h": sd["weight_hh_l0"].T,
                "b": sd["bias_ih_l0"] + sd["bias_hh_l0"]}
