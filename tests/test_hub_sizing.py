"""The README sizes a class from measured figures: every number there comes from
hub/measured.json (written by benchmarks/bench_hub.py) through rnnlab.hub_sizing, and
hub/config.yaml sets the resources computed from the same file."""
import json
from pathlib import Path

import pytest
import yaml

from rnnlab import hub_sizing as hs

REPO_ROOT = Path(__file__).resolve().parents[1]
MEASURED = REPO_ROOT / "hub" / "measured.json"
EXAMPLE = {"server_mib": 200, "kernel_mib": 250, "kernel_peak_mib": 400, "hub_mib": 200,
           "idle_cores": 0.001, "drag_per_core": 4, "run_all_cpu_s": 12}


@pytest.fixture(scope="module")
def measured():
    return json.loads(MEASURED.read_text(encoding="utf-8"))


def test_measured_file_holds_a_whole_benchmark_run(measured):
    assert sorted(int(n) for n in measured["load_test"]["rows"]) == [1, 2, 4, 8, 16]
    assert {c["chapter"][:2] for c in measured["chapters"]} == {
        p.name[:2] for p in (REPO_ROOT / "notebooks").glob("*.ipynb")}
    assert measured["kernel_mib"] == round(max(c["kernel_mib"] for c in measured["chapters"]), 1)
    ok, _ = hs.within_budget(measured)
    assert measured["drag_per_core"] == max(ok, default=1) / measured["cores"]


def test_readme_quotes_the_measured_figures_and_tables(measured):
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for name, text in [("figures", hs.figures_text(measured)),
                       ("load test", hs.load_table(measured)),
                       ("sizing", hs.table(measured)),
                       ("limits", hs.limits_text(measured))]:
        assert text in readme, f"README's {name} differ from `python -m rnnlab.hub_sizing " \
                               f"hub/measured.json`:\n{text}"


def test_config_yaml_sets_the_measured_resources(measured):
    text = (REPO_ROOT / "hub" / "config.yaml").read_text(encoding="utf-8")
    assert f"```yaml\n{text}```" in (REPO_ROOT / "README.md").read_text(encoding="utf-8"), \
        "the README must show hub/config.yaml as it is"
    assert hs.config_resources(measured) in text
    single = yaml.safe_load(text)["singleuser"]
    res = hs.per_learner(measured)
    assert single["memory"] == {"guarantee": f"{res['memory_guarantee_mib']}M",
                                "limit": f"{res['memory_limit_mib']}M"}
    assert single["cpu"]["limit"] == 1


def test_sizing_by_hand():
    # guarantee: 200 + 250 = 450 MiB -> 512; limit: 200 + 2 * 400 = 1000 -> 1024
    assert hs.per_learner(EXAMPLE) == {"memory_guarantee_mib": 512, "memory_limit_mib": 1024,
                                       "cpu_limit": 1}
    # 30 learners, a third dragging, 4 a core: 2.5 cores, + 30 * 0.001 idle -> 3 cores;
    # memory 30 * 512 + 200 = 15560 MiB -> 16 GiB; 3 / 30 = 0.1 core each
    c = hs.for_class(EXAMPLE, 30)
    assert (c["cores"], c["memory_gib"]) == (3, 16)
    assert c["cpu_guarantee"] == pytest.approx(0.1)
    assert c["run_all_wait_s"] == pytest.approx(120)   # 30 * 12 CPU s on 3 cores
    assert hs.for_class(EXAMPLE, 300, dragging=1.0)["cores"] == 76   # 300 / 4 + 0.3 = 75.3


def test_load_verdict_follows_the_rows():
    rows = {"1": [20, 40, 20, 0.5], "2": [30, 90, 20, 0.5], "4": [60, 150, 20, 0.5]}
    m = {**EXAMPLE, "load_test": {"rows": rows}, "budget_ms": 100.0}
    assert hs.within_budget(m) == ([1, 2], [4])
    rows["4"][1] = 100.0
    assert hs.within_budget(m) == ([1, 2, 4], [])
    rows["2"][1] = 101.0   # the first count over the budget ends it
    assert hs.within_budget(m) == ([1], [2, 4])


@pytest.mark.parametrize("bad, match", [
    ({k: v for k, v in EXAMPLE.items() if k != "hub_mib"}, "lacks"),
    ({**EXAMPLE, "kernel_mib": -1}, "non-negative"),
    ({**EXAMPLE, "drag_per_core": 0}, "positive"),
    ({**EXAMPLE, "idle_cores": "0.1"}, "non-negative"),
])
def test_bad_measurements_are_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        hs.per_learner(bad)


@pytest.mark.parametrize("learners, dragging", [(0, 0.3), (2.5, 0.3), (True, 0.3), (30, 0),
                                                (30, 1.5)])
def test_bad_class_is_refused(learners, dragging):
    with pytest.raises(ValueError):
        hs.for_class(EXAMPLE, learners, dragging)


def test_measured_must_be_a_dict():
    with pytest.raises(TypeError):
        hs.per_learner([1, 2])


def test_command_prints_what_the_readme_quotes(measured, capsys):
    hs.main([str(MEASURED)])
    out = capsys.readouterr().out
    for text in (hs.figures_text(measured), hs.load_table(measured), hs.table(measured),
                 hs.limits_text(measured), hs.config_resources(measured)):
        assert text in out
    with pytest.raises(SystemExit, match="usage"):
        hs.main([])
