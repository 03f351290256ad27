"""Slide decks of the chapters: nbconvert's reveal.js slides, offline by default.

For teachers, from the repository root::

    python -m rnnlab.slides OUT_DIR                       # every notebooks/*.ipynb
    python -m rnnlab.slides OUT_DIR notebooks/03_exploding_vanishing.ipynb
    python -m rnnlab.slides OUT_DIR --online              # scripts from public CDNs

Each notebook becomes ``OUT_DIR/<name>.slides.html`` (``jupyter nbconvert --to slides``
with the notebook's slideshow metadata), 1600 x 900 (16:9; reveal.js scales it to the
screen). A cell that draws a figure shows its figure and what it prints, without its
code, which stays in the notebook (and on the live slides in JupyterLab). Offline, the
scripts the deck loads are copied from installed packages into ``OUT_DIR/slides-assets/``
and linked relatively, so the folder works without a network and can be zipped:
reveal.js from sphinx-revealjs, require.js, jQuery and MathJax 2 from nbclassic (the
``slides`` extra installs both). Open a deck in a browser; press ``s`` for the speaker
notes and ``Esc`` for an overview.
"""
import argparse
import copy
import importlib.util
import json
import shutil
import sys
from pathlib import Path

WIDTH, HEIGHT = 1600, 900               # the slide's own size; reveal.js scales it to the screen
ASSET_DIR = "slides-assets"
# (package, folder inside it, folder under OUT_DIR/slides-assets, files and folders to copy)
ASSETS = {
    "reveal": ("sphinx_revealjs", "_static/revealjs", "reveal.js",
               ["dist", "plugin/notes", "LICENSE"]),
    "requirejs": ("nbclassic", "static/components/requirejs", "requirejs", ["require.js"]),
    "jquery": ("nbclassic", "static/components/jquery", "jquery", ["jquery.min.js"]),
    "mathjax": ("nbclassic", "static/components/MathJax", "MathJax",
                ["MathJax.js", "config", "extensions", "fonts", "jax", "localization"]),
}
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")
# the typesetting the notebooks' math needs; nbclassic ships this combined configuration
# and only the STIX-Web fonts. The last file (written by copy_assets) draws the math as
# SVG in them: no web fonts to load, which a page opened from a file may not be allowed
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe,local/stix-web"
MATHJAX_FONTS = """MathJax.Hub.Config({menuSettings: {renderer: "SVG"}, SVG: {font: "STIX-Web"}});
MathJax.Ajax.loadComplete("[MathJax]/config/local/stix-web.js");
"""


def _package_dir(package):
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"the offline slides need the package {package!r} for their scripts: "
            "pip install -e '.[slides]' (or -r requirements.txt), or pass --online")
    return Path(list(spec.submodule_search_locations)[0])


def copy_assets(out_dir):
    """Copy reveal.js, require.js, jQuery and MathJax into ``out_dir/slides-assets``.

    Returns the URLs, relative to ``out_dir``, that the decks in ``out_dir`` load them from.
    """
    target_root = Path(out_dir) / ASSET_DIR
    for package, inside, name, parts in ASSETS.values():
        source = _package_dir(package) / inside
        for part in parts:
            src, dst = source / part, target_root / name / part
            if not src.exists():
                raise FileNotFoundError(f"{package} has no {inside}/{part}: the installed "
                                        "version lays its files out differently")
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
    fonts = target_root / ASSETS["mathjax"][2] / "config" / "local" / "stix-web.js"
    fonts.parent.mkdir(parents=True, exist_ok=True)
    fonts.write_text(MATHJAX_FONTS, encoding="utf-8")
    base = {key: f"{ASSET_DIR}/{value[2]}" for key, value in ASSETS.items()}
    return {"reveal_url_prefix": base["reveal"],
            "require_js_url": f"{base['requirejs']}/require.js",
            "jquery_url": f"{base['jquery']}/jquery.min.js",
            "mathjax_url": f"{base['mathjax']}/MathJax.js?config={MATHJAX_CONFIG}"}


