"""Tests of rnnlab.widgets: every slider at its ends and middle, in-place redraws, displays.

The explorers run here without a browser: their ipympl canvas has no front end, which
is exactly the situation of a plain kernel or nbconvert.
"""
import base64
import io
import warnings

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
    at their low ends and at their high ends at once, with warnings as errors: each picture
    is drawn and checked, and the explorer is put back where it started."""
    start = dict(ex.values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, control in ex.controls.items():
            for value in sweep_points(control):
                data = ex.update(**{name: value})
                assert data is ex.data and control.value == value
                ex.fig.canvas.draw()
                check_picture(ex)
            ex.update(**{name: start[name]})
        if corners:
            for i in (0, -1):
                ex.update(**{n: sweep_points(c)[i] for n, c in ex.controls.items()})
                ex.fig.canvas.draw()
                check_picture(ex)
    ex.update(**start)


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
                ex.fig.canvas.draw()
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


def test_saved_widget_state_holds_no_picture(explorers):
    """The canvas never puts its picture into the state a notebook saves."""
    ex = explorers["unroll"]
    ex.display_bundles()
    ex.fig.canvas.draw()
    assert ex.canvas.get_state().get("_data_url") is None


def test_a_connected_page_gets_one_frame_per_update_and_hides_the_still(explorers):
    ex = explorers["unroll"]
    canvas = ex.canvas
    sent = []
    canvas.send = lambda content, buffers=None: sent.append((content, buffers))
    try:
        canvas._handle_message(canvas, {"type": "initialized"}, [])   # a page shows it
        assert canvas.connected and "display: none" in ex._note_html.value
        sent.clear()
        ex.update(w_hh=-0.5)
        frames = [b for c, b in sent if b]
        assert len(frames) == 1 and not [c for c, b in sent if '"draw"' in c["data"]]
        from PIL import Image
        frame = Image.open(io.BytesIO(frames[0][0]))
        assert frame.mode == "RGBA"
        assert frame.size == ex.fig.canvas.get_width_height(physical=True)   # a whole frame
    finally:
        del canvas.send
        canvas.connected = False
        canvas.on_connect.clear()


@pytest.mark.parametrize("kind", ["unroll", "timer-heatmap"])
def test_cached_background_draws_the_same_picture_as_savefig(kind, explorers):
    """The live canvas pastes frozen artists from a cache; savefig draws them all."""
    ex = explorers[kind]
    ex.update(**{n: sweep_points(c)[-1] for n, c in ex.controls.items()})
    ex.fig.canvas.draw()
    live = np.asarray(ex.fig.canvas.buffer_rgba())[..., :3].astype(int)
    from PIL import Image
    saved = np.asarray(Image.open(io.BytesIO(ex.to_png())).convert("RGB")).astype(int)
    assert live.shape == saved.shape
    assert np.mean(np.abs(live - saved) > 40) < 0.002


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


def test_frames_are_png_that_decode_to_the_figure_pixels():
    """The live canvas's frames (deflated by ISA-L when installed, else zlib) are valid
    PNGs holding exactly the rendered pixels."""
    from PIL import Image

    from rnnlab.widgets.canvas import png_rgba

    ex = UnrollExplorer(T=6)
    ex.update(w_hh=-0.8)
    ex.fig.canvas.draw()
    pixels = np.asarray(ex.fig.canvas.get_renderer().buffer_rgba())
    decoded = np.asarray(Image.open(io.BytesIO(png_rgba(pixels))).convert("RGBA"))
    assert decoded.shape == pixels.shape
    assert np.array_equal(decoded, pixels)
