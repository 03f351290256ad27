"""The chapters' slide decks: built offline for every chapter, and every slide fits the screen.

`python -m rnnlab.slides` builds each notebook's reveal.js deck (nbconvert's slides) with
its scripts copied next to it. In headless Chromium at 1280 x 720, with every request to
the network refused, each deck must start (reveal.js and MathJax from the local copies),
typeset its math and show every slide, with all its fragments, inside the slide: no text
or picture below or beside the slide's box, none cut off by a box that clips it (a code
block scrolled sideways, say). A synthetic notebook with an overlong slide proves that the
measurement fails when content does not fit. The slide count of each chapter is printed.

Needs Chromium at /usr/bin/chromium (Debian package `chromium`) and Playwright for Python;
without them the browser tests are skipped.
"""
import json
import re
from pathlib import Path

import pytest

from conftest import NOTEBOOK_DIR, notebook_paths, read_notebook
from rnnlab import slides

CHROMIUM = Path("/usr/bin/chromium")
SCREEN = {"width": 1280, "height": 720}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]

# Every slide in turn, all fragments shown; for each, what lies outside the slide or is
# cut off by a clipping box. Text is measured by its line boxes, pictures by their boxes.
MEASURE_JS = """([W, H]) => {
  // a line's box may stick out of a tight line-height by a few pixels, its glyphs do not
  const inside = (r, c) => { const dy = Math.max(2, 0.3 * r.height);
    return r.left >= c.left - 1 && r.right <= c.right + 1
        && r.top >= c.top - dy && r.bottom <= c.bottom + dy; };
  const report = [];
  for (const slide of Reveal.getSlides()) {
    const at = Reveal.getIndices(slide);
    Reveal.slide(at.h, at.v, Number.MAX_SAFE_INTEGER);
    const s = Reveal.getCurrentSlide(), scale = Reveal.getScale(), box = s.getBoundingClientRect();
    const frame = {left: box.left, top: box.top,
                   right: box.left + W * scale, bottom: box.top + H * scale};
    const problems = [];
    const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = walker.nextNode(); n && problems.length < 3; n = walker.nextNode()) {
      let rects;
      if (n.nodeType === Node.TEXT_NODE) {
        if (!n.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        rects = [...range.getClientRects()];
      } else if (n.tagName === 'IMG' || n.tagName === 'CANVAS') {
        rects = [n.getBoundingClientRect()];
      } else continue;
      const el = n.nodeType === Node.TEXT_NODE ? n.parentElement : n;
      if (el.closest('.MJX_Assistive_MathML, aside.notes')) continue;   // hidden on purpose
      const what = (n.nodeType === Node.TEXT_NODE ? n.textContent : n.tagName).trim().slice(0, 50);
      for (const r of rects) {
        if (r.width < 1 || r.height < 1) continue;
        let why = inside(r, frame) ? null : 'outside the slide';
        for (let a = el.parentElement; !why && a && a !== s; a = a.parentElement) {
          const cs = getComputedStyle(a);
          if ((cs.overflowX !== 'visible' || cs.overflowY !== 'visible')
              && !inside(r, a.getBoundingClientRect())) why = 'cut off by its ' + a.tagName.toLowerCase();
        }
        if (why) { problems.push(why + ': ' + JSON.stringify(what)); break; }
      }
    }
    report.push({at: [at.h, at.v], problems: problems,
                 title: s.innerText.trim().split('\\n')[0].slice(0, 60)});
  }
  return report;
}"""


def overflowing(page, deck):
    """Open ``deck`` offline in ``page``; return (number of slides, slides that do not fit,
    number of formulas typeset)."""
    page.route(re.compile(r"^https?://"), lambda route: route.abort())
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)
    # the deck loads reveal.js as a require.js module: ask require.js for the same module
    url = re.search(r'"([^"]*dist/reveal\.js)"', deck.read_text(encoding="utf-8")).group(1)
    page.evaluate("u => new Promise(ok => require([u], R => { window.Reveal = R; ok(); }))", url)
    # typeset (again: MathJax skips what the deck's own call has done) and wait for it
    page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=60_000)
    page.evaluate("() => new Promise(ok => MathJax.Hub.Queue(['Typeset', MathJax.Hub], ok))")
    failed = page.evaluate("() => (document.querySelector('.slides').textContent"
                           ".match(/Math Processing Error/g) || []).length")
    assert failed == 0, f"{deck.name}: MathJax could not typeset {failed} formulas"
    # counted now: each slide change below makes the deck typeset that slide again
    typeset = page.evaluate("() => document.querySelectorAll('.slides .MathJax_SVG').length")
    page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    report = page.evaluate(MEASURE_JS, [slides.WIDTH, slides.HEIGHT])
    return len(report), [r for r in report if r["problems"]], typeset


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Every chapter's deck, built once offline: {notebook stem: deck path}."""
    paths = notebook_paths()
    if not paths:
        pytest.skip("no notebooks/*.ipynb")
    out = tmp_path_factory.mktemp("slides")
    return {p.stem: deck for p, deck in zip(paths, slides.build_decks(paths, out))}


