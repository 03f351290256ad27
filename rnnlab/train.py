"""The training loop: BPTT, record, clip, update; and the ``History`` it returns.

One step::

    res  = bptt(model, X, target, loss, mask, k)       loss L and gradients g
    record L and ||g||                                 (the norm BEFORE clipping)
    clip g                                             (optional, see ``train``)
    optimizer.step(model.params, g)

A run that blows up does not fill the screen with RuntimeWarnings: as soon as the
outputs, the loss or the gradient stop being finite, or an update would make a weight
inf or NaN, training stops, the weights are left as they were before that step, and
``history.diverged`` / ``history.message`` say what happened at which step.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from numbers import Real
from typing import Optional

import numpy as np

from ._validate import check_positive_int
from .bptt import bptt
from .clip import check_threshold, clip_elementwise, clip_global_norm, global_norm
from .init import as_rng
from .losses import get_loss


@dataclass(eq=False)
class History:
    """What ``train`` recorded, one entry per step, and why it stopped if it stopped early.

    ``loss``, ``grad_norm`` (before clipping) and ``clipped`` are read-only arrays of
    length ``len(history)``, one entry per step; NaN marks a value never computed.
    """
    diverged: bool = False               # stopped because something became inf or NaN
    diverged_at: Optional[int] = None    # the step at which that happened
    stopped_early: bool = False          # stopped by the callback or because batches ran out
    message: str = ""                    # one sentence on why training stopped early
    _n: int = field(default=0, init=False, repr=False)
    _buf: dict = field(init=False, repr=False, default_factory=lambda: {
        "loss": np.empty(16), "grad_norm": np.empty(16), "clipped": np.empty(16, dtype=bool)})

    def append(self, loss, grad_norm, clipped):
        """Record one step (the buffers double when full, so appending is cheap)."""
        if self._n == len(self._buf["loss"]):
            self._buf = {key: np.concatenate([a, np.empty_like(a)]) for key, a in self._buf.items()}
        self._buf["loss"][self._n] = loss
        self._buf["grad_norm"][self._n] = grad_norm
        self._buf["clipped"][self._n] = clipped
        self._n += 1

    def _view(self, key):
        view = self._buf[key][:self._n]
        view.flags.writeable = False
        return view

    @property
    def loss(self):
        """(steps,) the loss at each step, before that step's update."""
        return self._view("loss")

    @property
    def grad_norm(self):
        """(steps,) the global gradient norm at each step, before clipping."""
        return self._view("grad_norm")

    @property
    def clipped(self):
        """(steps,) True where clipping changed the gradient."""
        return self._view("clipped")

    def __len__(self):
        return self._n

    def __repr__(self):
        text = f"History(steps={self._n}"
        if self._n:
            text += f", loss {self.loss[0]:.4g} -> {self.loss[-1]:.4g}"
        return text + (f", {self.message!r})" if self.message else ")")


class _Diverged(Exception):
    """Raised inside a step when a value stops being finite; ``train`` catches it."""

    def __init__(self, reason, loss=np.nan, grad_norm=np.nan, clipped=False):
        super().__init__(reason)
        self.reason, self.loss, self.grad_norm, self.clipped = reason, loss, grad_norm, clipped


def _finite_loss(loss):
    """``loss`` as a callable that first checks that the outputs Y are finite."""
    f = get_loss(loss)

    def checked(Y, target, mask):
        if not np.isfinite(Y).all():
            raise _Diverged("the outputs became " + ("NaN" if np.isnan(Y).any() else "inf"))
        return f(Y, target, mask)
    return checked


def _make_clipper(clip):
    """``clip`` option -> function(grads) -> bool (whether the gradient was changed)."""
    if clip is None:
        return lambda grads: False
    if isinstance(clip, Real) and not isinstance(clip, bool):
        clip = ("norm", clip)
    if isinstance(clip, tuple) and len(clip) == 2 and clip[0] == "norm":
        max_norm = check_threshold(clip[1], "max_norm (of clip)")
        return lambda grads: clip_global_norm(grads, max_norm) > max_norm
    if isinstance(clip, tuple) and len(clip) == 2 and clip[0] == "value":
        limit = check_threshold(clip[1], "limit (of clip)")
        return lambda grads: clip_elementwise(grads, limit) > 0
    raise ValueError(f"clip must be None, a number (max norm), ('norm', max_norm) or "
                     f"('value', limit), got {clip!r}")


