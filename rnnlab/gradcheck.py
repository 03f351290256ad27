"""Gradient checking with centred differences in float64, judged against the numbers' noise.

Equations::

    g_j = (f(w + eps e_j) - f(w - eps e_j)) / (2 eps)     truncation ~ eps^2 f''' / 6
                                                          rounding   ~ noise ~ u |f| / eps
    rel(a, g) = ||a - g|| / (||a|| + ||g||)                a analytic, g numerical, n entries
    ok  <=>  ||a - g|| <= max(tol (||a|| + ||g||), KAPPA sqrt(n) noise)

Each loss value is rounded to about u |f| (u = 1.1e-16), so with eps = 1e-6 and |f| ~ 3
every centred difference is off by ~3e-10; the truncation error (~1e-13) is negligible.
An array whose gradient is small next to the loss (the README's LSTM: W_hf has norm
1e-2 and 256 entries) then shows a relative error above 1e-7 although its backward pass
is right. So an array may also be off by KAPPA = 10 times the rounding noise of its n
differences. ``noise`` is measured: two entries of each array are differenced again with
step 2 eps, and the spread of the two estimates gives it (at least u max|f| / eps; a
confident classifier's loss is rounded at its logits' scale, far above u |f|).

Measured on 224 random RNN/LSTM/GRU problems (mse and masked cross-entropy): correct
backward passes give relative errors of median 1e-9, largest 1e-5, never more than 0.2
times the allowed error; 16 realistic backward-pass bugs exceed it 3.7e4 times or more.
An array whose gradient is below the noise cannot be checked, and the report says so.
"""
import numpy as np

from .bptt import bptt
from .losses import get_loss

KAPPA = 10.0         # allowed error of an array, in units of sqrt(n) x noise
NOISE_SAMPLES = 2    # entries per array differenced again (step 2 eps) to measure the noise
_U = np.finfo(np.float64).eps / 2   # unit roundoff of float64, 1.1e-16


def _centred(f, w, eps, index=None):
    """Centred differences of ``f`` in the entries ``index`` of ``w`` (default: all), as a
    flat array, and the largest |f| seen."""
    index = list(np.ndindex(w.shape)) if index is None else index
    grad, f_max = np.zeros(len(index)), 0.0
    for k, j in enumerate(index):
        old = w[j]
        w[j] = old + eps
        f_plus = f()
        w[j] = old - eps
        f_minus = f()
        w[j] = old
        grad[k] = (f_plus - f_minus) / (2 * eps)
        f_max = max(f_max, abs(f_plus), abs(f_minus))
    return grad, f_max


def numerical_gradient(f, w, eps=1e-6):
    """Centred-difference gradient of the scalar ``f()`` with respect to array ``w``.

    Equations::

        g_j = (f(w + eps e_j) - f(w - eps e_j)) / (2 eps)        g has w's shape

    ``w`` is perturbed in place (one entry at a time) and restored, so it must be the very
    array ``f`` reads (a parameter, or a view into one).
    """
    return _centred(f, w, eps)[0].reshape(w.shape)


