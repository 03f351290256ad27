"""Slider moves from the page that arrive faster than the kernel draws them are coalesced
in the kernel: one update with the latest values, never a backlog of frames. A move made
in Python is drawn at once. The last test drives a real kernel as JupyterLab does (widget
``update`` messages on the shell channel), in a burst.
"""
import asyncio
import json
import time

import numpy as np
import pytest
from jupyter_client.manager import AsyncKernelManager

from rnnlab.widgets import GatesExplorer


def page_move(control, value):
    """What a slider move in the page does in the kernel (ipywidgets' ``set_state``)."""
    control.set_state({"value": value})


def test_a_burst_of_moves_from_the_page_is_one_update_with_the_last_values():
    ex = GatesExplorer()
    values = [float(v) for v in np.linspace(-4, 4, 7)]

    async def burst():
        for v in values:
            page_move(ex.controls["b_i"], v)
        page_move(ex.controls["b_f"], 2.0)
        assert ex.page_updates == 0          # nothing drawn while the moves come in
        await asyncio.sleep(0.2)

    asyncio.run(burst())
    assert ex.page_moves == len(values) + 1
    assert ex.page_updates == 1
    assert ex.values["b_i"] == values[-1] and ex.values["b_f"] == 2.0
    assert ex.data["b_i"] == values[-1] and ex.data["b_f"] == 2.0


def test_moves_one_at_a_time_are_each_drawn():
    ex = GatesExplorer()

    async def drag():
        for v in (-2.0, 0.0, 2.0):
            page_move(ex.controls["b_i"], v)
            await asyncio.sleep(0.01)
            assert ex.data["b_i"] == v        # drawn before the next move comes

    asyncio.run(drag())
    assert ex.page_updates == ex.page_moves == 3


def test_a_move_made_in_python_is_drawn_at_once_even_in_a_running_loop():
    ex = GatesExplorer()

    async def cell():
        ex.controls["b_i"].value = 3.0
        assert ex.data["b_i"] == 3.0

    asyncio.run(cell())
    assert ex.page_moves == 0


SETUP = """
import json
import numpy as np
from IPython.display import display
from rnnlab.widgets import LSTMFlowExplorer
ex = LSTMFlowExplorer()
display(ex)
ex.canvas._handle_message(ex.canvas, {"type": "ready", "dpr": 1}, [])
c = ex.controls["scale"]     # a value-list slider: the page sends its index
print(json.dumps({"slider": c.model_id, "n": len(c.options)}))
"""


async def _run(kc, code):
    msg_id = kc.execute(code)
    out = []
    while True:
        msg = await kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "stream":
            out.append(msg["content"]["text"])
        elif kind == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


async def _burst_in_a_kernel():
    km = AsyncKernelManager()
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        info = json.loads((await _run(kc, SETUP)).strip().splitlines()[-1])
        info["moves"] = [i % info["n"] for i in range(1, 21)]
        for i in info["moves"]:     # 20 moves at once, as fast as the socket takes them
            kc.shell_channel.send(kc.session.msg("comm_msg", {
                "comm_id": info["slider"],
                "data": {"method": "update", "state": {"index": i}, "buffer_paths": []}}))
        deadline = time.monotonic() + 30
        while True:     # until every move is taken in and drawn
            state = json.loads(await _run(kc, "print(json.dumps([ex.page_moves, "
                                                  "ex.page_updates, c.index, "
                                                  "bool(ex._pending)]))"))
            if (state[0] == len(info["moves"]) and not state[3]) or time.monotonic() > deadline:
                return info, state
            await asyncio.sleep(0.05)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def test_a_burst_in_a_real_kernel_is_coalesced():
    info, (moves, updates, last, pending) = asyncio.run(_burst_in_a_kernel())
    assert moves == len(info["moves"]) and not pending
    assert last == info["moves"][-1]
    assert 1 <= updates <= moves // 4, f"{updates} frames drawn for {moves} moves"


def test_a_move_from_the_page_is_not_echoed_back():
    """ipywidgets echoes a page's change back to it unless the trait says not to; the
    explorers' controls say not to (one message less before the frame)."""
    ex = GatesExplorer()
    sent = []
    for c in ex.controls.values():
        c._send = lambda msg, buffers=None, sent=sent: sent.append(msg)
    page_move(ex.controls["b_i"], 1.5)
    assert ex.data["b_i"] == 1.5
    assert not [m for m in sent if m.get("method") == "echo_update"]


def test_a_float_from_the_page_is_not_sent_back_rounded():
    """The kernel rounds a slider's float (``_check``); sending the rounded value back
    would make the page snap it to its step again and send it again, without end."""
    from rnnlab.widgets import GateSurfaceExplorer

    ex = GateSurfaceExplorer()
    c = ex.controls["b_f"]
    v = c.min + 7 * c.step              # what the page's slider computes: float dust
    assert round(v, 12) != v
    sent = []
    c._send = lambda msg, buffers=None: sent.append(msg)

    async def move():
        page_move(c, v)
        await asyncio.sleep(0.05)

    asyncio.run(move())
    assert ex.values["b_f"] == round(v, 12) and ex.data["b_f"] == round(v, 12)
    assert not sent, sent
