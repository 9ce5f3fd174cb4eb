"""Authenticated reverse proxy from ``{base_url}hpc/`` to the companion (runs in the Jupyter server).

The browser only ever talks to Jupyter (its auth, its origin checks); the companion's
token never leaves the server, and Jupyter's token is never forwarded to the companion.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Optional, Union
from urllib.parse import parse_qsl, urlencode

from jupyter_server.auth.decorator import authorized, ws_authenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse
from tornado.simple_httpclient import HTTPTimeoutError
from tornado.websocket import WebSocketClientConnection, WebSocketClosedError, WebSocketHandler, websocket_connect

from ..shared.launcher import CompanionError, CompanionInfo, Launcher
from ..shared.process import pid_alive

# What a custom ``ServerApp.authorizer_class`` is asked about: every route under hpc/ is this
# resource, with jupyter_server's actions (GET → read; POST, PUT, PATCH, DELETE → write).
AUTH_RESOURCE = "hpc"
# The live channel only subscribes to what GET hpc/api/jobs and hpc/api/sets already show:
# reading, not executing (a user allowed to read the queue may watch it live).
WEBSOCKET_ACTION = "read"
CLIENT_SETTING = "jupyterlab_hpc_client"
CONNECT_TIMEOUT = 5.0
REQUEST_TIMEOUT = 300.0  # Slurm over SSH can be slow; the companion has its own timeouts
UNREACHABLE = "The jupyterlab-hpc companion process is not reachable"


class CompanionClient:
    """The server's handle on the companion: cached info, restart when it went away."""

    def __init__(self, launcher: Launcher, logger: Optional[logging.Logger] = None) -> None:
        self.launcher = launcher
        self.log = logger or logging.getLogger(__name__)
        self._info: Optional[CompanionInfo] = None
        self._lock: Optional[asyncio.Lock] = None  # created on the running loop
        self.warm_up_task: Optional[asyncio.Future] = None

    async def get(self) -> CompanionInfo:
        """The companion to use; cheap when the cached one's process still runs."""
        info = self._info
        if info is not None and pid_alive(info.pid):
            return info
        return await self.restart(info)

    async def restart(self, stale: Optional[CompanionInfo]) -> CompanionInfo:
        """Find or start a companion other than ``stale`` (which did not answer)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            # Another request may have replaced it while we waited for the lock.
            if self._info is not None and self._info != stale and pid_alive(self._info.pid):
                return self._info
            if stale is not None:
                self.log.warning("jupyterlab-hpc companion pid %s is gone or unreachable; restarting", stale.pid)
            self._info = await self.launcher.ensure_async()
            return self._info

    async def warm_up(self) -> None:
        """Start the companion at server start so the first request is fast; never fatal."""
        try:
            await self.get()
        except CompanionError as e:
            self.log.error("jupyterlab-hpc: %s", e)
        except Exception:
            self.log.exception("jupyterlab-hpc: could not start the companion process")


def _client(handler: web.RequestHandler) -> CompanionClient:
    return handler.settings[CLIENT_SETTING]


def _upstream_target(handler: web.RequestHandler) -> str:
    """Path (still URL-encoded) and query to request from the companion.

    Jupyter's ``token`` query parameter is dropped so it never reaches the companion.
    """
    prefix = url_path_join(handler.settings.get("base_url", "/"), "hpc")
    path = handler.request.path[len(prefix) :] or "/"
    query = handler.request.query
    if handler.get_query_argument("token", None) is not None:  # else keep the query byte for byte
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if k != "token"])
    return path + ("?" + query if query else "")


def _is_connection_error(error: BaseException) -> bool:
    """Errors meaning the companion is not there (worth a restart), not slow or failing."""
    if isinstance(error, HTTPTimeoutError):
        return False
    if isinstance(error, HTTPClientError):
        return error.code == 599  # e.g. stream closed before a response
    return isinstance(error, OSError)  # connection refused or reset


def _describe(handler: JupyterHandler, error: BaseException, target: str) -> tuple[int, str]:
    """Log ``error`` in full and return the (status, message) to show the client."""
    if isinstance(error, CompanionError):
        handler.log.error("jupyterlab-hpc: %s", error)
        return 502, error.message
    if isinstance(error, HTTPTimeoutError):
        handler.log.error("jupyterlab-hpc companion timed out on %s: %s", target, error)
        return 504, "The jupyterlab-hpc companion process did not answer in time."
    if isinstance(error, HTTPClientError) and error.code != 599:
        # Only websocket handshakes get here: the companion refused the upgrade.
        handler.log.warning("jupyterlab-hpc companion refused websocket %s: %s", target, error)
        return error.code, f"The jupyterlab-hpc companion refused the websocket: {error.code} {error.message}"
    handler.log.error("jupyterlab-hpc proxy error on %s", target, exc_info=error)
    return 502, f"{UNREACHABLE}; see the Jupyter server log."


def _send_error(handler: web.RequestHandler, status: int, message: str) -> None:
    handler.set_status(status)
    handler.set_header("Content-Type", "application/json")
    handler.write(json.dumps({"error": message}))
    handler.finish()


class ProxyHandler(APIHandler):
    """HTTP requests under hpc/ go to the companion's same path."""

    auth_resource = AUTH_RESOURCE

    async def _proxy(self) -> None:
        client = _client(self)
        target = _upstream_target(self)
        try:
            info = await client.get()
            try:
                response = await self._fetch(info, target)
            except Exception as e:
                if not _is_connection_error(e):
                    raise
                self.log.warning("jupyterlab-hpc companion request failed (%s); retrying once", e)
                response = await self._fetch(await client.restart(info), target)
        except Exception as e:
            _send_error(self, *_describe(self, e, f"{self.request.method} {target}"))
            return
        self.set_status(response.code, response.reason)
        if response.code in (204, 304):
            self.finish()
            return
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        self.finish(response.body or b"", set_content_type=content_type)

    async def _fetch(self, info: CompanionInfo, target: str) -> HTTPResponse:
        headers = dict(info.headers)
        for name in ("Content-Type", "Accept"):
            if name in self.request.headers:
                headers[name] = self.request.headers[name]
        method = self.request.method or "GET"
        has_body = method in ("POST", "PUT", "PATCH") or bool(self.request.body)
        request = HTTPRequest(
            info.url + target,
            method=method,
            headers=headers,
            body=self.request.body if has_body else None,
            connect_timeout=CONNECT_TIMEOUT,
            request_timeout=REQUEST_TIMEOUT,
            allow_nonstandard_methods=True,  # DELETE with a body, POST without one
            follow_redirects=False,
        )
        return await AsyncHTTPClient().fetch(request, raise_error=False)

    @web.authenticated
    @authorized
    async def get(self, _path: str) -> None:
        await self._proxy()

    @web.authenticated
    @authorized
    async def post(self, _path: str) -> None:
        await self._proxy()

    @web.authenticated
    @authorized
    async def put(self, _path: str) -> None:
        await self._proxy()

    @web.authenticated
    @authorized
    async def patch(self, _path: str) -> None:
        await self._proxy()

    @web.authenticated
    @authorized
    async def delete(self, _path: str) -> None:
        await self._proxy()


