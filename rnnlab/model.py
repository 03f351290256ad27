"""The thin sequence layer shared by RNN, LSTM and GRU: run a cell's step over time.

A model holds named ``Params``, an optional output layer ``y_t = h_t W_hy + b_y`` and a
cell (the step functions of ``rnn.py``, ``lstm.py`` or ``gru.py``). ``forward`` returns a
``Trace``: everything the backward pass (``rnnlab.bptt``) and the plots need.

Shapes: X (T, B, D); states (T, B, H); outputs Y (T, B, O), or (T, B, H) with no output layer.
"""
import re
from typing import NamedTuple

import numpy as np

from ._validate import TIME_MAJOR, as_array, check_axis, check_dtype, check_positive_int
from .init import as_rng, pytorch_uniform, recurrent_block, scaled_normal
from .overflow import forward_problem, report
from .params import Params

TORCH_KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


class Trace(NamedTuple):
    """What one forward pass over a sequence leaves behind."""
    X: np.ndarray        # (T, B, D) inputs
    Y: np.ndarray        # (T, B, O) outputs (the hidden states if there is no output layer)
    states: dict         # name -> (T, B, H): "h" (and "c" for the LSTM), after each step
    state0: tuple        # the initial state(s), each (B, H)
    caches: list         # one named cache per step, for the step backward functions


