"""The gradient check tells the truth: it passes every correct model and names every wrong one.

- No false alarms: 224 random problems (RNN with tanh, sigmoid, relu; LSTM with and
  without a forget bias; GRU in both conventions; mse and masked cross-entropy; random
  sizes T 2-5, B 1-3, D 1-3, H 1-4), every array checked (``names`` left at its default);
  and a confident classifier, whose loss is rounded far above u |f|.
- A catalogue of realistic backward-pass bugs, each a copy of the library's backward with
  one line changed (in a subclass, or a wrapped ``bptt``/loss): each is caught, the arrays
  it breaks are named, and the arrays it leaves exact are not.
- The README's "rnnlab in 30 seconds" snippet, run as written, says all gradients agree.
"""
import contextlib
import importlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

import rnnlab as rl

gradcheck_module = importlib.import_module("rnnlab.gradcheck")  # rl.gradcheck is the function

REPO_ROOT = Path(__file__).resolve().parents[1]

VARIANTS = {
    "rnn_tanh": lambda D, H, O, rng, init: rl.RNN(D, H, O, activation="tanh", init=init, rng=rng),
    "rnn_sigmoid": lambda D, H, O, rng, init: rl.RNN(D, H, O, activation="sigmoid", init=init,
                                                     rng=rng),
    "rnn_relu": lambda D, H, O, rng, init: rl.RNN(D, H, O, activation="relu", init=init, rng=rng),
    "lstm": lambda D, H, O, rng, init: rl.LSTM(D, H, O, init=init, rng=rng),
    "lstm_forget_bias": lambda D, H, O, rng, init: rl.LSTM(D, H, O, forget_bias=1.0, init=init,
                                                           rng=rng),
    "gru_pytorch": lambda D, H, O, rng, init: rl.GRU(D, H, O, convention="pytorch", init=init,
                                                     rng=rng),
    "gru_chung": lambda D, H, O, rng, init: rl.GRU(D, H, O, convention="chung", init=init,
                                                   rng=rng),
}
SEEDS_PER_VARIANT = 32  # 7 x 32 = 224 problems


def random_problem(kind, seed):
    """A model of ``kind`` and a problem for it: sizes, init, loss, mask, initial state."""
    rng = np.random.default_rng([seed, len(kind)])
    T, B, D, H = (int(rng.integers(lo, hi + 1)) for lo, hi in ((2, 5), (1, 3), (1, 3), (1, 4)))
    loss = "mse" if seed % 2 == 0 else "cross_entropy"
    O = [None, 1, 2, 3][int(rng.integers(4))]
    if loss == "cross_entropy" and (O or H) < 2:
        O = 2                                   # at least two classes
    init = "normal" if seed % 3 == 2 else "pytorch"
    m = VARIANTS[kind](D, H, O, int(rng.integers(2**31)), init)
    X = rng.standard_normal((T, B, D))
    K = O or H
    if loss == "mse":
        target = rng.standard_normal((T, B, K))
        mask = None if seed % 4 == 0 else rng.random((T, B))           # weights
    else:
        target = rng.integers(0, K, size=(T, B))
        mask = (rng.random((T, B)) < 0.6).astype(float)                 # 0/1
        mask[-1, 0] = 1.0                                               # at least one step
    state0 = (tuple(rng.standard_normal((B, H)) for _ in m.state_names)
              if seed % 5 else None)
    return m, X, target, loss, mask, state0


def expected_names(m):
    """Every array once, under the course's names."""
    per_gate = [n for n in m.params.layout]
    fused_left = [n for n in m.params.arrays if n not in ("W_x", "W_h", "b") or not per_gate]
    return set(per_gate + fused_left + ["X"] + [f"{s}_{{-1}}" for s in m.state_names])


def margin(report, name):
    """How far below (< 1) or above (> 1) its allowed error an array's error is."""
    return report[name] / report.limits[name]


@pytest.mark.parametrize("kind", sorted(VARIANTS))
def test_no_false_alarms_on_correct_models(kind):
    alarms, worst = [], 0.0
    for seed in range(SEEDS_PER_VARIANT):
        m, X, target, loss, mask, state0 = random_problem(kind, seed)
        report = rl.gradcheck(m, X, target, loss=loss, mask=mask, state0=state0)
        assert set(report) == expected_names(m)
        assert all(np.isfinite(e) for e in report.values())
        worst = max([worst] + [margin(report, n) for n in report])
        if not report.ok:
            alarms.append(f"seed {seed} ({loss}, X {X.shape}, H {m.H}, O {m.O}):\n{report}")
    assert not alarms, "\n\n".join(alarms)
    assert worst < 0.5, f"a correct model came within 2x of a false alarm: {worst:.2f}"


