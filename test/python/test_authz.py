"""Jupyter's authorizer governs every hpc route: a real server, the real companion.

A custom ``ServerApp.authorizer_class`` (below) reads its policy for the resource "hpc" from a
file at each check, so one server shows a user denied everything, then a read-only one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
import websocket
from conftest import _EXTRA_PYTHONPATH, JupyterServer, _start_server

# (method, path under hpc/): every companion route, through handlers.py's two routes
# (hpc/api/ws… is the WebSocket, hpc/… anything else). Write bodies are invalid on purpose:
# allowed, they reach the companion and are refused there, never run.
ROUTES = [
    ("GET", "api/health"),
    ("GET", "api/clusters"),
    ("GET", "api/config"),
    ("GET", "api/clusters/local/jobs"),
    ("GET", "api/clusters/local/jobs/1"),
    ("GET", "api/clusters/local/jobs/1/output"),
    ("GET", "api/sets"),
    ("GET", "api/sets/nope"),
    ("GET", "api/sets/nope/connection"),
    ("GET", "api/templates"),
    ("GET", "api/templates/personal/nope"),
    ("PUT", "api/config/user-clusters"),
    ("POST", "api/clusters/local/submit"),
    ("POST", "api/clusters/local/jobs/actions"),
    ("POST", "api/sets"),
    ("POST", "api/sets/nope/scale"),
    ("DELETE", "api/sets/nope"),
    ("POST", "api/templates/render"),
    ("POST", "api/templates/submit"),
    ("PUT", "api/templates/personal/nope"),
    ("DELETE", "api/templates/personal/nope"),
    ("POST", "api/templates/personal/nope/duplicate-from"),
    ("PATCH", "api/anything"),  # no such companion route: still asked of the authorizer first
]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

AUTHORIZER = '''
import json, os
from jupyter_server.auth import Authorizer

class PolicyAuthorizer(Authorizer):
    """Allows everything except the actions on "hpc" that the policy file does not list."""

    def is_authorized(self, handler, user, action, resource):
        if resource != "hpc":
            return True
        with open(os.environ["HPC_AUTHZ_LOG"], "a") as log:
            log.write(json.dumps([handler.request.method, handler.request.path, action]) + "\\n")
        with open(os.environ["HPC_AUTHZ_POLICY"]) as policy:
            return action in json.load(policy)["hpc"]
'''


class Policy:
    def __init__(self, directory: Path) -> None:
        self.file = directory / "policy.json"
        self.log = directory / "asked.jsonl"

    def allow(self, *actions: str) -> None:
        self.file.write_text(json.dumps({"hpc": list(actions)}))
        self.log.write_text("")

    def asked(self) -> list[tuple[str, str, str]]:
        return [tuple(json.loads(line)) for line in self.log.read_text().splitlines()]


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JupyterServer, Policy]]:
    """A server whose ServerApp.authorizer_class is PolicyAuthorizer."""
    tmp = tmp_path_factory.mktemp("authz")
    extra = tmp / "extra"
    extra.mkdir()
    (extra / "hpc_test_authorizer.py").write_text(AUTHORIZER)
    server_config = {"ServerApp": {"authorizer_class": "hpc_test_authorizer.PolicyAuthorizer"}}
    (extra / "jupyter_server_config.json").write_text(json.dumps(server_config))
    policy = Policy(extra)
    policy.allow()
    path = [str(extra), _EXTRA_PYTHONPATH, os.environ.get("PYTHONPATH")]
    env = {
        "PYTHONPATH": os.pathsep.join(p for p in path if p),
        "JUPYTER_CONFIG_PATH": str(extra),  # read beside the server's own config dir
        "HPC_AUTHZ_POLICY": str(policy.file),
        "HPC_AUTHZ_LOG": str(policy.log),
    }
    server = _start_server(tmp, None, None, env)
    yield server, policy
    server.stop()


def ws_url(server: JupyterServer, path: str) -> str:
    return "ws" + server.url[len("http") :] + path


def call(server: JupyterServer, method: str, path: str) -> requests.Response:
    body: dict[str, Any] = (
        {"data": "{}", "headers": {"Content-Type": "application/json"}} if method in WRITE_METHODS else {}
    )
    return server.request(method, "hpc/" + path, **body)


def open_ws(server: JupyterServer) -> websocket.WebSocket:
    return websocket.create_connection(ws_url(server, f"hpc/api/ws?token={server.token}"), timeout=30)


def assert_reached_companion(r: requests.Response, method: str, path: str) -> None:
    """Not Jupyter's refusal: the companion answered (its errors are {"error": ...})."""
    assert r.status_code != 403, (method, path, r.text)
    assert r.status_code < 300 or "error" in r.json(), (method, path, r.status_code, r.text)


def test_denied_user_gets_403_on_every_hpc_route_and_the_websocket(limited: tuple[JupyterServer, Policy]) -> None:
    server, policy = limited
    policy.allow()  # nothing on "hpc"
    for method, path in ROUTES:
        r = call(server, method, path)
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert "resource: hpc" in r.json()["message"], r.text
    with pytest.raises(websocket.WebSocketBadStatusException) as err:
        open_ws(server)
    assert err.value.status_code == 403

    # Jupyter's own routes still answer: only our resource is denied.
    assert server.get("api/contents").status_code == 200
    assert server.get("api/kernelspecs").status_code == 200

    # Each request asked the authorizer once, with jupyter_server's method → action mapping.
    hpc = urlparse(server.url).path + "hpc/"
    asked = policy.asked()
    assert [(m, p) for m, p, _ in asked] == [(m, hpc + p) for m, p in ROUTES] + [("GET", hpc + "api/ws")]
    for method, _, action in asked[:-1]:
        assert action == ("write" if method in WRITE_METHODS else "read"), (method, action)
    assert asked[-1][2] == "read"  # the WebSocket only watches what GET shows


def test_read_only_user_reads_and_watches_but_cannot_act(limited: tuple[JupyterServer, Policy]) -> None:
    server, policy = limited
    policy.allow("read")
    for method, path in ROUTES:
        r = call(server, method, path)
        if method in WRITE_METHODS:
            assert r.status_code == 403, (method, path, r.status_code, r.text)
        else:
            assert_reached_companion(r, method, path)
    assert server.get("hpc/api/clusters").json()["clusters"], "the read-only user sees the clusters"
    ws = open_ws(server)
    try:
        assert json.loads(ws.recv())["type"] == "sets"
        ws.send(json.dumps({"type": "subscribe", "cluster": "local"}))
        header = str(ws.recv()).split("\n", 1)[0]  # a snapshot: a JSON header line, then squeue's records
        assert json.loads(header)["type"] in ("snapshot", "error")
    finally:
        ws.close()


def test_default_authorizer_allows_every_hpc_route(server: JupyterServer) -> None:
    for method, path in ROUTES:
        assert_reached_companion(call(server, method, path), method, path)
    ws = open_ws(server)
    try:
        assert json.loads(ws.recv())["type"] == "sets"
    finally:
        ws.close()
