"""The notebook magics and the kernel comm, in a real ipykernel (jupyter_client) against the
real companion and the real local Slurm cluster (the harness: magics_kernel.py).

Every kernel call has a deadline: a hang fails the test with what was running.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import _EXTRA_PYTHONPATH
from magics_kernel import (  # noqa: F401  (cancel_after, fresh_kernel, hpc and kernel are fixtures)
    JOBS_MIME,
    HpcEnv,
    Kernel,
    assert_one_line_error,
    cancel_after,
    fresh_kernel,
    hpc,
    hpc_comm_opens,
    kernel,
    make_env,
    needs_slurm,
    slurm,
    squeue_ids,
    start_kernel,
    stop_companion,
    submitted_id,
    wait_until,
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
