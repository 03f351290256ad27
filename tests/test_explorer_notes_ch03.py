"""Chapter 3's explorers say only true things: every sentence of every note is checked
against the numbers, over a grid of each control's values (and of the pairs that interact),
and every "try this" step of the chapter is computed at its setting and asserted.

Each claim is checked against numbers found here independently of the note's own code
(the loss and gradient of the one-unit network recomputed at each point of a descent path,
a fixed point's slope from the sigmoid, a dead ReLU from the forward states), and the
qualitative words are those of ``rnnlab.words``: "vanished" at most 1e-3 of the value at
lag 0, "exploded" at least 1e3, "almost unchanged" keeps at least 90%.
"""
import base64
import math
import re
import warnings

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlab.bptt import bptt  # noqa: E402
from rnnlab.cliff import fold_range, one_unit_loss, one_unit_trajectory  # noqa: E402
from rnnlab.flow import jacobian_bound  # noqa: E402
from rnnlab.init import as_rng  # noqa: E402
from rnnlab.plots.cliff import WINDOW  # noqa: E402
from rnnlab.widgets import (BifurcationExplorer, CliffExplorer,  # noqa: E402
                            GradientFlowExplorer, RepeatExplorer)
from rnnlab.widgets.cliff import LRS, THRESHOLDS  # noqa: E402
from rnnlab.widgets.flow import INITS, SCALES, format_ratio  # noqa: E402
from rnnlab.widgets.repeat import FACTORS, REFERENCES, YLIM  # noqa: E402
from rnnlab.words import at_step, exploded, keeps_most, vanished  # noqa: E402


def one_sentence(note):
    assert note.endswith(".") and ". " not in note.replace("e.g. ", ""), note
    assert "nan" not in note.lower() and "-0.00" not in note, note


def reached(notes, phrases):
    text = " ".join(notes)
    missing = [p for p in phrases if p not in text]
    assert not missing, f"the grid never reaches: {missing}"


# ------------------------------------------------------------------- RepeatExplorer

@pytest.fixture(scope="module")
def repeat_notes():
    ex = RepeatExplorer()
    return [(d, ex.note_for(d)) for f in FACTORS for n in range(10, 301, 10)
            for d in [ex.compute(factor=f, steps=n)]]


def test_repeat_note_states_the_power_and_what_it_does(repeat_notes):
    for d, note in repeat_notes:
        one_sentence(note)
        f, n = d["factor"], d["steps"]
        exact = f ** n
        assert d["final"] == pytest.approx(exact, rel=1e-12)
        assert np.allclose(d["value"], np.float64(f) ** d["t"], rtol=1e-12)
        m = re.match(r"(?P<f>[\d.]+)\^(?P<n>\d+) = (?P<v>[-+.\de]+)", note)
        assert m and float(m["f"]) == f and int(m["n"]) == n, note
        assert m["v"] == (f"{exact:.2g}" if f != 1 else "1"), note
        assert ("fades" in note) == (f < 1) and ("grows" in note) == (f > 1), note
        assert ("keeps the value" in note) == (f == 1), note
        if f != 1:   # "exponentially": the log of the value is a straight line in t
            assert np.allclose(np.diff(np.log(d["value"])), math.log(f))
        assert ("beyond the plotted range" in note) == (not YLIM[0] <= exact <= YLIM[1]), note
        assert ("has vanished" in note) == vanished(exact), note
        assert ("has exploded" in note) == exploded(exact), note
    reached([n for _, n in repeat_notes], ["has vanished", "has exploded", "fades", "grows",
                                           "beyond the plotted range", "keeps the value"])


def test_repeat_try_it_and_the_first_cell():
    """Section 1: 'a little below 1 the result fades; a little above 1 it grows; a little
    further from 1 the effect is enormous', and the dotted lines are the four factors
    printed above the explorer."""
    ex = RepeatExplorer()
    assert set(REFERENCES) == {0.99, 1.01, 0.9, 1.1}
    assert ex.compute(factor=0.99, steps=100)["final"] < 1
    assert ex.compute(factor=1.01, steps=100)["final"] > 1
    assert vanished(ex.compute(factor=0.9, steps=100)["final"])
    assert exploded(ex.compute(factor=1.1, steps=100)["final"])
    for f, n in ((0.9, 300), (1.5, 300)):      # the settings the notebook prints
        d = ex.compute(factor=f, steps=n)
        assert np.isfinite(d["final"]) and d["final"] > 0


# ------------------------------------------------------------------- GradientFlowExplorer

