"""Moving weights to and from PyTorch's layout, without PyTorch: ``torch_state_dict()``
gives numpy arrays, ``to_torch()`` torch tensors (torch imported only when it is called),
and ``load_torch`` refuses a state_dict it could only load part of."""
import sys
import types

import numpy as np
import pytest

import rnnlab as rl

D, H = 3, 4
MODELS = {"rnn": lambda: rl.RNN(D, H, rng=0), "lstm": lambda: rl.LSTM(D, H, rng=0),
          "gru": lambda: rl.GRU(D, H, rng=0)}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


@pytest.mark.parametrize("kind", MODELS)
def test_torch_state_dict_is_numpy_in_pytorch_layout(kind):
    m, G = MODELS[kind](), GATES[kind]
    sd = m.torch_state_dict()
    assert list(sd) == list(KEYS)
    assert all(type(v) is np.ndarray and v.flags.c_contiguous for v in sd.values())
    assert sd["weight_ih_l0"].shape == (G * H, D) and sd["weight_hh_l0"].shape == (G * H, H)
    assert sd["bias_ih_l0"].shape == sd["bias_hh_l0"].shape == (G * H,)
    x_weights = m["W_xh"] if kind == "rnn" else m["W_x"]
    np.testing.assert_array_equal(sd["weight_ih_l0"], x_weights.T)
    sd["weight_ih_l0"][:] = 0.0                          # a copy: the model is unchanged
    assert np.abs(x_weights).sum() > 0


@pytest.mark.parametrize("kind", MODELS)
def test_to_torch_makes_tensors_with_torch_imported_when_called(kind, monkeypatch):
    made = []
    fake = types.ModuleType("torch")
    fake.from_numpy = lambda a: made.append(a) or ("tensor", a)
    monkeypatch.setitem(sys.modules, "torch", fake)
    m = MODELS[kind]()
    sd = m.to_torch()
    assert list(sd) == list(KEYS) and all(v[0] == "tensor" for v in sd.values())
    for k, ref in m.torch_state_dict().items():
        np.testing.assert_array_equal(sd[k][1], ref)
    assert len(made) == 4


def test_to_torch_without_torch_gives_the_numpy_arrays(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)     # `import torch` raises ImportError
    m = rl.LSTM(D, H, rng=0)
    sd = m.to_torch()
    assert all(type(v) is np.ndarray for v in sd.values())
    for k, ref in m.torch_state_dict().items():
        np.testing.assert_array_equal(sd[k], ref)


@pytest.mark.parametrize("kind", MODELS)
def test_torch_state_dict_round_trip(kind):
    m = MODELS[kind]()
    other = {"rnn": rl.RNN, "lstm": rl.LSTM, "gru": rl.GRU}[kind](D, H, rng=5)
    other.load_torch(m.torch_state_dict())
    for name in m.params:
        np.testing.assert_array_equal(other.params[name], m.params[name], err_msg=name)


def _with_keys(sd, suffixes):
    out = dict(sd)
    out.update({k[:-1] + s: v for k, v in sd.items() for s in suffixes})
    return out


@pytest.mark.parametrize("suffixes, kind", [
    (["1"], r"a 2-layer PyTorch model"),
    (["0_reverse"], r"a bidirectional PyTorch model"),
    (["1", "2", "0_reverse", "1_reverse", "2_reverse"], r"a 3-layer and bidirectional"),
])
def test_load_torch_refuses_more_layers_or_directions(suffixes, kind):
    m = rl.LSTM(D, H, rng=0)
    before = m.params.copy()
    sd = _with_keys(rl.LSTM(D, H, rng=1).torch_state_dict(), suffixes)
    with pytest.raises(ValueError, match=r"state_dict has keys \[.*'weight_ih_l"
                                         + suffixes[0] + r"'.*one-layer, one-direction LSTM "
                                         r"cannot hold \(" + kind):
        m.load_torch(sd)
    for name in m.params:                               # nothing was loaded
        np.testing.assert_array_equal(m.params[name], before[name])


def test_load_torch_refuses_unknown_keys():
    sd = dict(rl.RNN(D, H, rng=1).torch_state_dict(), weight_hr_l0=np.zeros((H, H)))
    with pytest.raises(ValueError, match=r"keys \['weight_hr_l0'\] that a one-layer, "
                                         r"one-direction RNN cannot hold; rnnlab takes exactly"):
        rl.RNN(D, H).load_torch(sd)
