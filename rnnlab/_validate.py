"""Input checks shared by the public functions: each error names what was expected."""
import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def as_array(x, name, shape, dtype=None, finite=True):
    """Return ``x`` as a float array with ``len(shape)`` axes, or raise naming the expected form.

    ``shape`` is a tuple of axis labels such as ``("T", "B", "D")``; ``dtype`` is the float
    type to convert to (``None`` keeps a float input's own type and makes others float64).
    """
    expected = "(" + ", ".join(shape) + ")"
    if isinstance(x, (str, bytes, dict, set)) or x is None:
        raise TypeError(f"{name} must be an array of shape {expected}, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as err:  # pragma: no cover - exotic array-likes
        raise TypeError(f"{name} must be an array of shape {expected}: {err}") from None
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{name} must hold real numbers (an array of shape {expected}), "
                        f"got dtype {arr.dtype}")
    if arr.ndim != len(shape):
        raise ValueError(f"{name} must have shape {expected} ({len(shape)} axes), "
                         f"got shape {arr.shape}")
    if dtype is None:
        dtype = arr.dtype if arr.dtype.type in FLOAT_DTYPES else np.float64
    arr = arr.astype(dtype, copy=False)
    if finite and not np.isfinite(arr).all():
        bad = "NaN" if np.isnan(arr).any() else "inf"
        raise ValueError(f"{name} must be finite, but it contains {bad}")
    return arr


def check_axis(arr, axis, size, name, shape, what):
    """Raise if ``arr.shape[axis] != size``; ``what`` says where ``size`` comes from."""
    if arr.shape[axis] != size:
        expected = "(" + ", ".join(shape) + ")"
        raise ValueError(f"{name} must have shape {expected} with {shape[axis]} = {size} "
                         f"({what}), got shape {arr.shape}")


def check_dtype(dtype):
    """Return ``dtype`` as float32 or float64, or raise naming the two accepted types."""
    dt = np.dtype(dtype)
    if dt.type not in FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64, got {dt}")
    return dt


def check_positive_int(value, name):
    """Raise unless ``value`` is an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


TIME_MAJOR = "the course is time-major: (T, B, D)"


def swapped_hint(shape, T, B):
    """A sentence for an error when ``shape`` starts (B, T) where (T, B) was expected, else "".

    Batch-major data (B, T, ...) is the usual slip; the sentence says so and how to fix it.
    """
    if T == B or len(shape) < 2 or tuple(shape[:2]) != (B, T):
        return ""
    return (f" Its first two axes look swapped: {TIME_MAJOR}, T = {T} steps first and "
            f"B = {B} sequences second; np.swapaxes(a, 0, 1) turns a batch-major "
            f"(B, T, ...) array around.")


class BatchMajorWarning(UserWarning):
    """X and its target agree on (T, B), but the shapes look batch-major: few steps and many
    more sequences, as when (B, T, ...) data written with PyTorch's ``batch_first=True``
    habit is passed as it is. Silence it for short sequences that are meant:
    ``warnings.filterwarnings("ignore", category=rl.BatchMajorWarning)``."""


FEW_STEPS = 8
"""X with at most this many steps ... (see ``batch_major_message``)"""
MANY_MORE = 10
"""... and at least this many times as many sequences as steps looks batch-major."""


def batch_major_message(x_shape, target_shape):
    """The warning for X and target whose consistent shapes look batch-major, else "".

    The rule: T <= FEW_STEPS and B >= MANY_MORE * T, with a target present. A batch of 4
    sequences of 50 steps passed batch-major reads as T = 4, B = 50 and is caught; the
    course's own short tasks (the long-lag task at p = 5 with B = 32, say) are not.
    """
    if len(x_shape) != 3 or target_shape is None or len(target_shape) < 2:
        return ""
    T, B = x_shape[:2]
    if tuple(target_shape[:2]) != (T, B) or not (T <= FEW_STEPS and B >= MANY_MORE * T):
        return ""
    turn = ("target.transpose(1, 0, 2)" if len(target_shape) == 3 else
            "target.T" if len(target_shape) == 2 else "np.swapaxes(target, 0, 1)")
    return (f"X has shape {tuple(x_shape)} and target {tuple(target_shape)}: read as T = {T} "
            f"steps of B = {B} sequences, since {TIME_MAJOR}. If they are {T} sequences of "
            f"{B} steps (batch-major, PyTorch's batch_first), turn both around: "
            f"X.transpose(1, 0, 2) and {turn}. If {T} steps is what you mean, silence this "
            f"with warnings.filterwarnings('ignore', category=rl.BatchMajorWarning).")
