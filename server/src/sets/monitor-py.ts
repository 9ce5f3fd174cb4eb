/**
 * The monitor the head job starts beside its head: it writes status.json in
 * the set dir (is the head reachable, which workers are connected and from
 * which Slurm job) and carries out the companion's requests (retire workers),
 * so counting and scaling work over any transport: the companion only reads
 * and writes small files (SFTP on ssh). Every probe has a timeout: an
 * IPyParallel client otherwise hangs when its controller dies.
 *
 * It starts with the head and waits for the head's ready file. Dask workers
 * come from the scheduler's HTTP server, from a route of our preload that
 * answers as soon as they change (dask-preload-py.ts), asked with the set's
 * dashboard secret, with the standard library only: importing distributed
 * would take ~0.7 s of CPU beside a starting scheduler and workers; the
 * distributed Client that retires workers is made 10 s later, with the set's
 * certificate (tls.ts). Other probes are polled every 0.1 s while workers come
 * (start-up, or a change in the last minute), every second otherwise.
 *
 * It is constant code (no user value inside), written by the job script with a
 * quoted here-document. It must not contain a line equal to MONITOR_EOF.
 */
import { DASK_WORKERS_ROUTE } from './dask-preload-py';
import { DASHBOARD_SECRET_FILE, TLS_CERT_FILE, TLS_KEY_FILE } from './tls';

export const MONITOR_EOF = 'HPC_MONITOR_PY_EOF';

export const MONITOR_PY = String.raw`"""jupyterlab-hpc set monitor: status.json and requests for one set."""
import glob
import http.client
import json
import os
import re
import sys
import time

PROBE, SET_DIR, JOB_ID, READY = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
STATUS = os.path.join(SET_DIR, "status.json")
REQUESTS = os.path.join(SET_DIR, "requests")
INTERVAL = 1.0
# while workers come: from the start, and for a while after each change
FAST, FAST_FOR = 0.1, 60.0
HEARTBEAT = 15.0


def write_json(path, data):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def slurm_job_id():
    import os
    return os.environ.get("SLURM_JOB_ID")


class Dask:
    """Workers from the scheduler's HTTP server: the preload's route answers at the next change."""

    def __init__(self):
        with open(os.path.join(SET_DIR, "scheduler.json")) as f:
            info = json.load(f)  # written non-atomically: a failure is retried on the next round
        self.address = info["address"]
        host = re.match(r"^[a-z0-9]+://(.+):[0-9]+$", self.address)
        port = (info.get("services") or {}).get("dashboard")
        # host and port of the HTTP server; http.client ignores *_proxy variables
        self.http = (host.group(1).strip("[]"), port) if host and isinstance(port, int) else None
        self.headers = {}
        try:  # the HTTP server answers only with the set's dashboard secret (absent: a set made before it)
            with open(os.path.join(SET_DIR, "${DASHBOARD_SECRET_FILE}")) as f:
                self.headers["Authorization"] = "token " + f.read().strip()
        except FileNotFoundError:
            pass
        self.version = -1
        self.waits = False
        self.client = None
        # the Client that retires workers: made once the start-up is over (~0.7 s of CPU)
        self.client_at = time.time() + 10

    def _get(self, path, timeout):
        conn = http.client.HTTPConnection(self.http[0], self.http[1], timeout=timeout)
        try:
            conn.request("GET", path, headers=self.headers)
            response = conn.getresponse()
            body = response.read()
            if response.status == 404:
                return None
            if response.status != 200:
                raise RuntimeError("the scheduler answered HTTP %d to %s" % (response.status, path))
            return json.loads(body)
        finally:
            conn.close()

    def _client(self):
        if self.client is None:
            from distributed import Client
            self.client = Client(self.address, timeout=30, set_as_default=False, security=self._security())
        return self.client

    def _security(self):
        if not self.address.startswith("tls://"):
            return None  # a set started before sets had TLS
        from distributed.security import Security
        cert, key = os.path.join(SET_DIR, "${TLS_CERT_FILE}"), os.path.join(SET_DIR, "${TLS_KEY_FILE}")
        return Security(require_encryption=True, tls_ca_file=cert, tls_client_cert=cert, tls_client_key=key)

    def workers(self):
        names = None
        if self.http:
            # waits for a change up to INTERVAL; not there yet right after the scheduler file: 404
            answer = self._get("${DASK_WORKERS_ROUTE}?version=%d&wait=%g" % (self.version, INTERVAL), 10 + INTERVAL)
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
        # workers are named "<job>-<task>" by the job script
        return [{"name": n, "job": n.split("-")[0] if "-" in n else None} for n in names]

    def retire(self, names):
        self._client().retire_workers(names=names, close_workers=True)
        return names

    def close(self):
        if self.client is not None:
            self.client.close(timeout=5)


class IPyParallel:
    def __init__(self):
        import ipyparallel
        path = os.path.join(SET_DIR, "profile", "security", "ipcontroller-client.json")
        self.rc = ipyparallel.Client(path, timeout=30)
        self.jobs = {}
        self.asking = {}

    def workers(self):
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

    def retire(self, names):
        targets = [int(n) for n in names if int(n) in self.rc.ids]
        if targets:
            self.rc.shutdown(targets=targets, block=False)
        deadline = time.time() + 20
        while any(t in self.rc.ids for t in targets):
            if time.time() > deadline:
                raise RuntimeError("engines %s did not stop within 20 s" % targets)
            time.sleep(0.2)
        return [str(t) for t in targets]

    def close(self):
        self.rc.close()


class NoProbe:
    def workers(self):
        return []

    def retire(self, names):
        raise RuntimeError("this set cannot retire workers")

    def close(self):
        pass


PROBES = {"dask": Dask, "ipyparallel": IPyParallel, "none": NoProbe}


def handle_requests(probe, status):
    handled = False
    for path in sorted(glob.glob(os.path.join(REQUESTS, "*.json"))):
        rid = os.path.basename(path)[: -len(".json")]
        try:
            with open(path) as f:
                req = json.load(f)
            if req.get("op") != "retire":
                raise ValueError("unknown request %r" % req.get("op"))
            answer = {"ok": True, "retired": probe.retire([str(n) for n in req.get("names", [])])}
        except Exception as e:
            answer = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        os.unlink(path)
        responses = status.setdefault("responses", {})
        responses[rid] = answer
        for old in sorted(responses)[:-20]:
            del responses[old]
        handled = True
    return handled


def main():
    os.makedirs(REQUESTS, exist_ok=True)
    status = {"v": 1, "job": JOB_ID, "pid": os.getpid(), "head": "connecting", "workers": [], "responses": {}}
    write_json(STATUS, dict(status, time=time.time()))
    written, last = "", 0.0
    probe = None
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
            status["error"] = "%s: %s" % (type(e).__name__, e)
            if probe is not None:
                try:
                    probe.close()
                except Exception:
                    pass
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
    main()
`;
