"""jupyterlab-hpc set monitor: status.json and requests for one set.

Runs on the cluster, started by the head job beside its head:
``python monitor.py PROBE SET_DIR JOB_ID READY``. It writes status.json in the set dir (is
the head reachable, which workers are connected and from which Slurm job) and carries out
the companion's requests (retire workers), so counting and scaling work over any transport:
the companion only reads and writes small files (SFTP on ssh). Every probe has a timeout: an
IPyParallel client otherwise hangs when its controller dies.

It starts with the head and waits for the head's ready file. Dask workers come from the
scheduler's HTTP server, from a route of our preload that answers as soon as they change,
with the standard library only: importing distributed would take ~0.7 s
of CPU beside a starting scheduler and workers; the distributed Client that retires workers
is made 10 s later, with the set's certificate (server/src/sets/tls.ts). Other probes are
polled every 0.1 s while workers come (start-up, or a change in the last minute), every
second otherwise.

It is constant code (no user value inside), bundled into the companion and written by the
job script with a quoted here-document: it must not contain a line equal to MONITOR_EOF
(server/src/sets/py-files.ts).
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import re
import sys
import time
import urllib.parse
from typing import Any, Callable, Optional, Protocol

# set by main() from the command line: the probe's kind, the set dir, the head's job, its ready file
PROBE, SET_DIR, JOB_ID, READY = "", "", "", ""
STATUS, REQUESTS = "", ""
# files the companion writes into the set dir (server/src/sets/tls.ts)
TLS_CERT_FILE, TLS_KEY_FILE = "tls-cert.pem", "tls-key.pem"
DASHBOARD_SECRET_FILE = "dashboard-secret"
# a custom set's `workers` declaration (server/src/sets/kinds.ts, JSON_PROBE_FILE)
JSON_PROBE_FILE = "workers-probe.json"
# the Dask preload's route (its WORKERS_ROUTE)
DASK_WORKERS_ROUTE = "/jupyterlab-hpc/workers.json"
INTERVAL = 1.0
# while workers come: from the start, and for a while after each change
FAST, FAST_FOR = 0.1, 60.0
HEARTBEAT = 15.0


def write_json(path: str, data: Any) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def slurm_job_id() -> Optional[str]:
    import os

    return os.environ.get("SLURM_JOB_ID")


def dashboard_http(info: dict) -> Optional[tuple[str, int]]:
    """Host and port of the scheduler's HTTP server, from its scheduler file."""
    host = re.match(r"^[a-z0-9]+://(.+):[0-9]+$", str(info.get("address", "")))
    port = (info.get("services") or {}).get("dashboard")
    return (host.group(1).strip("[]"), port) if host and isinstance(port, int) else None


def worker_entries(names: list[str]) -> list[dict]:
    """Workers are named "<job>-<task>" by the job script: the Slurm job of each."""
    return [{"name": n, "job": n.split("-")[0] if "-" in n else None} for n in names]


class Probe(Protocol):
    def workers(self) -> list[dict]: ...

    def retire(self, names: list[str]) -> list[str]: ...

    def close(self) -> None: ...


