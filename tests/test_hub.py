"""A class on a real JupyterHub: three learners pull the course and run Chapter 0.

The hub runs on 127.0.0.1 (random free ports) with configurable-http-proxy, the dummy
authenticator and one local single-user server per learner, each with its own home. The
teacher's service token creates the learners and starts their servers through the hub's
REST API; each learner then:

1. logs in on the hub's login page (a browser's cookies from then on), lands on their server's default URL, which hub/config.yaml sets (`singleuser.defaultUrl`)
   to the nbgitpuller link that opens Chapter 0, and clicks the README's link
   (`/hub/user-redirect/git-pull?...`) through the hub: both reach nbgitpuller's page in
   the learner's own server, pointing at Chapter 0;
2. pulls the course as that page's script does (nbgitpuller's event stream) from a local
   clone of this repository (the tests have no internet), into their home;
3. opens Chapter 0 as JupyterLab does (a session through the server's REST API) and runs
   every code cell over the kernel's websocket, the messages Run All sends.

The three learners work at the same time, each in a thread. Skipped, with the reason,
without configurable-http-proxy (`npm install -g configurable-http-proxy`), jupyterhub,
nbgitpuller or a git checkout.
"""
import json
import re
import shutil
import subprocess
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import rnnlab

pytest.importorskip("jupyterhub", reason="pip install jupyterhub (the test extra has it)")
pytest.importorskip("nbgitpuller", reason="pip install nbgitpuller (the test extra has it)")
yaml = pytest.importorskip("yaml")

from conftest import pinned_kernel_env  # noqa: E402
from hubclient import Hub, clone_course, proxy_command  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
LEARNERS = ("ada", "grace", "alan")
CHAPTER = "notebooks/00_start_here.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def readme_pull_link():
    """The query of the README's nbgitpuller link (the JupyterHub section)."""
    found = re.findall(r"/hub/user-redirect/git-pull\?([^`\s)]+)", (REPO_ROOT / "README.md").read_text())
    assert found, "README.md gives no /hub/user-redirect/git-pull?... link"
    return found[0]


def config_default_url():
    config = yaml.safe_load((REPO_ROOT / "hub" / "config.yaml").read_text())
    return config["singleuser"]["defaultUrl"]


def with_repo(query, repo):
    """`query` with its repo parameter replaced by `repo` (the other parameters kept)."""
    params = urllib.parse.parse_qsl(query, strict_parsing=True)
    assert [k for k, _ in params].count("repo") == 1, query
    return urllib.parse.urlencode([(k, repo if k == "repo" else v) for k, v in params])


def test_links_open_chapter_0_in_the_pulled_course():
    for query in (readme_pull_link(), config_default_url().split("?", 1)[1]):
        params = dict(urllib.parse.parse_qsl(query, strict_parsing=True))
        target = params.get("targetpath", params["repo"].rstrip("/").split("/")[-1])
        assert params["branch"] == "main", query
        assert params["urlpath"] == f"lab/tree/{target}/{CHAPTER}", query
    assert config_default_url().startswith("/git-pull?")


@pytest.fixture(scope="module")
def course_clone(tmp_path_factory):
    """A clone of this repository's HEAD, named like the public one (`rnnlab`)."""
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of the repository")
    clone = tmp_path_factory.mktemp("remote") / "rnnlab"
    clone_course(REPO_ROOT, clone)
    return clone


@pytest.fixture(scope="module")
def hub(tmp_path_factory, course_clone):
    if proxy_command() is None:
        pytest.skip("configurable-http-proxy is missing: npm install -g configurable-http-proxy")
    work = tmp_path_factory.mktemp("hub")
    env = pinned_kernel_env(work / "kernel", base={})
    default_url = "/git-pull?" + with_repo(config_default_url().split("?", 1)[1],
                                            course_clone.as_uri())
    # the image's rnnlab: the one these tests import
    hub = Hub(work, environment={"JUPYTER_PATH": env["JUPYTER_PATH"],
                                 "PYTHONPATH": str(Path(rnnlab.__file__).parents[1])},
              default_url=default_url)
    try:
        hub.learners = hub.add_learners(LEARNERS)
        yield hub
    finally:
        hub.stop()


