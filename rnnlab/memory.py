"""What a forward pass must keep for the backward pass, counted in bytes.

BPTT needs, for every step, the arrays its step backward reads (the input x_t, the states
h_{t-1} and h_t, ...). ``kept_bytes`` walks a ``Trace`` and adds up the buffers it holds,
each buffer once however many views point into it; the model's own parameters are left
out (they exist whether or not you train). The count comes from ``ndarray.nbytes``, so it
is exact and the same on every machine.

Equations::

    bytes(T) = sum over the distinct buffers of the trace     grows like T * B * (D + k H)

Gradient checkpointing trades memory for time: keep the states only at every c-th step,
and during the backward pass recompute each segment's forward from its checkpoint.
"""
import numpy as np

from ._validate import check_positive_int


def _root(a):
    """The array that owns ``a``'s memory (``a`` itself unless it is a view)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _arrays(obj):
    """Every ndarray inside ``obj`` (nested tuples, lists, dicts and NamedTuples)."""
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _arrays(v)
    elif isinstance(obj, (tuple, list)):
        for v in obj:
            yield from _arrays(v)


def kept_bytes(trace, params=()):
    """Bytes of the distinct buffers a ``Trace`` holds, leaving out ``params``' buffers.

    ``params``: arrays not to count (pass ``model.params.values()``). Returns an int.
    """
    skip = {id(_root(p)) for p in params}
    seen = {}
    for a in _arrays(tuple(trace)):
        r = _root(a)
        if id(r) not in skip:
            seen[id(r)] = r.nbytes
    return int(sum(seen.values()))


def bptt_memory(model, Ts, B=1, rng=0):
    """Bytes one forward pass of ``model`` keeps for BPTT, for each length in ``Ts``.

    Runs the model on zero inputs (T, B, D) for every T; returns an int64 array (len(Ts),).
    """
    B = check_positive_int(B, "B")
    out = []
    for T in Ts:
        T = check_positive_int(T, "T")
        trace = model.forward(np.zeros((T, B, model.D), dtype=model.dtype))
        out.append(kept_bytes(trace, model.params.values()))
    return np.array(out, dtype=np.int64)


def checkpoint_states(T, c):
    """States held at the peak of a checkpointed backward pass with a checkpoint every
    ``c`` steps: the ceil(T / c) checkpoints plus the c states of the segment being
    recomputed. With c = sqrt(T) that is about 2 sqrt(T) instead of T."""
    T, c = check_positive_int(T, "T"), check_positive_int(c, "c")
    return -(-T // c) + min(c, T)
