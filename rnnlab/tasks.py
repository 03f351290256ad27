"""Seeded generators of the classic toy tasks, with each task's success criterion.

Every generator returns a ``TaskBatch`` of time-major arrays that plugs straight into
training: ``rl.bptt(model, b.X, b.target, loss=b.loss, mask=b.mask)``.

    timer            Jaeger's timer (ESN tutorial, sec. 1.4)                  mse
    adding_problem   Hochreiter & Schmidhuber 1997, experiment 4               mse
    long_lag         Hochreiter & Schmidhuber 1997, experiment 2a              cross_entropy
    counting         the cyclic counting sequence 0, 1, ..., n-1, 0, ...       cross_entropy
    char_batches     next character of ``TEXT``                                cross_entropy
"""
from typing import NamedTuple

import numpy as np

from ._validate import as_array, check_positive_int
from .init import as_rng


class TaskBatch(NamedTuple):
    """One batch of a task: inputs, targets, the steps that count, and the loss to use."""
    X: np.ndarray       # (T, B, D) float64 inputs
    target: np.ndarray  # (T, B, O) float64 for "mse", or (T, B) int64 labels for "cross_entropy"
    mask: np.ndarray    # (T, B) float64 0/1: the steps whose loss counts
    loss: str           # "mse" or "cross_entropy"
    info: dict          # task-specific extras (pulse times, lengths, marked positions, ...)


def _one_hot(idx, n):
    """Integer array (...) -> float64 one-hot (..., n)."""
    return np.eye(n)[idx]


def _outputs(Y, batch, O=None):
    """Check that ``Y`` (T, B, O) matches ``batch``; return it as a float array."""
    if not isinstance(batch, TaskBatch):
        raise TypeError(f"batch must be a TaskBatch from rnnlab.tasks, got {type(batch).__name__}")
    Y = as_array(Y, "Y", ("T", "B", "O"))
    T, B = batch.mask.shape
    O = Y.shape[2] if O is None else O
    if Y.shape != (T, B, O):
        raise ValueError(f"Y must have shape (T, B, O) = {(T, B, O)} to match the batch, "
                         f"got {Y.shape}")
    return Y


def _accuracy(Y, batch, steps):
    """Fraction of the chosen ``steps`` (T, B) booleans where argmax_o Y equals the label."""
    correct = Y.argmax(axis=2) == batch.target
    return float(correct[steps].mean())


# ---------------------------------------------------------------- Jaeger's timer

def timer(T, B, rng, min_gap=12, max_gap=30):
    """Jaeger's timer: after a "go" pulse on u1, output 0.5 for as long as u2 says.

    Spec::

        u1_t = 1 at the pulse steps, else 0; gaps between pulses ~ U{min_gap..max_gap}
        u2_t = k / 10, k ~ U{1..10}, redrawn at each pulse and held until the next
        y*_t = 0.5 for the k = round(10 u2) steps t_pulse, ..., t_pulse + k - 1, else 0

    Output pulses last 1 to 10 steps; a widely copied retelling says 1000 x u2, which is
    wrong. The first pulse comes within the first ``min_gap`` steps; pulses are placed only
    where all 10 possible steps fit. Returns X (T, B, 2) [u1, u2], target (T, B, 1), mask
    all ones, loss "mse"; info["pulse_times"] and info["durations"] (k, in steps): one int
    array per sequence. Reference: H. Jaeger, "A tutorial on training recurrent neural
    networks" (2002), section 1.4.
    """
    T, B = check_positive_int(T, "T"), check_positive_int(B, "B")
    min_gap = check_positive_int(min_gap, "min_gap")
    max_gap = check_positive_int(max_gap, "max_gap")
    if min_gap <= 10:
        raise ValueError(f"min_gap must be greater than 10 (the longest output pulse) so pulses "
                         f"do not overlap, got {min_gap}")
    if max_gap < min_gap:
        raise ValueError(f"max_gap must be at least min_gap = {min_gap}, got {max_gap}")
    if T < min_gap + 9:
        raise ValueError(f"T must be at least min_gap + 9 = {min_gap + 9} so every sequence "
                         f"has a pulse, got {T}")
    rng = as_rng(rng)
    X, target = np.zeros((T, B, 2)), np.zeros((T, B, 1))
    pulse_times, durations = [], []
    for b in range(B):
        X[:, b, 1] = rng.integers(1, 11) / 10  # u2 before the first pulse
        times, ks, t = [], [], int(rng.integers(0, min_gap))
        while t + 10 <= T:
            times.append(t)
            ks.append(int(rng.integers(1, 11)))
            t += int(rng.integers(min_gap, max_gap + 1))
        for t, k in zip(times, ks):
            X[t, b, 0] = 1.0
            X[t:, b, 1] = k / 10                # held until the next pulse overwrites it
            target[t:t + k, b, 0] = 0.5
        pulse_times.append(np.array(times, dtype=np.int64))
        durations.append(np.array(ks, dtype=np.int64))
    info = {"pulse_times": pulse_times, "durations": durations}
    return TaskBatch(X, target, np.ones((T, B)), "mse", info)


