"""Time every explorer's slider updates, the picture included: update() + canvas.draw().

For each explorer, each control is swept over its range (50 values a slider; a dropdown
cycles through its options), and each update is timed together with a synchronous
``fig.canvas.draw()`` so the rendering is measured, not just the ``draw_idle`` request.
The canvas is the explorer's own live ipympl canvas (Agg underneath): every draw renders
the whole frame and encodes the PNG that the page receives. This is the kernel's share
of a slider move; ``benchmarks/bench_browser.py`` measures the whole wait in a browser.

    python benchmarks/bench_widgets.py [--n 50]

Targets (course conventions): median <= 30 ms and p95 <= 60 ms per explorer.
"""
import argparse
import time

import numpy as np

import rnnlab as rl
from rnnlab import tasks
from rnnlab.optim import Adam
from rnnlab.train import train
from rnnlab.pretrained import timer_rnn
from rnnlab.widgets import (BifurcationExplorer, BPTTExplorer, CellsFlowExplorer, CliffExplorer,
                            GatesExplorer, GateSurfaceExplorer, GradientFlowExplorer,
                            GRUGatesExplorer, LSTMFlowExplorer, RepeatExplorer,
                            StoreRecallExplorer, TimerExplorer, UnrollExplorer)

TARGET_MEDIAN_MS, TARGET_P95_MS = 30.0, 60.0


def sweep_values(control, n):
    """``n`` values of a control: evenly over a slider's range, or its options in turn."""
    if hasattr(control, "options"):
        options = list(control.options)
        return [options[i % len(options)] for i in range(n)]
    values = np.linspace(control.min, control.max, n)
    if isinstance(control.value, (int, np.integer)):
        return [int(round(v)) for v in values]
    return [float(v) for v in values]


def time_explorer(explorer, n):
    """Milliseconds per update + draw, per control: dict name -> array."""
    explorer.fig.canvas.draw()                      # first frame: fills the static cache
    times = {}
    for name, control in explorer.controls.items():
        start = control.value
        ms = []
        for value in sweep_values(control, n):
            t0 = time.perf_counter()
            explorer.update(**{name: value})
            explorer.fig.canvas.draw()
            ms.append(1000 * (time.perf_counter() - t0))
        explorer.update(**{name: start})
        times[name] = np.array(ms)
    return times


def trained_timer(H, seed=0):
    """A timer RNN trained for a few seconds (the explorer itself never trains)."""
    model = rl.RNN(2, H, 1, rng=seed)
    train(model, lambda rng: tasks.timer(60, 16, rng), Adam(1e-2), 400, clip=5.0, rng=seed)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="values per slider")
    args = parser.parse_args()
    explorers = {
        "UnrollExplorer(T=12)": UnrollExplorer(T=12),
        "TimerExplorer(H=8, lines)": TimerExplorer(trained_timer(8)),
        "TimerExplorer(H=16, heatmap, shipped)": TimerExplorer(timer_rnn()),
        "BPTTExplorer(T=12)": BPTTExplorer(T=12),
        "GatesExplorer": GatesExplorer(),
        "StoreRecallExplorer": StoreRecallExplorer(),
        "LSTMFlowExplorer": LSTMFlowExplorer(),
        "GateSurfaceExplorer": GateSurfaceExplorer(),
        "RepeatExplorer": RepeatExplorer(),
        "GradientFlowExplorer": GradientFlowExplorer(),
        "CliffExplorer": CliffExplorer(),
        "BifurcationExplorer": BifurcationExplorer(),
        "GRUGatesExplorer(T=36)": GRUGatesExplorer(T=36),
        "CellsFlowExplorer(budget=600)": CellsFlowExplorer(budget=600),
    }
    print(f"{'explorer':30s} {'control':10s} {'n':>4s} {'median ms':>10s} {'p95 ms':>8s}")
    failed = []
    for label, ex in explorers.items():
        times = time_explorer(ex, args.n)
        for name, ms in times.items():
            print(f"{label:30s} {name:10s} {len(ms):4d} {np.median(ms):10.1f} "
                  f"{np.percentile(ms, 95):8.1f}")
        allms = np.concatenate(list(times.values()))
        med, p95 = np.median(allms), np.percentile(allms, 95)
        ok = med <= TARGET_MEDIAN_MS and p95 <= TARGET_P95_MS
        print(f"{label:30s} {'ALL':10s} {len(allms):4d} {med:10.1f} {p95:8.1f}  "
              f"{'ok' if ok else 'SLOW'}")
        if not ok:
            failed.append(label)
    print(f"targets: median <= {TARGET_MEDIAN_MS:.0f} ms, p95 <= {TARGET_P95_MS:.0f} ms; "
          + ("all met" if not failed else f"missed by {', '.join(failed)}"))


if __name__ == "__main__":
    main()
