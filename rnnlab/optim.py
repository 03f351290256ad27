"""Optimizers that update a model's ``Params`` in place: SGD, Momentum, Adagrad, Adam.

Each follows PyTorch's update equations exactly (``torch.optim.SGD`` without and with
momentum, ``Adagrad``, ``Adam``; no weight decay), so a numpy run and a PyTorch run from
the same weights take the same steps. ``step(params, grads)`` updates every fused array
of ``params`` from the gradient of the same name; per-array state (velocity, running
averages) is kept in ``optimizer.state`` keyed by that name, so use one optimizer per model.

    opt = Adam(lr=1e-2)
    res = rnnlab.bptt(model, X, target)
    opt.step(model.params, res.grads)
"""
from collections.abc import Mapping

import numpy as np


def _check_number(value, name, low, high=np.inf, low_open=True, high_open=True):
    """``value`` as a float in the interval (or raise naming the interval)."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))
    if ok:
        value = float(value)
        ok = (np.isfinite(value) and (value > low if low_open else value >= low)
              and (value < high if high_open else value <= high))
    if not ok:
        interval = (("(" if low_open else "[") + f"{low:g}, {high:g}"
                    + (")" if high_open else "]"))
        raise ValueError(f"{name} must be a finite number in {interval}, got {value!r}")
    return value


class Optimizer:
    """Base class: ``step`` checks the gradients, subclasses write ``update``."""

    def __init__(self, lr):
        self.lr = _check_number(lr, "lr (learning rate)", 0.0)
        self.state = {}  # name -> dict of per-array state

    def step(self, params, grads):
        """Update each fused array of ``params`` (a ``Params`` or dict) in place from ``grads``."""
        arrays = params.arrays if hasattr(params, "arrays") else params
        if not isinstance(arrays, Mapping):
            raise TypeError(f"params must be a Params or a dict of arrays, "
                            f"got {type(params).__name__}")
        pairs = [(name, p, self._grad(grads, name, p)) for name, p in arrays.items()]
        for name, p, g in pairs:  # check everything before changing anything
            self.update(name, p, g)

    @staticmethod
    def _grad(grads, name, p):
        """The gradient for array ``name``: ``grads[name]`` (or ``grads["d" + name]``), checked."""
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(f"parameter {name} must be a float numpy array (updated in place)")
        if not isinstance(grads, Mapping):
            raise TypeError(f"grads must be a Params or a dict of arrays, "
                            f"got {type(grads).__name__}")
        key = name if name in grads else "d" + name
        if key not in grads:
            raise KeyError(f"grads has no gradient for {name!r} (nor {'d' + name!r})")
        g = np.asarray(grads[key])
        if g.shape != p.shape:
            raise ValueError(f"gradient {key} must have the shape of {name} {p.shape}, "
                             f"got {g.shape}")
        if g.dtype.kind not in "fiu" or not np.isfinite(g).all():
            raise ValueError(f"gradient {key} must hold finite numbers (no NaN or inf)")
        return g

    def update(self, name, p, g):  # pragma: no cover - abstract
        raise NotImplementedError

    def reset(self):
        """Forget all state (velocities, running averages, step counts)."""
        self.state = {}

    def __repr__(self):
        args = ", ".join(f"{k}={v:g}" for k, v in vars(self).items() if k != "state")
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Plain gradient descent, ``torch.optim.SGD(lr)``.

    Equations::

        W <- W - lr * dW
    """

    def update(self, name, p, g):
        p -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with momentum, ``torch.optim.SGD(lr, momentum=beta)`` (no dampening).

    Equations::

        v <- beta * v + dW        (v = dW at the first step)
        W <- W - lr * v

    Sutskever et al. (2013) write v <- beta v - lr dW, W <- W + v: the same steps while
    lr stays constant.
    """

    def __init__(self, lr, beta=0.9):
        super().__init__(lr)
        self.beta = _check_number(beta, "beta (momentum)", 0.0, 1.0, low_open=False)

    def update(self, name, p, g):
        s = self.state.get(name)
        if s is None:
            s = self.state[name] = {"v": np.array(g, dtype=p.dtype)}  # v = dW at step 1
        else:
            s["v"] *= self.beta
            s["v"] += g
        p -= self.lr * s["v"]


class Adagrad(Optimizer):
    """Per-entry step sizes that shrink with the summed squared gradient, ``torch.optim.Adagrad``.

    Equations::

        G <- G + dW^2                                  (G starts at 0)
        W <- W - lr * dW / (sqrt(G) + eps)
    """

    def __init__(self, lr, eps=1e-10):
        super().__init__(lr)
        self.eps = _check_number(eps, "eps", 0.0)

    def update(self, name, p, g):
        s = self.state.setdefault(name, {"G": np.zeros_like(p)})
        s["G"] += g * g
        p -= self.lr * (g / (np.sqrt(s["G"]) + self.eps))


class Adam(Optimizer):
    """Running averages of the gradient and its square, bias-corrected, ``torch.optim.Adam``.

    Equations::

        t <- t + 1
        m <- beta1 * m + (1 - beta1) * dW              (m, v start at 0)
        v <- beta2 * v + (1 - beta2) * dW^2
        m_hat = m / (1 - beta1^t)        v_hat = v / (1 - beta2^t)
        W <- W - lr * m_hat / (sqrt(v_hat) + eps)
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = _check_number(beta1, "beta1", 0.0, 1.0, low_open=False)
        self.beta2 = _check_number(beta2, "beta2", 0.0, 1.0, low_open=False)
        self.eps = _check_number(eps, "eps", 0.0)

    def update(self, name, p, g):
        s = self.state.setdefault(name, {"t": 0, "m": np.zeros_like(p), "v": np.zeros_like(p)})
        s["t"] += 1
        s["m"] *= self.beta1
        s["m"] += (1 - self.beta1) * g
        s["v"] *= self.beta2
        s["v"] += (1 - self.beta2) * (g * g)
        # the bias corrections, arranged as PyTorch computes them
        step_size = self.lr / (1 - self.beta1 ** s["t"])
        denom = np.sqrt(s["v"]) / np.sqrt(1 - self.beta2 ** s["t"]) + self.eps
        p -= step_size * (s["m"] / denom)
