"""Fixtures: a real Jupyter server with the extension, and companions that get cleaned up."""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FAKE_COMPANION = HERE / "fake_companion.js"

# The Jupyter servers we start run the installed package (the wheel) when there is one,
# as a centre would; otherwise the source tree. The test process may import either.
try:
    importlib.metadata.distribution("jupyterlab_hpc")
    _EXTRA_PYTHONPATH: Optional[str] = None
except importlib.metadata.PackageNotFoundError:
    _EXTRA_PYTHONPATH = str(REPO)
    if importlib.util.find_spec("jupyterlab_hpc") is None:
        sys.path.insert(0, str(REPO))

from jupyterlab_hpc.shared.launcher import default_main_js  # noqa: E402
from jupyterlab_hpc.shared.process import pid_alive  # noqa: E402

SERVER_START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


def kill_pid(pid: int) -> None:
    """Stop a companion started during a test (never anything else: callers pass its pid)."""
    if not pid_alive(pid):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if not wait_gone(pid, 5):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 5)


def connection_file(runtime_dir: Path) -> Path:
    return runtime_dir / f"jupyterlab-hpc-{socket.gethostname()}.json"


def read_connection(runtime_dir: Path) -> Optional[dict[str, Any]]:
    try:
        return json.loads(connection_file(runtime_dir).read_text())
    except (FileNotFoundError, ValueError):
        return None


def wait_for_connection(runtime_dir: Path, timeout: float = 20.0, not_pid: Optional[int] = None) -> dict:
    """The connection file of a live companion (other than ``not_pid``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = read_connection(runtime_dir)
        if info and info["pid"] != not_pid and pid_alive(info["pid"]):
            return info
        time.sleep(0.1)
    raise AssertionError(f"no companion connection file in {runtime_dir} after {timeout} s")


def node_env() -> dict[str, str]:
    """Environment for the fake companion: lets it require('ws') from the repo's node_modules."""
    env = dict(os.environ)
    env["NODE_PATH"] = str(REPO / "node_modules")
    return env


@dataclass
class JupyterServer:
    url: str  # includes base_url, ends with /
    token: str
    runtime_dir: Path
    config_dir: Path
    proc: subprocess.Popen
    log_path: Path
    companion_pids: set[int] = field(default_factory=set)

    def request(self, method: str, path: str, auth: bool = True, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if auth:
            headers["Authorization"] = f"token {self.token}"
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        return requests.request(method, self.url + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def companion(self, not_pid: Optional[int] = None) -> dict:
        info = wait_for_connection(self.runtime_dir, not_pid=not_pid)
        self.companion_pids.add(info["pid"])
        return info

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        info = read_connection(self.runtime_dir)
        if info:
            self.companion_pids.add(info["pid"])
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for pid in self.companion_pids:
            kill_pid(pid)


ServerFactory = Callable[..., JupyterServer]


def _start_server(tmp: Path, hpc_config: Optional[dict], runtime_dir: Optional[Path], env_extra: dict) -> JupyterServer:
    runtime_dir = runtime_dir or tmp / "runtime"
    config_dir = tmp / "config"
    root_dir = tmp / "root"
    for d in (config_dir, root_dir, tmp / "data"):
        d.mkdir(parents=True, exist_ok=True)
    server_config: dict[str, Any] = {"ServerApp": {"jpserver_extensions": {"jupyterlab_hpc": True}}}
    if hpc_config:
        server_config["HpcConfig"] = hpc_config
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(server_config))

    env = dict(os.environ)
    env.update(
        JUPYTER_RUNTIME_DIR=str(runtime_dir),
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_DATA_DIR=str(tmp / "data"),
    )
    if _EXTRA_PYTHONPATH:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_EXTRA_PYTHONPATH, env.get("PYTHONPATH")]))
    env.update(env_extra)

    port, token, base_url = free_port(), secrets.token_hex(16), "/jl/"
    argv = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--allow-root",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.base_url={base_url}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
    ]
    log_path = tmp / "server.log"
    with open(log_path, "w") as logf:
        proc = subprocess.Popen(argv, env=env, cwd=tmp, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
    server = JupyterServer(f"http://127.0.0.1:{port}{base_url}", token, runtime_dir, config_dir, proc, log_path)

    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"jupyter server exited with {proc.returncode}:\n{server.log()}")
        try:
            if server.get("api/status", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"jupyter server not ready after {SERVER_START_TIMEOUT} s:\n{server.log()}")


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Factory: start_server(hpc_config=None, runtime_dir=None, env={}) -> JupyterServer."""
    servers: list[JupyterServer] = []

    def start(
        hpc_config: Optional[dict] = None, runtime_dir: Optional[Path] = None, env: Optional[dict] = None
    ) -> JupyterServer:
        server = _start_server(tmp_path / f"server{len(servers)}", hpc_config, runtime_dir, env or {})
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """One server with the real companion, shared by a module's tests."""
    if not default_main_js().is_file():
        pytest.fail(f"companion not built: {default_main_js()} (npm run build:companion)")
    srv = _start_server(tmp_path_factory.mktemp("server"), None, None, {})
    yield srv
    srv.stop()
