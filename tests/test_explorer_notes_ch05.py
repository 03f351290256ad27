"""Chapter 5's explorers say only true things, and its "try this" steps happen.

GRUGatesExplorer: every control over its whole slider (both conventions), and the pairs
that interact (b_z x w_xz, b_z x w_hn, b_z x b_r, b_r x w_hn, each with the convention)
on a coarser grid. Each note is matched as a whole against one pattern, and every
number and word in it is checked against a one-unit GRU recomputed here from its
equations: h_4 and the share the update gate writes while the first pulse lasts
("barely opens" only when ``rnnlab.words.is_shut``), the share copied per step between
the pulses and what that copy alone keeps over 15 steps, and what h_19 holds, with the
candidate named as the cause of the difference only when it does push the way the
note says.

CellsFlowExplorer: every combination of T, LSTM b_f + and GRU b_z + on the sliders'
steps; each ratio against the norms, "fraction" only below 1, "carries it furthest"
only for the cell whose printed ratio is the largest and differs from the others.

Then each "try this" step of sections 4 and 5 of notebooks/05_gru, computed at its
setting with ``explorer.compute(...)``.
"""
import re

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlab as rl  # noqa: E402
from rnnlab import words  # noqa: E402
from rnnlab.budget import CELLS  # noqa: E402
from rnnlab.flow import gradient_flow  # noqa: E402
from rnnlab.widgets import CellsFlowExplorer, GRUGatesExplorer  # noqa: E402
from rnnlab.widgets.flow import format_ratio  # noqa: E402
from rnnlab.widgets.gru_gates import share_text  # noqa: E402

CONVENTIONS = ("PyTorch", "Chung et al. 2014")


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def slider_values(control):
    return [float(v) for v in np.round(np.arange(control.min, control.max + control.step / 2,
                                                 control.step), 6)]


def whole(lo, hi):
    return [float(v) for v in range(lo, hi + 1)]


# ------------------------------------------------------------------- GRUGatesExplorer

def oracle(x, b_z, w_xz, b_r, w_hn, convention):
    """z, r, n, h and keep of the one-unit GRU, from its equations (not from rnnlab.GRU)."""
    z, r = sigmoid(w_xz * x + b_z), sigmoid(b_r)
    n, h, prev = np.zeros_like(x), np.zeros_like(x), 0.0
    for t, xt in enumerate(x):
        n[t] = np.tanh(2.0 * xt + r * w_hn * prev)    # H = 1: r (h W) = (r h) W
        h[t] = ((1 - z[t]) * n[t] + z[t] * prev if convention == "PyTorch"
                else (1 - z[t]) * prev + z[t] * n[t])
        prev = h[t]
    keep = z if convention == "PyTorch" else 1 - z
    return {"z": z, "r": r, "n": n, "h": h, "keep": keep}


def share_value(text):
    """(value, tolerance) of a share as the note prints it: '68%', '99.8%', '3e-05'."""
    if text.startswith("all but "):
        rest, tol = share_value(text[len("all but "):])
        return 1 - rest, tol
    if text.endswith("%"):
        digits = text[:-1]
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        return float(digits) / 100, 0.5 * 10 ** -decimals / 100 + 1e-12
    value = float(text)
    return value, 0.5 * 10 ** np.floor(np.log10(abs(value)))


def shows(text, value):
    """Whether ``text`` is ``value`` at the printed precision, and never a rounded 0 or 100%
    for a share that is not exactly that."""
    v, tol = share_value(text)
    if abs(v - value) > tol:
        return False
    if text.lstrip("-") in ("0%",) and value != 0:
        return False
    return not (text.lstrip("-").startswith("100") and abs(value) < 1)


SHARE = r"(?:all but )?[-+\d.e%]+"


NOTE = re.compile((
    r"(?:The update gate barely opens to write during the first pulse \((?P<side_s>1 - z|z) = "
    r"(?P<w_s>[\d.]+) per step\), so it leaves only h_4 = (?P<h4_s>[-+][\d.]+)"
    r"|The first pulse leaves h_4 = (?P<h4>[-+][\d.]+) \(while it lasts the update gate "
    r"writes (?P<side>1 - z|z) = (?P<w>[\d.]+) of the candidate per step\)); "
    r"between the pulses it copies (?P<k>{S}) of the state per step \((?P<kside>1 - z|z) = "
    r"(?P<kv>[\d.]+), (?P<conv>.+?)'s convention\), which alone would keep (?P<copy>{S}) of "
    r"h_4 after 15 steps, "
    r"(?:and h_19 = (?P<h19_same>[-+][\d.]+) holds (?P<held_same>{S}), the same: the candidate "
    r"writes next to nothing back \(r w_hn = (?P<rw_same>[-+][\d.]+)\)"
    r"|(?P<verb>yet|and) h_19 = (?P<h19>[-+][\d.]+) (?:holds (?P<only>only )?(?P<held>{S})"
    r"|(?P<flip>has the opposite sign)): the candidate, which sees the old state through "
    r"r w_hn = (?P<rw>[-+][\d.]+), (?P<cause>writes part of it back|writes it back amplified"
    r"|pushes against it|pushes it past zero))\.").replace("{S}", SHARE))