FLOW_T = (10, 100, 300)


@pytest.fixture(scope="module")
def flow():
    return GradientFlowExplorer()


@pytest.fixture(scope="module")
def flow_notes(flow):
    out = []
    for T in FLOW_T:
        for act in ("tanh", "sigmoid", "relu"):
            for init in INITS:
                for s in SCALES:
                    d = flow.compute(scale=s, activation=act, init=init, T=T)
                    out.append((d, flow.note_for(d)))
    return out


def flow_failures(flow_notes, claim, holds):
    bad = []
    for d, note in flow_notes:
        m = re.search(claim, note)
        if m and not holds(d, m):
            bad.append(f"{d['activation']} {d['init']} scale {d['scale']} T {d['T']}: {note}")
    return bad


def dh_of(d):
    return d["results"]["RNN"].dh


def test_flow_grid_reaches_every_kind_of_note(flow_notes):
    for _, note in flow_notes:
        one_sentence(note)
    reached([n for _, n in flow_notes], [
        "times its value at the loss", "it has vanished", "it has exploded",
        "forward pass itself overflowed", "overflows float64", "underflows to exactly 0",
        "not an underflow", "so it must vanish", "so it must shrink", "on the boundary",
        "may explode (not must)"])


def test_flow_ratio_is_the_measured_one_and_its_word_fits(flow_notes):
    def holds(d, m):
        dh = dh_of(d)
        ratio = dh[-1] / dh[0]
        expect = f"{ratio:.2f}" if 0.01 <= ratio < 10 else format_ratio(math.log10(ratio))
        word = m["word"] or ""
        return (int(m["lag"]) == d["T"] - 1 and m["r"] == expect
                and abs(math.log10(float(m["r"])) - math.log10(ratio)) < 0.5
                and ("vanished" in word) == vanished(ratio)
                and ("exploded" in word) == exploded(ratio))
    assert not flow_failures(flow_notes, r"At lag (?P<lag>\d+) the gradient is (?P<r>\S+) "
                             r"times its value at the loss \(lag 0\)(?P<word>: it has \w+)?",
                             holds)


def test_flow_overflow_and_zero_are_named_where_they_happen(flow_notes):
    def overflow(d, m):
        dh, lag = dh_of(d), int(m["lag"])
        return (not np.isfinite(dh[lag:]).any() and bool(np.isfinite(dh[:lag]).all())
                and (lag == 0) == ("forward pass" in m[0]))
    assert not flow_failures(flow_notes, r"(overflows float64 \(past 1\.8e308\)|forward pass "
                             r"itself overflowed float64).* from lag (?P<lag>\d+) on", overflow)

    def underflow(d, m):    # exactly 0 right after a number next to the smallest float
        dh, lag = dh_of(d), int(m["lag"])
        return lag >= 1 and (dh[lag:] == 0).all() and 0 < dh[lag - 1] < 1e-295
    assert not flow_failures(flow_notes, r"underflows to exactly 0 from lag (?P<lag>\d+) on",
                             underflow)


def test_flow_true_zero_is_a_dead_relu_not_an_underflow(flow, flow_notes):
    """'exactly 0 ... every slope it meets there is 0': rebuild the run and look at the
    ReLUs the gradient passes through one step on from the zero."""
    seen = 0
    for d, note in flow_notes:
        m = re.search(r"exactly 0 from lag (?P<lag>\d+) on, though it was (?P<v>\S+) at lag "
                      r"(?P<prev>\d+): every slope it meets there is 0", note)
        if not m:
            continue
        seen += 1
        dh, lag, T = dh_of(d), int(m["lag"]), d["T"]
        assert (dh[lag:] == 0).all() and dh[lag - 1] > 1e-295 and int(m["prev"]) == lag - 1
        assert m["v"] == f"{dh[lag - 1]:.2g}"
        model = flow._models(d)["RNN"]
        rng = as_rng(flow.seed)
        X = rng.standard_normal((T, 1, model.D))
        target = rng.standard_normal((T, 1, model.H))
        mask = np.zeros((T, 1))
        mask[-1] = 1
        with np.errstate(all="ignore"):
            res = bptt(model, X, target, mask=mask)
            h = model.forward(X).states["h"]
        t = T - lag                        # dh_{t-1} = (dh_t * f'(a_t)) W_hh^T = 0
        assert d["activation"] == "relu"
        assert not ((res.dh[t] != 0) & (h[t] > 0)).any(), note
        assert (res.dh[t] != 0).any()
    assert seen


