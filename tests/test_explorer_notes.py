"""The explorers' notes say only true things, and their pictures show what the notes say.

Every note of the UnrollExplorer is probed over a grid (W_hh from -2 to 2 in steps of
0.05, several input sizes, every input pattern, three window lengths), and each claim a
note makes is checked against the numbers: "settles" only when h has converged (to a
limit found here independently, by running the recurrence 20000 steps on), "approaching"
only when it has not, "alternates" and "flip sign" only when the signs alternate, "never
forgotten" only with |W_hh| > 1 and a nonzero limit, "close to 1" only for |W_hh| near 1,
memories that reach the end of the window written ">= T-1".
"""
import re

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.textpath import TextPath  # noqa: E402

import rnnlab as rl  # noqa: E402
from rnnlab import tasks  # noqa: E402
from rnnlab.optim import Adam  # noqa: E402
from rnnlab.plots import plot_sequence  # noqa: E402
from rnnlab.train import train  # noqa: E402
from rnnlab.widgets import TimerExplorer, UnrollExplorer  # noqa: E402
from rnnlab.widgets.timer import NEAR_ZERO, decay_tail  # noqa: E402
from rnnlab.widgets.unroll import TOL, limit_orbit  # noqa: E402

W_GRID = [float(w) for w in np.round(np.arange(-2.0, 2.0001, 0.05), 2)]
X_GRID = (-3.0, -1.0, -0.1, 0.0, 0.1, 0.5, 1.0, 3.0)
PATTERNS = ("pulse", "step", "noise")


def oracle(cases, n=20000):
    """The values that h_t = tanh(c + w h_{t-1}) reaches, run n (even) steps on from the
    window's last state: (value at the parity of step T-1, value at the other parity)."""
    c = np.array([0.0 if d["pattern"] == "pulse" else d["x_size"] for d in cases])
    w = np.array([d["w_hh"] for d in cases])
    h = np.array([d["h"][-1] for d in cases])
    for _ in range(n):
        h = np.tanh(c + w * h)
    return h, np.tanh(c + w * h)


@pytest.fixture(scope="module")
def probed():
    """(T, data, note, (even, odd)) for every setting of the grid."""
    out = []
    for T, xs, ws in ((12, X_GRID, W_GRID), (4, (-1.0, 0.1, 3.0), W_GRID[::2]),
                      (16, (-1.0, 0.1, 3.0), W_GRID[::2])):
        ex = UnrollExplorer(T=T, rng=0)
        cases = [ex.compute(w_hh=w, x=x, pattern=p) for p in PATTERNS for x in xs for w in ws]
        even, odd = oracle(cases)
        out += [(T, d, ex.note_for(d), (e, o)) for d, e, o in zip(cases, even, odd)]
    return out


def orbit_in_window(T, limit):
    """The oracle's limit at each step of the window (it alternates for a 2-cycle)."""
    even, odd = limit
    return np.where((T - 1 - np.arange(T)) % 2 == 0, even, odd)


def failures(probed, claim, holds):
    """The notes containing ``claim`` (a regex) for which ``holds(T, d, match, limit)`` fails."""
    bad = []
    for T, d, note, limit in probed:
        m = re.search(claim, note)
        if m and not holds(T, d, m, limit):
            bad.append(f"T={T} {d['pattern']} x={d['x_size']} W_hh={d['w_hh']}: {note}")
    return bad


def test_the_grid_reaches_every_kind_of_note(probed):
    notes = " ".join(note for _, _, note, _ in probed)
    for phrase in ("settles at", "settles there", "still approaching", "is approaching",
                   "alternates between", "flip sign", "never forgotten", "close to 1",
                   "for >= 11 steps", "memory lasts >= 11 steps", "forgets the pulse",
                   "fades toward 0", "grows from", "falls from", "No input",
                   "Random input", "period-2 orbit"):
        assert phrase in notes, phrase


def test_every_note_is_one_sentence_without_false_saturation_claims(probed):
    for T, d, note, _ in probed:
        assert note.endswith(".") and ". " not in note, note
        assert "saturates" not in note and "cannot grow" not in note, note


