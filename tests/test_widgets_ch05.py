"""Chapter 5's explorers: every control at both ends and the middle with warnings as
errors, the traces against the library's GRU, and the three cells' flows against
rnnlab.flow.gradient_flow."""
import warnings

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlab as rl  # noqa: E402
from rnnlab.budget import param_count  # noqa: E402
from rnnlab.flow import gradient_flow  # noqa: E402
from rnnlab.widgets import CellsFlowExplorer, GRUGatesExplorer  # noqa: E402
from rnnlab.widgets.gru_gates import gru_traces, one_unit_gru, pulse_input  # noqa: E402

from test_widgets import sweep_every_control  # noqa: E402


@pytest.fixture(scope="module")
def gates():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return GRUGatesExplorer(T=36)


@pytest.fixture(scope="module")
def cells():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return CellsFlowExplorer(budget=600, rng=0)


@pytest.mark.parametrize("kind", ["gates", "cells"])
def test_every_control_at_both_ends_and_middle(kind, gates, cells):
    sweep_every_control({"gates": gates, "cells": cells}[kind])


def test_gate_traces_match_the_library_step(gates):
    x = pulse_input(36)
    for conv in ("pytorch", "chung"):
        d = gru_traces(x, 2.0, -3.0, 0.5, 1.5, conv)
        m = one_unit_gru(2.0, -3.0, 0.5, 1.5, conv)
        step = rl.gru_step_forward if conv == "pytorch" else rl.gru_chung_step_forward
        h = np.zeros((1, 1))
        for t in range(len(x)):
            args = (x[t].reshape(1, 1), h, m["W_x"], m["W_h"], m["b"])
            h, cache = step(*args, m["b_hn"]) if conv == "pytorch" else step(*args)
            assert np.isclose(d["h"][t], h[0, 0]) and np.isclose(d["z"][t], cache.z[0, 0])


def test_conventions_mirror_each_other(gates):
    """Chung's convention with b_z, w_xz negated gives PyTorch's traces (H = 1, b_hn = 0)."""
    a = gates.compute(b_z=2.0, w_xz=-4.0, convention="PyTorch")
    b = gates.compute(b_z=-2.0, w_xz=4.0, convention="Chung et al. 2014")
    np.testing.assert_allclose(a["h"], b["h"], atol=1e-12)
    np.testing.assert_allclose(a["keep"], b["keep"], atol=1e-12)


def test_gate_note_says_what_is_kept(gates):
    d = gates.compute(b_z=3.0, w_xz=-6.0, convention="PyTorch")
    assert d["keep_gap"] > 0.9 and d["held"] > 0.5
    assert "copies 95%" in gates._note(d) and "h_19" in gates._note(d)
    d = gates.compute(convention="Chung et al. 2014")
    assert d["keep_gap"] < 0.1


def test_cells_flow_is_the_shared_gradient_flow(cells):
    d = cells.compute(T=40, update_bias=2.0, forget_bias=0.5)
    gru = rl.GRU(1, cells.widths["GRU"], rng=0)
    gru["b_z"] = gru["b_z"] + 2.0
    ref = gradient_flow(gru, 40, rng=0)
    np.testing.assert_allclose(d["results"][cells.labels["GRU"]].dh, ref.dh, rtol=1e-12)
    lstm = rl.LSTM(1, cells.widths["LSTM"], forget_bias=0.5, rng=0)
    np.testing.assert_allclose(d["results"][cells.labels["LSTM"]].dc,
                               gradient_flow(lstm, 40, rng=0).dc, rtol=1e-12)


def test_cells_have_matched_sizes(cells):
    counts = [param_count(c, 1, cells.widths[c]) for c in ("RNN", "LSTM", "GRU")]
    assert all(n <= 600 for n in counts) and min(counts) > 500


def test_update_bias_carries_the_gradient(cells):
    low = cells.compute(T=100, update_bias=0.0)["log10_ratio"][cells.labels["GRU"]]
    high = cells.compute(T=100, update_bias=4.0)["log10_ratio"][cells.labels["GRU"]]
    assert high > low + 10 and "GRU carries it furthest" in cells._note(
        cells.compute(T=100, update_bias=4.0))


def test_cells_flow_takes_values_to_the_slider_steps(cells):
    d = cells.compute(T=97, update_bias=1.9, forget_bias=0.8)
    assert (d["T"], d["update_bias"], d["forget_bias"]) == (100, 2.0, 1.0)
    assert len(d["lag"]) == 100
    e = cells.compute(T=100, update_bias=2.0, forget_bias=1.0)
    assert d["results"][cells.labels["GRU"]] is e["results"][cells.labels["GRU"]]
