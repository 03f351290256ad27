"""Student copies (`python -m rnnlab.student OUT_DIR`): no solutions, no outputs, and
they still run top to bottom, each unattempted exercise saying so instead of failing."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from rnnlab.student import is_solution, main, student_version

REPO_ROOT = Path(__file__).resolve().parents[1]


def _src(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _without_run(cell):
    """The cell without what a run adds: outputs, execution count, timing metadata."""
    cell = json.loads(json.dumps(cell))
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    cell.get("metadata", {}).pop("execution", None)
    return cell


def _tiny_notebook():
    code = {"cell_type": "code", "execution_count": 2, "id": "b",
            "metadata": {"tags": ["nbval-ignore-output"], "execution": {"t": "x"}},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["7\n"]}],
            "source": ["x = 7\n", "print(x)"]}
    solution = {"cell_type": "code", "execution_count": 3, "id": "c",
                "metadata": {"tags": ["solution"], "jupyter": {"source_hidden": True}},
                "outputs": [], "source": "answer = 42"}
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3"}, "widgets": {"state": {}}},
            "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": "# Hi"},
                      code, solution]}


def test_transform_drops_solutions_and_outputs_only():
    nb = _tiny_notebook()
    before = json.dumps(nb, sort_keys=True)
    out = student_version(nb)
    assert json.dumps(nb, sort_keys=True) == before, "the input notebook must not change"
    assert [c["id"] for c in out["cells"]] == ["a", "b"]
    md, code = out["cells"]
    assert md == nb["cells"][0]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["metadata"] == {"tags": ["nbval-ignore-output"]}
    assert code["source"] == ["x = 7\n", "print(x)"]
    assert out["metadata"] == {"kernelspec": {"name": "python3"}}
    assert out["nbformat"] == 4 and out["nbformat_minor"] == 5


@pytest.mark.parametrize("bad", [[], {"cells": "no"}, {"metadata": {}}, None])
def test_transform_rejects_what_is_not_a_notebook(bad):
    with pytest.raises(ValueError, match="'cells' list"):
        student_version(bad)


def test_command_writes_copies_and_never_overwrites_the_source(tmp_path, capsys):
    src = tmp_path / "nb.ipynb"
    src.write_text(json.dumps(_tiny_notebook()), encoding="utf-8")
    assert main([str(tmp_path / "out"), str(src)]) == 0
    copy = json.loads((tmp_path / "out" / "nb.ipynb").read_text(encoding="utf-8"))
    assert not any(is_solution(c) for c in copy["cells"]) and len(copy["cells"]) == 2
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([str(tmp_path), str(src)])
    assert json.loads(src.read_text(encoding="utf-8")) == _tiny_notebook()


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    """Student copies of all notebooks, made by the teachers' command with its defaults."""
    out = tmp_path_factory.mktemp("student")
    subprocess.run([sys.executable, "-m", "rnnlab.student", str(out)], cwd=REPO_ROOT,
                   check=True, capture_output=True, text=True, timeout=60)
    return out


def _pair(notebook_path, student_dir):
    original = json.loads(notebook_path.read_text(encoding="utf-8"))
    copy_path = student_dir / notebook_path.name
    assert copy_path.exists(), f"the student command wrote no {copy_path.name}"
    return original, json.loads(copy_path.read_text(encoding="utf-8"))


def test_student_copy_has_no_solution(notebook_path, student_dir):
    original, copy = _pair(notebook_path, student_dir)
    assert not [c for c in copy["cells"] if is_solution(c)]
    kept = {line.strip() for c in original["cells"] if not is_solution(c)
            for line in _src(c).splitlines()}
    solution_only = {line.strip() for c in original["cells"] if is_solution(c)
                     for line in _src(c).splitlines()} - kept - {""}
    leaked = [line for c in copy["cells"] for line in _src(c).splitlines()
              if line.strip() in solution_only]
    assert not leaked, f"solution lines left in the student copy: {leaked[:5]}"


def test_student_copy_differs_only_by_solutions_and_outputs(notebook_path, student_dir):
    original, copy = _pair(notebook_path, student_dir)
    expected = [_without_run(c) for c in original["cells"] if not is_solution(c)]
    assert [_without_run(c) for c in copy["cells"]] == expected
    for cell in copy["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    meta = {k: v for k, v in original["metadata"].items() if k != "widgets"}
    assert copy["metadata"] == meta


def test_solutions_are_collapsed_for_the_teacher(notebook_path):
    nb = json.loads(notebook_path.read_text(encoding="utf-8"))
    shown = [i for i, c in enumerate(nb["cells"]) if is_solution(c)
             and not c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert not shown, (f"{notebook_path.name}: solution cells {shown} are not collapsed; "
                       "tag them `# %% tags=[\"solution\"] jupyter={\"source_hidden\": true}`")


def test_student_copy_runs_top_to_bottom(notebook_path, student_dir, pinned_kernel):
    original, _ = _pair(notebook_path, student_dir)
    nb = nbformat.read(student_dir / notebook_path.name, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(student_dir)}}).execute()
    problems, stdout = [], ""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                problems.append(f"cell {i} wrote to stderr: {out.text[:300]!r}")
            elif out.output_type == "stream":
                stdout += out.text
    assert not problems, f"the student copy of {notebook_path.name} fails:\n" + "\n".join(problems)
    if any(is_solution(c) for c in original["cells"]):
        assert "not attempted" in stdout.lower(), (
            f"{notebook_path.name} has exercises, but its student copy never says an exercise "
            "is 'not attempted yet': is a solution left in an exercise cell?")