class WebSocketProxyHandler(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """WebSockets under hpc/api/ws relay messages to and from the companion."""

    auth_resource = AUTH_RESOURCE
    upstream: Optional[WebSocketClientConnection] = None
    _relay_task: Optional[asyncio.Future] = None

    def set_default_headers(self) -> None:
        """JupyterHandler's default headers make no sense for websockets."""

    @ws_authenticated
    @authorized(WEBSOCKET_ACTION)
    async def get(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]  # @authorized types as Never
        # Connect upstream before accepting, so a failure is a plain HTTP 502.
        client = _client(self)
        target = _upstream_target(self)
        try:
            info = await client.get()
            try:
                self.upstream = await self._connect(info, target)
            except Exception as e:
                if not _is_connection_error(e):
                    raise
                self.log.warning("jupyterlab-hpc companion websocket failed (%s); retrying once", e)
                self.upstream = await self._connect(await client.restart(info), target)
        except Exception as e:
            return _send_error(self, *_describe(self, e, f"websocket {target}"))
        try:
            await super().get(*args, **kwargs)  # returns when the websocket is done
        finally:
            self.upstream.close()  # also when the upgrade was refused (e.g. bad origin)

    async def _connect(self, info: CompanionInfo, target: str) -> WebSocketClientConnection:
        request = HTTPRequest(
            info.ws_url + target,
            headers=info.headers,
            connect_timeout=CONNECT_TIMEOUT,
            request_timeout=CONNECT_TIMEOUT * 2,
        )
        return await websocket_connect(request)

    def open(self, *args: Any, **kwargs: Any) -> None:
        super().open()  # starts Jupyter's keep-alive pings to the browser
        self._relay_task = asyncio.ensure_future(self._relay_upstream())

    async def _relay_upstream(self) -> None:
        upstream = self.upstream
        assert upstream is not None
        while True:
            message = await upstream.read_message()
            if message is None:  # companion closed: close the browser side too
                code = upstream.close_code
                # 1005/1006/1015 describe a missing close frame and must not be sent.
                if code is None or code in (1005, 1006, 1015):
                    self.close(1011, "companion connection lost")
                else:
                    self.close(code, upstream.close_reason)
                return
            try:
                await self.write_message(message, binary=isinstance(message, bytes))
            except WebSocketClosedError:
                upstream.close()
                return

    def on_message(self, message: Union[str, bytes]) -> None:
        if self.upstream is None:
            return
        try:
            self.upstream.write_message(message, binary=isinstance(message, bytes))
        except WebSocketClosedError:
            self.close()

    def on_close(self) -> None:
        if self.upstream is not None:
            self.upstream.close()


def setup_handlers(web_app: web.Application, client: CompanionClient) -> None:
    web_app.settings[CLIENT_SETTING] = client
    base = url_path_join(web_app.settings.get("base_url", "/"), "hpc")
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, r"api/ws(.*)"), WebSocketProxyHandler),
            (url_path_join(base, r"(.*)"), ProxyHandler),
        ],
    )
