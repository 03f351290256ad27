"""The guides' index, ``teaching/README.md``."""
from .notebook import notebook_path, read_cells
from .plan import Exercise, Live, schedule
from .render import HEADER
from .timing import PLANS, NotebookTimes


def _summary(rows):
    live = sum(isinstance(r.step, Live) for r in rows)
    exercises = sum(isinstance(r.step, Exercise) for r in rows)
    return (f"{live} live explorer{'s' * (live != 1)}, {exercises} exercise"
            f"{'s' * (exercises != 1)}, {rows[-1].minutes} min wrap-up")


def index(chapters, timings, folder=None):
    """The index as markdown: one row per chapter, the measurement, how to regenerate."""
    machine = timings["machine"]
    lines = [HEADER, "", "# Instructor's guides", "",
             "One guide per chapter, for a teacher who has not seen the course before. Each "
             "has a timed 60-minute and 90-minute lesson plan (which sections to present, "
             "which explorer settings to show and what to ask, when to stop for which "
             "exercise), the explorers' answers at those settings, the mistakes each "
             "exercise's check recognises, the notebook's discussion questions with "
             "answers, and homework. Chapter 0 (start here) needs no plan: hand it out "
             "before the first class.", "",
             "| Chapter | Guide | Run All, measured | 60 minutes | 90 minutes |",
             "|---|---|---|---|---|"]
    for ch in chapters:
        cells = read_cells(notebook_path(ch.notebook, folder))
        times = NotebookTimes(timings, ch.notebook)
        rows = {p: schedule(ch, p, cells, times) for p in PLANS}
        run = times.run
        lines.append(f"| {ch.number} | [{ch.notebook}.md]({ch.notebook}.md) | "
                     f"{run['run_all_wall_s']:.1f} s wall, {run['cells_cpu_s']:.1f} s CPU | "
                     f"{_summary(rows[60])} | {_summary(rows[90])} |")
    lines += ["", f"Timings were measured on {timings['measured']} on a shared machine with "
                  f"{machine['cpus']} CPUs (Python {machine['python']}); each guide gives "
                  f"the load average during its run. Wall time under load overstates what "
                  f"a teacher's laptop needs; the CPU time is the work itself.", "",
              "To measure again and regenerate every guide:", "", "```bash",
              "python benchmarks/time_chapters.py     # writes rnnlab/data/chapter_timings.json",
              "python -m rnnlab.teaching teaching/", "```", "",
              "The plans themselves (which sections, settings, questions and exercises) are "
              "in `rnnlab/teaching/chapters/`; the assumptions for reading, discussion and "
              "exercise time in `rnnlab/teaching/timing.py`. `tests/test_teaching.py` checks "
              "that these files are what the generator writes now, that every plan adds "
              "up to its length, that every live step's budget covers its measured time, "
              "that every explorer setting is a value its control can take, and that every "
              "mistake in the checks' catalogues is listed."]
    return "\n".join(lines) + "\n"
