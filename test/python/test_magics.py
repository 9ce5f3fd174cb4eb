"""The notebook magics and the kernel comm, in a real ipykernel (jupyter_client) against the
real companion and the real local Slurm cluster.

Every kernel call has a deadline: a hang fails the test with what was running.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import subprocess
import sys
import time
import uuid
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


# -- jobs -----------------------------------------------------------------------------------


@needs_slurm
def test_sbatch_cell_squeue_scancel(kernel: Kernel, hpc: HpcEnv, cancel_after: list[str]) -> None:
    name = f"magic-{uuid.uuid4().hex[:8]}"
    run = kernel.ok(f"%%sbatch -p debug --job-name={name} --time=5\nsleep 300\n")
    job_id = submitted_id(run)
    cancel_after.append(job_id)
    assert "on local" in run.stdout  # the default cluster is the first configured one

    # Slurm has it, with the cell as the script (a #!/bin/bash line added) and the notebook's
    # directory as working directory.
    assert job_id in squeue_ids()
    shown = slurm("scontrol", "show", "job", job_id)
    assert f"JobName={name}" in shown
    assert f"WorkDir={hpc.work_dir}" in shown
    script = slurm("scontrol", "write", "batch_script", job_id, "-")
    assert script.splitlines()[:2] == ["#!/bin/bash", "sleep 300"]

    # %squeue shows it (table and JSON) and returns it as a dict.
    def listed() -> bool:
        return job_id in kernel.eval("[j['id'] for j in _v]", "%squeue")

    wait_until(listed, 15, f"{job_id} in %squeue")
    jobs = kernel.eval("list(_v)", f"%squeue --jobs {job_id}")
    assert [(j["id"], j["name"], j["cluster"]) for j in jobs] == [(job_id, name, "local")]
    table = kernel.ok(f"%squeue --jobs {job_id}")
    data = table.results[-1]
    assert job_id in data["text/html"] and name in data["text/html"]
    assert "<table" in data["text/html"] and "JOBID" in data["text/plain"]
    payload = data[JOBS_MIME]
    assert payload["query"]["cluster"] == "local" and [j["id"] for j in payload["jobs"]] == [job_id]

    # %scancel removes it from the queue.
    cancel = kernel.ok(f"%scancel {job_id}")
    assert f"Cancelled {job_id} on local" in cancel.stdout
    wait_until(lambda: job_id not in squeue_ids(), 30, f"job {job_id} gone from squeue")
    wait_until(lambda: not listed(), 30, f"{job_id} gone from %squeue")
    ended = kernel.eval("[j['state'] for j in _v]", f"%squeue --state all --jobs {job_id}")
    assert ended in ([], ["CANCELLED"])  # kept by Slurm for MinJobAge, as squeue -t all shows


@needs_slurm
def test_sbatch_line_reads_the_script_file(kernel: Kernel, hpc: HpcEnv, cancel_after: list[str]) -> None:
    (hpc.work_dir / "job.sh").write_text("#!/bin/sh\n#SBATCH --job-name=from-file\nsleep 300\n")
    run = kernel.ok("job_id = %sbatch --hold -p debug job.sh\njob_id")
    job_id = submitted_id(run)
    cancel_after.append(job_id)
    shown = slurm("scontrol", "show", "job", job_id)
    assert "JobName=from-file" in shown and "JobState=PENDING" in shown
    assert slurm("scontrol", "write", "batch_script", job_id, "-").startswith("#!/bin/sh\n")
    kernel.ok(f"%scancel {job_id}")


@needs_slurm
def test_sbatch_wrap_makes_the_script(kernel: Kernel, cancel_after: list[str]) -> None:
    run = kernel.ok('%sbatch --hold -p debug --job-name=wrapped --wrap "echo hello there; sleep 300"')
    job_id = submitted_id(run)
    cancel_after.append(job_id)
    assert "JobName=wrapped" in slurm("scontrol", "show", "job", job_id)
    script = slurm("scontrol", "write", "batch_script", job_id, "-")
    assert script.startswith("#!/bin/sh\n") and "\necho hello there; sleep 300\n" in script
    kernel.ok(f"%scancel {job_id}")
    ended = slurm("squeue", "-h", "-t", "all", "-j", job_id, "-o", "%T").strip()
    assert ended in ("", "CANCELLED")
    # a job that ended is not cancelled again: said in words
    if ended == "CANCELLED":
        assert_one_line_error(kernel.execute(f"%scancel {job_id}"), f"job {job_id} has already ended (CANCELLED)")


@needs_slurm
def test_sbatch_from_a_template(kernel: Kernel, hpc: HpcEnv, cancel_after: list[str]) -> None:
    """A personal template (in the data dir); --param values are checked by the companion."""
    template = {
        "id": "magic-hello",
        "title": "Hello from a template",
        "kind": "batch",
        "resources": {"partition": "debug", "time": "{{minutes}}", "jobName": "{{name}}"},
        "script": "echo {{greeting}}\nsleep 300\n",
        "parameters": {
            "minutes": {"type": "integer", "default": 5, "minimum": 1, "maximum": 60},
            "name": {"type": "string", "default": "tpl", "pattern": "[a-z0-9-]+"},
            "greeting": {"type": "string", "default": "hello"},
        },
    }
    (hpc.data_dir / "templates").mkdir(exist_ok=True)
    (hpc.data_dir / "templates" / "magic-hello.json").write_text(json.dumps(template))

    run = kernel.ok(
        "%sbatch --template magic-hello --param minutes=7 --param name=from-tpl --param 'greeting=hi $(id)'"
    )
    assert "(template magic-hello)" in run.stdout
    job_id = submitted_id(run)
    cancel_after.append(job_id)
    shown = slurm("scontrol", "show", "job", job_id)
    assert "JobName=from-tpl" in shown and "TimeLimit=00:07:00" in shown and "Partition=debug" in shown
    msg = kernel.wait_comm_msg(lambda d: d.get("type") == "job-submitted" and d.get("jobId") == job_id)
    assert msg["content"]["data"]["cluster"] == "local"

    assert_one_line_error(kernel.execute("%sbatch --template magic-hello --param minutes=999"), "minutes", "60")
    assert_one_line_error(kernel.execute("%sbatch --template no-such-template"), "no-such-template")
    assert_one_line_error(kernel.execute("%sbatch --template magic-hello --param oops"), "NAME=VALUE")
    assert_one_line_error(kernel.execute("%sbatch --template magic-hello -p debug"), "--param")


@needs_slurm
def test_jobs_run_in_the_folder_said(kernel: Kernel, hpc: HpcEnv, cancel_after: list[str]) -> None:
    """Issue 14 point 5: %%sbatch runs in the notebook's folder, a template without chdir in the
    home directory; each says where, and `pwd` in the job's output is that folder."""

    def pwd_of(folder: str, job_id: str) -> str:
        out = Path(folder) / f"slurm-{job_id}.out"
        return str(wait_until(lambda: out.exists() and out.read_text().strip(), 90, f"{out} written"))

    run = kernel.ok("%%sbatch -p debug --time=2\npwd\n")
    job_id = submitted_id(run)
    cancel_after.append(job_id)
    assert f"runs in {hpc.work_dir}" in run.stdout
    assert pwd_of(str(hpc.work_dir), job_id) == str(hpc.work_dir)

    template = {"id": "magic-where", "title": "Where am I", "kind": "batch", "script": "pwd\n"}
    (hpc.data_dir / "templates").mkdir(exist_ok=True)
    (hpc.data_dir / "templates" / "magic-where.json").write_text(json.dumps(template))
    run = kernel.ok("%sbatch --template magic-where")
    job_id = submitted_id(run)
    cancel_after.append(job_id)
    folder = run.stdout.strip().rsplit("runs in ", 1)[-1]
    assert folder.startswith("/") and folder != str(hpc.work_dir), run.stdout
    try:
        assert pwd_of(folder, job_id) == folder
    finally:
        (Path(folder) / f"slurm-{job_id}.out").unlink(missing_ok=True)

    # the help says the rule
    page = kernel.ok("%sbatch?").reply["content"]["payload"][0]["data"]["text/plain"]
    assert "Where the job runs: on a local cluster, in the notebook's folder" in page


