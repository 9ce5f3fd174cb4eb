"""Foundation "must show" tests: a real Jupyter server, the real companion (main.js)."""

from __future__ import annotations

import os
import signal
import stat
import time

import requests
from conftest import JupyterServer, ServerFactory, connection_file, wait_gone


def test_proxy_requires_jupyter_auth(server: JupyterServer) -> None:
    for headers in ({}, {"Authorization": "token wrong"}):
        r = server.get("hpc/api/clusters", auth=False, headers=headers)
        assert r.status_code in (302, 403), r.text
    r = server.request("PUT", "hpc/api/config/user-clusters", auth=False, json={"clusters": []})
    assert r.status_code == 403

    r = server.get("hpc/api/clusters")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert isinstance(r.json()["clusters"], list)


def test_companion_is_private(server: JupyterServer) -> None:
    """0600 connection file; the companion's own port refuses requests without its token."""
    assert server.get("hpc/api/clusters").status_code == 200
    info = server.companion()
    assert stat.S_IMODE(connection_file(server.runtime_dir).stat().st_mode) == 0o600
    assert info["url"] == f"http://127.0.0.1:{info['port']}"
    assert len(info["token"]) == 64

    assert requests.get(info["url"] + "/api/health", timeout=5).status_code == 401
    wrong = {"Authorization": "token " + "0" * 64}
    assert requests.get(info["url"] + "/api/clusters", headers=wrong, timeout=5).status_code == 401
    good = {"Authorization": f"token {info['token']}"}
    r = requests.get(info["url"] + "/api/health", headers=good, timeout=5)
    assert r.status_code == 200 and r.json()["ok"] is True and r.json()["pid"] == info["pid"]


def test_killed_companion_is_restarted(server: JupyterServer) -> None:
    assert server.get("hpc/api/health").status_code == 200
    old = server.companion()
    os.kill(old["pid"], signal.SIGKILL)
    assert wait_gone(old["pid"])

    r = server.get("hpc/api/health")  # any request through Jupyter
    assert r.status_code == 200, r.text
    new = server.companion(not_pid=old["pid"])
    assert r.json()["pid"] == new["pid"] != old["pid"]


def test_body_status_and_content_type_pass_through(server: JupyterServer) -> None:
    clusters = [{"name": "mine", "transport": "local"}]
    r = server.request("PUT", "hpc/api/config/user-clusters", json={"clusters": clusters})
    assert r.status_code == 200, r.text
    names = [c["name"] for c in server.get("hpc/api/config").json()["clusters"]]
    assert "mine" in names

    r = server.request("PUT", "hpc/api/config/user-clusters", json={"bogus": 1})
    assert r.status_code == 400 and "error" in r.json()  # the companion's validation, relayed
    r = server.get("hpc/api/no-such-route?x=1")
    assert r.status_code == 404 and "error" in r.json()


def test_node_missing_is_reported_not_fatal(start_server: ServerFactory, tmp_path) -> None:
    """A broken node setting must not break Jupyter: the proxy answers 502 with the fix."""
    missing = str(tmp_path / "no-node-here")
    srv = start_server(hpc_config={"node": missing})
    assert srv.get("api/status").status_code == 200
    # The eager start at server startup logs the clear error before any request.
    deadline = time.monotonic() + 15
    while "c.HpcConfig.node" not in srv.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "c.HpcConfig.node" in srv.log()

    r = srv.get("hpc/api/clusters")
    assert r.status_code == 502
    error = r.json()["error"]
    assert missing in error and "c.HpcConfig.node" in error and "JUPYTERLAB_HPC_NODE" in error
    assert "Traceback" not in srv.log()  # a clear line, not a stack trace
