"""Which hosts jupyter-server-proxy may forward to: loopback and the user's own set nodes.

Dask dashboards run on compute nodes that browsers cannot reach, so Lab opens them as
``{base_url}proxy/<node>:<port>/status``. jupyter-server-proxy forwards only to hosts
its ``host_allowlist`` accepts. Instead of listing every compute node, a centre can set

    from jupyterlab_hpc.dashboards import allow_set_nodes
    c.ServerProxy.host_allowlist = allow_set_nodes

which accepts loopback plus the nodes where this user's sets run right now.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any
from urllib.parse import urlparse

from .handlers import CLIENT_SETTING

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
CACHE_SECONDS = 5.0
_cache: dict[str, Any] = {"until": 0.0, "hosts": frozenset()}


def set_hosts(sets: list[dict[str, Any]]) -> frozenset[str]:
    """Hosts of the dashboards and schedulers of sets that are starting or running."""
    hosts = set()
    for record in sets:
        if record.get("state") not in ("starting", "running"):
            continue
        for url in (record.get("dashboard"), record.get("address")):
            if url:
                host = urlparse(url if "://" in url else f"tcp://{url}").hostname
                if host:
                    hosts.add(host)
    return frozenset(hosts)


def _current_set_hosts(handler: Any) -> frozenset[str]:
    now = time.monotonic()
    if now < _cache["until"]:
        return _cache["hosts"]
    hosts: frozenset[str] = frozenset()
    client = handler.settings.get(CLIENT_SETTING)
    info = getattr(client, "_info", None)  # never start a companion just to answer this
    if info is not None:
        request = urllib.request.Request(f"{info.url}/api/sets", headers=info.headers)
        try:
            # loopback and small: a blocking call of a few ms, cached for a few seconds
            with urllib.request.urlopen(request, timeout=1.0) as response:
                hosts = set_hosts(json.load(response).get("sets", []))
        except (OSError, ValueError):
            hosts = _cache["hosts"]
    _cache.update(until=now + CACHE_SECONDS, hosts=hosts)
    return hosts


def allow_set_nodes(handler: Any, host: str) -> bool:
    """A ``ServerProxy.host_allowlist`` callable (see the module docstring)."""
    return host in LOOPBACK or host in _current_set_hosts(handler)