def test_flow_theory_matches_w_hh_and_the_bound_holds(flow, flow_notes):
    for d, note in flow_notes:
        W = flow._models(d)["RNN"]["W_hh"]
        gamma, sigma, rho = jacobian_bound(W, d["activation"])
        assert np.linalg.norm(W, 2) == pytest.approx(sigma, rel=1e-12)
        gs = gamma * sigma
        m = re.search(r"sigma_max\(W_hh\) = (\S+), rho = (\S+), gamma = (\S+): gamma "
                      r"sigma_max = ([\d.e+-]+)", note)
        assert m and m.groups() == (f"{sigma:.3g}", f"{rho:.3g}", f"{gamma:g}",
                                    f"{gs:.3g}"), note
        below, on = gs < 1 - 1e-9, abs(gs - 1) <= 1e-9
        assert ("< 1, so it must" in note) == below, note
        assert ("on the boundary" in note) == on, note
        assert ("> 1, so it may explode (not must)" in note) == (not below and not on), note
        dh = dh_of(d)
        if below:   # the bound (gamma sigma_max)^lag holds at every lag, as the note says
            ok = np.isfinite(dh) & (dh > 1e-290)     # subnormals round coarsely
            log_bound = math.log10(dh[0]) + np.arange(len(dh)) * math.log10(gs)
            assert (np.log10(dh[ok]) <= log_bound[ok] + 1e-9).all(), note
            end = gs ** (d["T"] - 1)
            assert ("must vanish" in note) == vanished(end), note
            assert f"{format_ratio((d['T'] - 1) * math.log10(gs))} at lag {d['T'] - 1}" in note


def test_flow_things_to_try(flow):
    """Section 4's 'Things to try', each at its setting."""
    def ratio(d):
        dh = dh_of(d)
        return dh[-1] / dh[0]

    d = flow.compute(activation="tanh", init="orthogonal", scale=1.0, T=100)     # 1.
    assert d["sigma_max"] == pytest.approx(1, abs=1e-9) and d["rho"] == pytest.approx(1)
    assert "on the boundary" in flow.note_for(d) and ratio(d) < 1
    d = flow.compute(activation="tanh", init="identity", scale=1.0, T=100)       # 2.
    assert keeps_most(ratio(d)) and ratio(d) <= 1                # travels almost unchanged
    d = flow.compute(activation="sigmoid", init="orthogonal", scale=3.0, T=100)  # 3.
    assert d["sigma_max"] == pytest.approx(3) and 1 / d["gamma"] == 4
    assert d["gamma_sigma"] < 1 and vanished(ratio(d))
    assert "must vanish" in flow.note_for(d)
    d = flow.compute(activation="relu", init="random", scale=2.0, T=300)         # 4.
    assert exploded(ratio(d)) and "it has exploded" in flow.note_for(d)
    d = flow.compute(activation="relu", init="identity", scale=12.0, T=300)
    assert d["overflow"] and not np.isfinite(dh_of(d)[0])
    assert "forward pass itself overflowed" in flow.note_for(d)
    d = flow.compute(activation="sigmoid", init="orthogonal", scale=0.05, T=300)  # 5.
    assert d["underflow"] and "underflows to exactly 0" in flow.note_for(d)


# ------------------------------------------------------------------- BifurcationExplorer

def sig(x):
    return 1 / (1 + math.exp(-x))


@pytest.fixture(scope="module")
def bifurcation():
    return BifurcationExplorer()


@pytest.fixture(scope="module")
def bifurcation_notes(bifurcation):
    ex = bifurcation
    cases = [ex.compute(w=float(w), b=float(b), x0=0.5)
             for w in np.round(np.arange(0, 10.001, 0.5), 2)
             for b in np.round(np.arange(-8, 2.001, 0.1), 2)]
    for w in (4.0, 4.05, 4.25, 4.5, 5.0, 6.25, 7.5, 8.75, 10.0):   # b next to each fold
        for end in fold_range(w) or (-w / 2,):
            for k in range(-2, 3):
                b = round(round(end, 2) + 0.01 * k, 2)
                if -8 <= b <= 2:
                    cases.append(ex.compute(w=w, b=b, x0=0.5))
    for w, b in ((5.0, -2.5), (5.0, -2.7), (4.0, -2.0), (8.0, -4.0)):   # w, b x the start
        cases += [ex.compute(w=w, b=b, x0=float(x0))
                  for x0 in np.round(np.arange(-6, 6.001, 0.25), 2)]
    return [(d, ex.note_for(d)) for d in cases]


