"""jupyterlab-hpc: the Dask dashboard after start-up, and the workers for the set's monitor.

Runs on the cluster: a Dask preload (``--preload=<this file>``) of the set's scheduler and
workers. What Dask would import before the scheduler writes its scheduler file or before a
worker registers comes later: the bokeh dashboard (~0.6 s of CPU; both start with
``--no-dashboard``). Once the server runs it imports it in a thread (the event loop keeps
answering) and adds it to the server's own HTTP server: same port, same pages.

Imported in the server's constructor, it takes Dask's proxy route out of the scheduler's
routes (``/proxy/<port>/<host>/…``, with jupyter-server-proxy installed: ~0.2 s of start-up):
the HTTP server is reachable by anyone on the cluster's network, and that route relays HTTP
and WebSockets from the node, as the set's owner, to any host and port. The other routes only
show the set (read-only pages, JSON, bokeh documents): none runs code.

On the scheduler it also serves the set's monitor: GET
/jupyterlab-hpc/workers.json?version=V&wait=S answers the workers' names as soon as they
differ from version V (a scheduler plugin counts the changes), or after S seconds: the
monitor learns of a worker the moment it registers.

Constant code, bundled into the companion and written into the set dir by the job script (a
quoted here-document): it must not contain a line equal to the script's EOF marker.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
from typing import Any

import dask

logger = logging.getLogger("distributed.preloading")
ROUTES = "distributed.scheduler.http.routes"
UNSAFE_ROUTES = {"distributed.http.proxy"}
# the route the set's monitor asks (monitor.py)
WORKERS_ROUTE = "/jupyterlab-hpc/workers.json"


def safe_routes(routes: list[str]) -> list[str]:
    """The scheduler's HTTP routes without the ones that relay to other hosts."""
    return [r for r in routes if r not in UNSAFE_ROUTES]


dask.config.set({ROUTES: safe_routes(dask.config.get(ROUTES, default=[]))})


async def _connect(server: Any) -> None:
    scheduler = type(server).__name__ == "Scheduler"
    # a worker registers first, a scheduler writes its scheduler file first
    while server.status.name != "running":
        if server.status.name in ("closing", "closed", "failed"):
            return
        await asyncio.sleep(0.1)
    name = "distributed.dashboard." + ("scheduler" if scheduler else "worker")
    loop = asyncio.get_running_loop()
    try:
        dashboard = await loop.run_in_executor(None, importlib.import_module, name)
    except ImportError as e:
        logger.info("no dashboard (bokeh is needed): %s", e)
        if scheduler:
            from distributed.http.utils import get_handlers

            handlers = get_handlers(server, ["distributed.http.scheduler.missing_bokeh"], "")
            server.http_application.add_handlers(r".*", handlers)
        return
    dashboard.connect(server.http_application, server.http_server, server, prefix="")
    logger.info("dashboard connected at port %s", server.http_server.port)


class Changes:
    """A version that changes with the scheduler's workers, and a future for the next change."""

    def __init__(self) -> None:
        self.version = 0
        self.next = asyncio.get_running_loop().create_future()

    def bump(self) -> None:
        self.version += 1
        if not self.next.done():
            self.next.set_result(None)
        self.next = asyncio.get_running_loop().create_future()


def _serve_workers(scheduler: Any) -> None:
    from distributed.diagnostics.plugin import SchedulerPlugin
    from tornado import web

    changes = Changes()

    class Plugin(SchedulerPlugin):
        name = "jupyterlab-hpc-workers"

        def add_worker(self, scheduler, worker):
            changes.bump()

        def remove_worker(self, scheduler, worker, **kwargs):
            changes.bump()

    class Workers(web.RequestHandler):
        async def get(self):
            try:
                seen = int(self.get_argument("version", "-1"))
                wait = min(max(float(self.get_argument("wait", "0")), 0.0), 30.0)
            except ValueError:
                raise web.HTTPError(400) from None
            if seen == changes.version and wait > 0:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(changes.next), wait)
            workers = [{"name": str(ws.name), "address": ws.address} for ws in scheduler.workers.values()]
            self.set_header("Content-Type", "application/json")
            self.write(json.dumps({"version": changes.version, "workers": workers}))

    scheduler.add_plugin(Plugin())
    scheduler.http_application.add_handlers(r".*", [(WORKERS_ROUTE, Workers)])


def dask_setup(server: Any) -> None:
    if type(server).__name__ == "Scheduler":
        _serve_workers(server)
    # kept referenced: a bare task may be garbage-collected before it ends
    server._jupyterlab_hpc_dashboard = asyncio.ensure_future(_connect(server))
