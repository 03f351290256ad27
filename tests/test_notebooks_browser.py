"""Every notebook, opened in a real JupyterLab in headless Chromium, runs clean and its
sliders redraw their figures.

For each notebooks/*.ipynb (a copy in a temporary folder, so autosave never touches the
repository) the test runs all cells from the Run menu, waits for the kernel, and fails on
any error or warning (in the page or on the kernel's websocket), on a widget that did
not render, or on a notebook without a slider. Then, for each cell whose output holds a
slider and an explorer's figure, it moves a slider with the keyboard and requires the
figure to change; it drags a slider and requires the last frame to be the one for the value
where the slider stopped, and the explorer's still picture (shown by static renderers)
to be hidden beside the live canvas. Screenshots go to artifacts/browser/ for a person to
look at.

Needs Chromium at /usr/bin/chromium (Debian package `chromium`) and Playwright for Python;
without them the module is skipped.
"""
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import pinned_kernel_env

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright for Python is not installed")
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LAB_SETTINGS = {   # no network calls, and every cell attached to the page (no windowing)
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
# The kernel's comm manager on stderr when JupyterLab restores the notebook's saved widget
# state (before ipywidgets is imported, or for models of an earlier kernel): harmless.
JUPYTER_PLUMBING = re.compile(r"(No such comm( target registered)?: [\w.-]+\s*)+")
PLACEHOLDERS = ("Loading widget", "Error displaying widget", "Error rendering", "Model not found")
FIGURE = ".rnnlab-figure"   # an explorer's figure, drawn by rnnlab's page module
SLIDER = ".widget-slider"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(root, tmp):
    """A JupyterLab server on folder `root` (settings, log and kernelspec in `tmp`), its
    kernel pinned to this interpreter; returns (process, base url, token, log file)."""
    for name, values in LAB_SETTINGS.items():
        path = tmp / "settings" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(pinned_kernel_env(tmp), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), PYTHONUNBUFFERED="1")
    log = open(tmp / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited: "
                               f"{(tmp / 'jupyterlab.log').read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            return proc, url, token, log
        except OSError:
            if time.monotonic() > deadline:
                stop_lab(proc, log)
                raise RuntimeError("jupyter lab did not answer within 60 s")
            time.sleep(0.3)


def stop_lab(proc, log):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of notebooks/; yields (base url, token)."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    shutil.copytree(REPO_ROOT / "notebooks", root,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    try:
        proc, url, token, log = start_lab(root, tmp)
    except RuntimeError as err:
        pytest.fail(str(err))
    try:
        yield url, token
    finally:
        stop_lab(proc, log)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def kernel_messages(payload):
    """Decode a kernel websocket frame (JSON, or the binary v1 protocol) into messages."""
    if isinstance(payload, str):
        try:
            return [json.loads(payload)]
        except ValueError:
            return []
    n = int.from_bytes(payload[:8], "little")
    offsets = [int.from_bytes(payload[8 + 8 * i:16 + 8 * i], "little") for i in range(n)]
    parts = [payload[a:b] for a, b in zip(offsets, offsets[1:])]
    if len(parts) < 5:
        return []
    try:
        return [{"channel": parts[0].decode(), "header": json.loads(parts[1]),
                 "content": json.loads(parts[4])}]
    except ValueError:
        return []


def kernel_problem(msg):
    """A one-line description if `msg` reports an error or a warning, else None."""
    kind, content = msg.get("header", {}).get("msg_type"), msg.get("content", {})
    if kind == "error":
        return f"{content.get('ename')}: {content.get('evalue')}"
    if kind == "stream" and content.get("name") == "stderr":
        text = content.get("text", "")
        if not JUPYTER_PLUMBING.fullmatch(text):
            return f"stderr: {text[:500]}"
    if kind == "execute_reply" and content.get("status") == "error":
        return f"execute_reply: {content.get('ename')}: {content.get('evalue')}"
    return None


class PageWatch:
    """Collects uncaught page errors, and kernel errors and warnings from the websockets
    (these include slider callbacks, whose output JupyterLab shows only in its log)."""

    def __init__(self, page):
        self.page_errors, self.kernel_errors = [], []
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.on("websocket", lambda ws: ws.on("framereceived", self._on_frame))

    def _on_frame(self, payload):
        for msg in kernel_messages(payload):
            problem = kernel_problem(msg)
            if problem:
                self.kernel_errors.append(problem)


def _shut_down_kernels(url, token):
    """Stop every kernel of the server, so the next notebook has the machine to itself."""
    auth = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/kernels", headers=auth)) as r:
        kernels = json.load(r)
    for kernel in kernels:
        req = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}", method="DELETE",
                                     headers=auth)
        urllib.request.urlopen(req, timeout=30).close()


