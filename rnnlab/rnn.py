"""The vanilla (Elman) RNN cell: step functions and the sequence class ``RNN``.

Equations::

    a_t = x_t W_xh + h_{t-1} W_hh + b_h          (B, H)
    h_t = phi(a_t),  phi in {tanh, sigmoid, relu}
    y_t = h_t W_hy + b_y                          (optional output layer, (B, O))

Backward (row-vector form; "*" is elementwise)::

    da_t    = dh_t * phi'(a_t)
    dx_t    = da_t W_xh^T       dh_{t-1} = da_t W_hh^T
    dW_xh  += x_t^T da_t        dW_hh   += h_{t-1}^T da_t       db_h += sum_b da_t

The sequence class computes x_t W_xh + b_h for all steps in one product and sums
dW_xh, dW_hh, db_h over steps in one product each at the end; the arithmetic is the same.
"""
from typing import NamedTuple

import numpy as np

from .activations import get_activation
from .model import Recurrent


class RNNCache(NamedTuple):
    """What ``rnn_step_backward`` needs from one forward step."""
    x: np.ndarray       # (B, D) input at this step
    h_prev: np.ndarray  # (B, H) previous hidden state
    h: np.ndarray       # (B, H) new hidden state phi(a)
    W_xh: np.ndarray    # (D, H)
    W_hh: np.ndarray    # (H, H)
    activation: str


class RNNStepGrads(NamedTuple):
    """Gradients of one step, named after what they differentiate."""
    dx: np.ndarray
    dh_prev: np.ndarray
    dW_xh: np.ndarray
    dW_hh: np.ndarray
    db_h: np.ndarray


def rnn_recur(a_x, x, h_prev, W_xh, W_hh, activation="tanh"):
    """The recurrent part of a step, given the input term a_x = x_t W_xh + b_h (B, H)."""
    phi, _ = get_activation(activation)
    h = phi(a_x + h_prev @ W_hh)
    return h, RNNCache(x, h_prev, h, W_xh, W_hh, activation)


def rnn_recur_backward(dh, cache, out=None):
    """Backward of ``rnn_recur``: returns ``(da, dh_prev)``, da = dL/da_t (B, H), written
    into ``out`` if given."""
    _, dphi = get_activation(cache.activation)
    da = np.multiply(dh, dphi(cache.h), out=out)   # backprop through phi
    return da, da @ cache.W_hh.T                   # ... and through h_{t-1} W_hh


def rnn_step_forward(x, h_prev, W_xh, W_hh, b_h, activation="tanh"):
    """One forward step of the vanilla RNN; returns ``(h, cache)``.

    Equations::

        h_t = phi(x_t W_xh + h_{t-1} W_hh + b_h)

    Shapes: x (B, D), h_prev (B, H), W_xh (D, H), W_hh (H, H), b_h (H,) -> h (B, H).
    """
    with np.errstate(over="ignore"):  # sigmoid(a) for a < -709: exp overflows, result 0
        return rnn_recur(x @ W_xh + b_h, x, h_prev, W_xh, W_hh, activation)


def rnn_step_backward(dh, cache):
    """Backward of one step, given dh = dL/dh_t (B, H); returns ``RNNStepGrads``.

    Equations::

        da = dh * phi'(a)          dx = da W_xh^T (B, D)      dh_prev = da W_hh^T (B, H)
        dW_xh = x^T da (D, H)      dW_hh = h_prev^T da (H, H)  db_h = sum_b da (H,)
    """
    da, dh_prev = rnn_recur_backward(dh, cache)
    return RNNStepGrads(dx=da @ cache.W_xh.T, dh_prev=dh_prev,  # through x_t W_xh
                        dW_xh=cache.x.T @ da, dW_hh=cache.h_prev.T @ da, db_h=da.sum(axis=0))


class RNN(Recurrent):
    """A one-layer vanilla RNN over time-major sequences X (T, B, D).

    Equations::

        h_t = phi(x_t W_xh + h_{t-1} W_hh + b_h)     y_t = h_t W_hy + b_y

    Parameters: ``W_xh`` (D, H), ``W_hh`` (H, H), ``b_h`` (H,), and with ``O`` given the
    output layer ``W_hy`` (H, O), ``b_y`` (O,). ``activation`` is "tanh", "sigmoid" or "relu".
    ``init`` is "pytorch" (U(-1/sqrt(H), 1/sqrt(H)), the default), "normal", "orthogonal"
    or "identity" (for W_hh; the last three zero the bias).
    """

    input_names = ("W_xh", "b_h")
    hidden_name = "W_hh"

    def __init__(self, D, H, O=None, activation="tanh", init="pytorch", rng=None,
                 dtype=np.float64):
        get_activation(activation)  # reject unknown names before building anything
        self.activation = activation
        super().__init__(D, H, O, init=init, rng=rng, dtype=dtype)

    def _make_params(self, rng, init):
        return self._fused_init(rng, init, 1, names=("W_xh", "W_hh", "b_h")), {}

    def recur(self, a_x, x, state):
        p = self.params.arrays
        h, cache = rnn_recur(a_x, x, state[0], p["W_xh"], p["W_hh"], self.activation)
        return (h,), cache

    def recur_backward(self, dstate, cache, out=None):
        da, dh_prev = rnn_recur_backward(dstate[0], cache, out)
        return da, da, (dh_prev,), dstate

    def _to_torch(self):
        if self.activation == "sigmoid":
            raise ValueError("torch.nn.RNN has no sigmoid nonlinearity; use tanh or relu")
        p = self.params
        return {"weight_ih_l0": p["W_xh"].T, "weight_hh_l0": p["W_hh"].T,
                "bias_ih_l0": p["b_h"].copy(), "bias_hh_l0": np.zeros_like(p["b_h"])}

    def _from_torch(self, sd):
        return {"W_xh": sd["weight_ih_l0"].T, "W_hh": sd["weight_hh_l0"].T,
                "b_h": sd["bias_ih_l0"] + sd["bias_hh_l0"]}
