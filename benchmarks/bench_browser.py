"""The wait a learner feels: key press on a slider to new pixels on the explorer's canvas.

Starts JupyterLab on 127.0.0.1 with a copy of the notebooks (the browser test's setup),
opens each one in headless Chromium (Playwright, viewport 1400x1000), runs all cells,
then, for every explorer (a cell showing controls and a figure) and every control,
presses keys (a dropdown: picks the next option) at a learner's pace (``--pace``: one press
every 0.6 s at least, looking at each picture) and times each press from the key event
to the canvas receiving its new frame. The page's canvas drawing is hooked (``drawImage``
onto the visible canvas), so the times are page timestamps, not sleeps. A press counts
as settled once its frame is followed by ``--quiet`` ms without another; "frames" is how
many frames one press produced. Each explorer's slider with the most values is also
dragged once, for about a second as a hand would: the drag table gives the values passed,
the frames drawn and the time from releasing the mouse to the last frame (a backlog
shows as a long tail).

Everything runs at device pixel ratios 1 and 2 (a high-dpi screen). Beside the page's
figures, "kernel" is the time the kernel spent per press (``update``, which computes and
sends the moving artists; on an older checkout whose explorers drew on ipympl canvases,
plus the canvas draw and image encoding), wall-clock and CPU, measured inside the kernel
during the same presses at both ratios: the difference is spent in messages and in the
page's painting. Run on an older checkout (``PYTHONPATH=<checkout> python
<checkout>/benchmarks/bench_browser.py`` with this file copied there) to get "before".

    python benchmarks/bench_browser.py [notebooks/01_unrolling.ipynb ...] [--presses 12]
        [--dpr 1 2] [--no-drag] [--trace trace.json]

Targets (issue "Explorers that keep up with a drag", on an idle machine): median <= 25 ms
and p95 <= 50 ms at ratios 1 and 2; a drag's last frame lands within 50 ms of the release. Needs Chromium at /usr/bin/chromium and Playwright for Python.
Timings on a busy machine are not comparable: the load average is printed with them.
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))
# the browser test's JupyterLab (quiet settings, a pinned kernel) and Chromium flags
from test_notebooks_browser import (CHROMIUM, CHROMIUM_ARGS, _menu,  # noqa: E402
                                    _shut_down_kernels, start_lab, stop_lab)
TARGETS = {1: (25.0, 50.0), 2: (25.0, 50.0)}   # dpr -> (median, p95) ms
PARTS = {}   # (page, control) -> per press: key to sent, sent to frame message in, to pixels
DRAG_TARGET_MS = 50.0
# an explorer's figure: drawn in the page (rnnlab's PageCanvas), or an ipympl canvas (the
# path before it, for a "before" measurement on an older checkout)
FIGURE = ".rnnlab-figure, .jupyter-matplotlib-canvas-div"
CONTROL = ".widget-slider, .widget-dropdown"

# Installed before JupyterLab loads: timestamps of key events, mouse releases and every
# frame an explorer's figure paints: the "rnnlab-frame" event of rnnlab's page module,
# or a drawImage onto an ipympl figure's visible canvas (ipympl paints each frame that way).
PAGE_HOOK = """
(() => {
  const b = window.__bench = {frames: [], key: null, release: null, nextId: 0};
  document.addEventListener('rnnlab-frame', e => {
    const c = e.target;
    if (!c.dataset.benchId) c.dataset.benchId = String(++b.nextId);
    b.frames.push([Number(c.dataset.benchId), performance.now()]);
  }, true);
  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = drawImage.apply(this, args);
    const c = this.canvas;
    if (c && c.isConnected && c.closest('.jupyter-matplotlib-canvas-div')
        && c.style.zIndex !== '1') {
      if (!c.dataset.benchId) c.dataset.benchId = String(++b.nextId);
      b.frames.push([Number(c.dataset.benchId), performance.now()]);
    }
    return result;
  };
  // where the wait goes: messages the page sends to the server and receives from it
  b.sent = []; b.received = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (...args) {
    b.sent.push(performance.now());
    return send.apply(this, args);
  };
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);   // heard before the page's own handler, registered later
      this.addEventListener('message', () => b.received.push(performance.now()));
    }
  };
  // [key to first message sent, sent to the frame's message in, message in to pixels,
  // both as wall-clock ms (to meet the kernel's), 1 if the frame was drawn ahead: on the
  // page before the press went out to the kernel]
  b.parts = (key, frame) => {
    const out = b.sent.find(t => t >= key), back = b.received.filter(t => t <= frame).pop();
    const t = performance.timeOrigin, none = [NaN, NaN, NaN, NaN, NaN];
    if (out === undefined || frame < out) return [...none.slice(0, 5), 1];
    return back === undefined || back < out ? [...none, 0]
      : [out - key, back - out, frame - back, t + out, t + back, 0];
  };
  document.addEventListener('keydown', e => { b.key = e.timeStamp; }, true);
  // a dropdown is set by choosing an option (headless Chromium's closed select ignores keys)
  document.addEventListener('change', e => { b.key = b.key ?? e.timeStamp; }, true);
  document.addEventListener('pointerup', e => { b.release = e.timeStamp; }, true);
  // resolves once `id` drew at least one frame after `since` and then none for `quiet` ms
  b.settle = (id, since, quiet, timeout) => new Promise(resolve => {
    const t0 = performance.now();
    const poll = () => {
      const mine = b.frames.filter(([i, t]) => i === id && t > since).map(([, t]) => t);
      const now = performance.now();
      if ((mine.length && now - mine[mine.length - 1] >= quiet) || now - t0 > timeout) {
        resolve(mine);
      } else {
        setTimeout(poll, 5);
      }
    };
    poll();
  });
})();
"""

# Appended to the notebook copy: times, inside the kernel, each explorer update and each
# ipympl canvas draw (render + image encoding + sending; the path before the page drew the
# figures: now the frame is sent inside the update), one JSON line per event, with the
# wall-clock ms and the kernel process's CPU ms.
KERNEL_HOOK = """# benchmark hook (added by bench_browser.py)
import json as _json, os as _os, time as _time
from rnnlab.widgets.base import Explorer as _Explorer
_bench_log, _bench_depth = open({log!r}, "a", buffering=1), [0]
def _bench_timed(cls, attr, kind):
    original = getattr(cls, attr)
    def timed(self, *args, **kwargs):
        _bench_depth[0] += 1
        t0, c0, e0 = _time.perf_counter(), _time.process_time(), 1000 * _time.time()
        try:
            return original(self, *args, **kwargs)
        finally:
            _bench_depth[0] -= 1
            fig = self.fig if kind == "update" else self.figure
            if _bench_depth[0] == 0:
                _bench_log.write(_json.dumps({{"pid": _os.getpid(), "fig": id(fig), "kind": kind,
                    "control": next(iter(kwargs), None), "t": t0,
                    "ms": 1000 * (_time.perf_counter() - t0),
                    "cpu": 1000 * (_time.process_time() - c0),
                    "epoch": [e0, 1000 * _time.time()]}}) + "\\n")
    setattr(cls, attr, timed)
