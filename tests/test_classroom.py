"""Graded assignments (`python -m rnnlab.classroom nbgrader COURSE_DIR`) without running
nbgrader: every chapter's source notebook has the right cells and points, the open
questions become an answer graded by hand, the command prints the points, and the hidden
copy test names an answer's use of rnnlab's own version. tests/test_classroom_nbgrader.py
runs the assignments through nbgrader itself."""
import importlib.util
import json
import re
from pathlib import Path

import pytest

from rnnlab.classroom import (BEGIN, CHAPTER_POINTS, END, EXERCISES, HIDDEN, SUPPORTED, main,
                              nbgrader_notebook, points_of)
from rnnlab.classroom.own_work import assert_own_work

REPO_ROOT = Path(__file__).resolve().parents[1]
CHAPTER = REPO_ROOT / "notebooks" / "03_exploding_vanishing.ipynb"
NAME = CHAPTER.stem


def _src(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _graded(nb):
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"]
            if "nbgrader" in c.get("metadata", {})}


def _solution_checks(nb):
    """The checks the notebook's hidden solution cells call, in order."""
    return list(dict.fromkeys(re.findall(r"^check_(\w+)\(.*solution=True\)", "\n".join(
        _src(c) for c in nb["cells"] if "solution" in c["metadata"].get("tags", [])),
        flags=re.M)))


def _without_markers(text):
    return "\n".join(line for line in text.splitlines() if line.strip() not in (BEGIN, END))


