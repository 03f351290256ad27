"""Chapter 2's BPTTExplorer: every sentence of its note is checked against the numbers
over a grid of every control's values (W_hh in steps of 0.05, every k, both losses, and
the sweep position with k, where they interact), against an oracle written here
independently (the gradient of each loss at each state as an explicit product of
factors); and every "try this" step of the chapter is computed at its setting and its
claim asserted."""
import re

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlab.widgets import BPTTExplorer  # noqa: E402
from rnnlab.widgets.bptt import H_INIT  # noqa: E402
from rnnlab.words import VANISHED, factor_text  # noqa: E402

T = 12
W_GRID = [float(w) for w in np.round(np.arange(-2.0, 2.0001, 0.05), 2)]
LOSSES = ("every step", "last step")


@pytest.fixture(scope="module")
def explorer():
    return BPTTExplorer(T=T, rng=0)


def oracle(ex, w, loss):
    """h_t and G[s, t] = dL_s/dh_t by explicit products: G[s, t] = e_s prod_{u=t+1..s} J_u."""
    h, prev = np.empty(T), H_INIT
    for t in range(T):
        prev = h[t] = np.tanh(ex.x[t] + w * prev)
    e = 2 * (h - ex.target) * (np.arange(T) == T - 1 if loss == "last step" else 1.0)
    J = w * (1 - h ** 2)
    G = np.zeros((T, T))
    for s in range(T):
        for t in range(s + 1):
            G[s, t] = e[s] * np.prod(J[t + 1:s + 1])
    return h, J, G


@pytest.fixture(scope="module")
def probed(explorer):
    """(data, note, oracle) over the grid: W_hh x k x loss at four sweep positions, and
    every sweep position with k in (1, 6, 12) on every fourth W_hh."""
    out, oracles = [], {}
    settings = [dict(w_hh=w, k=k, loss=loss, step=s) for w in W_GRID for k in range(1, T + 1)
                for loss in LOSSES for s in (0, 1, 6, 11)]
    settings += [dict(w_hh=w, k=k, loss=loss, step=s) for w in W_GRID[::4] for k in (1, 6, 12)
                 for loss in LOSSES for s in range(T) if s not in (0, 1, 6, 11)]
    for v in settings:
        key = (v["w_hh"], v["loss"])
        if key not in oracles:
            oracles[key] = oracle(explorer, *key)
        d = explorer.compute(**v)
        out.append((d, explorer.note_for(d), oracles[key]))
    return out


def failures(probed, claim, holds):
    bad = []
    for d, note, orc in probed:
        m = re.search(claim, note)
        if m and not holds(d, m, orc):
            bad.append(f"W_hh={d['w_hh']} k={d['k']} {d['loss']} step={d['step']}: {note}")
    return bad[:5]


def present_exactly_when(probed, claim, condition):
    return [note for d, note, _ in probed if bool(re.search(claim, note)) != condition(d)][:5]


def test_the_grid_reaches_every_kind_of_note(probed):
    notes = " ".join(n for _, n, _ in probed)
    for phrase in ("All 12 contributions added", "Swept back to step", "full BPTT (k = T)",
                   "nothing is lost", "a relative error of", "kept bar is taller",
                   "kept bars are taller", "with W_hh = 0", "reaches step 0 multiplied by",
                   "so it has vanished", "k = 1 step:", "k = 2 steps"):
        assert phrase in notes, phrase
    reached = [n for _, n, _ in probed if "multiplied by" in n and "vanished" not in n]
    assert reached


def test_every_note_is_one_sentence_of_finite_numbers(probed):
    for d, note, _ in probed:
        assert note.endswith(".") and ". " not in note, note
        assert not re.search(r"nan|inf|e\+00|-0\.0+\b|\+-", note), note


def test_sweep_clause(probed):
    assert not present_exactly_when(probed, r"^All 12 contributions added", lambda d: d["step"] == 0)
    assert not present_exactly_when(probed, r"^Swept back to step", lambda d: d["step"] > 0)

    def holds(d, m, orc):
        h, J, G = orc
        kept = np.where(np.subtract.outer(np.arange(T), np.arange(T)) < d["k"], G, 0).sum(0)
        h_prev = np.concatenate([[H_INIT], h[:-1]])
        c = h_prev * (1 - h ** 2) * kept
        s = int(m.group("s"))
        return (s == d["step"] and m.group("a") == f"{c[s:].sum():+.3g}"
                and m.group("b") == f"{c.sum():+.3g}")
    assert not failures(probed, r"Swept back to step (?P<s>\d+): the running sum is "
                                r"(?P<a>\S+), and (?P<b>\S+) once step 0 is added", holds)