_bench_timed(_Explorer, "update", "update")
try:
    from ipympl.backend_nbagg import Canvas as _Canvas
    _bench_timed(_Canvas, "draw", "draw")
except ImportError:
    pass
"""


NO_AHEAD = """
import rnnlab.widgets.ahead as _ahead
_ahead.AHEAD_AFTER_S = None   # no frames ahead (bench_browser.py --no-ahead)
"""


def copy_with_hook(notebook, root, log, ahead=True):
    """Copy ``notebook`` into ``root`` with the kernel timing hook as its last cell (and,
    with ``ahead=False``, no frames drawn ahead: every press waits for the kernel)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    hook = KERNEL_HOOK.format(log=str(log)) + ("" if ahead else NO_AHEAD)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {},
                        "outputs": [], "source": hook})
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    for key in ("widgets", "jupytext"):    # no saved widgets, no pairing with a .py
        nb["metadata"].pop(key, None)
    (root / Path(notebook).name).write_text(json.dumps(nb), encoding="utf-8")


def run_all(page):
    """Run all cells and wait until every cell has run and the kernel is idle."""
    page.wait_for_function("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                           "?.getAttribute('data-status') === 'idle'", timeout=90_000)
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    for attempt in range(3):   # a click while the kernel is still connecting can be lost
        _menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function("() => [...document.querySelectorAll("
                                   "'.jp-CodeCell .jp-InputArea-prompt')]"
                                   ".some(p => /\\[[\\d*]+\\]/.test(p.textContent))",
                                   timeout=30_000)
            break
        except Exception:
            if attempt == 2:
                raise
    page.wait_for_function("""() => {
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
        const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
        return prompts.length && prompts.every(p => /\\[\\d+\\]/.test(p.textContent))
            && ind.getAttribute('data-status') === 'idle';
    }""", timeout=600_000, polling=250)


def explorers_in(page):
    """Cells that show controls and a figure, as (label, cell, figure, controls)."""
    found = []
    for i, cell in enumerate(page.locator(".jp-Notebook .jp-CodeCell").all()):
        out = cell.locator(".jp-OutputArea")
        if not (out.locator(FIGURE).count() and out.locator(CONTROL).count()):
            continue
        source = cell.locator(".jp-InputArea-editor").inner_text()
        name = re.search(r"(\w+Explorer)\(", source)
        label = f"cell {i}: {name.group(1) if name else 'explorer'}"
        controls = [(c.locator(".widget-label").first.inner_text().strip(), c)
                    for c in out.locator(CONTROL).all()]
        found.append((label, cell, out.locator(FIGURE).first, controls))
    return found


def canvas_id(page, figure):
    """The page-hook id of a figure's visible canvas (given at its first frame)."""
    return int(figure.locator("canvas").first.get_attribute("data-bench-id") or 0)


def press_times(page, figure, control, presses, quiet, pace=0.0):
    """Key press to last frame (ms) and frames drawn, for ``presses`` presses, one every
    ``pace`` ms at most (the next once the last press settled)."""
    slider = control.locator(".noUi-handle")
    target = slider.first if slider.count() else control.locator("select").first
    target.scroll_into_view_if_needed()
    figure.scroll_into_view_if_needed()
    cid = canvas_id(page, figure)
    ms, frames, forward, parts = [], [], True, []
    last = None
    for _ in range(presses):
        if last is not None:
            wait = pace - page.evaluate("last => performance.now() - last", last)
            if wait > 0:
                page.wait_for_timeout(wait)
        if slider.count():
            now, top, low = (target.get_attribute(a) for a in
                             ("aria-valuenow", "aria-valuemax", "aria-valuemin"))
            forward = (forward or now == low) and now != top
            key = "ArrowRight" if forward else "ArrowLeft"
        else:
            options = target.locator("option").count()
            index = target.evaluate("s => s.selectedIndex")
            forward = (forward or index == 0) and index != options - 1
            key = "ArrowDown" if forward else "ArrowUp"
        target.focus()
        start = last = page.evaluate("() => { window.__bench.key = null; "
                                     "return performance.now(); }")
        if slider.count():
            page.keyboard.press(key)
        else:
            target.select_option(index=index + (1 if forward else -1))
        got = page.evaluate("([id, since, quiet]) => window.__bench.settle(id, since, quiet, 5000)"
                            ".then(f => [window.__bench.key, f, f.length ? window.__bench"
                            ".parts(window.__bench.key, f[f.length - 1]) : null])",
                            [cid, start, quiet])
        key_t, drawn, split = got
        if key_t is None or not drawn:
            ms.append(np.nan)
            frames.append(0)
            continue
        ms.append(drawn[-1] - key_t)
        frames.append(len(drawn))
        parts.append(split or [np.nan] * 6)
    PARTS[(id(page), id(control))] = np.array(parts, float).reshape(-1, 6)
    return np.array(ms), np.array(frames)


def disabled(control):
    """The control does not take keys now (ipywidgets marks its parts ``disabled``)."""
    return control.evaluate("c => !!c.querySelector('[disabled]')")


def enable(page, control, controls):
    """Make ``control`` usable if a dropdown's choice disables it (the cliff explorer's
    threshold while clipping is off): pick the dropdowns' next options until it is.
    Returns whether it is enabled."""
    for _, other in controls:
        select = other.locator("select")
        if not disabled(control):
            break
        if other is control or not select.count():
            continue
        n = select.first.locator("option").count()
        for _ in range(n - 1):
            index = select.first.evaluate("s => s.selectedIndex")
            select.first.select_option(index=(index + 1) % n)
            page.wait_for_timeout(300)
            if not disabled(control):
                break
    return not disabled(control)


def drag(page, figure, control, quiet):
    """Drag a slider's handle across most of its track in about a second."""
    handle = control.locator(".noUi-handle").first
    track = control.locator(".noUi-target").first
    handle.scroll_into_view_if_needed()
    figure.scroll_into_view_if_needed()
    cid = canvas_id(page, figure)
    h, t = handle.bounding_box(), track.bounding_box()
    y = h["y"] + h["height"] / 2
    x0 = h["x"] + h["width"] / 2
    x1 = t["x"] + (0.15 if x0 > t["x"] + t["width"] / 2 else 0.85) * t["width"]
    start = page.evaluate("() => { window.__bench.release = null; return performance.now(); }")
    page.mouse.move(x0, y)
    page.mouse.down()
    values = set()
    for x in np.linspace(x0, x1, 40):
        page.mouse.move(float(x), y)
        values.add(handle.get_attribute("aria-valuenow"))
        page.wait_for_timeout(25)          # about 1 s of dragging, like a hand
    page.mouse.up()
    drawn, release = page.evaluate(
        "([id, since, quiet]) => window.__bench.settle(id, since, quiet, 5000)"
        ".then(f => [f, window.__bench.release])", [cid, start, quiet])
    # 0: the last frame was in before the hand let go
    tail = max(drawn[-1] - release, 0.0) if drawn and release else np.nan
    return {"values": len(values), "frames": len(drawn), "tail_ms": tail}


def kernel_times(log, offset):
    """Kernel time per update from the hook's log (lines after ``offset``):
    (fig, control) -> list of [wall ms, CPU ms].

    A draw that follows an update (an ipympl canvas asked for by ``draw_idle``) is added to it.
    """
    per, last = {}, {}
    with open(log) as f:
        f.seek(offset)
        for line in f:
            e = json.loads(line)
            cost = [e["ms"], e.get("cpu", np.nan), *e.get("epoch", [np.nan, np.nan])]
            if e["kind"] == "update":
                key = (e["fig"], e["control"])
                per.setdefault(key, []).append(cost)
                last[e["fig"]] = key
            elif e["fig"] in last:
                prev = per[last[e["fig"]]][-1]
                per[last[e["fig"]]][-1] = [prev[0] + cost[0], prev[1] + cost[1], prev[2], cost[3]]
    return per


def measure_notebook(browser, url, token, name, log, args, dpr, kernel_ms):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  device_scale_factor=dpr)
    context.add_init_script(PAGE_HOOK)
    page = context.new_page()
    page.set_default_timeout(120_000)     # a busy machine makes JupyterLab slow to answer
    # JupyterLab may ask for a kernel when it has not listed the kernelspecs yet: the default
    page.add_locator_handler(page.locator(".jp-Dialog button", has_text=re.compile("^Select$")),
                             lambda button: button.click())
    rows, drags, split = {}, {}, {}
    try:
        # a workspace of its own, reset: no tab of an earlier notebook is restored
        page.goto(f"{url}/lab/workspaces/{Path(name).stem}-{dpr}/tree/{name}"
                  f"?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        try:
            run_all(page)
        except Exception:
            page.screenshot(path=str(Path(tempfile.gettempdir()) / "bench_browser_failed.png"))
            print(page.locator(".jp-CodeCell .jp-InputArea-prompt").all_text_contents())
            print("\n".join(page.locator(".jp-OutputArea-output[data-mime-type="
                                          "'application/vnd.jupyter.stderr']").all_inner_texts()))
            raise
        page.wait_for_timeout(1000)            # let the first frames arrive
        offset = os.path.getsize(log)
        found = explorers_in(page)
        for label, cell, figure, controls in found:
            for cname, control in controls:
                page.wait_for_timeout(300)
                if not enable(page, control, controls):
                    print(f"{label} {cname}: disabled whatever the dropdowns say, not timed")
                    continue
                rows[(label, cname)] = press_times(page, figure, control, args.presses,
                                                   args.quiet, args.pace)
                split[(label, cname)] = PARTS.pop((id(page), id(control)))
            # drag the slider with the most values (a float slider's readout has a point)
            sliders = sorted(((n, c) for n, c in controls if c.locator(".noUi-handle").count()),
                             key=lambda nc: "." not in nc[1].locator(".widget-readout")
                             .inner_text())
            if args.drag and sliders:
                drags[label] = (sliders[0][0], drag(page, figure, sliders[0][1], args.quiet))
        if args.trace:
            label, cell, figure, controls = found[0]
            browser.start_tracing(page=page, path=args.trace, categories=[
                "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute",
                "blink", "toplevel"])
            press_times(page, figure, controls[0][1], 3, args.quiet)
            browser.stop_tracing()
        per = kernel_times(log, offset)
        # the hook logs figures by id and controls by name, the page has labels: both are
        # in the same order (explorers in page order, controls in the explorer's order)
        figs = list(dict.fromkeys(fig for fig, _ in per))
        for fig, (label, _, _, controls) in zip(figs, found):
            names = list(dict.fromkeys(c for f, c in per if f == fig))
            kernel_ms.update({(label, cname): per[(fig, name)]
                              for name, (cname, _) in zip(names, controls)})
    finally:
        context.close()
        _shut_down_kernels(url, token)
    return rows, drags, split


def fmt(ms):
    return f"{np.nanmedian(ms):6.0f} {np.nanpercentile(ms, 95):5.0f}" if np.isfinite(ms).any() \
        else f"{'-':>6s} {'-':>5s}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    parser.add_argument("--presses", type=int, default=12, help="key presses per control")
    parser.add_argument("--dpr", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pace", type=float, default=600.0,
                        help="ms from one key press to the next at least: a learner stepping "
                             "through values and looking at each picture")
    parser.add_argument("--quiet", type=float, default=250.0,
                        help="ms without a frame after which a press is settled")
    parser.add_argument("--no-drag", dest="drag", action="store_false")
    parser.add_argument("--no-ahead", dest="ahead", action="store_false",
                        help="no frames drawn ahead: time the kernel's round trip")
    parser.add_argument("--trace", help="write a Chromium trace of three presses here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    notebooks = [Path(p) for p in args.notebooks] or sorted((REPO_ROOT / "notebooks")
                                                            .glob("*.ipynb"))
    tmp = Path(tempfile.mkdtemp(prefix="bench_browser_"))
    root, log = tmp / "notebooks", tmp / "kernel.jsonl"
    root.mkdir()
    log.touch()
    for nb in notebooks:
        copy_with_hook(nb, root, log, args.ahead)
    shutil.copytree(REPO_ROOT / "notebooks", root, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.ipynb", "*.py", "__pycache__"))
    proc, url, token, lab_log = start_lab(root, tmp)
    results, kernel = {}, {}
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} ({os.cpu_count()} cores)", flush=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=CHROMIUM_ARGS)
            for nb in notebooks:
                for dpr in args.dpr:
                    results[(nb.stem, dpr)] = measure_notebook(
                        browser, url, token, nb.name, log, args, dpr,
                        kernel.setdefault((nb.stem, dpr), {}))
                    args.trace = None           # one trace is enough
            browser.close()
    finally:
        stop_lab(proc, lab_log)
    report(notebooks, args, results, kernel)
    shutil.rmtree(tmp, ignore_errors=True)


def report(notebooks, args, results, kernel):
    dprs = args.dpr
    head = "".join(f" | dpr {d}: median  p95 frames" for d in dprs)
    print(f"\nkey press to new pixels, ms ({args.presses} presses per control, one every "
          f"{args.pace:.0f} ms at least; frames ahead {'on' if args.ahead else 'off'})")
    print(f"{'notebook / explorer':38s} {'control':9s}{head} | kernel ms, CPU ms (medians)")
    failed = []
    for nb in notebooks:
        first = results[(nb.stem, dprs[0])][0]
        for label, cname in first:
            line = f"{nb.stem[:12] + ' ' + label:38s} {cname[:9]:9s}"
            for d in dprs:
                ms, frames = results[(nb.stem, d)][0].get((label, cname), (np.array([np.nan]),
                                                                           np.array([0])))
                line += f" | {'':6s}{fmt(ms)} {np.mean(frames):6.2f}"
                med_t, p95_t = TARGETS.get(d, (None, None))
                if not np.isfinite(ms).all() or (med_t and np.median(ms) > med_t) \
                        or (p95_t and np.percentile(ms, 95) > p95_t):
                    failed.append(f"{nb.stem} {label} {cname} at dpr {d}")
            k = [c for d in dprs for c in kernel.get((nb.stem, d), {}).get((label, cname), [])]
            line += (f" | {np.median([c[0] for c in k]):6.1f} {np.nanmedian([c[1] for c in k]):6.1f}"
                     if k else f" | {'-':>6s} {'-':>6s}")
            print(line)
    print("\nwhere the wait goes, median ms: key press to the page's first message out |"
          " out to the kernel's update | update | update to the frame's message in |"
          " message in to new pixels (presses whose frame came from the kernel); presses"
          " drawn ahead (the frame was on the page before the press went out)")
    for nb in notebooks:
        for label, cname in results[(nb.stem, dprs[0])][0]:
            line = f"{nb.stem[:12] + ' ' + label:38s} {cname[:9]:9s}"
            for d in dprs:
                parts = results[(nb.stem, d)][2].get((label, cname), np.full((1, 6), np.nan))
                k = np.array(kernel.get((nb.stem, d), {}).get((label, cname), []), float)
                n = min(len(parts), len(k))   # one update per press, in order
                cols = [parts[:, 0]] + [np.full(len(parts), np.nan)] * 3 + [parts[:, 2]]
                if n and k.shape[1] >= 4:
                    cols[1] = k[:n, 2] - parts[:n, 3]     # message out -> update starts
                    cols[2] = k[:n, 3] - k[:n, 2]
                    cols[3] = parts[:n, 4] - k[:n, 3]     # update ends -> frame message in
                line += f" | dpr {d}: " + " ".join(
                    f"{np.nanmedian(c):5.1f}" if np.isfinite(c).any() else "    -"
                    for c in cols) + f" ahead {int(np.nansum(parts[:, 5])):2d}/{len(parts)}"
            print(line)
    if args.drag:
        print("\ndrag (the slider with the most values, about 1 s): values seen at the 40 "
              "mouse moves, frames drawn, release to last frame ms")
        for nb in notebooks:
            for d in dprs:
                for label, (cname, r) in results[(nb.stem, d)][1].items():
                    print(f"{nb.stem[:12] + ' ' + label:38s} {cname[:9]:9s} dpr {d}: "
                          f"{r['values']:3d} values {r['frames']:3d} frames "
                          f"{r['tail_ms']:6.0f} ms")
                    if not r["tail_ms"] <= DRAG_TARGET_MS:
                        failed.append(f"{nb.stem} {label} drag at dpr {d}")
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("targets: median <= 25 ms, p95 <= 50 ms at dpr 1 and 2; "
          f"drag tail <= {DRAG_TARGET_MS:.0f} ms; "
          + ("all met" if not failed else "missed: " + "; ".join(failed)))


if __name__ == "__main__":
    main()
