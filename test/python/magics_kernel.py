"""The harness of the magics tests: an isolated Jupyter environment, a real ipykernel
(jupyter_client) with the extension against the real companion and the local Slurm cluster,
and the fixtures the test_magics* modules share.

Every kernel call has a deadline: a hang fails the test with what was running.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
import requests
from conftest import _EXTRA_PYTHONPATH, kill_pid, read_connection

from jupyterlab_hpc.shared.launcher import default_main_js

JOBS_MIME = "application/vnd.jupyterlab-hpc.jobs+json"
CALL_TIMEOUT = 60.0  # seconds for one cell, unless a test says otherwise

SLURM_CONF_LOCAL = os.environ.get("HPC_SLURM_CONF_LOCAL")
needs_slurm = pytest.mark.skipif(
    not SLURM_CONF_LOCAL, reason="the Slurm fixture is not running (source /var/tmp/jupyterlab-hpc-fixture/env.sh)"
)


# -- an isolated Jupyter environment for kernels ---------------------------------------


@dataclass
class HpcEnv:
    root: Path
    runtime_dir: Path
    config_dir: Path
    data_dir: Path
    work_dir: Path
    env: dict[str, str]

    def companion(self) -> Optional[dict]:
        return read_connection(self.runtime_dir)

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Ask the kernel's companion directly (what the test checks, not what it tests)."""
        info = self.companion()
        assert info, "no companion is running"
        kwargs.setdefault("timeout", 30)
        return requests.request(
            method, info["url"] + "/api/" + path, headers={"Authorization": f"token {info['token']}"}, **kwargs
        )


def make_env(root: Path, hpc_config: Optional[dict] = None) -> HpcEnv:
    """Runtime, config and data dirs of our own; the clusters come from jupyter_server_config.json,
    read by the kernel's launcher as a server's would be."""
    dirs = {name: root / name for name in ("runtime", "config", "data", "work", "jupyter-data")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    if hpc_config is None:
        hpc_config = {
            "clusters": [{"name": "local", "transport": "local", "env": {"SLURM_CONF": SLURM_CONF_LOCAL}}],
            "idle_timeout": 0,
        }
    (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps({"HpcConfig": hpc_config}))
    env = dict(os.environ)
    env.update(
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["jupyter-data"]),
        JUPYTERLAB_HPC_DATA_DIR=str(dirs["data"]),
        IPYTHONDIR=str(root / "ipython"),
    )
    if _EXTRA_PYTHONPATH:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_EXTRA_PYTHONPATH, env.get("PYTHONPATH")]))
    return HpcEnv(root, dirs["runtime"], dirs["config"], dirs["data"], dirs["work"], env)


def stop_companion(hpc: HpcEnv) -> None:
    """Stop what a test left behind: its sets (else their jobs run until their time limit),
    then its companion."""
    info = hpc.companion()
    if not info:
        return
    try:
        for s in hpc.api("GET", "sets").json().get("sets", []):
            if s["state"] != "ended":
                hpc.api("DELETE", f"sets/{s['id']}")
    except (requests.RequestException, ValueError):
        pass  # a companion that cannot answer has no sets to stop
    kill_pid(info["pid"])


# -- a kernel driven through jupyter_client ----------------------------------------------


@dataclass
class Run:
    """What one execute_request produced."""

    reply: dict
    stdout: str = ""
    stderr: str = ""
    results: list[dict] = field(default_factory=list)  # data of execute_result
    displays: list[dict] = field(default_factory=list)  # data of display_data / update_display_data
    error: Optional[dict] = None

    @property
    def ok(self) -> bool:
        return self.reply["content"]["status"] == "ok"

    @property
    def value(self) -> str:
        """text/plain of the execute_result."""
        return self.results[-1]["text/plain"] if self.results else ""

    def all_text(self) -> str:
        return self.stdout + self.stderr + "".join(json.dumps(d) for d in self.results + self.displays)


