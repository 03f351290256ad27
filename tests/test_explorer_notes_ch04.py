"""Chapter 4's explorers say only true things: every sentence of every note is checked
against the numbers behind the picture, over each control's whole range and the pairs of
controls that act together, and every "try this" step of the notebook is computed at its
setting and checked for the effect it describes.

Qualitative words come from ``rnnlab.words`` (open/shut gates, most/little kept,
vanished gradients); numbers a note prints for a control print at the control's step.
"""
import math
import re

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlab.activations import sigmoid  # noqa: E402
from rnnlab.lstm import LSTM, lstm_step_forward  # noqa: E402
from rnnlab.storecall import STORED, WIRING, store_recall_inputs  # noqa: E402
from rnnlab.widgets import (GatesExplorer, GateSurfaceExplorer, LSTMFlowExplorer,  # noqa: E402
                            StoreRecallExplorer)
from rnnlab.widgets.flow import format_ratio  # noqa: E402
from rnnlab.widgets.gates import EVENTS  # noqa: E402
from rnnlab.widgets.storecall import BETWEEN, T_MAX, WRITE_AT, wired_traces  # noqa: E402
from rnnlab.words import (at_step, fraction_text, gate_state, is_open, is_shut,  # noqa: E402
                          keeps_little, keeps_most, vanished)


def lattice(control, every=1):
    """Every value a control can take (a slider's steps, a list's options)."""
    if hasattr(control, "options") and control.options:
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
    else:
        n = int(round((control.max - control.min) / control.step))
        values = [control.min + k * control.step for k in range(n + 1)]
        values = [int(v) if isinstance(control.value, int) else float(np.round(v, 6))
                  for v in values]
    return values[::every] if every > 1 else values


def probe(explorer, settings):
    """(data, note) of ``explorer`` at each setting, computed without moving it."""
    return [(d, explorer.note_for(d)) for d in (explorer.compute(**s) for s in settings)]


CONTROLS = ("b_i", "w_write_i", "b_f", "w_erase_f", "b_o", "w_read_o", "w_value_g", "lag", "w",
            "between", "forget_bias", "scale", "T")


def failures(probed, claim, holds):
    """The settings (at most 5) whose note contains ``claim`` (a regex) for which
    ``holds(data, match)`` fails."""
    bad = []
    for d, note in probed:
        m = re.search(claim, note)
        if m and not holds(d, m):
            bad.append({k: d[k] for k in CONTROLS if k in d} | {"note": note})
    return bad[:5]


def one_sentence(note):
    return note.endswith(".") and ". " not in note


# ------------------------------------------------------------------- GatesExplorer

W1, W2 = EVENTS["write"]
R1, R2 = EVENTS["read"]
E = EVENTS["erase"][0]


@pytest.fixture(scope="module")
def gates():
    return GatesExplorer()


@pytest.fixture(scope="module")
def gates_probed(gates):
    """(data, note) over each control's whole range, and the pairs that act together: a
    gate's bias with its weight, the keep bias with the write bias, the candidate's weight
    with the write bias."""
    c = gates.controls
    settings = [{name: v} for name in c for v in lattice(c[name])]
    for a, b, ea, eb in (("b_i", "w_write_i", 1, 2), ("b_f", "w_erase_f", 1, 2),
                         ("b_o", "w_read_o", 1, 2), ("b_f", "b_i", 2, 2),
                         ("w_value_g", "b_i", 3, 2)):
        settings += [{a: x, b: y} for x in lattice(c[a], ea) for y in lattice(c[b], eb)]
    return probe(gates, settings)


def test_gates_grid_reaches_every_kind_of_note(gates_probed):
    notes = " ".join(n for _, n in gates_probed)
    for phrase in ("the candidate g is 0", "barely opens at the writes",
                   "opens only partly at the writes", "is open without a write signal",
                   "is partly open without a write signal", "The keep gate leaks",
                   "The erase signal", "stays shut at the reads", "opens only partly at the reads",
                   "is open between reads", "is partly open between reads", "The cell stores"):
        assert phrase in notes, phrase
    assert all(one_sentence(n) for _, n in gates_probed)


