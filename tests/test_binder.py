"""The Binder recipe works: a fresh virtualenv with binder/requirements.txt, then
binder/postBuild run at the root of a copy of the repository, executes every notebook
with its own `python3` kernel and has rnnlab installed in it (a regular install, every
file of the package copied, so nothing depends on the checkout staying in place).

The same recipe makes a JupyterHub's environment: the README's JupyterHub section gives it
as one command (`HUB_RECIPE`), and the virtualenv here is built by running that command,
so the hub recipe and Binder's cannot drift apart. The hub's extra need, nbgitpuller,
is pinned and must be enabled in the server.

The environment build downloads the pinned packages the first time (a few minutes; pip's
cache makes later runs quicker). For quick local runs skip it:

    RNNLAB_SKIP_BINDER=1 python -m pytest

The checks on the recipe's text (exact pins, every imported package pinned) always run.
"""
import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BINDER = REPO_ROOT / "binder"
SKIP = os.environ.get("RNNLAB_SKIP_BINDER", "") not in ("", "0")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][0-9A-Za-z.+!-]*)$")
COPY_IGNORE = shutil.ignore_patterns(".git", "artifacts", ".venv*", "__pycache__", "*.egg-info",
                                     "build", "dist", ".pytest_cache", ".hypothesis",
                                     ".ipynb_checkpoints")


HUB_RECIPE = "python -m pip install -r binder/requirements.txt && binder/postBuild"


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins():
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_requirements_are_exact_pins():
    bad = [line for line in _pins() if not PIN.match(line)]
    assert _pins() and not bad, f"binder/requirements.txt lines without an exact `==` pin: {bad}"