@needs_slurm
def test_squeue_filters_and_other_users(kernel: Kernel, cancel_after: list[str]) -> None:
    job_id = submitted_id(kernel.ok("%%sbatch --hold -p debug\nsleep 1\n"))
    cancel_after.append(job_id)
    wait_until(lambda: job_id in kernel.eval("[j['id'] for j in _v]", "%squeue --state PD"), 15, "the held job listed")
    assert job_id not in kernel.eval("[j['id'] for j in _v]", "%squeue --state R")
    assert job_id not in kernel.eval("[j['id'] for j in _v]", "%squeue --user nobody-here")
    assert job_id in kernel.eval("[j['id'] for j in _v]", "%squeue --all --cluster all")


@needs_slurm
def test_sinfo_lists_partitions(kernel: Kernel) -> None:
    rows = kernel.eval("[(p['cluster'], p['partition'], p['default']) for p in _v]", "%sinfo")
    assert ["local", "debug", True] in rows and ["local", "batch", False] in rows
    shown = kernel.ok("%sinfo").results[-1]
    assert "debug*" in shown["text/plain"] and "<table" in shown["text/html"]
    # the columns of protocol/clusters.ts PARTITION_COLUMNS, in order
    header = shown["text/plain"].splitlines()[0].split()
    assert header == ["CLUSTER", "PARTITION", "AVAIL", "NODES", "IDLE", "ALLOC", "MIXED", "DOWN", "OTHER"]


