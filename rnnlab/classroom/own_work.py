"""The hidden copy test of a graded exercise: does the answer use rnnlab's own version?

rnnlab contains working versions of most exercises (``rl.rnn_step_backward``,
``rl.clip_global_norm``, ...). An answer that calls one passes its check, so each graded
exercise of an nbgrader assignment has a hidden test, ``assert_own_work(exercise, *fns)``,
that reads the source of the learner's functions (``inspect.getsource``, which works for
functions defined in notebook cells) and of the learner's own functions they use, and
raises ``AssertionError`` when one of them names a library version listed for the exercise
in ``rnnlab.classroom.exercises``. It sees names written in the code (``rl.x``,
``rnnlab.x.y``, ``from rnnlab import x``), not calls hidden behind ``getattr`` or ``exec``.
"""
import ast
import importlib
import inspect
import textwrap
import types

from .exercises import exercise as exercise_entry


def _load(dotted):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _resolve(node, namespace):
    """The object a name or attribute chain refers to in ``namespace``, or None."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace)
        if isinstance(base, (types.ModuleType, type)):     # no properties of other objects
            return getattr(base, node.attr, None)
    return None


def library_uses(fn, library, _seen=None):
    """``[(function name, line number, line, dotted name)]``: where ``fn``, or a function
    of the learner's that it names, uses one of the objects ``library`` ({object: dotted
    name}). A ``fn`` that is itself one of them gives one entry with line number 0."""
    seen = set() if _seen is None else _seen
    name = getattr(fn, "__name__", repr(fn))
    for obj, dotted in library.items():
        if fn is obj:
            return [(name, 0, "", dotted)]
    if not isinstance(fn, types.FunctionType) or fn in seen:
        return []
    seen.add(fn)
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError):                           # no source to read: cannot tell
        return []
    found = []
    tree = ast.parse(textwrap.dedent("".join(lines)))
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Name, ast.Attribute)) or isinstance(
                getattr(node, "ctx", None), (ast.Store, ast.Del)):
            continue
        obj = _resolve(node, fn.__globals__)
        hit = [dotted for o, dotted in library.items() if obj is o]
        if hit:
            line = lines[node.lineno - 1].strip()
            found.append((name, first + node.lineno - 1, line, hit[0]))
        elif (isinstance(obj, types.FunctionType) and obj is not fn
              and obj.__module__ == fn.__module__):       # the learner's own helper
            found += library_uses(obj, library, seen)
    return list(dict.fromkeys(found))


def assert_own_work(exercise, *functions):
    """Raise AssertionError if an answer to ``exercise`` uses rnnlab's own version of it.

    ``functions`` are the learner's functions passed to the exercise's check. The message
    names the library function, and where the answer uses it.
    """
    if not functions:
        raise ValueError("pass the learner's functions: assert_own_work(exercise, fn, ...)")
    library = {_load(dotted): dotted for dotted in exercise_entry(exercise).library}
    uses = [use for fn in functions for use in library_uses(fn, library)]
    if not uses:
        return
    where = "; ".join(
        f"{name} is {dotted} itself" if not lineno else f"{name} uses {dotted} (`{line}`)"
        for name, lineno, line, dotted in uses)
    raise AssertionError(
        f"✘ {exercise}: this answer uses rnnlab's own version of the exercise: {where}. "
        f"The exercise asks you to write it yourself, so it scores 0 although its check "
        f"passes.")
