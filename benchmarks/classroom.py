"""A classroom on this machine: N students on a real JupyterHub, each running notebook 03.

What one class costs a JupyterHub. For each number of students N the script starts
JupyterHub on 127.0.0.1 (configurable-http-proxy in front, one local single-user
Jupyter server per student, every server running as the current user in its own home
under a temporary directory, a shared-password login). Then every student, at the same
time, does what a browser does:

1. logs in through the hub's login form (cookies, XSRF token) and starts their server,
   following the spawn's progress stream, then opens ``/user/<name>/lab`` (the OAuth
   hand-shake between the server and the hub);
2. opens notebook 03 (a session with a fresh kernel) and runs every code cell over the
   kernel's websocket, through the proxy;
3. drives the notebook's first demo (the playground) at a student's pace: its first
   slider moves every 250 ms, sent as the ipywidgets ``comm_msg`` (method ``update``) a
   browser sends, for ``--seconds`` seconds. An update's latency runs from sending it to
   the kernel's ``comm_msg`` that replaces the demo's ``Image`` value (or, if no new image
   comes, to the kernel going idle). Like ipywidgets in a browser, the next value is sent
   only when the previous one has been answered.

It reports, per N: update latency median and p95 (ms), the kernel's and the server's
resident memory per student (``VmRSS`` from ``/proc``), CPU seconds per student (server
plus kernel, ``utime + stime`` from ``/proc``) during the driving phase and as % of one
core, and failures (login or spawn errors, errors in cell outputs, kernels lost,
timeouts; expected 0). Everything it started (hub, proxy, servers, kernels, temporary
directories) is stopped and removed at the end, also on errors and Ctrl-C. The hub's log
of each run is kept in ``build/classroom-logs/``.

Usage::

    python benchmarks/classroom.py --students 4 --seconds 60
    python benchmarks/classroom.py --students 1 4 8 16 --seconds 60    # one run per N
    python benchmarks/classroom.py --students 2 --seconds 20 --json /tmp/c.json

Needs the ``jupyterhub`` package and configurable-http-proxy (Node.js). If the proxy is
not on ``PATH`` the script installs it with npm into ``build/node/`` (needs ``npm``).
The load generator runs on the same machine: its own CPU is reported as ``client_cpu_s``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import nbformat
from yarl import URL

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03_deep_neural_networks.ipynb"
PROXY_PREFIX = ROOT / "build" / "node"  # where npm installs the proxy if it is missing
LOG_DIR = ROOT / "build" / "classroom-logs"
PASSWORD = "classroom-load-test"  # the shared password (>= 8 characters)
PACE_S = 0.25  # a student's control change every 250 ms
UPDATE_TIMEOUT_S = 30.0  # an update not answered within this counts as a timeout
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MODEL_PREFIX = "IPY_MODEL_"


class ClassroomError(RuntimeError):
    """A step of the load test went wrong; the message says which and why."""


# -- processes, read from /proc ----------------------------------------------------------------

def read_proc(pid: int, name: str) -> bytes:
    """The raw contents of /proc/<pid>/<name> (raises OSError if the process is gone)."""
    return Path(f"/proc/{pid}/{name}").read_bytes()


def stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name: [0] is the state, [1] the ppid."""
    text = read_proc(pid, "stat").decode()
    return text[text.rindex(")") + 2:].split()


def parent_pid(pid: int) -> int:
    return int(stat_fields(pid)[1])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far, in seconds."""
    fields = stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def start_ticks(pid: int) -> int:
    """When the process started (clock ticks after boot): tells a reused pid from the original."""
    return int(stat_fields(pid)[19])


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (MiB), ``VmRSS`` from /proc/<pid>/status."""
    for line in read_proc(pid, "status").decode().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ClassroomError(f"process {pid} has no VmRSS in /proc (a zombie?)")


def command_line(pid: int) -> str:
    return read_proc(pid, "cmdline").replace(b"\0", b" ").decode(errors="replace")


def environment_value(pid: int, key: str) -> str | None:
    prefix = key.encode() + b"="
    for entry in read_proc(pid, "environ").split(b"\0"):
        if entry.startswith(prefix):
            return entry[len(prefix):].decode(errors="replace")
    return None