def confident_classifier(seed):
    """A model whose logits (size ~30) pick the labels: a small loss, each value of which
    is rounded at the logits' scale, far above u |f|."""
    rng = np.random.default_rng(seed)
    m = (rl.LSTM, rl.GRU, rl.RNN)[seed % 3](3, 4, 3, rng=seed)
    m["W_hy"] *= 30
    m["b_y"] *= 30
    X = rng.standard_normal((4, 2, 3))
    return m, X, m(X).argmax(axis=2)


def test_no_false_alarms_on_a_confident_classifier(monkeypatch):
    """The measured noise covers a loss rounded far above u |f|; a floor of u |f| / eps
    alone (no entries differenced again) raises false alarms on the same models."""
    def alarms():
        reports = [rl.gradcheck(*confident_classifier(seed), loss="cross_entropy")
                   for seed in range(12)]
        return [r for r in reports if not r.ok], max(margin(r, n) for r in reports for n in r)

    false_alarms, worst = alarms()
    assert not false_alarms, "\n\n".join(map(str, false_alarms))
    assert worst < 0.5
    monkeypatch.setattr(gradcheck_module, "NOISE_SAMPLES", 0)
    assert len(alarms()[0]) >= 3


# -- the bug catalogue: copies of the library's backward passes, one line changed ----------

def _into(out, value):
    """``value`` written into ``out`` when given (as bptt expects), else ``value`` itself."""
    if out is None:
        return value
    out[...] = value
    return out


def rnn_backward(bug):
    """RNN.recur_backward (see rnn.py), with ``bug`` switched in."""
    def recur_backward(self, dstate, cache, out=None):
        dh, h = dstate[0], cache.h
        dphi = {"tanh": 1 - h * h, "sigmoid": h * (1 - h), "relu": (h > 0) * 1.0}
        if bug == "relu_prime_at_zero":
            dphi["relu"] = (h >= 0) * 1.0               # BUG: a dead unit gets slope 1
        da = dh * dphi[cache.activation]                # backprop through phi
        if bug == "missing_tanh_prime":
            da = dh                                     # BUG: phi' forgotten
        da = _into(out, da)
        dh_prev = da @ cache.W_hh.T                     # through h_{t-1} W_hh
        if bug == "transposed_W_hh":
            dh_prev = da @ cache.W_hh                   # BUG: W_hh, not W_hh^T
        if bug == "dh_not_carried":
            dh_prev = np.zeros_like(dh)                 # BUG: nothing reaches step t-1
        return da, da, (dh_prev,), dstate
    return recur_backward


def lstm_backward(bug):
    """LSTM.recur_backward (see lstm.py), with ``bug`` switched in."""
    def recur_backward(self, dstate, cache, out=None):
        dh, dc_next = dstate
        i, f, g, o, c_prev, tanh_c = cache.i, cache.f, cache.g, cache.o, cache.c_prev, cache.tanh_c
        dc = dc_next + dh * o * (1 - tanh_c * tanh_c)  # through h = o tanh(c)
        if bug == "dc_through_h_dropped":
            dc = dc_next                                # BUG: only the path from c_{t+1}
        df = dc * c_prev
        if bug == "df_uses_c_t":
            df = dc * (f * c_prev + i * g)              # BUG: c_t where c_{t-1} belongs
        da_i = dc * g * i * (1 - i)
        da_f = df * f * (1 - f)
        if bug == "forget_gate_dropped":
            da_f = np.zeros_like(df)                    # BUG: the forget gate's term left out
        da_g = dc * i * (1 - g * g)
        if bug == "missing_tanh_prime_g":
            da_g = dc * i                               # BUG: tanh' of the candidate forgotten
        da_o = dh * tanh_c * o * (1 - o)
        da = _into(out, np.concatenate([da_i, da_f, da_g, da_o], axis=1))
        return da, da, (da @ cache.W_h.T, dc * f), (dh, dc)
    return recur_backward


