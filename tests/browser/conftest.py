"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per session.

The server runs as a subprocess on 127.0.0.1, on a free port, with a random token.
It serves a temporary copy of the notebooks, so a test run never touches the real
ones, and starts with test-friendly settings: no news toast, ``window.jupyterapp``
exposed, and every notebook cell attached to the page (JupyterLab's default
windowing leaves off-screen cells unrendered, where no test could see them).

Environment variables:

``COURSE_NOTEBOOK_DIR``
    The notebooks to test (default ``<repo>/notebooks``); every ``[0-9]*.ipynb``
    in it becomes one test.
``COURSE_SCREENSHOT_DIR``
    Where screenshots go (default ``<repo>/build/screenshots``).
``COURSE_CHROMIUM``
    The Chromium to drive (default ``/usr/bin/chromium``).
``CI``
    When set (and not "0" or "false"), a missing Chromium or Playwright fails the
    tests instead of skipping them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = Path(os.environ.get("COURSE_NOTEBOOK_DIR") or REPO / "notebooks").resolve()
SCREENSHOT_DIR = Path(os.environ.get("COURSE_SCREENSHOT_DIR")
                      or REPO / "build" / "screenshots").resolve()
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT_S = 60
PORT_ATTEMPTS = 3

#: JupyterLab user settings of the test server, by plugin id.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

_REPORTS = pytest.StashKey[dict]()
_SCREENSHOTS_USED = pytest.StashKey[Path]()


# -- pytest hooks -----------------------------------------------------------------------------
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give a test asking for ``notebook`` one run per ``[0-9]*.ipynb``, found at collection."""
    if "notebook" in metafunc.fixturenames:
        notebooks = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
        metafunc.parametrize("notebook", notebooks, ids=[path.stem for path in notebooks])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Keep each phase's report on the item, so a fixture can tell if its test failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say where the screenshots went."""
    folder = config.stash.get(_SCREENSHOTS_USED, None)
    if folder is not None:
        terminalreporter.write_sep("-", "browser test screenshots")
        terminalreporter.write_line(str(folder))


# -- skip or fail when the browser is missing -------------------------------------------------
def in_ci() -> bool:
    """Whether the ``CI`` environment variable asks for strictness."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def require_browser() -> None:
    """Skip (locally) or fail (in CI) when Playwright or Chromium is missing."""
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package playwright (pip install playwright)")
    if not CHROMIUM.is_file():
        missing.append(f"Chromium at {CHROMIUM} (apt install chromium, or set COURSE_CHROMIUM)")
    if not missing:
        return
    message = "browser tests need " + " and ".join(missing)
    if in_ci():
        pytest.fail(f"{message}; CI is set, so this fails instead of skipping", pytrace=False)
    pytest.skip(message)


def require_package(package: str, message: str) -> None:
    """Skip (locally) or fail (in CI) when the Python package a test serves pages with is missing."""
    if importlib.util.find_spec(package) is None:
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


# -- a Voilà server (live slides, the app) ----------------------------------------------------
@contextmanager
def serving(command: list[str], root: Path, env: dict[str, str], port: int, log: Path,
            timeout_s: float = SERVER_START_TIMEOUT_S) -> Iterator[None]:
    """Run a server (``command``, on ``port`` of 127.0.0.1) until the block ends; fail if it never answers."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                pytest.fail(f"{command[2]} exited with code {process.returncode}:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{command[2]} did not answer within {timeout_s} s")
                time.sleep(0.25)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the JupyterLab server --------------------------------------------------------------------
@dataclass
class LabServer:
    """A running JupyterLab: its address, its token and the folder it serves."""

    url: str
    token: str
    root: Path
    log: Path

    def api(self, method: str, path: str, timeout: float = 10) -> Any:
        """Call the server's REST API; return the decoded JSON answer (None if empty)."""
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every session and kernel, so the next notebook starts from a fresh kernel."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's log, for error messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_course(workdir: Path) -> Path:
    """Copy the notebooks to ``workdir/notebooks`` and link the data beside them, as in the repo."""
    root = workdir / "course"
    shutil.copytree(NOTEBOOK_DIR, root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if (REPO / "data").is_dir():
        (root / "data").symlink_to(REPO / "data", target_is_directory=True)
    return root


def write_lab_settings(settings_dir: Path) -> None:
    """Write :data:`LAB_SETTINGS` as JupyterLab user settings files."""
    for plugin, values in LAB_SETTINGS.items():
        package, name = plugin.split(":")
        path = settings_dir / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def server_command(port: int, token: str, root: Path, workdir: Path) -> list[str]:
    """The command line of a test JupyterLab on ``port``."""
    return [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={workdir / 'user-settings'}",
        f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
    ]


def server_env(workdir: Path) -> dict[str, str]:
    """The server's environment: kernels import ``course_utils`` from this repo; no user config."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["JUPYTER_CONFIG_DIR"] = str(workdir / "config")
    env["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
    return env


def wait_until_ready(process: subprocess.Popen, server: LabServer) -> None:
    """Poll ``/api/status`` until the server answers; raise if it exits or takes too long."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {process.returncode}:\n"
                               f"{server.log_tail()}")
        try:
            server.api("GET", "/api/status", timeout=2)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S} s:\n"
                       f"{server.log_tail()}")


