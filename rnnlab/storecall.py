"""Store and recall, wired by hand: a one-unit LSTM that keeps a value until it is read.

The cell reads four input lines, x_t = [value, write, read, erase], and its gates are
set by hand (no training)::

    a_i = w_write_i * write + b_i        i = sigmoid(a_i)    closed, opened by "write"
    a_f = w_erase_f * erase + b_f        f = sigmoid(a_f)    open (keep), closed by "erase"
    a_g = w_value_g * value              g = tanh(a_g)       the value, scaled small
    a_o = w_read_o  * read  + b_o        o = sigmoid(a_o)    closed, opened by "read"
    c_t = f c_{t-1} + i g     h_t = o tanh(c_t)     y_t = W_hy h_t  (W_hy undoes the scale)

A candidate g = tanh(a_g) lies in (-1, 1), so the value enters scaled down into tanh's
nearly linear range (w_value_g = 0.01) and the read-out scales it back up (W_hy = 100).

    WIRING                                   the hand-set weights (a dict of 8 numbers)
    wired_lstm(**wiring) -> LSTM(D=4, H=1, O=1)
    wired_rnn(w=1.0, u=0.01, v=100.0) -> RNN(D=4, H=1, O=1)   the tanh unit doing the same
    store_recall_inputs(T, write_at, read_at, erase_at=None, value=4.2, noise=0.0, rng=0)
    store_recall(model, X) -> dict of traces (T,): i f g o c h y (LSTM) or h y (RNN)
    recall_gradient(model, X, write_at, read_at) -> dy_read / d(value at write_at)
"""
import numpy as np

from .bptt import backward
from .lstm import LSTM
from .rnn import RNN

INPUTS = ("value", "write", "read", "erase")
WIRING = {"w_write_i": 20.0, "b_i": -10.0,      # input (write) gate
          "w_erase_f": -20.0, "b_f": 10.0,      # forget (keep) gate
          "w_value_g": 0.01,                    # candidate: the value, scaled small
          "w_read_o": 20.0, "b_o": -10.0,       # output (read) gate
          "W_hy": 100.0}                        # read-out: undoes the scale
STORED = 4.2


def wired_lstm(**wiring):
    """A one-unit LSTM with the gates wired by hand (unnamed weights are 0).

    Keywords are those of ``WIRING`` (missing ones take its values). Inputs x_t =
    [value, write, read, erase]; gate columns i, f, g, o; W_h = 0, b_g = 0, b_y = 0.
    """
    unknown = set(wiring) - set(WIRING)
    if unknown:
        raise TypeError(f"unknown wiring {sorted(unknown)}; the names are {list(WIRING)}")
    w = {**WIRING, **wiring}
    for name, value in w.items():
        if isinstance(value, bool) or not np.isfinite(np.asarray(value, dtype=float)).all() \
                or np.ndim(value) != 0:
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    model = LSTM(D=4, H=1, O=1, rng=0)
    for name in model.params.names():
        model[name] = np.zeros_like(model[name])
    W_x = np.zeros((4, 4))                      # rows: value, write, read, erase
    W_x[1, 0] = w["w_write_i"]                  # columns: i, f, g, o
    W_x[3, 1] = w["w_erase_f"]
    W_x[0, 2] = w["w_value_g"]
    W_x[2, 3] = w["w_read_o"]
    model["W_x"] = W_x
    model["b"] = np.array([w["b_i"], w["b_f"], 0.0, w["b_o"]])
    model["W_hy"] = np.array([[float(w["W_hy"])]])
    return model


def wired_rnn(w=1.0, u=0.01, v=100.0):
    """One tanh unit doing the same job: h_t = tanh(w h_{t-1} + u value_t), y_t = v h_t.

    It has no gates, so every value on the line enters and nothing is erased; it keeps a
    value only through its self-weight w.
    """
    model = RNN(D=4, H=1, O=1, rng=0)
    for name in model.params.names():
        model[name] = np.zeros_like(model[name])
    W_xh = np.zeros((4, 1))
    W_xh[0, 0] = u
    model["W_xh"] = W_xh
    model["W_hh"] = np.array([[float(w)]])
    model["W_hy"] = np.array([[float(v)]])
    return model


def store_recall_inputs(T, write_at, read_at, erase_at=None, value=STORED, noise=0.0, rng=0):
    """X (T, 1, 4): ``value`` and a write pulse at ``write_at``, a read pulse at ``read_at``,
    an erase pulse at ``erase_at`` (None: none). ``noise`` > 0 puts distracting values
    drawn from U[-noise, noise] on the value line at every other step (seeded by ``rng``).
    """
    if not 0 <= write_at < T or not 0 <= read_at < T:
        raise ValueError(f"write_at and read_at must lie in 0..{T - 1}, got {write_at}, {read_at}")
    X = np.zeros((T, 1, 4))
    if noise:
        X[:, 0, 0] = np.random.default_rng(rng).uniform(-noise, noise, T)
    X[write_at, 0, 0], X[write_at, 0, 1] = value, 1.0
    X[read_at, 0, 2] = 1.0
    if erase_at is not None:
        X[erase_at, 0, 3] = 1.0
    return X


def store_recall(model, X):
    """Run ``model`` (B = 1) on X; returns the traces (T,) by name: i, f, g, o, c, h, y for
    an LSTM, h, y for an RNN."""
    with np.errstate(over="ignore"):
        tr = model.forward(X)
    out = {"h": tr.states["h"][:, 0, 0], "y": tr.Y[:, 0, 0]}
    if isinstance(model, LSTM):
        gates = np.stack([c.gates[0] for c in tr.caches])        # (T, 4) i f g o
        out.update({k: gates[:, j] for j, k in enumerate("ifgo")})
        out["c"] = tr.states["c"][:, 0, 0]
    return out


def recall_gradient(model, X, write_at, read_at):
    """dy_{read_at} / d value_{write_at}: how much of a change to the written value reaches
    the read-out (1 = all of it), by one backward pass from y at the read step."""
    with np.errstate(over="ignore"):
        tr = model.forward(X)
    dY = np.zeros_like(tr.Y)
    dY[read_at] = 1.0
    dX = backward(model, tr, dY)[1]
    return float(dX[write_at, 0, 0])
