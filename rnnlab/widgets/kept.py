"""What an explorer keeps between slider moves, so a setting seen before costs nothing.

    Kept(size)             a memo of at most ``size`` results
    kept.get(key, make)    the result kept under ``key``, else ``make()``, kept from now on
    weights_key(model)     a key for a model's weights: equal weights, equal key
    read_only(result)      the result with its arrays made read-only (it is shared)

When the memo is full, the result used least recently makes room.
"""
import hashlib

import numpy as np

from .._validate import check_positive_int

_NONE = object()


class Kept:
    """A memo of at most ``size`` results, the least recently used dropped first."""

    def __init__(self, size):
        self.size = check_positive_int(size, "size")
        self._items = {}      # in order of use, the latest last

    def get(self, key, make):
        """The result kept under ``key``; if there is none, ``make()``, kept from now on."""
        value = self._items.pop(key, _NONE)
        if value is _NONE:
            value = make()
        if len(self._items) >= self.size:
            self._items.pop(next(iter(self._items)))
        self._items[key] = value
        return value

    def __len__(self):
        return len(self._items)

    def __contains__(self, key):
        return key in self._items


def weights_key(model):
    """A model's class, activation, dtype and a digest of every weight, as a tuple: what a
    computation on the model depends on besides its inputs (equal weights, equal key)."""
    h = hashlib.blake2b(digest_size=16)
    for name in model.params.names():
        a = np.ascontiguousarray(model.params[name])
        h.update(name.encode() + str(a.shape).encode() + a.tobytes())
    return (type(model).__name__, getattr(model, "activation", None), np.dtype(model.dtype).str,
            h.hexdigest())


def read_only(result):
    """``result`` (an array, or a tuple of arrays and other values) with every array made
    read-only: a kept result is shared by every setting that reuses it, so writing into
    it would change them all; numpy then raises instead."""
    for a in (result if isinstance(result, tuple) else (result,)):
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    return result