def gru_backward(bug):
    """GRU.recur_backward in PyTorch's convention (see gru.py), with ``bug`` switched in."""
    def recur_backward(self, dstate, cache, out=None):
        dh, h_prev, r, z, n, hn = dstate[0], cache.h_prev, cache.r, cache.z, cache.n, cache.hn
        da_n = dh * (1 - z) * (1 - n * n)               # through (1 - z) n and tanh
        if bug == "z_slip":
            da_n = dh * z * (1 - n * n)                 # BUG: z where 1 - z belongs
        da_z = dh * (h_prev - n) * z * (1 - z)
        da_r = da_n * hn * r * (1 - r)
        da_x = _into(out, np.concatenate([da_r, da_z, da_n], axis=1))
        da_h = np.concatenate([da_r, da_z, da_n * r], axis=1)
        if bug == "reset_forgotten_in_hidden_path":
            da_h = da_x.copy()                          # BUG: d(h W_hn + b_hn) without r
        return da_x, da_h, (dh * z + da_h @ cache.W_h.T,), dstate
    return recur_backward


def gru_chung_backward(bug):
    """GRU.recur_backward in Chung's convention (see gru.py), with ``bug`` switched in."""
    def recur_backward(self, dstate, cache, out=None):
        dh, h_prev, r, z, n, W_h = dstate[0], cache.h_prev, cache.r, cache.z, cache.n, cache.W_h
        H = h_prev.shape[1]
        da_n = dh * z * (1 - n * n)                     # through z n and tanh
        da_z = dh * (n - h_prev) * z * (1 - z)
        drh = da_n @ W_h[:, 2 * H:].T                   # through (r h_{t-1}) W_hn
        da_r = drh * h_prev * r * (1 - r)
        da = _into(out, np.concatenate([da_r, da_z, da_n], axis=1))
        dh_prev = dh * (1 - z) + drh * r + da[:, :2 * H] @ W_h[:, :2 * H].T
        if bug == "z_slip_in_carry":
            dh_prev = dh * z + drh * r + da[:, :2 * H] @ W_h[:, :2 * H].T  # BUG: z for 1 - z
        return da, da, (dh_prev,), dstate
    return recur_backward


def bias_mean_over_batch(self, X, dA_x, grads):
    """Recurrent.input_backward (see model.py) with the bias gradient averaged over the batch."""
    W_in, b_in = self.input_names
    G = dA_x.shape[2]
    grads.arrays[W_in] += X.reshape(-1, self.D).T @ dA_x.reshape(-1, G)
    grads.arrays[b_in] += dA_x.sum(axis=0).mean(axis=0)   # BUG: mean over b, not the sum
    return dA_x @ self.params[W_in].T


def buggy(cls, **methods):
    return type(f"Buggy{cls.__name__}", (cls,), methods)


# Chung's W_hn multiplies r * h_{t-1}: the base class's dW_h = sum h_{t-1}^T da_h forgets it
CHUNG_DW_HN_WITHOUT_RESET = {"hidden_backward": rl.model.Recurrent.hidden_backward}


def ce_mask_only_in_loss(Y, labels, mask):
    """Cross-entropy whose value is masked but whose gradient is not."""
    L, _ = rl.cross_entropy(Y, labels, mask)
    _, dY = rl.cross_entropy(Y, labels)                 # BUG: the mask left out of dL/dY
    return L, dY


def bptt_without_initial_state_gradient(*args, **kwargs):
    """bptt that never returns dL/dh_{-1} (nor dL/dc_{-1}): zeros instead."""
    res = rl.bptt(*args, **kwargs)
    return res._replace(dstate0=tuple(np.zeros_like(s) for s in res.dstate0))