def test_help_shows_usage(kernel: Kernel) -> None:
    run = kernel.ok("%sbatch?")
    page = run.reply["content"]["payload"][0]["data"]["text/plain"]
    assert "%%sbatch" in page and "--template" in page and "--param" in page
    run = kernel.ok("%ipcluster -h")
    assert "start" in run.stdout and "connect" in run.stdout


# -- errors: one line, naming the problem, never a hang ---------------------------------------


@needs_slurm
@pytest.mark.parametrize(
    "code, fragments",
    [
        ("%squeue --bogus", ["unrecognized arguments: --bogus"]),
        ("%sbatch -p debug", ["no such script file"]),
        ("%sbatch", ["missing script"]),
        ("%sbatch no-such-file.sh", ["no such script file: no-such-file.sh"]),
        ("%%sbatch -p debug\n\n", ["cell is empty"]),
        ("%squeue --cluster nowhere", ["no cluster named", "nowhere"]),
        ("%%sbatch --cluster nowhere\nsleep 1", ["no cluster named", "nowhere"]),
        ("%scancel", ["required: JOBID"]),
        ("%ipcluster start", ["-n/--workers"]),
        ("%ipcluster launch -n 2", ["invalid choice"]),
        ("%sbatch --param x=1 job.sh", ["--param needs --template"]),
        # Slurm's own message, on one line:
        ("%%sbatch -p no-such-partition\nsleep 1", ["invalid partition"]),
        ("%%sbatch --bogus-option\nsleep 1", ["bogus-option"]),
        # an id that is not there: said, never "Cancelled" or an empty table
        ("%scancel 99999999", ["job 99999999 is not in the queue of local"]),
        ("%squeue -j 99999999", ["no job 99999999 in your jobs on local"]),
        ("%squeue -j abc", ["'abc' is not a slurm job id"]),
        ("%scancel abc", ["'abc' is not a slurm job id"]),
        # request errors in words, never a schema path or a pattern
        ("%dask start -n 1 --partition 'x;y'", ["partition 'x;y' is not a slurm name"]),
        ("%%sbatch --wrap 'true'\nsleep 1", ["--wrap makes the script"]),
    ],
)
def test_bad_arguments_give_one_line(kernel: Kernel, code: str, fragments: list[str]) -> None:
    started = time.monotonic()
    assert_one_line_error(kernel.execute(code, timeout=60), *fragments)
    assert time.monotonic() - started < 30


def test_companion_that_cannot_start_is_one_line(tmp_path: Path) -> None:
    hpc = make_env(tmp_path, {"node": "/nonexistent/bin/node"})
    k = start_kernel(hpc)
    try:
        k.ok("%load_ext jupyterlab_hpc")  # loading needs no companion
        started = time.monotonic()
        line = assert_one_line_error(k.execute("%squeue", timeout=60), "node executable", "/nonexistent/bin/node")
        assert "HpcConfig.node" in line
        assert time.monotonic() - started < 30
    finally:
        k.shutdown()
        stop_companion(hpc)


# -- the comm ---------------------------------------------------------------------------------


def hpc_comm_opens(k: Kernel) -> list[dict]:
    return [m for m in k.comm_opens if m["content"]["target_name"] == "jupyterlab-hpc"]


