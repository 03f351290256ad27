"""Gradient checking with centred differences in float64.

Equations::

    df/dw_j ~ (f(w + eps e_j) - f(w - eps e_j)) / (2 eps)          error O(eps^2)
    relative error = ||g_analytic - g_numeric|| / max(||g_analytic|| + ||g_numeric||, tiny)

In float64 with eps = 1e-6 a correct gradient gives a relative error near 1e-9 or below;
1e-7 is the threshold the tests use; above 1e-4 the backward pass is almost surely wrong.
"""
import numpy as np

from .bptt import bptt
from .losses import get_loss


def numerical_gradient(f, w, eps=1e-6):
    """Centred-difference gradient of the scalar ``f()`` with respect to array ``w``.

    Equations::

        g_j = (f(w + eps e_j) - f(w - eps e_j)) / (2 eps)        g has w's shape

    ``w`` is perturbed in place (one entry at a time) and restored, so it must be the very
    array ``f`` reads (a parameter, or a view into one).
    """
    grad = np.zeros(w.shape, dtype=np.float64)
    for j in np.ndindex(w.shape):
        old = w[j]
        w[j] = old + eps
        f_plus = f()
        w[j] = old - eps
        f_minus = f()
        w[j] = old
        grad[j] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """How far apart two gradients are, on a scale that ignores their size.

    Equations::

        rel(a, b) = ||a - b|| / (||a|| + ||b||)     (0 when both are 0; at most 1)
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


class GradcheckReport(dict):
    """Relative error per name, printed as a table that flags what disagrees."""

    def __init__(self, errors, tol):
        super().__init__(errors)
        self.tol = tol

    @property
    def failed(self):
        """Names whose relative error is above ``tol``."""
        return [n for n, e in self.items() if not e <= self.tol]

    @property
    def ok(self):
        return not self.failed

    def __str__(self):
        width = max([len(n) for n in self] + [4])
        lines = [f"{'name':<{width}}  relative error"]
        for n, e in self.items():
            flag = "ok" if e <= self.tol else "DISAGREES"
            lines.append(f"{n:<{width}}  {e:.1e}  {flag}")
        verdict = ("all gradients agree" if self.ok else
                   f"check the backward pass for: {', '.join(self.failed)}")
        return "\n".join(lines + [f"(tolerance {self.tol:.0e}) {verdict}"])

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def compare_gradients(f, arrays, analytic, eps=1e-6, tol=1e-7):
    """Check hand-written gradients: ``analytic[name]`` against d f()/d ``arrays[name]``.

    Equations::

        error[name] = rel(analytic[name], centred differences of f in arrays[name])

    ``f`` takes no arguments and reads the arrays in ``arrays`` (perturbed in place).
    Returns a ``GradcheckReport``; print it to see which gradient disagrees.
    """
    errors = {}
    for name, w in arrays.items():
        if name not in analytic or analytic[name] is None:
            errors[name] = float("inf")
            continue
        num = numerical_gradient(f, w, eps)
        if np.shape(analytic[name]) != num.shape:
            raise ValueError(f"gradient for {name} must have shape {num.shape}, "
                             f"got {np.shape(analytic[name])}")
        errors[name] = relative_error(analytic[name], num)
    return GradcheckReport(errors, tol)


def gradcheck(model, X, target, loss="mse", mask=None, state0=None, names=None,
              eps=1e-6, tol=1e-7):
    """Check ``bptt`` on ``model`` for every parameter (or ``names``), the inputs and the
    initial state(s). The model must be float64. Returns a ``GradcheckReport``.

    Equations::

        error[w] = rel(dL/dw from bptt, centred differences of L in w)   X (T, B, D)

    Names may be fused (``W_h``) or per gate (``W_hf``); "X" and "h0"/"c0" are included.
    """
    if model.dtype != np.float64:
        raise ValueError("gradcheck needs a float64 model: float32 rounding (1e-7) swamps "
                         "centred differences")
    X = np.array(X, dtype=np.float64)
    s0 = [np.array(s, dtype=np.float64) for s in model.initial_state(X.shape[1], state0)]
    res = bptt(model, X, target, loss=loss, mask=mask, state0=tuple(s0))
    loss_fn = get_loss(loss)

    def f():
        return loss_fn(model.forward(X, tuple(s0)).Y, target, mask)[0]

    names = model.params.names() if names is None else list(names)
    arrays = {n: model.params[n] for n in names}
    analytic = {n: res.grads[n] for n in names}
    arrays["X"], analytic["X"] = X, res.dX
    for sname, s, ds in zip(model.state_names, s0, res.dstate0):
        arrays[f"{sname}0"], analytic[f"{sname}0"] = s, ds
    return compare_gradients(f, arrays, analytic, eps=eps, tol=tol)
