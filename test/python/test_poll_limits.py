"""The admin's poll limits (c.HpcConfig.min_poll_interval, allow_all_users, …) through the real
Jupyter server, its proxy and the real companion on the fixture's Slurm."""

from __future__ import annotations

import json

import websocket
from conftest import ServerFactory
from magics_kernel import SLURM_CONF_LOCAL, needs_slurm

REASON = "PrivateData=jobs here: ask hpc-support@example.org for a colleague's job"


@needs_slurm
def test_admin_limits_reach_the_companion_and_all_users_answer_403(start_server: ServerFactory) -> None:
    server = start_server(
        hpc_config={
            "clusters": [{"name": "local", "transport": "local", "env": {"SLURM_CONF": SLURM_CONF_LOCAL}}],
            "poll_interval": 5,
            "min_poll_interval": 7,
            "min_all_users_interval": 40,
            "allow_all_users": False,
            "all_users_disabled_reason": REASON,
        }
    )
    # a smaller user setting is raised to the admin's minimum; the sidebar shows what is in force
    put = server.request("PUT", "hpc/api/poll", json={"interval": 2})
    assert put.status_code == 200, put.text
    assert put.json()["interval"] == 7 and put.json()["requested"] == 2
    settings = server.get("hpc/api/poll").json()
    assert settings["interval"] == 7
    assert settings["allUsersInterval"] == 40
    assert (settings["allowAllUsers"], settings["allUsersDisabledReason"]) == (False, REASON)

    for query in ("all=true", "user=hpcuser", "all=true&format=records"):
        res = server.get(f"hpc/api/clusters/local/jobs?{query}")
        assert res.status_code == 403, query
        assert res.json() == {"error": REASON}
    assert server.get("hpc/api/clusters/local/jobs").status_code == 200

    ws = websocket.create_connection("ws" + server.url[len("http") :] + f"hpc/api/ws?token={server.token}", timeout=20)
    try:
        ws.send(json.dumps({"type": "subscribe", "cluster": "local", "all": True}))
        while True:
            received = ws.recv()
            message = received if isinstance(received, str) else received.decode()
            if message.startswith("{") and json.loads(message).get("type") == "error":
                break
        assert json.loads(message) == {"type": "error", "cluster": "local", "error": REASON}
    finally:
        ws.close()
