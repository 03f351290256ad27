"""Each notebook and its jupytext py:percent script hold the same cells, and the notebook
is committed executed, top to bottom, with a clean run (no error, no warning).

Contributors edit the .py, then run `jupytext --sync notebooks/NAME.py` and
`jupyter nbconvert --to notebook --execute --inplace notebooks/NAME.ipynb` (see README).
"""
import json
from pathlib import Path

import jupytext
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
STEMS = sorted({p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")}
               | {p.stem for p in NOTEBOOK_DIR.glob("*.py")})
SYNC_HINT = "run `jupytext --sync notebooks/{0}.py` (or .ipynb) to pair them"
EXECUTE_HINT = ("re-execute it top to bottom: `jupyter nbconvert --to notebook --execute "
                "--inplace notebooks/{0}.ipynb`, then `jupytext --sync notebooks/{0}.ipynb`")


def _source(cell):
    src = cell["source"]
    return ("".join(src) if isinstance(src, list) else src).strip()


def _cells(nb):
    return [(c["cell_type"], _source(c)) for c in nb["cells"]]


def _ipynb(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _stem_params():
    if not STEMS:
        return [pytest.param(None, id="no-notebooks",
                             marks=pytest.mark.skip(reason="no notebooks/*.ipynb or *.py yet"))]
    return STEMS


@pytest.mark.parametrize("stem", _stem_params())
def test_ipynb_and_py_hold_the_same_cells(stem):
    ipynb, py = NOTEBOOK_DIR / f"{stem}.ipynb", NOTEBOOK_DIR / f"{stem}.py"
    assert ipynb.exists(), f"{py.name} has no paired {ipynb.name}: {SYNC_HINT.format(stem)}"
    assert py.exists(), f"{ipynb.name} has no paired {py.name}: {SYNC_HINT.format(stem)}"
    from_ipynb, from_py = _cells(_ipynb(ipynb)), _cells(jupytext.read(py))
    for i, (a, b) in enumerate(zip(from_ipynb, from_py)):
        assert a == b, (f"cell {i} differs between {ipynb.name} and {py.name}: "
                        f"{a[0]} {a[1][:60]!r} vs {b[0]} {b[1][:60]!r}; {SYNC_HINT.format(stem)}")
    assert len(from_ipynb) == len(from_py), (
        f"{ipynb.name} has {len(from_ipynb)} cells, {py.name} {len(from_py)}; "
        + SYNC_HINT.format(stem))


def test_notebook_was_executed_top_to_bottom(notebook_path):
    code = [c for c in _ipynb(notebook_path)["cells"] if c["cell_type"] == "code"]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{notebook_path.name} execution counts are {counts}, expected 1..{len(code)} "
        f"from one clean run; {EXECUTE_HINT.format(notebook_path.stem)}")


def test_stored_run_has_no_error_or_warning(notebook_path):
    bad = []
    for i, cell in enumerate(_ipynb(notebook_path)["cells"]):
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                bad.append(f"cell {i}: {out['ename']}: {out['evalue']}")
            elif out["output_type"] == "stream" and out["name"] == "stderr":
                bad.append(f"cell {i} wrote to stderr: {''.join(out['text'])[:200]!r}")
    assert not bad, f"{notebook_path.name} was saved with errors or warnings:\n" + "\n".join(bad)


def test_notebook_asks_for_the_python3_kernel(notebook_path):
    kernelspec = _ipynb(notebook_path)["metadata"].get("kernelspec", {})
    assert kernelspec.get("name") == "python3", (
        f"{notebook_path.name} kernelspec is {kernelspec!r}; JupyterLab, Binder and nbval "
        "expect the `python3` kernel (jupytext header `kernelspec: name: python3`)")