def timer_success(Y, batch, threshold=0.25, tolerance=1):
    """Fraction of pulses whose output lasts the target duration, within +-``tolerance`` steps.

    The course's criterion (the tutorial gives no numeric one): the output's duration is
    the number of consecutive steps with y_t > threshold counted from the pulse step (and
    stopping at the next pulse); a pulse succeeds if the output is on at the pulse step
    and its duration differs from round(10 u2) by at most ``tolerance`` (so silence never
    passes for a 1-step pulse). ``tolerance=0`` gives the exact-length rate. Output between
    pulses is not judged here (``timer_nrmse`` sees it). Y (T, B, 1); ``batch`` from ``timer``.
    """
    Y = _outputs(Y, batch, 1)[:, :, 0]
    threshold = float(as_array(threshold, "threshold", ()))
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, np.integer)) \
            or tolerance < 0:
        raise ValueError(f"tolerance must be a whole number of steps >= 0, got {tolerance!r}")
    T, hits, total = Y.shape[0], 0, 0
    for b, (times, ks) in enumerate(zip(batch.info["pulse_times"], batch.info["durations"])):
        for t, k, end in zip(times, ks, list(times[1:]) + [T]):
            high = Y[t:end, b] > threshold
            run = len(high) if high.all() else int(np.argmin(high))
            hits += run >= 1 and abs(run - k) <= tolerance
            total += 1
    return hits / total


def timer_nrmse(Y, target):
    """Normalized root mean squared error, Jaeger's usual measure.

    Equations::

        NRMSE = sqrt( mean (y - y*)^2 / var(y*) )         over all steps and sequences
    """
    Y = as_array(Y, "Y", ("T", "B", "O"))
    target = as_array(target, "target", ("T", "B", "O"))
    if target.shape != Y.shape:
        raise ValueError(f"target must have the shape of Y (T, B, O) = {Y.shape}, "
                         f"got {target.shape}")
    var = target.var()
    if var == 0:
        raise ValueError("target must vary (its variance is the normalizer), but it is constant")
    return float(np.sqrt(((Y - target) ** 2).mean() / var))


# ---------------------------------------------------------------- the adding problem