def test_settles_only_once_h_has_converged(probed):
    def holds(T, d, m, limit):
        s = int(m.group("s"))
        target = orbit_in_window(T, limit)
        return (s <= T - 2 and np.abs(d["h"][s:] - target[s:]).max() <= TOL
                and (s == 0 or abs(d["h"][s - 1] - target[s - 1]) > TOL)
                and abs(float(m.group("v")) - target[-1]) <= 0.0051)
    assert not failures(probed, r"settles at (?P<v>[-+][\d.]+) from step (?P<s>\d+) on", holds)
    assert not failures(probed, r"to (?P<v>[-+][\d.]+) and settles there from step (?P<s>\d+)",
                        holds)


def test_alternates_only_on_a_period_two_orbit_it_has_reached(probed):
    def holds(T, d, m, limit):
        s = int(m.group("s"))
        target = orbit_in_window(T, limit)
        return (abs(limit[0] - limit[1]) > 0.01 and s <= T - 2
                and np.abs(d["h"][s:] - target[s:]).max() <= TOL)
    assert not failures(probed, r"from step (?P<s>\d+) on,? (it|h) alternates between", holds)


def test_approaching_only_while_h_has_not_converged(probed):
    def holds(T, d, m, limit):
        target = orbit_in_window(T, limit)
        return np.abs(d["h"][-2:] - target[-2:]).max() > TOL
    for claim in ("still approaching", "is approaching", "not there after", "has not settled",
                  r"(growing|shrinking) toward"):
        assert not failures(probed, claim, holds), claim


def test_flip_sign_only_when_signs_alternate(probed):
    assert not failures(probed, "flip sign at every step",
                        lambda T, d, m, limit: bool((d["h"][1:] * d["h"][:-1] < 0).all()))
    # and a pulse with W_hh < 0 always alternates, so the note says so
    for T, d, note, _ in probed:
        if d["pattern"] == "pulse" and d["w_hh"] < 0 and d["x_size"] != 0:
            assert "flip sign at every step" in note, note


def test_never_forgotten_only_with_a_nonzero_limit_beyond_one(probed):
    def holds(T, d, m, limit):
        h = d["h"]
        return (abs(d["w_hh"]) > 1 and min(abs(limit[0]), abs(limit[1])) > 0.05
                and d["memory"] >= T - 1 and d["memory_text"] == f">= {T - 1}"
                and bool((np.abs(h[1:]) >= 0.1 * abs(h[0])).all()))
    assert not failures(probed, "never forgotten", holds)


def test_close_to_one_is_judged_from_w_hh(probed):
    assert not failures(probed, "close to 1", lambda T, d, m, limit: 0.9 <= abs(d["w_hh"]) <= 1)
    assert not failures(probed, r"\|W_hh\| = (?P<w>[\d.]+)",
                        lambda T, d, m, limit: float(m.group("w")) == abs(d["w_hh"]))


def test_memory_that_reaches_the_window_end_is_written_as_at_least(probed):
    def holds(T, d, m, limit):
        if m.group("ge"):
            return int(m.group("n")) == T - 1 and d["memory"] >= T - 1
        return int(m.group("n")) == d["memory"] < T - 1
    assert not failures(probed, r"(for|lasts) (?P<ge>>= )?(?P<n>\d+) steps?\b", holds)
    for T, d, _, _ in probed:
        assert d["memory_text"] == (f">= {T - 1}" if d["memory"] >= T - 1 else str(d["memory"]))


def test_what_each_step_keeps_is_bounded_by_w_hh(probed):
    def holds(T, d, m, limit):
        h, w = d["h"], abs(d["w_hh"])
        return (m.group("p") == f"{w:.0%}" and w < 1
                and bool((np.abs(h[1:]) <= w * np.abs(h[:-1]) + 1e-15).all()))
    assert not failures(probed, r"keeps (at most|up to) (?P<p>\d+%) of h", holds)


