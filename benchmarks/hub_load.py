"""Load test for benchmarks/bench_hub.py: N learners drag a slider at once, each in a kernel.

Each simulated learner has their own kernel (jupyter_client, this Python, 127.0.0.1) with
one explorer displayed, and a page connected to its canvas (the page's "ready" message).
A drag is what JupyterLab sends while a slider is dragged: widget state updates
(``comm_msg`` with ``{"method": "update", "state": {"value": v}}``) to the slider's model,
`rate` per second, open loop (the next one goes out on time whether or not the last was
answered, so a slow kernel builds a queue as it would in a class). For every move the
client records request-to-frame: from sending the update to receiving the last message
the kernel sends for it (the frame; frames drawn ahead once the drag stops are not the
move's), and the kernel's CPU per move. All learners drag at the same time, starting at random offsets
within one move's interval.
"""
import asyncio
import json
import os
import random
import time

import numpy as np
import psutil
from jupyter_client.manager import AsyncKernelManager

SETUP = """\
import json, os
import numpy as np
from IPython.display import display
import rnnlab.widgets as _widgets
_ex = eval({expression!r}, vars(_widgets))
display(_ex)
_name, _c = next((k, c) for k, c in _ex.controls.items() if not hasattr(c, "options"))
_vals = np.linspace(_c.min, _c.max, {moves})
_vals = [int(round(v)) if isinstance(_c.value, int) else round(float(v), 10) for v in _vals]
print(json.dumps({{"pid": os.getpid(), "slider": _c.model_id, "control": _name,
                  "canvas": getattr(_ex.canvas, "model_id", None), "values": _vals}}))
"""


class Learner:
    """A kernel with one explorer on show, and the client that drags its slider."""

    def __init__(self, km, kc, info):
        self.km, self.kc, self.info = km, kc, info
        self.process = psutil.Process(info["pid"])
        self.sent, self.last, self.idle = {}, {}, {}

    def send_comm(self, comm_id, data):
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.sent[msg["header"]["msg_id"]] = time.perf_counter()
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    async def listen(self, stop):
        """Record when each request's last comm message and its idle status arrive."""
        slider = self.info["slider"]
        while not stop.is_set():
            try:
                msg = await self.kc.get_iopub_msg(timeout=0.2)
            except Exception:   # queue.Empty from the channel: nothing yet
                continue
            parent = msg["parent_header"].get("msg_id")
            if parent not in self.sent:
                continue
            now = time.perf_counter()
            kind = msg["header"]["msg_type"]
            data = msg["content"].get("data", {}) if kind == "comm_msg" else {}
            ahead = (data.get("content") or {}).get("type") == "ahead"   # not for this move
            if kind == "comm_msg" and msg["content"].get("comm_id") != slider and not ahead:
                self.last[parent] = now
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                self.idle[parent] = now

    def cpu(self):
        t = self.process.cpu_times()
        return t.user + t.system


async def _execute(kc, code, timeout=120):
    """Run code in the kernel; return its stdout (raises with the traceback on error)."""
    msg_id = kc.execute(code)
    out = []
    end = time.monotonic() + timeout
    while True:
        msg = await kc.get_iopub_msg(timeout=max(0.1, end - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["header"]["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            raise RuntimeError("\n".join(content["traceback"]))
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(out)


async def start_learner(expression, moves, cwd, env):
    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel(cwd=str(cwd), env=env)
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=120)
    out = await _execute(kc, SETUP.format(expression=expression, moves=moves))
    learner = Learner(km, kc, json.loads(out.strip().splitlines()[-1]))
    if learner.info["canvas"]:   # a page shows the figure: frames go out from now on
        stop = asyncio.Event()
        listening = asyncio.create_task(learner.listen(stop))
        ready = learner.send_comm(learner.info["canvas"],
                                  {"method": "custom", "content": {"type": "ready", "dpr": 1}})
        while ready not in learner.idle:
            await asyncio.sleep(0.05)
        stop.set()
        await listening
    learner.sent.clear()
    learner.idle.clear()
    learner.last.clear()
    return learner


async def drag(learner, rate, offset):
    """One drag over the slider's values at `rate` moves a second: the msg ids sent."""
    await asyncio.sleep(offset)
    t0, ids = time.perf_counter(), []
    for i, value in enumerate(learner.info["values"]):
        await asyncio.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
        ids.append(learner.send_comm(learner.info["slider"], {
            "method": "update", "state": {"value": value}, "buffer_paths": []}))
    return ids


async def round_of(learners, rate, seed, timeout=120):
    """All `learners` drag at once: request-to-frame ms per move and CPU ms per move."""
    rng = random.Random(seed)
    stop = asyncio.Event()
    listeners = [asyncio.create_task(lr.listen(stop)) for lr in learners]
    cpu0 = [lr.cpu() for lr in learners]
    sent = await asyncio.gather(*(drag(lr, rate, rng.uniform(0, 1 / rate)) for lr in learners))
    end = time.monotonic() + timeout
    while any(i not in lr.idle for lr, ids in zip(learners, sent) for i in ids):
        if time.monotonic() > end:
            raise TimeoutError(f"kernels did not answer every move within {timeout} s")
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*listeners)
    ms, framed = [], 0
    for lr, ids in zip(learners, sent):
        for i in ids:
            framed += i in lr.last
            ms.append(1000 * (lr.last.get(i, lr.idle[i]) - lr.sent[i]))
        lr.sent.clear(), lr.idle.clear(), lr.last.clear()
    cpu_ms = [1000 * (lr.cpu() - c0) / len(ids) for lr, c0, ids in zip(learners, cpu0, sent)]
    return np.array(ms), float(np.mean(cpu_ms)), framed


async def load_test(expression, counts, rate, moves, cwd, env, report):
    """Run a round for each N in `counts`; `report(n, ms, cpu_ms, framed, load)` each."""
    learners = []
    try:
        for _ in range(max(counts)):
            learners.append(await start_learner(expression, moves, cwd, env))
        await asyncio.sleep(2)   # let start-up work settle
        await round_of(learners, rate, seed=-1)   # a first drag each, not counted (warm-up)
        for seed, n in enumerate(counts):
            ms, cpu_ms, framed = await round_of(learners[:n], rate, seed)
            report(n, ms, cpu_ms, framed, os.getloadavg())
            await asyncio.sleep(1)
        return [lr.process.memory_info().rss for lr in learners]
    finally:
        for lr in learners:
            lr.kc.stop_channels()
            await lr.km.shutdown_kernel(now=True)
