"""Time every explorer's slider updates in the kernel: compute, draw, note and send apart.

For each explorer, each control is swept over its range (50 values a slider; a value-list
slider or a dropdown cycles through its options), and each ``update`` is split into the
explorer's own three steps, timed on the instance, and what goes to the page:

* ``compute``: ``_compute(values)``, the numbers behind the picture;
* ``draw``: ``_draw(data)``, moving the existing artists (no rendering);
* ``note``: ``_note(data)``, the sentence under the picture;
* ``send``: ``canvas.send_frame()`` as for a connected page at ``--dpr``: the moving
  artists' drawing orders, serialised to JSON as the widget message is (and the static
  picture, rendered again when its look changes);

plus ``update``, the whole ``update()`` call (the four, and the widget sync): the
kernel's CPU per slider move; and ``ahead``, drawing the frames one step either side of
the control (``rnnlab.widgets.ahead``), which the kernel adds once per move that the page
then rests on for a quarter of a second (not during drags). Every figure is CPU time of the process
(``time.process_time``, all threads) except ``wall``, the update's wall-clock time.
The load average is printed first and last: the machine may be shared.
``benchmarks/bench_browser.py`` measures the whole wait in a browser.

    python benchmarks/bench_widgets.py [--n 50] [--dpr 1] [--only LSTMFlow StoreRecall]

Target (issue: kernel CPU per update): median update <= 10 ms for every control of every
explorer; the explorer's own compute + draw + note should stay within 7 ms.
"""
import argparse
import json
import os
import time

import numpy as np

import rnnlab as rl
from rnnlab import tasks
from rnnlab.optim import Adam
from rnnlab.train import train
from rnnlab.pretrained import timer_rnn
from rnnlab.widgets.ahead import draw_ahead
from rnnlab.widgets import (BifurcationExplorer, BPTTExplorer, CellsFlowExplorer, CliffExplorer,
                            GatesExplorer, GateSurfaceExplorer, GradientFlowExplorer,
                            GRUGatesExplorer, LSTMFlowExplorer, RepeatExplorer,
                            StoreRecallExplorer, TimerExplorer, UnrollExplorer)

TARGET_UPDATE_MS, TARGET_OWN_MS = 10.0, 7.0
STEPS = ("compute", "draw", "note")


def sweep_values(control, n):
    """``n`` values of a control: evenly over a slider's range, or its options in turn."""
    if hasattr(control, "options"):
        options = list(control.options)
        return [options[i % len(options)] for i in range(n)]
    values = np.linspace(control.min, control.max, n)
    if isinstance(control.value, (int, np.integer)):
        return [int(round(v)) for v in values]
    return [float(v) for v in values]


def _timed(obj, method_name, log, name):
    """Wrap ``obj.<method_name>`` on the instance: its CPU ms go to ``log[name]``."""
    method = getattr(obj, method_name)

    def timed(*args, **kwargs):
        t0 = time.process_time()
        out = method(*args, **kwargs)
        log[name].append(1000 * (time.process_time() - t0))
        return out
    setattr(obj, method_name, timed)


def connect_page(explorer, dpr):
    """Make the explorer's canvas act as if a page showed it at ``dpr``: frames are built
    and their messages serialised as the widget's comm does, then dropped."""
    canvas = explorer.canvas
    canvas.dpr, canvas.connected = float(dpr), True
    canvas.send = lambda content, buffers=None: json.dumps(content)


def time_explorer(explorer, n, dpr=1.0):
    """CPU milliseconds per update, per control: dict name -> dict column -> array."""
    log = {}
    connect_page(explorer, dpr)
    explorer.update()                               # first frame: sends the static picture
    for step in STEPS:
        _timed(explorer, f"_{step}", log, step)
    _timed(explorer.canvas, "send_frame", log, "send")
    times = {}
    for name, control in explorer.controls.items():
        start = control.value
        log.update({k: [] for k in COLUMNS})
        for value in sweep_values(control, n):
            c0, w0 = time.process_time(), time.perf_counter()
            explorer.update(**{name: value})
            c1, w1 = time.process_time(), time.perf_counter()
            log["update"].append(1000 * (c1 - c0))
            log["wall"].append(1000 * (w1 - w0))
        explorer.update(**{name: start})
        times[name] = {k: np.array(v[:n]) for k, v in log.items() if v}
    for step in STEPS:
        delattr(explorer, f"_{step}")
    delattr(explorer.canvas, "send_frame")
    for name, ms in time_ahead(explorer, n).items():
        times[name]["ahead"] = ms
    return times


