"""Feedback mechanics shared by every chapter's checks.

A check is a function decorated with ``@exercise("name")`` that returns a sentence of
praise or raises ``Wrong("what is wrong and why")``. The decorator runs it with warnings
silenced, turns an unattempted exercise (``NotImplementedError``, ``None``, ``...``) into a
friendly line, prints the message and returns a ``CheckResult``. It also gives every check
the keyword ``solution=False``: a notebook's hidden solution cell calls
``check_x(x_solution, solution=True)``, and the message then says that it checked the
reference solution and that the learner's own answer is unchanged. With ``grading=True``
(the test cells of an nbgrader assignment) an answer that does not pass raises
``AssertionError`` with the same message, so the autograder takes its points and shows why.
The helpers below run the learner's function safely (``call``), read its answer as an array
(``answer_array``) and find which classic mistake it reproduces (``closest_variant``).
"""
import functools
import inspect
import textwrap
import traceback
import warnings
from itertools import product
from typing import NamedTuple

import numpy as np

WIDTH = 92  # characters per printed line


class CheckResult(NamedTuple):
    """The verdict of a check: ``passed``, the printed ``message``, and ``attempted``."""
    passed: bool
    message: str
    attempted: bool = True

    def __str__(self):
        return self.message

    def _ipython_display_(self):
        """Show nothing more in a notebook: the check has printed ``message`` already."""


class Wrong(Exception):
    """Raised inside a check: the answer is wrong, and the argument says why."""


class NotAttempted(Exception):
    """Raised inside a check: the exercise has not been done yet (argument: a hint)."""


def _wrap(text):
    """Wrap each line of ``text`` to ``WIDTH``, keeping indentation of bullet lines."""
    out = []
    for line in text.splitlines():
        indent = " " * (len(line) - len(line.lstrip(" -")))
        out.append(textwrap.fill(line, WIDTH, subsequent_indent=indent, break_on_hyphens=False,
                                 break_long_words=False) if line else "")
    return "\n".join(out)


def exercise(name, yours=None):
    """Decorator for a check of the exercise ``name``: prints and returns a CheckResult.

    The decorated check takes one more keyword, ``solution=False``. With
    ``solution=True`` the message is marked "(reference solution)" and ends with
    ``yours``, the sentence that says the learner's own answer is unchanged (default:
    "Your own <name> is unchanged; the cells below use the library's version.").
    It also takes ``grading=False``: with ``grading=True`` an answer that does not pass
    (wrong or not attempted) raises ``AssertionError(message)`` instead of returning.
    """
    yours = yours or f"Your own {name} is unchanged; the cells below use the library's version."

    def decorate(check):
        @functools.wraps(check)
        def run(*args, solution=False, grading=False, **kwargs):
            title = f"{name} (reference solution)" if solution else name
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    praise = check(*args, **kwargs)
                result = CheckResult(True, f"✔ {title}: {praise}")
            except NotAttempted as err:
                result = CheckResult(False, f"… {title}: not attempted yet. {err}", False)
            except Wrong as err:
                result = CheckResult(False, f"✘ {title}: {err}")
            except Exception as err:  # a bug in the check must not hide the learner's work
                result = CheckResult(False, f"✘ {title}: the check could not judge this answer "
                                            f"({type(err).__name__}: {err}). Compare your code "
                                            f"with the solution below.")
            if solution:
                result = result._replace(message=f"{result.message}\n{yours}")
            result = result._replace(message=_wrap(result.message))
            if grading and not result.passed:
                raise AssertionError(result.message)
            print(result.message)
            return result

        signature = inspect.signature(check)
        keywords = [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=False)
                    for k in ("solution", "grading")]
        run.__signature__ = signature.replace(
            parameters=[*signature.parameters.values(), *keywords])
        return run
    return decorate


def describe(value):
    """A short description of an argument: ``array (5, 3, 4)``, ``7``."""
    if isinstance(value, np.ndarray):
        return f"array {value.shape}"
    return f"{value!r:.30}"


def call(fn, name, *args, in_place=False):
    """Call the learner's ``fn(*args)`` on copies; return its result or raise Wrong/NotAttempted.

    Reports an exception with the line of the learner's code that raised it, a ``None``
    result as not attempted, and a change made in place to an input array. With
    ``in_place=True`` the very arrays given are passed (a gradient check must perturb the
    array that its ``f`` reads), and the check judges what became of them.
    """
    if not callable(fn):
        raise Wrong(f"pass your function itself, check_{name}({name}), not a value of "
                    f"type {type(fn).__name__}.")
    copies = list(args) if in_place else [a.copy() if isinstance(a, np.ndarray) else a
                                          for a in args]
    try:
        out = fn(*copies)
    except NotImplementedError:
        raise NotAttempted(f"Replace `raise NotImplementedError` in {name} with your code, "
                           f"then run this cell again.") from None
    except Exception as err:
        code = getattr(fn, "__code__", None)
        frames = [f for f in traceback.extract_tb(err.__traceback__)
                  if code is not None and f.filename == code.co_filename]
        where = ""
        if frames:
            f = frames[-1]
            where = f" at line {f.lineno - code.co_firstlineno + 1} of {name}"
            where += f" (`{f.line.strip()}`)" if f.line else ""
        given = ", ".join(describe(a) for a in args)
        raise Wrong(f"your function raised {type(err).__name__}{where}: {err}\n"
                    f"It was called as {name}({given}).") from None
    if out is None:
        raise NotAttempted(f"{name} returned None. If you have written it, check that it "
                           f"ends with a `return` statement.")
    for i, (a, c) in enumerate(zip(args, copies)):
        if not in_place and isinstance(a, np.ndarray) and (c.shape != a.shape or not np.array_equal(c, a)):
            raise Wrong(f"your function changed its input number {i + 1} in place; work on "
                        f"a new array instead (for example `h = h0.copy()` or `h = h0 + 0`).")
    return out


