"""jupyterlab-hpc: the Dask dashboard after start-up, for the set's owner only, and the workers for the set's monitor.

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

Every route of the HTTP server (pages, JSON, bokeh's WebSockets) answers 403 unless the
request carries the set's dashboard secret (server/src/sets/tls.ts), as the cookie
``hpc-dash-<set id>`` (the owner's browser sets it for the proxied dashboard's path) or as
``Authorization: token <secret>`` (the monitor): the pages show task keys, worker logs and
call stacks. The scheduler guards its server when the preload is set up, before its
scheduler file exists; a worker once it has registered (nothing more on its way to the
scheduler), before its bokeh pages join its server. No secret file: everything refused.

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
import hmac
import importlib
import json
import logging
import os
from collections.abc import Iterator
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

# exported by the set's job script; names shared with server/src/sets/tls.ts
SET_DIR = os.environ.get("HPC_SET_DIR", "")
DASHBOARD_SECRET_FILE = "dashboard-secret"
DASHBOARD_COOKIE_PREFIX = "hpc-dash-"
COOKIE = DASHBOARD_COOKIE_PREFIX + os.environ.get("HPC_SET_ID", "")
REFUSAL = "jupyterlab-hpc: this dashboard answers its set's owner only (the set's secret is missing or wrong)\n"


def _secret() -> bytes | None:
    try:
        with open(os.path.join(SET_DIR, DASHBOARD_SECRET_FILE), "rb") as f:
            return f.read().strip() or None
    except OSError as e:
        logger.warning("no dashboard secret, every HTTP request is refused: %s", e)
        return None


def presented(request: Any) -> Iterator[str]:
    """The secrets a request carries: its Authorization token and its cookie."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "token" and token:
        yield token.strip()
    try:
        morsel = request.cookies.get(COOKIE)
    except Exception:  # a cookie header the parser refuses carries nothing
        morsel = None
    if morsel is not None:
        yield morsel.value


def _guard(server: Any) -> None:
    """Every route of the server's HTTP application, WebSocket upgrades included: 403 without the secret."""
    from tornado import web

    app, secret = server.http_application, _secret()

    class Refused(web.RequestHandler):
        def prepare(self) -> None:
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(REFUSAL)

    def carries_secret(request: Any) -> bool:
        # str.encode: compare_digest takes ASCII str only
        return secret is not None and any(hmac.compare_digest(v.encode(), secret) for v in presented(request))

    find_handler = app.find_handler

    def guarded_find_handler(request: Any, **kwargs: Any) -> Any:
        if carries_secret(request):
            return find_handler(request, **kwargs)
        return app.get_handler_delegate(request, Refused)

    app.find_handler = guarded_find_handler


async def _connect(server: Any) -> None:
    scheduler = type(server).__name__ == "Scheduler"
    # a worker registers first, a scheduler writes its scheduler file first
    while server.status.name != "running":
        if server.status.name in ("closing", "closed", "failed"):
            return
        await asyncio.sleep(0.1)
    if not scheduler:
        _guard(server)
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
        _guard(server)
        _serve_workers(server)
    # kept referenced: a bare task may be garbage-collected before it ends
    server._jupyterlab_hpc_dashboard = asyncio.ensure_future(_connect(server))