def test_gates_zero_candidate(gates_probed):
    assert not failures(gates_probed, r"With w_value_g = (\S+) the candidate g is 0 at every "
                        r"step.*\(c stays 0\)", lambda d, m: d["w_value_g"] == 0
                        and m[1] == at_step(d["w_value_g"], 0.1)
                        and not np.any(d["g"]) and not np.any(d["c"]))


def test_gates_write_gate_at_the_writes(gates_probed):
    def holds(d, m):
        i, g = d["i"][W1], d["g"][W1]
        word_ok = is_shut(i) if m[1] == "barely opens" else not is_shut(i) and not is_open(i)
        return (word_ok and d["i"][W2] == i and m[2] == f"{i:.2f}"
                and (int(m[3]), int(m[4])) == (W1, W2)
                and m[5] == f"{i * g:+.2f}" and m[6] == f"{g:+.2f}"
                and (m[7] == ", little of the value") == is_shut(i))
    assert not failures(gates_probed, r"The write gate (barely opens|opens only partly) at the "
                        r"writes \(i = ([\d.]+) at steps (\d+) and (\d+)\): it writes i g = "
                        r"(\S+) of the candidate g = (\S+) at step \d+(, little of the value)?"
                        r"\.$", holds)
    # the example: b_i = -10 opens the gate to 0.88 at the writes; the cell takes 0.58
    d = GatesExplorer().compute(b_i=-10.0)
    assert round(d["i"][W1], 2) == 0.88 and round(d["c"][W1], 2) == 0.58


def test_gates_write_gate_without_a_signal(gates_probed):
    def holds(d, m):
        rest = np.delete(d["i"], [W1, W2])
        leak = np.abs(np.delete(d["i"] * d["g"], [W1, W2])).max()
        return (np.ptp(rest) == 0 and m[1] == gate_state(rest[0]) != "shut"
                and m[2] == f"{rest[0]:.2f}" and m[3] == f"{leak:.2g}" and leak > 0)
    assert not failures(gates_probed, r"The write gate is (open|partly open) without a write "
                        r"signal \(i = ([\d.]+) at every other step\): the distracting "
                        r"values get into the cell \(i g up to (\S+) a step\)", holds)


def test_gates_keep_gate_leaks(gates_probed):
    def holds(d, m):
        f = d["f"][W1 + 1:R1 + 1]
        kept = float(np.prod(f))
        return (not keeps_most(kept) and m[1] == fraction_text(kept) and np.ptp(f) == 0
                and m[2] == f"{f[0]:.3f}")
    assert not failures(gates_probed, r"The keep gate leaks: from step 3 to the read at step "
                        r"12 the cell keeps (\S+) of what was written \(f = ([\d.]+) per "
                        r"step\)", holds)


def test_gates_erase_leaves_the_first_value(gates_probed):
    def holds(d, m):
        first = float(np.prod(d["f"][W1 + 1:W2 + 1]))
        return (not is_shut(d["f"][E]) and m[1] == f"{d['f'][E]:.2f}"
                and m[2] == fraction_text(first) and m[3] == f"{d['c'][R2]:+.2f}")
    assert not failures(gates_probed, r"The erase signal at step 15 leaves f = ([\d.]+): (\S+) "
                        r"of the first value is still in the cell when the second is "
                        r"written \(step 18\), so the read at step 27 shows a mixture "
                        r"\(c = (\S+)\)", holds)


