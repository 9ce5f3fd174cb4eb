"""The kernel's REST client of the companion, and connected clients of running sets.

Kernels talk to the same per-host companion as the Lab sidebar (found or started through
the launcher), so a magic works with no browser attached and shares the sidebar's queue
poll. Only the standard library is used here to keep ``%load_ext`` light; ipyparallel and
distributed are imported when a set is connected.

Every call has a timeout, and every failure becomes an ``HpcError`` whose message is one
line: Slurm's (or the companion's) own text, never a traceback from inside the package.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any, Callable, Optional

from .launcher import CompanionError, CompanionInfo, Launcher
from .records import JobRecords

DEFAULT_TIMEOUT = 30.0  # seconds; Slurm commands behind the companion have their own limits
SUBMIT_TIMEOUT = 60.0  # sbatch on a busy controller, or over SSH, can take a while
CONNECT_TIMEOUT = 30.0  # connecting a Python client to a running set
COUNT_TIMEOUT = 10.0  # asking a Dask scheduler for its workers

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


EventListener = Callable[[dict], None]


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
            from .config import load_hpc_config

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
                with _opener.open(request, timeout=timeout) as response:
                    content = response.read()
                if raw:
                    return content.decode("utf-8")
                return json.loads(content) if content else None
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
            except (OSError, ValueError) as e:  # reset connections, bad JSON
                raise HpcError(f"{method} {url_path} to the jupyterlab-hpc companion failed: {e}") from None
        raise AssertionError("unreachable")

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


def _quote(segment: str) -> str:
    return urllib.parse.quote(str(segment), safe="")


class HpcSession:
    """What one kernel knows: the companion, the sets it connected to, and who listens to events.

    Shared by the magics and the comm, so a client made by ``%ipcluster start`` is the one
    ``connect-set`` reuses and ``%ipcluster stop`` closes.
    """

    def __init__(self, companion: Optional[Companion] = None) -> None:
        self.api = companion or Companion()
        self.clients: dict[str, Any] = {}  # set id → connected ipyparallel/distributed Client
        self.last_set: dict[str, str] = {}  # kind → id of the last set this kernel started or used
        self._listeners: list[EventListener] = []

    # -- events (the comm forwards them to the Lab) ------------------------------------

    def subscribe(self, listener: EventListener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: EventListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, event: dict) -> None:
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # a broken frontend link must never fail the user's magic
                listener(event)

    # -- clusters and jobs -----------------------------------------------------------

    def cluster_configs(self) -> list[dict]:
        """The configured clusters (admin's and the user's), without asking Slurm anything."""
        return list(self.api.get("config")["clusters"])

    def cluster_names(self) -> list[str]:
        return [str(c["name"]) for c in self.cluster_configs()]

    def transport(self, cluster: str) -> str:
        """'local' or 'ssh'; an unknown name is an error that lists the known ones."""
        configs = self.cluster_configs()
        for c in configs:
            if c.get("name") == cluster:
                return str(c.get("transport") or "local")
        known = ", ".join(str(c.get("name")) for c in configs) or "none"
        raise HpcError(f"no cluster named {cluster!r} (configured: {known})", 404)

    def default_cluster(self) -> str:
        names = self.cluster_names()
        if not names:
            raise HpcError("no cluster is configured (c.HpcConfig.clusters, or Settings → HPC)")
        return names[0]

    def clusters(self) -> list[dict]:
        return list(self.api.get("clusters")["clusters"])

    def jobs(
        self,
        cluster: str,
        user: Optional[str] = None,
        all_users: bool = False,
        states: Optional[Iterable[str]] = None,
        ids: Optional[Iterable[str]] = None,
        active: bool = False,
    ) -> JobRecords:
        """A cluster's jobs, filtered by the companion (``active``: not ended, like squeue)."""
        query = {
            "format": "records",
            "all": all_users,
            "user": user,
            "states": "active" if active else (",".join(states) if states is not None else None),
            "jobs": ",".join(ids) if ids is not None else None,
        }
        text = self.api.get(f"clusters/{_quote(cluster)}/jobs", query=query, raw=True)
        try:
            return JobRecords(text, cluster)
        except ValueError as e:
            raise HpcError(f"the companion's answer for {cluster}'s jobs is not readable: {e}") from None

    def job_action(self, cluster: str, action: str, ids: Iterable[str]) -> dict:
        return self.api.post(f"clusters/{_quote(cluster)}/jobs/actions", {"action": action, "ids": list(ids)})

    def submit(self, cluster: str, script: str, args: list[str]) -> str:
        body = {"script": script, "args": args}
        reply = self.api.post(f"clusters/{_quote(cluster)}/submit", body, timeout=SUBMIT_TIMEOUT)
        job_id = str(reply["jobId"])
        self.emit({"type": "job-submitted", "cluster": cluster, "jobId": job_id})
        return job_id

    def submit_template(self, cluster: str, template: str, params: dict[str, str]) -> str:
        # Values go as typed: the companion checks each against its parameter's type.
        body = {"id": template, "cluster": cluster, "params": dict(params)}
        reply = self.api.post("templates/submit", body, timeout=SUBMIT_TIMEOUT)
        job_id = str(reply["jobId"])
        self.emit({"type": "job-submitted", "cluster": str(reply.get("cluster", cluster)), "jobId": job_id})
        return job_id

    # -- sets (Dask / IPyParallel on Slurm) ------------------------------------------

    def sets(self) -> list[dict]:
        reply = self.api.get("sets")
        return list(reply.get("sets", []) if isinstance(reply, dict) else reply)

    def get_set(self, set_id: str) -> dict:
        return self.api.get(f"sets/{_quote(set_id)}")

    def start_set(self, body: dict) -> dict:
        record = self.api.post("sets", body, timeout=SUBMIT_TIMEOUT)
        set_id = str(record["id"])
        self.last_set[str(record.get("kind", body["kind"]))] = set_id
        event = {"type": "set-started", "setId": set_id, "cluster": record.get("cluster"), "kind": record.get("kind")}
        self.emit(event)
        return record

    def stop_set(self, set_id: str) -> Any:
        client = self.clients.pop(set_id, None)
        if client is not None:
            _close_quietly(client)
        return self.api.request("DELETE", f"sets/{_quote(set_id)}", timeout=SUBMIT_TIMEOUT)

    def connection(self, set_id: str) -> dict:
        return self.api.get(f"sets/{_quote(set_id)}/connection")

    def connect(self, set_id: str, kind: Optional[str] = None) -> Any:
        """A connected client of the set (reused if this kernel already has one)."""
        client = self.clients.get(set_id)
        if client is not None and _is_usable(client):
            return client
        info = self.connection(set_id)
        client = make_client(kind or str(info.get("kind")), info)
        self.clients[set_id] = client
        self.last_set[str(info.get("kind", kind))] = set_id
        return client

    def wait_for_set(
        self,
        set_id: str,
        workers: int,
        timeout: float,
        progress: Callable[[str], None],
        poll: float = 1.0,
    ) -> Any:
        """Wait until ``workers`` engines/workers are connected; return the connected client.

        Raises HpcError when the set ends (with its reason) or the time is up; the set is left
        running in that case, so the user can wait again with ``connect``.
        """
        deadline = time.monotonic() + timeout
        started = time.monotonic()
        client = None
        while True:
            record = self.get_set(set_id)
            state = str(record.get("state", "?"))
            if state in ("stopping", "ended"):
                raise HpcError(f"set {set_id} {state}: {set_reason(record)}")
            connected = 0
            if client is None and state in ("starting", "running"):
                try:
                    client = self.connect(set_id, str(record.get("kind")))
                except HpcError as e:
                    if e.status not in (404, 409, 425, 503):  # "not ready yet" answers
                        raise
            if client is not None:
                connected = count_workers(client)
            elapsed = time.monotonic() - started
            progress(describe_progress(record, connected, workers, elapsed))
            if client is not None and connected >= workers:
                return client
            if time.monotonic() >= deadline:
                raise HpcError(
                    f"timed out after {timeout:.0f} s waiting for {workers} workers of set {set_id} "
                    f"({connected} connected, state {state}); it keeps running: connect later or stop it"
                )
            time.sleep(poll)