def descendants(root: int) -> list[int]:
    """Every living process below ``root`` in the process tree."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                children.setdefault(parent_pid(int(entry.name)), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class StudentProcesses:
    """One student's single-user server and kernel processes."""

    server: list[int] = field(default_factory=list)
    kernels: list[int] = field(default_factory=list)

    def all(self) -> list[int]:
        return self.server + self.kernels


def processes_by_student(hub_pid: int) -> tuple[dict[str, StudentProcesses], list[int]]:
    """The hub's descendants, split by student (``JUPYTERHUB_USER``), and the rest (the proxy)."""
    students: dict[str, StudentProcesses] = {}
    others = []
    for pid in descendants(hub_pid):
        try:
            user = environment_value(pid, "JUPYTERHUB_USER")
            is_kernel = "ipykernel" in command_line(pid)
        except OSError:
            continue  # ended while we looked
        if user is None:
            others.append(pid)
            continue
        mine = students.setdefault(user, StudentProcesses())
        (mine.kernels if is_kernel else mine.server).append(pid)
    return students, others


def total_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += cpu_seconds(pid)
    return total


def is_alive(pid: int) -> bool:
    try:
        return stat_fields(pid)[0] not in ("Z", "X")
    except OSError:
        return False


# -- the proxy and the hub ---------------------------------------------------------------------

def node_major_version() -> int:
    out = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout
    return int(out.strip().lstrip("v").split(".")[0])


def find_or_install_proxy() -> str:
    """The configurable-http-proxy command: from PATH, from build/node, or installed there by npm."""
    on_path = shutil.which("configurable-http-proxy")
    if on_path:
        return on_path
    local = PROXY_PREFIX / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return str(local)
    if not shutil.which("npm") or not shutil.which("node"):
        raise ClassroomError(
            "configurable-http-proxy is not installed and there is no node/npm to install it: "
            "install Node.js and npm (Debian: `apt-get install nodejs npm`), then run "
            "`npm install -g configurable-http-proxy`")
    # configurable-http-proxy 5 needs Node.js >= 20; release 4 runs on older ones.
    release = "5" if node_major_version() >= 20 else "4"
    print(f"installing configurable-http-proxy@{release} into {PROXY_PREFIX} with npm ...",
          flush=True)
    PROXY_PREFIX.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["npm", "install", "--prefix", str(PROXY_PREFIX), "--no-audit",
                           "--no-fund", f"configurable-http-proxy@{release}"],
                          capture_output=True, text=True)
    if done.returncode != 0 or not local.exists():
        raise ClassroomError(f"`npm install configurable-http-proxy` failed:\n{done.stderr[-2000:]}")
    return str(local)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_config(workdir: Path, proxy: str, port: int) -> str:
    """The jupyterhub_config.py of a throw-away hub on 127.0.0.1."""
    homes = workdir / "home"
    settings = {
        "JupyterHub.bind_url": f"http://127.0.0.1:{port}",
        "JupyterHub.hub_ip": "127.0.0.1",
        "JupyterHub.hub_port": free_port(),
        "JupyterHub.db_url": f"sqlite:///{workdir / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(workdir / "jupyterhub_cookie_secret"),
        "JupyterHub.pid_file": str(workdir / "jupyterhub.pid"),
        "JupyterHub.cleanup_servers": True,
        "JupyterHub.cleanup_proxy": True,
        "ConfigurableHTTPProxy.command": [proxy],
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
        "ConfigurableHTTPProxy.pid_file": str(workdir / "proxy.pid"),
        "JupyterHub.authenticator_class": "shared-password",
        "SharedPasswordAuthenticator.user_password": PASSWORD,
        "SharedPasswordAuthenticator.allow_all": True,
        # every student is the current user, each in their own home (for testing only)
        "JupyterHub.spawner_class": "simple",
        "SimpleLocalProcessSpawner.home_dir_template": str(homes / "{username}"),
        "Spawner.cmd": [sys.executable, "-m", "jupyterhub.singleuser"],
        "Spawner.args": ["--ServerApp.allow_root=True"],
        "Spawner.default_url": "/lab",
        "Spawner.start_timeout": 600,
        "Spawner.http_timeout": 600,
        "JupyterHub.concurrent_spawn_limit": 0,  # no limit: the whole class starts at once
    }
    lines = ["c = get_config()  # noqa"]
    lines += [f"c.{key} = {value!r}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


class Hub:
    """A JupyterHub process with its proxy in ``workdir``; ``stop()`` ends both and every server."""

    def __init__(self, workdir: Path, proxy: str) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "hub.log"
        self.process: subprocess.Popen | None = None
        self.known: dict[int, int] = {}  # pid -> start time of every process seen below the hub
        config = workdir / "jupyterhub_config.py"
        config.write_text(hub_config(workdir, proxy, self.port))
        self.config = config

    def start(self, timeout: float = 120) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(self.config)], cwd=self.workdir,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ClassroomError(f"JupyterHub exited with code {self.process.returncode}:\n"
                                     f"{self.log_tail()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port),
                                                                        timeout=1):
                if self._answers():
                    return
            time.sleep(0.5)
        raise ClassroomError(f"JupyterHub did not answer on {self.url} within {timeout:.0f} s:\n"
                             f"{self.log_tail()}")

    def _answers(self) -> bool:
        """True once the proxy routes /hub/api to the hub."""
        import urllib.request
        try:
            with urllib.request.urlopen(f"{self.url}/hub/api", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def remember_processes(self) -> None:
        """Note every process below the hub, so that stop() can end what the hub leaves behind."""
        if self.process is None:
            return
        for pid in descendants(self.process.pid):
            with contextlib.suppress(OSError):
                self.known.setdefault(pid, start_ticks(pid))

    def stop(self, grace: float = 30) -> list[int]:
        """Stop the hub (which stops the servers and the proxy); then end what is left.

        Returns the processes that had to be ended by us.
        """
        if self.process is None:
            return []
        self.remember_processes()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        leftovers = [pid for pid, started in self.known.items() if _same_process(pid, started)]
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in leftovers:
                with contextlib.suppress(OSError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and any(is_alive(p) for p in leftovers):
                time.sleep(0.1)
        return leftovers

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no hub log)"


def _same_process(pid: int, started: int) -> bool:
    try:
        return start_ticks(pid) == started and is_alive(pid)
    except OSError:
        return False


# -- the kernel protocol over the websocket ----------------------------------------------------

def kernel_message(msg_type: str, content: dict, session: str, username: str) -> dict:
    """A Jupyter message for the shell channel, as JupyterLab sends it over the websocket."""
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": username,
                   "session": session, "version": "5.3",
                   "date": datetime.datetime.now(datetime.UTC).isoformat()},
        "parent_header": {}, "metadata": {}, "content": content, "buffers": [],
        "channel": "shell",
    }


