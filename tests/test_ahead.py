"""Frames ahead (rnnlab/widgets/ahead.py): once the page has been still after a move, the
kernel sends the frames one step either side of the control moved, tagged with the state
they show, and puts its figure back. A frame ahead must be exactly the frame the kernel
sends when the control gets there, or the page would show a wrong picture; none is sent
while moves keep coming.
"""
import asyncio

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlab.widgets import CliffExplorer, GatesExplorer, RepeatExplorer  # noqa: E402
from rnnlab.widgets.ahead import AHEAD_AFTER_S, neighbours, position, positions  # noqa: E402


def connect(ex):
    sent = []
    ex.canvas.send = lambda content, buffers=None: sent.append((content, list(buffers or [])))
    ex.canvas._handle_message(ex.canvas, {"type": "ready", "dpr": 1.0}, [])
    sent.clear()
    return sent


def same_frame(a, b):
    """Two frames draw the same: the same orders on the same static picture, the same bytes."""
    (ca, ba), (cb, bb) = a, b
    return (ca["ops"] == cb["ops"] and ca["static"] == cb["static"] and ca["state"] == cb["state"]
            and [bytes(x) for x in ba] == [bytes(x) for x in bb])


@pytest.mark.parametrize("cls, name", [(GatesExplorer, "b_f"), (RepeatExplorer, "factor"),
                                       (CliffExplorer, "clip")])
def test_frames_ahead_are_the_frames_the_kernel_draws_there(cls, name):
    ex = cls()
    sent = connect(ex)
    control = ex.controls[name]
    target = neighbours(control, ex.values[name])[-1]   # a move the page makes

    async def move_then_look():
        if hasattr(control, "options"):
            control.set_state({"index": list(control.options).index(target)})
        else:
            control.set_state({"value": target})
        await asyncio.sleep(AHEAD_AFTER_S + 0.2)

    asyncio.run(move_then_look())
    frames = [m for m in sent if m[0]["type"] == "frame"]
    ahead = [m for m in sent if m[0]["type"] == "ahead"]
    assert len(frames) == 1 and frames[0][0]["moved"]
    here = positions(ex.controls, ex.values)
    assert frames[0][0]["state"] == here
    k = position(control, ex.values[name])
    i = list(ex.controls).index(name)
    expected = [position(control, v) for v in neighbours(control, ex.values[name])]
    assert expected == [j for j in (k - 1, k + 1) if j in expected] and expected
    assert [m[0]["state"][i] for m in ahead] == expected and len(ahead) == ex.ahead_frames
    assert all(m[0]["state"][:i] + m[0]["state"][i + 1:] == here[:i] + here[i + 1:]
               for m in ahead)
    data = ex.data
    sent.clear()
    ex.update()                                  # the figure was put back as it was
    assert same_frame(sent[-1], frames[0])
    assert all(np.array_equal(np.asarray(v), np.asarray(data[k2])) for k2, v in ex.data.items()
               if isinstance(v, (int, float, np.ndarray)) and not isinstance(v, bool))
    for frame in ahead:                          # each frame ahead is the frame drawn there
        sent.clear()
        j = frame[0]["state"][i]
        value = list(control.options)[j] if hasattr(control, "options") else \
            control.min + j * control.step
        ex.update(**{name: ex._check(name, value)})
        assert same_frame(sent[-1], frame)


def test_no_frames_ahead_while_moves_keep_coming():
    ex = GatesExplorer()
    sent = connect(ex)
    control = ex.controls["b_i"]

    async def drag():
        for v in np.linspace(-4, 4, 12):
            control.set_state({"value": float(v)})
            await asyncio.sleep(AHEAD_AFTER_S / 4)
        return ex.ahead_frames

    during = asyncio.run(drag())
    assert during == 0 and not [m for m in sent if m[0]["type"] == "ahead"]


def test_no_frames_ahead_without_a_page_or_for_moves_made_in_python():
    ex = GatesExplorer()

    async def move():
        ex.controls["b_i"].set_state({"value": 1.0})     # no page connected
        ex.controls["b_f"].value = 2.0                    # a move made in Python
        await asyncio.sleep(AHEAD_AFTER_S + 0.1)

    asyncio.run(move())
    assert ex.ahead_frames == 0 and ex.values["b_i"] == 1.0 and ex.values["b_f"] == 2.0


def test_positions_name_a_state_with_whole_numbers_both_ends():
    ex = CliffExplorer()
    for name, c in ex.controls.items():
        if hasattr(c, "options"):
            first, last = list(c.options)[0], list(c.options)[-1]
            assert (position(c, first), position(c, last)) == (0, len(c.options) - 1)
            assert neighbours(c, first) == [list(c.options)[1]]
        else:
            assert position(c, c.min) == 0
            assert position(c, c.max) == round((c.max - c.min) / c.step)
            assert len(neighbours(c, c.max)) == 1 and len(neighbours(c, c.min)) == 1


def test_frames_ahead_can_be_turned_off(monkeypatch):
    import rnnlab.widgets.ahead as ahead

    monkeypatch.setattr(ahead, "AHEAD_AFTER_S", None)
    ex = GatesExplorer()
    sent = connect(ex)

    async def move_then_look():
        ex.controls["b_i"].set_state({"value": 1.0})
        await asyncio.sleep(0.4)

    asyncio.run(move_then_look())
    assert [m[0]["type"] for m in sent] == ["frame"] and ex.ahead_frames == 0
