"""Graded assignments: the course notebooks as an nbgrader course directory.

For teachers, from the repository root::

    python -m rnnlab.classroom nbgrader COURSE_DIR          # chapters 1, 3, 4 and 5
    python -m rnnlab.classroom nbgrader COURSE_DIR notebooks/03_exploding_vanishing.ipynb

Each chapter becomes ``COURSE_DIR/source/<chapter>/<chapter>.ipynb`` with nbgrader cell
metadata. A learner's exercise cell becomes a solution cell whose reference answer (between
``### BEGIN SOLUTION`` and ``### END SOLUTION``) is taken from the notebook's hidden
solution cell, renamed from ``x_solution`` to ``x``. The exercise's check follows as a
read-only autograded test cell, ``check_x(x, grading=True)``, worth ``points``: in grading
mode a wrong or missing answer raises ``AssertionError`` with the check's message. The
hidden solution cells are dropped and every other cell is locked. ``nbgrader_config.py``
is written next to ``source/``. Chapter 2 is not supported yet: its "find the bugs"
exercise hands out code to repair, which nbgrader's solution regions cannot express.
"""
import argparse
import copy
import json
import re
import sys
from pathlib import Path

from .student import is_solution

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CHECK_LINE = re.compile(r"^(check_\w+)\((.*)\)\s*(#.*)?$")
STUB = re.compile(r"^(\s*)raise NotImplementedError\b.*$")
CONFIG = '''c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "rnnlab"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ExecutePreprocessor.timeout = 600
'''
SUPPORTED = [f"notebooks/{name}.ipynb" for name in          # the default chapters
             ("01_unrolling", "03_exploding_vanishing", "04_lstm_gates", "05_gru")]


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _meta(grade_id, *, solution=False, grade=False, locked=True, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def _checks(source, solution):
    """The top-level check calls of ``source``: [(line index, check name, arguments)]."""
    found = []
    for i, line in enumerate(source.splitlines()):
        m = CHECK_LINE.match(line)
        if m and ("solution=True" in m.group(2)) == solution:
            found.append((i, m.group(1), m.group(2)))
    return found


def _functions(code):
    """``{name: body lines after the docstring}`` of the top-level functions in ``code``."""
    lines, out, i = code.splitlines(), {}, 0
    while i < len(lines):
        m = re.match(r"def (\w+)\(", lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j - 1].rstrip().endswith(":"):
            j += 1                                       # a signature over several lines
        body = []
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith((" ", "\t"))):
            body.append(lines[j])
            j += 1
        while body and not body[-1].strip():
            body.pop()
        doc = body[0].strip()[:3] if body else ""
        if doc in ('"""', "'''"):
            k = 0 if body[0].strip().count(doc) >= 2 and len(body[0].strip()) > 3 else 1
            while k and doc not in body[k]:
                k += 1
            body = body[k + 1:]
        out[m.group(1)] = body
        i = j
    return out


def _reference(exercise, solution):
    """The exercise cell's code with the solution cell's answer between the markers."""
    sol_lines = [line for k, line in enumerate(solution.splitlines())
                 if k not in {i for i, _, _ in _checks(solution, True)}]
    sol = re.sub(r"\b(\w+)_solution\b", r"\1", "\n".join(sol_lines)).rstrip()
    functions = _functions(sol)
    stubs = re.findall(r"^def (\w+)\(", exercise, flags=re.M)
    if len(stubs) == 1 and len(functions) == 1:          # matched_widths_mine: one answer
        functions = {stubs[0]: next(iter(functions.values()))}
    out, stub_fn, used = [], None, False
    for line in exercise.splitlines():
        m = re.match(r"def (\w+)\(", line)
        stub_fn = m.group(1) if m else stub_fn
        stub = STUB.match(line)
        if stub and stub.group(1) and stub_fn in functions:
            pad = stub.group(1)
            out += [pad + BEGIN, *functions[stub_fn], pad + END]
            used = True
        else:
            out.append(line)
    if not used:                                         # an answer that is a value
        if any(re.match(r"\s*def ", line) for line in sol_lines):
            raise ValueError("its solution is made of functions, but the exercise cell has "
                             "no `raise NotImplementedError` stub to put them in")
        out += [BEGIN, sol, END]
    return "\n".join(out).rstrip() + "\n"


