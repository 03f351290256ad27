"""A real JupyterHub on 127.0.0.1, driven the way a class uses it.

`Hub` starts JupyterHub (configurable-http-proxy in front, the dummy authenticator, one
local single-user server per learner with its home under a temporary folder) and talks to
its REST API with a teacher service's token. A learner's side is `Learner`, a browser's
cookies: the hub's login form, the nbgitpuller link (`/hub/user-redirect/git-pull?...`),
then the notebook opened as JupyterLab opens it (a session through the server's REST API,
with the XSRF header) and run cell by cell over the kernel's websocket, the messages
JupyterLab's Run All sends.

Used by tests/test_hub.py and benchmarks/bench_hub.py; nothing here runs on import.
"""
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import requests
import websocket
from jupyter_server.services.kernels.connection.base import deserialize_binary_message

HUB_CONFIG = """\
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {home!r}
c.Spawner.cmd = [{python!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.args = {args!r}
c.Spawner.environment = {environment!r}
c.Spawner.default_url = {default_url!r}
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.JupyterHub.services = [{{"name": "teacher", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "teacher", "services": ["teacher"],
    "scopes": ["admin:users", "admin:servers"]}}]
"""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clone_course(repo, dest):
    """A clone of `repo`'s checked-out commit at `dest`, on a branch `main` (the branch the
    pull links name), whatever branch or detached commit `repo` is on."""
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True, timeout=60).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(repo), str(dest)], check=True,
                   capture_output=True, timeout=120)
    subprocess.run(["git", "-C", str(dest), "checkout", "-q", "-B", "main", head], check=True,
                   capture_output=True, timeout=120)
    return dest


def proxy_command():
    """The configurable-http-proxy executable, or None when npm has not installed it."""
    return shutil.which("configurable-http-proxy")