class Kernel:
    def __init__(self, hpc: HpcEnv) -> None:
        from jupyter_client import KernelManager

        self.hpc = hpc
        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(env=hpc.env, cwd=str(hpc.work_dir))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.comm_opens: list[dict] = []  # every comm_open / comm_msg / comm_close seen on iopub
        self.comm_msgs: list[dict] = []
        self.comm_closes: list[dict] = []

    def _note_comm(self, msg: dict) -> None:
        kind = msg["msg_type"]
        if kind == "comm_open":
            self.comm_opens.append(msg)
        elif kind == "comm_msg":
            self.comm_msgs.append(msg)
        elif kind == "comm_close":
            self.comm_closes.append(msg)

    def _drain(self, parent_id: str, deadline: float, what: str, run: Optional[Run] = None) -> None:
        """Read iopub until the kernel is idle for ``parent_id``; notes comm traffic on the way."""
        while True:
            msg = self._next(self.kc.get_iopub_msg, deadline, f"kernel did not finish within the deadline: {what!r}")
            self._note_comm(msg)
            if msg["parent_header"].get("msg_id") != parent_id or run is None:
                if (
                    msg["parent_header"].get("msg_id") == parent_id
                    and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"
                ):
                    return
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                if content["name"] == "stdout":
                    run.stdout += content["text"]
                else:
                    run.stderr += content["text"]
            elif kind == "execute_result":
                run.results.append(content["data"])
            elif kind in ("display_data", "update_display_data"):
                run.displays.append(content["data"])
            elif kind == "error":
                run.error = content
            elif kind == "status" and content["execution_state"] == "idle":
                return

    def execute(self, code: str, timeout: float = CALL_TIMEOUT, subshell: Optional[str] = None) -> Run:
        deadline = time.monotonic() + timeout
        if subshell:
            content = dict(code=code, silent=False, store_history=False, user_expressions={}, allow_stdin=False)
            msg = self.kc.session.msg("execute_request", content)
            msg["header"]["subshell_id"] = subshell
            self.kc.shell_channel.send(msg)
            msg_id = msg["header"]["msg_id"]
        else:
            msg_id = self.kc.execute(code, allow_stdin=False)
        reply = self._shell_reply(msg_id, deadline, code)
        run = Run(reply=reply)
        self._drain(msg_id, deadline, code, run)
        return run

    @staticmethod
    def _next(get: Callable[..., dict], deadline: float, failure: str) -> dict:
        """The next message of a channel before ``deadline``; AssertionError(failure) after it."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(failure)
        try:
            return get(timeout=remaining)
        except queue.Empty:
            raise AssertionError(failure) from None

    def _shell_reply(self, msg_id: str, deadline: float, what: str) -> dict:
        while True:
            reply = self._next(
                self.kc.get_shell_msg, deadline, f"no reply from the kernel within the deadline: {what!r}"
            )
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def ok_in(self, subshell: str, code: str, timeout: float = CALL_TIMEOUT) -> Run:
        run = self.execute(code, timeout, subshell=subshell)
        assert run.ok, f"{code!r} failed in a subshell: {run.error and run.error['evalue']}\n{run.stderr}"
        return run

    def ok(self, code: str, timeout: float = CALL_TIMEOUT) -> Run:
        run = self.execute(code, timeout)
        assert run.ok, f"{code!r} failed: {run.error and run.error['evalue']}\n{run.stderr}"
        return run

    def eval(self, expr: str, magic: Optional[str] = None, timeout: float = CALL_TIMEOUT) -> Any:
        """The value of a Python expression in the kernel (through JSON); ``_v`` is the magic's value."""
        code = f"_v = {magic}\n" if magic else ""
        run = self.ok(code + f"import json as _j; print(_j.dumps({expr}))", timeout)
        return json.loads(run.stdout.strip().splitlines()[-1])

    def send_comm(
        self, msg_type: str, content: dict, timeout: float = CALL_TIMEOUT, subshell: Optional[str] = None
    ) -> None:
        """Send a comm message like a frontend; returns when the kernel has handled it."""
        msg = self.kc.session.msg(msg_type, content)
        if subshell:
            msg["header"]["subshell_id"] = subshell  # as JupyterLab 4.4+ sends comm messages
        self.kc.shell_channel.send(msg)
        self._drain(msg["header"]["msg_id"], time.monotonic() + timeout, msg_type)

    def create_subshell(self, timeout: float = CALL_TIMEOUT) -> str:
        msg = self.kc.session.msg("create_subshell_request", {})
        self.kc.control_channel.send(msg)
        deadline = time.monotonic() + timeout
        while True:
            reply = self.kc.control_channel.get_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                return reply["content"]["subshell_id"]

    def wait_comm_msg(self, predicate: Callable[[dict], bool], timeout: float = CALL_TIMEOUT) -> dict:
        """The first comm_msg data matching ``predicate`` (already seen, or arriving)."""
        deadline = time.monotonic() + timeout
        while True:
            for msg in self.comm_msgs:
                if predicate(msg["content"]["data"]):
                    return msg
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no matching comm message: " + json.dumps([m["content"] for m in self.comm_msgs]))
            with contextlib.suppress(queue.Empty):
                self._note_comm(self.kc.get_iopub_msg(timeout=remaining))

    def shutdown(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def start_kernel(hpc: HpcEnv) -> Kernel:
    return Kernel(hpc)


# -- Slurm, asked directly ----------------------------------------------------------------


def slurm(*argv: str) -> str:
    env = dict(os.environ, SLURM_CONF=SLURM_CONF_LOCAL or "")
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30, check=True).stdout


