"""One course notebook as an nbgrader source notebook.

A learner's exercise cell becomes a solution cell whose reference answer (between
``### BEGIN SOLUTION`` and ``### END SOLUTION``) is taken from the notebook's hidden
solution cell, renamed from ``x_solution`` to ``x``. An exercise cell that hands out code
to repair (chapter 2's "find the bugs": functions, no ``raise NotImplementedError`` stub),
or whose answer changes a signature (chapter 2's ``eps=...`` to choose), holds the whole
reference between the markers and keeps the cell to hand out in its metadata for
``rnnlab.classroom.handout``. The exercise's check follows as a read-only
autograded test cell, ``check_x(x, grading=True)``, worth the exercise's points from
``rnnlab.classroom.exercises``: in grading mode a wrong or missing answer raises
``AssertionError`` with the check's message. When rnnlab has its own version of the
exercise, the test cell ends with a hidden test (``### BEGIN HIDDEN TESTS``) that fails an
answer using it (``rnnlab.classroom.own_work``). The hidden solution cells are dropped and
every other cell is locked. With ``questions=True`` the open questions get an answer cell
graded by hand.
"""
import copy
import re

from ..student import is_solution
from .exercises import QUESTION_POINTS
from .exercises import exercise as exercise_entry

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
QUESTIONS = "Questions to think about"                 # the heading of the open questions
KEY = "rnnlab"                                         # cell metadata: the code handed out
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
CHECK_LINE = re.compile(r"^(check_\w+)\((.*)\)\s*(#.*)?$")
STUB = re.compile(r"^(\s*)raise NotImplementedError\b.*$")


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


def _signature(code, name):
    """The ``def name(...):`` lines of function ``name`` in ``code``, or None."""
    m = re.search(rf"^def {name}\((.|\n)*?\):", code, flags=re.M)
    return m and m.group(0)


def _reference(exercise, solution):
    """``(answer cell source, handed-out code or None)``: the exercise cell's code with the
    solution cell's answer between the markers. For an exercise cell made of functions
    without a stub (code to repair), or whose answer changes a function's signature (a
    default to choose), the whole answer goes between them and that cell is handed out."""
    sol_lines = [line for k, line in enumerate(solution.splitlines())
                 if k not in {i for i, _, _ in _checks(solution, True)}]
    sol = re.sub(r"\b(\w+)_solution\b", r"\1", "\n".join(sol_lines)).rstrip()
    functions = _functions(sol)
    stubs = re.findall(r"^def (\w+)\(", exercise, flags=re.M)
    repair = stubs and functions and not any(map(STUB.match, exercise.splitlines()))
    if repair or any(_signature(exercise, f) != _signature(sol, f) for f in functions
                     if f in stubs):
        missing = set(stubs) - set(functions)          # code to repair, or a signature
        if missing:                                    # the answer changes (eps=...)
            raise ValueError(f"the exercise cell defines {', '.join(sorted(missing))}, "
                             "which its solution does not")
        return f"{BEGIN}\n{sol}\n{END}\n", exercise.rstrip() + "\n"
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
    return "\n".join(out).rstrip() + "\n", None


def _test_source(name, args):
    """A test cell: the check in grading mode, then the hidden copy test if it has one."""
    source = f"{name}({args}, grading=True)\n"
    if exercise_entry(name).library:
        source += (f"{HIDDEN[0]}\nfrom rnnlab.classroom.own_work import assert_own_work\n"
                   f"assert_own_work({name[6:]!r}, {args})\n{HIDDEN[1]}\n")
    return source


def _questions(answers, prompt):
    """A manually graded answer cell for the open questions of markdown ``prompt``, with
    the hidden ``answers`` cell's text as its reference, worth QUESTION_POINTS each."""
    asked = re.findall(r"^#*\s*\d+\. ", prompt.split(QUESTIONS, 1)[1], flags=re.M)
    text = _source(answers)
    if answers["cell_type"] == "code":                 # "# Answers ..." comment lines
        text = "\n".join(re.sub(r"^# ?", "", line) for line in text.splitlines())
    return {"cell_type": "markdown", "id": "questions", "source": text.strip() + "\n",
            "metadata": {"nbgrader": _meta("questions", solution=True, grade=True,
                                           locked=False,
                                           points=QUESTION_POINTS * len(asked))}}


def nbgrader_notebook(nb, points=None, questions=False):
    """Return notebook ``nb`` (nbformat 4 dict) as an nbgrader source notebook.

    Each exercise is worth its points in ``rnnlab.classroom.exercises``, or ``points``
    when given. With ``questions=True`` the open questions ("Questions to think about")
    get a manually graded answer cell, the notebook's hidden answers as its reference.
    Raises ValueError for anything but a notebook, points that are not positive, a
    notebook without exercises, an exercise without points in that table, and a solution
    cell whose exercise cannot be found or placed.
    """
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("nb must be a notebook: a dict with a 'cells' list (nbformat 4), "
                         f"got {type(nb).__name__}")
    if points is not None and not (isinstance(points, (int, float)) and points > 0):
        raise ValueError(f"points must be a positive number, got {points!r}")
    cells = copy.deepcopy(nb["cells"])
    out, exercises = [], {}
    for index, cell in enumerate(cells):
        if is_solution(cell):
            checks = _checks(_source(cell), True)
            if not checks:                               # the answers to the questions
                asked = [c for c in out if c["cell_type"] == "markdown"
                         and QUESTIONS in _source(c)]
                if questions and asked:
                    out.append(_questions(cell, _source(asked[-1])))
                continue
            name = checks[0][1]
            if name not in exercises:
                raise ValueError(f"solution cell {index} checks {name}, but no exercise "
                                 "cell before it calls that check")
            where, args = exercises.pop(name)
            ex = out[where]
            try:
                ex["source"], handout = _reference(_source(ex), _source(cell))
            except ValueError as err:
                raise ValueError(f"cannot grade the exercise of {name}: {err}") from None
            if handout is not None:
                ex["metadata"][KEY] = {"handout": handout}
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
                    worth = exercise_entry(name).points if points is None else points
                    test = {"cell_type": "code", "execution_count": None, "outputs": [],
                            "id": f"test-{name[6:]}".replace("_", "-"),
                            "metadata": {"nbgrader": _meta(f"test_{name[6:]}", grade=True,
                                                           points=worth)},
                            "source": _test_source(name, args)}
                    out.append(test)
                continue
        cell.setdefault("metadata", {})["nbgrader"] = _meta(f"cell_{index}")
        out.append(cell)
    if exercises:
        raise ValueError(f"exercises without a solution cell: {', '.join(exercises)}")
    if not any(c["metadata"]["nbgrader"]["grade"] for c in out):
        raise ValueError("it has no exercise to grade (no cell calls a check_ function)")
    result = copy.deepcopy(nb)
    result["cells"] = out
    result.get("metadata", {}).pop("widgets", None)
    result.get("metadata", {}).pop("jupytext", None)
    return result


def points_of(nb):
    """``{grade_id: points}`` of the test cells of an nbgrader source notebook ``nb``."""
    return {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"]
            for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
