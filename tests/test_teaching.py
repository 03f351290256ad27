"""The instructor's guides: generated, timed, true to the explorers and complete.

The committed ``teaching/`` files must be what ``python -m rnnlab.teaching`` writes now
(so a changed note, check or notebook shows up as a failing test until the guides are
generated again); every plan adds up to its length with room for the wrap-up; every live
step's budget covers its measured cells; every setting is a value its control can take;
every mistake of every check's catalogue is listed, and no catalogue is left out.
"""
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import pytest  # noqa: E402

import rnnlab.checks  # noqa: E402
from rnnlab.teaching import guide_name, guides, write_guides  # noqa: E402
from rnnlab.teaching.chapters import CHAPTERS  # noqa: E402
from rnnlab.teaching.mistakes import CATALOGUES, catalogue_names, mistakes  # noqa: E402
from rnnlab.teaching.notebook import (headings, notebook_path, parts, read_cells,  # noqa: E402
                                      subheadings)
from rnnlab.teaching.plan import (Chapter, Exercise, Live, Present, row_for,  # noqa: E402
                                  schedule)
from rnnlab.teaching.render import escape  # noqa: E402
from rnnlab.teaching.timing import (EXERCISE_MINUTES, MIN_WRAP_UP, PLANS,  # noqa: E402
                                    NotebookTimes, load_timings)

ROOT = Path(__file__).resolve().parents[1]
TIMINGS = load_timings()


@pytest.fixture(scope="module")
def explorers():
    """Each live step's explorer, built once: {(notebook, explorer name): explorer}."""
    return {(ch.notebook, s.explorer): s.make() for ch in CHAPTERS for s in ch.steps
            if isinstance(s, Live)}


@pytest.fixture(scope="module")
def generated(explorers):
    return guides(TIMINGS, explorers=explorers)


@pytest.fixture(scope="module")
def notebooks():
    return {ch.notebook: read_cells(notebook_path(ch.notebook)) for ch in CHAPTERS}


def test_committed_guides_are_what_the_generator_writes(generated):
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "teaching").glob("*.md")}
    assert sorted(committed) == sorted(generated)
    stale = [name for name in generated if committed[name] != generated[name]]
    assert not stale, f"regenerate with python -m rnnlab.teaching teaching/: {stale}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.notebook)
def test_plans_add_up_and_cover_measured_times(chapter, notebooks):
    cells, times = notebooks[chapter.notebook], NotebookTimes(TIMINGS, chapter.notebook)
    for plan in PLANS:
        rows = schedule(chapter, plan, cells, times)
        assert sum(r.minutes for r in rows) == plan
        assert rows[-1].step is None and rows[-1].minutes >= MIN_WRAP_UP
        for row in rows:
            assert row.minutes >= 1 and row.minutes * 60 >= row.measured_s, row
            if isinstance(row.step, Live):
                measured = sum(c["wall_s"] for c in times.explorer(row.step.explorer))
                assert measured > 0 and row.measured_s == pytest.approx(measured)
                asks = [a for a in row.step.asks if plan in a.plans]
                assert asks and row.minutes * 60 >= measured
            if isinstance(row.step, Exercise):
                assert row.minutes >= EXERCISE_MINUTES[row.step.kind]


def _on_grid(control, value):
    if hasattr(control, "options"):
        return value in list(control.options)
    if not control.min - 1e-9 <= value <= control.max + 1e-9:
        return False
    steps = (value - control.min) / control.step
    return math.isclose(steps, round(steps), abs_tol=1e-4)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.notebook)
def test_every_setting_is_a_value_its_control_can_take(chapter, explorers):
    lives = [s for s in chapter.steps if isinstance(s, Live)]
    assert lives
    for step in lives:
        ex = explorers[chapter.notebook, step.explorer]
        assert type(ex).__name__ == step.explorer
        for ask in step.asks:
            for name, value in ask.setting.items():
                assert name in ex.controls, (step.explorer, name)
                assert _on_grid(ex.controls[name], value), (step.explorer, name, value)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.notebook)
def test_guide_states_each_note_and_every_catalogued_mistake(chapter, generated, explorers):
    text = generated[guide_name(chapter)]
    for step in chapter.steps:
        if isinstance(step, Live):
            ex = explorers[chapter.notebook, step.explorer]
            for ask in step.asks:
                assert escape(ex.note_for(ex.compute(**ask.setting))) in text
        if isinstance(step, Exercise):
            found = mistakes(step.check)
            assert found
            missing = [m for m in found if f"- {escape(m)}" not in text]
            assert not missing, (step.check, missing)


NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?|(?<=_)\d+")


def _numbers(text):
    return {float(n) for n in NUMBER.findall(text)}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.notebook)
def test_numbers_in_questions_are_the_settings_or_the_notes(chapter, explorers):
    """A question may name a number only if it is one of its setting's values or one the
    explorer's note prints at that setting (so "close to 1" is said where the note says it)."""
    for step in chapter.steps:
        if isinstance(step, Live):
            ex = explorers[chapter.notebook, step.explorer]
            for ask in step.asks:
                note = ex.note_for(ex.compute(**ask.setting))
                known = {float(v) for v in ask.setting.values() if not isinstance(v, str)}
                assert _numbers(ask.question) <= known | _numbers(note), (ask, note)


def test_every_catalogue_and_every_check_is_in_a_guide():
    registered = {entry for entries in CATALOGUES.values() for entry in entries}
    assert set(catalogue_names()) <= registered
    checks = {n for n in vars(rnnlab.checks) if n.startswith("check_")}
    assert checks == set(CATALOGUES)
    in_guides = {s.check for ch in CHAPTERS for s in ch.steps if isinstance(s, Exercise)}
    assert in_guides == checks


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.notebook)
def test_plans_name_real_sections_and_fresh_timings(chapter, notebooks):
    cells = notebooks[chapter.notebook]
    names = headings(cells)
    subs = subheadings(cells)
    for step in chapter.steps:
        if isinstance(step, Present):
            assert step.section == "" or step.section in names, step.section
            assert all((step.section, s) in subs for s in step.skip), step.skip
    ids = [c.id for c in cells if c.cell_type == "code"]
    measured = [c["id"] for c in TIMINGS["notebooks"][chapter.notebook]["cells"]]
    assert measured == ids, "the notebook changed: run python benchmarks/time_chapters.py"


def test_a_plan_that_does_not_fit_is_refused(notebooks):
    ch = CHAPTERS[0]
    cells, times = notebooks[ch.notebook], NotebookTimes(TIMINGS, ch.notebook)
    crowded = Chapter(1, ch.notebook, tuple(Exercise("check_rnn_forward", "code")
                                            for _ in range(5)))
    with pytest.raises(ValueError, match="does not fit"):
        schedule(crowded, 60, cells, times)
    with pytest.raises(ValueError, match="plan must be one of"):
        schedule(ch, 45, cells, times)
    with pytest.raises(ValueError, match="no section"):
        row_for(Present("99. Not a section"), 60, ch, cells, times)
    with pytest.raises(ValueError, match="kind"):
        row_for(Exercise("check_rnn_forward", "essay"), 60, ch, cells, times)
    with pytest.raises(KeyError, match="no catalogue"):
        mistakes("check_nothing")
    assert sum(len(p.text) for p in parts(cells)) > 0


def test_write_guides_rejects_a_file_and_writes_a_folder(tmp_path):
    target = tmp_path / "file.md"
    target.write_text("x")
    with pytest.raises(NotADirectoryError):
        write_guides(target, TIMINGS)
    with pytest.raises(FileNotFoundError, match="no timings"):
        load_timings(tmp_path / "missing.json")
