"""Shared paths for the notebook tests: one test per notebooks/*.ipynb.

A test that takes a `notebook_path` argument is run once per notebook (ids are the file
stems, e.g. `test_x[01_unrolling]`). With no notebook in the repository the test is
reported as skipped, with the reason, instead of silently vanishing.
"""
import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"


def notebook_paths():
    """All notebooks of the course, in chapter order."""
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def read_notebook(path):
    """The notebook at `path` as plain JSON (nbformat 4)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def pytest_generate_tests(metafunc):
    if "notebook_path" in metafunc.fixturenames:
        paths = notebook_paths()
        if paths:
            params = [pytest.param(p, id=p.stem) for p in paths]
        else:
            skip = pytest.mark.skip(reason=f"no notebooks/*.ipynb in {REPO_ROOT}")
            params = [pytest.param(None, id="no-notebooks", marks=skip)]
        metafunc.parametrize("notebook_path", params)
