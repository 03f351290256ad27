"""The assumptions behind the lesson plans' minutes, and the measured cell times.

Measured: every code cell's wall and CPU time in ``rnnlab/data/chapter_timings.json``,
written by ``python benchmarks/time_chapters.py``. Assumed (stated in every guide):
how fast a teacher presents prose, how long a class discusses one explorer setting, how
long an exercise takes, and the least time left for the recap and questions.
"""
import json
from pathlib import Path

TIMINGS = Path(__file__).resolve().parents[1] / "data" / "chapter_timings.json"

WORDS_PER_MINUTE = 130     # presenting a section: its prose at a speaking pace
DISCUSS_MINUTES = 2.0      # one explorer setting: ask, wait for answers, set it, read the note
EXERCISE_MINUTES = {"code": 12, "short": 6}   # writing a function / answering in a dict
MIN_WRAP_UP = 5            # at least this long for the recap and a discussion question
PLANS = (60, 90)           # the lesson lengths, in minutes


def load_timings(path=None):
    """The measured timings (a dict, see ``benchmarks/time_chapters.py``)."""
    path = Path(path or TIMINGS)
    if not path.is_file():
        raise FileNotFoundError(f"no timings at {path}; run python benchmarks/time_chapters.py")
    return json.loads(path.read_text())


class NotebookTimes:
    """The measured code cells of one notebook, found by section or by what they call."""

    def __init__(self, timings, notebook):
        if notebook not in timings["notebooks"]:
            raise KeyError(f"no timings for {notebook!r}; run python "
                           f"benchmarks/time_chapters.py {notebook[:2]}")
        self.run = timings["notebooks"][notebook]
        self.cells = self.run["cells"]

    def section(self, section):
        """The code cells under the ``##`` heading ``section`` ("" for the opening)."""
        return [c for c in self.cells if c["section"] == section]

    def calling(self, name):
        """The code cells that call ``name`` (a check or an explorer class), in order."""
        found = [c for c in self.cells if name in c["calls"]]
        if not found:
            raise KeyError(f"no measured cell calls {name}; re-run the timing benchmark")
        return found

    def explorer(self, name):
        """The cell that shows explorer ``name`` and the code cell after it (its numbers)."""
        first = self.calling(name)[0]
        i = self.cells.index(first)
        return self.cells[i:i + 2]

    def exercise(self, check):
        """The learner's cell that calls ``check`` (the solution cell left out)."""
        return [c for c in self.calling(check) if "solution" not in c["tags"]]


def seconds(cells):
    """Total measured wall seconds of ``cells``."""
    return sum(c["wall_s"] for c in cells)