def slide_type(cell):
    """The cell's slideshow type: slide, subslide, fragment, skip, notes or '-'."""
    kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
    if kind not in SLIDE_TYPES:
        raise ValueError(f"unknown slide_type {kind!r}: expected one of {SLIDE_TYPES}")
    return kind


def count_slides(nb):
    """How many slides (reveal.js's count: each slide and subslide) notebook ``nb`` gives."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("nb must be a notebook: a dict with a 'cells' list (nbformat 4), "
                         f"got {type(nb).__name__}")
    kinds = [slide_type(cell) for cell in nb["cells"]]
    shown = [k for k in kinds if k not in ("skip", "notes")]
    if not shown:
        return 0
    return sum(k in ("slide", "subslide") for k in shown) + (shown[0] not in ("slide",
                                                                              "subslide"))


def draws_figure(cell):
    """True if ``cell`` is a code cell with a picture among its outputs."""
    return cell.get("cell_type") == "code" and any(
        "image/png" in out.get("data", {}) for out in cell.get("outputs", []))


def deck_notebook(nb):
    """A copy of notebook ``nb`` as the deck shows it: figure cells without their code."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("nb must be a notebook: a dict with a 'cells' list (nbformat 4), "
                         f"got {type(nb).__name__}")
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if draws_figure(cell):      # nbconvert's templates leave out a cell's source so marked
            cell.setdefault("metadata", {})["transient"] = {"remove_source": True}
    return out


def build_decks(notebooks, out_dir, online=False):
    """Write the slide deck of each notebook (.ipynb path) into ``out_dir``; return the paths.

    Offline (the default) the decks' scripts are copied once into ``out_dir``;
    ``online=True`` leaves nbconvert's CDN addresses in place.
    """
    import nbformat
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    notebooks, out_dir = [Path(p) for p in notebooks], Path(out_dir)
    for notebook in notebooks:
        if notebook.suffix != ".ipynb" or not notebook.is_file():
            raise ValueError(f"expected an existing .ipynb notebook file, got {notebook}")
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = {"reveal_width": str(WIDTH), "reveal_height": str(HEIGHT),
                "reveal_number": "c/t", "reveal_theme": "white"}
    if not online:
        settings.update(copy_assets(out_dir))
    exporter = SlidesExporter(config=Config({"SlidesExporter": settings}))
    written = []
    for notebook in notebooks:
        nb = nbformat.reads(notebook.read_text(encoding="utf-8"), as_version=4)
        html, _ = exporter.from_notebook_node(nbformat.from_dict(deck_notebook(nb)),
                                              resources={"metadata": {"name": notebook.stem}})
        target = out_dir / f"{notebook.stem}.slides.html"
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written


def main(argv=None):
    """Command line: ``python -m rnnlab.slides OUT_DIR [NOTEBOOK ...] [--online]``."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.slides",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", metavar="OUT_DIR", help="folder for the decks")
    parser.add_argument("notebooks", metavar="NOTEBOOK", nargs="*",
                        help="notebooks to convert (default: notebooks/*.ipynb)")
    parser.add_argument("--online", action="store_true",
                        help="load reveal.js, require.js, jQuery and MathJax from public "
                             "CDNs instead of copying them next to the decks")
    args = parser.parse_args(argv)
    notebooks = [Path(p) for p in args.notebooks] or sorted(Path("notebooks").glob("*.ipynb"))
    try:
        if not notebooks:
            raise ValueError("no notebooks given and none found in ./notebooks/; "
                             "run from the repository root or name the .ipynb files")
        written = build_decks(notebooks, args.out_dir, online=args.online)
    except (ModuleNotFoundError, FileNotFoundError, ValueError) as err:
        parser.error(str(err))
    for path, target in zip(notebooks, written):
        slides = count_slides(json.loads(path.read_text(encoding="utf-8")))
        print(f"wrote {target} ({slides} slides)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