def time_ahead(explorer, n):
    """CPU ms of drawing the frames ahead (``ahead.draw_ahead``: the frames one step either
    side of the control, and the figure put back), at ``n // 5`` values of each control."""
    out = {}
    for name, control in explorer.controls.items():
        start, ms = control.value, []
        for value in sweep_values(control, max(n // 5, 1)):
            explorer.update(**{name: value})
            c0 = time.process_time()
            draw_ahead(explorer, name)
            ms.append(1000 * (time.process_time() - c0))
        explorer.update(**{name: start})
        out[name] = np.array(ms)
    return out


def trained_timer(H, seed=0):
    """A timer RNN trained for a few seconds (the explorer itself never trains)."""
    model = rl.RNN(2, H, 1, rng=seed)
    train(model, lambda rng: tasks.timer(60, 16, rng), Adam(1e-2), 400, clip=5.0, rng=seed)
    return model


EXPLORERS = {
    "UnrollExplorer(T=12)": lambda: UnrollExplorer(T=12),
    "TimerExplorer(H=8, lines)": lambda: TimerExplorer(trained_timer(8)),
    "TimerExplorer(H=16, shipped)": lambda: TimerExplorer(timer_rnn()),
    "BPTTExplorer(T=12)": lambda: BPTTExplorer(T=12),
    "GatesExplorer": GatesExplorer,
    "StoreRecallExplorer": StoreRecallExplorer,
    "LSTMFlowExplorer": LSTMFlowExplorer,
    "GateSurfaceExplorer": GateSurfaceExplorer,
    "RepeatExplorer": RepeatExplorer,
    "GradientFlowExplorer": GradientFlowExplorer,
    "CliffExplorer": CliffExplorer,
    "BifurcationExplorer": BifurcationExplorer,
    "GRUGatesExplorer(T=36)": lambda: GRUGatesExplorer(T=36),
    "CellsFlowExplorer(budget=600)": lambda: CellsFlowExplorer(budget=600),
}

COLUMNS = (*STEPS, "send", "update", "wall", "ahead")


def row(label, name, cols):
    cells = []
    for k in COLUMNS:
        ms = cols.get(k)
        cells.append("     -      -" if ms is None else
                     f"{np.median(ms):6.1f} {np.percentile(ms, 95):6.1f}")
    return f"{label:30s} {name:12s} " + " ".join(cells)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="values per slider")
    parser.add_argument("--only", nargs="*", default=None,
                        help="explorers whose label contains one of these words")
    parser.add_argument("--dpr", type=float, default=1.0, help="the page's device pixel ratio")
    args = parser.parse_args()
    if args.n < 1 or not 0.25 <= args.dpr <= 8:
        parser.error("--n must be at least 1 and --dpr in [0.25, 8]")
    chosen = {k: make for k, make in EXPLORERS.items()
              if not args.only or any(w in k for w in args.only)}
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    print(f"CPU ms per update (median p95) for a page at dpr {args.dpr:g}; construction CPU ms "
          "after each explorer's name")
    print(f"{'explorer':30s} {'control':12s} " + " ".join(f"{k:>13s}" for k in COLUMNS))
    failed = []
    for label, make in chosen.items():
        t0 = time.process_time()
        ex = make()
        built = 1000 * (time.process_time() - t0)
        times = time_explorer(ex, args.n, args.dpr)
        print(f"{label} (built in {built:.0f} ms)")
        for name, cols in times.items():
            print(row("", name, cols))
        whole = {k: np.concatenate([c[k] for c in times.values()])
                 for k in COLUMNS if all(k in c for c in times.values())}
        worst = max(np.median(c["update"]) for c in times.values())
        ok = worst <= TARGET_UPDATE_MS
        print(row("", "ALL", whole) + ("" if ok else "  SLOW"))
        if not ok:
            failed.append(label)
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    print(f"target: median update <= {TARGET_UPDATE_MS:.0f} ms for every control; "
          + ("all met" if not failed else f"missed by {', '.join(failed)}"))


if __name__ == "__main__":
    main()
