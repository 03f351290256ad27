"""The RNN/LSTM/GRU study: one run's record, the command's file, the shipped results."""
import numpy as np
import pytest

from rnnlab import study
from rnnlab.budget import matched_widths


def test_one_run_records_a_learning_curve():
    r = study.run("timer", "GRU", seed=0, steps=6, evals=4)
    assert list(r["eval_steps"]) == [0, 2, 4, 6] and r["scores"].shape == (4,)
    assert r["loss"].shape == (6,) and np.isfinite(r["loss"]).all()
    assert r["H"] == matched_widths(600, 2, 1)["GRU"] and r["n_params"] <= 600
    assert r["success"] == (r["score"] >= study.TASKS["timer"].goal) and r["seconds"] > 0


def test_run_is_seeded():
    a = study.run("long_lag", "RNN", seed=3, steps=4)
    b = study.run("long_lag", "RNN", seed=3, steps=4)
    np.testing.assert_array_equal(a["loss"], b["loss"])


def test_command_writes_a_file_load_reads(tmp_path, capsys):
    out = tmp_path / "s.npz"
    assert study.main(["--seeds", "1", "--tasks", "long_lag", "--steps", "3",
                       "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "[  1/3]" in printed and "wrote" in printed and "min left" in printed
    res = study.load(out)
    assert res.tasks == ("long_lag",) and res.cells == ("RNN", "LSTM", "GRU")
    assert res.final.shape == (1, 3, 1) and res.scores["long_lag"].shape[:2] == (3, 1)


def test_shipped_results_are_complete_and_consistent():
    res = study.load()
    assert res.tasks == tuple(study.TASKS) and len(res.seeds) >= 5
    for i, name in enumerate(res.tasks):
        task = study.TASKS[name]
        assert (res.success[i] == (res.final[i] >= task.goal)).all()
        assert (res.n_params[i] <= task.budget).all()
        assert list(res.widths[i]) == [matched_widths(task.budget, task.D, task.O)[c]
                                       for c in res.cells]
        np.testing.assert_array_equal(res.scores[name][:, :, -1], res.final[i])
    assert res.total_seconds < 15 * 60


def test_make_model_refuses_unknown_cells():
    with pytest.raises(ValueError, match="cell must be one of"):
        study.make_model("TCN", 2, 4, 1, 0)


def test_plot_study_draws_every_task_and_cell():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnnlab.plots.study import LiveCurves, plot_study
    res = study.load()
    d = plot_study(res)
    assert set(d["axes"]) == set(res.tasks) and len(d["lines"]) == 9
    line = d["lines"]["long_lag", "GRU"]
    np.testing.assert_allclose(line.get_ydata(), res.scores["long_lag"][2].mean(axis=0))
    assert "5/5 solved" in line.get_label()
    live = LiveCurves(["a", "b"], 10, "loss", every=2)
    for step in range(10):
        live.update("a", step, 1.0 / (step + 1))
    live.close()
    assert live.lines["a"].get_xdata()[-1] == 9 and len(live.lines["b"].get_xdata()) == 0
    plt.close("all")
