"""The kernel's thin REST client of the companion (runs in the kernel).

Kernels talk to the same per-host companion as the Lab sidebar (found or started through
the launcher), so a magic works with no browser attached and shares the sidebar's queue
poll. Only the standard library is used here to keep ``%load_ext`` light.

Every call has a timeout, and every failure becomes an ``HpcError`` whose message is one
line: Slurm's (or the companion's) own text, never a traceback from inside the package.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any, Optional

from ..shared.launcher import CompanionError, CompanionInfo, Launcher

DEFAULT_TIMEOUT = 30.0  # seconds; Slurm commands behind the companion have their own limits
SUBMIT_TIMEOUT = 60.0  # sbatch on a busy controller, or over SSH, can take a while

# The companion listens on 127.0.0.1: never route through an http_proxy.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class HpcError(RuntimeError):
    """A request failed; ``str()`` is one line fit to show a user."""

    def __init__(self, message: str, status: Optional[int] = None) -> None:
        super().__init__(one_line(message))
        self.status = status


def one_line(text: str) -> str:
    """Slurm's messages may span lines ("... Try sbatch --help"): keep them, on one line."""
    return "; ".join(line.strip() for line in str(text).splitlines() if line.strip()) or "unknown error"


class Companion:
    """Blocking JSON client of the companion's ``/api/`` (thread-safe).

    The connection is looked up once and reused; when the companion has gone away (connection
    refused, or a new companion answers 401 to the old token) it is found or started again and
    the request retried once — such a request never reached a companion, so a retry is safe.
    """

    def __init__(self, launcher: Optional[Launcher] = None) -> None:
        self._launcher = launcher
        self._info: Optional[CompanionInfo] = None
        self._lock = threading.Lock()

    @property
    def launcher(self) -> Launcher:
        if self._launcher is None:
            from ..shared.config import load_hpc_config

            # The kernel's pid becomes the companion's parent only if it has to start one.
            self._launcher = Launcher(load_hpc_config(), parent_pid=os.getpid())
        return self._launcher

    def info(self, refresh: bool = False) -> CompanionInfo:
        with self._lock:
            if self._info is None or refresh:
                try:
                    self._info = self.launcher.ensure()
                except CompanionError as e:
                    raise HpcError(e.message) from None
                except OSError as e:  # e.g. an unwritable runtime directory
                    raise HpcError(f"could not start the jupyterlab-hpc companion: {e}") from None
            return self._info

    def request(
        self,
        method: str,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        timeout: float = DEFAULT_TIMEOUT,
        raw: bool = False,
    ) -> Any:
        """``method /api/path`` → the decoded JSON reply (``raw``: the text); raises HpcError."""
        with self._response(method, path, body, query, timeout) as response:
            content = response.read()
            if raw:
                return content.decode("utf-8")
            return json.loads(content) if content else None

    def stream(
        self, path: str, query: Optional[Mapping[str, Any]] = None, timeout: float = DEFAULT_TIMEOUT
    ) -> Iterator[Any]:
        """``GET /api/path`` answered with one JSON value a line (the companion's long waits):
        each line as it comes; ``timeout`` bounds the silence between two lines."""
        with self._response("GET", path, None, query, timeout) as response:
            for line in response:
                if line.strip():
                    yield json.loads(line)

    @contextlib.contextmanager
    def _response(
        self,
        method: str,
        path: str,
        body: Optional[Mapping[str, Any]],
        query: Optional[Mapping[str, Any]],
        timeout: float,
    ) -> Iterator[Any]:
        """The open response to ``method /api/path``; every failure, reading included, is an HpcError."""
        url_path = "/api/" + path.lstrip("/")
        if query:
            pairs = {k: _query_value(v) for k, v in query.items() if v is not None}
            url_path += "?" + urllib.parse.urlencode(pairs)
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (0, 1):
            info = self.info(refresh=attempt > 0)
            headers = dict(info.headers, Accept="application/json")
            if data is not None:
                headers["Content-Type"] = "application/json"
            request = urllib.request.Request(info.url + url_path, data=data, headers=headers, method=method)
            try:
                response = _opener.open(request, timeout=timeout)
            except urllib.error.HTTPError as e:
                if e.code == 401 and attempt == 0:
                    continue  # a new companion with a new token replaced the one we knew
                raise HpcError(_error_text(e), e.code) from None
            except urllib.error.URLError as e:
                if isinstance(e.reason, ConnectionRefusedError) and attempt == 0:
                    continue  # the companion exited (idle, or its parent went away): start again
                raise HpcError(f"the jupyterlab-hpc companion at {info.url} did not answer: {e.reason}") from None
            except TimeoutError:
                raise HpcError(
                    f"the jupyterlab-hpc companion did not answer {method} {url_path} within {timeout:.0f} s"
                ) from None
            except OSError as e:  # reset connections
                raise HpcError(f"{method} {url_path} to the jupyterlab-hpc companion failed: {e}") from None
            break
        else:
            raise AssertionError("unreachable")
        try:
            with response:
                yield response
        except TimeoutError:
            raise HpcError(
                f"the jupyterlab-hpc companion did not answer {method} {url_path} within {timeout:.0f} s"
            ) from None
        except (OSError, ValueError) as e:  # reset connections, bad JSON
            raise HpcError(f"{method} {url_path} to the jupyterlab-hpc companion failed: {e}") from None

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Mapping[str, Any], **kwargs: Any) -> Any:
        return self.request("POST", path, body=body, **kwargs)


def _query_value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _error_text(error: urllib.error.HTTPError) -> str:
    """The companion answers ``{error}`` with Slurm's message; anything else says the status."""
    try:
        body = json.loads(error.read() or b"null")
    except (OSError, ValueError):
        body = None
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"])
    return f"the jupyterlab-hpc companion answered HTTP {error.code} {error.reason}"


def quote_segment(segment: str) -> str:
    """A path segment of the API (a cluster name, a set id), escaped."""
    return urllib.parse.quote(str(segment), safe="")
