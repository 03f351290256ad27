"""How much machine a class needs on JupyterHub, from measured figures per learner.

``benchmarks/bench_hub.py`` measures a learner (memory of their server and kernel after
Run All of each chapter with its explorers moved, CPU while idle, while dragging a slider
and for Run All) and a load test (N learners dragging at once on one machine), and saves
them as ``hub/measured.json``. The functions here turn those figures into what a teacher
sets, with one assumption stated by the caller: the share of the class that drags a
slider at the same moment (``dragging``).

* Memory, per learner: the guarantee is the measured server plus kernel after the
  heaviest chapter; the limit allows the server plus two kernels at their peak (a learner
  who leaves one chapter running and opens the next). Both round up to 64 MiB.
* CPU: a dragging learner needs 1 / ``drag_per_core`` of a core, where ``drag_per_core``
  is how many learners one core kept within the 100 ms budget (p95) in the load test; an
  idle learner needs their measured idle CPU. The class's cores are the sum, rounded up;
  the per-learner guarantee is that divided by the class, rounded up to 0.05 core. The
  limit is one core: a kernel computes on one thread (Run All's CPU time over its wall
  time is measured beside it), and a limit of one stops one learner from taking two.
* The hub itself (hub and proxy) adds its measured memory once.
* If the whole class presses Run All at the same moment, the heaviest chapter's Run All
  CPU time times the class, shared by the cores, is how long the last one waits.

``python -m rnnlab.hub_sizing hub/measured.json`` prints the README's figures, load-test
and sizing tables, and the resources block of hub/config.yaml.
"""
import json
import math
import sys

CLASS_SIZES = (30, 100, 300)
DRAGGING = 1 / 3     # the share of a class that drags at the same moment (README)
KEYS = ("server_mib", "kernel_mib", "kernel_peak_mib", "hub_mib", "idle_cores",
        "drag_per_core", "run_all_cpu_s")


def _round_up(x, step):
    return math.ceil(x / step - 1e-9) * step


def _measured(measured):
    if not isinstance(measured, dict):
        raise TypeError(f"measured must be a dict of figures, got {type(measured).__name__}")
    missing = [k for k in KEYS if k not in measured]
    if missing:
        raise ValueError(f"measured lacks {missing} (benchmarks/bench_hub.py writes them)")
    bad = [k for k in KEYS if not isinstance(measured[k], (int, float)) or measured[k] < 0
           or (k == "drag_per_core" and measured[k] <= 0)]
    if bad:
        raise ValueError(f"measured figures must be non-negative numbers "
                         f"(drag_per_core positive): {bad}")
    return measured


def per_learner(measured):
    """z2jh's singleuser resources: dict memory_guarantee_mib, memory_limit_mib, cpu_limit."""
    m = _measured(measured)
    return {"memory_guarantee_mib": _round_up(m["server_mib"] + m["kernel_mib"], 64),
            "memory_limit_mib": _round_up(m["server_mib"] + 2 * m["kernel_peak_mib"], 64),
            "cpu_limit": 1}


def for_class(measured, learners, dragging=DRAGGING):
    """Cores, memory (GiB) and the CPU guarantee per learner for a class of `learners`."""
    m = _measured(measured)
    if not isinstance(learners, int) or isinstance(learners, bool) or learners < 1:
        raise ValueError(f"learners must be a positive integer, got {learners!r}")
    if not isinstance(dragging, (int, float)) or not 0 < dragging <= 1:
        raise ValueError(f"dragging must be a share in (0, 1], got {dragging!r}")
    cores = math.ceil(learners * dragging / m["drag_per_core"] + learners * m["idle_cores"] - 1e-9)
    memory = learners * per_learner(m)["memory_guarantee_mib"] + m["hub_mib"]
    return {"learners": learners, "cores": cores,
            "memory_gib": _round_up(memory / 1024, 1),
            "cpu_guarantee": _round_up(cores / learners, 0.05),
            "run_all_wait_s": learners * m["run_all_cpu_s"] / cores}


def table(measured, sizes=CLASS_SIZES, dragging=DRAGGING):
    """The README's sizing table (markdown)."""
    res = per_learner(measured)
    rows = ["| learners | cores | memory | singleuser cpu guarantee / limit "
            "| singleuser memory guarantee / limit | all press Run All at once |",
            "|---|---|---|---|---|---|"]
    for n in sizes:
        c = for_class(measured, n, dragging)
        rows.append(f"| {n} | {c['cores']} | {c['memory_gib']:.0f} GiB "
                    f"| {c['cpu_guarantee']:.2f} / {res['cpu_limit']} "
                    f"| {res['memory_guarantee_mib']}M / {res['memory_limit_mib']}M "
                    f"| {c['run_all_wait_s']:.0f} s |")
    return "\n".join(rows)


