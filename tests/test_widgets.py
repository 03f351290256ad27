"""Tests of rnnlab.widgets: every slider at its ends and middle, in-place redraws, displays,
and what the page is sent: the static picture once, then drawing orders that draw the
same picture as matplotlib (replayed with Agg by ``page_replay``).

The explorers run here without a browser: their page canvas has no front end, which
is exactly the situation of a plain kernel or nbconvert; a test that needs a page plays
one by sending the canvas the page's messages.
"""
import base64
import io
import json
import warnings
import weakref
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

import rnnlab as rl  # noqa: E402
from rnnlab import tasks  # noqa: E402
from rnnlab.optim import Adam  # noqa: E402
from rnnlab.train import train  # noqa: E402
from rnnlab.widgets import TimerExplorer, UnrollExplorer  # noqa: E402
from rnnlab.widgets.timer import pulse_length  # noqa: E402
from rnnlab.widgets.unroll import pulse_memory  # noqa: E402
from rnnlab.widgets.artists import frame_ops  # noqa: E402
from page_replay import replay, rgba  # noqa: E402
from PIL import Image  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def trained_timer():
    """A small timer RNN trained for about a second (rnnlab.train, seeded)."""
    model = rl.RNN(2, 8, 1, rng=0)
    train(model, lambda rng: tasks.timer(60, 16, rng), Adam(1e-2), 400, clip=5.0, rng=0)
    return model