def decode_frame(data: bytes | str) -> dict:
    """A websocket frame of jupyter_server's default protocol: JSON text, or a binary frame
    (buffer count, offsets, the JSON message, then its binary buffers, which we drop)."""
    if isinstance(data, str):
        return json.loads(data)
    count = struct.unpack("!I", data[:4])[0]
    offsets = struct.unpack("!" + "I" * count, data[4:4 * (count + 1)])
    end = offsets[1] if count > 1 else len(data)
    return json.loads(data[offsets[0]:end].decode())


def model_ids(value) -> list[str]:
    """The widget model ids referenced in a widget state value ("IPY_MODEL_<id>", lists of them)."""
    if isinstance(value, str) and value.startswith(MODEL_PREFIX):
        return [value[len(MODEL_PREFIX):]]
    if isinstance(value, list):
        return [m for item in value for m in model_ids(item)]
    return []


@dataclass
class Widget:
    model: str  # e.g. "IntSliderModel"
    state: dict


@dataclass
class Request:
    """What the kernel has answered to one of our messages so far (futures of arrival times)."""

    idle: asyncio.Future  # the kernel went idle after handling it
    reply: asyncio.Future  # the shell channel's *_reply (its content)
    image: asyncio.Future  # an Image widget's new value, sent while handling it

    def all(self) -> list[asyncio.Future]:
        return [self.idle, self.reply, self.image]


def resolve(future: asyncio.Future, value) -> None:
    if not future.done():
        future.set_result(value)


