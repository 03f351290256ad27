"""Named parameters: fused arrays plus a view for each gate, readable and writable by name.

An LSTM keeps its four gates in one matrix for speed (``W_x`` is D x 4H), yet a notebook
asks for ``model["W_hf"]`` (the forget gate's recurrent weights) and a slider writes it.
``Params`` maps every such name to a *view* of the fused array, so reading costs nothing
and writing changes the model in place. Gradients use the same class, so
``grads["W_hf"]`` and ``grads["dW_hf"]`` both name the forget gate's slice of ``dW_h``.
"""
from collections.abc import MutableMapping

import numpy as np


class Params(MutableMapping):
    """Fused arrays (iterated over, as optimizers need) plus named views into them.

    ``layout`` maps a view name to ``(fused_name, index)``, ``index`` a tuple of slices.
    """

    def __init__(self, arrays, layout=None, check_finite=True):
        self.arrays = dict(arrays)
        self.layout = dict(layout or {})
        self.check_finite = check_finite  # parameters must stay finite; gradients may overflow

    def _locate(self, name):
        if name in self.arrays:
            return name, ()
        if name in self.layout:
            return self.layout[name]
        if isinstance(name, str) and name.startswith("d") and name[1:] in self.names():
            return self._locate(name[1:])
        raise KeyError(f"unknown parameter {name!r}; expected one of {self.names()}")

    def names(self):
        """Every name: the fused arrays first, then the per-gate views."""
        return list(self.arrays) + [n for n in self.layout if n not in self.arrays]

    def __getitem__(self, name):
        fused, index = self._locate(name)
        return self.arrays[fused][index] if index else self.arrays[fused]

    def __setitem__(self, name, value):
        if name not in self.names() and not (isinstance(name, str) and name[1:] in self.names()):
            raise KeyError(f"unknown parameter {name!r}; expected one of {self.names()}")
        target = self[name]
        if _same_memory(value, target):  # `p[name] += x` has already changed it in place
            if self.check_finite and not np.isfinite(target).all():
                raise ValueError(f"{name} must be finite, but the in-place update made it "
                                 f"NaN or inf (it is changed: reset it)")
            return
        value = np.asarray(value, dtype=target.dtype)
        if value.shape != target.shape and value.shape != ():
            raise ValueError(f"{name} must have shape {target.shape}, got {value.shape}")
        if self.check_finite and not np.isfinite(value).all():
            raise ValueError(f"{name} must be finite, but the new value contains NaN or inf")
        target[...] = value

    def __delitem__(self, name):
        raise TypeError("parameters cannot be deleted")

    def __iter__(self):
        return iter(self.arrays)

    def __len__(self):
        return len(self.arrays)

    def __contains__(self, name):
        try:
            self._locate(name)
        except KeyError:
            return False
        return True

    def zeros_like(self):
        """A ``Params`` of zeros with the same layout (the shape of a gradient)."""
        return Params({k: np.zeros_like(v) for k, v in self.arrays.items()}, self.layout,
                      check_finite=False)

    def copy(self):
        """A deep copy with the same layout."""
        return Params({k: v.copy() for k, v in self.arrays.items()}, self.layout,
                      self.check_finite)

    def __repr__(self):
        shapes = ", ".join(f"{k}: {v.shape}" for k, v in self.arrays.items())
        return f"Params({shapes})"


def _same_memory(a, b):
    """True when ``a`` is ``b`` or a view with the same data, shape and strides."""
    return (isinstance(a, np.ndarray) and a.shape == b.shape and a.strides == b.strides
            and a.__array_interface__["data"][0] == b.__array_interface__["data"][0])


def gate_layout(prefix_x, prefix_h, bias, gates, H, fused=("W_x", "W_h", "b")):
    """Views named ``W_x<g>``, ``W_h<g>``, ``b_<g>`` for gate ``g`` in ``gates`` (each H wide)."""
    layout = {}
    for k, g in enumerate(gates):
        cols = slice(k * H, (k + 1) * H)
        layout[f"{prefix_x}{g}"] = (fused[0], (slice(None), cols))
        layout[f"{prefix_h}{g}"] = (fused[1], (slice(None), cols))
        layout[f"{bias}{g}"] = (fused[2], (cols,))
    return layout