def set_reason(record: Mapping[str, Any]) -> str:
    """Why a set is where it is: its reason ('cancelled', 'failed to start'…), its message
    (Slurm's reason, the log line that says why), else the last lines of its log."""
    state = record.get("state")
    parts = [str(record[k]) for k in ("reason", "message") if record.get(k) and record.get(k) != state]
    if not record.get("message") and isinstance(record.get("logTail"), list) and record["logTail"]:
        parts.append("; ".join(map(str, record["logTail"][-3:])))
    return one_line(": ".join(parts)) if parts else str(record.get("state", "unknown state"))


def describe_progress(record: Mapping[str, Any], connected: int, wanted: int, elapsed: float) -> str:
    state = str(record.get("state", "?"))
    why = ""
    if state == "pending":  # Slurm's reason of the waiting job (Resources, Priority…)
        jobs = [j for j in record.get("jobs") or [] if isinstance(j, dict)]
        reasons = [j["reason"] for j in jobs if j.get("reason") not in (None, "", "None")]
        why = str(reasons[0] if reasons else record.get("message") or "")
    where = f"{record.get('kind', 'set')} set {record.get('id')} on {record.get('cluster')}"
    return f"{where}: {state}{f' ({why})' if why else ''}, {connected}/{wanted} connected, {elapsed:.0f} s"