def stop_server(process: subprocess.Popen, server: LabServer) -> None:
    """Shut the server down with its kernels: ``/api/shutdown``, then SIGTERM, then SIGKILL."""
    if process.poll() is None:
        try:
            server.api("POST", "/api/shutdown", timeout=20)
        except (urllib.error.URLError, OSError):
            pass
    for stop in (None, process.terminate, process.kill):
        if stop is not None and process.poll() is None:
            stop()
        try:
            process.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


def start_server(workdir: Path, root: Path) -> tuple[subprocess.Popen, LabServer]:
    """Start JupyterLab on a free port; retry with another port if it loses a race for one."""
    write_lab_settings(workdir / "user-settings")
    token = secrets.token_hex(16)
    error: Exception | None = None
    for attempt in range(PORT_ATTEMPTS):
        port = free_port()
        log = workdir / f"jupyterlab-{attempt}.log"
        server = LabServer(f"http://127.0.0.1:{port}", token, root, log)
        with log.open("wb") as out:
            process = subprocess.Popen(server_command(port, token, root, workdir), cwd=root,
                                       env=server_env(workdir), stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_until_ready(process, server)
            return process, server
        except Exception as exc:  # stop it, then retry or re-raise below
            stop_server(process, server)
            error = exc
            if not isinstance(exc, RuntimeError):  # only an early exit may be a port race
                break
    raise RuntimeError(f"could not start JupyterLab: {error}") from error


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skip or fail (see :func:`require_browser`) before anything is started for nothing."""
    require_browser()


@pytest.fixture(scope="session")
def lab_server(browser_available: None,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """A JupyterLab serving a temporary copy of the notebooks; shut down at the end."""
    workdir = tmp_path_factory.mktemp("jupyterlab")
    process, server = start_server(workdir, copy_course(workdir))
    try:
        yield server
    finally:
        stop_server(process, server)


@pytest.fixture(scope="session")
def browser(browser_available: None) -> Iterator[Any]:
    """One headless Chromium (Debian's, driven by Playwright) for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir(browser_available: None, pytestconfig: pytest.Config) -> Path:
    """The folder for screenshots; named in the terminal summary."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    pytestconfig.stash[_SCREENSHOTS_USED] = SCREENSHOT_DIR
    print(f"browser test screenshots go to {SCREENSHOT_DIR}")
    return SCREENSHOT_DIR


def _failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(_REPORTS, {}).values())


def _test_name(request: pytest.FixtureRequest) -> str:
    callspec = getattr(request.node, "callspec", None)
    notebook = callspec.params.get("notebook") if callspec else None
    return notebook.stem if notebook is not None else request.node.name


def report_failure(page: Any, shot: Path, console: list[str]) -> None:
    """Save a screenshot of the failed page and print the browser's last console errors."""
    try:
        page.screenshot(path=shot)
        print(f"screenshot of the failure: {shot}")
    except Exception as exc:  # the page may have crashed; the test has failed already
        print(f"no screenshot of the failure: {exc}")
    print("browser console errors and warnings:", *(console[-30:] or ["(none)"]), sep="\n  ")


@pytest.fixture
def lab_page(browser: Any, lab_server: LabServer, screenshot_dir: Path,
             request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser page; afterwards its kernels are shut down.

    On failure it saves ``<notebook>-FAILED.png`` and prints the browser's console errors.
    """
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console: list[str] = []

    def keep_problems(message: Any) -> None:
        if message.type in ("error", "warning"):
            console.append(f"{message.type}: {message.text}")

    page.on("console", keep_problems)
    page.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
    try:
        yield page
    finally:
        if _failed(request.node):
            report_failure(page, screenshot_dir / f"{_test_name(request)}-FAILED.png", console)
        context.close()
        lab_server.shutdown_kernels()