class Dask:
    """Workers from the scheduler's HTTP server: the preload's route answers at the next change."""

    def __init__(self) -> None:
        with open(os.path.join(SET_DIR, "scheduler.json")) as f:
            info = json.load(f)  # written non-atomically: a failure is retried on the next round
        self.address: str = info["address"]
        # host and port of the HTTP server; http.client ignores *_proxy variables
        self.http = dashboard_http(info)
        self.version = -1
        self.waits = False
        self.client: Any = None
        # the Client that retires workers: made once the start-up is over (~0.7 s of CPU)
        self.client_at = time.time() + 10
        # the HTTP server answers only with the set's dashboard secret (absent: a set made before it)
        self.headers: dict[str, str] = {}
        with contextlib.suppress(FileNotFoundError), open(os.path.join(SET_DIR, DASHBOARD_SECRET_FILE)) as f:
            self.headers["Authorization"] = "token " + f.read().strip()

    def _get(self, path: str, timeout: float) -> Any:
        assert self.http is not None
        conn = http.client.HTTPConnection(self.http[0], self.http[1], timeout=timeout)
        try:
            conn.request("GET", path, headers=self.headers)
            response = conn.getresponse()
            body = response.read()
            if response.status == 404:
                return None
            if response.status != 200:
                raise RuntimeError(f"the scheduler answered HTTP {response.status} to {path}")
            return json.loads(body)
        finally:
            conn.close()

    def _client(self) -> Any:
        if self.client is None:
            from distributed import Client

            self.client = Client(self.address, timeout=30, set_as_default=False, security=self._security())
        return self.client

    def _security(self) -> Any:
        if not self.address.startswith("tls://"):
            return None  # a set started before sets had TLS
        from distributed.security import Security

        cert, key = os.path.join(SET_DIR, TLS_CERT_FILE), os.path.join(SET_DIR, TLS_KEY_FILE)
        return Security(require_encryption=True, tls_ca_file=cert, tls_client_cert=cert, tls_client_key=key)

    def workers(self) -> list[dict]:
        if self.http:
            # waits for a change up to INTERVAL; not there yet right after the scheduler file: 404
            answer = self._get(f"{DASK_WORKERS_ROUTE}?version={self.version}&wait={INTERVAL:g}", 10 + INTERVAL)
            self.waits = answer is not None
            if answer is not None:
                self.version = answer["version"]
                names = [str(w["name"]) for w in answer["workers"]]
            else:
                info = self._get("/json/identity.json", 10) or {}
                names = [str(w.get("name", a)) for a, w in info.get("workers", {}).items()]
        else:
            info = self._client().scheduler_info(n_workers=-1)
            names = [str(w.get("name", a)) for a, w in info.get("workers", {}).items()]
        if self.client is None and time.time() > self.client_at:
            self._client()
        return worker_entries(names)

    def retire(self, names: list[str]) -> list[str]:
        self._client().retire_workers(names=names, close_workers=True)
        return names

    def close(self) -> None:
        if self.client is not None:
            self.client.close(timeout=5)


class IPyParallel:
    def __init__(self) -> None:
        import ipyparallel

        path = os.path.join(SET_DIR, "profile", "security", "ipcontroller-client.json")
        self.rc = ipyparallel.Client(path, timeout=30)
        self.jobs: dict[int, Optional[str]] = {}
        self.asking: dict[int, Any] = {}

    def workers(self) -> list[dict]:
        ids = list(self.rc.ids)
        # which Slurm job runs each engine: asked once, never waited for (a busy engine answers later)
        for i in ids:
            if i not in self.jobs and i not in self.asking:
                self.asking[i] = self.rc[i].apply_async(slurm_job_id)
        for i, ar in list(self.asking.items()):
            if ar.ready() or i not in ids:
                try:
                    self.jobs[i] = ar.get(timeout=0)
                except Exception:
                    self.jobs[i] = None
                del self.asking[i]
        return [{"name": str(i), "job": self.jobs.get(i)} for i in ids]

    def retire(self, names: list[str]) -> list[str]:
        targets = [int(n) for n in names if int(n) in self.rc.ids]
        if targets:
            self.rc.shutdown(targets=targets, block=False)
        deadline = time.time() + 20
        while any(t in self.rc.ids for t in targets):
            if time.time() > deadline:
                raise RuntimeError(f"engines {targets} did not stop within 20 s")
            time.sleep(0.2)
        return [str(t) for t in targets]

    def close(self) -> None:
        self.rc.close()


