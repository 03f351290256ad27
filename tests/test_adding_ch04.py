"""The adding-problem study of Chapter 4: the shipped results file against every claim the
chapter's prose makes, the shipped LSTM, the live slice, save/load, a short run, the plots."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlab as rl  # noqa: E402
from rnnlab.experiments.adding import (BUDGET, GOAL, HS1997, LIVE_BUDGET, RECIPE,  # noqa: E402
                                       RNN_H, SEEDS, adding_lstm, adding_test_set,
                                       by_setting, comparison_table, evaluate, load_runs,
                                       lstm_setting, make_model, report, rnn_setting,
                                       save_runs, study_plan, summary, train_adding)
from rnnlab.plots.adding import plot_runs, plot_study  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "04_lstm_gates.py"

# The claims of section 11, its recap and question 5, as the prose states them.
SOLVES = {RECIPE: 5, lstm_setting(3, 0): 1}           # "every seed"; "1 of 5 seeds"
ALONE = (lstm_setting(3, 0), 3, 27_200)               # "(seed 3, after 27,200 sequences)"
FAILS = [lstm_setting(1, -3), lstm_setting(1, 0),     # "0 of 5 seeds" each
         rnn_setting(0.01), rnn_setting(0.001)]
PROSE_RANGE = (16_000, 33_600)                        # "after 16,000 to 33,600 training"
PROSE_MEDIAN = 25_600                                 # "(median 25,600)"
CHANCE = (0.145, 0.175)                               # "15 to 17% ... by chance" (final)
FAIL_MAX = 0.18                                       # "none ... solved more than 18%"


@pytest.fixture(scope="module")
def runs():
    return load_runs()


@pytest.fixture(scope="module")
def prose():
    return " ".join(line.lstrip("# ").strip() for line in NOTEBOOK.read_text().splitlines())


def test_the_file_holds_the_study_as_described(runs):
    assert list(runs) == list(study_plan())
    groups = by_setting(runs)
    assert list(groups) == [RECIPE, lstm_setting(1, -3), lstm_setting(3, 0), lstm_setting(1, 0),
                            rnn_setting(0.01), rnn_setting(0.001)]
    for setting, group in groups.items():
        assert [r.seed for r in group] == list(SEEDS) == [0, 1, 2, 3, 4]   # "5 seeds (0 to 4)"
    for r in runs.values():
        assert (r.T, r.budget, r.B, r.clip) == (100, BUDGET, 32, 1.0) and BUDGET == 100_000
        assert np.array_equal(r.seen, 1600 * np.arange(1, len(r.seen) + 1))  # tested every 1,600
        lr = 1e-3 if r.setting == rnn_setting(0.001) else 1e-2
        assert r.lr == lr
        assert (r.kind, r.H, r.n_params) == (("lstm", 8, 361) if r.kind == "lstm"
                                             else ("rnn", RNN_H, 397))


def test_the_recipe_solves_with_every_seed(runs):
    hits, n, seen, seeds = summary(runs)[RECIPE]
    assert (hits, n) == (5, 5) == (SOLVES[RECIPE], len(SEEDS))
    assert (seen[0], seen[-1]) == PROSE_RANGE and int(np.median(seen)) == PROSE_MEDIAN
    assert max(seen) < HS1997["sequences"]            # "every seed needed fewer than 74,000"
    for r in by_setting(runs)[RECIPE]:                # a run stops once 99% are solved
        assert r.solved[-1] >= GOAL and r.seen[-1] == r.solved_at


def test_the_forget_bias_alone_solves_one_seed_in_five(runs):
    setting, seed, seen = ALONE
    assert summary(runs)[setting] == (SOLVES[setting], 5, [seen], [seed])


@pytest.mark.parametrize("setting", FAILS + [ALONE[0]])
def test_every_other_setting_solves_no_seed_within_the_budget(runs, setting):
    hits, n, _, _ = summary(runs)[setting]
    assert (hits, n) == (SOLVES.get(setting, 0), 5)
    for r in by_setting(runs)[setting]:
        if r.solved_at:
            continue
        assert r.seen[-1] == 99_200 == BUDGET // 1600 * 1600   # ran to the budget: last test
        assert r.best <= FAIL_MAX                     # "none solved more than 18%"
        assert CHANCE[0] <= r.solved[-1] <= CHANCE[1]  # on the plateau, right by chance
        assert r.loss[-1] > 0.03                      # near the loss of always answering 0.5


def test_the_rnn_has_at_least_the_lstms_parameters(runs):
    groups = by_setting(runs)
    lstm = groups[RECIPE][0].n_params
    for setting in (rnn_setting(0.01), rnn_setting(0.001)):
        assert all(r.n_params >= lstm for r in groups[setting])
    assert make_model("rnn", RNN_H).n_params >= make_model("lstm", 8).n_params


def test_prose_quotes_the_file(runs, prose):
    lines = report(runs)
    seen = summary(runs)[RECIPE][2]
    assert f"{seen[0]:,} to {seen[-1]:,}" in prose
    assert f"median {int(np.median(seen)):,}" in prose
    assert f"more than {round(100 * FAIL_MAX)}% of them" in prose
    assert f"solved 1 of 5 seeds (seed {ALONE[1]}, after {ALONE[2]:,} sequences)" in prose
    assert f"after {LIVE_BUDGET:,} sequences (10 to 30 seconds)" in prose
    assert "0 of 5 seeds in 100,000 sequences" in prose
    assert lines[0].startswith(f"{RECIPE} (361 parameters): 5 of 5 seeds solved after ")
    for setting, line in zip(list(by_setting(runs))[1:], lines[1:]):
        k = SOLVES.get(setting, 0)
        assert f": {k} of 5 seeds solved" in line
    assert f"{HS1997['sequences']:,}" in " ".join(comparison_table(runs))


def test_hochreiter_schmidhuber_count():
    assert HS1997 == {"T": 100, "sequences": 74_000, "weights": 93}


def test_shipped_lstm_solves_t100():
    model = adding_lstm()
    loss, solved = evaluate(model, adding_test_set(100))
    assert solved >= GOAL and loss < 1e-3


def test_live_slice_solves_within_its_budget(runs):
    """The notebook reruns the recipe's fastest seed: it must solve within LIVE_BUDGET."""
    fastest = min(by_setting(runs)[RECIPE], key=lambda r: r.solved_at)
    assert fastest.solved_at <= LIVE_BUDGET / 1.5      # a margin for another CPU's rounding
    _, run = train_adding(**{**study_plan()[fastest.label], "budget": LIVE_BUDGET})
    assert run.solved_at is not None and run.solved_at <= LIVE_BUDGET