def nbgrader_notebook(nb, points=1):
    """Return notebook ``nb`` (nbformat 4 dict) as an nbgrader source notebook.

    Raises ValueError for a solution cell whose exercise cannot be found or placed.
    """
    cells = copy.deepcopy(nb["cells"])
    out, exercises = [], {}
    for index, cell in enumerate(cells):
        if is_solution(cell):
            checks = _checks(_source(cell), True)
            if not checks:
                continue                                 # answers to the questions: dropped
            name = checks[0][1]
            if name not in exercises:
                raise ValueError(f"solution cell {index} checks {name}, but no exercise "
                                 "cell before it calls that check")
            where, args = exercises.pop(name)
            ex = out[where]
            try:
                ex["source"] = _reference(_source(ex), _source(cell))
            except ValueError as err:
                raise ValueError(f"cannot grade the exercise of {name}: {err}") from None
            continue
        cell.get("metadata", {}).pop("execution", None)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            found = _checks(_source(cell), False)
            if found:
                lines = _source(cell).splitlines()
                drop = {i for i, _, _ in found}
                cell["source"] = "\n".join(l for k, l in enumerate(lines) if k not in drop)
                cell["source"] = cell["source"].rstrip() + "\n"
                cell["metadata"]["nbgrader"] = _meta(f"{found[0][1][6:]}", solution=True,
                                                     locked=False)
                out.append(cell)
                exercises[found[0][1]] = (len(out) - 1, found[0][2])
                for _, name, args in found:
                    test = {"cell_type": "code", "execution_count": None, "outputs": [],
                            "id": f"test-{name[6:]}".replace("_", "-"),
                            "metadata": {"nbgrader": _meta(f"test_{name[6:]}", grade=True,
                                                           points=points)},
                            "source": f"{name}({args}, grading=True)\n"}
                    out.append(test)
                continue
        cell.setdefault("metadata", {})["nbgrader"] = _meta(f"cell_{index}")
        out.append(cell)
    if exercises:
        raise ValueError(f"exercises without a solution cell: {', '.join(exercises)}")
    result = copy.deepcopy(nb)
    result["cells"] = out
    result.get("metadata", {}).pop("widgets", None)
    result.get("metadata", {}).pop("jupytext", None)
    return result


def write_course(course_dir, notebooks, points=1):
    """Write ``source/<chapter>/<chapter>.ipynb`` per notebook and nbgrader_config.py."""
    course_dir = Path(course_dir)
    converted, written = [], []
    for path in map(Path, notebooks):                   # convert all before writing any
        try:
            converted.append((path, nbgrader_notebook(
                json.loads(path.read_text(encoding="utf-8")), points)))
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
    for path, nb in converted:
        target = course_dir / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    config = course_dir / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    return written


def main(argv=None):
    """Command line: ``python -m rnnlab.classroom nbgrader COURSE_DIR [NOTEBOOK ...]``."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.classroom",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("format", choices=["nbgrader"], help="the grading system")
    parser.add_argument("course_dir", metavar="COURSE_DIR", help="the course directory")
    parser.add_argument("notebooks", metavar="NOTEBOOK", nargs="*",
                        help="chapters to convert (default: every supported chapter)")
    parser.add_argument("--points", type=float, default=1, help="points per exercise")
    args = parser.parse_args(argv)
    try:
        written = write_course(args.course_dir, args.notebooks or SUPPORTED, args.points)
    except (ValueError, OSError) as err:
        parser.error(str(err))
    print("\n".join(f"wrote {target}" for target in written))
    print(f"next: cd {args.course_dir} && nbgrader generate_assignment <chapter>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
