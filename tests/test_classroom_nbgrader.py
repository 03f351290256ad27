"""Graded assignments proven with nbgrader itself on chapters 3 and 2: the assignment
generates, the reference answers score full marks, a submission with catalogued mistakes
loses exactly those exercises' points and its feedback shows the checks' messages, an
answer that calls rnnlab's own version scores 0 by the hidden copy test, and an
unattempted submission runs through and scores 0."""
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
from test_classroom import CHAPTER, NAME, REPO_ROOT, _graded, _module, _src, _without_markers

from rnnlab.checks import (check_clip_by_norm, check_find_the_bugs, check_gradient_check,
                           check_one_unit_grad, check_predictions, check_rnn_backward,
                           check_rnn_step_backward)
from rnnlab.classroom import EXERCISES, main
from rnnlab.classroom.own_work import assert_own_work

CH3 = ("predictions", "one_unit_grad", "clip_by_norm")
CH2 = ("rnn_step_backward", "rnn_backward", "gradient_check", "find_the_bugs")


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


def _run(args, cwd):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",  # side by side
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT),    # this checkout's
                                                       os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _grade(course, name, student, nb):
    """Autograde ``nb`` as ``student`` in a copy of ``course`` (its own gradebook, so
    submissions grade side by side); return (scores, feedback HTML, autograded notebook)."""
    from nbgrader.api import Gradebook
    course = shutil.copytree(course, course.parent / student)
    sub = course / "submitted" / student / name / f"{name}.ipynb"
    sub.parent.mkdir(parents=True)
    sub.write_text(json.dumps(nb), encoding="utf-8")
    _run(["autograde", name, "--student", student], course)
    if student.startswith("wrong"):
        _run(["generate_feedback", name, "--student", student], course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        graded = gb.find_submission_notebook(name, name, student)
        scores = {g.name[5:]: g.score for g in graded.grades if g.name.startswith("test_")}
        scores.update({g.name: "by hand" for g in graded.grades if g.needs_manual_grade})
    feedback = course / "feedback" / student / name / f"{name}.html"
    feedback = feedback.read_text("utf-8") if feedback.exists() else None
    autograded = json.loads((course / "autograded" / student / name / f"{name}.ipynb")
                            .read_text("utf-8"))
    return scores, feedback, autograded


def _plain(text):
    """Text of an HTML page, tags and ANSI colours removed, white space collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())


def _assignment(tmp_path, chapter, *options):
    """Generate the chapter's assignment; return (course, release, {grade_id: answer})."""
    course, name = tmp_path / "course", chapter.stem
    assert main(["nbgrader", str(course), str(chapter), *options]) == 0
    _run(["generate_assignment", name, "--force"], course)
    release = json.loads((course / "release" / name / f"{name}.ipynb").read_text("utf-8"))
    source = _graded(json.loads((course / "source" / name / f"{name}.ipynb").read_text("utf-8")))
    assert "### BEGIN" not in json.dumps(release)
    return course, release, {k: _without_markers(_src(c)) for k, c in source.items()}


def _answered(release, answers, changes=()):
    """``release`` with every exercise answered by the reference, each (grade_id, old, new)
    of ``changes`` applied to its answer."""
    nb = json.loads(json.dumps(release))
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers and cell["metadata"]["nbgrader"]["solution"]:
            text = answers[grade_id]
            for where, old, new in changes:
                if where == grade_id:
                    assert old in text, (old, text)
                    text = text.replace(old, new)
            cell["source"] = text
    return nb


def _grade_all(course, name, submissions):
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(submissions, pool.map(lambda kv: _grade(course, name, *kv),
                                              submissions.items())))


def _runs_through(autograded, exercises):
    """An unattempted notebook runs top to bottom: only its exercise cells fail."""
    for cell in autograded["cells"]:
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        assert not errors or grade_id.replace("test_", "") in exercises, _src(cell)[:200]


def test_nbgrader_autogrades_chapter_3(tmp_path):
    pytest.importorskip("nbgrader")
    course, release, answers = _assignment(tmp_path, CHAPTER)
    submissions = {"reference": _answered(release, answers), "unattempted": release,
                   **{f"wrong_{name}": _answered(release, answers, [(name, old, new)])
                      for name, (old, new, _) in MISTAKES.items()}}
    results = _grade_all(course, NAME, submissions)
    points = {name: EXERCISES[name].points for name in CH3}
    assert results["reference"][0] == points
    assert results["unattempted"][0] == {name: 0 for name in CH3}
    for name, (_, _, wrong) in MISTAKES.items():
        scores, feedback, _ = results[f"wrong_{name}"]
        assert scores == {k: points[k] * (k != name) for k in CH3}, name
        with pytest.raises(AssertionError) as err:
            wrong()
        assert _plain(str(err.value)) in _plain(feedback), name
    _runs_through(results["unattempted"][2], CH3)