def squeue_ids(states: str = "PD,R,CG,CF,S") -> set[str]:
    return set(slurm("squeue", "-h", "-t", states, "-o", "%i").split())


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def submitted_id(run: Run) -> str:
    match = re.search(r"Submitted batch job (\d+) on (\S+)", run.stdout)
    assert match, f"no job id printed: {run.stdout!r} {run.stderr!r}"
    assert run.value == repr(match.group(1)), "the magic returns the job id it prints"
    return match.group(1)


def assert_one_line_error(run: Run, *fragments: str) -> str:
    """A UsageError: one line, naming the problem, no traceback from inside the package."""
    assert not run.ok, "the cell should have failed"
    assert run.reply["content"]["ename"] == "UsageError", run.reply["content"]
    text = run.stderr.strip() or (run.error or {}).get("evalue", "")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one line, got: {text!r}"
    assert "Traceback" not in text and "jupyterlab_hpc" not in text, text
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hpc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HpcEnv]:
    if not default_main_js().is_file():
        pytest.fail(f"companion not built: {default_main_js()} (npm run build:companion)")
    env = make_env(tmp_path_factory.mktemp("magics"))
    yield env
    stop_companion(env)


@pytest.fixture(scope="module")
def kernel(hpc: HpcEnv) -> Iterator[Kernel]:
    """One kernel with the extension loaded, shared by the module's tests."""
    k = start_kernel(hpc)
    k.ok("%load_ext jupyterlab_hpc")
    yield k
    k.shutdown()


@pytest.fixture
def fresh_kernel(hpc: HpcEnv) -> Iterator[Kernel]:
    """A kernel of its own (same companion), for tests that watch what loading does."""
    k = start_kernel(hpc)
    yield k
    k.shutdown()


@pytest.fixture
def cancel_after() -> Iterator[list[str]]:
    """Job ids a test submitted; cancelled at the end whatever happens."""
    ids: list[str] = []
    yield ids
    if ids:
        subprocess.run(
            ["scancel", *ids], env=dict(os.environ, SLURM_CONF=SLURM_CONF_LOCAL or ""), timeout=30, check=False
        )


def hpc_comm_opens(k: Kernel) -> list[dict]:
    return [m for m in k.comm_opens if m["content"]["target_name"] == "jupyterlab-hpc"]