def test_gates_read_gate(gates_probed):
    def at_reads(d, m):
        o = d["o"][R1]
        word_ok = is_shut(o) if m[1] == "stays shut" else not is_shut(o) and not is_open(o)
        return (word_ok and d["o"][R2] == o and m[2] == f"{o:.2f}"
                and m[3] == f"{d['h'][R1]:+.2f}" and m[4] == f"{d['c'][R1]:+.2f}"
                and (m[1] == "stays shut" or np.isclose(d["h"][R1], o * np.tanh(d["c"][R1]))))
    assert not failures(gates_probed, r"The read gate (stays shut|opens only partly) at the "
                        r"reads \(o = ([\d.]+) at steps 12 and 27\).*\(h = (\S+) while c = "
                        r"(\S+) at step 12\)", at_reads)

    def between(d, m):
        rest = np.delete(d["o"], [R1, R2])
        shown = np.delete(np.abs(d["h"]), [R1, R2]).max()
        return (np.ptp(rest) == 0 and m[1] == gate_state(rest[0]) != "shut"
                and m[2] == f"{rest[0]:.2f}" and m[3] == f"{shown:.2f}")
    assert not failures(gates_probed, r"The read gate is (open|partly open) between reads "
                        r"\(o = ([\d.]+) at every other step\): h_t shows the cell \(\|h\| up "
                        r"to ([\d.]+)\)", between)


def test_gates_working_cell(gates_probed):
    def holds(d, m):
        kept = float(np.prod(d["f"][W1 + 1:R1 + 1]))
        return (m[1] == f"{d['c'][W1]:+.2f}" and m[2] == fraction_text(kept) and keeps_most(kept)
                and m[3] == f"{d['h'][R1]:+.2f}" and keeps_little(d["f"][E])    # "emptied"
                and m[4] == f"{d['c'][R2]:+.2f}" and is_open(d["i"][W1]) and is_open(d["o"][R1])
                and is_shut(np.delete(d["i"], [W1, W2]).max())
                and is_shut(np.delete(d["o"], [R1, R2]).max()))
    assert not failures(gates_probed, r"The cell stores (\S+), keeps (\S+) of it until the "
                        r"read at step 12 \(h = (\S+)\), is emptied at step 15 and holds "
                        r"(\S+) at the second read", holds)


def test_gates_try_this(gates):
    """'Try a keep bias of 0, a write bias above 0, an erase weight of 0, a read bias above
    0, and watch the cell's trace': what the learner sees at each."""
    d = gates.compute(b_f=0.0)
    assert "keep gate leaks" in gates.note_for(d)
    assert keeps_little(np.prod(d["f"][W1 + 1:W1 + 5]))        # gone within a few steps
    for b_i in [v for v in lattice(gates.controls["b_i"]) if v > 0]:
        d = gates.compute(b_i=b_i)
        assert "without a write signal" in gates.note_for(d), b_i
        assert not is_shut(d["i"][W1 - 1])                          # the values get in
    d = gates.compute(w_erase_f=0.0)
    assert "still in the cell" in gates.note_for(d) and keeps_most(d["f"][E])
    for b_o in [v for v in lattice(gates.controls["b_o"]) if v > 0]:
        d = gates.compute(b_o=b_o)
        assert "between reads" in gates.note_for(d), b_o
        assert np.delete(np.abs(d["h"]), [R1, R2]).max() > 0.1     # h shows the cell
    assert gates.note_for(gates.compute()).startswith("The cell stores")
    # the examples: at b_i = -10 (i = 0.88 at the writes) and b_o = -10 (o = 0.88 at
    # the reads) the gates are partly open, not "barely" open or "shut"
    for name, word in (("b_i", "barely"), ("b_o", "stays shut")):
        note = gates.note_for(gates.compute(**{name: -10.0}))
        assert word not in note and "opens only partly" in note and "= 0.88" in note, note


# ------------------------------------------------------------------- StoreRecallExplorer

@pytest.fixture(scope="module")
def store():
    return StoreRecallExplorer()


@pytest.fixture(scope="module")
def store_probed(store):
    c = store.controls
    settings = [{name: v} for name in c for v in lattice(c[name])]
    for between in BETWEEN:
        settings += [{"b_f": f, "b_i": i, "lag": lag, "between": between}
                     for f in lattice(c["b_f"], 2) for i in lattice(c["b_i"], 3)
                     for lag in (1, 20, 100, 200)]
        settings += [{"w": w, "lag": lag, "between": between}
                     for w in lattice(c["w"], 2) for lag in (1, 2, 5, 20, 100, 200)]
    return probe(store, settings)


