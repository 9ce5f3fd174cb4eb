"""%ipcluster / %dask and the comm's connect-set, with real engines and workers in Slurm jobs."""

from __future__ import annotations

import json
import re
import time

from magics_kernel import (  # noqa: F401  (cancel_after, hpc and kernel are fixtures: module-scoped here too)
    HpcEnv,
    Kernel,
    assert_one_line_error,
    cancel_after,
    hpc,
    hpc_comm_opens,
    kernel,
    make_env,
    needs_slurm,
    squeue_ids,
    start_kernel,
    stop_companion,
    submitted_id,
    wait_until,
)

pytestmark = needs_slurm
START = 180.0  # seconds for a set to be scheduled and its engines to connect


def started_set_id(k: Kernel, kind: str) -> str:
    """The set the last start of this kind started: the kernel's comm messages hold the module's earlier ones too."""

    def started(d: dict) -> bool:
        return d.get("type") == "set-started" and d.get("kind") == kind

    k.wait_comm_msg(started)
    return [m for m in k.comm_msgs if started(m["content"]["data"])][-1]["content"]["data"]["setId"]


def set_job_ids(hpc: HpcEnv, set_id: str) -> set[str]:
    return {j["id"] for j in hpc.api("GET", f"sets/{set_id}").json()["jobs"]}


def test_ipcluster_start_connect_stop(kernel: Kernel, hpc: HpcEnv) -> None:
    run = kernel.ok("rc = %ipcluster start -n 2 --time 10", timeout=START + 30)
    assert "Connected: ipyparallel.Client with 2 engines" in run.stdout
    assert any("2/2 connected" in d.get("text/plain", "") for d in run.displays), "progress is shown"
    assert kernel.eval("len(rc.ids)") == 2
    pids = kernel.eval("rc[:].apply_sync(__import__('os').getpid)")
    assert len(set(pids)) == 2  # two engine processes, in Slurm jobs

    set_id = started_set_id(kernel, "ipyparallel")  # the comm told the Lab at once
    jobs = set_job_ids(hpc, set_id)
    assert jobs and jobs <= squeue_ids()

    status = kernel.ok("%ipcluster status")
    assert set_id in status.value
    assert kernel.eval("_v is rc", "%ipcluster connect") is True  # the kernel's client is reused

    stop = kernel.ok("%ipcluster stop", timeout=90)
    assert f"Stopped ipyparallel set {set_id}" in stop.stdout
    assert hpc.api("GET", f"sets/{set_id}").json()["state"] == "ended"
    wait_until(lambda: not (jobs & squeue_ids()), 30, f"the jobs {jobs} of the set gone from squeue")
    assert_one_line_error(kernel.execute("%ipcluster stop"), "no ipyparallel set is running")


def test_dask_start_and_stop(kernel: Kernel, hpc: HpcEnv) -> None:
    kernel.ok("client = %dask start -n 2 --time 10", timeout=START + 30)
    assert kernel.eval("client.submit(lambda x: x + 1, 41).result(timeout=60)") == 42
    assert kernel.eval("len(client.nthreads())") == 2
    set_id = started_set_id(kernel, "dask")
    jobs = set_job_ids(hpc, set_id)
    kernel.ok(f"%dask stop {set_id}", timeout=90)
    wait_until(lambda: not (jobs & squeue_ids()), 30, "the dask set's jobs gone from squeue")


def test_dask_start_from_a_template(kernel: Kernel, hpc: HpcEnv) -> None:
    """The companion renders the template's set-up: the workers see what it exports, the value stays data."""
    template = {
        "id": "dask-env",
        "title": "Dask with a greeting",
        "kind": "dask",
        "script": "",
        "setup": ["export HPC_GREETING={{greeting}}"],
        "parameters": {"greeting": {"type": "string", "default": "hello"}},
    }
    (hpc.data_dir / "templates").mkdir(exist_ok=True)
    (hpc.data_dir / "templates" / "dask-env.json").write_text(json.dumps(template))
    assert_one_line_error(kernel.execute("%dask start -n 1 --param greeting=x"), "--param needs --template")
    assert_one_line_error(kernel.execute("%dask start -n 1 --template dask-env --param oops"), "NAME=VALUE")
    kernel.ok(
        "client = %dask start -n 2 --time 10 --template dask-env --param 'greeting=hi $(id) there'",
        timeout=START + 30,
    )
    seen = kernel.eval("sorted(set(client.run(__import__('os').getenv, 'HPC_GREETING').values()))")
    assert seen == ["hi $(id) there"]
    # the set of this test: the only one started from the template (the comm's messages hold earlier sets too)
    [record] = [s for s in hpc.api("GET", "sets").json()["sets"] if s["spec"].get("fromTemplate")]
    set_id = record["id"]
    assert record["spec"]["fromTemplate"] == {
        "id": "dask-env",
        "source": "personal",
        "params": {"greeting": "hi $(id) there"},
    }
    jobs = set_job_ids(hpc, set_id)
    kernel.ok(f"%dask stop {set_id}", timeout=90)
    wait_until(lambda: not (jobs & squeue_ids()), 30, "the dask set's jobs gone from squeue")
    # a template of another kind is refused in words
    assert_one_line_error(kernel.execute("%ipcluster start -n 1 --template dask-env"), "dask template")