class JsonProbe:
    """A custom set's workers, from its head's HTTP JSON as its template declares (workers-probe.json)."""

    def __init__(self) -> None:
        with open(os.path.join(SET_DIR, JSON_PROBE_FILE)) as f:
            self.spec = json.load(f)
        with open(os.path.join(SET_DIR, self.spec["connectionFile"])) as f:
            base = str(json.load(f)[self.spec["key"]])  # written by the head: retried on the next round
        url = urllib.parse.urlsplit(base.rstrip("/") + self.spec["path"])
        if url.scheme != "http" or not url.hostname:
            raise RuntimeError(f"not an http URL: {base}")
        self.host, self.port = url.hostname, url.port or 80
        self.path = url.path + (f"?{url.query}" if url.query else "")

    def workers(self) -> list[dict]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request("GET", self.path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"the head answered HTTP {response.status} to {self.path}")
        finally:
            conn.close()
        entries = json.loads(body).get(self.spec["list"]) or []
        where = self.spec.get("where") or {}
        return [
            {"name": str(e.get(self.spec["name"])), "job": None}
            for e in entries
            if isinstance(e, dict) and all(e.get(k) == v for k, v in where.items())
        ]

    def retire(self, names: list[str]) -> list[str]:
        raise RuntimeError("this set cannot retire single workers")

    def close(self) -> None:
        pass


class NoProbe:
    def workers(self) -> list[dict]:
        return []

    def retire(self, names: list[str]) -> list[str]:
        raise RuntimeError("this set cannot retire workers")

    def close(self) -> None:
        pass


PROBES: dict[str, Callable[[], Probe]] = {
    "dask": Dask,
    "ipyparallel": IPyParallel,
    "json": JsonProbe,
    "none": NoProbe,
}


def handle_requests(probe: Probe, status: dict) -> bool:
    handled = False
    for path in sorted(glob.glob(os.path.join(REQUESTS, "*.json"))):
        rid = os.path.basename(path)[: -len(".json")]
        try:
            with open(path) as f:
                req = json.load(f)
            if req.get("op") != "retire":
                raise ValueError(f"unknown request {req.get('op')!r}")
            answer = {"ok": True, "retired": probe.retire([str(n) for n in req.get("names", [])])}
        except Exception as e:
            answer = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        os.unlink(path)
        responses = status.setdefault("responses", {})
        responses[rid] = answer
        for old in sorted(responses)[:-20]:
            del responses[old]
        handled = True
    return handled


def main(argv: list[str]) -> None:
    global PROBE, SET_DIR, JOB_ID, READY, STATUS, REQUESTS
    PROBE, SET_DIR, JOB_ID, READY = argv[1], argv[2], argv[3], argv[4]
    STATUS, REQUESTS = os.path.join(SET_DIR, "status.json"), os.path.join(SET_DIR, "requests")
    os.makedirs(REQUESTS, exist_ok=True)
    status: dict[str, Any] = {
        "v": 1,
        "job": JOB_ID,
        "pid": os.getpid(),
        "head": "connecting",
        "workers": [],
        "responses": {},
    }
    write_json(STATUS, dict(status, time=time.time()))
    written, last = "", 0.0
    probe: Optional[Probe] = None
    while not os.path.exists(READY):
        time.sleep(FAST)  # the head is starting
    fast_until = time.time() + FAST_FOR
    # a head that just wrote its ready file is "connecting" for a while before it is "unreachable"
    patience, answered = time.time() + 30, False
    while True:
        try:
            if probe is None:
                probe = PROBES[PROBE]()
            status["workers"] = probe.workers()
            status["head"], status["error"] = "ok", None
            answered = True
            if handle_requests(probe, status):
                status["workers"] = probe.workers()
        except Exception as e:
            late = answered or time.time() > patience
            status["head"] = "unreachable" if late else "connecting"
            status["error"] = f"{type(e).__name__}: {e}"
            if probe is not None:
                with contextlib.suppress(Exception):
                    probe.close()
                probe = None
        text = json.dumps(status, sort_keys=True)
        now = time.time()
        if text != written:
            fast_until = now + FAST_FOR
        if text != written or now - last > HEARTBEAT:
            write_json(STATUS, dict(status, time=now))
            written, last = text, now
        if not getattr(probe, "waits", False):  # a probe that waits for changes paces itself
            time.sleep(FAST if now < fast_until else INTERVAL)


if __name__ == "__main__":
    main(sys.argv)