# Chapter 2, made cheap (three autograder runs): one submission with a catalogued mistake
# in two exercises (one of them in the handed-out code to repair) and a copy of the
# library's rnn_step_backward, which passes its check and fails the hidden copy test; the
# fourth exercise keeps the reference. (grade_id, text of the reference answer, replacement)
CH2_WRONG = [("rnn_backward", "rl.rnn_step_backward(dH[t] + dh_next, caches[t])",
              "rl.rnn_step_backward(dH[t], caches[t])"),
             ("find_the_bugs", "p[k] -= lr * g[k]", "p[k] -= lr * np.sign(g[k])"),
             ("rnn_step_backward", "    da = dh * (1 - cache.h ** 2)",
              "    return rl.rnn_step_backward(dh, cache)\n    da = dh * (1 - cache.h ** 2)")]
CH2_CHECKS = {"rnn_step_backward": (check_rnn_step_backward, "rnn_step_backward"),
              "rnn_backward": (check_rnn_backward, "rnn_backward"),
              "gradient_check": (check_gradient_check, "numerical_gradient", "relative_error"),
              "find_the_bugs": (check_find_the_bugs, "loss_fn", "update")}


def _ch2_message(tmp_path, answers, change):
    """What the autograder must show for one changed ch2 answer: its check's message in
    grading mode, or the copy test's when the check passes."""
    name, old, new = change
    text = answers[name].replace(old, new)
    module = _module(tmp_path / f"answer_{len(list(tmp_path.glob('answer_*')))}.py",
                     f"import numpy as np\nimport rnnlab as rl\nfrom rnnlab import buggy_rnn\n"
                     f"\n\n{text}\n")
    check, *fns = CH2_CHECKS[name]
    fns = [getattr(module, fn) for fn in fns]
    with pytest.raises(AssertionError) as err:
        check(*fns, grading=True)
        assert_own_work(name, *fns)
    return _plain(str(err.value))


def test_nbgrader_autogrades_chapter_2(tmp_path):
    """Chapter 2 hands out code to repair (find the bugs) and a default to choose (eps):
    the learner's copy holds the notebook's own cells; the reference scores full marks;
    mistakes and a copy of the library lose exactly their exercises' points, and the
    feedback says why; the open questions wait for grading by hand."""
    pytest.importorskip("nbgrader")
    chapter = REPO_ROOT / "notebooks" / "02_bptt.ipynb"
    course, release, answers = _assignment(tmp_path, chapter, "--questions")
    original = "\n".join(map(_src, json.loads(chapter.read_text("utf-8"))["cells"]))
    handed = {c["metadata"]["nbgrader"]["grade_id"]: _src(c) for c in release["cells"]
              if c["metadata"].get("nbgrader", {}).get("solution")}
    assert handed.pop("questions") == "YOUR ANSWER HERE"         # graded by hand
    assert "return e / e.sum()" in handed["find_the_bugs"] and "np.sign" in handed["find_the_bugs"]
    assert "def numerical_gradient(f, w, eps=...):" in handed["gradient_check"]
    assert all(text.strip() in original for text in handed.values()
               if "YOUR CODE HERE" not in text)
    assert "assert_own_work" not in json.dumps(release)
    submissions = {"reference": _answered(release, answers), "unattempted": release,
                   "wrong": _answered(release, answers, CH2_WRONG)}
    results = _grade_all(course, chapter.stem, submissions)
    points = {name: EXERCISES[name].points for name in CH2}
    assert results["reference"][0] == {**points, "questions": "by hand"}
    assert results["unattempted"][0] == {name: 0 for name in CH2}   # no answer: nothing by hand
    scores, feedback, _ = results["wrong"]
    lost = {name for name, _, _ in CH2_WRONG}
    assert lost != set(CH2)
    assert scores == {**{k: points[k] * (k not in lost) for k in CH2}, "questions": "by hand"}
    for change in CH2_WRONG:
        message = _ch2_message(tmp_path, answers, change)
        assert message in _plain(feedback), message
    assert "uses rnnlab.rnn.rnn_step_backward" in _plain(feedback)
    _runs_through(results["unattempted"][2], CH2)