class KernelChannel:
    """A kernel's websocket: sends shell messages, reads iopub and shell replies in the background.

    It keeps the widget models the kernel opens (``comm_open``), the errors it reports, and
    what the kernel has answered to each of our requests.
    """

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, username: str) -> None:
        self.ws = ws
        self.username = username
        self.session = uuid.uuid4().hex
        self.widgets: dict[str, Widget] = {}
        self.displayed: list[str] = []  # model ids of widget views displayed, in order
        self.errors: list[str] = []
        self.lost: str | None = None  # why the kernel or its websocket went away
        self._requests: dict[str, Request] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                if frame.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    self._dispatch(decode_frame(frame.data))
                elif frame.type == aiohttp.WSMsgType.ERROR:
                    break
        except (ValueError, KeyError, TypeError, struct.error) as error:
            self.lost = f"unreadable message from the kernel: {error!r}"
        finally:
            if self.lost is None:
                self.lost = f"websocket closed (code {self.ws.close_code})"
            for request in self._requests.values():
                for future in request.all():
                    if not future.done():
                        future.set_exception(ClassroomError(f"kernel lost: {self.lost}"))

    def _dispatch(self, msg: dict) -> None:
        kind = msg["header"]["msg_type"]
        content = msg.get("content", {})
        request = self._requests.get(msg.get("parent_header", {}).get("msg_id"))
        if kind == "status":
            state = content.get("execution_state")
            if state == "idle" and request:
                resolve(request.idle, time.perf_counter())
            elif state in ("dead", "restarting"):
                self.lost = f"kernel {state}"
        elif kind.endswith("_reply") and request:
            resolve(request.reply, content)
        elif kind == "error":
            self.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
        elif kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            state = content["data"]["state"]
            self.widgets[content["comm_id"]] = Widget(state.get("_model_name", "?"), state)
        elif kind == "comm_msg":
            if self._is_new_image(content) and request:
                resolve(request.image, time.perf_counter())
        elif kind in ("display_data", "execute_result"):
            view = content.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                self.displayed.append(view["model_id"])

    def _is_new_image(self, content: dict) -> bool:
        """Keep a widget's state up to date; True if the message gives an Image a new value."""
        data = content.get("data", {})
        widget = self.widgets.get(content.get("comm_id"))
        if widget is None or data.get("method") not in ("update", "echo_update"):
            return False
        widget.state.update(data.get("state", {}))
        new_value = "value" in data.get("state", {}) or ["value"] in data.get("buffer_paths", [])
        return widget.model == "ImageModel" and new_value

    async def request(self, msg_type: str, content: dict) -> tuple[str, Request]:
        """Send a shell message; its id and the futures of the kernel's answers."""
        if self.lost:
            raise ClassroomError(f"kernel lost: {self.lost}")
        msg = kernel_message(msg_type, content, self.session, self.username)
        msg_id = msg["header"]["msg_id"]
        loop = asyncio.get_running_loop()
        request = self._requests[msg_id] = Request(*(loop.create_future() for _ in range(3)))
        await self.ws.send_str(json.dumps(msg))
        return msg_id, request

    def forget(self, msg_id: str) -> None:
        for future in self._requests.pop(msg_id).all():
            if future.done() and not future.cancelled():
                future.exception()  # retrieved: no "exception never retrieved" warning
            else:
                future.cancel()

    async def wait_until_ready(self, timeout: float = 120) -> None:
        """Ask for kernel_info until the kernel answers, as JupyterLab does before anything else."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg_id, request = await self.request("kernel_info_request", {})
            try:
                await asyncio.wait_for(asyncio.shield(request.reply), 5)
                return
            except TimeoutError:
                continue
            finally:
                self.forget(msg_id)
        raise ClassroomError(f"timeout: the kernel did not answer kernel_info within {timeout:.0f} s")

    async def execute(self, code: str, timeout: float) -> list[str]:
        """Run ``code`` in the kernel; the errors it raised (empty if none)."""
        errors_before = len(self.errors)
        msg_id, request = await self.request("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})
        try:
            await asyncio.wait_for(asyncio.shield(request.idle), timeout)
            reply = await asyncio.wait_for(asyncio.shield(request.reply), UPDATE_TIMEOUT_S)
        except TimeoutError:
            raise ClassroomError(f"timeout: a cell did not finish within {timeout:.0f} s") from None
        finally:
            self.forget(msg_id)
        errors = self.errors[errors_before:]
        if reply.get("status") != "ok" and not errors:
            errors = [f"execute_reply status {reply.get('status')}"]
        return errors

    async def update_widget(self, model_id: str, value) -> tuple[float, bool]:
        """Set a control's value as the browser does; (seconds until the new image, image came?).

        Without a new image the time runs until the kernel has gone idle after the update.
        """
        start = time.perf_counter()
        msg_id, request = await self.request("comm_msg", {
            "comm_id": model_id,
            "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
        try:
            done, _ = await asyncio.wait({request.image, request.idle}, timeout=UPDATE_TIMEOUT_S,
                                         return_when=asyncio.FIRST_COMPLETED)
            if not done:
                raise ClassroomError(f"timeout: no answer to a slider update within "
                                     f"{UPDATE_TIMEOUT_S:.0f} s")
            if request.image.done():
                latency, image = request.image.result() - start, True
            else:
                latency, image = request.idle.result() - start, False
            # like ipywidgets, send the next value only once the kernel is idle again
            await asyncio.wait_for(asyncio.shield(request.idle), UPDATE_TIMEOUT_S)
            return latency, image
        except TimeoutError:
            raise ClassroomError(f"timeout: the kernel stayed busy {UPDATE_TIMEOUT_S:.0f} s "
                                 "after a slider update") from None
        finally:
            self.forget(msg_id)

    def demo_controls(self, demo: str) -> tuple[str, str]:
        """(first slider, image) of the widget tree displayed as ``demo``, in layout order."""
        order, todo, seen = [], [demo], set()
        while todo:
            model_id = todo.pop(0)
            if model_id in seen or model_id not in self.widgets:
                continue
            seen.add(model_id)
            order.append(model_id)
            children = self.widgets[model_id].state.get("children", [])
            todo[:0] = model_ids(children)  # depth first, in the order they are shown
        sliders = [m for m in order if self.widgets[m].model in ("IntSliderModel",
                                                                   "FloatSliderModel")]
        images = [m for m in order if self.widgets[m].model == "ImageModel"]
        if not sliders or not images:
            raise ClassroomError(f"the demo {demo} has no slider and image "
                                 f"(models: {[self.widgets[m].model for m in order]})")
        return sliders[0], images[0]

    async def close(self) -> None:
        self.lost = self.lost or "closed by us"
        await self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


def next_slider_value(state: dict, value, direction: int) -> tuple[object, int]:
    """The next value of a slider swept back and forth one step at a time."""
    step = state.get("step") or 1
    low, high = state["min"], state["max"]
    if not low <= value + direction * step <= high:
        direction = -direction
    return value + direction * step, direction


# -- one student -------------------------------------------------------------------------------

@dataclass
class StudentResult:
    name: str
    spawn_s: float = float("nan")
    notebook_s: float = float("nan")
    latencies_ms: list[float] = field(default_factory=list)
    without_image: int = 0
    failures: list[str] = field(default_factory=list)


class Student:
    """One simulated student: a browser's cookies and the steps a browser takes."""

    def __init__(self, name: str, hub_url: str) -> None:
        self.name = name
        self.hub = hub_url
        self.http = aiohttp.ClientSession(
            # 127.0.0.1 is an IP address: cookies need the "unsafe" jar; keep them unquoted
            cookie_jar=aiohttp.CookieJar(unsafe=True, quote_cookie=False),
            timeout=aiohttp.ClientTimeout(total=None, sock_read=600))
        self.hub_xsrf = ""  # the hub's XSRF token, from its home page after the login
        self.kernel: KernelChannel | None = None
        self.result = StudentResult(name)

    @property
    def server(self) -> str:
        return f"{self.hub}/user/{self.name}"

    def _xsrf(self, path: str) -> str:
        cookie = self.http.cookie_jar.filter_cookies(URL(f"{self.hub}{path}")).get("_xsrf")
        if cookie is None:
            raise ClassroomError(f"{self.name}: no _xsrf cookie for {path}")
        return cookie.value

    def _headers(self, path: str) -> dict[str, str]:
        """A JupyterLab request's headers: the server's _xsrf cookie echoed, a same-site Referer."""
        return {"X-XSRFToken": self._xsrf(path), "Referer": f"{self.hub}{path}lab"}

    async def _ok(self, response: aiohttp.ClientResponse, what: str) -> aiohttp.ClientResponse:
        if response.status >= 400:
            body = (await response.text())[:300]
            raise ClassroomError(f"{self.name}: {what} failed: HTTP {response.status} "
                                 f"{response.url}: {body}")
        return response

    async def log_in(self) -> None:
        """The hub's login form: GET it (sets the _xsrf cookie), POST name and password."""
        async with self.http.get(f"{self.hub}/hub/login") as response:
            page = await (await self._ok(response, "opening the login page")).text()
        match = re.search(r'name="_xsrf"\s+value="([^"]+)"', page)
        form = {"username": self.name, "password": PASSWORD,
                "_xsrf": match.group(1) if match else self._xsrf("/hub/")}
        async with self.http.post(f"{self.hub}/hub/login", data=form,
                                  allow_redirects=False) as response:
            if response.status != 302:
                raise ClassroomError(f"{self.name}: login refused (HTTP {response.status})")
        # the home page with the Start button; its script holds the new session's XSRF token
        async with self.http.get(f"{self.hub}/hub/home") as response:
            page = await (await self._ok(response, "opening the hub's home page")).text()
        match = re.search(r'xsrf_token:\s*"([^"]+)"', page)
        if match is None:
            raise ClassroomError(f"{self.name}: no xsrf_token in the hub's home page")
        self.hub_xsrf = match.group(1)

    async def start_server(self) -> None:
        """Start the server as the home page's Start button does, then follow its progress."""
        path = f"/hub/api/users/{self.name}/server"
        headers = {"X-XSRFToken": self.hub_xsrf, "Referer": f"{self.hub}/hub/home"}
        async with self.http.post(f"{self.hub}{path}", headers=headers, json={}) as response:
            await self._ok(response, "starting the server")
        async with self.http.get(f"{self.hub}{path}/progress", headers=headers) as response:
            await self._ok(response, "following the spawn")
            async for line in response.content:
                if not line.startswith(b"data:"):
                    continue
                event = json.loads(line[5:])
                if event.get("failed"):
                    raise ClassroomError(f"{self.name}: spawn failed: {event.get('message')}")
                if event.get("ready"):
                    return
        raise ClassroomError(f"{self.name}: the spawn's progress ended before the server was ready")

    async def open_lab(self) -> None:
        """GET /user/<name>/lab: the server sends us to the hub's OAuth and back (cookies)."""
        async with self.http.get(f"{self.server}/lab") as response:
            await self._ok(response, "opening JupyterLab")
            if not str(response.url).startswith(f"{self.server}/lab"):
                raise ClassroomError(f"{self.name}: JupyterLab ended at {response.url}")

    async def open_notebook(self, notebook: str) -> None:
        """A session for the notebook (a new kernel), then the kernel's websocket."""
        path = f"/user/{self.name}/"
        async with self.http.post(f"{self.server}/api/sessions", headers=self._headers(path),
                                  json={"path": notebook, "type": "notebook", "name": notebook,
                                        "kernel": {"name": "python3"}}) as response:
            session = await (await self._ok(response, "starting a kernel")).json()
        kernel_id = session["kernel"]["id"]
        ws_url = (f"{self.server}/api/kernels/{kernel_id}/channels".replace("http://", "ws://")
                  + f"?session_id={uuid.uuid4().hex}&_xsrf={self._xsrf(path)}")
        ws = await self.http.ws_connect(ws_url, origin=self.hub, max_msg_size=0,
                                        headers={"Referer": f"{self.server}/lab"})
        self.kernel = KernelChannel(ws, self.name)
        await self.kernel.wait_until_ready()

    async def run_cells(self, cells: list[str], timeout: float) -> None:
        for index, code in enumerate(cells):
            try:
                errors = await self.kernel.execute(code, timeout)
            except ClassroomError as error:
                raise ClassroomError(f"{self.name}: code cell {index}: {error}") from None
            for error in errors:
                self.result.failures.append(f"{self.name}: code cell {index}: {error}")

    async def drive_demo(self, seconds: float) -> None:
        """Move the first demo's first slider every PACE_S seconds for ``seconds`` seconds."""
        if not self.kernel.displayed:
            raise ClassroomError(f"{self.name}: the notebook displayed no widget")
        slider, _ = self.kernel.demo_controls(self.kernel.displayed[0])
        state = self.kernel.widgets[slider].state
        value, direction = state["value"], 1
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            tick = time.perf_counter()
            value, direction = next_slider_value(state, value, direction)
            latency, image = await self.kernel.update_widget(slider, value)
            self.result.latencies_ms.append(1e3 * latency)
            self.result.without_image += not image
            await asyncio.sleep(max(0.0, tick + PACE_S - time.perf_counter()))
        errors = self.kernel.errors
        if errors:
            self.result.failures += [f"{self.name}: while driving: {e}" for e in errors]

    async def close(self) -> None:
        if self.kernel is not None:
            await self.kernel.close()
        await self.http.close()