def test_bifurcation_fixed_points_and_their_kinds(bifurcation_notes):
    for d, note in bifurcation_notes:
        one_sentence(note)
        w, b = d["w"], d["b"]
        m = re.match(r"(\d+) fixed points?: x\* = (.*?); ", note)
        listed = re.findall(r"(-?[\d.]+) \((stable|unstable|neutral)\)", m[2])
        assert int(m[1]) == len(listed) == len(d["points"]), note
        fold = fold_range(w)
        inside = fold is not None and fold[0] < b < fold[1]
        assert len(listed) == (3 if inside else 1), note        # the theory's count
        for (x_text, kind), p in zip(listed, d["points"]):
            assert abs(w * sig(p.x) + b - p.x) < 1e-9
            slope = w * sig(p.x) * (1 - sig(p.x))
            assert x_text == at_step(p.x, 0.01)
            assert kind == ("neutral" if abs(abs(slope) - 1) <= 1e-6 else
                            "stable" if abs(slope) < 1 else "unstable"), note


def test_bifurcation_range_and_side_read_true(bifurcation_notes):
    seen = set()
    for d, note in bifurcation_notes:
        w, b = d["w"], d["b"]
        assert f"w = {at_step(w, 0.05)}" in note or "two attractors" in note, note
        m = re.search(r"two attractors for b in \((?P<lo>\S+), (?P<hi>\S+)\); b = (?P<b>\S+) "
                      r"is (?P<side>inside|outside) that range", note)
        if m is None:
            assert w <= 4 and "one fixed point for every b" in note, note
            seen.add("one")
            continue
        lo, hi = fold_range(w)
        assert m["b"] == at_step(b, 0.01)
        printed_inside = float(m["lo"]) < float(m["b"]) < float(m["hi"])
        assert float(m["b"]) not in (float(m["lo"]), float(m["hi"])), note
        assert printed_inside == (m["side"] == "inside") == (lo < b < hi), note
        assert (d["n_stable"] == 2) == (m["side"] == "inside"), note
        seen.add(m["side"])
    assert seen == {"one", "inside", "outside"}


def test_bifurcation_own_run_is_described_as_it_ends(bifurcation_notes):
    seen = set()
    for d, note in bifurcation_notes:
        run = d["runs"][:, -1]
        end, move = run[-1], abs(run[-1] - run[-2])
        assert f"your x_0 = {at_step(d['x0'], 0.05)} " in note, note
        m = re.search(r"settles on the attractor x\* = (\S+)\.$", note)
        if m:
            seen.add("settles")
            p = min(d["points"], key=lambda p: abs(p.x - end))
            assert move <= 1e-3 and abs(end - p.x) <= 0.01 and p.stable, note
            assert m[1] == at_step(p.x, 0.01)
            continue
        m = re.search(r"stays on the (unstable|neutral) fixed point x\* = (\S+)\.$", note)
        if m:
            seen.add("stays")
            p = min(d["points"], key=lambda p: abs(p.x - end))
            assert move <= 1e-3 and abs(end - p.x) <= 0.01 and not p.stable, note
            continue
        m = re.search(r"is at (\S+) after 30 steps, still moving \((\S+) in the last step\)",
                      note)
        assert m, note
        seen.add("moving")
        gap = min(abs(p.x - end) for p in d["points"])
        assert move > 0 and (move > 1e-3 or gap > 0.01), note
        assert m[1] == at_step(end, 0.01) and m[2] == f"{move:.2g}", note
    assert seen == {"settles", "stays", "moving"}


def test_bifurcation_section_6(bifurcation):
    """'As b moves past either end of that range, an attractor and the unstable point meet
    and vanish ... then every start flows to the one remaining attractor', slowly where the
    lost pair was (after the explorer's 30 steps some runs are still on their way, after
    300 all have arrived); the starts either side of the unstable point at w = 5, b = -2.5
    go to different attractors."""
    lo, hi = fold_range(5.0)
    for b in (-2.7, -2.3):
        d = bifurcation.compute(w=5.0, b=b, x0=0.5)
        assert not lo < b < hi and d["n_stable"] == 1 and len(d["points"]) == 1
        x_star = d["points"][0].x
        assert np.abs(d["ends"] - x_star).max() > 0.1                  # still on the way
        assert (np.abs(d["runs"][-1] - x_star) <= np.abs(d["runs"][0] - x_star)).all()
        later = one_unit_trajectory(5.0, b, np.append(np.linspace(-4, 4, 7), 0.5), T=300)
        assert np.abs(later[-1] - x_star).max() < 1e-6
    for b in (-2.6, -2.5, -2.4):    # inside: all arrive but the run balanced on x* = 0
        d = bifurcation.compute(w=5.0, b=b, x0=0.5)
        gaps = np.array([min(abs(e - p.x) for p in d["points"] if p.stable) for e in d["ends"]])
        assert (gaps <= 0.01).sum() >= 7
    d = bifurcation.compute(w=5.0, b=-2.5, x0=0.5)
    low, mid, high = (p.x for p in d["points"])
    assert abs(mid) < 1e-9 and d["n_stable"] == 2
    starts = np.append(np.linspace(-4, 4, 7), 0.5)
    assert (np.abs(d["ends"][starts > 0] - high) < 0.01).all()
    assert (np.abs(d["ends"][starts < 0] - low) < 0.01).all()


