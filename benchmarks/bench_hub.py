"""What a learner costs on JupyterHub, and a load test: the figures behind the README's sizing.

1. Kernel CPU per slider move for every explorer (benchmarks/bench_widgets.py's
   ``update``, the median over every control).
2. One learner on a real JupyterHub (127.0.0.1, as tests/test_hub.py starts it): logs in,
   pulls the course with nbgitpuller from a local clone, runs every chapter (Run All, in a
   fresh kernel each, over the websocket as JupyterLab does), then moves every explorer
   the chapter displayed over each control (10 values, a page connected to its canvas).
   Printed per chapter: resident memory of the server and the kernel, the kernel's peak
   (VmHWM), and Run All's kernel CPU and wall time; then the CPU of the server and a
   kernel sitting idle for 10 s, and the memory of the hub and its proxy.
3. Load test (benchmarks/hub_load.py): N = 1, 2, 4, 8, 16 learners, each with their own
   kernel, drag a slider of the costliest explorer at 5 moves a second, all at once;
   request-to-frame median and p95 against N, and the kernel's CPU per move.

From these it prints the learner at a human pace, the sizing table of the README and the
resources block of hub/config.yaml (rnnlab.hub_sizing), and saves the figures to
hub/measured.json (``--out``). The machine may be shared: the load average is printed with
every figure; run it when ``uptime`` shows a load below 2 if you can. A few minutes.

    python benchmarks/bench_hub.py [--counts 1 2 4 8 16] [--rate 5] [--moves 25] [--out PATH]
"""
import argparse
import asyncio
import ast
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests"), str(ROOT)]   # the checkout's rnnlab

from bench_widgets import EXPLORERS, time_explorer  # noqa: E402
from conftest import pinned_kernel_env  # noqa: E402
from hub_load import load_test  # noqa: E402
from hubclient import Hub, clone_course  # noqa: E402

from rnnlab import hub_sizing  # noqa: E402

MIB = 2 ** 20
BUDGET_MS = 100.0
SESSION_S, DRAG_S = 3600, 300   # a learner at a human pace: one hour, 5 minutes of it dragging
MOVE_ALL = """\
import numpy as np
from rnnlab.widgets import Explorer
_moves = 0
for _ex in [v for v in list(globals().values()) if isinstance(v, Explorer)]:
    try:   # a page shows the figure (the canvas's "ready" message): frames are sent
        _ex.canvas._handle_custom_msg({"type": "ready", "dpr": 2}, [])
    except Exception:
        pass
    for _name, _c in _ex.controls.items():
        _vals = (list(_c.options) if hasattr(_c, "options")
                 else [int(round(v)) if isinstance(_c.value, int) else float(v)
                       for v in np.linspace(_c.min, _c.max, 10)])
        for _v in _vals:
            _ex.update(**{_name: _v})
            _moves += 1
print(_moves)
"""


def load():
    return "load %.2f %.2f %.2f" % os.getloadavg()


def cpu_s(*procs):
    return sum(sum(p.cpu_times()[:2]) for p in procs)


def hwm_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def per_move_cpu(n):
    """Section 1: {label: (median, p95) of CPU ms per update over every control}."""
    print(f"\n1. Kernel CPU per slider move ({n} values a control; {load()})")
    print(f"{'explorer':32s} {'median ms':>9s} {'p95 ms':>7s}")
    out = {}
    for label, make in EXPLORERS.items():
        times = time_explorer(make(), n)   # a page connected: the frame is sent
        ms = np.concatenate([t["update"] for t in times.values()])
        out[label] = (float(np.median(ms)), float(np.percentile(ms, 95)))
        print(f"{label:32s} {out[label][0]:9.1f} {out[label][1]:7.1f}")
    return out


def _rnnlab_env(work):
    env = pinned_kernel_env(work / "kernel", base={})
    return {"JUPYTER_PATH": env["JUPYTER_PATH"], "PYTHONPATH": str(ROOT)}