# name: (cell variant, methods of the buggy subclass, loss, names that must be flagged)
BUGS = {
    "rnn: tanh' missing": ("rnn_tanh", {"recur_backward": rnn_backward("missing_tanh_prime")},
                           "mse", {"W_xh", "W_hh", "b_h", "X", "h_{-1}"}),
    "rnn: W_hh transposed": ("rnn_tanh", {"recur_backward": rnn_backward("transposed_W_hh")},
                             "mse", {"W_hh", "h_{-1}"}),
    "rnn: dh not carried to step t-1": (
        "rnn_tanh", {"recur_backward": rnn_backward("dh_not_carried")}, "mse", {"W_hh", "h_{-1}"}),
    "rnn: relu' = 1 at 0": ("rnn_relu", {"recur_backward": rnn_backward("relu_prime_at_zero")},
                            "mse", {"b_h"}),
    "rnn: bias gradient averaged over the batch": (
        "rnn_sigmoid", {"input_backward": bias_mean_over_batch}, "mse", {"b_h"}),
    "lstm: forget gate's gradient dropped": (
        "lstm", {"recur_backward": lstm_backward("forget_gate_dropped")}, "mse",
        {"W_xf", "W_hf", "b_f"}),
    "lstm: tanh' of the candidate g missing": (
        "lstm", {"recur_backward": lstm_backward("missing_tanh_prime_g")}, "mse",
        {"W_xg", "W_hg", "b_g"}),
    "lstm: dc path through h_t dropped": (
        "lstm_forget_bias", {"recur_backward": lstm_backward("dc_through_h_dropped")}, "mse",
        {"W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xg", "W_hg", "b_g", "c_{-1}"}),
    "lstm: df uses c_t, not c_{t-1}": (
        "lstm_forget_bias", {"recur_backward": lstm_backward("df_uses_c_t")}, "mse",
        {"W_xf", "W_hf", "b_f"}),
    "lstm: bias gradient averaged over the batch": (
        "lstm", {"input_backward": bias_mean_over_batch}, "mse", {"b_i", "b_f", "b_g", "b_o"}),
    "lstm: initial state's gradient missing": (
        "lstm", {}, "mse", {"h_{-1}", "c_{-1}"}),
    "gru: z / 1 - z slip in da_n": ("gru_pytorch", {"recur_backward": gru_backward("z_slip")},
                                    "mse", {"W_xn", "W_hn", "b_n", "b_hn"}),
    "gru: reset gate forgotten in the hidden path": (
        "gru_pytorch", {"recur_backward": gru_backward("reset_forgotten_in_hidden_path")},
        "mse", {"W_hn", "b_hn"}),
    "gru chung: z / 1 - z slip in dh_{t-1}": (
        "gru_chung", {"recur_backward": gru_chung_backward("z_slip_in_carry")}, "mse",
        {"h_{-1}"}),
    "gru chung: dW_hn without the reset gate": (
        "gru_chung", CHUNG_DW_HN_WITHOUT_RESET, "mse", {"W_hn"}),
    "gru: mask applied to the loss, not its gradient": (
        "gru_chung", {}, ce_mask_only_in_loss, {"W_hy", "b_y"}),
}
SEEDS_PER_BUG = 6


def bug_problem(bug, seed):
    """The buggy model, a correct twin with the same weights, and a problem that can show
    the bug (T >= 2 and B >= 2 so that carried and batch-summed terms exist)."""
    kind, methods, loss, _ = BUGS[bug]
    rng = np.random.default_rng([seed, len(bug)])
    T, B, D, H, O = (int(rng.integers(lo, hi + 1)) for lo, hi in
                     ((2, 5), (2, 3), (1, 3), (2, 4), (2, 3)))
    init = "normal" if kind == "rnn_relu" else "pytorch"   # relu: large weights, dead units
    model_seed = int(rng.integers(2**31))
    correct = VARIANTS[kind](D, H, O, model_seed, init)
    wrong = VARIANTS[kind](D, H, O, model_seed, init)
    wrong.__class__ = buggy(type(correct), **methods)
    X = rng.standard_normal((T, B, D))
    if callable(loss):
        target, mask = rng.integers(0, O, size=(T, B)), (rng.random((T, B)) < 0.5) * 1.0
        mask[0, 0], mask[-1, -1] = 1.0, 0.0
    else:
        target, mask = rng.standard_normal((T, B, O)), None
    state0 = tuple(rng.standard_normal((B, H)) for _ in correct.state_names)
    return correct, wrong, X, target, loss, mask, state0


def analytic_gradients(model, X, target, loss, mask, state0):
    """Every checked array's gradient by bptt, under the report's names."""
    res = gradcheck_module.bptt(model, X, target, loss=loss, mask=mask, state0=state0)
    grads = {n: res.grads[n] for n in expected_names(model)
             if n != "X" and not n.endswith("_{-1}")}
    grads["X"] = res.dX
    grads.update({f"{s}_{{-1}}": d for s, d in zip(model.state_names, res.dstate0)})
    return grads