def config_resources(measured, learners=100, dragging=DRAGGING):
    """The resources block of hub/config.yaml's singleuser section, for `learners`."""
    res = per_learner(measured)
    c = for_class(measured, learners, dragging)
    return (f"  memory:\n    guarantee: {res['memory_guarantee_mib']}M\n"
            f"    limit: {res['memory_limit_mib']}M\n"
            f"  cpu:\n    guarantee: {c['cpu_guarantee']:.2f}\n    limit: {res['cpu_limit']}\n")


def within_budget(measured):
    """(counts up to the first whose p95 is over the budget, the counts from it on)."""
    rows = measured["load_test"]["rows"]
    counts = sorted(int(n) for n in rows)
    first_over = next((i for i, n in enumerate(counts)
                       if rows[str(n)][1] > measured["budget_ms"]), len(counts))
    return counts[:first_over], counts[first_over:]


def load_table(measured):
    """The load test as a markdown table: request-to-frame against N learners dragging."""
    lt = measured["load_test"]
    rows = ["| learners dragging at once | median | p95 | kernel CPU per move | load (1 min) |",
            "|---|---|---|---|---|"]
    for n, (median, p95, cpu, avg) in sorted(lt["rows"].items(), key=lambda kv: int(kv[0])):
        rows.append(f"| {n} | {median:.0f} ms | {p95:.0f} ms | {cpu:.0f} ms | {avg:.1f} |")
    return "\n".join(rows)


def figures_text(measured):
    """The measured figures in words, as the README quotes them (markdown bullets)."""
    m = _measured(measured)
    lt = m["load_test"]
    ok, over = within_budget(m)
    first = lt["rows"][str(min(int(n) for n in lt["rows"]))]
    budget, cores = f"{m['budget_ms']:.0f} ms", m["cores"]
    if ok and over:
        verdict = (f"p95 stays within {budget} up to {max(ok)} learners dragging at once and "
                   f"passes it at {min(over)}, on {cores} cores")
        if any(r[1] <= m["budget_ms"] for n, r in lt["rows"].items() if int(n) > min(over)):
            verdict += " (later counts that stay within it are not counted)"
    elif ok:
        verdict = f"p95 stays within {budget} for every N tried, up to {max(ok)}, on {cores} cores"
    else:
        verdict = f"p95 is over {budget} for every N tried, from {min(over)}, on {cores} cores"
    return "\n".join([
        f"* Measured {m['date']} on {m['cores']} cores shared with other work (load "
        f"{m['load_start'].split()[1]} at the start, {m['load_end'].split()[1]} at the end).",
        f"* Memory: a learner's server takes {m['server_mib']:.0f} MiB and their kernel "
        f"{m['kernel_mib']:.0f} MiB resident after Run All of the heaviest chapter "
        f"({m['heaviest_chapter']}) with its explorers moved; a kernel's peak is "
        f"{m['kernel_peak_mib']:.0f} MiB; the hub and its proxy take {m['hub_mib']:.0f} MiB.",
        f"* CPU: dragging a slider of {lt['explorer']} (the costliest explorer per move) at "
        f"{lt['rate']:g} moves a second takes {m['drag_cores']:.2f} of a core "
        f"({first[2]:.0f} ms a move); an idle server and kernel take "
        f"{1000 * m['idle_cores']:.1f} ms a second; Run All of a chapter takes up to "
        f"{m['run_all_cpu_s']:.0f} CPU seconds. At a human pace, an hour with one Run All "
        f"and {m['drag_s'] // 60:.0f} minutes of dragging averages "
        f"{m['human_pace_cores']:.3f} of a core.",
        f"* Load test: {verdict}."])


def limits_text(measured, dragging=DRAGGING):
    """What limits a class on one server, and how loaded the load test's machine was."""
    m = _measured(measured)
    c = for_class(m, 100, dragging)
    ratio = c["memory_gib"] / c["cores"]
    text = (f"On one server, 100 learners need {c['cores']} cores and {c['memory_gib']:.0f} GiB: "
            f"on a machine with less than {ratio:.1f} GiB a core, memory limits the class "
            f"first; with more, the cores that dragging learners need.")
    busiest = max(r[3] for r in m["load_test"]["rows"].values())
    if busiest > m["cores"]:
        text += (f" The load test ran beside other work (a load of up to {busiest:.1f} on "
                 f"{m['cores']} cores), so on an idle machine the same cores serve at least as "
                 f"many learners, and the table errs on the side of more cores.")
    return text


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m rnnlab.hub_sizing hub/measured.json")
    with open(args[0], encoding="utf-8") as f:
        measured = json.load(f)
    print(figures_text(measured))
    print()
    print(load_table(measured))
    print()
    print(table(measured))
    print()
    print(limits_text(measured))
    print()
    print(config_resources(measured), end="")


if __name__ == "__main__":
    main()