@pytest.mark.parametrize("chapter", SUPPORTED)
def test_source_notebook_has_nbgrader_cells(chapter):
    """Every exercise: an answer cell with the reference between the markers (or, for
    code to repair, the whole reference and the code handed out), then its check as a
    graded test cell worth the exercise's points, with the hidden copy test when rnnlab has
    its own version; the hidden solutions gone, every other cell locked."""
    original = json.loads((REPO_ROOT / chapter).read_text(encoding="utf-8"))
    checks = _solution_checks(original)
    nb = nbgrader_notebook(original)
    cells = _graded(nb)
    assert len(cells) == len(nb["cells"])
    assert all(c["metadata"]["nbgrader"]["locked"] for c in nb["cells"]
               if not c["metadata"]["nbgrader"]["solution"])
    assert not any("solution" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert "_solution" not in json.dumps(nb)
    points = points_of(nb)
    assert list(points) == [f"test_{name}" for name in checks]
    assert points == {f"test_{name}": EXERCISES[name].points for name in checks}
    assert sum(points.values()) == CHAPTER_POINTS
    assert {e.chapter for e in map(EXERCISES.get, checks)} == {Path(chapter).stem}
    solutions = "\n".join(_src(c) for c in original["cells"]
                          if "solution" in c["metadata"].get("tags", []))
    for name in checks:
        answer, test = cells[name], cells[f"test_{name}"]
        text = _src(answer)
        assert answer["metadata"]["nbgrader"]["solution"]
        assert text.count(BEGIN) == text.count(END) >= 1
        assert nb["cells"].index(test) == nb["cells"].index(answer) + 1
        call = re.fullmatch(rf"check_{name}\((\w+(?:, \w+)*), grading=True\)",
                            _src(test).splitlines()[0])
        assert call, _src(test)
        library = EXERCISES[name].library
        hidden = (f"{HIDDEN[0]}\nfrom rnnlab.classroom.own_work import assert_own_work\n"
                  f"assert_own_work({name!r}, {call.group(1)})\n{HIDDEN[1]}\n")
        assert _src(test).endswith(hidden) == bool(library), name
        for dotted in library:                    # the reference does its own work
            last = dotted.rpartition(".")[2]
            assert not [line for line in text.splitlines()
                        if re.search(rf"\b{last}\(", line) and not line.startswith("def ")], name
        # every signature of the reference is in the answer cell (a chosen eps=1e-6 too);
        # a value answer (a dict to fill in) has none
        for fn in call.group(1).split(", "):
            if re.search(rf"^def {fn}\(", text, re.M):
                short = fn.removesuffix("_mine")             # matched_widths_mine
                sig = re.search(rf"^def {short}\(.*", solutions.replace("_solution", ""), re.M)
                assert sig and sig.group(0).replace(short, fn, 1) in text, fn
        handout = answer["metadata"].get("rnnlab", {}).get("handout")
        if handout is not None:                   # code to repair: the notebook's own cell
            assert text.startswith(BEGIN) and text.rstrip().endswith(END)
            exercise = next(_src(c) for c in original["cells"]
                            if re.search(rf"^check_{name}\((?!.*solution=True)", _src(c), re.M))
            assert handout == re.sub(rf"\ncheck_{name}\(.*\n?$", "", exercise).rstrip() + "\n"
    assert bool([c for c in cells.values() if "rnnlab" in c["metadata"]]) == (
        "02_bptt" in chapter)
    override = points_of(nbgrader_notebook(original, points=2))
    assert set(override.values()) == {2} and len(override) == len(checks)


@pytest.mark.parametrize("chapter", SUPPORTED)
def test_open_questions_become_an_answer_graded_by_hand(chapter):
    """With questions=True: after the questions, a markdown answer cell graded by hand,
    one point per question, the notebook's hidden answers as its reference."""
    original = json.loads((REPO_ROOT / chapter).read_text(encoding="utf-8"))
    nb = nbgrader_notebook(original, questions=True)
    asked = next(_src(c) for c in original["cells"] if "Questions to think about" in _src(c))
    n = len(re.findall(r"^\d+\. ", asked.split("Questions to think about")[1], re.M))
    hidden = next(c for c in original["cells"] if "solution" in c["metadata"].get("tags", [])
                  and "solution=True" not in _src(c) and "Answers" in _src(c))
    cell = _graded(nb)["questions"]
    assert n >= 3 and points_of(nb)["questions"] == n
    assert cell["cell_type"] == "markdown" and cell["metadata"]["nbgrader"]["solution"]
    assert cell["metadata"]["nbgrader"]["grade"] and not cell["metadata"]["nbgrader"]["locked"]
    words = lambda text: re.sub(r"[#*]", "", text).split()      # noqa: E731
    assert words(_src(cell)) == words(_src(hidden))
    assert "questions" not in _graded(nbgrader_notebook(original))


def test_command_prints_points_and_refuses_chapter_0(tmp_path, capsys):
    assert main(["nbgrader", str(tmp_path), str(CHAPTER)]) == 0
    out = capsys.readouterr().out
    assert f"{NAME}.ipynb: 10 points (predictions 3, one_unit_grad 4, clip_by_norm 3)" in out
    config = (tmp_path / "nbgrader_config.py").read_text()
    assert config.startswith("c = get_config()") and "generate_assignment_steps()" in config
    assert (tmp_path / "source" / NAME / f"{NAME}.ipynb").is_file()
    assert main(["nbgrader", str(tmp_path / "two"), str(CHAPTER), "--points", "2"]) == 0
    assert "6 points (predictions 2, one_unit_grad 2, clip_by_norm 2)" in capsys.readouterr().out
    assert main(["nbgrader", str(tmp_path / "three"), str(CHAPTER), "--questions"]) == 0
    assert "15 points (predictions 3, one_unit_grad 4, clip_by_norm 3, questions 5 by hand)" \
        in capsys.readouterr().out
    for bad in (["--points", "0"], [str(CHAPTER.with_name("00_start_here.ipynb"))]):
        with pytest.raises(SystemExit):
            main(["nbgrader", str(tmp_path / "other"), str(CHAPTER), *bad])
    assert "no exercise to grade" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()
    for bad in ([], {"cells": None}):
        with pytest.raises(ValueError, match="must be a notebook"):
            nbgrader_notebook(bad)
    with pytest.raises(ValueError, match="positive"):
        nbgrader_notebook(json.loads(CHAPTER.read_text(encoding="utf-8")), points=-1)
    points = [e.points for e in EXERCISES.values()]            # what the README says
    readme = " ".join((REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"({min(points):g} to {max(points):g}, {CHAPTER_POINTS:g} per chapter," in readme


LIBRARY_CALLS = """import numpy as np
import rnnlab
import rnnlab as rl
from rnnlab.clip import clip_global_norm


def copied(grads, threshold):
    return rl.clip_global_norm(grads, threshold)


def _norm(grads):
    return rnnlab.clip.global_norm(grads)


def via_helper(grads, threshold):
    scale = min(1.0, threshold / _norm(grads))
    return [g * scale for g in grads]


def own(grads, threshold):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, threshold / norm) for g in grads]
"""


def _module(path, text):
    """``text`` as a module loaded from ``path`` (so inspect.getsource reads it)."""
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_own_work_names_the_library_version(tmp_path):
    answers = _module(tmp_path / "answers.py", LIBRARY_CALLS)
    assert_own_work("clip_by_norm", answers.own)
    for fn, expected in ((answers.copied, "copied uses rnnlab.clip.clip_global_norm "
                                          "(`return rl.clip_global_norm(grads, threshold)`)"),
                         (answers.via_helper, "_norm uses rnnlab.clip.global_norm "
                                              "(`return rnnlab.clip.global_norm(grads)`)"),
                         (answers.clip_global_norm, "clip_global_norm is "
                                                    "rnnlab.clip.clip_global_norm itself")):
        with pytest.raises(AssertionError, match=re.escape(expected)):
            assert_own_work("clip_by_norm", answers.own, fn)
    assert_own_work("one_unit_grad", answers.copied)     # another exercise's library
    with pytest.raises(ValueError, match="no points"):
        assert_own_work("no_such_exercise", answers.own)
    with pytest.raises(ValueError, match="learner's functions"):
        assert_own_work("clip_by_norm")