def lstm_parts(d):
    """(kept, let in) from the wired cell's traces, computed here: what the keep gates keep
    of the written value from the write to the read, and the rest of 100 c at the read."""
    X = store_recall_inputs(T_MAX, WRITE_AT, d["read_at"], value=STORED,
                            noise=BETWEEN[d["between"]], rng=1)
    tr = wired_traces(X, b_f=d["b_f"], b_i=d["b_i"])
    kept = float(np.prod(tr["f"][WRITE_AT + 1:d["read_at"] + 1]))
    assert kept == pytest.approx(sigmoid(d["b_f"]) ** d["lag"], rel=1e-9)
    written = tr["i"][WRITE_AT] * tr["g"][WRITE_AT]
    return kept, 100 * (tr["c"][d["read_at"]] - kept * written)


def test_store_grid_reaches_every_kind_of_note(store_probed):
    notes = " ".join(n for _, n in store_probed)
    for phrase in ("of 4.2 and passes", "not 4.2: its keep gate keeps", "the values let in add",
                   "only because w is 1", "is close enough to 1 over", "After 1 step the"):
        assert phrase in notes, phrase
    assert all(n.endswith(".") and ". " not in n for _, n in store_probed)


def test_store_lstm_sentences(store_probed):
    def good(d, m):
        return (m[1] == ("step" if d["lag"] == 1 else "steps") and int(m[0].split()[1]) == d["lag"]
                and m[2] == f"{d['lstm_read']:.2f}" and abs(d["lstm_read"] - STORED) < 0.1 * STORED
                and m[3] == f"{d['lstm_grad']:.2g}")
    assert not failures(store_probed, r"After \d+ (steps?) the LSTM reads out (\S+) of 4.2 "
                        r"and passes (\S+) of a change back", good)

    def bad(d, m):
        kept, let_in = lstm_parts(d)
        said = f"{let_in:+.2f}" not in ("+0.00", "-0.00")     # and zero without values
        return (m[2] == f"{d['lstm_read']:.2f}" and abs(d["lstm_read"] - STORED) >= 0.1 * STORED
                and m[3] == fraction_text(kept) and bool(m[4]) == said
                and (not said or (m[5] == f"{let_in:+.2f}" and d["between"] == "random values")))
    assert not failures(store_probed, r"After \d+ (steps?) the LSTM reads out (\S+), not 4.2: "
                        r"its keep gate keeps (\S+) of the value( and the values let in add "
                        r"(\S+))?;", bad)


def test_store_tanh_sentences(store_probed):
    def reads(d, m):
        return m[1] == f"{d['rnn_read']:.2f}" and m[3] == f"{d['rnn_grad']:.2g}"
    assert not failures(store_probed, r"the tanh unit reads (\S+)( too.*)?, gradient (\S+)\.$",
                        reads)

    def w_is_one(d, m):
        return (d["w"] == 1.0 and d["between"] == "zeros"
                and abs(d["rnn_read"] - STORED) < 0.1 * STORED)
    assert not failures(store_probed, "only because w is 1 and nothing else arrives",
                        w_is_one)

    def close_enough(d, m):
        return (d["w"] != 1.0 and m[1] == at_step(d["w"], 0.01) and d["between"] == "zeros"
                and abs(d["rnn_read"] - STORED) < 0.1 * STORED and int(m[2]) == d["lag"])
    assert not failures(store_probed, r"nothing else arrives and w = (\S+) is close enough to "
                        r"1 over (\d+) steps?", close_enough)


def test_store_try_both(store):
    """'With w = 1 exactly and nothing else on the line it does hold the value ..., but any
    w below 1 fades, any above grows, and every value on the line is added in.'"""
    d = store.compute(between="zeros", w=1.0)
    assert abs(d["rnn_read"] - STORED) < 0.1 * STORED
    assert keeps_little(store.compute(between="zeros", w=0.95)["rnn_read"] / STORED)
    r = d["read_at"]
    for w in lattice(store.controls["w"]):
        y = store.compute(between="zeros", w=w)["rnn_y"][WRITE_AT:r + 1]
        steps = np.diff(y)
        if w < 1:
            assert (steps < 0).all(), w                                  # fades
        elif w > 1:
            assert (steps > 0).all(), w                                  # grows
    assert abs(store.compute(w=1.0)["rnn_read"] - STORED) > 0.1 * STORED    # values added in


