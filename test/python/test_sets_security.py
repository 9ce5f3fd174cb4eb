"""The owner's kernel reaches its secured sets: %dask connect and "Use in notebook" present the set's
certificate (Dask on TLS), %ipcluster connect the set's key; a client without them gets nowhere."""

from __future__ import annotations

import pytest
from magics_kernel import (  # noqa: F401  (hpc and kernel are fixtures: module-scoped here too)
    HpcEnv,
    Kernel,
    hpc,
    hpc_comm_opens,
    kernel,
    needs_slurm,
    squeue_ids,
    start_kernel,
    wait_until,
)
from test_magics_sets import START, set_job_ids, started_set_id

pytestmark = needs_slurm


def test_dask_connect_and_use_in_notebook_present_the_sets_certificate(kernel: Kernel, hpc: HpcEnv) -> None:
    kernel.ok("owner = %dask start -n 1 --time 10", timeout=START + 30)
    set_id = started_set_id(kernel, "dask")
    address = hpc.api("GET", f"sets/{set_id}/connection").json()["address"]
    assert address.startswith("tls://")
    jobs = set_job_ids(hpc, set_id)
    notebook = start_kernel(hpc)
    try:
        notebook.ok("%load_ext jupyterlab_hpc\nimport os")
        # %dask connect in another kernel: the set's Security, and code runs as the owner
        notebook.ok(f"client = %dask connect {set_id}", timeout=90)
        assert notebook.eval("client.scheduler.address") == address
        assert notebook.eval("client.security.require_encryption") is True
        assert notebook.eval("client.submit(lambda x: x + 1, 41).result(timeout=60)") == 42
        assert notebook.eval("client.run_on_scheduler(os.getuid)") == notebook.eval("os.getuid()")

        # "Use in notebook": the comm's connect-set defines a client of its own
        comm_id = hpc_comm_opens(notebook)[0]["content"]["comm_id"]
        data = {"type": "connect-set", "setId": set_id, "variable": "dclient", "requestId": "req-tls"}
        notebook.send_comm("comm_msg", {"comm_id": comm_id, "data": data}, timeout=90)
        reply = notebook.wait_comm_msg(lambda d: d.get("requestId") == "req-tls", timeout=90)["content"]["data"]
        assert reply["type"] == "set-connected" and reply["workers"] == 1, reply
        assert notebook.eval("dclient.submit(sum, [1, 2, 3]).result(timeout=60)") == 6

        # without the certificate: plain tcp:// to the same port, and tls:// with no certificate
        plain = "tcp://" + address.split("://", 1)[1]
        refused = notebook.execute(f"from distributed import Client\nClient({plain!r}, timeout=5)", timeout=60)
        assert not refused.ok
        no_cert = notebook.execute(f"Client({address!r}, timeout=5)", timeout=60)
        assert not no_cert.ok
    finally:
        notebook.shutdown()
        kernel.ok(f"%dask stop {set_id}", timeout=90)
    wait_until(lambda: not (jobs & squeue_ids()), 30, "the dask set's jobs gone from squeue")


def test_ipcluster_connect_with_the_sets_key_and_not_without(kernel: Kernel, hpc: HpcEnv) -> None:
    kernel.ok("engines = %ipcluster start -n 1 --time 10", timeout=START + 30)
    set_id = started_set_id(kernel, "ipyparallel")
    connection = hpc.api("GET", f"sets/{set_id}/connection").json()
    jobs = set_job_ids(hpc, set_id)
    notebook = start_kernel(hpc)
    try:
        notebook.ok("%load_ext jupyterlab_hpc\nimport json, os, tempfile")
        notebook.ok(f"rc = %ipcluster connect {set_id}", timeout=90)
        assert notebook.eval("rc[:].apply_sync(os.getuid)") == [notebook.eval("os.getuid()")]

        # the same ports with a wrong key: the controller never answers
        wrong = dict(connection["clientFile"], key="0123456789abcdef0123456789abcdef")
        notebook.ok(f"path = tempfile.mktemp(suffix='.json')\njson.dump({wrong!r}, open(path, 'w'))")
        refused = notebook.execute(
            "import ipyparallel as ipp\nipp.Client(path, timeout=5).wait_for_engines(1, timeout=5)"
        )
        assert not refused.ok
    finally:
        notebook.shutdown()
        kernel.ok(f"%ipcluster stop {set_id}", timeout=90)
    wait_until(lambda: not (jobs & squeue_ids()), 30, "the ipyparallel set's jobs gone from squeue")


def test_a_tls_set_without_its_certificate_is_refused_in_words() -> None:
    """A tls:// address with no certificate from the companion: one line, not a hang."""
    from jupyterlab_hpc.kernel.client import HpcError
    from jupyterlab_hpc.kernel.set_clients import make_client

    with pytest.raises(HpcError, match="gave no certificate"):
        make_client("dask", {"kind": "dask", "address": "tls://127.0.0.1:1"})