def learner_on_hub(work, clone):
    """Section 2: one learner through every chapter on a real hub; the figures."""
    print(f"\n2. One learner on JupyterHub, every chapter ({load()})")
    hub = Hub(work / "hub", environment=_rnnlab_env(work))
    try:
        learner = hub.add_learners(["learner"])[0]
        learner.login()
        learner.pull(f"repo={clone.as_uri()}&branch=main")
        procs = psutil.Process(hub.proc.pid).children(recursive=True)
        server = next(p for p in procs if "jupyterhub.singleuser" in " ".join(p.cmdline()))
        proxy = [p for p in procs if "configurable-http-proxy" in " ".join(p.cmdline())]
        print(f"{'chapter':24s} {'server MiB':>10s} {'kernel MiB':>10s} {'peak MiB':>8s} "
              f"{'Run All CPU s':>13s} {'wall s':>6s} {'moves':>5s}  load")
        rows = []
        notebooks = sorted((clone / "notebooks").glob("*.ipynb"))
        for nb in notebooks:
            path = f"rnnlab/notebooks/{nb.name}"
            cells = learner.contents(path)["content"]["cells"]
            kernel = learner.open_notebook(path)
            try:
                _, out = kernel.execute("import os\nprint(os.getpid())")
                kp = psutil.Process(int(out[0]["text"]))
                c0, t0 = cpu_s(kp), time.perf_counter()
                ran = kernel.run_cells(cells)
                wall, cpu = time.perf_counter() - t0, cpu_s(kp) - c0
                failed = [i for i, (status, _) in enumerate(ran) if status != "ok"]
                if failed:
                    raise RuntimeError(f"{nb.name}: cells {failed} failed")
                status, out = kernel.execute(MOVE_ALL)
                moves = int(out[-1]["text"]) if status == "ok" else -1
                row = {"chapter": nb.stem, "server_mib": server.memory_info().rss / MIB,
                       "kernel_mib": kp.memory_info().rss / MIB, "kernel_peak_mib": hwm_mib(kp.pid),
                       "run_all_cpu_s": cpu, "run_all_wall_s": wall, "moves": moves}
                if nb == notebooks[-1]:
                    c0 = cpu_s(server, kp)
                    time.sleep(10)
                    row["idle_cores"] = (cpu_s(server, kp) - c0) / 10
            finally:
                kernel.close()
            rows.append(row)
            print(f"{nb.stem:24s} {row['server_mib']:10.0f} {row['kernel_mib']:10.0f} "
                  f"{row['kernel_peak_mib']:8.0f} {cpu:13.1f} {wall:6.1f} {moves:5d}  {load()}")
        hub_mib = (psutil.Process(hub.proc.pid).memory_info().rss
                   + sum(p.memory_info().rss for p in proxy)) / MIB
    finally:
        hub.stop()
    idle = rows[-1]["idle_cores"]
    print(f"server and kernel idle for 10 s: {1000 * idle:.1f} ms CPU a second; "
          f"hub and proxy: {hub_mib:.0f} MiB ({load()})")
    return rows, idle, hub_mib


def run_load_test(work, expression, counts, rate, moves):
    """Section 3: the load test table; {n: (median, p95, CPU ms a move, load)}."""
    print(f"\n3. Load test: {expression}, {rate:g} moves a second, {moves} moves a learner, "
          f"all learners at once, on {os.cpu_count()} cores")
    print(f"{'N':>3s} {'median ms':>9s} {'p95 ms':>7s} {'max ms':>7s} {'CPU ms/move':>11s} "
          f"{'frames':>9s}  load")
    results = {}

    def report(n, ms, cpu_ms, framed, avg):
        results[n] = (float(np.median(ms)), float(np.percentile(ms, 95)), cpu_ms, avg[0])
        print(f"{n:3d} {np.median(ms):9.1f} {np.percentile(ms, 95):7.1f} {ms.max():7.1f} "
              f"{cpu_ms:11.1f} {framed:4d}/{len(ms):<4d}  load %.2f %.2f %.2f" % avg, flush=True)

    env = {**os.environ, **_rnnlab_env(work)}
    os.environ["JUPYTER_PATH"] = env["JUPYTER_PATH"]
    rss = asyncio.run(load_test(expression, counts, rate, moves, ROOT, env, report))
    print(f"kernel with the explorer on show: {np.median(rss) / MIB:.0f} MiB resident (median)")
    return results


