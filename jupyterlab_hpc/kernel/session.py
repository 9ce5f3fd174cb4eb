"""What one kernel knows and asks (runs in the kernel): the companion's answers as Python
values, the sets this kernel connected to, and the events the Lab comm forwards.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Mapping
from typing import Any, Callable, Optional

from ..protocol import KERNEL_EVENTS
from .client import SUBMIT_TIMEOUT, Companion, HpcError, one_line, quote_segment
from .records import JobRecords
from .set_clients import close_quietly, count_workers, is_usable, make_client, wait_for_workers

EventListener = Callable[[dict], None]


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
        text = self.api.get(f"clusters/{quote_segment(cluster)}/jobs", query=query, raw=True)
        try:
            return JobRecords(text, cluster)
        except ValueError as e:
            raise HpcError(f"the companion's answer for {cluster}'s jobs is not readable: {e}") from None

    def history(self, cluster: str, query: dict[str, Optional[str]]) -> dict:
        """The user's jobs in Slurm's accounting (``GET history``): ``accounting`` false with a
        ``message`` on a cluster that keeps none, else ``groups`` of jobs (arrays grouped)."""
        return dict(self.api.get(f"clusters/{quote_segment(cluster)}/history", query=query))

    def job_action(self, cluster: str, action: str, ids: Iterable[str]) -> dict:
        return self.api.post(f"clusters/{quote_segment(cluster)}/jobs/actions", {"action": action, "ids": list(ids)})

    def submit(self, cluster: str, script: str, args: list[str]) -> str:
        body = {"script": script, "args": args}
        reply = self.api.post(f"clusters/{quote_segment(cluster)}/submit", body, timeout=SUBMIT_TIMEOUT)
        job_id = str(reply["jobId"])
        self.emit({"type": KERNEL_EVENTS["jobSubmitted"], "cluster": cluster, "jobId": job_id})
        return job_id

    def submit_template(self, cluster: str, template: str, params: dict[str, str]) -> tuple[str, list[str]]:
        """The job's id and its sbatch options as the companion rendered them."""
        # Values go as typed: the companion checks each against its parameter's type.
        body = {"id": template, "cluster": cluster, "params": dict(params)}
        reply = self.api.post("templates/submit", body, timeout=SUBMIT_TIMEOUT)
        job_id = str(reply["jobId"])
        self.emit(
            {"type": KERNEL_EVENTS["jobSubmitted"], "cluster": str(reply.get("cluster", cluster)), "jobId": job_id}
        )
        return job_id, [str(o) for o in reply.get("options", [])]

    # -- sets (Dask / IPyParallel on Slurm) ------------------------------------------

    def sets(self) -> list[dict]:
        reply = self.api.get("sets")
        return list(reply.get("sets", []) if isinstance(reply, dict) else reply)

    def get_set(self, set_id: str) -> dict:
        return self.api.get(f"sets/{quote_segment(set_id)}")

    def start_set(self, body: dict) -> dict:
        record = self.api.post("sets", body, timeout=SUBMIT_TIMEOUT)
        set_id = str(record["id"])
        self.last_set[str(record.get("kind", body["kind"]))] = set_id
        event = {
            "type": KERNEL_EVENTS["setStarted"],
            "setId": set_id,
            "cluster": record.get("cluster"),
            "kind": record.get("kind"),
        }
        self.emit(event)
        return record

    def stop_set(self, set_id: str, wait: float = 0) -> Optional[dict]:
        """Stop a set; with ``wait``, the companion answers once its jobs are gone (None: the
        set was forgotten meanwhile) or after ``wait`` seconds, with the set as it is then."""
        client = self.clients.pop(set_id, None)
        if client is not None:
            close_quietly(client)
        path = f"sets/{quote_segment(set_id)}"
        return self.api.request("DELETE", path, query={"wait": wait or None}, timeout=wait + SUBMIT_TIMEOUT)

    def connection(self, set_id: str) -> dict:
        return self.api.get(f"sets/{quote_segment(set_id)}/connection")

    def connect(self, set_id: str, kind: Optional[str] = None) -> Any:
        """A connected client of the set (reused if this kernel already has one)."""
        client = self.clients.get(set_id)
        if client is not None and is_usable(client):
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
    ) -> Any:
        """Wait until ``workers`` engines/workers are connected; return the connected client.

        The companion does the waiting (one request, a line at each change and every second);
        the kernel shows the progress and connects once the set is ready. Raises HpcError when
        the set ends (with its reason) or the time is up; the set is left running in that case,
        so the user can wait again with ``connect``.
        """
        started = time.monotonic()
        query = {"workers": workers, "timeout": timeout}
        record: Mapping[str, Any] = {}
        outcome = None
        for line in self.api.stream(f"sets/{quote_segment(set_id)}/wait", query=query):
            record, outcome = line["record"], line.get("outcome")
            progress(describe_progress(record, connected_workers(record), workers, time.monotonic() - started))
        state = str(record.get("state", "?"))
        if outcome == "ended":
            raise HpcError(f"set {set_id} {state}: {set_reason(record)}")
        if outcome == "never":
            # a job of the set pends for a reason that will not pass (PartitionNodeLimit…): say it now
            raise HpcError(f"set {set_id} {set_reason(record)} (it stays queued until you stop it)")
        timed_out = HpcError(
            f"timed out after {timeout:.0f} s waiting for {workers} workers of set {set_id} "
            f"({connected_workers(record)} connected, state {state}); it keeps running: connect later or stop it"
        )
        if outcome != "ready":
            raise timed_out
        client = self.connect(set_id, str(record.get("kind")))
        # the set's monitor saw them; a new client may take a moment to hear of the last ones
        if not wait_for_workers(client, workers, max(1.0, timeout - (time.monotonic() - started))):
            raise timed_out
        progress(describe_progress(record, count_workers(client), workers, time.monotonic() - started))
        return client


def connected_workers(record: Mapping[str, Any]) -> int:
    """Workers the set's monitor sees connected to its head."""
    workers = record.get("workers")
    return int(workers.get("connected", 0)) if isinstance(workers, Mapping) else 0


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