def test_input_bias_reaches_the_model():
    model, run = train_adding("lstm", T=20, H=4, budget=32, B=32, eval_every=32,
                              forget_bias=3.0, input_bias=-3.0, test=adding_test_set(20, n=8))
    ref = rl.LSTM(2, 4, 1, rng=0)
    assert (run.forget_bias, run.input_bias) == (3.0, -3.0)
    assert abs(float(np.mean(model["b_i"] - ref["b_i"])) + 3.0) < 0.1   # one Adam step away
    _, rnn = train_adding("rnn", T=20, H=4, budget=32, B=32, eval_every=32, input_bias=-3.0,
                          test=adding_test_set(20, n=8))
    assert rnn.input_bias == 0.0


def test_parameter_counts_match():
    assert make_model("rnn", RNN_H).n_params >= make_model("lstm", 8).n_params
    with pytest.raises(ValueError):
        make_model("gru", 8)


def test_short_run_save_load(tmp_path):
    seen = []
    model, run = train_adding("lstm", T=20, H=4, budget=640, B=32, eval_every=320,
                              test=adding_test_set(20, n=64), input_bias=-1.0, seed=3,
                              label="LSTM a | seed 3",
                              callback=lambda r: seen.append(r.seen[-1]))
    assert seen == [320, 640] and list(run.seen) == [320, 640]
    assert np.all((run.solved >= 0) & (run.solved <= 1)) and np.isfinite(run.loss).all()
    save_runs({run.label: run}, tmp_path / "r.npz")
    back = load_runs(tmp_path / "r.npz")[run.label]
    assert (back.kind, back.H, back.seed, back.input_bias, back.setting) == \
        ("lstm", 4, 3, -1.0, "LSTM a")
    assert np.array_equal(back.loss, run.loss)
    d = plot_runs({run.label: back})
    assert d["lines"][run.label, "solved"].get_xdata()[-1] == 640


def test_callback_can_stop():
    _, run = train_adding("rnn", T=20, H=4, budget=3200, B=32, eval_every=320,
                          test=adding_test_set(20, n=32), callback=lambda r: False)
    assert list(run.seen) == [320]


def test_study_figure_one_style_per_setting_and_every_run(runs):
    d = plot_study(runs, budget=BUDGET, reference=("H&S", HS1997["sequences"]))
    assert set(d["lines"]) == set(runs)
    styles = list(d["styles"].values())
    assert len({s["color"] for s in styles}) == len(styles) == len(by_setting(runs))
    assert len({str(s["ls"]) for s in styles}) == len(styles)
    for label, line in d["lines"].items():   # each run drawn in its setting's style
        assert line.get_color() == d["styles"][runs[label].setting]["color"]
    labels = [t.get_text() for t in d["axes"][1].get_yticklabels()]
    assert sum(t.endswith(": 5/5") for t in labels) == 1
    assert sum(t.endswith(": 1/5") for t in labels) == 1
    assert sum(t.endswith(": 0/5") for t in labels) == len(FAILS)
    # the key sits outside both panels
    fig = d["fig"]
    fig.canvas.draw()
    key = d["key"].get_window_extent()
    for ax in d["axes"]:
        assert not key.overlaps(ax.get_window_extent())
    matplotlib.pyplot.close(fig)