_END = object()  # what the batch source returns when an iterable runs out


def _batch_source(batches):
    """``batches`` -> function(rng) -> batch, or ``_END`` when an iterable runs out."""
    if hasattr(batches, "X") and hasattr(batches, "target"):
        return lambda rng: batches  # one fixed batch, reused at every step
    if callable(batches):
        return batches
    if isinstance(batches, Iterable):
        it = iter(batches)
        return lambda rng: next(it, _END)
    raise TypeError(f"batches must be a function rng -> TaskBatch, an iterable of batches "
                    f"or one batch, got {type(batches).__name__}")


def _train_step(model, b, optimizer, clipper, k):
    """One BPTT step under ``np.errstate``; returns (loss, grad_norm, clipped) or raises."""
    for name in ("X", "target"):
        if not hasattr(b, name):
            raise TypeError(f"each batch must have fields X, target, mask, loss "
                            f"(a TaskBatch), got {type(b).__name__}")
    res = bptt(model, b.X, b.target, loss=_finite_loss(getattr(b, "loss", None) or "mse"),
               mask=getattr(b, "mask", None), k=k)
    norm = global_norm(res.grads)
    if not np.isfinite(res.loss):
        raise _Diverged(f"the loss became {res.loss}", res.loss, norm)
    if not np.isfinite(norm):
        bad = "NaN" if np.isnan(norm) else "inf"
        raise _Diverged(f"the gradient became {bad}", res.loss, norm)
    clipped = clipper(res.grads)
    before = {name: p.copy() for name, p in model.params.arrays.items()}
    optimizer.step(model.params, res.grads)
    for name, p in model.params.arrays.items():
        if not np.isfinite(p).all():
            for key, value in before.items():
                model.params.arrays[key][...] = value
            raise _Diverged(f"the update made {name} inf or NaN", res.loss, norm, clipped)
    return res.loss, norm, clipped


def train(model, batches, optimizer, steps, clip=None, callback=None, rng=None, k=None):
    """Train ``model`` for ``steps`` optimizer steps; returns a ``History``.

    ``batches``: a function ``batches(rng) -> TaskBatch`` (fields X, target, mask, loss),
    an iterable of batches (training ends early if it runs out), or one batch used at
    every step. ``clip``: None, ``("norm", max_norm)`` (a bare number means the same) or
    ``("value", limit)``. ``callback(step, history)`` runs after every step, steps counted
    from 0; returning ``False`` (not just None) stops training. ``rng`` (Generator, int
    seed or None = seed 0) is passed to ``batches``; ``k`` truncates BPTT.

    If the outputs, loss or gradient norm become inf/NaN, or an update would make a weight
    inf/NaN, training stops without a RuntimeWarning: the weights are those before that
    step, the step is recorded, and ``history.diverged``, ``diverged_at`` and ``message``
    ("training diverged at step 37: ...") report it.
    """
    steps = check_positive_int(steps, "steps")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method, "
                        f"got {type(optimizer).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function (step, history) or None, "
                        f"got {type(callback).__name__}")
    clipper, next_batch, rng = _make_clipper(clip), _batch_source(batches), as_rng(rng)
    history = History()
    for step in range(steps):
        b = next_batch(rng)
        if b is _END:
            history.stopped_early = True
            history.message = f"training stopped after {step} steps: the batches ran out"
            break
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                history.append(*_train_step(model, b, optimizer, clipper, k))
        except _Diverged as err:
            history.append(err.loss, err.grad_norm, err.clipped)
            history.diverged, history.diverged_at = True, step
            history.message = f"training diverged at step {step}: {err.reason}"
            if not np.isnan(err.grad_norm):
                history.message += f" (gradient norm {err.grad_norm:.3g})"
        if callback is not None and callback(step, history) is False and not history.diverged:
            history.stopped_early = True
            history.message = f"training stopped by the callback after step {step}"
        if history.diverged or history.stopped_early:
            break
    return history