def adding_problem(T, B, rng):
    """The adding problem exactly as Hochreiter & Schmidhuber 1997, experiment 4.

    Spec::

        pair t = (value ~ U[-1, 1], marker in {-1, 0, 1});  length L ~ U{T..T + T//10}
        mark one of the first ten pairs (X1), then one of the first T//2 - 1 still-unmarked
        pairs (X2): marker 1; markers of the first and final pair -1, all others 0
        a mark on the first pair keeps marker -1 and its value is set to 0 (H&S: X1 = 0)
        y*_{L-1} = 0.5 + (X1 + X2) / 4           (the sum scaled to [0, 1])

    Sequences are zero-padded to T + T//10 steps. Returns X (T', B, 2), target (T', B, 1),
    mask 1 only at each sequence's last step, loss "mse"; info["lengths"] (B,),
    info["marked"] (B, 2) positions of X1, X2. Solved: |error| < 0.04 (``adding_solved``).
    """
    T, B = check_positive_int(T, "T"), check_positive_int(B, "B")
    if T < 11:
        raise ValueError(f"T must be at least 11 (the first mark goes on one of the first ten "
                         f"pairs, never on the final one), got {T}")
    rng = as_rng(rng)
    T_max = T + T // 10
    X, target, mask = np.zeros((T_max, B, 2)), np.zeros((T_max, B, 1)), np.zeros((T_max, B))
    lengths = rng.integers(T, T_max + 1, size=B)
    marked = np.zeros((B, 2), dtype=np.int64)
    for b, L in enumerate(lengths):
        value = rng.uniform(-1.0, 1.0, size=L)
        marker = np.zeros(L)
        marker[0] = marker[L - 1] = -1.0
        p1 = int(rng.integers(0, 10))
        unmarked = [i for i in range(T // 2) if i != p1][:T // 2 - 1]
        p2 = unmarked[int(rng.integers(0, len(unmarked)))]
        for p in (p1, p2):
            if p == 0:
                value[0] = 0.0   # the first pair keeps its -1 marker and adds nothing
            else:
                marker[p] = 1.0
        X[:L, b, 0], X[:L, b, 1] = value, marker
        target[L - 1, b, 0] = 0.5 + (value[p1] + value[p2]) / 4
        mask[L - 1, b] = 1.0
        marked[b] = p1, p2
    return TaskBatch(X, target, mask, "mse", {"lengths": lengths, "marked": marked})


def adding_problem_variant(T, B, rng):
    """A popular variant of the adding problem, not Hochreiter & Schmidhuber's original.

    Spec::

        pair t = (value ~ U[0, 1], marker in {0, 1}), exactly two markers 1 anywhere
        fixed length T;  y*_{T-1} = X1 + X2            (the raw sum, in [0, 2])

    Returns X (T, B, 2), target (T, B, 1), mask 1 only at the last step, loss "mse";
    info["lengths"] (all T), info["marked"] (B, 2) sorted positions. ``adding_solved``
    applies, but its 0.04 tolerance was set for H&S's target range [0, 1].
    """
    T, B = check_positive_int(T, "T"), check_positive_int(B, "B")
    if T < 2:
        raise ValueError(f"T must be at least 2 (two marked pairs), got {T}")
    rng = as_rng(rng)
    value = rng.uniform(0.0, 1.0, size=(T, B))
    marked = np.sort(np.argsort(rng.random((B, T)), axis=1)[:, :2], axis=1)
    marker = np.zeros((T, B))
    marker[marked[:, 0], np.arange(B)] = marker[marked[:, 1], np.arange(B)] = 1.0
    X = np.stack([value, marker], axis=2)                     # (T, B, 2)
    target, mask = np.zeros((T, B, 1)), np.zeros((T, B))
    target[T - 1, :, 0] = (value * marker).sum(axis=0)
    mask[T - 1] = 1.0
    info = {"lengths": np.full(B, T, dtype=np.int64), "marked": marked.astype(np.int64)}
    return TaskBatch(X, target, mask, "mse", info)


def adding_solved(Y, batch, tol=0.04):
    """Which sequences are solved: |y - y*| < tol at the sequence end (H&S: tol = 0.04).

    Y (T, B, 1); ``batch`` from ``adding_problem`` or its variant, whose mask marks exactly
    one step per sequence, the end. Returns a boolean array (B,).
    """
    Y = _outputs(Y, batch, 1)
    if not (batch.mask.sum(axis=0) == 1).all():
        raise ValueError("batch.mask must mark exactly one step per sequence (its end)")
    end, b = batch.mask.argmax(axis=0), np.arange(Y.shape[1])
    return np.abs(Y[end, b, 0] - batch.target[end, b, 0]) < tol


def adding_success(Y, batch, tol=0.04):
    """Fraction of sequences solved (see ``adding_solved``)."""
    return float(adding_solved(Y, batch, tol).mean())


# ---------------------------------------------------------------- noise-free long lag

def long_lag(p, B, rng):
    """Noise-free long-lag task: Hochreiter & Schmidhuber 1997, experiment 2a.

    Spec::

        symbols a_1..a_{p-1}, x, y one-hot in D = p + 1 (index i-1, p-1, p)
        sequences (y, a_1, ..., a_{p-1}, y) and (x, a_1, ..., a_{p-1}, x), probability 1/2
        next-symbol prediction: X[t] = element t+1, label[t] = element t+2, t = 0..p-1

    So T = p steps: the inputs are elements 1..p, the labels elements 2..p+1. Every step
    counts (mask all ones, as in the paper), but only the last prediction is hard: it must
    recall the first element, p - 1 steps back (it is input at t = 0 and
    predicted at t = p - 1). info["lag_step"] = p - 1 names that step; to
    train on it alone use ``mask * (np.arange(p) == p - 1)[:, None]``. Returns X (p, B, p+1),
    labels (p, B) int64, loss "cross_entropy"; info["first"] (B,), info["symbols"].
    """
    p, B = check_positive_int(p, "p"), check_positive_int(B, "B")
    rng = as_rng(rng)
    first = np.where(rng.integers(0, 2, size=B) == 0, p - 1, p)   # x = p-1, y = p
    seq = np.empty((p + 1, B), dtype=np.int64)
    seq[0] = seq[p] = first
    seq[1:p] = np.arange(p - 1)[:, None]
    symbols = tuple(f"a{i}" for i in range(1, p)) + ("x", "y")
    info = {"first": first.astype(np.int64), "lag_step": p - 1, "symbols": symbols}
    return TaskBatch(_one_hot(seq[:p], p + 1), seq[1:], np.ones((p, B)), "cross_entropy", info)


def long_lag_success(Y, batch):
    """Fraction of sequences whose final prediction argmax_o y_{p-1} is the first symbol."""
    Y = _outputs(Y, batch, batch.X.shape[2])
    steps = np.zeros(batch.mask.shape, dtype=bool)
    steps[batch.info["lag_step"]] = True
    return _accuracy(Y, batch, steps)


# ---------------------------------------------------------------- counting sequence

def counting(T, B, rng, n=9):
    """The cyclic counting sequence 0, 1, ..., n-1, 0, 1, ...: predict the next number.

    Spec::

        s_t = (phase + t) mod n,  phase ~ U{0..n-1} per sequence
        X[t] = onehot(s_t),  label[t] = s_{t+1} = (s_t + 1) mod n

    Returns X (T, B, n), labels (T, B) int64, mask all ones, loss "cross_entropy";
    info["phase"] (B,).
    """
    T, B, n = check_positive_int(T, "T"), check_positive_int(B, "B"), check_positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2 (a cycle of n numbers), got {n}")
    rng = as_rng(rng)
    phase = rng.integers(0, n, size=B)
    seq = (phase[None, :] + np.arange(T + 1)[:, None]) % n                # (T+1, B)
    return TaskBatch(_one_hot(seq[:-1], n), seq[1:].astype(np.int64), np.ones((T, B)),
                     "cross_entropy", {"phase": phase.astype(np.int64)})


def counting_accuracy(Y, batch):
    """Fraction of masked steps where argmax_o y_t is the next number. Y (T, B, n)."""
    Y = _outputs(Y, batch, batch.X.shape[2])
    return _accuracy(Y, batch, batch.mask > 0)


# ---------------------------------------------------------------- character-level text

TEXT = """\
A recurrent network reads a sequence one step at a time. At every step it mixes the new
input with a summary of everything it has seen so far, and that summary, the hidden state,
is all it carries forward. The same weights are used at every step, so a network trained
on short sentences can still read a long one.

To train such a network we unroll it: we draw one copy of the cell for each step and link
the copies through their hidden states. The unrolled picture is a deep feed-forward
network whose layers share their weights, and backpropagation through that picture is
called backpropagation through time. The gradient of a shared weight is the sum of the
gradients it collects at each step.

Each step back in time multiplies the gradient by one more Jacobian. If those factors are
a little smaller than one, the signal from a distant step fades away; if they are a little
larger, it grows without bound. Clipping the norm of the gradient tames the growth, but
nothing so simple brings back a signal that has faded.

The long short-term memory cell keeps a separate memory lane whose value is copied from
step to step unless a gate says otherwise. A forget gate decides what to keep, an input
gate decides what to write, and an output gate decides what to show. Because the copy has
a weight close to one, an error can travel back along the lane for hundreds of steps.

The gated recurrent unit merges the forget and input gates into one update gate and has
no separate memory lane. It has fewer parameters than the long short-term memory cell and
often learns just as well. Which of the two wins depends on the task, the data and the
patience of the person tuning them.

A small network trained on this very text learns first which letters are common, then
which letters follow which, then whole words. Watching its guesses improve is a good way
to see what a hidden state can hold.
"""


class CharVocab:
    """The characters of a text, sorted; ``encode`` maps text to ids, ``decode`` back."""

    def __init__(self, text):
        if not isinstance(text, str) or not text:
            raise TypeError(f"text must be a non-empty str, got {text!r:.40}")
        self.chars = tuple(sorted(set(text)))
        self.index = {c: i for i, c in enumerate(self.chars)}

    @property
    def size(self):
        """V, the number of distinct characters."""
        return len(self.chars)

    def encode(self, s):
        """str -> int64 array of ids (len(s),)."""
        if not isinstance(s, str):
            raise TypeError(f"encode expects a str, got {type(s).__name__}")
        unknown = sorted(set(s) - set(self.index))
        if unknown:
            raise ValueError(f"encode expects characters of the vocabulary, got {unknown}")
        return np.array([self.index[c] for c in s], dtype=np.int64)

    def decode(self, ids):
        """Integer ids in [0, V) -> str."""
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
            raise TypeError(f"decode expects a 1-D array of integer ids, got {ids.dtype} "
                            f"array of shape {ids.shape}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(f"decode expects ids in [0, V) = [0, {self.size}), "
                             f"got values from {ids.min()} to {ids.max()}")
        return "".join(self.chars[i] for i in ids)

    def __repr__(self):
        return f"CharVocab(size={self.size})"


def char_batches(T, B, rng, text=TEXT):
    """Windows of ``text`` at random offsets: read characters, predict the next one.

    Spec::

        s = encode(text[o : o + T + 1]),  offset o ~ U{0..len(text) - T - 1}
        X[t] = onehot(s_t) (V entries),  label[t] = s_{t+1}

    Returns X (T, B, V), labels (T, B) int64, mask all ones, loss "cross_entropy";
    info["vocab"] (a CharVocab of ``text``), info["offsets"] (B,).
    """
    T, B = check_positive_int(T, "T"), check_positive_int(B, "B")
    vocab = CharVocab(text)
    if len(text) < T + 1:
        raise ValueError(f"text must have at least T + 1 = {T + 1} characters, got {len(text)}")
    rng = as_rng(rng)
    ids = vocab.encode(text)
    offsets = rng.integers(0, len(text) - T, size=B)
    seq = ids[offsets[None, :] + np.arange(T + 1)[:, None]]              # (T+1, B)
    return TaskBatch(_one_hot(seq[:-1], vocab.size), seq[1:], np.ones((T, B)),
                     "cross_entropy", {"vocab": vocab, "offsets": offsets.astype(np.int64)})