def test_store_switch_to_zeros(store):
    """'switch the values in between to zeros, and the tanh unit at w = 1 holds the value as
    well, while even a write bias of 0 does the LSTM no harm, as there is nothing to let in'."""
    assert "only because w is 1" in store.note_for(store.compute(between="zeros", w=1.0))
    for b_i in lattice(store.controls["b_i"]):
        d = store.compute(between="zeros", b_i=b_i)
        assert abs(d["lstm_read"] - STORED) < 0.1 * STORED and abs(d["lstm_let_in"]) < 1e-9, b_i
    assert abs(store.compute(b_i=0.0)["lstm_read"] - STORED) > 0.1 * STORED   # with values


def test_store_keep_bias_five(store):
    """'With b_f = 5 the keep gate is sigma(5) = 0.993 per step, and 0.993^100 ~ 0.5: half
    the value and half the gradient are gone.'"""
    d = store.compute(b_f=5.0, b_i=-10.0, lag=100, w=1.0, between="random values")
    assert f"{sigmoid(5.0):.3f}" == "0.993" and f"{sigmoid(5.0) ** 100:.1f}" == "0.5"
    assert d["lstm_read"] / STORED == pytest.approx(0.5, abs=0.05)
    assert d["lstm_grad"] == pytest.approx(0.5, abs=0.05)


def test_exercise_three_how_large_must_b_f_be():
    """'one that keeps more than 99.9% of the value over 100 steps (how large must b_f be?)':
    the solution's b_f = 12 does, and the threshold lies between 11 and 12."""
    assert sigmoid(12.0) ** 100 > 0.999 > sigmoid(11.0) ** 100
    assert sigmoid(WIRING["b_f"]) ** 100 < 0.999      # the table's wiring does not


# ------------------------------------------------------------------- GateSurfaceExplorer

@pytest.fixture(scope="module")
def surface():
    return GateSurfaceExplorer()


@pytest.fixture(scope="module")
def surface_probed(surface):
    c = surface.controls
    return probe(surface, [{"lag": lag, "between": between, "b_f": b_f, "b_i": b_i}
                           for lag in lattice(c["lag"]) for between in lattice(c["between"])
                           for b_f in lattice(c["b_f"]) for b_i in lattice(c["b_i"])])


def test_every_slider_value_is_a_grid_point(surface):
    for name, grid in (("b_f", "b_f_grid"), ("b_i", "b_i_grid")):
        c = surface.controls[name]
        values = lattice(c)
        # (the step is rounded to 6 decimals, so the slider drifts from the grid by < 2e-5)
        assert np.abs(np.array(values) - c.value).min() < 2e-5
        assert len(values) == len(surface.data[grid])
        assert np.abs(np.array(values) - surface.data[grid]).max() < 2e-5, name
    assert surface.controls["b_i"].readout_format == ".1f"       # the note's precision


def test_surface_grid_reaches_every_kind_of_note(surface_probed):
    notes = " ".join(n for _, n in surface_probed)
    for phrase in ("on the plateau", ": it has forgotten", "in the valley", "on the ramp",
                   "lets the random values in)", "no cliff", "(loss"):
        assert phrase in notes, phrase
    assert all(one_sentence(n) for _, n in surface_probed)


def test_surface_point_and_its_numbers(surface_probed, surface):
    step_f, step_i = surface.controls["b_f"].step, surface.controls["b_i"].step

    def holds(d, m):
        j = int(np.argmin(np.abs(d["b_f_grid"] - d["b_f"])))
        k = int(np.argmin(np.abs(d["b_i_grid"] - d["b_i"])))
        return (m[1] == at_step(d["b_f"], step_f) == at_step(d["b_f_grid"][j], step_f)
                and m[2] == at_step(d["b_i"], step_i) == at_step(d["b_i_grid"][k], step_i)
                and m[3] == f"{d['loss'][j, k]:.2g}" and m[4] == f"{d['grad_norm'][j, k]:.1g}")
    assert not failures(surface_probed, r"^At b_f = (\S+), b_i = (\S+) the loss is (\S+) "
                        r"and its gradient (\S+) \(", holds)
    # the example: the slider's 3.99999 prints as its readout does
    assert "b_f = 4.00," in surface.note_for(surface.compute(b_f=3.999994))