def test_fading_pulses(probed):
    def still_holds(T, d, m, limit):
        return m.group("r") == f"{abs(d['h'][-1] / d['h'][0]):.0%}" and d["memory"] >= T - 1
    assert not failures(probed, r"still holds (?P<r>\d+%) of its first value", still_holds)
    assert not failures(probed, "forgets the pulse at the very next step",
                        lambda T, d, m, limit: abs(d["h"][1]) < 0.1 * abs(d["h"][0]))
    assert not failures(probed, "fades toward 0", lambda T, d, m, limit: abs(d["w_hh"]) < 1
                        and bool((np.abs(np.diff(np.abs(d["h"]))) >= 0).all())
                        and bool((np.diff(np.abs(d["h"])) <= 0).all()))
    assert not failures(probed, "older ones counting less", lambda T, d, m, limit:
                        abs(d["w_hh"]) < 1)


def test_grows_and_falls_say_which_way_h_moves(probed):
    def moves(sign):
        def holds(T, d, m, limit):
            size = np.abs(d["h"])
            return (m.group("a") == f"{d['h'][0]:+.2f}"
                    and bool((sign * np.diff(size) >= -1e-12).all()))
        return holds
    assert not failures(probed, r"h grows from (?P<a>[-+][\d.]+)", moves(+1))
    assert not failures(probed, r"h falls from (?P<a>[-+][\d.]+)", moves(-1))


def test_dashed_line_only_where_there_is_a_limit_to_draw(probed):
    assert not failures(probed, "dashed line", lambda T, d, m, limit:
                        d["h_limit"] is not None and d["limit"] in ("fixed point",
                                                                   "period-2 orbit"))
    for T, d, note, _ in probed:
        assert ("No input" in note) == (d["x_size"] == 0)


def test_limit_orbit_in_closed_form_cases():
    assert limit_orbit(0.0, 0.5, 0.7) == ("zero", 0.0, 0.0)
    kind, a, b = limit_orbit(0.0, 1.5, 0.7)
    assert kind == "fixed point" and a == b and abs(np.tanh(1.5 * a) - a) < 1e-12
    kind, a, b = limit_orbit(0.0, -1.5, 0.7)        # +-h* of tanh(1.5 h), same side as 0.7
    assert kind == "period-2 orbit" and a > 0 and abs(a + b) < 1e-9
    assert abs(np.tanh(1.5 * a) - a) < 1e-9
    kind, a, _ = limit_orbit(0.1, -1.0, 0.3)         # slow, but found by bisection
    assert kind == "fixed point" and abs(np.tanh(0.1 - a) - a) < 1e-12


# ------------------------------------------------------------------- the live explorer

@pytest.fixture(scope="module")
def unroll():
    return UnrollExplorer(T=12, rng=0)


def test_values_the_text_asks_for_are_on_the_sliders(unroll):
    for name, values in (("w_hh", (0.95, -0.8, 1.5, 0.0, 0.5)), ("x", (1.0, -1.0))):
        control = unroll.controls[name]
        assert control.readout is True              # the readout can be typed into
        assert int(control.layout.width.rstrip("px")) >= 390
        for v in values:
            k = (v - control.min) / control.step
            assert abs(k - round(k)) < 1e-9, (name, v)   # reached by arrow keys and drags
            assert unroll.compute(**{name: v})[{"x": "x_size"}.get(name, name)] == v


def test_note_for_computes_without_moving_the_explorer(unroll):
    before = dict(unroll.values)
    d = unroll.compute(w_hh=-0.8)
    assert unroll.values == before
    note = unroll.note_for(d)
    unroll.update(w_hh=-0.8)
    assert note == unroll.note and "flip sign" in note
    unroll.update(**before)


def test_step_zero_pulse_is_a_full_step_wide(unroll):
    unroll.update(pattern="pulse", x=1.0, t=11)
    line = unroll.lines["a_x"]
    xs, ys = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert line.get_drawstyle() == "steps-mid"
    assert xs[0] == -0.5 and xs[-1] == 11.5 and ys[0] == ys[1] == 1.0 and ys[2] == 0.0
    for ax in (unroll.axes["hidden"], unroll.axes["preactivation"]):
        lo, hi = ax.get_xlim()
        assert lo <= -0.5 and hi >= 11.5


def test_bottom_panel_shows_the_preactivation_not_the_state_again(unroll):
    d = unroll.update(w_hh=0.8, x=1.0, pattern="noise", t=11)
    np.testing.assert_allclose(d["a_x"] + d["a_h"], d["a"])
    np.testing.assert_allclose(np.tanh(d["a"]), d["h"], atol=1e-12)
    np.testing.assert_allclose(d["a_h"][1:], 0.8 * d["h"][:-1])
    for line in unroll.axes["preactivation"].lines:
        ys = np.asarray(line.get_ydata(), float)
        assert len(ys) != len(d["h"]) or not np.allclose(ys, d["h"])
    assert np.asarray(unroll.lines["a"].get_ydata()) == pytest.approx(d["a"])


