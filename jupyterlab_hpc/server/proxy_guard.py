"""Closes jupyter-server-proxy's ``proxy/<port>/`` routes, which reach any loopback port.
Runs in the Jupyter server.

jupyter-server-proxy forwards ``{base_url}proxy/<port>/`` and ``proxy/absolute/<port>/`` to
this host's loopback without asking ``host_allowlist``. On a shared login or compute node,
loopback is where every user's servers live: a page another user serves there would run
script under this user's Jupyter origin (open a terminal, submit jobs). Our dashboards use
the ``proxy/<host>:<port>/`` form, which the allowlist (``dashboards.allow_set_nodes``)
decides; the port-only forms are refused unless ``c.HpcConfig.guard_local_proxy = False``.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

REFUSAL = (
    "jupyterlab-hpc refuses proxy/{port}/: it reaches every user's servers on this host's loopback. "
    "Open proxy/<host>:{port}/ instead (allowed for the dashboards of your own sets)."
)


class LocalPortProxyGuard(JupyterHandler):
    """Answers 403 to every method (and to WebSocket upgrades, which are GETs)."""

    def _refuse(self, port: str, *_: Any) -> None:
        raise web.HTTPError(403, REFUSAL.format(port=port))

    get = post = put = patch = delete = head = options = _refuse


def install_guard(web_app: web.Application) -> None:
    """Registers the guard ahead of every handler already added (jupyter-server-proxy loads first)."""
    base = web_app.settings.get("base_url", "/")
    web_app.add_handlers(
        ".*",
        [
            (url_path_join(base, r"/proxy/(\d+)(/.*|)"), LocalPortProxyGuard),
            (url_path_join(base, r"/proxy/absolute/(\d+)(/.*|)"), LocalPortProxyGuard),
        ],
    )
    # tornado inserts a host group just before its last rule and matches groups in order: move ours first
    rules = web_app.default_router.rules
    rules.insert(0, rules.pop(len(rules) - 2))
