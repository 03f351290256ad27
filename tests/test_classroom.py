"""Graded assignments (`python -m rnnlab.classroom nbgrader COURSE_DIR`), proven with nbgrader
itself on a real chapter: the assignment generates, the reference answers score full marks,
a submission with one catalogued mistake loses exactly that exercise's points and its
feedback shows the check's message, and an unattempted submission runs through and scores 0."""
import html
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from rnnlab.checks import check_clip_by_norm, check_one_unit_grad, check_predictions
from rnnlab.classroom import BEGIN, END, SUPPORTED, main, nbgrader_notebook

REPO_ROOT = Path(__file__).resolve().parents[1]
CHAPTER = REPO_ROOT / "notebooks" / "03_exploding_vanishing.ipynb"
NAME = CHAPTER.stem
EXERCISES = ("predictions", "one_unit_grad", "clip_by_norm")


def _src(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _graded(nb):
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"]
            if "nbgrader" in c.get("metadata", {})}


# One catalogued mistake per exercise: (exercise, text replaced, replacement, the same
# mistake as a function or value for calling the check directly).
def _clip_each(grads, threshold):
    return [g * min(1.0, threshold / np.linalg.norm(g)) for g in grads]


def _grad_no_dsig(w, b):
    import rnnlab as rl
    x = [0.5]
    for _ in range(50):
        x.append(w * rl.sigmoid(x[-1]) + b)
    s50 = rl.sigmoid(x[50])
    dx = 2 * (s50 - 0.7) * s50 * (1 - s50)
    dw = db = 0.0
    for t in range(50, 0, -1):
        s_prev = rl.sigmoid(x[t - 1])
        dw += dx * s_prev
        db += dx
        dx = dx * w
    return dw, db


def _predictions_d_vanishes():
    from rnnlab.checks.ch03 import PREDICT_CASES, predict_answer
    answers = {k: predict_answer(W, act) for k, (W, act) in PREDICT_CASES.items()}
    return {**answers, "D": "vanishes"}


MISTAKES = {
    "one_unit_grad": ("dx = dx * w * s_prev * (1 - s_prev)", "dx = dx * w",
                      lambda: check_one_unit_grad(_grad_no_dsig, grading=True)),
    "clip_by_norm": ("norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))",
                     "return [g * min(1.0, threshold / np.linalg.norm(g)) for g in grads]",
                     lambda: check_clip_by_norm(_clip_each, grading=True)),
    "predictions": ('        predictions[label] = "vanishes" if rh < 1 else "explodes"',
                    '        predictions[label] = "vanishes"',
                    lambda: check_predictions(_predictions_d_vanishes(), grading=True)),
}


def test_grading_mode_raises_the_checks_message():
    for name, (_, _, wrong) in MISTAKES.items():
        with pytest.raises(AssertionError, match=re.escape(name)):
            wrong()
    with pytest.raises(AssertionError, match="not attempted"):
        check_clip_by_norm(lambda g, t: (_ for _ in ()).throw(NotImplementedError()),
                           grading=True)