def contributions(orc, k):
    h, J, G = orc
    h_prev = np.concatenate([[H_INIT], h[:-1]])
    lag = np.subtract.outer(np.arange(T), np.arange(T))
    full = h_prev * (1 - h ** 2) * G.sum(0)
    kept = h_prev * (1 - h ** 2) * np.where(lag < k, G, 0).sum(0)
    return full, kept, G[lag >= k]


def shows(text, value):
    """``text`` is ``value`` to the significant digits it shows (at least 3), within one
    unit of the last digit (the oracle sums in another order)."""
    digits = len(re.sub(r"e.*$", "", text).lstrip("+-").replace(".", "").lstrip("0"))
    if not value:
        return text == "+0"
    unit = 10.0 ** (np.floor(np.log10(abs(value))) - digits + 1)
    return digits >= 3 and abs(float(text) - value) <= unit


def two_digits(shown, value):
    """``shown`` is ``value`` to two significant digits."""
    return abs(shown - value) <= 0.5001 * 10.0 ** (np.floor(np.log10(value)) - 1)


def test_truncation_clauses(probed):
    assert not present_exactly_when(probed, r"full BPTT \(k = T\)", lambda d: d["k"] == T)
    assert not failures(probed, r"full BPTT \(k = T\): dW_hh = (?P<x>\S+?);",
                        lambda d, m, orc: m.group("x") == f"{contributions(orc, T)[0].sum():+.3g}")

    def nothing_lost(d, m, orc):
        full, kept, dropped = contributions(orc, d["k"])
        return (int(m.group("k")) == d["k"] < T and (dropped == 0).all()
                and m.group("x") == f"{full.sum():+.3g}")
    assert not failures(probed, r"truncated to k = (?P<k>\d+) steps?, nothing is lost: every "
                                r"dropped term is 0, dW_hh = (?P<x>\S+?);", nothing_lost)

    def error(d, m, orc):
        full, kept, dropped = contributions(orc, d["k"])
        a, b = kept.sum(), full.sum()
        return (int(m.group("k")) == d["k"] < T and (dropped != 0).any()
                and shows(m.group("a"), a) and shows(m.group("b"), b)
                and (m.group("a") != m.group("b") or a == b)
                and (two_digits(float(m.group("e")), abs(a - b) / (abs(a) + abs(b)))
                     if m.group("e") else abs(a - b) <= 1e-15 * (abs(a) + abs(b))))
    assert not failures(probed, r"truncated to k = (?P<k>\d+) steps?: dW_hh = (?P<a>\S+) "
                                r"instead of (?P<b>\S+), a relative error of ((?P<e>[\d.e+-]+\d)|"
                                r"0 in float64 \(the dropped terms are too small to change the "
                                r"sum\))", error)
    # every truncated setting says one of the two
    for d, note, _ in probed:
        assert (d["k"] < T) == ("truncated to k" in note), note


def test_taller_kept_bars_are_counted_and_pulled_the_other_way(probed):
    def holds(d, m, orc):
        full, kept, _ = contributions(orc, d["k"])
        taller = np.abs(kept) > np.abs(full) * (1 + 1e-9) + 1e-15
        dropped = full - kept
        return (int(m.group("n")) == taller.sum() > 0
                and (np.sign(dropped[taller]) == -np.sign(kept[taller])).all())
    assert not failures(probed, r"(?P<n>\d+) kept bars? (is|are) taller than full BPTT's, where "
                                r"the dropped terms pulled the other way", holds)
    for d, note, orc in probed:
        full, kept, _ = contributions(orc, d["k"])
        if (np.abs(kept) > np.abs(full) * 1.001 + 1e-12).any():
            assert "taller than full BPTT's" in note, note