class Recurrent:
    """Base class: subclasses set ``state_names``, ``gates`` and the step functions."""

    state_names = ("h",)
    gates = ("",)  # gate letters, in the fused order

    def __init__(self, D, H, O=None, init="pytorch", rng=None, dtype=np.float64):
        self.D = check_positive_int(D, "D (input size)")
        self.H = check_positive_int(H, "H (hidden size)")
        self.O = None if O is None else check_positive_int(O, "O (output size)")
        self.dtype = check_dtype(dtype)
        self.init = init
        rng = as_rng(rng)
        arrays, layout = self._make_params(rng, init)
        if self.O is not None:
            arrays["W_hy"] = pytorch_uniform((self.H, self.O), self.H, rng, self.dtype)
            arrays["b_y"] = pytorch_uniform((self.O,), self.H, rng, self.dtype)
        self.params = Params(arrays, layout)

    # -- parameters -------------------------------------------------------------------
    def _fused_init(self, rng, init, G, names=("W_x", "W_h", "b")):
        """W_x (D, G*H), W_h (H, G*H), b (G*H) under ``init`` (one recurrent block per gate)."""
        D, H, dt = self.D, self.H, self.dtype
        if init == "pytorch":
            W_x = pytorch_uniform((D, G * H), H, rng, dt)
            W_h = pytorch_uniform((H, G * H), H, rng, dt)
            # PyTorch draws b_ih and b_hh; every gate but the GRU's n uses their sum
            b = pytorch_uniform((G * H,), H, rng, dt) + pytorch_uniform((G * H,), H, rng, dt)
        else:
            W_x = scaled_normal((D, G * H), rng, scale=1e-3 if init == "identity" else 1.0,
                                dtype=dt)
            W_h = np.concatenate([recurrent_block(init, H, rng, dt) for _ in range(G)], axis=1)
            b = np.zeros(G * H, dtype=dt)
        return dict(zip(names, (W_x, W_h, b)))

    def __getitem__(self, name):
        return self.params[name]

    def __setitem__(self, name, value):
        self.params[name] = value

    @property
    def n_params(self):
        """Number of scalar parameters (the output layer included)."""
        return sum(v.size for v in self.params.values())

    # -- forward ----------------------------------------------------------------------
    def initial_state(self, B, state0=None, T=None):
        """The state before step 0, h_{-1} (and c_{-1}), as a tuple of (B, H) arrays: zeros,
        or ``state0`` checked. ``T``, X's number of steps, lets an error spot a batch-major X."""
        n = len(self.state_names)
        if state0 is None:
            return tuple(np.zeros((B, self.H), dtype=self.dtype) for _ in range(n))
        labels = [f"{name}_{{-1}}" for name in self.state_names]   # h_{-1}, c_{-1}
        if n == 1 and not isinstance(state0, tuple):
            state0 = (state0,)  # one state: an array (or nested list) is that state
        elif n > 1 and _one_array(state0):
            raise ValueError(f"the {type(self).__name__} needs both states: "
                             f"state0=({', '.join(labels)}), {n} arrays of shape (B, H); "
                             f"got one array of shape {_shape(state0)}")
        if len(state0) != n:
            raise ValueError(f"state0 must be ({', '.join(labels)}): {n} array(s) of shape "
                             f"(B, H), got {len(state0)}")
        out = []
        for label, s in zip(labels, state0):
            s = as_array(s, label, ("B", "H"), self.dtype)
            if s.shape[0] == T != B:
                raise ValueError(f"{label} must have shape (B, H) with B = {B} (the batch size "
                                 f"of X), got shape {s.shape}: its {T} rows match X's number of "
                                 f"steps, so X may be batch-major (B, T, D), but {TIME_MAJOR}; "
                                 f"X.transpose(1, 0, 2) turns it around.")
            check_axis(s, 0, B, label, ("B", "H"), "the batch size of X")
            check_axis(s, 1, self.H, label, ("B", "H"), "the model's hidden size")
            out.append(s)
        return tuple(out)

    def check_input(self, X):
        """X as a (T, B, D) array of the model's dtype, or an error naming the expected shape."""
        X = as_array(X, "X", ("T", "B", "D"), self.dtype)
        check_axis(X, 2, self.D, "X", ("T", "B", "D"), "the model's input size")
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must have at least one step and one sequence, got shape {X.shape}")
        return X

    def forward(self, X, state0=None):
        """Run the cell over all T steps. Returns a ``Trace``.

        The input terms x_t W_x + b of all steps are one matrix product; then each step
        adds h_{t-1} W_h and applies the gates (the subclass's ``recur``). A run that
        overflows the float type (an exploding relu RNN) returns its inf/NaN states with one
        ``ExplosionWarning`` naming the step (``rnnlab.overflow``).
        """
        X = self.check_input(X)
        T, B, _ = X.shape
        state = s0 = self.initial_state(B, state0, T)
        W_in, b_in = (self.params[n] for n in self.input_names)
        states = {n: np.empty((T, B, self.H), dtype=self.dtype) for n in self.state_names}
        caches = []
        # sigmoid(a < -709): exp overflows, result exact 0; an exploding (relu) RNN: inf
        # and NaN, reported once in words after the loop instead of numpy's warnings
        with np.errstate(all="ignore"):
            A_x = X @ W_in                                  # (T, B, G*H)
            A_x += b_in
            for t in range(T):
                state, cache = self.recur(A_x[t], X[t], state)
                for n, s in zip(self.state_names, state):
                    states[n][t] = s
                caches.append(cache)
            Hs = states["h"]
            Y = Hs @ self.params["W_hy"] + self.params["b_y"] if self.O is not None else Hs
        trace = Trace(X, Y, states, s0, caches)
        if np.geterr()["over"] != "ignore":  # under "ignore" report() would stay silent
            report(forward_problem(self, trace))
        return trace

    # -- what each cell provides ------------------------------------------------------
    def recur(self, a_x, x, state):
        """One step given its input term a_x = x_t W_x + b (B, G*H): ``(state, cache)``."""
        raise NotImplementedError

    def recur_backward(self, dstate, cache, out=None):
        """Backward of ``recur`` given dL/d(state_t) from the output and later steps.

        Returns ``(da_x, da_h, dstate_prev, dstate_t)``: the gradients of the step's input
        term (written into ``out`` when given) and recurrent term (the same array when they
        coincide), the gradient passed to
        step t-1, and the total gradient of each state at step t (the LSTM adds the path
        from h_t to c_t).
        """
        raise NotImplementedError

    # -- backward pieces used by rnnlab.bptt ------------------------------------------
    def input_backward(self, X, dA_x, grads):
        """Gradients of the input term x_t W_x + b for all steps at once; returns dX."""
        W_in, b_in = self.input_names
        G = dA_x.shape[2]
        grads.arrays[W_in] += X.reshape(-1, self.D).T @ dA_x.reshape(-1, G)
        grads.arrays[b_in] += dA_x.sum(axis=(0, 1))
        return dA_x @ self.params[W_in].T

    def hidden_backward(self, trace, dA_h, grads):
        """dW_h = sum_t h_{t-1}^T da_h[t]: h_0^T da_h[0] plus one product for t >= 1."""
        self._sum_outer(trace.state0[0], trace.states["h"], dA_h,
                        grads.arrays[self.hidden_name])

    def _sum_outer(self, first, rest, dA, out):
        """out += first^T dA[0] + sum_{t>=1} rest[t-1]^T dA[t], without copying ``rest``."""
        G = dA.shape[2]
        out += first.T @ dA[0]
        if dA.shape[0] > 1:
            out += rest[:-1].reshape(-1, first.shape[1]).T @ dA[1:].reshape(-1, G)

    def __call__(self, X, state0=None):
        """Outputs Y (T, B, O) for inputs X (T, B, D)."""
        return self.forward(X, state0).Y

    # -- PyTorch layout ---------------------------------------------------------------
    def load_torch(self, state_dict):
        """Set the weights from a one-layer, one-direction PyTorch layer's ``state_dict()``
        (tensors or arrays). Other layers' or directions' keys are refused, not skipped."""
        extra = sorted(k for k in state_dict if k not in TORCH_KEYS)
        if extra:
            layers = [int(m[1]) for k in extra if (m := re.search(r"_l(\d+)", k))]
            kind = ([f"{max(layers) + 1}-layer"] if any(layers) else []) + (
                ["bidirectional"] if any(k.endswith("_reverse") for k in extra) else [])
            kind = " and ".join(kind)
            raise ValueError(f"state_dict has keys {extra} that a one-layer, one-direction "
                             f"{type(self).__name__} cannot hold"
                             + (f" (a {kind} PyTorch model)" if kind else "")
                             + f"; rnnlab takes exactly {list(TORCH_KEYS)}")
        arrays = {}
        for key in TORCH_KEYS:
            if key not in state_dict:
                raise KeyError(f"state_dict must have {key!r} (a one-layer PyTorch "
                               f"{type(self).__name__}), got keys {sorted(state_dict)}")
            v = state_dict[key]
            v = v.detach().cpu().numpy() if hasattr(v, "detach") else v
            arrays[key] = np.asarray(v, dtype=self.dtype)
        values = self._from_torch(arrays)
        for name, value in values.items():  # check everything before changing anything
            if value.shape != self.params[name].shape:
                raise ValueError(f"state_dict gives {name} the shape {value.shape}, expected "
                                 f"{self.params[name].shape} (D={self.D}, H={self.H})")
        for name, value in values.items():
            self.params[name] = value

    def torch_state_dict(self):
        """The recurrent weights in PyTorch's layout, as numpy arrays (copies): keys
        ``weight_ih_l0`` (G*H, D), ``weight_hh_l0`` (G*H, H), ``bias_ih_l0``, ``bias_hh_l0``
        (G*H,), biases split so that ``bias_ih_l0 + bias_hh_l0`` is rnnlab's bias."""
        return {k: np.array(v, order="C") for k, v in self._to_torch().items()}

    def to_torch(self):
        """``torch_state_dict()`` as torch tensors, for ``layer.load_state_dict(...)`` of a
        one-layer ``torch.nn.RNN/LSTM/GRU`` of the same sizes (convert the layer to the
        model's dtype first, e.g. ``.double()``). torch is imported here, only when called;
        without PyTorch installed this returns the numpy arrays of ``torch_state_dict()``."""
        arrays = self.torch_state_dict()
        try:
            import torch
        except ImportError:
            return arrays
        return {k: torch.from_numpy(v) for k, v in arrays.items()}

    def __repr__(self):
        extra = "" if self.O is None else f", O={self.O}"
        return f"{type(self).__name__}(D={self.D}, H={self.H}{extra}, dtype={self.dtype})"


def _one_array(state0):
    """True when ``state0`` is one array (or nested list of rows), not a tuple of states."""
    if not isinstance(state0, (tuple, list)):
        return True
    return len(state0) > 0 and all(np.ndim(s) == 1 for s in state0)


def _shape(x):
    try:
        return np.shape(x)
    except ValueError:  # a ragged nested list
        return "(ragged)"
