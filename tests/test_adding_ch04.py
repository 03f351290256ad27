"""The adding-problem study: the shipped results file, save/load, a short run, its plot."""
import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlab.experiments.adding import (GOAL, RNN_H, adding_lstm, adding_test_set,  # noqa: E402
                                       evaluate, load_runs, make_model, save_runs,
                                       study_plan, train_adding)
from rnnlab.plots.adding import plot_runs  # noqa: E402


def test_shipped_results_and_model():
    runs = load_runs()
    assert list(runs) == list(study_plan())
    lstm3 = runs["LSTM, forget bias 3"]
    assert lstm3.solved_at is not None and lstm3.best >= GOAL
    assert all(r.solved_at is None for label, r in runs.items() if label != "LSTM, forget bias 3")
    loss, solved = evaluate(adding_lstm(), adding_test_set(50))
    assert solved >= GOAL and loss < 1e-3


def test_parameter_counts_match():
    assert make_model("rnn", RNN_H).n_params >= make_model("lstm", 8).n_params
    with pytest.raises(ValueError):
        make_model("gru", 8)


def test_short_run_save_load(tmp_path):
    seen = []
    model, run = train_adding("lstm", T=20, H=4, budget=640, B=32, eval_every=320,
                              test=adding_test_set(20, n=64), callback=lambda r: seen.append(r.seen[-1]))
    assert seen == [320, 640] and list(run.seen) == [320, 640]
    assert np.all((run.solved >= 0) & (run.solved <= 1)) and np.isfinite(run.loss).all()
    save_runs({"a": run}, tmp_path / "r.npz")
    back = load_runs(tmp_path / "r.npz")["a"]
    assert back.kind == "lstm" and back.H == 4 and np.array_equal(back.loss, run.loss)
    d = plot_runs({"LSTM a": back})
    assert d["lines"]["LSTM a", "solved"].get_xdata()[-1] == 640


def test_callback_can_stop():
    _, run = train_adding("rnn", T=20, H=4, budget=3200, B=32, eval_every=320,
                          test=adding_test_set(20, n=32), callback=lambda r: False)
    assert list(run.seen) == [320]
