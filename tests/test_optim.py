"""Optimizers and gradient clipping against PyTorch, plus the properties clipping promises.

Reference values: tests/data/optim_reference.npz, written by tools/make_optim_reference.py
(torch.optim.SGD, Adagrad, Adam and torch.nn.utils.clip_grad_norm_ / clip_grad_value_,
float64). torch is needed only to regenerate that file.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from rnnlab import optim
from rnnlab.clip import clip_elementwise, clip_global_norm, global_norm
from rnnlab.params import Params

DATA = Path(__file__).parent / "data" / "optim_reference.npz"
NAMES = ("W", "b")
TOL = dict(rtol=1e-12, atol=1e-12)


@pytest.fixture(scope="module")
def ref():
    with np.load(DATA) as f:
        return {k: f[k] for k in f.files}


def configs():
    with np.load(DATA) as f:
        return json.loads(str(f["configs"]))


def pair(ref, prefix):
    return {n: ref[f"{prefix}/{n}"].copy() for n in NAMES}


# -- optimizers against torch.optim ----------------------------------------------------
@pytest.mark.parametrize("key", sorted(configs()))
def test_optimizer_matches_torch_at_every_step(ref, key):
    cls, kwargs = configs()[key]
    opt = getattr(optim, cls)(**kwargs)
    params = Params(pair(ref, "params0"))
    for t in range(ref["grads/W"].shape[0]):
        grads = Params({n: ref[f"grads/{n}"][t] for n in NAMES})
        opt.step(params, grads)
        for n in NAMES:
            np.testing.assert_allclose(params[n], ref[f"{key}/{n}"][t], **TOL,
                                       err_msg=f"{key}: {n} after step {t + 1}")


def test_reference_steps_differ_between_optimizers(ref):
    # guards the comparison above: the optimizers really take different paths
    finals = [ref[f"{key}/W"][-1] for key in configs()]
    for a in range(len(finals)):
        for b in range(a + 1, len(finals)):
            assert not np.allclose(finals[a], finals[b], rtol=1e-6, atol=1e-9)


def test_step_updates_the_models_arrays_in_place_and_accepts_d_names(ref):
    W, b = ref["params0/W"].copy(), ref["params0/b"].copy()
    params = Params({"W": W, "b": b})
    optim.SGD(0.5).step(params, {"dW": np.ones_like(W), "db": np.ones_like(b)})
    assert params["W"] is W
    np.testing.assert_allclose(W, ref["params0/W"] - 0.5)


def test_state_is_kept_per_array_name():
    opt = optim.Momentum(1.0, beta=0.5)
    params = Params({"a": np.zeros(2), "c": np.zeros(3)})
    opt.step(params, {"a": np.ones(2), "c": np.zeros(3)})
    opt.step(params, {"a": np.ones(2), "c": np.zeros(3)})
    np.testing.assert_allclose(params["a"], -(1 + 1.5))  # v = 1, then 0.5 * 1 + 1
    np.testing.assert_allclose(params["c"], 0.0)
    assert set(opt.state) == {"a", "c"}
    opt.reset()
    assert opt.state == {}


def test_float32_parameters_stay_float32():
    p = Params({"W": np.ones((2, 2), dtype=np.float32)})
    optim.Adam(0.1).step(p, {"W": np.ones((2, 2), dtype=np.float32)})
    assert p["W"].dtype == np.float32
    np.testing.assert_allclose(p["W"], 0.9, rtol=1e-6)  # Adam's first step is lr * sign


@pytest.mark.parametrize("make, match", [
    (lambda: optim.SGD(0), "lr"),
    (lambda: optim.SGD(-0.1), "lr"),
    (lambda: optim.SGD(float("nan")), "lr"),
    (lambda: optim.SGD("0.1"), "lr"),
    (lambda: optim.SGD(True), "lr"),
    (lambda: optim.Momentum(0.1, beta=1.0), "beta"),
    (lambda: optim.Momentum(0.1, beta=-0.1), "beta"),
    (lambda: optim.Adagrad(0.1, eps=0), "eps"),
    (lambda: optim.Adam(beta1=1.0), "beta1"),
    (lambda: optim.Adam(beta2=1.5), "beta2"),
    (lambda: optim.Adam(eps=float("inf")), "eps"),
])
def test_bad_hyperparameters_are_rejected_by_name(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_gradients_are_rejected_before_anything_changes():
    params = Params({"W": np.zeros((2, 2)), "b": np.zeros(2)})
    opt = optim.Adam(0.1)
    with pytest.raises(ValueError, match=r"gradient b must have the shape of b \(2,\)"):
        opt.step(params, {"W": np.ones((2, 2)), "b": np.ones(3)})
    with pytest.raises(ValueError, match="finite"):
        opt.step(params, {"W": np.ones((2, 2)), "b": np.array([1.0, np.nan])})
    with pytest.raises(KeyError, match="'b'"):
        opt.step(params, {"W": np.ones((2, 2))})
    with pytest.raises(TypeError, match="params must be"):
        opt.step([np.zeros(2)], {"W": np.ones((2, 2))})
    assert not params["W"].any() and opt.state == {}


# -- clipping against torch.nn.utils ----------------------------------------------------
@pytest.mark.parametrize("case", ["above", "below"])
def test_clip_global_norm_matches_torch(ref, case):
    grads = pair(ref, f"clipnorm/{case}/in")
    max_norm = float(ref[f"clipnorm/{case}/max_norm"])
    torch_norm = float(ref[f"clipnorm/{case}/norm"])
    norm = clip_global_norm(grads, max_norm)
    assert norm == pytest.approx(torch_norm, rel=1e-12)
    # PyTorch scales by max_norm / (norm + 1e-6); rnnlab by max_norm / norm exactly
    undo = (torch_norm + 1e-6) / torch_norm if torch_norm > max_norm else 1.0
    for n in NAMES:
        np.testing.assert_allclose(grads[n], ref[f"clipnorm/{case}/out/{n}"] * undo, **TOL)


def test_clip_elementwise_matches_torch(ref):
    grads = pair(ref, "clipvalue/in")
    limit = float(ref["clipvalue/limit"])
    expected_count = sum(int((np.abs(ref[f"clipvalue/in/{n}"]) > limit).sum()) for n in NAMES)
    assert expected_count > 0
    assert clip_elementwise(grads, limit) == expected_count
    for n in NAMES:
        np.testing.assert_array_equal(grads[n], ref[f"clipvalue/out/{n}"])


# -- clipping properties ------------------------------------------------------------------
def make_grads(scale, seed=0):
    rng = np.random.default_rng(seed)
    return Params({"W_xh": scale * rng.standard_normal((3, 5)),
                   "W_hh": scale * rng.standard_normal((5, 5)), "b_h": np.zeros(5)})


def flat(grads):
    return np.concatenate([g.ravel() for g in grads.values()])


def test_global_norm_is_the_norm_of_all_entries_together():
    grads = make_grads(2.0)
    assert global_norm(grads) == pytest.approx(np.linalg.norm(flat(grads)), rel=1e-14)
    assert global_norm([np.array([3.0]), np.array([[4.0]])]) == 5.0
    assert global_norm({}) == 0.0


def test_global_norm_does_not_overflow_or_warn():
    with np.errstate(all="raise"):
        assert global_norm([np.array([3e200, 4e200])]) == pytest.approx(5e200, rel=1e-14)
        assert global_norm([np.array([1e-200, 0.0])]) == pytest.approx(1e-200, rel=1e-14)
        assert global_norm([np.array([1.0, np.inf])]) == np.inf
        assert np.isnan(global_norm([np.array([np.inf, np.nan])]))


def test_norm_clipping_keeps_the_direction_and_hits_max_norm_exactly():
    grads = make_grads(3.0)
    before = flat(grads)
    norm = clip_global_norm(grads, 1.5)
    after = flat(grads)
    assert norm == pytest.approx(np.linalg.norm(before), rel=1e-14)
    assert np.linalg.norm(after) == pytest.approx(1.5, rel=1e-14)
    cosine = before @ after / (np.linalg.norm(before) * np.linalg.norm(after))
    assert cosine == pytest.approx(1.0, abs=1e-14)


def test_norm_clipping_below_the_threshold_changes_nothing():
    grads = make_grads(0.01)
    before = flat(grads)
    norm = clip_global_norm(grads, 10.0)
    assert norm < 10.0
    np.testing.assert_array_equal(flat(grads), before)


def test_elementwise_clipping_bounds_entries_and_changes_the_direction():
    grads = make_grads(3.0)
    before = flat(grads)
    count = clip_elementwise(grads, 2.0)
    after = flat(grads)
    assert count == int((np.abs(before) > 2.0).sum()) > 0
    assert np.abs(after).max() <= 2.0
    small = np.abs(before) <= 2.0
    np.testing.assert_array_equal(after[small], before[small])
    cosine = before @ after / (np.linalg.norm(before) * np.linalg.norm(after))
    assert cosine < 1 - 1e-6


def test_clipping_rejects_bad_thresholds_and_inputs():
    grads = make_grads(1.0)
    for bad in (0, -1.0, np.inf, np.nan, "1", None):
        with pytest.raises(ValueError, match="max_norm must be a positive finite number"):
            clip_global_norm(grads, bad)
        with pytest.raises(ValueError, match="limit must be a positive finite number"):
            clip_elementwise(grads, bad)
    with pytest.raises(TypeError, match="float numpy arrays"):
        clip_elementwise([[1.0, 2.0]], 1.0)
    with pytest.raises(ValueError, match="NaN"):
        clip_global_norm([np.array([1.0, np.nan])], 1.0)