def test_surface_regions(surface_probed):
    def kept_of(d):
        j = int(np.argmin(np.abs(d["b_f_grid"] - d["b_f"])))
        return float(sigmoid(d["b_f_grid"][j]) ** d["lag"])

    def keeps(d, m):
        return m[1] == fraction_text(kept_of(d)) and int(m[2]) == d["lag"]
    assert not failures(surface_probed, r"the cell keeps (\S+) of the value over (\d+) "
                        r"steps", keeps)
    assert not failures(surface_probed, r"on the plateau, its slope below ([\d.]+):",
                        lambda d, m: d["at_grad"] < float(m[1])
                        and keeps_little(kept_of(d)))
    assert not failures(surface_probed, "it has forgotten",
                        lambda d, m: keeps_little(kept_of(d)))
    assert not failures(surface_probed, "in the valley",
                        lambda d, m: d["at_loss"] < 0.01)
    assert not failures(surface_probed, r"\(the cell keeps .*, but the write gate is "
                        r"(open|partly open) without a write signal \(i = ([\d.]+)\)",
                        lambda d, m: d["between"] == "random values"
                        and m[1] == gate_state(sigmoid(d["b_i"]))
                        and m[2] == f"{sigmoid(d['b_i']):.2f}")


def test_surface_steepest_slope(surface_probed, surface):
    step_f, step_i = surface.controls["b_f"].step, surface.controls["b_i"].step

    slopes = {}

    def holds(d, m):
        key = d["lag"], d["between"]
        if key not in slopes:
            slopes[key] = np.hypot(*np.gradient(d["loss"], d["b_f_grid"], d["b_i_grid"]))
        g = slopes[key]
        j, k = np.unravel_index(np.argmax(g), g.shape)
        if m[1] != f"{g.max():.2g}":
            return False
        if m[2].startswith(", less than 1"):                 # "...: no cliff"
            return g.max() < 1
        i = sigmoid(d["b_i_grid"][k])
        return (g.max() >= 1 and m[3] == at_step(d["b_f_grid"][j], step_f)
                and m[4] == at_step(d["b_i_grid"][k], step_i)
                and (not m[5] or (d["between"] == "random values" and m[6] == gate_state(i)
                                  and m[7] == f"{i:.2f}" and m[8] == f"{d['loss'][j, k]:.2g}")))
    assert not failures(surface_probed, r"the steepest slope on the whole map is (\S+?)"
                        r"(, less than 1 per unit of bias: plateaus and ramps, no cliff"
                        r"|, at b_f = (\S+), b_i = (\S+?)(, where the write gate is "
                        r"(open|partly open) without a write signal \(i = (\S+)\) and lets "
                        r"the random values in \(loss (\S+)\))?)\.$", holds)


def test_surface_section_nine(surface):
    """Section 9: the plateau where the cell forgets (b_f small: the loss 1, its slope nearly
    0), the flat valley (b_f large, b_i very negative), the loss below 0.5 from b_f = edge on
    at b_i = -10, further out at longer lags; the ramp as steep at every lag, and the map's
    steepest slope at a lag of 200 where the write gate is open."""
    edges, ramps = [], []
    for lag in lattice(surface.controls["lag"]):
        d = surface.compute(lag=lag)
        f, i = d["b_f_grid"], d["b_i_grid"]
        k = int(np.flatnonzero(i == -10.0)[0])
        below = d["loss"][:, k] < 0.5
        edge = int(np.argmax(below))
        assert below[edge:].all(), lag                       # "from b_f = edge on"
        edges.append(f[edge])
        ramps.append(np.abs(np.gradient(d["loss"][:, k], f)).max())
        if lag == 50:
            j0 = f <= 0
            assert (d["loss"][j0][:, i == -6.0] > 0.99).all()
            assert (d["grad_norm"][j0][:, i == -6.0] < 1e-3).all()
            valley = np.ix_(f >= 12, i <= -10)
            assert (d["loss"][valley] < 0.01).all() and (d["grad_norm"][valley] < 1e-3).all()
            assert d["steepest"] < 1
        if lag == 200:
            assert d["steepest"] > 3 and is_open(sigmoid(d["steepest_at"][1]))
    assert edges == sorted(edges) and edges[0] < edges[-1]
    assert 0.4 < min(ramps) and max(ramps) < 0.55