# -- one classroom -----------------------------------------------------------------------------

def code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy.percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def in_parallel(students: list[Student], step, what: str) -> None:
    """Run ``step(student)`` for every student at once; a failure is recorded, not raised."""
    async def one(student: Student) -> None:
        if student.result.failures:
            return  # an earlier step failed for this student
        try:
            await step(student)
        except (ClassroomError, aiohttp.ClientError, TimeoutError, KeyError, OSError) as error:
            student.result.failures.append(f"{student.name}: {what}: {error!r}"
                                           if not isinstance(error, ClassroomError)
                                           else str(error))
    await asyncio.gather(*(one(s) for s in students))


async def run_class(hub: Hub, n_students: int, seconds: float, cell_timeout: float) -> dict:
    """Log N students in, run the notebook in each kernel, drive the demo; the measurements."""
    cells = code_cells(NOTEBOOK)
    students = [Student(f"student{i + 1:02d}", hub.url) for i in range(n_students)]
    try:
        async def spawn(student: Student) -> None:
            start = time.perf_counter()
            await student.log_in()
            await student.start_server()
            await student.open_lab()
            student.result.spawn_s = time.perf_counter() - start

        async def run_notebook(student: Student) -> None:
            start = time.perf_counter()
            await student.open_notebook(NOTEBOOK.name)
            await student.run_cells(cells, cell_timeout)
            student.result.notebook_s = time.perf_counter() - start

        print(f"  {n_students} student(s) log in and start their servers ...", flush=True)
        await in_parallel(students, spawn, "log in and start the server")
        hub.remember_processes()
        print(f"  ... run {NOTEBOOK.name} ({len(cells)} code cells) ...", flush=True)
        await in_parallel(students, run_notebook, "run the notebook")
        hub.remember_processes()

        processes, others = processes_by_student(hub.process.pid)
        cpu_before = {s.name: total_cpu_seconds(processes.get(s.name, StudentProcesses()).all())
                      for s in students}
        hub_before = cpu_seconds(hub.process.pid) + total_cpu_seconds(others)
        client_before, wall_before = time.process_time(), time.perf_counter()
        print(f"  ... drive the playground for {seconds:.0f} s ...", flush=True)
        await in_parallel(students, lambda s: s.drive_demo(seconds), "drive the demo")
        wall = time.perf_counter() - wall_before
        client_cpu = time.process_time() - client_before
        hub_cpu = cpu_seconds(hub.process.pid) + total_cpu_seconds(others) - hub_before
        processes, _ = processes_by_student(hub.process.pid)
        cpu = {s.name: total_cpu_seconds(processes.get(s.name, StudentProcesses()).all())
               - cpu_before[s.name] for s in students}
        memory = measure_memory(students, processes)
        return summarize(students, seconds, wall, cpu, memory, hub_cpu, client_cpu)
    finally:
        await asyncio.gather(*(s.close() for s in students), return_exceptions=True)