def _optional(tree):
    """Import statements inside `try: ... except ImportError:` (optional dependencies)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            out |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return out


def _imports(source):
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    optional = _optional(tree)
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_optional_imports_are_not_run_time_requirements():
    src = "import numpy\ntry:\n    import torch\nexcept ImportError:\n    pass\n"
    assert sorted(_imports(src)) == ["numpy"]
    assert sorted(_imports("try:\n    import torch\nfinally:\n    pass\n")) == ["torch"]


# The teacher's tools run where the teacher prepares and grades the class (nbgrader's own
# environment, which needs nbgrader besides rnnlab), never in a learner's kernel.
TEACHER_TOOLS = ("classroom",)


def test_every_package_imported_at_run_time_is_pinned():
    package = REPO_ROOT / "rnnlab"
    sources = [p.read_text(encoding="utf-8") for p in package.rglob("*.py")
               if p.relative_to(package).parts[0] not in TEACHER_TOOLS]
    for nb in (REPO_ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    modules = {m for src in sources for m in _imports(src)} - set(sys.stdlib_module_names)
    modules.discard("rnnlab")
    dists = importlib.metadata.packages_distributions()
    pinned = {_norm(PIN.match(line).group(1)) for line in _pins() if PIN.match(line)}
    missing = sorted(m for m in modules
                     if not {_norm(d) for d in dists.get(m, [m])} & pinned)
    assert not missing, f"imported at run time but not pinned in binder/requirements.txt: {missing}"


def test_readme_gives_the_binder_recipe_as_the_hub_recipe():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    hub = readme[readme.index("**JupyterHub.**"):]
    assert HUB_RECIPE in hub[:hub.index("\n* **", 1)], (
        f"the README's JupyterHub section must give the tested recipe: {HUB_RECIPE}")


def test_hub_needs_are_pinned():
    pinned = {_norm(PIN.match(line).group(1)) for line in _pins() if PIN.match(line)}
    assert "nbgitpuller" in pinned, "binder/requirements.txt must pin nbgitpuller (hub links)"


def test_postbuild_is_an_executable_script():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    assert post.read_text().startswith("#!"), "binder/postBuild needs a #! line"


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    """(venv, repo copy, env): the Binder recipe applied in a fresh virtualenv."""
    if SKIP:
        pytest.skip("RNNLAB_SKIP_BINDER is set")
    tmp = tmp_path_factory.mktemp("binder")
    repo, venv = tmp / "repo", tmp / "venv"
    shutil.copytree(REPO_ROOT, repo, ignore=COPY_IGNORE)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV",
                        "JUPYTER_PATH", "JUPYTER_PREFER_ENV_PATH")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
               VIRTUAL_ENV=str(venv), PIP_DISABLE_PIP_VERSION_CHECK="1",
               JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
               JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"))
    run = subprocess.run(["bash", "-c", HUB_RECIPE], cwd=repo, env=env, capture_output=True,
                         text=True, timeout=660, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, f"{HUB_RECIPE} failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}"
    return venv, repo, env


def _in_venv(binder_env, *cmd, timeout=180, cwd=None):
    venv, repo, env = binder_env
    return subprocess.run(cmd, cwd=cwd or repo, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.mark.binder
def test_rnnlab_is_installed_with_every_file_of_the_package(binder_env):
    venv, repo, _ = binder_env
    # from outside the checkout, as a learner's kernel in their own folder imports it
    run = _in_venv(binder_env, "python", "-c",
                   "import sys, rnnlab; print(sys.prefix); print(rnnlab.__file__)", cwd=venv)
    assert run.returncode == 0, run.stderr
    prefix, module = run.stdout.split()
    assert Path(prefix).resolve() == venv.resolve(), f"`python` is {prefix}, not the venv"
    installed = Path(module).resolve().parent
    assert installed.is_relative_to(venv.resolve()), (
        f"rnnlab imported from {module}, not installed in the environment: a learner's "
        "home mounted over the repository would hide it")
    package = repo / "rnnlab"
    files = [p.relative_to(package) for p in package.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    missing = [str(f) for f in files if not (installed / f).is_file()
               or (installed / f).read_bytes() != (package / f).read_bytes()]
    assert files and not missing, (
        f"not installed as in the checkout (package data in pyproject.toml?): {missing}")


@pytest.mark.binder
def test_nbgitpuller_is_enabled_in_the_server(binder_env):
    run = _in_venv(binder_env, "jupyter", "server", "extension", "list")
    lines = (run.stdout + run.stderr).splitlines()
    assert run.returncode == 0, run.stderr[-3000:]
    assert any("nbgitpuller" in ln and "enabled" in ln for ln in lines), "\n".join(lines)


@pytest.mark.binder
def test_python3_kernel_is_the_venv_python(binder_env, tmp_path):
    venv, _, _ = binder_env
    probe = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "probe", "metadata": {}, "outputs": [],
         "execution_count": None, "source": "import sys, rnnlab\nprint(sys.prefix)"}]}
    (tmp_path / "probe.ipynb").write_text(json.dumps(probe))
    run = _in_venv(binder_env, "jupyter", "nbconvert", "--to", "notebook", "--execute",
                   "--ExecutePreprocessor.kernel_name=python3", "--output-dir", str(tmp_path),
                   "--output", "probed", str(tmp_path / "probe.ipynb"))
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads((tmp_path / "probed.ipynb").read_text())["cells"][0]["outputs"]
    assert Path("".join(out[0]["text"]).strip()).resolve() == venv.resolve()


@pytest.mark.binder
def test_notebook_executes_in_the_binder_env(binder_env, notebook_path, tmp_path):
    run = _in_venv(binder_env, "jupyter", "nbconvert", "--to", "notebook", "--execute",
                   "--ExecutePreprocessor.kernel_name=python3",
                   "--ExecutePreprocessor.timeout=120", "--output-dir", str(tmp_path),
                   f"notebooks/{notebook_path.name}", timeout=300)
    assert run.returncode == 0, f"{notebook_path.name} failed on Binder:\n{run.stderr[-4000:]}"
    cells = json.loads((tmp_path / notebook_path.name).read_text(encoding="utf-8"))["cells"]
    stderr = [f"cell {i}: {''.join(o['text'])[:300]!r}" for i, c in enumerate(cells)
              for o in c.get("outputs", [])
              if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert not stderr, f"{notebook_path.name} warns on Binder:\n" + "\n".join(stderr)