def test_reach_clause(probed):
    assert not present_exactly_when(probed, r"with W_hh = 0 no gradient passes",
                                    lambda d: d["w_hh"] == 0)
    for d, note, orc in probed:
        if d["w_hh"] == 0:
            G = orc[2]
            assert (G[~np.eye(T, dtype=bool)] == 0).all()

    def holds(d, m, orc):
        reach = abs(np.prod(orc[1][1:]))
        return (m.group("f") == factor_text(reach)
                and bool(m.group("v")) == (reach <= VANISHED) and d["w_hh"] != 0)
    assert not failures(probed, r"an error at step 11 reaches step 0 multiplied by "
                                r"(?P<f>zero|[\d.e+-]+?)(?P<v>, so it has vanished)?\.$", holds)


# ------------------------------------------------------------------- the "try this" steps

def test_try_this_1_the_sweep_reaches_the_dashed_line_and_does_not_only_climb(explorer):
    d = explorer.compute(step=0)
    assert d["swept"] == pytest.approx(d["dW_full"], rel=1e-12)
    assert d["full"][9] < 0                                    # "step 9's ... is negative"
    sums = [explorer.compute(step=s)["swept"] for s in range(T - 1, -1, -1)]
    assert any(b < a for a, b in zip(sums, sums[1:]))          # "does not only climb"
    assert all(explorer.compute(step=s)["swept"] != d["dW_full"] for s in range(1, T))


def test_try_this_2_one_loss_shrinks_at_every_step_back(explorer):
    d = explorer.compute(loss="last step")
    size = np.abs(d["dh"])
    assert (np.diff(size) > 0).all()                           # shrinks at every step left
    J = d["w_hh"] * (1 - d["h"] ** 2)
    assert (np.abs(J) < 1).all()
    assert d["reach"] <= VANISHED and "has vanished" in explorer.note_for(d)


def test_try_this_3_truncation_to_one_step(explorer):
    d = explorer.compute(k=1)
    assert d["kept"][-1] == d["full"][-1]                      # the last bar stays
    assert (d["kept"][:-1] != d["full"][:-1]).all()            # the others change
    assert (np.abs(d["kept"]) > np.abs(d["full"])).any()       # some kept bars are taller
    note = explorer.note_for(d)
    assert "a relative error of" in note and "taller than full BPTT's" in note
    errors = [explorer.compute(k=k)["rel_error"] for k in range(1, T + 1)]
    assert errors[-1] == 0 and min(errors[:-1]) > 0            # 0 at k = 12 only
    assert any(b > a for a, b in zip(errors, errors[1:]))      # "not at every step"
    assert errors[0] == max(errors)


def test_try_this_4_w_hh(explorer):
    d = explorer.compute(w_hh=0.0, loss="last step")
    assert (d["full"][:-1] == 0).all() and d["full"][-1] != 0  # only the last bar is left
    reach = {w: explorer.compute(w_hh=w, loss="last step")["reach"] for w in (0.5, 1.0, 1.5, 2.0)}
    assert max(reach, key=reach.get) == 1.0
    # small weights shrink the gradient at every step: |J| <= |W_hh| < 1
    d = explorer.compute(w_hh=0.5, loss="last step")
    assert (np.abs(0.5 * (1 - d["h"] ** 2)) <= 0.5).all()
    # large ones saturate tanh: 1 - h_t^2 shrinks as W_hh grows past 1
    slopes = [np.mean(1 - explorer.compute(w_hh=w, loss="last step")["h"] ** 2)
              for w in (1.0, 1.5, 2.0)]
    assert slopes[0] > slopes[1] > slopes[2]
    for w in (1.5, 2.0):
        assert reach[w] < reach[1.0]
    # a negative weight flips the gradient's sign at every step back
    for w in [v for v in W_GRID if v < 0]:
        dh = explorer.compute(w_hh=w, loss="last step")["dh"]
        assert (dh[1:] * dh[:-1] < 0).all(), w


def test_the_notebooks_settings_are_on_the_sliders(explorer):
    for name, values in (("w_hh", (0.0, 0.5, 1.0, 1.5, 2.0)), ("k", (1, 6, 7, 8, 12)),
                         ("step", (0, 9, 11))):
        control = explorer.controls[name]
        for v in values:
            n = (v - control.min) / control.step
            assert abs(n - round(n)) < 1e-9 and control.min <= v <= control.max, (name, v)