@pytest.fixture(scope="module")
def gates():
    return GRUGatesExplorer(T=36)


@pytest.fixture(scope="module")
def gate_notes(gates):
    """(setting, data, note, oracle) over every slider alone and the interacting pairs."""
    c = gates.controls
    settings = [{name: v} for name in ("b_z", "w_xz", "b_r", "w_hn")
                for v in slider_values(c[name])]
    settings += [{"b_z": a, "w_xz": b} for a in whole(-6, 6) for b in whole(-8, 8)]
    settings += [{"b_z": a, "w_hn": b} for a in whole(-6, 6) for b in whole(-3, 3)]
    settings += [{"b_z": a, "b_r": b} for a in whole(-6, 6)[::2] for b in whole(-6, 6)[::2]]
    settings += [{"b_r": a, "w_hn": b} for a in whole(-6, 6) for b in whole(-3, 3)]
    out = []
    for conv in CONVENTIONS:
        for s in settings:
            s = {**s, "convention": conv}
            d = gates.compute(**s)
            o = oracle(d["x"], d["b_z"], d["w_xz"], d["b_r"], d["w_hn"], conv)
            out.append((s, d, gates.note_for(d), o))
    return out


def test_gate_data_is_the_gru_of_the_equations(gate_notes):
    for s, d, _, o in gate_notes:
        for key in ("z", "n", "h", "keep"):
            np.testing.assert_allclose(d[key], o[key], atol=1e-12, err_msg=str(s))
        assert d["h_after"] == d["h"][4] and d["h_before"] == d["h"][19]


def test_every_gate_note_is_read_whole(gate_notes):
    kinds = set()
    for s, d, note, _ in gate_notes:
        m = NOTE.fullmatch(note)
        assert m, (s, note)
        kinds.add("shut" if m["w_s"] else "writes")
        kinds.add(m["cause"] or "same")
    assert kinds == {"shut", "writes", "same", "writes part of it back",
                     "writes it back amplified", "pushes against it", "pushes it past zero"}


def test_what_the_first_pulse_writes(gate_notes):
    for s, d, note, o in gate_notes:
        m = NOTE.fullmatch(note)
        pytorch = s["convention"] == "PyTorch"
        write = 1 - o["keep"][2:5]
        assert np.ptp(write) < 1e-12                       # one share "per step" of the pulse
        shut = m["w_s"] is not None
        assert shut == words.is_shut(write[0]), (s, note)  # "barely opens" by the one threshold
        assert (m["side_s"] or m["side"]) == ("1 - z" if pytorch else "z")
        assert (m["w_s"] or m["w"]) == f"{write[0]:.3f}"
        assert (m["h4_s"] or m["h4"]) == f"{o['h'][4]:+.2f}"


def test_what_the_copy_path_keeps(gate_notes):
    for s, d, note, o in gate_notes:
        m = NOTE.fullmatch(note)
        pytorch = s["convention"] == "PyTorch"
        quiet = o["keep"][5:20]
        keep = sigmoid(s.get("b_z", 3.0)) if pytorch else 1 - sigmoid(s.get("b_z", 3.0))
        assert np.ptp(quiet) < 1e-12 and abs(quiet[0] - keep) < 1e-12   # constant, per step
        assert m["kside"] == ("z" if pytorch else "1 - z") and m["conv"] == s["convention"]
        assert m["kv"] == f"{keep:.3f}" and shows(m["k"], keep), (s, note)
        assert shows(m["copy"], keep ** 15), (s, note)   # "alone": 15 steps of the copy


