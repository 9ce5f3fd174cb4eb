"""The proxy allowlist: exactly the dashboard host:port of the user's running sets.

The real path: a Jupyter server with jupyter-server-proxy and ``allow_set_nodes``, a real Dask
set on the local Slurm, and a page served by the second Unix user (hpcuser) on the set's node.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Optional
from urllib.parse import urlparse

import pytest
import requests
from conftest import JupyterServer, ServerFactory, free_port
from magics_kernel import SLURM_CONF_LOCAL, needs_slurm, squeue_ids, wait_until

from jupyterlab_hpc.dashboards import allow_set_nodes
from jupyterlab_hpc.server import dashboards
from jupyterlab_hpc.server.dashboards import requested_port, set_dashboards

START = 180.0  # seconds for a set to be scheduled and its scheduler to write its address


def test_set_dashboards_are_those_of_running_sets_only() -> None:
    sets = [
        {"state": "running", "dashboard": "http://Node7:8787/status", "address": "tcp://node7:41001"},
        {"state": "starting", "dashboard": "http://node8:8788/status", "address": "tcp://node8:41002"},
        {"state": "ended", "dashboard": "http://node9:8787/status"},
        {"state": "running", "dashboard": "http://node6/status"},  # no port: nothing to allow
        {"state": "running", "dashboard": "http://node5:99999/status"},  # out of range
        {"state": "running"},
    ]
    assert set_dashboards(sets) == {("node7", 8787)}  # never the scheduler's own port


def test_a_custom_sets_web_uis_are_allowed_while_it_runs() -> None:
    sets: list[dict[str, Any]] = [
        {"state": "running", "kind": "custom", "webUIs": [{"label": "Spark", "url": "http://node3:4040"}, {"url": 5}]},
        {"state": "ended", "kind": "custom", "webUIs": [{"label": "Spark", "url": "http://node4:4040"}]},
        {"state": "running", "kind": "custom", "webUIs": "http://node5:4040"},
    ]
    assert set_dashboards(sets) == {("node3", 4040)}


def test_the_port_is_read_from_either_form() -> None:
    remote = SimpleNamespace(path_args=["node7", "8787", "/status"])  # proxy/<host>:<port>/…
    local = SimpleNamespace(path_args=["8787", "/status"])  # proxy/<port>/… (host localhost)
    assert requested_port(remote, "node7") == ("node7", 8787)
    assert requested_port(local, "localhost") == ("localhost", 8787)
    assert requested_port(SimpleNamespace(), "Node7:8787") == ("node7", 8787)  # host:port
    assert requested_port(SimpleNamespace(), "node7") == ("node7", None)


def test_nothing_is_allowed_without_a_companion() -> None:
    dashboards._cache.update(at=float("-inf"), until=0.0, dashboards=frozenset())
    for host in ("127.0.0.1", "localhost", "node7", "evil.example.org"):
        assert not allow_set_nodes(SimpleNamespace(settings={}, path_args=[host, "8787", "/"]), host)


# -- through a real Jupyter server and a real Dask set ------------------------------------------


def proxy_status(server: JupyterServer, host: str, port: int, path: str = "/", **kwargs: Any) -> int:
    return server.get(f"proxy/{host}:{port}{path}", timeout=60, **kwargs).status_code


@pytest.fixture
def proxy_server(start_server: ServerFactory, tmp_path: Path) -> JupyterServer:
    extra = tmp_path / "proxy-config"
    extra.mkdir()
    (extra / "jupyter_server_config.py").write_text(
        "from jupyterlab_hpc.dashboards import allow_set_nodes\n\nc.ServerProxy.host_allowlist = allow_set_nodes\n"
    )
    clusters = [{"name": "local", "transport": "local", "env": {"SLURM_CONF": SLURM_CONF_LOCAL}}]
    return start_server(hpc_config={"clusters": clusters}, env={"JUPYTER_CONFIG_PATH": str(extra)})


@pytest.fixture
def other_users_page() -> Iterator[int]:
    """An HTTP server of hpcuser's on this node (the set's node), on every address."""
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="hpc-other-user-"))  # in /tmp: hpcuser can read it
    (root / "index.html").write_text("<script>/* would run as the victim's Jupyter */</script>")
    os.chmod(root, 0o755)
    argv = ["/usr/bin/python3", "-m", "http.server", str(port), "--bind", "0.0.0.0", "--directory", str(root)]
    proc = subprocess.Popen(
        ["runuser", "-u", "hpcuser", "--", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/"), 30, "hpcuser's page to be served")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(root)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@needs_slurm
def test_only_the_running_sets_dashboard_is_proxied(proxy_server: JupyterServer, other_users_page: int) -> None:
    server = proxy_server
    jupyter_port = urlparse(server.url).port
    assert jupyter_port is not None
    assert _answers(f"http://vm:{other_users_page}/"), "hpcuser's page is reachable on the node itself"

    # No set: neither loopback (this Jupyter itself, other users' servers) nor the node.
    for host in ("127.0.0.1", "localhost"):
        assert proxy_status(server, host, jupyter_port, "/jl/api/status") == 403
        assert proxy_status(server, host, other_users_page) == 403
    assert proxy_status(server, "vm", other_users_page) == 403
    # jupyter-server-proxy's port-only forms never ask the allowlist: our guard refuses them
    for form in ("proxy", "proxy/absolute"):
        refused = server.get(f"{form}/{other_users_page}/", timeout=60)
        assert refused.status_code == 403
        assert "jupyterlab-hpc refuses" in refused.text

    r = server.request("POST", "hpc/api/sets", json={"cluster": "local", "kind": "dask", "workers": 1, "time": 5})
    assert r.status_code == 201, r.text
    set_id = r.json()["id"]
    try:

        def running_with_dashboard() -> Optional[dict]:
            record = server.get(f"hpc/api/sets/{set_id}").json()
            assert record["state"] not in ("ended", "stopping"), record
            return record if record["state"] == "running" and record.get("dashboard") else None

        record = wait_until(running_with_dashboard, START, "the Dask set running with a dashboard")
        dashboard = urlparse(record["dashboard"])
        host, port = dashboard.hostname, dashboard.port
        scheduler_port = int(record["address"].rsplit(":", 1)[1])

        # The dashboard answers through the proxy (its pages connect shortly after start-up), with
        # the cookie the owner's browser sets: the set's secret, from the companion's connection.
        connection = server.get(f"hpc/api/sets/{set_id}/connection").json()
        cookie = {connection["dashboardCookie"]: connection["dashboardSecret"]}
        assert connection["dashboardCookie"] == f"hpc-dash-{set_id}"
        wait_until(
            lambda: proxy_status(server, host, port, "/status", cookies=cookie) == 200, 90, "the proxied dashboard"
        )
        assert proxy_status(server, host, port, "/json/counts.json", cookies=cookie) == 200
        # Without it (or with another), the set's own server refuses, through the proxy too.
        for cookies in ({}, {connection["dashboardCookie"]: "0" * 64}):
            refused = server.get(f"proxy/{host}:{port}/status", cookies=cookies, timeout=60)
            assert refused.status_code == 403
            assert "answers its set's owner only" in refused.text
        # Every other port on the set's node is refused: another user's page, the scheduler's
        # own port, loopback.
        assert _answers(f"http://{host}:{other_users_page}/")
        assert proxy_status(server, host, other_users_page) == 403
        assert proxy_status(server, host, scheduler_port) == 403
        for loopback in ("127.0.0.1", "localhost"):
            assert proxy_status(server, loopback, jupyter_port, "/jl/api/status") == 403
            assert proxy_status(server, loopback, other_users_page) == 403
    finally:
        server.request("DELETE", f"hpc/api/sets/{set_id}")
    jobs = {j["id"] for j in server.get(f"hpc/api/sets/{set_id}").json()["jobs"]}
    wait_until(lambda: server.get(f"hpc/api/sets/{set_id}").json()["state"] == "ended", 90, "the set ended")
    # Once the set has ended its port is no longer the user's: refused again.
    wait_until(lambda: proxy_status(server, host, port, "/status") == 403, 30, "the ended set's dashboard refused")
    wait_until(lambda: not (jobs & squeue_ids()), 60, "the set's jobs gone from squeue")