@needs_slurm
def test_comm_hello_and_job_submitted(fresh_kernel: Kernel, cancel_after: list[str]) -> None:
    k = fresh_kernel
    k.ok("%load_ext jupyterlab_hpc")
    opens = hpc_comm_opens(k)
    assert len(opens) == 1, "loading the extension opens one comm"
    hello = opens[0]["content"]["data"]
    assert hello["type"] == "hello" and hello["protocol"] == 1 and hello["pid"] > 0
    comm_id = opens[0]["content"]["comm_id"]

    job_id = submitted_id(k.ok("%%sbatch --hold -p debug\nsleep 1\n"))
    cancel_after.append(job_id)
    msg = k.wait_comm_msg(lambda d: d.get("type") == "job-submitted")
    assert msg["content"]["comm_id"] == comm_id
    assert msg["content"]["data"] == {"type": "job-submitted", "cluster": "local", "jobId": job_id}

    # The Lab asks whether the kernel is there.
    k.send_comm("comm_msg", {"comm_id": comm_id, "data": {"type": "ping"}})
    k.wait_comm_msg(lambda d: d.get("type") == "hello")


@needs_slurm
def test_comm_reopens_after_a_frontend_closed_it(fresh_kernel: Kernel, cancel_after: list[str]) -> None:
    """A Lab without the target closes the comm; the next event opens a new one."""
    k = fresh_kernel
    k.ok("%load_ext jupyterlab_hpc")
    first = hpc_comm_opens(k)[0]["content"]["comm_id"]
    k.send_comm("comm_close", {"comm_id": first, "data": {}})
    job_id = submitted_id(k.ok("%%sbatch --hold -p debug\nsleep 1\n"))
    cancel_after.append(job_id)
    opens = hpc_comm_opens(k)
    assert len(opens) == 2 and opens[1]["content"]["data"]["type"] == "hello"
    msg = k.wait_comm_msg(lambda d: d.get("type") == "job-submitted")
    assert msg["content"]["comm_id"] == opens[1]["content"]["comm_id"]


def test_comm_opened_by_the_frontend(fresh_kernel: Kernel) -> None:
    """After a page reload the Lab may open the comm itself; the kernel greets it."""
    k = fresh_kernel
    k.ok("%load_ext jupyterlab_hpc")
    comm_id = uuid.uuid4().hex
    k.send_comm("comm_open", {"comm_id": comm_id, "target_name": "jupyterlab-hpc", "data": {}})
    msg = k.wait_comm_msg(lambda d: d.get("type") == "hello" and True)
    assert any(m["content"]["comm_id"] == comm_id for m in k.comm_msgs if m["content"]["data"]["type"] == "hello")
    assert msg


def test_comm_connect_set_unknown_set_answers_error(fresh_kernel: Kernel) -> None:
    k = fresh_kernel
    k.ok("%load_ext jupyterlab_hpc")
    comm_id = hpc_comm_opens(k)[0]["content"]["comm_id"]
    data = {"type": "connect-set", "setId": "no-such-set", "requestId": "r1"}
    k.send_comm("comm_msg", {"comm_id": comm_id, "data": data})
    reply = k.wait_comm_msg(lambda d: d.get("requestId") == "r1")["content"]["data"]
    assert reply["type"] == "error" and reply["request"] == "connect-set" and reply["setId"] == "no-such-set"
    assert "\n" not in reply["message"] and reply["message"]
    assert k.eval("'rc' in globals()") is False


def test_unload_closes_the_comm(fresh_kernel: Kernel) -> None:
    k = fresh_kernel
    k.ok("%load_ext jupyterlab_hpc")
    comm_id = hpc_comm_opens(k)[0]["content"]["comm_id"]
    k.ok("%unload_ext jupyterlab_hpc")
    assert any(m["content"]["comm_id"] == comm_id for m in k.comm_closes)
    run = k.execute("%squeue")
    assert not run.ok  # the magics are gone too
    k.ok("%load_ext jupyterlab_hpc")
    assert len(hpc_comm_opens(k)) == 2


def test_plain_ipython_loads_without_a_kernel() -> None:
    """Outside a kernel (terminal IPython) the magics load and no comm is attempted."""
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "ip.run_line_magic('load_ext', 'jupyterlab_hpc')\n"
        "print('sbatch' in ip.magics_manager.magics['cell'], 'squeue' in ip.magics_manager.magics['line'])\n"
    )
    env = dict(os.environ)
    if _EXTRA_PYTHONPATH:
        env["PYTHONPATH"] = _EXTRA_PYTHONPATH
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("True True"), out.stderr