def _menu(page, menu, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).click()


RUN_STATE_JS = """() => {
  const nb = document.querySelector('.jp-NotebookPanel .jp-Notebook');
  if (!nb) return 'no notebook';
  const err = nb.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
  if (err) return 'error';
  const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
  const done = prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p));
  return done && ind && ind.getAttribute('data-status') === 'idle' ? 'done' : 'running';
}"""


def _run_all(page):
    """Clear outputs, run all cells; wait for every cell to run, or an error."""
    page.wait_for_function(
        "() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
        "?.getAttribute('data-status') === 'idle'", timeout=60_000)
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    _menu(page, "View", "Expand All Code")      # collapsed solutions show their prompts too
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => ![...document.querySelectorAll('.jp-InputArea-prompt')]"
                           ".some(p => /\\[\\d+\\]/.test(p.textContent))", timeout=10_000)
    _menu(page, "Run", "Run All Cells")
    states, deadline = [], time.monotonic() + 150
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        states.append(page.evaluate(RUN_STATE_JS))
        if states[-1] == "error" or states[-3:] == ["done"] * 3:
            break
    return states[-1]


def _prompt_numbers(page):
    texts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt").all_text_contents()
    return [int(m.group(1)) if (m := re.search(r"\[(\d+)\]", t)) else None for t in texts]


def _error_texts(page):
    sel = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    return [t[:1500] for t in page.locator(sel).all_inner_texts()]


def _placeholders(page):
    text = page.locator(".jp-Notebook .jp-OutputArea").all_inner_texts()
    return [p for p in PLACEHOLDERS for t in text if p.lower() in t.lower()]


def _stable_shot(locator, timeout=10.0):
    """A screenshot of `locator` once two in a row, 0.4 s apart, are identical."""
    shot, deadline = locator.screenshot(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.4)
        again = locator.screenshot()
        if again == shot:
            return shot
        shot = again
    return shot


def _not_blank(png):
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    return float(pixels.max() - pixels.min()) > 0.1


