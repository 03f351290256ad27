"""The notebook tests run their kernels on this interpreter, whatever `python3`
kernelspec a user or the system has installed elsewhere."""
import json
import os
import re
import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from conftest import REPO_ROOT, pinned_kernel_env


@pytest.fixture(params=["user", "environment"])
def bogus_user_kernel(request, tmp_path, monkeypatch):
    """A stale `python3` kernelspec that runs some other Python (without rnnlab), in the
    place Jupyter searches first after JUPYTER_PATH: the user's data directory
    (~/.local/share/jupyter, first outside a virtual environment) or the environment's
    own {sys.prefix}/share/jupyter (first inside one, and what a moved or copied venv
    leaves stale). Which of the two Jupyter prefers is set explicitly
    (JUPYTER_PREFER_ENV_PATH), so both cases run alike in a venv and in a system Python."""
    home, data = tmp_path / "home", tmp_path / "home" / ".local" / "share" / "jupyter"
    env_data = tmp_path / "env" / "share" / "jupyter"
    import jupyter_core.paths
    monkeypatch.setattr(jupyter_core.paths, "ENV_JUPYTER_PATH", [str(env_data)])
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "1" if request.param == "environment" else "0")
    spec = (env_data if request.param == "environment" else data) / "kernels" / "python3"
    spec.mkdir(parents=True)
    home.mkdir(parents=True, exist_ok=True)
    bogus = str(tmp_path / "elsewhere" / "bin" / "python")
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": [bogus, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "Python 3", "language": "python"}))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(data))
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    return bogus


def test_a_user_kernelspec_wins_without_pinning(bogus_user_kernel):
    # the situation the pinning guards against: otherwise the tests below prove nothing
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == bogus_user_kernel


def test_pinned_env_resolves_python3_to_this_interpreter(bogus_user_kernel, tmp_path,
                                                         monkeypatch):
    env = pinned_kernel_env(tmp_path / "pinned")
    monkeypatch.setenv("JUPYTER_PATH", env["JUPYTER_PATH"])
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable


def test_pinned_env_keeps_an_inherited_jupyter_path(tmp_path):
    env = pinned_kernel_env(tmp_path / "pinned", base={"JUPYTER_PATH": "/opt/jupyter"})
    first, rest = env["JUPYTER_PATH"].split(os.pathsep, 1)
    assert Path(first) == tmp_path / "pinned" / "jupyter" and rest == "/opt/jupyter"


def test_pinned_kernel_fixture_applies_to_this_process(bogus_user_kernel, pinned_kernel):
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable


def test_nbval_runs_notebooks_on_this_interpreter(bogus_user_kernel):
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    addopts = re.search(r'addopts = """(.*?)"""', pyproject, re.S).group(1).split()
    assert "--nbval-current-env" in addopts, (
        "nbval must use --nbval-current-env, or it starts whichever `python3` kernelspec "
        f"Jupyter finds first; addopts are {addopts}")
    assert not any(a.startswith("--nbval-kernel-name") for a in addopts)
    spec = NbvalKernelspecManager().get_kernel_spec(CURRENT_ENV_KERNEL_NAME)
    assert spec.argv[0] == sys.executable