def _class_session(learner, clone):
    """One learner's path through the class: pages, pull, Chapter 0 run. What they saw."""
    seen = {"landing": learner.login()}
    seen["link"] = learner.open_pull_link(with_repo(readme_pull_link(), clone.as_uri()))
    seen["events"] = learner.pull(with_repo(readme_pull_link(), clone.as_uri()))
    seen["notebook"] = learner.contents(f"rnnlab/{CHAPTER}")["content"]
    kernel = learner.open_notebook(f"rnnlab/{CHAPTER}")
    try:
        seen["where"] = kernel.execute("import os, rnnlab\nprint(os.getcwd())")
        seen["cells"] = kernel.run_cells(seen["notebook"]["cells"])
    finally:
        kernel.close()
    return seen


@pytest.fixture(scope="module")
def sessions(hub, course_clone):
    with ThreadPoolExecutor(len(hub.learners)) as pool:
        runs = list(pool.map(lambda lr: _class_session(lr, course_clone), hub.learners))
    return dict(zip(LEARNERS, runs))


@pytest.mark.parametrize("name", LEARNERS)
def test_pull_link_lands_on_nbgitpuller_in_the_learners_server(hub, sessions, name):
    for page in ("landing", "link"):
        r = sessions[name][page]
        assert r.status_code == 200, (page, r.status_code)
        assert urllib.parse.urlparse(r.url).path == f"/user/{name}/git-pull", (page, r.url)
        assert f"lab/tree/rnnlab/{CHAPTER}" in r.text, f"{page}: the page does not open Chapter 0"


@pytest.mark.parametrize("name", LEARNERS)
def test_course_is_pulled_into_the_learners_home(hub, sessions, course_clone, name):
    assert sessions[name]["events"][-1] == {"phase": "finished"}
    pulled = hub.homes / name / "rnnlab"
    assert (pulled / ".git").is_dir()
    head = subprocess.run(["git", "-C", str(pulled), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout
    assert head == subprocess.run(["git", "-C", str(course_clone), "rev-parse", "HEAD"],
                                  capture_output=True, text=True, check=True).stdout
    shipped = json.loads((course_clone / CHAPTER).read_text(encoding="utf-8"))
    assert ([c["source"] for c in sessions[name]["notebook"]["cells"]]
            == ["".join(c["source"]) for c in shipped["cells"]])


@pytest.mark.parametrize("name", LEARNERS)
def test_chapter_0_runs_in_the_learners_own_kernel(hub, sessions, name):
    status, outputs = sessions[name]["where"]
    assert status == "ok", outputs
    cwd = "".join(o["text"] for o in outputs if o["output_type"] == "stream").strip()
    assert Path(cwd) == hub.homes / name / "rnnlab" / "notebooks"
    code = [c for c in sessions[name]["notebook"]["cells"] if c["cell_type"] == "code"]
    ran = sessions[name]["cells"]
    assert len(ran) == len(code) > 0
    for i, ((status, outputs), cell) in enumerate(zip(ran, code)):
        assert status == "ok", f"cell {i}: {outputs}"
        assert not [o for o in outputs if o["output_type"] == "error"
                    or o.get("name") == "stderr"], f"cell {i}: {outputs}"
        assert bool(outputs) == bool(cell["outputs"]), f"cell {i}: {outputs} vs {cell['outputs']}"
    widgets = [o for _, outputs in ran for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert widgets, "the explorer in Chapter 0 displayed no widget"


def test_clicking_the_link_again_updates_the_course_and_keeps_the_learners_changes(
        hub, sessions, course_clone):
    learner = hub.learners[0]
    own = learner.home / "rnnlab" / "notebooks" / "00_start_here.py"
    own.write_text(own.read_text(encoding="utf-8") + "# my own note\n", encoding="utf-8")
    (course_clone / "notebooks" / "06_next.md").write_text("the teacher's next chapter\n")
    git = ["git", "-C", str(course_clone), "-c", "user.name=teacher", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "add", "notebooks/06_next.md"], check=True, capture_output=True)
    subprocess.run([*git, "commit", "-q", "-m", "next chapter"], check=True, capture_output=True)
    learner.pull(with_repo(readme_pull_link(), course_clone.as_uri()))
    pulled = learner.home / "rnnlab" / "notebooks"
    assert (pulled / "06_next.md").read_text() == "the teacher's next chapter\n"
    assert own.read_text(encoding="utf-8").endswith("# my own note\n")