KERNEL_IDLE_JS = ("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                  "?.getAttribute('data-status') === 'idle'")


def _slider_state(slider):
    """(the handle's aria-valuenow, the readout's text) of a slider."""
    return (slider.locator(".noUi-handle").first.get_attribute("aria-valuenow"),
            slider.locator(".widget-readout").first.inner_text().strip())


def _settle(page, slider, timeout=20.0, quiet=0.6):
    """Wait until the slider has settled: its value and readout unchanged, and the kernel
    idle (the frame of that value sent), for ``quiet`` seconds in a row.
    Returns its state, (aria-valuenow, readout): noUiSlider rounds aria-valuenow to one
    decimal, so a slider whose step is finer moves with the readout alone. A test reads a
    slider only through this, never straight after an input, so a late echo or a busy
    machine cannot make it read a value in passing."""
    state, since = _slider_state(slider), time.monotonic()
    deadline = since + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        now = _slider_state(slider)
        if now != state or not page.evaluate(KERNEL_IDLE_JS):
            state, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return state
    raise AssertionError(f"the slider did not settle within {timeout} s (last {state})")


def _press(page, slider, key, timeout=20.0):
    """Press ``key`` on the focused slider's handle, wait for its value to change and the
    slider to settle; returns the new state (unchanged if the key did nothing at an end)."""
    handle = slider.locator(".noUi-handle").first
    before = _settle(page, slider)
    handle.focus()
    page.keyboard.press(key)
    deadline = time.monotonic() + timeout
    while _slider_state(slider) == before and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return _settle(page, slider)


def _move(page, slider):
    """Step the slider three times with the arrow keys; True if its value moved."""
    handle = slider.locator(".noUi-handle").first
    before = _settle(page, slider)
    at_max = before[0] is not None and before[0] == handle.get_attribute("aria-valuemax")
    for _ in range(3):
        _press(page, slider, "ArrowLeft" if at_max else "ArrowRight", timeout=3.0)
    return _settle(page, slider) != before


def _figure_changes(page, slider, figure, timeout=15.0):
    before = _stable_shot(figure)
    if not _move(page, slider):
        return None, before
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(300)
        after = _stable_shot(figure, timeout=3.0)
        if after != before:
            return after, before
    return False, before


def _drag(page, slider):
    """Drag a slider's handle across most of its track in about a second, as a hand does;
    returns the value where it stopped, once the slider has settled there."""
    handle = slider.locator(".noUi-handle").first
    _settle(page, slider)
    h, track = handle.bounding_box(), slider.locator(".noUi-target").first.bounding_box()
    x0, y = h["x"] + h["width"] / 2, h["y"] + h["height"] / 2
    x1 = track["x"] + (0.2 if x0 > track["x"] + track["width"] / 2 else 0.8) * track["width"]
    page.mouse.move(x0, y)
    page.mouse.down()
    for i in range(1, 31):
        page.mouse.move(x0 + (x1 - x0) * i / 30, y)
        page.wait_for_timeout(30)
    page.mouse.up()
    return _settle(page, slider)


def _drag_ends_on_its_last_value(page, slider, figure):
    """After a drag, the figure shows the frame of the value where the slider stopped: the
    same picture as when that value is reached again with the keys."""
    stopped = _drag(page, slider)
    after_drag = _stable_shot(figure)
    handle = slider.locator(".noUi-handle").first
    at_max = stopped[0] == handle.get_attribute("aria-valuemax")
    for key in ("ArrowLeft", "ArrowRight") if at_max else ("ArrowRight", "ArrowLeft"):
        _press(page, slider, key)
    back = _settle(page, slider)
    assert back == stopped, f"the keys took the slider from {stopped} to {back}, not back"
    return stopped, after_drag == _stable_shot(figure)


def _visible_stills(cell):
    """Still pictures (PNG outputs, or PNGs with alt text in an HTML output) of an explorer
    cell that the page shows."""
    pngs = cell.locator('.jp-OutputArea-output[data-mime-type="image/png"], '
                        '.jp-OutputArea-output[data-mime-type="text/html"] > img').all()
    return sum(p.is_visible() for p in pngs)


def test_notebook_runs_in_jupyterlab_and_sliders_redraw(notebook_path, lab, browser):
    url, token = lab
    stem = notebook_path.stem
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    watch = PageWatch(page)
    try:
        # a workspace of its own, reset: no tab of an earlier notebook is restored
        page.goto(f"{url}/lab/workspaces/{stem}/tree/{notebook_path.name}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        state = _run_all(page)
        page.screenshot(path=ARTIFACTS / f"{stem}-run.png")
        assert state == "done", (f"{notebook_path.name} failed in JupyterLab:\n"
                                 + "\n".join(_error_texts(page)))
        numbers = _prompt_numbers(page)
        n_code = page.locator(".jp-Notebook .jp-CodeCell").count()
        assert numbers == list(range(1, n_code + 1)), f"{n_code} code cells ran as {numbers}"

        deadline = time.monotonic() + 20
        while _placeholders(page) and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        assert not _placeholders(page), f"widgets did not render: {_placeholders(page)}"
        sliders = page.locator(f".jp-Notebook .jp-OutputArea {SLIDER}")
        assert sliders.count() > 0, f"{notebook_path.name} shows no slider"

        explorers = [cell for cell in page.locator(".jp-Notebook .jp-CodeCell").all()
                     if cell.locator(f".jp-OutputArea {SLIDER}").count()
                     and cell.locator(f".jp-OutputArea {FIGURE}").count()]
        assert explorers, f"{notebook_path.name}: no cell shows a slider with a figure"
        for k, cell in enumerate(explorers):
            figure = cell.locator(f".jp-OutputArea {FIGURE}").first
            figure.scroll_into_view_if_needed()
            cell.locator(".jp-OutputArea").first.screenshot(
                path=ARTIFACTS / f"{stem}-explorer{k}-before.png")
            results = []
            for slider in cell.locator(f".jp-OutputArea {SLIDER}").all():
                after, before = _figure_changes(page, slider, figure)
                results.append(after)
                if after:
                    break
            cell.locator(".jp-OutputArea").first.screenshot(
                path=ARTIFACTS / f"{stem}-explorer{k}-after.png")
            assert _not_blank(before), f"explorer {k}: the figure is blank"
            assert any(results), (f"explorer {k} of {notebook_path.name}: moving its sliders "
                                  f"did not change the figure ({results}; None = did not "
                                  f"move); kernel errors: {watch.kernel_errors[:3]}")
            assert _not_blank(after), f"explorer {k}: the figure is blank after the move"
            assert _visible_stills(cell) == 0, (f"explorer {k}: its still picture is shown "
                                                f"beside the live canvas")
            # drag the slider with the most values (a float slider's readout has a point)
            slider = sorted(cell.locator(f".jp-OutputArea {SLIDER}").all(), key=lambda s:
                            "." not in s.locator(".widget-readout").inner_text())[0]
            stopped, same = _drag_ends_on_its_last_value(page, slider, figure)
            assert same, (f"explorer {k}: after a drag to {stopped} the figure does not show "
                          f"the frame of {stopped}")

        page.wait_for_timeout(500)
        assert not _error_texts(page), "\n".join(_error_texts(page))
        assert not _placeholders(page), f"widgets broke: {_placeholders(page)}"
        assert not watch.kernel_errors, ("the kernel reported an error or a warning:\n"
                                         + "\n".join(watch.kernel_errors[:3]))
        assert not watch.page_errors, f"errors in the page: {watch.page_errors[:5]}"
    finally:
        page.screenshot(path=ARTIFACTS / f"{stem}-final.png")
        context.close()
        _shut_down_kernels(url, token)


def test_sliders_answer_keys_and_mouse_in_notebook_7(lab, browser):
    """In Notebook 7 (the same server, its /notebooks page) an explorer's slider moves with
    the arrow keys and with the mouse, and each move redraws the figure. Notebook 7 takes
    arrow keys for its shortcuts before a slider sees them unless rnnlab's page module
    marks them as handled."""
    url, token = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script("window.__frames = 0; document.addEventListener("
                            "'rnnlab-frame', () => { window.__frames++; }, true);")
    page = context.new_page()
    page.set_default_timeout(60_000)
    watch = PageWatch(page)
    try:
        page.goto(f"{url}/notebooks/00_start_here.ipynb?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_function(KERNEL_IDLE_JS, timeout=60_000)
        page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
        _menu(page, "Run", "Run All Cells")
        page.wait_for_selector(f"{FIGURE} canvas", timeout=120_000)
        page.wait_for_function("() => window.__frames > 0")
        slider = page.locator(f".jp-Notebook .jp-OutputArea {SLIDER}").first
        handle = slider.locator(".noUi-handle").first
        before, frames = _settle(page, slider), page.evaluate("window.__frames")
        handle.click()          # where a person puts the keyboard focus
        key = "ArrowLeft" if before[0] == handle.get_attribute("aria-valuemax") else "ArrowRight"
        page.keyboard.press(key)
        page.keyboard.press(key)
        keyed = _settle(page, slider)
        assert keyed != before, f"two presses of {key} left the slider at {before}"
        assert page.evaluate("window.__frames") > frames, "the figure did not redraw"
        box = handle.bounding_box()
        track = slider.locator(".noUi-target").first.bounding_box()
        x = track["x"] + (0.1 if box["x"] > track["x"] + track["width"] / 2 else 0.9) \
            * track["width"]
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(x, box["y"] + box["height"] / 2, steps=8)
        page.mouse.up()
        assert _settle(page, slider) != keyed, "dragging with the mouse did not move the slider"
        assert not watch.kernel_errors, watch.kernel_errors[:3]
    finally:
        page.screenshot(path=ARTIFACTS / "notebook7-final.png")
        context.close()
        _shut_down_kernels(url, token)