# ------------------------------------------------------------------- CliffExplorer

@pytest.fixture(scope="module")
def cliff():
    return CliffExplorer()


@pytest.fixture(scope="module")
def cliff_notes(cliff):
    ex, cases = cliff, []
    starts = [(float(w), float(b)) for w in range(0, 11) for b in range(-6, 1)]
    cases += [ex.compute(w0=w, b0=b, lr=lr, clip="off", steps=40)
              for w, b in starts for lr in LRS]
    cases += [ex.compute(w0=w, b0=b, lr=0.5, clip=c, threshold=1.0, steps=40)
              for w, b in starts for c in ("norm", "elementwise")]
    cases += [ex.compute(w0=4.5, b0=-2.0, lr=lr, clip=c, threshold=th, steps=40)
              for lr in LRS for c in ("norm", "elementwise") for th in THRESHOLDS]
    cases += [ex.compute(w0=4.5, b0=-2.0, lr=0.5, clip=c, steps=n)
              for c in ("off", "norm", "elementwise") for n in (1, 2, 80)]
    return [(d, ex.note_for(d)) for d in cases]


def inside(p):
    w0, w1, b0, b1 = WINDOW
    return w0 <= p[0] <= w1 and b0 <= p[1] <= b1


def test_cliff_longest_step_is_the_longest_and_its_numbers_are_true(cliff_notes):
    for d, note in cliff_notes:
        one_sentence(note)
        path = d["path"]
        moved = np.hypot(*np.diff(path, axis=0).T)
        assert len(moved) == d["steps"] or "stopped after" in note, note
        m = re.match(r"The longest step is step (\d+): gradient norm (\S+), moved (\S+) in "
                     r"\(w, b\)", note)
        if not m:
            assert "No step moved" in note and (moved == 0).all(), note
            continue
        i = int(m[1])
        assert moved[i] == moved.max() > 0 and np.argmax(moved) == i, note
        L = one_unit_loss(*path[i])
        assert m[2] == f"{math.hypot(float(L.dw), float(L.db)):.3g}", note
        assert m[3] == f"{moved[i]:.3g}", note


def test_cliff_says_where_the_path_ends(cliff_notes):
    seen = set()
    for d, note in cliff_notes:
        path = d["path"]
        left = not all(inside(p) for p in path)
        end_in = inside(path[-1])
        m = re.search(r"the path (ends off the map|leaves the map, comes back and ends on it|"
                      r"ends on the map) with loss (below 1e-12|[\d.e+-]+\d)", note)
        assert m, note
        seen.add(m[1])
        expect = ("ends off the map" if not end_in else
                  "leaves the map, comes back and ends on it" if left else "ends on the map")
        assert m[1] == expect, note
        loss = float(one_unit_loss(*path[-1]).loss)
        if m[2] == "below 1e-12":
            assert loss < 1e-12 and d["final_loss"] < 1e-12, note
        else:
            assert loss >= 1e-12 and m[2] == f"{d['final_loss']:.3g}", note
            assert abs(float(m[2]) - loss) <= 0.005 * loss, note
    assert len(seen) == 3, seen


def test_cliff_counts_the_steps_clipping_changed(cliff_notes):
    seen = 0
    for d, note in cliff_notes:
        m = re.search(r"clipping \((\w+), threshold (\S+)\) changed (\d+) of (\d+) steps", note)
        assert (m is not None) == (d["clip"] != "off"), note
        if not m:
            continue
        seen += 1
        assert m[1] == d["clip"] and float(m[2]) == d["threshold"], note
        path = d["path"]
        L = one_unit_loss(path[:-1, 0], path[:-1, 1])      # every point of the path at once
        plain = -d["lr"] * np.stack([L.dw, L.db], axis=1)
        same = np.isclose(np.diff(path, axis=0), plain, rtol=1e-9, atol=1e-15).all(axis=1)
        assert int(m[3]) == int((~same).sum()) and int(m[4]) == len(path) - 1, note
    assert seen