def run_bug(bug, seed, monkeypatch):
    correct, wrong, X, target, loss, mask, state0 = bug_problem(bug, seed)
    right = analytic_gradients(correct, X, target, "cross_entropy" if callable(loss) else loss,
                               mask, state0)
    if "initial state" in bug:
        monkeypatch.setattr(gradcheck_module, "bptt", bptt_without_initial_state_gradient)
    got = analytic_gradients(wrong, X, target, loss, mask, state0)
    report = rl.gradcheck(wrong, X, target, loss=loss, mask=mask, state0=state0)
    monkeypatch.undo()
    changed = {n: rl.relative_error(got[n], right[n]) for n in right}
    return report, changed


@pytest.mark.parametrize("bug", list(BUGS))
def test_bug_is_caught_and_named(bug, monkeypatch):
    must = BUGS[bug][3]
    for seed in range(SEEDS_PER_BUG):
        report, changed = run_bug(bug, seed, monkeypatch)
        failed = set(report.failed)
        assert set(report) == set(changed)
        assert must <= failed, f"seed {seed}: {sorted(must - failed)} not flagged\n{report}"
        exact = {n for n, e in changed.items() if e == 0}
        assert not exact & failed, f"seed {seed}: exact gradients flagged\n{report}"
        # everything the bug changes materially is named, far above what is allowed
        assert {n for n, e in changed.items() if e > 1e-3} <= failed, f"seed {seed}\n{report}"
        assert min(margin(report, n) for n in must) > 100, f"seed {seed}\n{report}"


COPIES = {"rnn_tanh": rnn_backward, "rnn_sigmoid": rnn_backward, "rnn_relu": rnn_backward,
          "lstm": lstm_backward, "gru_pytorch": gru_backward, "gru_chung": gru_chung_backward}


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_bug_catalogue_copies_are_exact_without_a_bug(kind):
    """With no bug switched in, the catalogue's copies of the backward passes give the
    library's gradients, so each bug is its one changed line."""
    rng = np.random.default_rng(5)
    correct = VARIANTS[kind](3, 4, 2, 7, "normal" if kind == "rnn_relu" else "pytorch")
    twin = VARIANTS[kind](3, 4, 2, 7, "normal" if kind == "rnn_relu" else "pytorch")
    twin.__class__ = buggy(type(correct), recur_backward=COPIES[kind](None))
    X, target = rng.standard_normal((4, 3, 3)), rng.standard_normal((4, 3, 2))
    state0 = tuple(rng.standard_normal((3, 4)) for _ in correct.state_names)
    right = analytic_gradients(correct, X, target, "mse", None, state0)
    got = analytic_gradients(twin, X, target, "mse", None, state0)
    for n in right:
        np.testing.assert_allclose(got[n], right[n], rtol=1e-12, atol=1e-15, err_msg=n)


def test_bias_copy_is_exact_without_the_bug():
    """``bias_mean_over_batch`` is model.py's input_backward with one line changed."""
    X = np.random.default_rng(6).standard_normal((3, 2, 2))
    dA = np.random.default_rng(7).standard_normal((3, 2, 4))
    m = rl.RNN(2, 4, rng=8)
    g1, g2 = m.params.zeros_like(), m.params.zeros_like()
    dX1, dX2 = m.input_backward(X, dA, g1), bias_mean_over_batch(m, X, dA, g2)
    np.testing.assert_array_equal(dX1, dX2)
    np.testing.assert_array_equal(g1["W_xh"], g2["W_xh"])
    np.testing.assert_allclose(g1["b_h"] / X.shape[1], g2["b_h"], rtol=1e-14)


# -- the README ----------------------------------------------------------------------------

def readme_snippet():
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## rnnlab in 30 seconds", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_snippet_says_all_gradients_agree():
    code = readme_snippet()
    assert "print(rl.gradcheck(model, X[:4, :2], target[:4, :2]))" in code
    assert "rl.LSTM(D=3, H=16, O=1, forget_bias=1.0, rng=0)" in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "all gradients agree", out.getvalue()
    assert "DISAGREES" not in out.getvalue()
    names = [line.split()[0] for line in lines[1:-2]]
    assert len(names) == len(set(names)) and {"W_hi", "W_hf", "h_{-1}", "c_{-1}"} <= set(names)
    assert not {"W_h", "W_x", "b", "h0", "c0"} & set(names)
