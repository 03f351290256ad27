"""Chapter 4 explorers: every control at both ends and the middle with warnings as errors,
and the numbers behind the pictures against the library."""
import warnings

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlab.flow import gradient_flow  # noqa: E402
from rnnlab.plots.gate_surface import storecall_surface  # noqa: E402
from rnnlab.storecall import (STORED, WIRING, recall_gradient, store_recall,  # noqa: E402
                              store_recall_inputs, wired_lstm, wired_rnn)
from rnnlab.widgets import (GatesExplorer, GateSurfaceExplorer, LSTMFlowExplorer,  # noqa: E402
                            StoreRecallExplorer)
from rnnlab.widgets.storecall import (BETWEEN, T_MAX, WRITE_AT, tanh_unit_traces,  # noqa: E402
                                      wired_traces)

from test_widgets import sweep_every_control  # noqa: E402

EXPLORERS = {"gates": GatesExplorer, "storecall": StoreRecallExplorer,
             "flow": lambda: LSTMFlowExplorer(H=8), "surface": GateSurfaceExplorer}


@pytest.fixture(scope="module", params=list(EXPLORERS))
def explorer(request):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return EXPLORERS[request.param]()


def test_every_control_at_both_ends_and_middle(explorer):
    sweep_every_control(explorer)


def test_gates_traces_are_the_wired_cell():
    ex = GatesExplorer()
    d = ex.compute(b_f=2.0, w_read_o=5.0)
    tr = store_recall(wired_lstm(**{**ex.values, "b_f": 2.0, "w_read_o": 5.0, "W_hy": 1.0}),
                      ex.X)
    for k in "ifgoch":
        np.testing.assert_allclose(d[k], tr[k])
    assert "stores" in ex.note and "keeps" in ex.note
    assert "leaks" in ex.note_for(ex.compute(b_f=0.0))
    assert "without a write signal" in ex.note_for(ex.compute(b_i=5.0))


@pytest.mark.parametrize("setting", [{}, {"between": "zeros", "w": 0.95, "lag": 37},
                                     {"b_f": 3.0, "b_i": -2.0, "w": 1.2, "lag": 150}])
def test_storecall_gradients_match_backprop(setting):
    ex = StoreRecallExplorer()
    d = ex.compute(**setting)
    v = {**ex.values, **setting}
    X = store_recall_inputs(T_MAX, WRITE_AT, d["read_at"], noise=BETWEEN[v["between"]], rng=1)
    lstm = wired_lstm(b_f=v["b_f"], b_i=v["b_i"])
    rnn = wired_rnn(v["w"], WIRING["w_value_g"], WIRING["W_hy"])
    np.testing.assert_allclose(d["lstm_grad"], recall_gradient(lstm, X, WRITE_AT, d["read_at"]),
                               rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(d["rnn_grad"], recall_gradient(rnn, X, WRITE_AT, d["read_at"]),
                               rtol=1e-9, atol=1e-300)


def test_fast_traces_are_the_library_models():
    X = store_recall_inputs(T_MAX, WRITE_AT, 120, 150, noise=1.0, rng=1)
    fast, lib = wired_traces(X, b_f=7.0, b_i=-3.0), store_recall(wired_lstm(b_f=7.0, b_i=-3.0), X)
    for k in lib:
        np.testing.assert_allclose(fast[k], lib[k], rtol=1e-12, atol=1e-14)
    fast, lib = tanh_unit_traces(X, 1.1), store_recall(wired_rnn(1.1), X)
    for k in lib:
        np.testing.assert_allclose(fast[k], lib[k], rtol=1e-12, atol=1e-12)


def test_storecall_default_keeps_the_value():
    d = StoreRecallExplorer().data
    assert abs(d["lstm_read"] - STORED) < 0.05 and d["lstm_grad"] > 0.98
    assert abs(d["rnn_read"] - STORED) > 0.5


def test_flow_explorer_uses_the_flow_library():
    ex = LSTMFlowExplorer(H=8)
    d = ex.compute(forget_bias=3.0, T=50)
    models = ex._models({**ex.values, "forget_bias": 3.0, "T": 50})
    r = gradient_flow(models["LSTM"], 50, rng=0)
    np.testing.assert_allclose(d["dc"], r.dc)
    low, high = (ex.compute(forget_bias=b, T=100)["lstm_ratio"] for b in (0.0, 5.0))
    assert high > low + 5      # a forget bias of 5 carries the cell gradient much further


def test_surface_matches_a_direct_run():
    ex = GateSurfaceExplorer()
    d = ex.compute(lag=20, between="random values", b_f=6.0, b_i=-8.0)
    j = int(np.argmin(abs(d["b_f_grid"] - 6.0)))
    k = int(np.argmin(abs(d["b_i_grid"] - 8.0 * -1)))
    total = 0.0
    for n, value in enumerate((STORED, -3.0)):
        T = 2 + 20 + 1
        X = store_recall_inputs(200 + 3, 2, 200 + 2, value=value, noise=1.0, rng=n)[:T]
        X[T - 1, 0, 2] = 1.0
        tr = store_recall(wired_lstm(b_f=float(d["b_f_grid"][j]), b_i=float(d["b_i_grid"][k])),
                          X)
        total += (tr["y"][T - 1] - value) ** 2
    np.testing.assert_allclose(d["loss"][j, k], total / (STORED ** 2 + 9.0), rtol=1e-9)
    assert d["loss"].max() <= 2 and d["steepest"] < 1
    single = storecall_surface([6.0], [-8.0], 5)
    assert single.shape == (1, 1)