def test_what_h19_holds_and_why(gate_notes):
    for s, d, note, o in gate_notes:
        m = NOTE.fullmatch(note)
        h, n = o["h"], o["n"]
        held, copy = h[19] / h[4], np.prod(o["keep"][5:20])
        r_w_hn = o["r"] * s.get("w_hn", 1.0)
        assert (m["rw_same"] or m["rw"]) == f"{r_w_hn:+.2f}"
        assert (m["h19_same"] or m["h19"]) == f"{h[19]:+.2f}"
        # the candidate's sign against the state it reads, over the quiet steps
        along = n[5:20] * h[4:19]
        if m["held_same"]:
            assert share_text(held) == share_text(copy) and abs(held - copy) < 0.01, note
            continue
        cause = m["cause"]
        if cause == "pushes it past zero":
            assert m["flip"] and h[19] * h[4] < 0 and r_w_hn < 0, note
        else:
            assert shows(m["held"], held), (s, note)
        if cause in ("writes part of it back", "writes it back amplified"):
            assert m["verb"] == "yet" and held > copy and r_w_hn > 0 and (along >= 0).all(), note
            assert (held > 1) == (cause == "writes it back amplified"), note
        if cause == "pushes against it":
            assert m["only"] and 0 <= held < copy and r_w_hn < 0 and (along <= 0).all(), note


# ------------------------------------------------------------------- CellsFlowExplorer

@pytest.fixture(scope="module")
def cells():
    return CellsFlowExplorer(budget=600, rng=0)


@pytest.fixture(scope="module")
def flow_notes(cells):
    c = cells.controls
    out = []
    for T in range(c["T"].min, c["T"].max + 1, c["T"].step):
        for b_f in slider_values(c["forget_bias"]):
            for b_z in slider_values(c["update_bias"]):
                d = cells.compute(T=T, forget_bias=b_f, update_bias=b_z)
                out.append((d, cells.note_for(d)))
    return out


FLOW_NOTE = re.compile(
    r"At lag (?P<lag>\d+) the gradient is this fraction of its value at the loss: "
    r"RNN (?P<RNN>[^,]+), LSTM (?P<LSTM>[^,]+), GRU (?P<GRU>[^;]+); "
    r"(?:the (?P<best>RNN|LSTM|GRU) carries it furthest"
    r"|the (?P<tied>(?:RNN|LSTM|GRU)(?: and the (?:RNN|LSTM|GRU))+) carry it equally far at "
    r"this precision)\.")


def test_every_flow_note_is_true(cells, flow_notes):
    kinds = set()
    for d, note in flow_notes:
        m = FLOW_NOTE.fullmatch(note)
        assert m, note
        assert int(m["lag"]) == d["T"] - 1 == len(d["lag"]) - 1
        ratio = {}
        for c in CELLS:
            dh = d["results"][cells.labels[c]].dh
            ratio[c] = dh[-1] / dh[0]
            assert len(dh) == d["T"] and 0 < ratio[c] < 1, note     # "this fraction"
            assert m[c] == format_ratio(np.log10(ratio[c])), note
        top = max(ratio.values())
        if m["best"]:
            kinds.add("best")
            assert ratio[m["best"]] == top
            assert all(m[c] != m[m["best"]] for c in CELLS if c != m["best"]), note
        else:
            kinds.add("tied")
            named = m["tied"].split(" and the ")
            best = max(CELLS, key=ratio.get)
            assert best in named and {c for c in CELLS if m[c] == m[best]} == set(named), note
    assert kinds == {"best", "tied"}


def test_cached_flows_are_fresh_flows_at_the_corners(cells):
    for T, b_f, b_z in ((10, -2.0, 5.0), (150, 5.0, -2.0), (70, 2.5, 2.5)):
        d = cells.compute(T=T, forget_bias=b_f, update_bias=b_z)
        lstm = rl.LSTM(1, cells.widths["LSTM"], forget_bias=b_f, rng=0)
        gru = rl.GRU(1, cells.widths["GRU"], rng=0)
        gru["b_z"] = gru["b_z"] + b_z
        for c, model in (("LSTM", lstm), ("GRU", gru)):
            np.testing.assert_allclose(d["results"][cells.labels[c]].dh,
                                       gradient_flow(model, T, rng=0).dh, rtol=1e-12)


# ------------------------------------------------------------------- try this: section 4

def test_s4_default_unit_stores_the_positive_pulse_and_ignores_the_negative(gates):
    d = gates.compute()
    assert f"{d['z'][10]:.2f}" == "0.95"                     # b_z = 3: z near 0.95, keep
    assert words.is_shut(d["z"][3])                          # w_xz = -6 with x = +1: write
    assert words.is_open(d["z"][20]) and words.is_open(d["z"][21])
    assert abs(d["h"][21] - d["h"][19]) < 0.01               # the -1 pulse is not written
    assert f"{d['copy_alone']:.1f}" == "0.5"                  # z^15: about half of h_4 ...
    assert d["held"] > d["copy_alone"] and d["r_w_hn"] > 0    # ... and the candidate adds


