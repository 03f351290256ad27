"""Chapter 3's explorers: every control at both ends and the middle, warnings as errors.

(GradientFlowExplorer is tested in test_flow.py.)"""
import warnings

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import pytest  # noqa: E402

from rnnlab.widgets import BifurcationExplorer, CliffExplorer, RepeatExplorer  # noqa: E402
from test_widgets import (check_frame, check_picture, connect_page,  # noqa: E402
                          disconnect_page, sweep_points)

KINDS = {"cliff": CliffExplorer, "bifurcation": BifurcationExplorer, "repeat": RepeatExplorer}


@pytest.fixture(scope="module")
def explorers():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {k: cls() for k, cls in KINDS.items()}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_control_at_ends_and_middle(explorers, kind):
    ex = explorers[kind]
    start = dict(ex.values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, control in ex.controls.items():
            for value in sweep_points(control):
                ex.update(**{name: value})
                check_frame(ex)
                check_picture(ex)
                assert "nan" not in ex.note.lower()
            ex.update(**{name: start[name]})
        assert ex.to_png()[:4] == b"\x89PNG"


def test_cliff_is_thrown_unless_clipped(explorers):
    ex = explorers["cliff"]
    off = ex.compute(w0=4.5, b0=-2.0, lr=0.5, steps=40, clip="off")
    norm = ex.compute(w0=4.5, b0=-2.0, lr=0.5, steps=40, clip="norm", threshold=1.0)
    assert off["thrown"] > 5 and off["off_map"] and not norm["off_map"]
    assert norm["final_loss"] < off["final_loss"]
    ex.update(clip="norm")
    assert "changed 1 of 40 steps" in ex.note
    ex.update(clip="off")
    assert "off the map" in ex.note


def test_cliff_click_moves_the_start(explorers):
    ex = explorers["cliff"]

    class Event:
        inaxes, xdata, ydata = ex.axes["map"], 6.02, -3.01

    ex._on_click(Event())
    assert (ex.values["w0"], ex.values["b0"]) == (6.0, -3.0)
    ex.update(w0=4.5, b0=-2.0)


def test_cliff_click_in_the_page_moves_the_start(explorers):
    """A click on the page's figure (CSS px, y down) reaches the explorer in data
    coordinates, also when the page shows the figure scaled down."""
    ex = explorers["cliff"]
    x, y = ex.axes["map"].transData.transform((7.0, -4.0))
    sent = connect_page(ex.canvas)
    try:
        ex.canvas._handle_message(ex.canvas, {"type": "click", "x": float(x),
                                              "y": float(ex.canvas.height - y), "button": 1}, [])
        assert (ex.values["w0"], ex.values["b0"]) == (7.0, -4.0)
        assert sent[-1][0]["type"] == "frame"       # the page is sent the new path
        ex.canvas._handle_message(ex.canvas, {"type": "click", "x": 2.0, "y": 2.0}, [])
        assert (ex.values["w0"], ex.values["b0"]) == (7.0, -4.0)   # outside the map: nothing
        ex.canvas._handle_message(ex.canvas, {"type": "click", "x": "left"}, [])   # ignored
    finally:
        disconnect_page(ex.canvas)
        ex.update(w0=4.5, b0=-2.0)


def test_bifurcation_counts_attractors(explorers):
    ex = explorers["bifurcation"]
    assert ex.compute(w=5.0, b=-2.5)["n_stable"] == 2
    assert ex.compute(w=5.0, b=-2.7)["n_stable"] == 1
    assert ex.compute(w=3.0, b=-1.5)["fold"] is None


def test_repeat_numbers(explorers):
    ex = explorers["repeat"]
    assert ex.compute(factor=0.99, steps=100)["final"] == pytest.approx(0.366, abs=1e-3)
    assert ex.compute(factor=1.1, steps=100)["final"] == pytest.approx(13780.6, rel=1e-4)