def relative_error(a, b):
    """How far apart two gradients are, on a scale that ignores their size.

    Equations::

        rel(a, b) = ||a - b|| / (||a|| + ||b||)     (0 when both are 0; at most 1)
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def _noise(f, arrays, numeric, eps, f_max):
    """Rounding noise of one centred difference with step eps, measured.

    Equations::

        d_j = g_j(eps) - g_j(2 eps)           Var d_j = (1 + 1/4) noise^2
        noise = max(sqrt(mean d_j^2 / 1.25), u max|f| / eps)

    over NOISE_SAMPLES entries of each array, spread evenly over it. Any truncation
    error shows in d_j too (3 eps^2 f'''/6, three times g_j's own), so noise covers it.
    """
    d = []
    for name, w in arrays.items():
        if name not in numeric or w.size == 0:
            continue
        flat = np.unique(np.linspace(0, w.size - 1, min(NOISE_SAMPLES, w.size)).round())
        index = [np.unravel_index(int(i), w.shape) for i in flat]
        g2, fm = _centred(f, w, 2 * eps, index)
        f_max = max(f_max, fm)
        d += [numeric[name][j] - g for j, g in zip(index, g2)]
    d = np.array(d)
    measured = float(np.sqrt(np.mean(d * d) / 1.25)) if d.size else 0.0
    return max(measured, _U * f_max / eps)


class GradcheckReport(dict):
    """Relative error per name, printed as a table that flags what disagrees.

    ``limits[name]``: the largest relative error allowed, ``tol`` or more where the
    rounding noise of that array's numerical gradient is larger; ``noise``: the measured
    noise of one centred difference. An array whose limit is 1 or more cannot fail (a
    relative error is at most 1): its gradient is below the noise and is not checked.
    """

    def __init__(self, errors, tol, limits=None, noise=None):
        super().__init__(errors)
        self.tol = tol
        self.limits = {n: tol for n in errors} if limits is None else dict(limits)
        self.noise = noise

    def _limit(self, name):
        return self.limits.get(name, self.tol)

    @property
    def failed(self):
        """Names whose relative error is above their limit."""
        return [n for n, e in self.items() if not e <= self._limit(n)]

    @property
    def below_noise(self):
        """Names whose gradient is too small next to the noise to be checked at all."""
        return [n for n in self if self._limit(n) >= 1 and n not in self.failed]

    @property
    def ok(self):
        return not self.failed

    @property
    def verdict(self):
        """The last line of the table: "all gradients agree" or the names to check."""
        verdict = ("all gradients agree" if self.ok else
                   f"check the backward pass for: {', '.join(self.failed)}")
        if self.below_noise:
            verdict += f" (below the noise, not checked: {', '.join(self.below_noise)})"
        return verdict

    def __str__(self):
        width = max([len(n) for n in self] + [4])
        lines = [f"{'name':<{width}}  rel. error  allowed"]
        for n, e in self.items():
            flag = ("DISAGREES" if n in self.failed else
                    "below noise" if n in self.below_noise else "ok")
            lines.append(f"{n:<{width}}  {e:.1e}     {self._limit(n):.0e}    {flag}")
        rule = (f"(allowed: tolerance {self.tol:.0e}, or more where the numerical gradient's "
                f"rounding noise is larger)")
        return "\n".join(lines + [rule, self.verdict])

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def compare_gradients(f, arrays, analytic, eps=1e-6, tol=1e-7):
    """Check hand-written gradients: ``analytic[name]`` against d f()/d ``arrays[name]``.

    Equations::

        error[name] = rel(analytic[name], centred differences of f in arrays[name])
        ok  <=>  ||a - g|| <= max(tol (||a|| + ||g||), KAPPA sqrt(n) noise)

    ``f`` takes no arguments and reads the arrays in ``arrays`` (perturbed in place).
    A correct gradient's error stays below 0.2 times what is allowed, a wrong one's far
    above it (module docstring). Returns a ``GradcheckReport``; print it to see what disagrees.
    """
    numeric, f_max = {}, 0.0
    for name, w in arrays.items():
        if name not in analytic or analytic[name] is None:
            continue
        if np.shape(analytic[name]) != np.shape(w):
            raise ValueError(f"gradient for {name} must have shape {np.shape(w)}, "
                             f"got {np.shape(analytic[name])}")
        num, fm = _centred(f, w, eps)
        numeric[name], f_max = num.reshape(w.shape), max(f_max, fm)
    noise = _noise(f, arrays, numeric, eps, f_max)
    errors, limits = {}, {}
    for name, w in arrays.items():
        if name not in numeric:  # no analytic gradient given: that is a failure
            errors[name], limits[name] = float("inf"), tol
            continue
        a = np.asarray(analytic[name], dtype=np.float64)
        scale = np.linalg.norm(a) + np.linalg.norm(numeric[name])
        errors[name] = relative_error(a, numeric[name])
        floor = KAPPA * np.sqrt(w.size) * noise
        limits[name] = max(tol, floor / scale) if scale > 0 else tol
    return GradcheckReport(errors, tol, limits, noise)


def _default_names(params):
    """Each entry once: an array's per-gate views where they cover it, else the array."""
    names = []
    for fused, arr in params.arrays.items():
        views = [n for n, (f, _) in params.layout.items() if f == fused]
        covered = np.zeros(arr.shape, dtype=int)
        for n in views:
            covered[params.layout[n][1]] += 1
        names += views if views and np.all(covered == 1) else [fused]
    return names


def gradcheck(model, X, target, loss="mse", mask=None, state0=None, names=None,
              eps=1e-6, tol=1e-7):
    """Check ``bptt`` on ``model`` against centred differences of the loss, for the
    parameters, the inputs X and the initial state(s). The model must be float64.

    Equations::

        error[w] = rel(dL/dw from bptt, centred differences of L in w)     X (T, B, D)
        ok  <=>  ||a - g|| <= max(tol (||a|| + ||g||), KAPPA sqrt(n) noise)

    ``names``: None checks every entry once under the course's names (per gate: W_xi,
    W_hf, b_o, ... for the LSTM and GRU; W_xh, W_hh, b_h; W_hy, b_y); "fused" checks the
    fused arrays (W_x, W_h, b) instead; or a list of names. "X" and the initial states
    "h_{-1}" (and "c_{-1}") are always checked. A correct backward pass gives relative
    errors of 1e-9 typically, up to 1e-5 where a gradient is small next to the loss,
    always below 0.2 times the allowed error (``tol``, or more where the rounding noise
    is larger); the bugs in tests/test_gradcheck_truth.py exceed it 3.7e4 times or more.
    Returns a ``GradcheckReport``; print it.
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

    if names is None:
        names = _default_names(model.params)
    elif isinstance(names, str):
        names = list(model.params.arrays) if names == "fused" else [names]
    arrays = {n: model.params[n] for n in names}
    analytic = {n: res.grads[n] for n in names}
    arrays["X"], analytic["X"] = X, res.dX
    for sname, s, ds in zip(model.state_names, s0, res.dstate0):
        arrays[f"{sname}_{{-1}}"], analytic[f"{sname}_{{-1}}"] = s, ds
    return compare_gradients(f, arrays, analytic, eps=eps, tol=tol)
