"""A small numpy RNN for the counting task, in the style of a widely copied tutorial, with
five of its bugs behind switches: the reference that Chapter 2's "find the bugs" check
compares the learner's repaired code with.

The network reads one number per step (one-hot, n classes) and predicts the next one::

    h_t = sigmoid(x_t W_xh + h_{t-1} W_hh + b_h)      p_t = softmax(h_t W_hy + b_y)
    L   = -sum_t log p_t[target_t]                     h_{-1} = h_prev (given)

One sequence at a time: ``inputs`` and ``targets`` are ints (T,), states are (H,) rows.

``BUGS`` (each switched on by its name in ``bugs``)::

    softmax_as_sigmoid     the hidden layer's "sigmoid" is a softmax over the H units,
                           while the backward pass uses the sigmoid's derivative h (1 - h)
    no_recurrent_backprop  dL/dh_t never receives the part from step t+1 (through W_hh, h')
    skips_last_step        the backward loop starts at T-2: the last step adds nothing
    wraps_to_last_state    h[t-1] at t = 0 is numpy's h[-1]: the forward pass reads an
                           empty slot (so h_prev is ignored) and dW_hh uses the LAST state
    sign_update            the update keeps only the sign of each gradient
"""
import numpy as np

from .init import as_rng

BUGS = ("softmax_as_sigmoid", "no_recurrent_backprop", "skips_last_step",
        "wraps_to_last_state", "sign_update")
NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def _check_bugs(bugs):
    unknown = [b for b in bugs if b not in BUGS]
    if unknown:
        raise ValueError(f"unknown bug {unknown[0]!r}; expected names from {BUGS}")
    return set(bugs)


def init_params(n, H, rng=0):
    """Weights for n classes and H hidden units: normal(0, 0.1), biases 0 (a dict)."""
    rng = as_rng(rng)
    return {"W_xh": 0.1 * rng.standard_normal((n, H)), "W_hh": 0.1 * rng.standard_normal((H, H)),
            "b_h": np.zeros(H), "W_hy": 0.1 * rng.standard_normal((H, n)), "b_y": np.zeros(n)}


def loss_and_grads(inputs, targets, h_prev, p, bugs=()):
    """Loss, gradients (dict like ``p``) and the last state, with ``bugs`` switched on.

    Equations::

        dz_t = p_t - onehot(target_t)      dh_t = dz_t W_hy^T + da_{t+1} W_hh^T
        da_t = dh_t * h_t (1 - h_t)        dW_hh = sum_t h_{t-1}^T da_t, ...
    """
    bugs = _check_bugs(bugs)
    T, n, H = len(inputs), p["W_xh"].shape[0], p["W_hh"].shape[0]
    xs, hs, ps = np.zeros((T, n)), np.zeros((T, H)), np.zeros((T, n))
    loss = 0.0
    for t in range(T):
        xs[t, inputs[t]] = 1.0
        before = hs[t - 1] if t > 0 or "wraps_to_last_state" in bugs else h_prev
        a = xs[t] @ p["W_xh"] + before @ p["W_hh"] + p["b_h"]
        hs[t] = _softmax(a) if "softmax_as_sigmoid" in bugs else 1 / (1 + np.exp(-a))
        ps[t] = _softmax(hs[t] @ p["W_hy"] + p["b_y"])
        loss -= np.log(ps[t, targets[t]])
    g = {k: np.zeros_like(v) for k, v in p.items()}
    da_next = np.zeros(H)
    last = T - 2 if "skips_last_step" in bugs else T - 1
    for t in range(last, -1, -1):
        dz = ps[t].copy()
        dz[targets[t]] -= 1.0
        g["W_hy"] += np.outer(hs[t], dz)
        g["b_y"] += dz
        dh = dz @ p["W_hy"].T
        if "no_recurrent_backprop" not in bugs:
            dh = dh + da_next @ p["W_hh"].T
        da = dh * hs[t] * (1 - hs[t])
        before = hs[t - 1] if t > 0 or "wraps_to_last_state" in bugs else h_prev
        g["W_xh"] += np.outer(xs[t], da)
        g["W_hh"] += np.outer(before, da)
        g["b_h"] += da
        da_next = da
    return float(loss), g, hs[-1].copy()


def update(p, g, lr, bugs=()):
    """Plain gradient descent in place: p <- p - lr g (with "sign_update": lr sign(g))."""
    bugs = _check_bugs(bugs)
    for k in p:
        p[k] -= lr * (np.sign(g[k]) if "sign_update" in bugs else g[k])


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def counting_sequence(T, n=9, start=0):
    """The numbers start, start+1, ..., cycling through 0..n-1: ints (T,)."""
    return (start + np.arange(T)) % n


def train_counting(loss_fn, update_fn, n=9, H=10, steps=300, T=9, lr=0.1, rng=0):
    """Train a counting RNN with ``loss_fn(inputs, targets, h_prev, p)`` and
    ``update_fn(p, g, lr)`` on chunks of T numbers of the cycle 0..n-1, the state carried
    from chunk to chunk. Returns ``(p, losses (steps,), accuracy)``: accuracy is the
    fraction of the next 2n numbers to which the net, running on from its state, gives
    probability above 1/2 (so they are its top guess).
    """
    p = init_params(n, H, rng)
    h, losses, start = np.zeros(H), [], 0
    for _ in range(steps):
        seq = counting_sequence(T + 1, n, start)
        loss, g, h = loss_fn(seq[:-1], seq[1:], h, p)
        update_fn(p, g, lr)
        losses.append(loss / T)
        start = (start + T) % n
    seq = counting_sequence(2 * n + 1, n, start)
    right = 0
    for x, y in zip(seq[:-1], seq[1:]):        # one step at a time, with loss_fn itself
        loss, _, h = loss_fn(np.array([x]), np.array([y]), h, p)
        right += int(loss < np.log(2))        # p[next number] > 1/2: the top guess
    return p, np.array(losses), right / (2 * n)