@pytest.fixture(scope="module")
def page():
    """One headless Chromium page at 1280 x 720, for every browser test of this module."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright for Python is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser.new_page(viewport=SCREEN)
        browser.close()


def test_every_chapter_builds_offline(decks):
    for stem, deck in decks.items():
        html = deck.read_text(encoding="utf-8")
        assert "slides-assets/reveal.js/dist/reveal.js" in html, stem
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            # only the optional extras may come from the network: widget state and mermaid
            assert "html-manager" in url or "mermaid" in url, f"{stem} loads {url}"
    assert (deck.parent / "slides-assets/MathJax/config/local/stix-web.js").is_file()


@pytest.mark.browser
def test_every_slide_fits_the_screen(decks, page):
    counts = {}
    for stem, deck in decks.items():
        total, bad, maths = overflowing(page, deck)
        counts[stem] = total
        assert not bad, (f"{stem}: {len(bad)} of {total} slides do not fit 1280 x 720: "
                         + "; ".join(f"slide {b['at']} '{b['title']}': {b['problems']}"
                                     for b in bad))
        nb = read_notebook(NOTEBOOK_DIR / f"{stem}.ipynb")
        assert total == slides.count_slides(nb), f"{stem}: reveal.js and count_slides differ"
        if any("$" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"):
            assert maths > 0, f"{stem}: the math was not typeset offline"
    print("\nslides per chapter: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _notebook(cells):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": f"c{i}", "source": text,
         "metadata": {"slideshow": {"slide_type": kind}}} for i, (kind, text) in enumerate(cells)]}


@pytest.mark.browser
def test_an_overlong_slide_is_caught(tmp_path, page):
    long_list = "## Too long\n\n" + "\n".join(f"- point {i}" for i in range(40))
    wide_code = "## Too wide\n\n```\n" + "x" * 300 + "\n```"
    clipped = ("## Cut off\n\n<div style='height: 3em; overflow: hidden'>"
               + "<br>".join(f"line {i}" for i in range(8)) + "</div>")
    path = tmp_path / "overlong.ipynb"
    path.write_text(json.dumps(_notebook([("slide", "# Fits"), ("slide", long_list),
                                          ("slide", wide_code), ("slide", clipped)])))
    (deck,) = slides.build_decks([path], tmp_path / "out")
    total, bad, _ = overflowing(page, deck)
    assert total == 4
    assert [b["title"] for b in bad] == ["TOO LONG", "TOO WIDE", "CUT OFF"]
    assert bad[0]["problems"][0] == 'outside the slide: "point 25"'
    assert bad[1]["problems"][0].startswith('outside the slide: "xxxxx')
    assert bad[2]["problems"][0] == 'cut off by its div: "line 2"'


def test_count_slides_follows_the_metadata():
    cells = [("slide", "a"), ("-", "b"), ("fragment", "c"), ("subslide", "d"),
             ("skip", "e"), ("notes", "f"), ("slide", "g")]
    assert slides.count_slides(_notebook(cells)) == 3
    assert slides.count_slides(_notebook([("-", "a"), ("subslide", "b")])) == 2
    assert slides.count_slides(_notebook([("skip", "a")])) == 0
    with pytest.raises(ValueError, match="unknown slide_type 'slides'"):
        slides.count_slides(_notebook([("slides", "a")]))
    with pytest.raises(ValueError, match="must be a notebook"):
        slides.count_slides([])


def test_figure_cells_show_their_figure_without_code():
    figure = {"cell_type": "code", "source": "plot()", "metadata": {},
              "outputs": [{"output_type": "display_data", "data": {"image/png": "iVBOR"}}]}
    printing = {"cell_type": "code", "source": "print(1)", "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]}
    nb = {"cells": [figure, printing]}
    deck = slides.deck_notebook(nb)
    assert deck["cells"][0]["metadata"]["transient"] == {"remove_source": True}
    assert "transient" not in deck["cells"][1]["metadata"]
    assert "transient" not in figure["metadata"], "the notebook itself must not change"


def test_command_line(tmp_path, capsys):
    nb = tmp_path / "tiny.ipynb"
    nb.write_text(json.dumps(_notebook([("slide", "# One"), ("subslide", "two")])))
    assert slides.main([str(tmp_path / "out"), str(nb), "--online"]) == 0
    assert "tiny.slides.html (2 slides)" in capsys.readouterr().out
    html = (tmp_path / "out" / "tiny.slides.html").read_text(encoding="utf-8")
    assert "https://unpkg.com/reveal.js" in html
    assert not (tmp_path / "out" / "slides-assets").exists()
    with pytest.raises(SystemExit):
        slides.main([str(tmp_path / "out"), str(tmp_path / "missing.ipynb")])
    with pytest.raises(ValueError, match="expected an existing .ipynb"):
        slides.build_decks([tmp_path / "notes.txt"], tmp_path / "out")