def test_dask_nanny_on_request(kernel: Kernel, hpc: HpcEnv) -> None:
    """Workers start without a nanny (a second Python per worker, ~1 s); --nanny brings it back."""
    assert_one_line_error(kernel.execute("%ipcluster start -n 1 --nanny"), "unrecognized arguments: --nanny")
    kernel.ok("client = %dask start -n 1 --nanny --time 10", timeout=START + 30)
    kernel.ok("client.restart(timeout=60)", timeout=90)  # only a nanny can restart its worker
    assert kernel.eval("client.submit(lambda x: x * 2, 21).result(timeout=60)") == 42
    set_id = started_set_id(kernel, "dask")
    jobs = set_job_ids(hpc, set_id)
    kernel.ok(f"%dask stop {set_id}", timeout=90)
    wait_until(lambda: not (jobs & squeue_ids()), 30, "the dask set's jobs gone from squeue")


def test_connect_set_from_the_lab_defines_the_variable(kernel: Kernel, hpc: HpcEnv, cancel_after: list[str]) -> None:
    """The sidebar's "Use in notebook": a set started elsewhere, connected in another kernel."""
    kernel.ok("other = %ipcluster start -n 2 --time 10", timeout=START + 30)
    set_id = [
        m["content"]["data"]["setId"] for m in kernel.comm_msgs if m["content"]["data"].get("type") == "set-started"
    ][-1]
    notebook = start_kernel(hpc)
    try:
        notebook.ok("%load_ext jupyterlab_hpc")
        comm_id = hpc_comm_opens(notebook)[0]["content"]["comm_id"]
        # The kernel is busy: the variable must appear only once the cell is done.
        busy = notebook.kc.execute("import time; time.sleep(2); seen_during_cell = 'engines' in globals()")
        data = {"type": "connect-set", "setId": set_id, "variable": "engines", "requestId": "req-1"}
        notebook.send_comm("comm_msg", {"comm_id": comm_id, "data": data}, timeout=90)
        reply = notebook.wait_comm_msg(lambda d: d.get("requestId") == "req-1", timeout=90)["content"]["data"]
        assert reply["type"] == "set-connected", reply
        assert reply["variable"] == "engines" and reply["kind"] == "ipyparallel" and reply["workers"] == 2
        assert re.match(r"Defined engines: ipyparallel\.Client with 2 engines", reply["message"])
        assert busy and notebook.eval("seen_during_cell") is False
        assert notebook.eval("len(engines.ids)") == 2

        # A magic run in a subshell (a console sharing the kernel) sent its event from there, so
        # ipykernel routes the comm's next message to that subshell, concurrently with the cell
        # on the main shell: the kernel must still define the variable only after that cell.
        subshell = notebook.create_subshell()
        job = submitted_id(notebook.ok_in(subshell, "%%sbatch --hold -p debug\nsleep 1\n"))
        cancel_after.append(job)
        busy = notebook.kc.execute("time.sleep(3); seen_during_cell = 'sub_rc' in globals()")
        time.sleep(0.5)
        data = {"type": "connect-set", "setId": set_id, "variable": "sub_rc", "requestId": "req-sub"}
        notebook.send_comm("comm_msg", {"comm_id": comm_id, "data": data})
        reply = notebook.wait_comm_msg(lambda d: d.get("requestId") == "req-sub", timeout=90)["content"]["data"]
        assert reply["type"] == "set-connected", reply
        assert busy and notebook.eval("seen_during_cell") is False
        assert notebook.eval("len(sub_rc.ids)") == 2

        # The default name, and a bad one.
        notebook.send_comm("comm_msg", {"comm_id": comm_id, "data": {"type": "connect-set", "setId": set_id}})
        notebook.wait_comm_msg(lambda d: d.get("type") == "set-connected" and d.get("variable") == "rc")
        assert notebook.eval("len(rc.ids)") == 2
        bad = {"type": "connect-set", "setId": set_id, "variable": "not valid", "requestId": "req-2"}
        notebook.send_comm("comm_msg", {"comm_id": comm_id, "data": bad})
        error = notebook.wait_comm_msg(lambda d: d.get("requestId") == "req-2")["content"]["data"]
        assert error["type"] == "error" and "not a valid Python variable name" in error["message"]
    finally:
        notebook.shutdown()
        kernel.ok(f"%ipcluster stop {set_id}", timeout=90)


def test_dask_start_that_will_never_run_returns_with_slurms_reason(kernel: Kernel, hpc: HpcEnv) -> None:
    """Two nodes on a one-node partition pend with PartitionNodeLimit: said at once, not at the timeout."""
    started = time.monotonic()
    run = kernel.execute("%dask start -n 2 --nodes 2 --time 5 --timeout 600", timeout=660)
    line = assert_one_line_error(run, "will never run")
    assert re.search(r"Partition(NodeLimit|Config)", line), line
    assert time.monotonic() - started < 300, "well before the 600 s timeout"
    # the set named in the error (the shared kernel may still hold an earlier test's set-started message)
    named = re.search(r"set (\w+) will never run", line)
    assert named, line
    set_id = named.group(1)
    assert hpc.api("GET", f"sets/{set_id}").json()["kind"] == "dask"
    jobs = set_job_ids(hpc, set_id)
    kernel.ok(f"%dask stop {set_id}", timeout=90)
    wait_until(lambda: not (jobs & squeue_ids()), 30, "the set's jobs gone from squeue")


def test_set_that_cannot_start_is_one_line(tmp_path) -> None:
    """A bad python for the engines: the set ends with the reason, not a hang."""
    hpc = make_env(tmp_path)
    k = start_kernel(hpc)
    try:
        k.ok("%load_ext jupyterlab_hpc")
        run = k.execute("%ipcluster start -n 1 --time 5 --python /nonexistent/python --timeout 120", timeout=180)
        line = assert_one_line_error(run, "ended")
        assert "/nonexistent/python" in line or "failed to start" in line
    finally:
        k.shutdown()
        stop_companion(hpc)