class Hub:
    """A JupyterHub started in `workdir`, stopped (with every server) by `stop()`."""

    def __init__(self, workdir, environment=None, default_url="/lab", timeout=60):
        if proxy_command() is None:
            raise RuntimeError("configurable-http-proxy is not installed "
                               "(npm install -g configurable-http-proxy)")
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(16)
        self.homes = self.workdir / "home"
        config = HUB_CONFIG.format(
            port=self.port, hub_port=free_port(), proxy_api_port=free_port(),
            proxy_pid=str(self.workdir / "proxy.pid"), db=self.workdir / "hub.sqlite",
            cookie=str(self.workdir / "cookie_secret"),
            home=str(self.homes / "{username}"), python=sys.executable,
            args=["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [],
            environment=dict(environment or {}), default_url=default_url,
            token=self.token)
        (self.workdir / "jupyterhub_config.py").write_text(config)
        self.log = open(self.workdir / "hub.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", "jupyterhub_config.py"],
            cwd=self.workdir, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        try:
            self._wait(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait(self, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, n=4000):
        self.log.flush()
        return (self.workdir / "hub.log").read_text(errors="replace")[-n:]

    def api(self, method, path, expect=(200, 201, 202, 204), **kwargs):
        """A REST call with the teacher's token; raises on an unexpected status."""
        r = requests.request(method, f"{self.url}/hub/api{path}", timeout=30,
                             headers={"Authorization": f"token {self.token}"}, **kwargs)
        if r.status_code not in expect:
            raise RuntimeError(f"{method} /hub/api{path}: {r.status_code} {r.text[:500]}")
        return r.json() if r.content else None

    def add_learners(self, names):
        """Create the users, start their servers, wait until all are up: a Learner each."""
        self.api("POST", "/users", json={"usernames": list(names)})
        for name in names:
            self.api("POST", f"/users/{name}/server")
        learners = []
        for name in names:
            self.wait_ready(name)
            learners.append(Learner(self, name))
        return learners

    def wait_ready(self, name, timeout=120):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            server = self.api("GET", f"/users/{name}")["servers"].get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{name}'s server did not start in {timeout} s:\n{self.log_tail()}")

    def stop(self):
        """Stop the hub; its cleanup stops every single-user server and the proxy."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


class Learner:
    """One user of the hub with a browser's cookies: logged in through the login form."""

    def __init__(self, hub, name):
        self.hub, self.name = hub, name
        self.server = f"{hub.url}/user/{name}"
        self.home = hub.homes / name
        self.browser = requests.Session()
        self.landing = None

    def login(self, password="class"):
        """Log in on the hub's page (any password for the dummy authenticator).

        Returns the page the learner lands on: their server's default URL.
        """
        self.browser.get(f"{self.hub.url}/hub/login", timeout=60).raise_for_status()
        r = self.browser.post(f"{self.hub.url}/hub/login", timeout=60,
                              data={"username": self.name, "password": password,
                                    "_xsrf": self._xsrf("/hub/")})
        r.raise_for_status()
        self.landing = r
        return r

    def _xsrf(self, path_prefix):
        values = [c.value for c in self.browser.cookies
                  if c.name == "_xsrf" and path_prefix.startswith(c.path.rstrip("/") + "/")]
        if not values:
            raise RuntimeError(f"{self.name} has no _xsrf cookie for {path_prefix}")
        return values[-1]

    def _server_headers(self):
        """What JupyterLab adds to a request to its server: the XSRF token of the cookie."""
        return {"X-XSRFToken": self._xsrf(f"/user/{self.name}/")}

    def get(self, url, **kwargs):
        return self.browser.get(url, timeout=60, **kwargs)

    def open_pull_link(self, link_query):
        """Follow the nbgitpuller link through the hub, as clicking it does.

        Returns the final response (nbgitpuller's progress page in the learner's server).
        """
        r = self.get(f"{self.hub.url}/hub/user-redirect/git-pull?{link_query}")
        r.raise_for_status()
        return r

    def pull(self, link_query):
        """What the progress page's script does: stream nbgitpuller's API to the end.

        Returns the list of events; raises if it reports an error or never finishes.
        """
        params = dict(urllib.parse.parse_qsl(link_query))
        api = {k: v for k, v in params.items() if k in ("repo", "branch", "depth", "targetpath")}
        api.setdefault("targetpath", params["repo"].rstrip("/").split("/")[-1])
        events = []
        with self.get(f"{self.server}/git-pull/api", params=api, stream=True) as r:
            r.raise_for_status()
            for line in r.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    events.append(json.loads(line[5:]))
                    if events[-1].get("phase") in ("finished", "error"):
                        break
        if not events or events[-1].get("phase") != "finished":
            raise RuntimeError(f"nbgitpuller did not finish for {self.name}: {events[-3:]}")
        return events

    def contents(self, path):
        r = self.get(f"{self.server}/api/contents/{path}")
        r.raise_for_status()
        return r.json()

    def open_notebook(self, path, kernel="python3"):
        """A session for the notebook at `path` (as JupyterLab makes one): a Kernel."""
        r = self.browser.post(f"{self.server}/api/sessions", headers=self._server_headers(),
                              timeout=60,
                          json={"path": path, "name": Path(path).name, "type": "notebook",
                                "kernel": {"name": kernel}})
        r.raise_for_status()
        session = r.json()
        ws_url = (self.server.replace("http://", "ws://", 1)
                  + f"/api/kernels/{session['kernel']['id']}/channels?session_id={session['id']}")
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.browser.cookies
                            if f"/user/{self.name}/".startswith(c.path.rstrip("/") + "/"))
        return Kernel(ws_url, cookies, self.name, session, self)

    def close_session(self, session):
        self.browser.delete(f"{self.server}/api/sessions/{session['id']}",
                            headers=self._server_headers(), timeout=30)


class Kernel:
    """The kernel websocket of one session: send code, collect what comes back."""

    def __init__(self, ws_url, cookies, username, session, learner):
        self.ws = websocket.create_connection(ws_url, cookie=cookies, timeout=120)
        self.username, self.session, self.learner = username, session, learner
        self.client_session = uuid.uuid4().hex

    def execute(self, code, timeout=120):
        """Run `code`; returns (reply status, outputs) once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "version": "5.3",
                       "session": self.client_session, "username": self.username,
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        status, idle, outputs = None, False, []
        end = time.monotonic() + timeout
        while status is None or not idle:
            if time.monotonic() > end:
                raise TimeoutError(f"{self.username}: no reply within {timeout} s to {code[:80]!r}")
            frame = self.ws.recv()   # binary when the message carries buffers (a frame)
            msg = json.loads(frame) if isinstance(frame, str) else deserialize_binary_message(frame)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "execute_reply":
                status = msg["content"]["status"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append({"output_type": kind, **msg["content"]})
        return status, outputs

    def run_cells(self, cells):
        """Execute the code cells of a notebook in order: a list of (status, outputs)."""
        return [self.execute("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
                for c in cells if c["cell_type"] == "code"]

    def close(self):
        self.ws.close()
        self.learner.close_session(self.session)
