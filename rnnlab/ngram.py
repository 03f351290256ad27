"""Order-k Markov tables over symbols: what a lookup table of the last k symbols costs
and what it has never seen.

An order-k table keeps, for every context of k symbols, a distribution over the next
symbol: V^k contexts, each with V - 1 free probabilities (they sum to 1).

    table_size(V, k)                 V^k (V - 1) parameters
    contexts(ids, k)                 the k-symbol contexts that precede a symbol in ``ids``
    unseen_share(train, test, k)     share of the predictions in ``test`` whose context
                                     never occurs in ``train``

``ids`` are 1-D integer arrays, e.g. ``CharVocab(text).encode(text)``.
"""
import numpy as np

from ._validate import check_positive_int


def _ids(ids, name):
    ids = np.asarray(ids)
    if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
        raise TypeError(f"{name} must be a 1-D array of integer symbol ids, got {ids.dtype} "
                        f"array of shape {ids.shape}")
    return ids


def _k(k):
    if isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k == 0:
        return 0
    return check_positive_int(k, "k (context length)")


def table_size(V, k):
    """Parameters of an order-k table over V symbols: V^k contexts x (V - 1) probabilities."""
    V, k = check_positive_int(V, "V (number of symbols)"), _k(k)
    return V ** k * (V - 1)


def contexts(ids, k):
    """The set of k-symbol contexts (tuples) that are followed by a symbol in ``ids``.

    Those are the windows ids[t-k:t] for t = k .. len(ids) - 1: the table rows that the
    text fills.
    """
    ids, k = _ids(ids, "ids"), _k(k)
    return {tuple(int(i) for i in ids[t - k:t]) for t in range(k, len(ids))}


def unseen_share(train, test, k):
    """Share of the predictions in ``test`` (steps t >= k) whose context never occurs in
    ``train``: an order-k table fitted to ``train`` has no counts there, only a guess."""
    train, test, k = _ids(train, "train"), _ids(test, "test"), _k(k)
    if len(test) <= k:
        raise ValueError(f"test must have more than k = {k} symbols, got {len(test)}")
    seen = contexts(train, k)
    unseen = sum(tuple(int(i) for i in test[t - k:t]) not in seen for t in range(k, len(test)))
    return unseen / (len(test) - k)