# -- connected clients ---------------------------------------------------------------


def make_client(kind: str, info: Mapping[str, Any]) -> Any:
    """An ``ipyparallel.Client`` or ``distributed.Client`` from the set's connection info."""
    if kind == "ipyparallel":
        try:
            import ipyparallel
        except ImportError:
            raise HpcError("ipyparallel is not installed in this kernel's environment") from None
        client_file = info.get("clientFile") or info.get("path")
        if not client_file:
            raise HpcError("the set reported no ipcontroller client file")
        try:
            connection = dict(client_file) if isinstance(client_file, Mapping) else str(client_file)
            return ipyparallel.Client(connection, timeout=CONNECT_TIMEOUT)
        except Exception as e:  # zmq/ipyparallel raise many types; the user needs the message
            raise HpcError(f"could not connect to the ipyparallel controller: {e}") from None
    if kind == "dask":
        try:
            import distributed
        except ImportError:
            raise HpcError("distributed is not installed in this kernel's environment") from None
        address = info.get("address")
        if not address:
            raise HpcError("the set reported no Dask scheduler address")
        try:
            return distributed.Client(str(address), timeout=CONNECT_TIMEOUT, security=dask_security(info))
        except Exception as e:
            raise HpcError(f"could not connect to the Dask scheduler at {address}: {e}") from None
    raise HpcError(f"unknown set kind {kind!r}")


def dask_security(info: Mapping[str, Any]) -> Any:
    """The set's ``Security`` (mutual TLS with its own certificate), None for a plain tcp:// set.

    The companion hands the PEM contents to the owner's kernel through its authenticated API,
    so this works for a remote cluster too; distributed accepts contents in place of paths.
    """
    tls = info.get("tls")
    if not str(info.get("address", "")).startswith("tls://"):
        return None
    if not isinstance(tls, Mapping) or not all(isinstance(tls.get(k), str) for k in ("ca", "cert", "key")):
        raise HpcError("the set's scheduler speaks TLS but the companion gave no certificate for it")
    from distributed.security import Security

    return Security(
        require_encryption=True, tls_ca_file=tls["ca"], tls_client_cert=tls["cert"], tls_client_key=tls["key"]
    )


def count_workers(client: Any) -> int:
    """Engines of an ipyparallel Client, workers of a distributed Client."""
    try:
        if hasattr(client, "ids"):
            return len(client.ids)  # ipyparallel: local state, no round trip
        return len(client.nthreads(callback_timeout=COUNT_TIMEOUT))  # a dead scheduler must not hang us
    except Exception:  # a client whose controller went away: count nothing, the set state says why
        return 0


def describe_client(client: Any) -> str:
    n = count_workers(client)
    if hasattr(client, "ids"):
        return f"ipyparallel.Client with {n} engine{'s' if n != 1 else ''}"
    return f"distributed.Client with {n} worker{'s' if n != 1 else ''}"


def _is_usable(client: Any) -> bool:
    if hasattr(client, "ids"):
        return not getattr(client, "_closed", False)
    return getattr(client, "status", "closed") == "running"


def _close_quietly(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.close()
