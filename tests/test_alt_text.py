"""Every picture of the course carries alternative text: each figure shown with
``rnnlab.show.show(fig, alt)`` and each explorer's still picture (``picture_bundle``).

Checked on the stored notebooks, as GitHub, nbviewer and ``nbconvert --to html`` show
them: every ``image/png`` output comes with a ``text/html`` ``<img>`` of itself whose
``alt`` says what it shows, and the HTML export (nbconvert's ``HTMLExporter``, in this
process) warns of no image without alternative text. The figures themselves are measured
when nbval replays the notebooks: ``rnnlab.show.show`` runs ``rnnlab.figure_checks`` on
each one because the test session sets ``RNNLAB_CHECK_FIGURES=1`` (conftest.py).
"""
import html
import io
import logging
import re

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import pytest  # noqa: E402

from conftest import read_notebook  # noqa: E402

IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"')


def pictures(nb):
    """(cell index, output) for every output of ``nb`` that shows a PNG."""
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                yield i, out


def test_every_picture_has_alt_text(notebook_path):
    missing = []
    for i, out in pictures(read_notebook(notebook_path)):
        data = out["data"]
        tag = IMG.search("".join(data.get("text/html", "")))
        alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
        if tag is None or not tag.group(2).strip():
            missing.append(f"cell {i}: no <img> with alt text beside the PNG")
        elif html.unescape(tag.group(2)) != alt or "".join(data["text/plain"]) != alt:
            missing.append(f"cell {i}: the <img>'s alt, the PNG's alt and the text differ")
        elif tag.group(1) != "".join(data["image/png"]).replace("\n", ""):
            missing.append(f"cell {i}: the <img> shows another picture than the PNG")
        elif len(alt.split()) < 8:
            missing.append(f"cell {i}: alt text {alt!r} is too short to say what it shows")
    assert not missing, f"{notebook_path.name}:\n" + "\n".join(missing)


def test_static_html_has_no_image_without_alt_text(notebook_path):
    """What ``jupyter nbconvert --to html`` does (and nbviewer), without a kernel: it warns
    "Alternative text is missing on N image(s)" and fills in a placeholder."""
    from nbconvert import HTMLExporter
    import nbformat

    exporter = HTMLExporter()
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.WARNING)
    exporter.log.addHandler(handler)
    try:
        body, _ = exporter.from_notebook_node(nbformat.read(notebook_path, as_version=4))
    finally:
        exporter.log.removeHandler(handler)
    assert "Alternative text is missing" not in log.getvalue(), log.getvalue()
    assert "No description has been provided for this image" not in body
    assert not re.search(r'<img(?![^>]*\salt="[^"]+")[^>]*>', body), "an <img> without alt"


# -- explorers whose still picture says what it shows (chapter 3's: test_explorer_notes_ch03)
def _explorers():
    from rnnlab.pretrained import timer_rnn
    from rnnlab.widgets import (BPTTExplorer, GatesExplorer, GateSurfaceExplorer,
                                GRUGatesExplorer, StoreRecallExplorer, TimerExplorer,
                                UnrollExplorer)

    return {"unroll-ch0": lambda: UnrollExplorer(T=4, t=0),
            "unroll-ch1": lambda: UnrollExplorer(T=12, rng=0),
            "timer": lambda: TimerExplorer(timer_rnn(), T=40),
            "bptt": lambda: BPTTExplorer(T=12, rng=0),
            "storecall": StoreRecallExplorer,
            "gates": GatesExplorer,
            "surface": GateSurfaceExplorer,
            "gru-gates": lambda: GRUGatesExplorer(T=36)}


@pytest.mark.parametrize("name", ["unroll-ch0", "unroll-ch1", "timer", "bptt", "storecall",
                                  "gates", "surface", "gru-gates"])
def test_still_picture_carries_alt_text_with_its_note(name):
    """At the default setting and with the first control at its other end, the still
    picture's alt text says what the picture is made of, then gives the note."""
    import matplotlib.pyplot as plt

    ex = _explorers()[name]()
    first, control = next(iter(ex.controls.items()))
    other = control.options[-1] if hasattr(control, "options") else control.max
    try:
        for values in ({}, {first: other}):
            ex.update(**values)
            still, metadata = ex._still()
            alt = metadata["image/png"]["alt"]
            assert alt.endswith(" " + ex.note) and still["text/plain"] == alt
            assert alt.startswith(("Two panels", "Three panels", "Colour map")), alt
            assert f'alt="{html.escape(alt, quote=True)}"' in still["text/html"]
    finally:
        plt.close(ex.fig)
