"""Graded assignments: the course notebooks as an nbgrader course directory.

For teachers, from the repository root::

    python -m rnnlab.classroom nbgrader COURSE_DIR          # chapters 1 to 5
    python -m rnnlab.classroom nbgrader COURSE_DIR notebooks/03_exploding_vanishing.ipynb

Each chapter becomes ``COURSE_DIR/source/<chapter>/<chapter>.ipynb`` with nbgrader cell
metadata (``rnnlab.classroom.notebook``): each exercise an answer cell with the reference
from the notebook's hidden solution, then a graded test cell with its check in grading
mode, worth the exercise's points (``rnnlab.classroom.exercises``, 10 per chapter), and a
hidden test that fails an answer using rnnlab's own version (``own_work``).
``nbgrader_config.py`` is written next to ``source/``, with the step that hands out chapter
2's code to repair (``handout``). Chapter 0 has no exercise and is not an assignment.
"""
from .course import SUPPORTED, main, write_course
from .exercises import CHAPTER_POINTS, EXERCISES
from .notebook import BEGIN, END, HIDDEN, nbgrader_notebook, points_of

__all__ = ["BEGIN", "CHAPTER_POINTS", "END", "EXERCISES", "HIDDEN", "SUPPORTED", "main",
           "nbgrader_notebook", "points_of", "write_course"]