def test_cliff_section_7_claims(cliff):
    """'The step that lands on the wall meets a gradient many times larger than any before'
    (more than 30 times, the notebook says); 'Without clipping, step 11 hits the wall and
    lands far off the map on a plateau. Norm clipping shortens that one step and the
    descent goes on to a low loss. Elementwise clipping also survives, but each clipped
    step points somewhere else.'"""
    base = dict(w0=4.5, b0=-2.0, lr=0.5, steps=40, threshold=1.0)
    off = cliff.compute(clip="off", **base)
    g = off["grad_norm"]
    assert off["biggest"] == 11 and g[11] > 30 * g[:11].max()          # more than 30 times
    assert not inside(off["path"][-1]) and off["thrown"] > 5            # far off the map
    assert g[-5:].max() < 1e-6                                         # on a plateau
    norm = cliff.compute(clip="norm", **base)
    assert list(np.flatnonzero(norm["clipped"])) == [11]               # that one step
    assert norm["final_loss"] < off["final_loss"] / 10 and inside(norm["path"][-1])
    elem = cliff.compute(clip="elementwise", **base)
    assert all(inside(p) for p in elem["path"])                        # survives
    for k in np.flatnonzero(elem["clipped"]):
        L = one_unit_loss(*elem["path"][k])
        g_raw = -np.array([float(L.dw), float(L.db)])
        step = elem["path"][k + 1] - elem["path"][k]
        cos = g_raw @ step / np.linalg.norm(g_raw) / np.linalg.norm(step)
        assert cos < 1 - 1e-6                                          # another direction


# ------------------------------------------------------------------- pictures with alt text

@pytest.mark.parametrize("cls", [RepeatExplorer, GradientFlowExplorer, BifurcationExplorer,
                                 CliffExplorer])
def test_still_picture_carries_alt_text_with_its_note(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex = cls()
        still, metadata = ex._still()
    alt = metadata["image/png"]["alt"]
    assert ex.note in alt and still["text/plain"] == alt
    assert base64.b64decode(still["image/png"]).startswith(b"\x89PNG")
    assert re.fullmatch(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="[^"<>]+" '
                        r'style="max-width: 100%"/>', still["text/html"])
    assert ex.display_bundles()[1] == still


def test_show_gives_a_figure_alt_text():
    import matplotlib.pyplot as plt

    from rnnlab.show import figure_png, picture_bundle

    fig, ax = plt.subplots()
    ax.plot([0, 1])
    png = figure_png(fig)
    plt.close(fig)
    data, md = picture_bundle(png, 'A line from 0 to 1 "rising".')
    assert md == {"image/png": {"alt": 'A line from 0 to 1 "rising".'}}
    assert 'alt="A line from 0 to 1 &quot;rising&quot;."' in data["text/html"]
    with pytest.raises(ValueError):
        picture_bundle(png, "  ")


def test_live_curves_end_with_alt_text():
    import matplotlib.pyplot as plt

    from rnnlab.plots.study import LiveCurves

    calls = []

    class Handle:
        def update(self, obj, **kwargs):
            calls.append((obj, kwargs))

    live = LiveCurves(["a"], 10, "loss", every=5)
    live._handle = Handle()
    live.update("a", 0, 1.0)
    live.close(alt="One learning curve.")
    data, kwargs = calls[-1]
    assert kwargs["raw"] and kwargs["metadata"] == {"image/png": {"alt": "One learning curve."}}
    assert 'alt="One learning curve."' in data["text/html"]
    plt.close("all")


def test_every_picture_of_chapter_3_has_alt_text():
    """What nbconvert and nbviewer show: each PNG of the stored notebook (figures and the
    explorers' still pictures) comes with an HTML <img> of itself that has alt text."""
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).parents[1] / "notebooks" /
                     "03_exploding_vanishing.ipynb").read_text())
    pictures = 0
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" not in data:
                continue
            pictures += 1
            alt = out["metadata"]["image/png"]["alt"]
            html = "".join(data["text/html"])
            assert len(alt) > 40 and re.search(r'<img src="data:image/png;base64,[^"]+" alt="',
                                               html), alt
    assert pictures >= 11
