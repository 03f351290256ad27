"""Exercises that hand out the notebook's own cell, for ``nbgrader generate_assignment``.

In chapter 2's "find the bugs" the learner's answer cell starts as broken code, not as a
stub, and its gradient check keeps ``eps=...`` in a signature that the answer changes.
Such a source cell holds the reference answer between the solution markers and keeps the
cell to hand out in its metadata (``metadata["rnnlab"]["handout"]``). nbgrader
replaces every solution region with the same stub, so the course's ``nbgrader_config.py``
adds one step to generate_assignment, ``HandOut``, right after nbgrader's
``ClearSolutions``: it writes the handed-out code into the learner's copy in place of the
stub. Autograding needs nothing more: an answer cell is never overwritten.
"""
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from .notebook import KEY


class HandOut(Preprocessor):
    """Replace the cleared answer of a cell with the code it hands out, if it has any."""

    enabled = Bool(True, help="nbconvert's preprocessors are off unless enabled").tag(
        config=True)

    def preprocess_cell(self, cell, resources, index):
        handout = cell.get("metadata", {}).pop(KEY, {}).get("handout")
        if handout is not None:
            cell.source = handout
        return cell, resources


def generate_assignment_steps():
    """nbgrader's preprocessors for generate_assignment, with ``HandOut`` after
    ``ClearSolutions`` (for ``c.GenerateAssignment.preprocessors`` in nbgrader_config.py)."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions

    steps = list(GenerateAssignment.class_traits()["preprocessors"].default())
    if ClearSolutions not in steps:
        raise RuntimeError("this nbgrader's generate_assignment has no ClearSolutions step; "
                           "the handed-out code of 'find the bugs' cannot be placed")
    steps.insert(steps.index(ClearSolutions) + 1, HandOut)
    return steps