def shape_of(value):
    """``np.shape(value)``, or None for a string or anything that is not array-like."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        return np.shape(value)
    except (TypeError, ValueError):
        return None


def shape_text(shape, sizes):
    """``(3, 5, 6)`` read with the letters of ``sizes`` ({"T": 5, ...}): ``(B, T, H)``."""
    letters = {n: k for k, n in sizes.items()}
    return tuple_text(letters.get(n, str(n)) for n in shape)


def tuple_text(items):
    """Letters or numbers written as a tuple: ``(T, B, H)``, ``(T,)``."""
    items = [str(i) for i in items]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def answer_array(value, what, labels, sizes):
    """The learner's ``value`` as a float array of shape ``labels``, or raise Wrong saying why.

    ``labels`` is a tuple of letters such as ("T", "B", "H") and ``sizes`` maps each letter
    to its size in this test (sizes are distinct, so a wrong axis order can be named).
    """
    expected = tuple(sizes[k] for k in labels)
    form = f"{tuple_text(labels)} = {expected}"
    if isinstance(value, (str, bytes)):
        raise Wrong(f"{what} is a string ({value!r:.40}); it should be an array of shape {form}.")
    if isinstance(value, (dict, set)) or callable(value):
        raise Wrong(f"{what} is a {type(value).__name__}; it should be an array of shape {form}.")
    try:
        arr = np.asarray(value)
        if arr.dtype.kind == "c":
            raise Wrong(f"{what} holds complex numbers; it should hold real numbers.")
        arr = arr.astype(float)
    except (TypeError, ValueError):
        raise Wrong(f"{what} could not be read as an array of numbers (it is a "
                    f"{type(value).__name__} whose items differ in shape or type); return one "
                    f"numpy array of shape {form}, e.g. with np.stack.") from None
    if arr.ndim == 0:
        raise Wrong(f"{what} is a single number ({arr:.4g}); it should be an array of shape "
                    f"{form}.")
    if arr.shape != expected:
        msg = f"{what} has shape {arr.shape}, which reads as {shape_text(arr.shape, sizes)}; "
        msg += f"it should have shape {form}."
        if sorted(arr.shape) == sorted(expected) and len(set(expected)) == len(expected):
            msg += " The axes are in the wrong order."
        raise Wrong(msg)
    if not np.isfinite(arr).all():
        bad = "NaN" if np.isnan(arr).any() else "inf"
        n = int((~np.isfinite(arr)).sum())
        raise Wrong(f"{what} contains {bad} ({n} of {arr.size} entries); every entry should be "
                    f"a finite number. Did part of the array stay unfilled, or did a value "
                    f"overflow?")
    return arr


def same(a, b, rtol=1e-5, atol=1e-6):
    """Whether two arrays have the same shape and values (float32 rounding allowed)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def mistake_variants(options, mistakes, compute, max_mistakes=None):
    """Every combination of ``options`` with the mistakes it makes and what it computes.

    ``options`` maps a name to its choices (the first is the right one); ``mistakes`` maps
    ``(name, choice)`` to a sentence; ``compute(**choice)`` gives the answer that choice
    produces. Returns ``[(mistakes, choice, answer)]``, skipping combinations with more
    than ``max_mistakes`` mistakes.
    """
    out = []
    for values in product(*options.values()):
        choice = dict(zip(options, values))
        made = tuple(mistakes[k, v] for k, v in choice.items() if (k, v) in mistakes)
        if max_mistakes is None or len(made) <= max_mistakes:
            out.append((made, choice, compute(**choice)))
    return out


def closest_variant(answer, variants):
    """The mistakes of the variant ``answer`` equals, fewest mistakes first, or None.

    ``variants`` is an iterable of ``(mistakes, array)`` where ``mistakes`` is a tuple of
    sentences (empty for the correct answer); an array of None (a variant that cannot be
    computed for this input) never matches.
    """
    hits = [m for m, v in variants if v is not None and same(answer, v)]
    return min(hits, key=len) if hits else None


def bullet_list(mistakes):
    """One mistake as a sentence, several as a bulleted list."""
    if len(mistakes) == 1:
        return mistakes[0]
    return "\n".join(f"  - {m}" for m in mistakes)
