"""A chapter's lesson plan as data, and its schedule in minutes.

A chapter lists its steps in teaching order: ``Present`` a section of the notebook,
``Live`` an explorer at chosen settings with a question for each, stop for an
``Exercise``. Each step says in which plans (60 and/or 90 minutes) it is done. ``schedule``
turns a plan into rows with minutes: a section takes its prose at ``WORDS_PER_MINUTE``
plus its code cells' measured time, a live step its cells' measured time plus
``DISCUSS_MINUTES`` per setting, an exercise its assumed time plus its check cell; each
is rounded up to whole minutes, and what is left of the lesson goes to the recap and the
questions (at least ``MIN_WRAP_UP`` minutes, or the plan does not fit and raises).
"""
import math
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from .notebook import parts, words
from .timing import (DISCUSS_MINUTES, EXERCISE_MINUTES, MIN_WRAP_UP, PLANS, WORDS_PER_MINUTE,
                     seconds)

OPENING = "Title, goals, time and prerequisites"


@dataclass(frozen=True)
class Present:
    """Present the ``##`` section ``section`` ("" is the opening); ``stress`` says what
    to bring out. Exercise subsections are not counted (the class reads them while
    working), nor the subsections in ``skip`` (neither their prose nor their cells)."""
    section: str
    stress: str = ""
    plans: tuple = PLANS
    skip: tuple = ()


@dataclass(frozen=True)
class Ask:
    """One explorer setting to show live (control name -> value) and what to ask first."""
    setting: dict
    question: str
    plans: tuple = PLANS


@dataclass(frozen=True)
class Live:
    """Show the explorer ``explorer`` (a class name in ``rnnlab.widgets``) at each of
    ``asks``, built as the notebook builds it: with ``kwargs``, after ``model()`` as the
    first argument if given (e.g. the shipped network it explores)."""
    explorer: str
    asks: tuple
    kwargs: dict = field(default_factory=dict)
    model: Callable = None
    plans: tuple = PLANS

    def make(self):
        """A new explorer (imports the widgets only now)."""
        from .. import widgets

        args = (self.model(),) if self.model else ()
        return getattr(widgets, self.explorer)(*args, **self.kwargs)


@dataclass(frozen=True)
class Exercise:
    """Stop for the exercise that ``check`` (e.g. "check_rnn_forward") checks; ``kind``
    is "code" (write a function) or "short" (fill in answers)."""
    check: str
    kind: str
    plans: tuple = PLANS


@dataclass(frozen=True)
class Chapter:
    """A chapter's notebook (e.g. "01_unrolling"), steps in order, and homework ideas."""
    number: int
    notebook: str
    steps: tuple
    homework: tuple = field(default=())


class Row(NamedTuple):
    """One line of a timed plan."""
    step: object          # the Present/Live/Exercise, or None for the wrap-up
    label: str            # what the teacher does
    where: str            # the notebook's section (and subsection)
    minutes: int
    measured_s: float     # measured wall seconds of the cells run in this step


def steps_of(chapter, kind):
    """The chapter's steps of one kind (Present, Live or Exercise), in order."""
    return [s for s in chapter.steps if isinstance(s, kind)]


def _where(cell):
    return cell["section"] + (f" / {cell['subsection']}" if cell["subsection"] else "")


def claimed_cells(chapter, times):
    """Ids of the cells that live steps and exercises run (not counted in sections)."""
    ids = set()
    for step in chapter.steps:
        if isinstance(step, Live):
            ids |= {c["id"] for c in times.explorer(step.explorer)}
        elif isinstance(step, Exercise):
            ids |= {c["id"] for c in times.calling(step.check)}
    return ids


def row_for(step, plan, chapter, cells, times):
    """The Row of one step in the plan of ``plan`` minutes."""
    if isinstance(step, Present):
        text = [p.text for p in parts(cells) if p.section == step.section
                and not p.subsection.startswith("Exercise") and p.subsection not in step.skip]
        if not text:
            raise ValueError(f"chapter {chapter.number}: no section {step.section!r}")
        claimed = claimed_cells(chapter, times)
        run = [c for c in times.section(step.section) if c["id"] not in claimed
               and "solution" not in c["tags"] and c["subsection"] not in step.skip]
        exact = sum(map(words, text)) / WORDS_PER_MINUTE + seconds(run) / 60
        return Row(step, "Present", step.section or OPENING, math.ceil(exact), seconds(run))
    if isinstance(step, Live):
        run = times.explorer(step.explorer)
        asks = [a for a in step.asks if plan in a.plans]
        exact = seconds(run) / 60 + DISCUSS_MINUTES * len(asks)
        return Row(step, f"Live: {step.explorer}, {len(asks)} settings", _where(run[0]),
                   math.ceil(exact), seconds(run))
    if isinstance(step, Exercise):
        run = times.exercise(step.check)
        if step.kind not in EXERCISE_MINUTES:
            raise ValueError(f"exercise kind must be one of {list(EXERCISE_MINUTES)}")
        exact = EXERCISE_MINUTES[step.kind] + seconds(run) / 60
        return Row(step, f"Exercise ({step.kind}): `{step.check}`", _where(run[0]),
                   math.ceil(exact), seconds(run))
    raise TypeError(f"unknown step {step!r}")


def schedule(chapter, plan, cells, times):
    """The rows of the ``plan``-minute lesson (60 or 90), ending with the wrap-up."""
    if plan not in PLANS:
        raise ValueError(f"plan must be one of {PLANS}, got {plan!r}")
    rows = [row_for(s, plan, chapter, cells, times) for s in chapter.steps if plan in s.plans]
    left = plan - sum(r.minutes for r in rows)
    if left < MIN_WRAP_UP:
        raise ValueError(f"chapter {chapter.number}'s {plan}-minute plan does not fit: its "
                         f"steps take {plan - left} minutes, leaving {left} (< {MIN_WRAP_UP}) "
                         f"for the recap and questions")
    return rows + [Row(None, "Wrap up", "Recap / Questions to think about", left, 0.0)]
