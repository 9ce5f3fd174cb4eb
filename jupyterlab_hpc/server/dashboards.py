"""Which host:port jupyter-server-proxy may forward to: the dashboards (Dask) and web UIs (custom
sets) of the user's running sets.
Runs in the Jupyter server (public name: ``jupyterlab_hpc.dashboards.allow_set_nodes``).

Dask dashboards run on compute nodes that browsers cannot reach, so Lab opens them as
``{base_url}proxy/<node>:<port>/status``. jupyter-server-proxy forwards only to hosts
its ``host_allowlist`` accepts. Instead of listing every compute node, a centre can set

    from jupyterlab_hpc.dashboards import allow_set_nodes
    c.ServerProxy.host_allowlist = allow_set_nodes

which accepts exactly the dashboard host:port of this user's running sets, nothing else:
a page another user serves on the same node (or on loopback, where every user's servers
live on a shared node) would run script under this user's Jupyter origin.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any, Optional
from urllib.parse import urlparse

from .handlers import CLIENT_SETTING

CACHE_SECONDS = 5.0
# A refusal asks the companion again when its answer is older than this: a set that just
# started has its dashboard opened at once.
REFUSAL_RECHECK_SECONDS = 0.5
_cache: dict[str, Any] = {"at": float("-inf"), "until": 0.0, "dashboards": frozenset()}


def _set_urls(record: dict[str, Any]) -> list[Any]:
    """A Dask set's dashboard, a custom set's web UIs (its template declares them)."""
    web_uis = record.get("webUIs")
    links = [ui.get("url") for ui in web_uis if isinstance(ui, dict)] if isinstance(web_uis, list) else []
    return [record.get("dashboard"), *links]


def set_dashboards(sets: list[dict[str, Any]]) -> frozenset[tuple[str, int]]:
    """(host, port) of the dashboard and web UIs of each running set."""
    found: set[tuple[str, int]] = set()
    for record in sets:
        if record.get("state") != "running":
            continue
        for url in _set_urls(record):
            _add_host_port(found, url)
    return frozenset(found)


def _add_host_port(found: set[tuple[str, int]], url: Any) -> None:
    if not isinstance(url, str):
        return
    try:
        parsed = urlparse(url)
        host, port = parsed.hostname, parsed.port
    except ValueError:  # a port out of range
        return
    if host and port:
        found.add((host.lower(), port))


def _fetch_dashboards(handler: Any) -> Optional[frozenset[tuple[str, int]]]:
    """The companion's answer, or None when it cannot be asked."""
    client = handler.settings.get(CLIENT_SETTING)
    info = getattr(client, "_info", None)  # never start a companion just to answer this
    if info is None:
        return frozenset()
    request = urllib.request.Request(f"{info.url}/api/sets", headers=info.headers)
    try:
        # loopback and small: a blocking call of a few ms, cached for a few seconds
        with urllib.request.urlopen(request, timeout=1.0) as response:
            return set_dashboards(json.load(response).get("sets", []))
    except (OSError, ValueError, AttributeError):
        return None


def _current_dashboards(handler: Any, refused: bool = False) -> frozenset[tuple[str, int]]:
    now = time.monotonic()
    fresh = now < _cache["until"] and not (refused and now - _cache["at"] > REFUSAL_RECHECK_SECONDS)
    if fresh:
        return _cache["dashboards"]
    dashboards = _fetch_dashboards(handler)
    if dashboards is None:  # the companion did not answer: keep what it said last
        dashboards = _cache["dashboards"]
    _cache.update(at=now, until=now + CACHE_SECONDS, dashboards=dashboards)
    return dashboards


def requested_port(handler: Any, host: str) -> tuple[str, Optional[int]]:
    """(host, port) the proxy was asked for.

    jupyter-server-proxy 4.x passes the host alone and the port is in the handler's path
    arguments: ``(host, port, path)`` for ``proxy/<host>:<port>/``, ``(port, path)`` for
    ``proxy/<port>/`` (host ``localhost``). A ``host:port`` form is accepted as well.
    """
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit() and name and not name.endswith(":"):  # not a bare IPv6 address
        return name.strip("[]").lower(), int(port)
    args = tuple(getattr(handler, "path_args", None) or ())
    if len(args) >= 3 and args[0] == host and str(args[1]).isdigit():
        return host.lower(), int(args[1])
    if len(args) >= 1 and str(args[0]).isdigit():
        return host.lower(), int(args[0])
    return host.lower(), None


def allow_set_nodes(handler: Any, host: str) -> bool:
    """A ``ServerProxy.host_allowlist`` callable (see the module docstring)."""
    target = requested_port(handler, host)
    if target[1] is None:
        return False
    return target in _current_dashboards(handler) or target in _current_dashboards(handler, refused=True)