def _expression(label):
    expr = label if "(" in label else f"{label}()"
    try:
        ast.parse(expr, mode="eval")
        return expr
    except SyntaxError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--rate", type=float, default=5.0, help="moves a second while dragging")
    parser.add_argument("--moves", type=int, default=25, help="moves in each learner's drag")
    parser.add_argument("--n", type=int, default=10, help="values a control in section 1")
    parser.add_argument("--explorer", default=None, help="expression of the load test's explorer")
    parser.add_argument("--out", default=str(ROOT / "hub" / "measured.json"))
    args = parser.parse_args()
    if min(args.counts) < 1 or args.rate <= 0 or args.moves < 2 or args.n < 1:
        parser.error("--counts, --rate, --n must be positive and --moves at least 2")
    start = load()
    print(f"bench_hub on {os.cpu_count()} cores; {start}")
    per_move = per_move_cpu(args.n)
    expression = args.explorer or _expression(max(
        (k for k in per_move if _expression(k)), key=lambda k: per_move[k][0]))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clone = work / "remote" / "rnnlab"
        clone_course(ROOT, clone)
        rows, idle, hub_mib = learner_on_hub(work, clone)
        results = run_load_test(work, expression, args.counts, args.rate, args.moves)
    heavy = max(rows, key=lambda r: r["kernel_mib"])
    drag_cores = results[min(results)][2] * args.rate / 1000
    run_all = max(r["run_all_cpu_s"] for r in rows)
    human = (run_all + drag_cores * DRAG_S + idle * SESSION_S) / SESSION_S
    measured = {
        "server_mib": round(max(r["server_mib"] for r in rows), 1),
        "kernel_mib": round(max(r["kernel_mib"] for r in rows), 1),
        "kernel_peak_mib": round(max(r["kernel_peak_mib"] for r in rows), 1),
        "hub_mib": round(hub_mib, 1), "idle_cores": round(idle, 4),
        "drag_per_core": None,   # from the load test's rows, below
        "drag_cores": round(drag_cores, 4), "run_all_cpu_s": round(run_all, 1),
        "run_all_wall_s": round(max(r["run_all_wall_s"] for r in rows), 1),
        "heaviest_chapter": heavy["chapter"], "human_pace_cores": round(human, 4),
        "session_s": SESSION_S, "drag_s": DRAG_S, "budget_ms": BUDGET_MS,
        "load_test": {"explorer": expression, "rate": args.rate, "moves": args.moves,
                      "rows": {str(n): [round(v, 1) for v in r] for n, r in results.items()}},
        "per_move_ms": {k: round(v[0], 1) for k, v in per_move.items()},
        "chapters": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()}
                     for r in rows],
        "cores": os.cpu_count(), "load_start": start, "load_end": load(),
        "date": datetime.date.today().isoformat()}
    within, _ = hub_sizing.within_budget(measured)
    measured["drag_per_core"] = max(within, default=1) / os.cpu_count()
    print("\nThe figures (README):")
    print(hub_sizing.figures_text(measured))
    print()
    print(hub_sizing.load_table(measured))
    print(f"\nSizing (a third of the class dragging at once; {load()}):")
    print(hub_sizing.table(measured))
    print(hub_sizing.limits_text(measured))
    print("\nhub/config.yaml, singleuser resources (a class of 100):")
    print(hub_sizing.config_resources(measured), end="")
    if args.out:
        Path(args.out).write_text(json.dumps(measured, indent=1) + "\n")
        print(f"figures saved to {args.out}")


if __name__ == "__main__":
    main()
