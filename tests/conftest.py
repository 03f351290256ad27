"""Shared paths for the notebook tests: one test per notebooks/*.ipynb.

A test that takes a `notebook_path` argument is run once per notebook (ids are the file
stems, e.g. `test_x[01_unrolling]`). With no notebook in the repository the test is
reported as skipped, with the reason, instead of silently vanishing.

Kernels started by the tests run the interpreter that runs the tests: a `python3`
kernelspec left in ~/.local/share/jupyter (or system-wide) by another installation must
not be picked up, or every notebook fails with `No module named 'rnnlab'`. nbval uses
`--nbval-current-env` (pyproject.toml); everything else that starts a kernel uses
`pinned_kernel_env`, or the `pinned_kernel` fixture in this process.
"""
import json
import os
import sys
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


def pinned_kernel_env(tmp_dir, base=None):
    """A copy of `base` (default: os.environ) whose `python3` kernel is sys.executable.

    Writes a `python3` kernelspec into `tmp_dir`/jupyter/kernels and puts that directory
    first on JUPYTER_PATH, which Jupyter searches before the user-level
    (~/.local/share/jupyter) and system-level kernelspecs. Other data directories (for
    example JupyterLab extensions) are still found as before.
    """
    data_dir = Path(tmp_dir) / "jupyter"
    spec_dir = data_dir / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)", "language": "python",
            "metadata": {"debugger": True}}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    env = dict(os.environ if base is None else base)
    inherited = env.get("JUPYTER_PATH", "")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(data_dir), inherited) if p)
    return env


@pytest.fixture
def pinned_kernel(tmp_path, monkeypatch):
    """Kernels started by this process for this test (nbclient) run sys.executable."""
    env = pinned_kernel_env(tmp_path / "pinned-kernel")
    monkeypatch.setenv("JUPYTER_PATH", env["JUPYTER_PATH"])
    return env
