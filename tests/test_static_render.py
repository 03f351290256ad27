"""A notebook with an explorer, executed as the course's notebooks are (``jupyter nbconvert
--execute --inplace``) and rendered without a kernel or network (``nbconvert --to html``,
what nbviewer does), shows the explorer's still picture, and stays small.
"""
import base64
import json
import re
import subprocess
import sys

import nbformat

EXPLORER_CELL = "explorer = UnrollExplorer(T=4, t=0)\nexplorer"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _executed(tmp_path, env):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%matplotlib inline\n"
                                          "from rnnlab.widgets import UnrollExplorer"),
                nbformat.v4.new_code_cell(EXPLORER_CELL),
                nbformat.v4.new_code_cell("explorer.update(t=2)\nprint(explorer.note)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "explorer.ipynb"
    nbformat.write(nb, path)
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook",
                    "--execute", "--inplace", str(path)], check=True, env=env, cwd=tmp_path,
                   capture_output=True, timeout=300)
    return path


def test_static_html_shows_the_still_picture_and_the_notebook_is_small(tmp_path,
                                                                       pinned_kernel):
    path = _executed(tmp_path, pinned_kernel)
    nb = json.loads(path.read_text())
    outputs = nb["cells"][1]["outputs"]
    kinds = [sorted(o.get("data", {})) for o in outputs]
    # the live widget, then the still picture as its own output, with its alt text
    # (an <img alt> of the same PNG, rnnlab.show.picture_bundle)
    assert kinds == [[WIDGET_VIEW, "text/plain"], ["image/png", "text/html", "text/plain"]], \
        kinds
    assert 'alt="Three panels.' in "".join(outputs[1]["data"]["text/html"])
    assert base64.b64decode(outputs[1]["data"]["image/png"]).startswith(b"\x89PNG")

    # the saved widget state carries no picture of the figure
    state = json.dumps(nb["metadata"].get("widgets", {}))
    assert "data:image/png" not in state and "iVBORw0KGgo" not in state
    # the <img alt> repeats the still picture's bytes (rnnlab.show.picture_bundle)
    size = path.stat().st_size - len("".join(outputs[1]["data"]["text/html"]))
    assert size < 60_000, f"{size} bytes besides the <img alt>"

    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html",
                    str(path)], check=True, env=pinned_kernel, cwd=tmp_path,
                   capture_output=True, timeout=300)
    html = (tmp_path / "explorer.html").read_text()
    cells = html.split('class="jp-Cell ')
    explorer_cell = next(c for c in cells if "UnrollExplorer</span><span" in c
                         and "T</span>" in c)
    pictures = re.findall(r"<img[^>]*>", explorer_cell)
    assert len(pictures) == 1, f"{len(pictures)} pictures in the explorer's output"
    assert 'src="data:image/png;base64,' in pictures[0]
    assert 'alt="Three panels.' in pictures[0]