def measure_memory(students: list[Student], processes: dict[str, StudentProcesses]) -> dict:
    """Each student's kernel and server resident memory (MB); a missing kernel is a failure."""
    kernel_mb, server_mb = [], []
    for student in students:
        mine = processes.get(student.name, StudentProcesses())
        kernels = [pid for pid in mine.kernels if is_alive(pid)]
        if not kernels and not student.result.failures:
            student.result.failures.append(f"{student.name}: kernel lost (no kernel process)")
        if student.kernel is not None and student.kernel.lost and not student.result.failures:
            student.result.failures.append(f"{student.name}: kernel lost: {student.kernel.lost}")
        with contextlib.suppress(OSError, ClassroomError):
            if kernels:
                kernel_mb.append(sum(rss_mb(pid) for pid in kernels))
            server_mb.append(sum(rss_mb(pid) for pid in mine.server))
    return {"kernel": kernel_mb, "server": server_mb}


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def summarize(students: list[Student], seconds: float, wall: float, cpu: dict[str, float],
              memory: dict, hub_cpu: float, client_cpu: float) -> dict:
    latencies = [ms for s in students for ms in s.result.latencies_ms]
    failures = [f for s in students for f in s.result.failures]
    cpu_values = list(cpu.values())
    return {
        "students": len(students),
        "seconds": seconds,
        "updates": len(latencies),
        "updates_without_image": sum(s.result.without_image for s in students),
        "median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "rss_mb_per_student": round(mean(memory["kernel"]), 1),
        "rss_mb_max": round(max(memory["kernel"], default=float("nan")), 1),
        "server_rss_mb_per_student": round(mean(memory["server"]), 1),
        "cpu_per_student": round(mean(cpu_values), 2),
        "cpu_percent_per_student": round(100 * mean(cpu_values) / wall, 1),
        "hub_and_proxy_cpu_s": round(hub_cpu, 2),
        "client_cpu_s": round(client_cpu, 2),
        "drive_wall_s": round(wall, 1),
        "spawn_s_median": round(statistics.median([s.result.spawn_s for s in students]), 1),
        "notebook_s_median": round(statistics.median([s.result.notebook_s for s in students]), 1),
        "failures": len(failures),
        "failure_details": failures,
    }