@pytest.mark.parametrize("chapter", SUPPORTED)
def test_source_notebook_has_nbgrader_cells(chapter):
    """Every exercise: an answer cell with the reference between the markers, then its
    check as a graded test cell; the hidden solutions gone, every other cell locked."""
    original = json.loads((REPO_ROOT / chapter).read_text(encoding="utf-8"))
    checks = re.findall(r"^(check_\w+)\(.*solution=True\)", "\n".join(
        _src(c) for c in original["cells"] if "solution" in c["metadata"].get("tags", [])),
        flags=re.M)
    nb = nbgrader_notebook(original, points=2)
    cells = _graded(nb)
    assert len(cells) == len(nb["cells"])
    assert all(c["metadata"]["nbgrader"]["locked"] for c in nb["cells"]
               if not c["metadata"]["nbgrader"]["solution"])
    assert not any("solution" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert "_solution" not in json.dumps(nb)
    tests = [k for k, c in cells.items() if c["metadata"]["nbgrader"]["grade"]]
    assert tests == [f"test_{name[6:]}" for name in dict.fromkeys(checks)]
    for test in tests:
        answer, test = cells[test[5:]], cells[test]
        assert answer["metadata"]["nbgrader"]["solution"]
        assert _src(answer).count(BEGIN) == _src(answer).count(END) >= 1
        assert re.fullmatch(r"check_\w+\(\w+, grading=True\)\n", _src(test))
        assert test["metadata"]["nbgrader"]["points"] == 2
        assert nb["cells"].index(test) == nb["cells"].index(answer) + 1


def test_command_writes_the_course_and_refuses_chapter_2(tmp_path, capsys):
    assert main(["nbgrader", str(tmp_path), str(CHAPTER)]) == 0
    assert (tmp_path / "nbgrader_config.py").read_text().startswith("c = get_config()")
    assert (tmp_path / "source" / NAME / f"{NAME}.ipynb").is_file()
    with pytest.raises(SystemExit):
        main(["nbgrader", str(tmp_path / "other"), str(CHAPTER.with_name("02_bptt.ipynb"))])
    assert "find_the_bugs" in capsys.readouterr().err


def _run(args, cwd):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",   # kernels side by side
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _grade(course, student, nb):
    """Autograde ``nb`` as ``student`` in a copy of ``course`` (its own gradebook, so
    submissions grade side by side); return (scores, feedback HTML, autograded notebook)."""
    from nbgrader.api import Gradebook
    course = shutil.copytree(course, course.parent / student)
    sub = course / "submitted" / student / NAME / f"{NAME}.ipynb"
    sub.parent.mkdir(parents=True)
    sub.write_text(json.dumps(nb), encoding="utf-8")
    _run(["autograde", NAME, "--student", student], course)
    if student.startswith("wrong"):
        _run(["generate_feedback", NAME, "--student", student], course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        graded = gb.find_submission_notebook(NAME, NAME, student)
        scores = {g.name[5:]: g.score for g in graded.grades if g.name.startswith("test_")}
    feedback = course / "feedback" / student / NAME / f"{NAME}.html"
    feedback = feedback.read_text("utf-8") if feedback.exists() else None
    autograded = json.loads((course / "autograded" / student / NAME / f"{NAME}.ipynb")
                            .read_text("utf-8"))
    return scores, feedback, autograded


def _plain(text):
    """Text of an HTML page, tags and ANSI colours removed, white space collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())


def test_nbgrader_autogrades_the_chapter(tmp_path):
    pytest.importorskip("nbgrader")
    course = tmp_path / "course"
    assert main(["nbgrader", str(course), str(CHAPTER)]) == 0
    _run(["generate_assignment", NAME, "--force"], course)
    release = json.loads((course / "release" / NAME / f"{NAME}.ipynb").read_text("utf-8"))
    source = _graded(json.loads((course / "source" / NAME / f"{NAME}.ipynb").read_text("utf-8")))
    assert "### BEGIN" not in json.dumps(release)

    def answered(mistake=None):
        nb = json.loads(json.dumps(release))
        for cell in nb["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if grade_id in EXERCISES:
                text = "\n".join(line for line in _src(source[grade_id]).splitlines()
                                 if line.strip() not in (BEGIN, END))
                if grade_id == mistake:
                    old, new, _ = MISTAKES[mistake]
                    assert old in text
                    text = text.replace(old, new)
                cell["source"] = text
        return nb

    submissions = {"reference": answered(), "unattempted": release,
                   **{f"wrong_{name}": answered(name) for name in MISTAKES}}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = dict(zip(submissions, pool.map(lambda kv: _grade(course, *kv),
                                                 submissions.items())))

    assert results["reference"][0] == {name: 1 for name in EXERCISES}
    assert results["unattempted"][0] == {name: 0 for name in EXERCISES}
    for name, (_, _, wrong) in MISTAKES.items():
        scores, feedback, _ = results[f"wrong_{name}"]
        assert scores == {k: int(k != name) for k in EXERCISES}, name
        with pytest.raises(AssertionError) as err:
            wrong()
        assert _plain(str(err.value)) in _plain(feedback), name
    # An unattempted notebook runs top to bottom: only its exercise cells fail.
    for cell in results["unattempted"][2]["cells"]:
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        assert not errors or grade_id.replace("test_", "") in EXERCISES, _src(cell)[:200]
