"""When a forward or backward pass explodes past the largest float: one warning in words.

An exploding RNN is a lesson, not a crash. ``forward``, ``backward`` and ``bptt`` compute
with numpy's floating-point warnings off, return what they got (inf, NaN or huge numbers)
and then, if something stopped being finite, issue ONE ``ExplosionWarning`` that says what
overflowed at which step, instead of a screen of "overflow encountered in matmul".

The caller's ``np.errstate(over=...)`` decides what happens: "ignore" is silent (the
training loop reports divergence itself), "raise" raises ``FloatingPointError`` with the
same words, anything else warns.
"""
import warnings

import numpy as np


class ExplosionWarning(RuntimeWarning):
    """A value of a forward or backward pass overflowed the float type (inf or NaN)."""


def report(message, stacklevel=2):
    """Warn (or raise, or stay silent) with ``message``, as the caller's errstate asks."""
    if message is None:
        return
    mode = np.geterr()["over"]
    if mode == "ignore":
        return
    if mode == "raise":
        raise FloatingPointError(message)
    warnings.warn(message, ExplosionWarning, stacklevel=stacklevel + 1)


def bad_steps(a):
    """Indices t (along axis 0) where ``a[t]`` holds inf or NaN."""
    return np.flatnonzero(~np.isfinite(a.reshape(a.shape[0], -1)).all(axis=1))


def _limit(dtype):
    return f"{np.dtype(dtype).name} (it exploded past {np.finfo(dtype).max:.1e})"


def _not_finite(named):
    return [name for name, a in named.items() if not np.isfinite(a).all()]


def forward_problem(model, trace):
    """A sentence when the forward pass's states or outputs are not finite, else None."""
    bad_weights = _not_finite(model.params)
    for name, states in trace.states.items():
        steps = bad_steps(states)
        if steps.size:
            t = int(steps[0])
            if bad_weights:
                return (f"{name}_t is not finite from step t = {t} on: the weights "
                        f"{', '.join(bad_weights)} hold inf or NaN")
            return (f"the forward pass overflowed {_limit(states.dtype)} at step t = {t}: "
                    f"{name}_{t} is not finite, nor is anything computed from it. "
                    f"The recurrent weights {model.hidden_name} are too large for this "
                    f"activation; shrink them")
    steps = bad_steps(trace.Y)
    if steps.size:
        return (f"the outputs y_t = h_t W_hy + b_y overflowed {_limit(trace.Y.dtype)} "
                f"from step t = {int(steps[0])} on (h_t is finite, W_hy or h_t is huge)")
    return None


def loss_problem(L, Y):
    """A sentence when the loss of finite outputs is not finite, else None."""
    if np.isfinite(L):
        return None
    return (f"the loss overflowed {_limit(Y.dtype)}: L = {L}, with outputs as large as "
            f"{np.abs(Y).max():.1e}")


def gradient_problem(model, grads, dh, extra=()):
    """A sentence when the backward pass's gradients are not finite, else None.

    ``dh`` (T, B, H) is dL/dh_t; the backward pass walks t = T-1 down to 0, so the first
    step where it overflowed is the LAST bad index. ``extra`` are (name, array) pairs such
    as dX that are checked too.
    """
    bad = _not_finite(grads) + _not_finite(dict(extra))
    steps = bad_steps(dh)
    if not bad and not steps.size:
        return None
    names = ", ".join("d" + n if n in grads else n for n in bad)
    if steps.size:
        t = int(steps[-1])
        where = (f"at step t = {t} (going backwards from t = {dh.shape[0] - 1}): dL/dh_{t} "
                 f"is not finite" + (f", and neither are {names}" if bad else ""))
    else:
        where = f"when the steps' contributions were summed: {names} are not finite"
    return (f"the gradient overflowed {_limit(dh.dtype)} {where}. This is an exploding "
            f"gradient: shrink the recurrent weights {model.hidden_name}, or clip the gradient")