# ------------------------------------------------------------------- LSTMFlowExplorer

@pytest.fixture(scope="module")
def flow():
    return LSTMFlowExplorer()          # H = 16, as in the notebook


@pytest.fixture(scope="module")
def flow_probed(flow):
    c = flow.controls
    settings = [{"forget_bias": fb, "scale": s, "T": 100} for fb in lattice(c["forget_bias"])
                for s in (0.05, 0.5, 1.0, 2.0, 5.0)]
    settings += [{"forget_bias": fb, "scale": s, "T": 100} for fb in (-3.0, 1.0, 10.0)
                 for s in lattice(c["scale"])]
    settings += [{"T": T} for T in lattice(c["T"], 5)] + [{"T": 300}]
    settings += [{"forget_bias": fb, "T": T} for fb in (-3.0, 10.0) for T in (10, 300)]
    settings += [{"forget_bias": fb, "scale": 5.0, "T": 300} for fb in (-3.0, 10.0)]
    return probe(flow, settings)


def test_flow_notes(flow_probed, flow):
    for d, note in flow_probed:
        assert one_sentence(note), note
        T = len(d["lag"])
        m = re.fullmatch(r"At lag (\d+) the LSTM's cell gradient \|\|dL/dc_t\|\| is (.+?) of its "
                         r"value at the loss \(its forget gates start from sigmoid\(b_f\) = "
                         r"([\d.]+) on average, before the input and W_h move them\); the RNN's "
                         r"\|\|dL/dh_t\|\| is (.+?) of its own\.", note)
        assert m and int(m[1]) == T - 1, note
        for text, values in ((m[2], d["results"]["LSTM"].dc), (m[4], d["results"]["RNN"].dh)):
            with np.errstate(all="ignore"):
                r = np.log10(values[-1]) - np.log10(values[0])
            assert text == (format_ratio(r) if np.isfinite(r) else "past the float range"), note
        lstm = LSTM(1, 16, forget_bias=d["forget_bias"], rng=0)
        assert m[3] == f"{np.mean(sigmoid(lstm['b_f'])):.2f}", note
    # "before the input and W_h move them": at x = 0 and h = 0 the forget gate is sigmoid(b_f)
    lstm = LSTM(1, 16, forget_bias=1.0, rng=0)
    cache = lstm_step_forward(np.zeros((1, 1)), np.zeros((1, 16)), np.zeros((1, 16)),
                              lstm["W_x"], lstm["W_h"], lstm["b"])[2]
    np.testing.assert_allclose(cache.f[0], sigmoid(lstm["b_f"]))


def test_flow_section_eight(flow):
    """'with forget gates at 0.5 or 0.73 its cell gradient shrinks at every step and vanishes
    over 100 steps like the RNN's; with a forget bias of 5 it reaches 100 steps back
    undiminished'."""
    for fb in (0.0, 1.0):
        d = flow.compute(forget_bias=fb, scale=1.0, T=100)
        assert vanished(10 ** d["lstm_ratio"]) and vanished(10 ** d["rnn_ratio"])
        per_step = 10 ** (d["lstm_ratio"] / 99)
        assert per_step < 1
    d = flow.compute(forget_bias=5.0, scale=1.0, T=100)
    assert 10 ** d["lstm_ratio"] >= 1
    assert math.isclose(d["mean_f"], 0.99, abs_tol=0.005)
