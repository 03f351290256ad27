"""What the guide reads from a chapter notebook: headings, words per part, goals,
"try this" steps, and the questions to think about with their answers.

A notebook is read as a list of ``Part`` (one per markdown stretch under a ``##`` section
and ``###`` subsection heading); the text before the first ``##`` heading is the section
``""`` (title, goals, time and prerequisites).
"""
import json
import re
from pathlib import Path
from typing import NamedTuple

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
QUESTIONS = "Questions to think about"


class Part(NamedTuple):
    """Markdown of one part of a notebook: its ``section``, ``subsection`` and ``text``."""
    section: str
    subsection: str
    text: str


def notebook_path(name, folder=None):
    """``notebooks/<name>.ipynb`` (or in ``folder``); raises FileNotFoundError if absent."""
    path = Path(folder or NOTEBOOKS) / f"{name}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"no notebook {path}")
    return path


class Cell(NamedTuple):
    """One notebook cell: ``cell_type``, ``source`` (text), ``metadata`` and ``id``."""
    cell_type: str
    source: str
    metadata: dict
    id: str


def read_cells(path):
    """The cells of an nbformat 4 notebook, read as plain JSON (no schema validation)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    if nb.get("nbformat") != 4:
        raise ValueError(f"{path} is not an nbformat 4 notebook")
    return [Cell(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list)
                 else c["source"], c.get("metadata", {}), c.get("id", "")) for c in nb["cells"]]


def parts(cells):
    """Every markdown line of ``cells`` grouped into ``Part``s by heading, in order
    (hidden solution cells left out)."""
    out, section, subsection, lines = [], "", "", []

    def flush():
        if lines:
            out.append(Part(section, subsection, "\n".join(lines)))
            lines.clear()

    for cell in cells:
        if cell.cell_type != "markdown" or "solution" in cell.metadata.get("tags", []):
            continue
        for line in cell.source.splitlines():
            if line.startswith("## ") or line.startswith("### "):
                flush()
                if line.startswith("## "):
                    section, subsection = line[3:].strip(), ""
                else:
                    subsection = line[4:].strip()
            else:
                lines.append(line)
        flush()
    return out


def words(text):
    """Words of a markdown text (a formula between spaces counts as a word)."""
    return len(text.split())


def headings(cells):
    """The ``##`` section headings, in order."""
    return list(dict.fromkeys(p.section for p in parts(cells) if p.section))


def subheadings(cells):
    """The (section, subsection) pairs of every ``###`` heading, in order."""
    return list(dict.fromkeys((p.section, p.subsection) for p in parts(cells) if p.subsection))


def goals(cells):
    """The bulleted list after "By the end of this chapter you can", as markdown."""
    text = "\n".join(p.text for p in parts(cells) if p.section == "")
    m = re.search(r"By the end of this chapter you can[^\n]*\n\s*\n"
                  r"((?:(?:[-*] |\d+\. |[ ]+\S).*\n)+)", text + "\n")
    if not m:
        raise ValueError("the notebook has no 'By the end of this chapter you can' list")
    return m.group(1).strip("\n")


def try_this(cells):
    """[(section, subsection, markdown list)] of every "**Try this**" or "Things to try"
    block: the numbered steps that follow it."""
    out = []
    for p in parts(cells):
        for m in re.finditer(r"(?:\*\*Try this[^*\n]*\*\*[^\n]*|Things to try:)\n\s*\n((?:\d+\..*\n"
                             r"(?:   .*\n)*)+)", p.text + "\n"):
            out.append((p.section, p.subsection, m.group(1).rstrip("\n")))
    return out


def numbered_list(text):
    """The first numbered list in a markdown ``text`` (items and their indented lines)."""
    out, started = [], False
    for line in text.splitlines():
        item = re.match(r"\d+\. ", line)
        if item or (started and (line.startswith("   ") or not line.strip())):
            started = True
            out.append(line)
        elif started:
            break
    return "\n".join(out).strip("\n")


def questions_and_answers(cells):
    """(questions, answers) of the chapter, as markdown: the numbered list under "Questions
    to think about" and the hidden solution cell that follows it."""
    found = [i for i, c in enumerate(cells) if c.cell_type == "markdown"
             and f"## {QUESTIONS}" in c.source]
    if not found:
        raise ValueError(f"the notebook has no '{QUESTIONS}' section")
    last_md = found[-1]
    questions = numbered_list(cells[last_md].source.split(f"## {QUESTIONS}", 1)[1])
    cell = next((c for c in cells[last_md + 1:] if "solution" in c.metadata.get("tags", [])),
                None)
    if cell is None:
        raise ValueError("the questions to think about have no solution cell with answers")
    answers = cell.source
    if cell.cell_type == "code":     # answers written as comments
        answers = "\n".join(re.sub(r"^# ?", "", line) for line in answers.splitlines())
    return questions.strip("\n"), answers.strip("\n")
