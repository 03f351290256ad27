"""Time Run All of every chapter, cell by cell, for the instructor's guide.

Each notebook is executed with nbclient in a fresh kernel, one cell at a time, and every
code cell's wall-clock time and the kernel's CPU time (user + system, its child processes
included, read with psutil) are recorded with the cell's id, section heading, tags, first
line, and the checks and explorers it calls. The machine may be shared: the 1-minute load
average is recorded before and after each notebook, and the CPU time stands beside the
wall time, so that time spent waiting for a core can be told from work. The figures go to
a small JSON file that ``python -m rnnlab.teaching`` reads to budget the live steps of its
lesson plans:

    python benchmarks/time_chapters.py                       # all chapters
    python benchmarks/time_chapters.py --out rnnlab/data/chapter_timings.json 01 03

It prints one line per notebook and the slowest cells. Run it on an idle machine if you
can, and regenerate the guide afterwards (``python -m rnnlab.teaching teaching/``).
"""
import argparse
import datetime
import json
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "rnnlab" / "data" / "chapter_timings.json"


def use_this_python(tmp):
    """Make ``python3`` kernels run this interpreter with this checkout of rnnlab importable."""
    spec_dir = Path(tmp) / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    for var, first in (("JUPYTER_PATH", tmp), ("PYTHONPATH", str(ROOT))):
        os.environ[var] = os.pathsep.join(p for p in (first, os.environ.get(var, "")) if p)


def kernel_cpu(process):
    """CPU seconds (user + system) of the kernel process and its children so far."""
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


CALLS = re.compile(r"\b(check_\w+|\w+Explorer)\(")


def headings(source):
    """The ``##`` and ``###`` headings of a markdown cell, in order."""
    return [line for line in source.splitlines() if line.startswith(("## ", "### "))]


def time_notebook(path, timeout=600):
    """Run ``path`` cell by cell; return its timings as a dict (see the module docstring)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    load_before = os.getloadavg()[0]
    section, subsection, cells = "", "", []
    t_start = time.perf_counter()
    with client.setup_kernel():
        kernel = psutil.Process(client.km.provisioner.process.pid)
        startup = time.perf_counter() - t_start
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                for line in headings(cell.source):
                    if line.startswith("## "):
                        section, subsection = line[3:].strip(), ""
                    else:
                        subsection = line[4:].strip()
                continue
            if cell.cell_type != "code":
                continue
            c0, t0 = kernel_cpu(kernel), time.perf_counter()
            client.execute_cell(cell, index)
            wall, cpu = time.perf_counter() - t0, kernel_cpu(kernel) - c0
            first = next((ln for ln in cell.source.splitlines()
                          if ln.strip() and not ln.startswith("#")), "")
            cells.append({"id": cell.get("id", ""), "index": index, "section": section,
                          "subsection": subsection, "tags": cell.metadata.get("tags", []),
                          "first_line": first[:80],
                          "calls": sorted(set(CALLS.findall(cell.source))),
                          "wall_s": round(wall, 3), "cpu_s": round(cpu, 3)})
    return {"run_all_wall_s": round(time.perf_counter() - t_start, 2),
            "kernel_startup_s": round(startup, 2),
            "cells_wall_s": round(sum(c["wall_s"] for c in cells), 2),
            "cells_cpu_s": round(sum(c["cpu_s"] for c in cells), 2),
            "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
            "cells": cells}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="notebook name prefixes (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.chapters:
        paths = [p for p in paths if any(p.name.startswith(c) for c in args.chapters)]
    old = json.loads(args.out.read_text()) if args.out.exists() else {}
    notebooks = dict(old.get("notebooks", {}))
    print(f"load average (1, 5, 15 min) at start: {os.getloadavg()}, "
          f"{os.cpu_count()} CPUs")
    tmp = tempfile.TemporaryDirectory()
    use_this_python(tmp.name)
    for path in paths:
        t = time_notebook(path)
        notebooks[path.stem] = t
        slow = sorted(t["cells"], key=lambda c: -c["wall_s"])[:3]
        print(f"{path.stem:26s} Run All {t['run_all_wall_s']:6.1f} s wall (kernel start "
              f"{t['kernel_startup_s']:.1f} s), cells {t['cells_wall_s']:6.1f} s wall / "
              f"{t['cells_cpu_s']:6.1f} s CPU, load {t['load_before']:.2f} -> "
              f"{t['load_after']:.2f}")
        for c in slow:
            print(f"    {c['wall_s']:6.2f} s wall {c['cpu_s']:6.2f} s CPU  [{c['section'][:30]}] "
                  f"{c['first_line'][:50]}")
    data = {"what": "wall and kernel CPU seconds per code cell of each notebook, executed "
                    "cell by cell with nbclient (benchmarks/time_chapters.py)",
            "measured": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "system": platform.system()},
            "notebooks": dict(sorted(notebooks.items()))}
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    print(f"load average at end: {os.getloadavg()}; wrote {args.out}")


if __name__ == "__main__":
    main()
