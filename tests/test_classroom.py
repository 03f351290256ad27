"""Graded assignments (`python -m rnnlab.classroom nbgrader COURSE_DIR`), proven with nbgrader
itself on chapters 3 and 2: the assignment generates, the reference answers score full
marks, a submission with catalogued mistakes loses exactly those exercises' points and its
feedback shows the checks' messages, an answer that calls rnnlab's own version scores 0 by
the hidden copy test, and an unattempted submission runs through and scores 0. Without
nbgrader: every chapter's source notebook has the right cells and points."""
import html
import importlib.util
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

import rnnlab
from rnnlab import buggy_rnn
from rnnlab.checks import (check_clip_by_norm, check_find_the_bugs, check_gradient_check,
                           check_one_unit_grad, check_predictions, check_rnn_backward,
                           check_rnn_step_backward)
from rnnlab.classroom import (BEGIN, CHAPTER_POINTS, END, EXERCISES, HIDDEN, SUPPORTED, main,
                              nbgrader_notebook, points_of)
from rnnlab.classroom.own_work import assert_own_work

REPO_ROOT = Path(__file__).resolve().parents[1]
CHAPTER = REPO_ROOT / "notebooks" / "03_exploding_vanishing.ipynb"
NAME = CHAPTER.stem
CH3 = ("predictions", "one_unit_grad", "clip_by_norm")
CH2 = ("rnn_step_backward", "rnn_backward", "gradient_check", "find_the_bugs")


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


def _run(args, cwd):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",   # kernels side by side
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


# Chapter 2: (grade_id, text of the reference answer, replacement). Submission A makes one
# catalogued mistake in two exercises; B in the two others and copies the library's
# rnn_step_backward, which passes the check and fails the hidden copy test.
CH2_A = [("rnn_step_backward", "dh_prev = da @ cache.W_hh.T", "dh_prev = da @ cache.W_hh"),
         ("gradient_check", "def numerical_gradient(f, w, eps=1e-6):",
          "def numerical_gradient(f, w, eps=1e-2):")]
CH2_B = [("rnn_backward", "rl.rnn_step_backward(dH[t] + dh_next, caches[t])",
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
    the learner's copy holds the notebook's own cells; the reference scores full marks."""
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
                   "wrong_a": _answered(release, answers, CH2_A),
                   "wrong_b": _answered(release, answers, CH2_B)}
    results = _grade_all(course, chapter.stem, submissions)
    points = {name: EXERCISES[name].points for name in CH2}
    assert results["reference"][0] == {**points, "questions": "by hand"}
    assert results["unattempted"][0] == {name: 0 for name in CH2}   # no answer: nothing by hand
    for student, changes in (("wrong_a", CH2_A), ("wrong_b", CH2_B)):
        scores, feedback, _ = results[student]
        lost = {name for name, _, _ in changes}
        assert scores == {**{k: points[k] * (k not in lost) for k in CH2},
                          "questions": "by hand"}, student
        for change in changes:
            message = _ch2_message(tmp_path, answers, change)
            assert message in _plain(feedback), (student, message)
    assert "uses rnnlab.rnn.rnn_step_backward" in _plain(results["wrong_b"][1])
    _runs_through(results["unattempted"][2], CH2)
