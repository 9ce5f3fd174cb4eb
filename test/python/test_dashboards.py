"""The proxy allowlist: loopback always, compute nodes only while the user's sets run there."""

from __future__ import annotations

from types import SimpleNamespace

from jupyterlab_hpc import dashboards
from jupyterlab_hpc.dashboards import allow_set_nodes, set_hosts


def test_set_hosts_come_from_active_sets_only() -> None:
    sets = [
        {"state": "running", "dashboard": "http://node7:8787/status", "address": "tcp://node7:41001"},
        {"state": "starting", "address": "tcp://node8:41002"},
        {"state": "ended", "dashboard": "http://node9:8787/status"},
        {"state": "running"},
    ]
    assert set_hosts(sets) == {"node7", "node8"}


def test_loopback_is_allowed_without_a_companion() -> None:
    dashboards._cache.update(until=0.0, hosts=frozenset())
    handler = SimpleNamespace(settings={})
    assert allow_set_nodes(handler, "127.0.0.1")
    assert allow_set_nodes(handler, "localhost")
    assert not allow_set_nodes(handler, "node7")
    assert not allow_set_nodes(handler, "evil.example.org")