def run_one(n_students: int, seconds: float, proxy: str, cell_timeout: float) -> dict:
    """A fresh hub in a fresh temporary directory for N students; always torn down."""
    workdir = Path(tempfile.mkdtemp(prefix=f"classroom-{n_students}-"))
    hub = Hub(workdir, proxy)
    (workdir / "home").mkdir()
    for i in range(n_students):  # each home holds the notebook, as a course's hub provides it
        home = workdir / "home" / f"student{i + 1:02d}"
        home.mkdir()
        shutil.copy(NOTEBOOK, home / NOTEBOOK.name)
    load_before = os.getloadavg()
    try:
        hub.start()
        record = asyncio.run(run_class(hub, n_students, seconds, cell_timeout))
    finally:
        leftovers = hub.stop()
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy(hub.log_path, LOG_DIR / f"hub-{n_students}-students.log")
        shutil.rmtree(workdir, ignore_errors=True)
    record["load_before"] = [round(x, 2) for x in load_before]
    record["load_after"] = [round(x, 2) for x in os.getloadavg()]
    record["processes_ended_by_us"] = len(leftovers)
    return record


def print_table(records: list[dict]) -> None:
    print("\n| students | update median / p95 (ms) | kernel RSS / student (MB) | "
          "server RSS / student (MB) | CPU / student (s; % of a core) | spawn (s) | "
          "notebook (s) | failures | load before → after |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in records:
        print(f"| {r['students']} | {r['median_ms']} / {r['p95_ms']} | "
              f"{r['rss_mb_per_student']:.0f} | {r['server_rss_mb_per_student']:.0f} | "
              f"{r['cpu_per_student']:.1f} ({r['cpu_percent_per_student']:.0f} %) | "
              f"{r['spawn_s_median']:.0f} | {r['notebook_s_median']:.0f} | {r['failures']} | "
              f"{r['load_before'][0]:.1f} → {r['load_after'][0]:.1f} |")


def interrupt(signum, frame) -> None:
    """SIGTERM ends the run as Ctrl-C does: the ``finally`` blocks tear everything down."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[4],
                        help="number(s) of students; several run one after the other")
    parser.add_argument("--seconds", type=float, default=60,
                        help="how long each student drives the demo (default 60)")
    parser.add_argument("--cell-timeout", type=float, default=600,
                        help="seconds a notebook cell may take (default 600)")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "classroom.json")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.students) or args.seconds <= 0:
        parser.error("--students must be >= 1 and --seconds > 0")
    proxy = find_or_install_proxy()
    records = []
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    for n in args.students:
        print(f"{n} student(s), {args.seconds:.0f} s of driving; load {os.getloadavg()[0]:.2f}",
              flush=True)
        try:
            record = run_one(n, args.seconds, proxy, args.cell_timeout)
        except KeyboardInterrupt:
            print("interrupted: hub, proxy, servers and kernels stopped, temporary files removed",
                  file=sys.stderr)
            return 130
        records.append(record)
        for failure in record["failure_details"]:
            print(f"  FAILURE {failure}", flush=True)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(records, indent=1))  # after each N: partial results stay
    print_table(records)
    print(f"\nwritten to {args.json}")
    return 0 if all(r["failures"] == 0 for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
