"""An instructor's guide per chapter, generated from the course's own data.

    python -m rnnlab.teaching teaching/        # writes teaching/README.md and one guide a chapter

Each guide has timed 60- and 90-minute lesson plans (``plan``; the chapters' choices in
``chapters``), the explorer settings to show live with what each explorer then says
(computed by the explorers themselves), the mistakes each exercise's check recognises
(read from the checks, ``mistakes``), the notebook's discussion questions with its
answers and try-this steps (``notebook``), and homework. Minutes rest on measured cell
times (``rnnlab/data/chapter_timings.json``, from ``benchmarks/time_chapters.py``) and on
the assumptions in ``timing``, which every guide states.
"""
from pathlib import Path


def guide_name(chapter):
    """The file name of a chapter's guide, e.g. ``01_unrolling.md``."""
    return f"{chapter.notebook}.md"


def guides(timings=None, notebooks=None, explorers=None):
    """{file name: markdown} of the index and every chapter's guide; ``explorers`` maps
    (notebook, explorer name) to an explorer already built (the rest are built)."""
    from .chapters import CHAPTERS
    from .index import index
    from .render import guide
    from .timing import load_timings

    timings = timings if timings is not None else load_timings()
    explorers = explorers or {}
    out = {}
    for c in CHAPTERS:
        built = {name: ex for (nb, name), ex in explorers.items() if nb == c.notebook}
        out[guide_name(c)] = guide(c, timings, notebooks, built)
    out["README.md"] = index(CHAPTERS, timings, notebooks)
    return out


def write_guides(folder, timings=None, notebooks=None):
    """Write the guides into ``folder`` (created if needed); returns the paths written."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in guides(timings, notebooks).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
