"""Proxy details, through a real Jupyter server, against fake_companion.js.

The fake is started in the server's runtime dir before the server, which then finds
and reuses it (the launcher's find-or-start), so no test hook exists in the product.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import websocket
from conftest import FAKE_COMPANION, REPO, JupyterServer, ServerFactory, _start_server, node_env

from jupyterlab_hpc.shared.config import HpcConfig
from jupyterlab_hpc.shared.launcher import CompanionInfo, Launcher, default_main_js


def _start_fake(runtime_dir: Path) -> CompanionInfo:
    if not (REPO / "node_modules" / "ws").is_dir():
        pytest.skip("the fake companion needs node_modules/ws (npm ci)")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NODE_PATH", node_env()["NODE_PATH"])
        launcher = Launcher(HpcConfig(idle_timeout=0), runtime_dir=str(runtime_dir), main_js=FAKE_COMPANION)
        return launcher.ensure()


@pytest.fixture(scope="module")
def fake_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JupyterServer, CompanionInfo]]:
    """Shared by the tests that leave the fake as they found it."""
    tmp = tmp_path_factory.mktemp("fake")
    fake = _start_fake(tmp / "runtime")
    server = _start_server(tmp, None, tmp / "runtime", {})
    server.companion_pids.add(fake.pid)
    yield server, fake
    server.stop()


@pytest.fixture
def srv(fake_server: tuple[JupyterServer, CompanionInfo]) -> JupyterServer:
    return fake_server[0]


@pytest.fixture
def fake(fake_server: tuple[JupyterServer, CompanionInfo]) -> CompanionInfo:
    return fake_server[1]


def ws_url(server: JupyterServer, path: str) -> str:
    return "ws" + server.url[len("http") :] + path


def test_request_details_pass_through(srv: JupyterServer, fake: CompanionInfo) -> None:
    r = srv.get(f"hpc/api/echo?a=1&b=x%20y&token={srv.token}", headers={"Cookie": "secret=1"})
    assert r.status_code == 200
    echo = r.json()
    assert echo["url"] == "/api/echo?a=1&b=x+y"  # Jupyter's token never reaches the companion
    assert echo["cookie"] is None
    assert echo["method"] == "GET"

    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = srv.request(method, "hpc/api/echo", data='{"k": 1}', headers={"Content-Type": "application/json"})
        assert r.status_code == 200, (method, r.text)
        assert r.json()["method"] == method
        assert r.json()["body"] == '{"k": 1}'
        assert r.json()["contentType"] == "application/json"

    r = srv.request("POST", "hpc/api/echo")  # POST without a body
    assert r.status_code == 200 and r.json()["body"] == ""

    r = srv.get("hpc/api/text")
    assert (r.status_code, r.headers["Content-Type"], r.text) == (418, "text/plain", "short and stout")
    r = srv.request("DELETE", "hpc/api/no-content")
    assert r.status_code == 204 and r.content == b""
    r = srv.get("hpc/api/missing")
    assert r.status_code == 404 and r.json() == {"error": "no such endpoint"}


def test_websocket_relays_both_ways_and_closes_together(srv: JupyterServer, fake: CompanionInfo) -> None:
    # Browsers cannot set headers on websockets: authenticate with the token parameter.
    ws = websocket.create_connection(ws_url(srv, f"hpc/api/ws/echo?x=1&token={srv.token}"), timeout=10)
    try:
        hello = ws.recv()
        assert '"hello":true' in hello and "/api/ws/echo?x=1" in hello
        assert srv.token not in hello
        ws.send("ping text")
        assert ws.recv() == "ping text"
        ws.send_binary(b"\x00\x01binary")
        assert ws.recv() == b"\x00\x01binary"
        assert srv.get("hpc/api/echo").json()["openSockets"] == 1
    finally:
        ws.close()
    # Closing the browser side closes the companion side.
    deadline = time.monotonic() + 10
    while srv.get("hpc/api/echo").json()["openSockets"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert srv.get("hpc/api/echo").json()["openSockets"] == 0

    # Closing the companion side closes the browser side, keeping the code.
    ws = websocket.create_connection(
        ws_url(srv, "hpc/api/ws/echo"), header=[f"Authorization: token {srv.token}"], timeout=10
    )
    ws.recv()
    ws.send("close-me")
    opcode, frame = ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(frame[:2], "big") == 4000
    ws.close()


def test_websocket_requires_jupyter_auth(srv: JupyterServer) -> None:
    for url in (ws_url(srv, "hpc/api/ws/echo"), ws_url(srv, "hpc/api/ws/echo?token=wrong")):
        with pytest.raises(websocket.WebSocketBadStatusException) as err:
            websocket.create_connection(url, timeout=10)
        assert err.value.status_code == 403
    # A browser's login cookie works, but not from another origin (token auth skips that
    # check by Jupyter's design, so the cookie is what a cross-site page could abuse).
    session = requests.Session()
    assert session.get(srv.url + f"api/status?token={srv.token}", timeout=10).status_code == 200
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    assert cookie
    ws = websocket.create_connection(ws_url(srv, "hpc/api/ws/echo"), cookie=cookie, timeout=10)
    assert '"hello":true' in ws.recv()
    ws.close()
    with pytest.raises(websocket.WebSocketBadStatusException) as err:
        websocket.create_connection(
            ws_url(srv, "hpc/api/ws/echo"), cookie=cookie, origin="http://evil.example", timeout=10
        )
    assert err.value.status_code == 403
    deadline = time.monotonic() + 10  # the upstream side opened for it is closed again
    while srv.get("hpc/api/echo").json()["openSockets"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert srv.get("hpc/api/echo").json()["openSockets"] == 0


def test_websocket_upstream_refusal_is_relayed(srv: JupyterServer) -> None:
    with pytest.raises(websocket.WebSocketBadStatusException) as err:
        websocket.create_connection(ws_url(srv, f"hpc/api/ws/nope?token={srv.token}"), timeout=10)
    assert err.value.status_code == 404


def test_unreachable_companion_is_replaced_and_request_retried(start_server: ServerFactory, tmp_path: Path) -> None:
    """Alive but not answering (wedged): the proxy restarts through the launcher, retries once."""
    if not default_main_js().is_file():
        pytest.skip("needs the real companion as the replacement")
    fake = _start_fake(tmp_path / "runtime")
    srv = start_server(runtime_dir=tmp_path / "runtime")
    srv.companion_pids.add(fake.pid)
    assert srv.get("hpc/api/echo").status_code == 200
    assert srv.request("POST", "hpc/api/stop-listening").status_code == 200

    r = srv.get("hpc/api/health")
    assert r.status_code == 200, r.text
    assert r.json()["version"] != "fake"  # answered by the real companion that replaced it
    assert r.json()["pid"] == srv.companion()["pid"] != fake.pid
