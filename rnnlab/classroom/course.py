"""Write an nbgrader course directory, and the command line that does it."""
import argparse
import json
from pathlib import Path

from .exercises import CHAPTER_POINTS, EXERCISES, QUESTION_POINTS
from .notebook import nbgrader_notebook, points_of

CONFIG = '''c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "rnnlab"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ExecutePreprocessor.timeout = 600
# Chapter 2's "find the bugs" hands out code to repair: this step puts it in the
# learner's copy (rnnlab must be importable where nbgrader runs).
from rnnlab.classroom.handout import generate_assignment_steps  # noqa: E402
c.GenerateAssignment.preprocessors = generate_assignment_steps()
'''
HANDOUT_STEP = "generate_assignment_steps"
SUPPORTED = [f"notebooks/{name}.ipynb" for name in          # the default chapters
             sorted({e.chapter for e in EXERCISES.values()})]


def write_course(course_dir, notebooks, points=None, questions=False):
    """Write ``source/<chapter>/<chapter>.ipynb`` per notebook and nbgrader_config.py.

    ``points`` and ``questions`` as for ``nbgrader_notebook``. Returns
    ``{written notebook path: {grade_id: points}}``. Converts every notebook
    before writing any; raises ValueError (naming the notebook) if one cannot be graded.
    An existing nbgrader_config.py is kept.
    """
    course_dir = Path(course_dir)
    converted, written = [], {}
    for path in map(Path, notebooks):
        try:
            converted.append((path, nbgrader_notebook(
                json.loads(path.read_text(encoding="utf-8")), points, questions)))
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
    for path, nb in converted:
        target = course_dir / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written[target] = points_of(nb)
    config = course_dir / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    return written


def points_line(target, points):
    """``wrote PATH: 10 points (predictions 3, ...)``; the questions say "by hand"."""
    total = sum(points.values())
    each = ", ".join(f"{k.removeprefix('test_')} {v:g}" + " by hand" * (k == "questions")
                     for k, v in points.items())
    return f"wrote {target}: {total:g} points ({each})"


def main(argv=None):
    """Command line: ``python -m rnnlab.classroom nbgrader COURSE_DIR [NOTEBOOK ...]``."""
    from . import __doc__ as doc
    parser = argparse.ArgumentParser(prog="python -m rnnlab.classroom",
                                     description=doc.splitlines()[0])
    parser.add_argument("format", choices=["nbgrader"], help="the grading system")
    parser.add_argument("course_dir", metavar="COURSE_DIR", help="the course directory")
    parser.add_argument("notebooks", metavar="NOTEBOOK", nargs="*",
                        help="chapters to convert (default: every chapter with exercises)")
    parser.add_argument("--points", type=float, default=None,
                        help=f"points of every exercise (default: each exercise's own, "
                             f"{CHAPTER_POINTS:g} per chapter)")
    parser.add_argument("--questions", action="store_true",
                        help="add the open questions as an answer cell graded by hand "
                             f"({QUESTION_POINTS:g} point each)")
    args = parser.parse_args(argv)
    try:
        written = write_course(args.course_dir, args.notebooks or SUPPORTED, args.points,
                               args.questions)
    except (ValueError, OSError) as err:
        parser.error(str(err))
    print("\n".join(points_line(target, points) for target, points in written.items()))
    config = Path(args.course_dir) / "nbgrader_config.py"
    if HANDOUT_STEP not in config.read_text(encoding="utf-8"):
        print(f"note: {config} was kept and lacks rnnlab's step for code handed out "
              f"(chapter 2's find the bugs); add these lines to it:\n"
              + "\n".join(CONFIG.splitlines()[-2:]))
    print(f"next: cd {args.course_dir} && nbgrader generate_assignment <chapter>")
    return 0

