"""The lesson plans of chapters 1 to 5, one module each (see ``rnnlab.teaching.plan``).

Each module defines ``CHAPTER``. Explorers are built only when a guide is generated: each
``Live`` step holds a function that builds its explorer as the notebook does.
"""
from . import ch01, ch02, ch03, ch04, ch05

CHAPTERS = tuple(m.CHAPTER for m in (ch01, ch02, ch03, ch04, ch05))
