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

The sequence class computes x_t W_x + b for all steps at once and sums the weight
gradients over steps in one product each at the end.
"""
from typing import NamedTuple

import numpy as np

from .activations import sigmoid_unchecked
from .model import Recurrent
from .params import gate_layout


class LSTMCache(NamedTuple):
    """What ``lstm_step_backward`` needs from one forward step."""
    x: np.ndarray       # (B, D)
    h_prev: np.ndarray  # (B, H)
    c_prev: np.ndarray  # (B, H)
    gates: np.ndarray   # (B, 4H) [i | f | g | o]: input (write), forget (keep), candidate, output (read)
    tanh_c: np.ndarray  # (B, H) tanh(c_t)
    W_x: np.ndarray     # (D, 4H)
    W_h: np.ndarray     # (H, 4H)

    def _gate(self, k):
        H = self.tanh_c.shape[1]
        return self.gates[:, k * H:(k + 1) * H]

    i = property(lambda self: self._gate(0))
    f = property(lambda self: self._gate(1))
    g = property(lambda self: self._gate(2))
    o = property(lambda self: self._gate(3))


class LSTMStepGrads(NamedTuple):
    """Gradients of one step."""
    dx: np.ndarray
    dh_prev: np.ndarray
    dc_prev: np.ndarray
    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray


def lstm_recur(a_x, x, h_prev, c_prev, W_x, W_h):
    """The recurrent part of a step, given the input term a_x = x_t W_x + b (B, 4H).

    Call inside ``np.errstate(over="ignore")``: the sigmoid of a pre-activation below -709
    overflows exp to inf on the way to its correct value 0.
    """
    H = h_prev.shape[1]
    gates = h_prev @ W_h
    gates += a_x                               # (B, 4H) pre-activations a
    g = np.tanh(gates[:, 2 * H:3 * H])         # g = tanh(a_g) ...
    sigmoid_unchecked(gates, out=gates)        # ... i, f, o = sigmoid(a_i, a_f, a_o), in place
    gates[:, 2 * H:3 * H] = g
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    c = f * c_prev
    c += i * g
    tanh_c = np.tanh(c)
    return o * tanh_c, c, LSTMCache(x, h_prev, c_prev, gates, tanh_c, W_x, W_h)


def lstm_recur_backward(dh, dc, cache, out=None):
    """Backward of ``lstm_recur``: returns ``(da, dh_prev, dc_prev, dc)``: da = dL/da_t
    (B, 4H), written into ``out`` if given, and dc = dL/dc_t in total (from c_{t+1} and
    through h_t = o tanh(c_t))."""
    c_prev, gates, tanh_c, W_h = cache.c_prev, cache.gates, cache.tanh_c, cache.W_h
    H = tanh_c.shape[1]
    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))
    dc = dc + dh * o * (1 - tanh_c * tanh_c)   # through h = o * tanh(c)
    da = np.subtract(1, gates, out=out)        # the gates' slopes: sigmoid' for i, f, o ...
    da *= gates
    da_i, da_f, da_g, da_o = (da[:, k * H:(k + 1) * H] for k in range(4))
    np.multiply(g, g, out=da_g)
    np.subtract(1, da_g, out=da_g)             # ... and tanh' for g
    da_i *= dc * g                             # di: through c = f c_prev + i g
    da_f *= dc * c_prev                        # df
    da_g *= dc * i                             # dg
    da_o *= dh * tanh_c                        # do: through h = o tanh(c)
    return da, da @ W_h.T, dc * f, dc


def lstm_step_forward(x, h_prev, c_prev, W_x, W_h, b):
    """One forward step of the LSTM; returns ``(h, c, cache)``.

    Equations::

        [a_i a_f a_g a_o] = x_t W_x + h_{t-1} W_h + b
        i, f, o = sigmoid(a_i, a_f, a_o)     g = tanh(a_g)
        c_t = f * c_{t-1} + i * g            h_t = o * tanh(c_t)

    Shapes: x (B, D), h_prev, c_prev (B, H), W_x (D, 4H), W_h (H, 4H), b (4H,).
    """
    with np.errstate(over="ignore"):
        return lstm_recur(x @ W_x + b, x, h_prev, c_prev, W_x, W_h)


def lstm_step_backward(dh, dc, cache):
    """Backward of one step given dh = dL/dh_t and dc = dL/dc_t from step t+1 (B, H).

    Equations::

        dc += dh * o * (1 - tanh(c_t)^2)     dc_prev = dc * f
        da = [dc g i(1-i), dc c_prev f(1-f), dc i (1-g^2), dh tanh(c_t) o(1-o)]
        dx = da W_x^T   dh_prev = da W_h^T   dW_x = x^T da   dW_h = h_prev^T da   db = sum_b da

    Returns ``LSTMStepGrads`` (dx (B, D), dh_prev, dc_prev (B, H), dW_x, dW_h, db).
    """
    da, dh_prev, dc_prev, _ = lstm_recur_backward(dh, dc, cache)
    return LSTMStepGrads(dx=da @ cache.W_x.T, dh_prev=dh_prev, dc_prev=dc_prev,
                         dW_x=cache.x.T @ da, dW_h=cache.h_prev.T @ da, db=da.sum(axis=0))


class LSTM(Recurrent):
    """A one-layer LSTM over time-major sequences X (T, B, D); state (h, c).

    Equations::

        c_t = f * c_{t-1} + i * g      h_t = o * tanh(c_t)      y_t = h_t W_hy + b_y

    Fused parameters ``W_x`` (D, 4H), ``W_h`` (H, 4H), ``b`` (4H,), gate order i, f, g, o;
    each gate is also a view by name: ``W_xf``, ``W_hf``, ``b_f`` (and likewise i, g, o).
    ``forget_bias`` is added to ``b_f`` after initialization (Jozefowicz et al. 2015 use 1);
    ``input_bias`` is added to ``b_i`` (negative values start the input gates nearly shut,
    Hochreiter & Schmidhuber's 1997 remedy against internal state drift). Both default to 0.
    """

    state_names = ("h", "c")
    gates = ("i", "f", "g", "o")
    input_names = ("W_x", "b")
    hidden_name = "W_h"

    def __init__(self, D, H, O=None, forget_bias=0.0, init="pytorch", rng=None,
                 dtype=np.float64, input_bias=0.0):
        for name, value in (("forget_bias", forget_bias), ("input_bias", input_bias)):
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                    or not np.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        self.forget_bias = float(forget_bias)
        self.input_bias = float(input_bias)
        super().__init__(D, H, O, init=init, rng=rng, dtype=dtype)
        self.params["b_f"] += forget_bias
        self.params["b_i"] += input_bias

    def _make_params(self, rng, init):
        return (self._fused_init(rng, init, 4),
                gate_layout("W_x", "W_h", "b_", self.gates, self.H))

    def recur(self, a_x, x, state):
        p = self.params.arrays
        h, c, cache = lstm_recur(a_x, x, state[0], state[1], p["W_x"], p["W_h"])
        return (h, c), cache

    def recur_backward(self, dstate, cache, out=None):
        da, dh_prev, dc_prev, dc = lstm_recur_backward(dstate[0], dstate[1], cache, out)
        return da, da, (dh_prev, dc_prev), (dstate[0], dc)

    def _to_torch(self):
        p = self.params
        return {"weight_ih_l0": p["W_x"].T, "weight_hh_l0": p["W_h"].T,
                "bias_ih_l0": p["b"].copy(), "bias_hh_l0": np.zeros_like(p["b"])}

    def _from_torch(self, sd):
        return {"W_x": sd["weight_ih_l0"].T, "W_h": sd["weight_hh_l0"].T,
                "b": sd["bias_ih_l0"] + sd["bias_hh_l0"]}