def test_dashed_limit_line_is_drawn_only_for_a_limit(unroll):
    unroll.update(w_hh=1.5, x=1.0, pattern="pulse")
    line = unroll.lines["limit"]
    assert line.get_visible() and np.allclose(line.get_ydata(), unroll.data["h_limit"])
    unroll.update(pattern="noise")
    assert not line.get_visible()


@pytest.mark.parametrize("T", [2, 5, 8, 12])
def test_graph_weight_labels_are_legible(T):
    ex = UnrollExplorer(T=T, rng=0)
    labels = list(ex.graph.weight_labels.values())
    assert labels
    dpi = ex.fig.dpi
    for text in labels:
        size = text.get_fontsize()
        cap = TextPath((0, 0), "W", size=size).get_extents().height   # points
        assert cap * dpi / 72 >= 10, (T, text.get_text(), size)


def test_graph_weight_labels_fit_between_the_boxes():
    ex = UnrollExplorer(T=12, rng=0)
    ex.fig.canvas.draw()
    renderer = ex.fig.canvas.get_renderer()
    boxes = [b.get_window_extent(renderer) for b in ex.graph.boxes.values()]
    for text in ex.graph.weight_labels.values():
        box = text.get_window_extent(renderer).shrunk(0.97, 0.97)
        assert not any(box.overlaps(b) for b in boxes), text.get_text()


# ------------------------------------------------------------------- TimerExplorer

@pytest.fixture(scope="module")
def timer_explorer():
    model = rl.RNN(2, 8, 1, rng=0)
    train(model, lambda rng: tasks.timer(60, 16, rng), Adam(1e-2), 400, clip=5.0, rng=0)
    return TimerExplorer(model, T=30)


def test_go_pulse_is_drawn_as_a_step_in_the_explorer_and_in_plot_sequence(timer_explorer):
    d = timer_explorer.update(u2=0.3, pulse_at=0)
    explorer_line = timer_explorer.lines["u1"]
    figure_line = plot_sequence({"u1 (go)": d["X"][:, 0], "u2 (duration)": d["X"][:, 1]}).lines[
        "u1 (go)"]
    for line in (explorer_line, figure_line):
        xs, ys = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert line.get_drawstyle() == "steps-mid"
        assert xs[0] == -0.5 and ys[0] == ys[1] == 1.0 and ys[2] == 0.0
    import matplotlib.pyplot as plt
    plt.close("all")


def test_decay_tail():
    y = np.array([0.0, 0.5, 0.5, 0.3, 0.12, -0.05, 0.2])
    np.testing.assert_array_equal(decay_tail(y, 3), [0.3, 0.12])
    assert len(decay_tail(y, 5)) == 0
    np.testing.assert_array_equal(decay_tail(y, 6), [0.2])      # runs to the end


def test_timer_note_says_how_the_output_switches_off(timer_explorer):
    seen = set()
    for u2 in np.arange(1, 11) / 10:
        d = timer_explorer.update(u2=float(u2), pulse_at=5)
        note, y, end = timer_explorer.note, d["y"], 5 + d["k_target"]
        assert note == timer_explorer.note_for(d) and ". " not in note
        if d["k_measured"] == 0:
            continue
        m = re.search(r"decays over (\d+) steps? \(([^)]*)\)", note)
        if m:
            seen.add("decays")
            n = int(m.group(1))
            shown = [float(v) for v in m.group(2).replace(", ...", "").split(", ")]
            np.testing.assert_allclose(shown, y[end:end + len(shown)], atol=0.0051)
            assert (np.abs(y[end:end + n]) >= NEAR_ZERO).all() and abs(y[end + n]) < NEAR_ZERO
        else:
            assert "drops below 0.1 at once" in note
            seen.add("at once")
            assert abs(y[end]) < NEAR_ZERO
    assert seen   # at least one of the two kinds was checked