def test_s4_step1_chung_reads_the_same_weights_the_other_way(gates):
    d = gates.compute(convention="Chung et al. 2014")
    assert words.is_open(d["z"][10]) and words.keeps_little(d["keep_gap"])   # writes n
    assert f"{d['h_before']:+.2f}" == "+0.00"                # gone by step 19
    assert words.is_shut(d["write"]) and f"{d['h_after']:.2f}" == "0.13"   # +1: barely
    assert words.is_open(d["z"][20]) and f"{d['h'][21]:.2f}" == "-0.99"    # -1: at once
    back = gates.compute(convention="Chung et al. 2014", b_z=-3.0, w_xz=6.0)
    ref = gates.compute(convention="PyTorch")
    np.testing.assert_allclose(back["h"], ref["h"], atol=1e-12)              # storing again


def test_s4_step2_b_z(gates):
    low = gates.compute(b_z=0.0)
    assert words.keeps_little(low["held"]) and share_text(low["held"]) == "1%"   # leaks
    high = gates.compute(b_z=6.0)
    assert f"{high['z'][3]:.1f}" == "0.5" and f"{high['h_after']:.2f}" == "0.86"
    assert share_text(high["keep_gap"]) == "99.8%" and share_text(high["held"]) == "98%"
    assert words.keeps_most(high["held"])
    others = [gates.compute(b_z=b)["held"] for b in slider_values(gates.controls["b_z"])]
    assert high["held"] == max(others)                       # the best storage of any b_z
    shut = gates.compute(b_z=6.0, w_xz=-2.0)
    assert f"{shut['z'][3]:.2f}" == "0.98" and words.is_shut(shut["write"])
    assert f"{shut['h_after']:.2f}" == "0.05"


def test_s4_step3_reset_matters_between_the_pulses(gates):
    runs = [gates.compute(w_hn=-3.0, b_r=b) for b in slider_values(gates.controls["b_r"])]
    h4 = [d["h_after"] for d in runs]
    assert f"{min(h4):.2f}" == "0.80" and f"{max(h4):.2f}" == "0.96"
    held = [d["held"] for d in runs]
    assert all(a >= b for a, b in zip(held, held[1:]))        # more reset, less kept
    assert share_text(held[0]) == share_text(runs[0]["copy_alone"]) == "48%"
    assert share_text(held[-1]) == "9%"
    assert f"{1 - runs[0]['keep_gap']:.2f}" == "0.05"


# ------------------------------------------------------------------- try this: section 5

def mean_z(cells, b_z, T=100):
    gru = rl.GRU(1, cells.widths["GRU"], rng=0)
    gru["b_z"] = gru["b_z"] + b_z
    X = np.random.default_rng(0).standard_normal((T, 1, 1))   # gradient_flow's input
    return float(np.mean([c.z for c in gru.forward(X).caches]))


def ratios(cells, **s):
    d = cells.compute(**s)
    return {c: d["log10_ratio"][cells.labels[c]] for c in CELLS}


def test_s5_step1_lstm_leads_and_the_gru_fades_fastest(cells):
    r = ratios(cells)
    assert r["LSTM"] > r["RNN"] > r["GRU"]
    assert "the LSTM carries it furthest" in cells.note_for(cells.compute())
    assert 0.4 <= mean_z(cells, 0.0) <= 0.6                   # around sigmoid(0) = 0.5


def test_s5_step2_biases(cells):
    gru = [ratios(cells, update_bias=b) for b in (2.0, 3.0, 4.0)]
    assert all(r["GRU"] > r["LSTM"] for r in gru)             # past the LSTM's line
    assert gru[0]["GRU"] < gru[1]["GRU"] < gru[2]["GRU"]      # flattens
    zs = [mean_z(cells, b) for b in (0.0, 2.0, 3.0, 4.0)]
    assert all(a < b for a, b in zip(zs, zs[1:])) and zs[-1] > 0.95   # towards 1
    assert format_ratio(ratios(cells, forget_bias=5.0)["LSTM"]) == "6e-03"   # at 5
    assert format_ratio(ratios(cells)["LSTM"]) == "1e-07"                   # instead of
    low = ratios(cells, forget_bias=-2.0)
    assert low["LSTM"] < low["RNN"]                           # below the RNN


def test_s5_step3_about_the_same_factor_per_step_at_every_T(cells):
    lstm = []
    for T in range(30, 151, 10):
        factor = {c: 10 ** (lr / (T - 1)) for c, lr in ratios(cells, T=T).items()}
        assert f"{factor['RNN']:.1f}" == f"{factor['GRU']:.1f}" == "0.6", T   # about 0.6
        lstm.append(float(f"{factor['LSTM']:.2f}"))
    assert (min(lstm), max(lstm)) == (0.79, 0.86)                  # 0.79 to 0.86