@pytest.fixture(scope="module")
def explorers(trained_timer):
    """One explorer of each kind, built with warnings as errors; tests set what they need."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {"unroll": UnrollExplorer(T=12, rng=0),
                "timer-lines": TimerExplorer(trained_timer, T=30),
                "timer-heatmap": TimerExplorer(rl.RNN(2, 12, 1, rng=3), T=30)}  # 12 units


def sweep_points(control):
    """Both ends and a middle value of a slider, or every option of a dropdown."""
    if hasattr(control, "options"):
        return list(control.options)
    mid = (control.min + control.max) / 2
    if isinstance(control.value, int):
        mid = int(mid)
    return [control.min, mid, control.max]


def sweep_every_control(ex, corners=True):
    """Every control of ``ex`` at both ends and the middle, then (``corners``) all controls
    at their low ends and at their high ends at once, with warnings as errors: each frame
    the page would get is made and checked, and the explorer is put back where it
    started. At the high corner the page's picture is replayed and compared with
    matplotlib's."""
    start = dict(ex.values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, control in ex.controls.items():
            for value in sweep_points(control):
                data = ex.update(**{name: value})
                assert data is ex.data and control.value == value
                check_frame(ex)
                check_picture(ex)
            ex.update(**{name: start[name]})
        if corners:
            for i in (0, -1):
                ex.update(**{n: sweep_points(c)[i] for n, c in ex.controls.items()})
                check_page_picture(ex) if i == -1 else check_frame(ex)
                check_picture(ex)
    ex.update(**start)


_PICTURES = weakref.WeakKeyDictionary()


def check_frame(ex, dpr=2.0):
    """The drawing orders the page gets for ``ex`` now are well formed: every path's
    vertices are there, coordinates inside the figure (or NaN, a break in a line, or in a
    clipped order), colours parse, and images fill a rectangle of the figure."""
    cache = _PICTURES.setdefault(ex, {})   # as the page canvas keeps its pictures
    ops, buffers = frame_ops(ex.fig, ex.static_layer.artists, dpr, cache)
    w, h = ex.fig.bbox.size
    for op in ops:
        if op["k"] == "paths":
            xy = np.frombuffer(buffers[op["xy"]], np.float32).reshape(-1, 2)
            assert len(xy) == sum(op["n"]) == len(buffers[op["codes"]])
            assert all(rgba(c) is None or 0 <= rgba(c)[3] <= 1 for c in op["fill"] + op["stroke"])
            inside = xy[np.isfinite(xy).all(axis=1)]
            if op["clip"] is None and len(inside):
                assert inside.min() > -w and inside[:, 0].max() < 2 * w \
                    and inside[:, 1].max() < 2 * h, f"a path far off the figure: {op}"
        elif op["k"] == "image":
            x, y, iw, ih = op["rect"]
            assert -1 <= x and -1 <= y and x + iw <= w + 1 and y + ih <= h + 1, op["rect"]
        else:
            assert op["s"] and np.isfinite([op["x"], op["y"], op["size"]]).all()
    return ops


def check_page_picture(ex, share=0.2):
    """The page's picture of ``ex`` (static picture + drawing orders, replayed) is
    matplotlib's own: of the pixels where the moving artists show (the figure minus its
    static picture), at most ``share`` differ visibly (anti-aliasing, markers that Agg
    snaps to whole pixels), and a figure with almost nothing moving differs in almost no
    pixel. Returns the share."""
    page, _ = replay(ex)
    ex.fig.canvas.draw()
    drawn = np.asarray(ex.fig.canvas.buffer_rgba())[..., :3].astype(int)
    static = np.asarray(Image.open(io.BytesIO(ex.static_layer.picture(1.0))).convert("RGB"))
    assert page.shape[:2] == drawn.shape[:2] == static.shape[:2]
    differ = np.abs(page[..., :3].astype(int) - drawn).max(axis=2) > 40
    moving = np.abs(static.astype(int) - drawn).max(axis=2) > 40
    ratio = differ.sum() / max(moving.sum(), 1)
    assert differ.mean() < 0.0005 or ratio < share, (
        f"{type(ex).__name__}: {ratio:.0%} of the moving artists' pixels differ between the "
        f"page's picture and matplotlib's")
    return ratio


def numbers_in(data):
    for key, value in data.items():
        if isinstance(value, (int, float, np.ndarray)) and not isinstance(value, bool):
            yield key, np.asarray(value, dtype=float)


def check_picture(ex):
    """Finite data, labelled axes, lines with finite data and a note."""
    for key, value in numbers_in(ex.data):
        assert np.isfinite(value).all(), f"data[{key!r}] is not finite"
    for ax in ex.fig.axes:
        labels = [ax.get_title(loc) for loc in ("left", "center", "right")] + \
            [ax.get_xlabel(), ax.get_ylabel()]
        if ax.get_label() == "<colorbar>":
            labels.append(ax.get_ylabel())
        assert any(s.strip() for s in labels), f"unlabelled axes {ax}"
        for line in ax.lines:
            xy = np.column_stack([np.asarray(line.get_xdata(), float),
                                  np.asarray(line.get_ydata(), float)])
            assert len(xy) and np.isfinite(xy).all(), f"line {line.get_label()} not finite"
    assert isinstance(ex.note, str) and len(ex.note) > 20


@pytest.mark.parametrize("kind", ["unroll", "timer-lines", "timer-heatmap"])
def test_every_slider_at_both_ends_and_middle(kind, explorers):
    ex = explorers[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, control in ex.controls.items():
            for value in sweep_points(control):
                data = ex.update(**{name: value})
                assert data is ex.data
                assert control.value == value
                check_frame(ex)
                check_picture(ex)


@pytest.mark.parametrize("kind", ["unroll", "timer-lines"])
def test_update_redraws_in_place(kind, explorers):
    ex = explorers[kind]
    artists = [*ex.fig.findobj(Line2D)]
    before = [np.array(line.get_ydata(), float).copy() for line in artists]
    name = "w_hh" if kind == "unroll" else "u2"
    control = ex.controls[name]
    ex.update(**{name: control.max if control.value != control.max else control.min})
    after = [*ex.fig.findobj(Line2D)]
    assert [id(a) for a in after] == [id(a) for a in artists]   # the same Line2D objects
    changed = [not np.array_equal(b, np.asarray(a.get_ydata(), float))
               for a, b in zip(artists, before)]
    assert any(changed)


def test_moving_a_slider_in_the_browser_updates_the_data(explorers):
    ex = explorers["unroll"]
    ex.update(w_hh=0.8, x=1.0)
    h_before = ex.data["h"].copy()
    ex.controls["w_hh"].value = -1.5          # what a slider move in the front end does
    assert ex.values["w_hh"] == -1.5 and ex.data["w_hh"] == -1.5
    assert not np.allclose(ex.data["h"], h_before)


@pytest.mark.parametrize("kind", ["unroll", "timer-heatmap"])
def test_display_shows_the_widget_then_a_still_picture(kind, explorers):
    ex = explorers[kind]
    live, still = ex.display_bundles()
    assert WIDGET_VIEW in live and live[WIDGET_VIEW]["model_id"] == ex.widget.model_id
    assert "image/png" not in live and ex.note in live["text/plain"]
    assert WIDGET_VIEW not in still    # its own output: static renderers always show it
    png = base64.b64decode(still["image/png"])
    assert png.startswith(b"\x89PNG")
    # the widget holds the sliders and the live canvas
    children = ex.widget.children
    assert ex.canvas in children
    assert all(c in children[0].children for c in ex.controls.values())


def connect_page(canvas, dpr=1.0):
    """Play a page that shows ``canvas`` at ``dpr``: returns the list its messages go to."""
    sent = []
    canvas.send = lambda content, buffers=None: sent.append((content, buffers or []))
    canvas._handle_message(canvas, {"type": "ready", "dpr": dpr}, [])
    return sent


def disconnect_page(canvas):
    canvas._handle_message(canvas, {"type": "closing"}, [])
    del canvas.send
    canvas.on_connect.clear()


def test_saved_widget_state_holds_no_picture(explorers):
    """The page canvas never puts a picture into the state a notebook saves: the state is
    the figure's size and the page module, however many frames were sent."""
    ex = explorers["timer-lines"]
    ex.display_bundles()
    sent = connect_page(ex.canvas)
    try:
        ex.update(u2=0.7)
        assert sum(len(b) for _, bufs in sent for b in bufs) > 10_000   # pictures were sent
        state = ex.canvas.get_state()
    finally:
        disconnect_page(ex.canvas)
    assert (state["width"], state["height"]) == ex.fig.canvas.get_width_height()
    small = {k: v for k, v in state.items() if k != "_esm"}
    assert len(json.dumps(small)) < 1000, small
    from rnnlab.widgets import canvas
    module = (Path(canvas.__file__).parent / "page" / "figure.js").read_text()
    assert state["_esm"] == module                       # the module's code, nothing drawn


@pytest.mark.parametrize("dpr", [2.0])
def test_a_page_gets_the_static_picture_once_then_one_frame_per_update(dpr, explorers):
    """On "ready" the page gets the static picture at its pixel ratio and a frame; each
    update then sends one frame of numbers (no picture), and the still is hidden."""
    from PIL import Image

    ex = explorers["timer-lines"]
    ex.display_bundles()
    sent = connect_page(ex.canvas, dpr)
    try:
        assert ex.canvas.connected and "display: none" in ex._note_html.value
        kinds = [c["type"] for c, _ in sent]
        assert kinds == ["controls", "static", "frame"]
        # how the page reads each control's position, to name the state a frame shows
        assert [c["id"] for c in sent[0][0]["controls"]] == \
            [c.model_id for c in ex.controls.values()]
        assert sent[2][0]["state"] == [0 if hasattr(c, "options") else
                                       round((c.value - c.min) / c.step)
                                       for c in ex.controls.values()]
        static = Image.open(io.BytesIO(bytes(sent[1][1][0])))
        assert static.size == tuple(int(s * dpr) for s in ex.fig.canvas.get_width_height())
        sent.clear()
        for u2 in (0.2, 0.9):
            ex.update(u2=u2)
        assert [c["type"] for c, _ in sent] == ["frame", "frame"]
        assert sent[1][0]["seq"] == sent[0][0]["seq"] + 1
        assert all(op["k"] != "image" or "png" not in op for c, _ in sent for op in c["ops"])
        assert sum(len(b) for _, bufs in sent for b in bufs) < 20_000   # numbers only
    finally:
        disconnect_page(ex.canvas)
    assert not ex.canvas.connected


def test_a_changed_static_layer_is_sent_again(explorers):
    """After ``static_layer.invalidate()`` the next frame comes with a new static picture."""
    ex = explorers["timer-lines"]
    sent = connect_page(ex.canvas)
    try:
        sent.clear()
        ex.update(u2=0.3)
        ex.static_layer.invalidate()
        ex.update(u2=0.4)
        assert [c["type"] for c, _ in sent] == ["frame", "static", "frame"]
        assert sent[2][0]["static"] == sent[1][0]["key"] != sent[0][0]["static"]
    finally:
        disconnect_page(ex.canvas)


def test_no_page_no_frames(explorers):
    """Without a page an update sends nothing and draws nothing (a plain kernel)."""
    ex = explorers["unroll"]
    ex.canvas.send = lambda *a, **k: pytest.fail("sent without a page")
    try:
        ex.update(w_hh=0.3)
    finally:
        del ex.canvas.send


@pytest.mark.parametrize("kind", ["unroll", "timer-heatmap"])   # timer-lines: below
def test_the_page_draws_what_matplotlib_draws(kind, explorers):
    ex = explorers[kind]
    ex.update(**{n: sweep_points(c)[-1] for n, c in ex.controls.items()})
    check_page_picture(ex)


def test_page_replay_sees_a_wrong_order(explorers):
    """The comparison above can fail: moving lines shifted by one step, or left out, are
    caught."""
    import rnnlab.widgets.artists as artists

    ex = explorers["timer-lines"]
    share = check_page_picture(ex)
    original = artists._line

    def shifted(o, line):
        x = np.asarray(line.get_xdata(), float)
        line.set_xdata(x + 1.0)
        try:
            original(o, line)
        finally:
            line.set_xdata(x)
    try:
        artists._line = shifted
        with pytest.raises(AssertionError, match="differ"):
            check_page_picture(ex)
        artists._line = lambda o, line: None
        with pytest.raises(AssertionError, match="differ"):
            check_page_picture(ex)
    finally:
        artists._line = original
    assert 0 < share < 0.2


def test_update_rejects_unknown_controls_and_out_of_range_values(explorers):
    ex = explorers["unroll"]
    before = dict(ex.values)
    with pytest.raises(TypeError, match="expected one of .*w_hh"):
        ex.update(W_hh=1.0)
    with pytest.raises(ValueError, match=r"w_hh must be a number in \[-2.0, 2.0\]"):
        ex.update(w_hh=3.0)
    with pytest.raises(ValueError, match=r"t must be an integer in \[0, 11\]"):
        ex.update(t=2.5)
    with pytest.raises(ValueError, match="pattern must be one of"):
        ex.update(pattern="sine")
    assert ex.values == before   # a rejected update changes nothing


def test_explorers_reject_bad_construction():
    with pytest.raises(ValueError, match="between 2 and 16"):
        UnrollExplorer(T=1)
    with pytest.raises(ValueError, match=r"w_hh must be a number in \[-2.0, 2.0\]"):
        UnrollExplorer(w_hh=5.0)
    with pytest.raises(TypeError, match="D = 2 inputs"):
        TimerExplorer(rl.RNN(3, 4, 1))
    with pytest.raises(TypeError, match="O = 1 output"):
        TimerExplorer(rl.RNN(2, 4))


# ------------------------------------------------------------------- UnrollExplorer numbers

def test_unroll_hidden_state_follows_the_recurrence(explorers):
    ex = explorers["unroll"]
    for w, x, pattern in [(0.5, 1.0, "pulse"), (-1.3, 2.0, "step"), (1.7, -0.4, "noise")]:
        d = ex.update(w_hh=w, x=x, pattern=pattern)
        h, h_prev = np.zeros(12), 0.0
        for t in range(12):   # h_t = tanh(x_t + w h_{t-1}), W_xh = 1, b_h = 0
            h[t] = h_prev = np.tanh(d["x"][t] + w * h_prev)
        np.testing.assert_allclose(d["h"], h, rtol=1e-12)
        np.testing.assert_allclose(d["y"], d["h"])   # W_hy = 1, b_y = 0
    assert ex.data["x"].std() > 0                    # the noise pattern varies


def test_unroll_pulse_memory_against_the_linear_estimate(explorers):
    ex = explorers["unroll"]
    # a small pulse keeps tanh nearly linear: h_k ~ w^k h_0, above 10% while w^k >= 0.1
    for w in (0.3, 0.5, 0.7):
        d = ex.update(w_hh=w, x=0.01, pattern="pulse")
        assert d["memory"] == int(np.floor(np.log(0.1) / np.log(w) + 1e-9))
    assert pulse_memory(np.array([1.0, 0.5, 0.2, 0.05, 0.5])) == 2
    assert pulse_memory(np.zeros(5)) == 0


@pytest.mark.parametrize("values, words", [
    (dict(w_hh=2.0, x=3.0, pattern="pulse"), ["never forgotten", "falls from +1.00 to +0.96"]),
    (dict(w_hh=-2.0, x=1.0, pattern="pulse"), ["flip sign"]),
    (dict(w_hh=0.0, x=1.0, pattern="pulse"), ["forgets the pulse"]),
    (dict(w_hh=0.5, x=0.5, pattern="pulse"), ["10% of its first value for 3 steps"]),
    (dict(w_hh=0.8, x=0.0, pattern="step"), ["nothing to remember"]),
])
def test_unroll_note_says_what_happens(values, words, explorers):
    ex = explorers["unroll"]
    ex.update(**values)
    for w in words:
        assert w in ex.note


# ------------------------------------------------------------------- TimerExplorer numbers

def test_timer_inputs_and_target_follow_the_task(trained_timer, explorers):
    ex = explorers["timer-lines"]
    for u2, p in [(0.1, 0), (0.6, 7), (1.0, 19)]:
        d = ex.update(u2=u2, pulse_at=p)
        k = round(10 * u2)
        assert d["k_target"] == k
        np.testing.assert_array_equal(np.flatnonzero(d["target"]), np.arange(p, p + k))
        assert set(d["target"][d["target"] > 0]) == {0.5}
        np.testing.assert_array_equal(np.flatnonzero(d["X"][:, 0]), [p])
        assert np.all(d["X"][:, 1] == u2)
        # the precomputed output is the model's output on this very sequence
        y = trained_timer(d["X"][:, None, :])[:, 0, 0]
        np.testing.assert_allclose(d["y"], y, atol=1e-12)
        assert d["k_measured"] == pulse_length(y, p)


def test_timer_measure_agrees_with_the_task_success_criterion(explorers):
    ex = explorers["timer-lines"]
    for u2 in np.arange(1, 11) / 10:
        d = ex.update(u2=float(u2), pulse_at=4)
        batch = tasks.TaskBatch(d["X"][:, None, :], d["target"][:, None, None],
                                np.ones((30, 1)), "mse",
                                {"pulse_times": [np.array([4])],
                                 "durations": [np.array([d["k_target"]])]})
        success = tasks.timer_success(d["y"][:, None, None], batch)
        assert success == (d["k_measured"] >= 1 and abs(d["k_measured"] - d["k_target"]) <= 1)
        assert ("too" not in ex.note) == (d["k_measured"] == d["k_target"])


def test_trained_timer_hits_most_durations(explorers):
    """A trained model fed the explorer's inputs times its pulses: the inputs match training."""
    ex = explorers["timer-lines"]
    hits = [abs(ex.update(u2=float(u2))["k_measured"] - round(10 * u2)) <= 1
            for u2 in np.arange(1, 11) / 10]
    assert sum(hits) >= 8


def test_timer_note_for_a_model_that_misses(explorers):
    ex = explorers["timer-heatmap"]   # untrained: the output stays near 0
    ex.update(u2=0.5)
    if ex.data["k_measured"] == 0:
        assert "never rises" in ex.note
    assert "5-step pulse" in ex.note


def test_pictures_are_png_that_decode_to_the_figure_pixels():
    """The pictures sent to the page (deflated by ISA-L when installed, else zlib) are
    valid PNGs holding exactly the rendered pixels."""
    from PIL import Image

    from rnnlab.widgets.pictures import png_rgba

    ex = UnrollExplorer(T=6)
    ex.update(w_hh=-0.8)
    ex.fig.canvas.draw()
    pixels = np.asarray(ex.fig.canvas.get_renderer().buffer_rgba())
    decoded = np.asarray(Image.open(io.BytesIO(png_rgba(pixels))).convert("RGBA"))
    assert decoded.shape == pixels.shape
    assert np.array_equal(decoded, pixels)


def test_an_axis_that_moves_is_drawn_by_the_page_and_its_pictures_sent_once(explorers):
    """UnrollExplorer's pre-activation axis changes its range with the input: the page
    draws its ticks and labels (text orders), the mathtext label is a picture sent once,
    and a range shown before costs neither a picture nor its bytes again."""
    ex = explorers["unroll"]
    start = dict(ex.values)
    sent = connect_page(ex.canvas, 2.0)
    try:
        for x in (0.2, 3.0, 0.2, 3.0):      # two ranges of the a_t axis, each shown twice
            ex.update(x=x)
        frames = [m for m in sent if m[0]["type"] == "frame"]
        ticks = [op["s"] for op in frames[-1][0]["ops"] if op["k"] == "text"]
        assert any(s.strip("−-").isdigit() for s in ticks)     # tick labels as text orders
        pics = [(op["pic"], "png" in op) for f in frames for op in f[0]["ops"] if "pic" in op]
        assert pics and all(sum(png for p, png in pics if p == pic) == 1
                            for pic, _ in pics)                  # each picture sent once
        assert sum(len(b) for b in frames[-1][1]) < sum(len(b) for b in frames[0][1])
    finally:
        disconnect_page(ex.canvas)
        ex.update(**start)
