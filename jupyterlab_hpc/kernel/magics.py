"""Notebook magics: ``%sbatch``/``%%sbatch``, ``%squeue``, ``%sacct``, ``%scancel``, ``%sinfo``,
``%ipcluster`` and ``%dask`` — the sidebar's operations, as reproducible cells.

Load with ``%load_ext jupyterlab_hpc``. They parse their arguments and call the companion's
REST API (``client.py``); the Slurm work happens there. Runs in the kernel. Errors are one ``UsageError`` line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Optional

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from traitlets import Unicode

from .client import HpcError
from .display import JobList, PartitionList, SetList, job_state_filter
from .history import HistoryList
from .parsers import (
    Parser,
    dask_parser,
    ipcluster_parser,
    sacct_parser,
    sbatch_parser,
    scancel_parser,
    sinfo_parser,
    split_line,
    squeue_parser,
    with_help,
)
from .records import JobRecords
from .session import HpcSession, set_reason
from .set_clients import describe_client

DEFAULT_SHEBANG = "#!/bin/bash\n"
ACTIVE_SET_STATES = ("pending", "starting", "running")
# Options of `start` passed to POST /api/sets as they are (the companion validates them).
SET_OPTIONS = (
    "nodes",
    "workersPerNode",
    "threads",
    "memory",
    "time",
    "partition",
    "account",
    "setup",
    "mpi",
    "nanny",
    "name",
    "python",
)


@magics_class
class HpcMagics(Magics):
    """Slurm and HPC clusters from notebook cells, through the jupyterlab-hpc companion."""

    cluster = Unicode(
        "",
        help="Cluster of the magics when --cluster is not given; empty: the first configured one.",
    ).tag(config=True)

    def __init__(self, shell: Any, session: HpcSession) -> None:
        super().__init__(shell)
        self.session = session

    def _cluster(self, name: Optional[str]) -> str:
        return name or self.cluster or self.session.default_cluster()

    # -- jobs --------------------------------------------------------------------------

    @line_cell_magic
    @with_help(sbatch_parser)
    def sbatch(self, line: str, cell: Optional[str] = None) -> Optional[str]:
        """Submit a batch job; prints and returns its id."""
        args, rest = sbatch_parser.parse_known_args(split_line(line))
        if args.template:
            return self._submit_template(args, rest, cell)
        if args.param:
            raise UsageError("%sbatch: --param needs --template")
        if args.wrap is not None:
            if cell is not None and cell.strip():
                raise UsageError("%%sbatch: --wrap makes the script: leave the cell empty")
            # as sbatch --wrap does: the command line in a sh script (the companion takes scripts only)
            options, script = rest, f"#!/bin/sh\n# This script was created by %sbatch --wrap.\n\n{args.wrap}\n"
        elif cell is None:
            if not rest or rest[-1].startswith("-"):
                raise UsageError("%sbatch: missing script: %sbatch [sbatch options] SCRIPT, or use %%sbatch")
            *options, path = rest
            script = _read_script(path)
        else:
            options, script = rest, _cell_script(cell)
        cluster = self._cluster(args.cluster)
        options = self._with_workdir(cluster, options)
        job_id = self.session.submit(cluster, script, options)
        print(f"Submitted batch job {job_id} on {cluster}, {_runs_in(options)}")
        return job_id

    def _submit_template(self, args: argparse.Namespace, rest: list[str], cell: Optional[str]) -> str:
        if rest:
            raise UsageError(f"%sbatch: with --template, give parameters with --param, not {' '.join(rest)}")
        if cell is not None and cell.strip():
            raise UsageError("%%sbatch: with --template the template is the script: leave the cell empty")
        params = _params("%sbatch", args.param)
        cluster = self._cluster(args.cluster)
        job_id, options = self.session.submit_template(cluster, args.template, params)
        print(f"Submitted batch job {job_id} on {cluster} (template {args.template}), {_runs_in(options)}")
        return job_id

    def _with_workdir(self, cluster: str, options: list[str]) -> list[str]:
        """Jobs on this host start in the notebook's directory, as `sbatch` typed in it would.

        The companion's own working directory means nothing to the user; on a remote
        cluster the kernel's directory does not exist, so sbatch's default stands there.
        """
        if any(o in ("-D", "--chdir") or o.startswith(("-D", "--chdir=")) for o in options):
            return options
        if self.session.transport(cluster) != "local":
            return options
        return [f"--chdir={os.getcwd()}", *options]

    @line_magic
    @with_help(squeue_parser)
    def squeue(self, line: str) -> JobList:
        """Jobs in the queue as a table (HTML, and a table in JupyterLab); returns the jobs as dicts."""
        args = squeue_parser.parse_args(split_line(line))
        names = self.session.cluster_names() if args.cluster == "all" else [self._cluster(args.cluster)]
        states = job_state_filter(args.state)
        ids = {i.strip() for i in args.jobs.split(",") if i.strip()} if args.jobs else None
        answers: list[JobRecords] = []
        clusters: list[dict] = []
        for name in names:
            try:
                # The companion filters: at 100k jobs the kernel only splits what it shows.
                reply = self.session.jobs(
                    name,
                    user=args.user,
                    all_users=args.all,
                    states=states,
                    ids=ids,
                    active=args.state is None,
                )
            except HpcError as e:
                if len(names) == 1:
                    raise
                # One failing cluster never hides the others.
                clusters.append({"name": name, "status": "error", "error": str(e)})
                continue
            header = reply.header
            clusters.append(dict({k: header.get(k) for k in ("status", "error", "updatedAt")}, name=name))
            if header.get("status") == "error" and len(names) == 1 and not header.get("updatedAt"):
                raise HpcError(f"{name}: {header.get('error')}")
            answers.append(reply)
        if ids and not any(len(a) for a in answers):
            # like squeue -j (and %scancel): an id that is not there is an error, not an empty table
            mine = not (args.all or args.user)
            hint = " (ended, or another user's: add -a)" if mine else " (ended, or never there)"
            where = "your jobs" if mine else "the queue"
            raise HpcError(f"no job {', '.join(sorted(ids))} in {where} on {', '.join(names)}{hint}")
        query = {
            "cluster": None if args.cluster == "all" else names[0],
            "user": args.user,
            "all": bool(args.all),
            "states": sorted(states) if states is not None else (None if args.state else ["active"]),
            "jobs": sorted(ids) if ids else None,
        }
        return JobList(answers, query, clusters)

    @line_magic
    @with_help(sacct_parser)
    def sacct(self, line: str) -> HistoryList:
        """Your jobs in Slurm's accounting, ended ones too (exit codes, elapsed, CPU and memory
        efficiency), as a table; returns them as dicts. On a cluster without accounting: one line."""
        args = sacct_parser.parse_args(split_line(line))
        cluster = self._cluster(args.cluster)
        query = {
            "start": args.starttime,
            "end": args.endtime,
            "state": ",".join(sorted(job_state_filter(args.state) or ())) or None if args.state else None,
            "name": args.name,
            "jobs": args.jobs,
        }
        return HistoryList(self.session.history(cluster, query), cluster)

    @line_magic
    @with_help(scancel_parser)
    def scancel(self, line: str) -> None:
        """Cancel jobs."""
        args = scancel_parser.parse_args(split_line(line))
        cluster = self._cluster(args.cluster)
        self.session.job_action(cluster, "cancel", args.ids)
        print(f"Cancelled {', '.join(args.ids)} on {cluster}")

    @line_magic
    @with_help(sinfo_parser)
    def sinfo(self, line: str) -> PartitionList:
        """Partitions and node counts (default: every configured cluster)."""
        args = sinfo_parser.parse_args(split_line(line))
        reply = self.session.clusters()
        if args.cluster and args.cluster != "all":
            chosen = [c for c in reply if c.get("name") == args.cluster]
            if not chosen:
                known = ", ".join(str(c.get("name")) for c in reply) or "none"
                raise HpcError(f"no cluster named {args.cluster!r} (configured: {known})")
            reply = chosen
        partitions = [
            dict(p, cluster=c["name"], partition=p.get("name")) for c in reply for p in c.get("partitions", [])
        ]
        clusters = [{k: c.get(k) for k in ("name", "status", "error", "updatedAt")} for c in reply]
        return PartitionList(partitions, clusters)

    # -- sets ------------------------------------------------------------------------

    @line_magic
    @with_help(ipcluster_parser)
    def ipcluster(self, line: str) -> Any:
        """IPyParallel engines on Slurm."""
        return self._set_magic("ipyparallel", ipcluster_parser, line)

    @line_magic
    @with_help(dask_parser)
    def dask(self, line: str) -> Any:
        """Dask workers on Slurm."""
        return self._set_magic("dask", dask_parser, line)

    def _set_magic(self, kind: str, parser: Parser, line: str) -> Any:
        args = parser.parse_args(split_line(line))
        if args.action == "start":
            return self._start_set(kind, args)
        if args.action == "stop":
            return self._stop_set(kind, args)
        if args.action == "status":
            sets = [s for s in self.session.sets() if s.get("kind") == kind]
            if not args.ended:
                sets = [s for s in sets if s.get("state") in ACTIVE_SET_STATES]
            return SetList(sets, f"{kind} sets")
        return self._connect_set(kind, args)

    def _start_set(self, kind: str, args: argparse.Namespace) -> Any:
        if args.workers < 1:
            raise UsageError(f"-n must be at least 1, not {args.workers}")
        if args.param and not args.template:
            raise UsageError(f"%{_magic_name(kind)} start: --param needs --template")
        cluster = self._cluster(args.cluster)
        body: dict[str, Any] = {"cluster": cluster, "kind": kind, "workers": args.workers}
        for key in SET_OPTIONS:
            if getattr(args, key, None) is not None:
                body[key] = getattr(args, key)
        if args.template:
            # the companion renders the template (its modules, set-up and resources)
            body["template"] = args.template
            body["params"] = _params(f"%{_magic_name(kind)} start", args.param)
        if "python" not in body and self.session.transport(cluster) == "local":
            # Engines must match the kernel's Python and library versions to unpickle its work.
            body["python"] = sys.executable
        record = self.session.start_set(body)
        set_id = str(record["id"])
        print(f"Started {kind} set {set_id} on {cluster}; waiting for {args.workers} (Ctrl-C stops waiting)")
        return self._wait(kind, set_id, args.workers, args.timeout)

    def _connect_set(self, kind: str, args: argparse.Namespace) -> Any:
        set_id = args.id or self._pick_set(kind, "connect")
        record = self.session.get_set(set_id)
        if record.get("kind") != kind:
            raise HpcError(f"set {set_id} is a {record.get('kind')} set, not {kind}")
        wanted = args.workers
        if wanted is None:
            workers = record.get("workers") or {}
            wanted = int(workers.get("requested", 1)) if isinstance(workers, dict) else 1
        return self._wait(kind, set_id, wanted, args.timeout)

    def _wait(self, kind: str, set_id: str, workers: int, timeout: float) -> Any:
        from IPython.display import Pretty, display

        handle = display(Pretty(f"{kind} set {set_id}: waiting"), display_id=True)

        def progress(text: str) -> None:
            if handle is not None:
                handle.update(Pretty(text))

        try:
            client = self.session.wait_for_set(set_id, workers, timeout, progress)
        except KeyboardInterrupt:
            print(f"Stopped waiting; set {set_id} keeps running (%{_magic_name(kind)} stop {set_id} stops it)")
            raise
        self.session.last_set[kind] = set_id
        print(f"Connected: {describe_client(client)} (set {set_id})")
        return client

    def _stop_set(self, kind: str, args: argparse.Namespace) -> None:
        set_id = args.id or self._pick_set(kind, "stop")
        # the companion answers once the set's jobs are gone, or after the timeout
        record = self.session.stop_set(set_id, wait=args.timeout) or {}  # {}: forgotten at once, nothing left
        if record and record.get("state") != "ended":
            raise HpcError(f"set {set_id} is still {record.get('state')} after {args.timeout:.0f} s")
        if self.session.last_set.get(kind) == set_id:
            del self.session.last_set[kind]
        reason = set_reason(record) if record else "ended"
        print(f"Stopped {kind} set {set_id}" + (f" ({reason})" if reason not in ("ended", "") else ""))

    def _pick_set(self, kind: str, verb: str) -> str:
        """The set a bare ``stop``/``connect`` means: this notebook's last, or the only active one."""
        active = [s for s in self.session.sets() if s.get("kind") == kind and s.get("state") in ACTIVE_SET_STATES]
        ids = [str(s["id"]) for s in active]
        last = self.session.last_set.get(kind)
        if last in ids:
            return last
        if len(ids) == 1:
            return ids[0]
        magic = _magic_name(kind)
        if not ids:
            raise HpcError(f"no {kind} set is running (start one with %{magic} start -n N)")
        running = ", ".join(ids)
        raise HpcError(f"{len(ids)} {kind} sets are running ({running}): name one, e.g. %{magic} {verb} {ids[0]}")


def _params(magic: str, items: list[str]) -> dict[str, str]:
    """``--param NAME=VALUE`` items as a dict; the companion checks each against the template."""
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{magic}: --param {item!r} is not NAME=VALUE")
        params[name.strip()] = value
    return params


def _magic_name(kind: str) -> str:
    return "ipcluster" if kind == "ipyparallel" else "dask"


def _read_script(path: str) -> str:
    file = Path(path).expanduser()
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        # `%sbatch -p debug` lands here too: say which word was taken for the script.
        raise UsageError(f"%sbatch: no such script file: {path} (usage: %sbatch [sbatch options] SCRIPT)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"%sbatch: cannot read {path}: {e}") from None


def _runs_in(options: list[str]) -> str:
    """Where the job runs, in words: its --chdir (the last one wins, as in sbatch), or sbatch's default."""
    folder = None
    for i, o in enumerate(options):
        if o.startswith("--chdir="):
            folder = o[len("--chdir=") :]
        elif o.startswith("-D") and len(o) > 2:
            folder = o[2:]
        elif o in ("--chdir", "-D") and i + 1 < len(options):
            folder = options[i + 1]
    return f"runs in {folder}" if folder else "runs in your home directory there"


def _cell_script(cell: str) -> str:
    """The cell as a batch script: sbatch needs a #! line, so bash is assumed without one."""
    script = cell.lstrip("\n")
    if not script.strip():
        raise UsageError("%%sbatch: the cell is empty; it should hold the batch script")
    if not script.startswith("#!"):
        script = DEFAULT_SHEBANG + script
    return script if script.endswith("\n") else script + "\n"


# -- extension hooks (called from jupyterlab_hpc/__init__.py) ---------------------------

_loaded: dict[int, tuple[HpcMagics, Any]] = {}


def load(shell: Any) -> None:
    session = HpcSession()
    magics = HpcMagics(shell, session=session)
    shell.register_magics(magics)
    shell.configurables.append(magics)  # %config HpcMagics.cluster = "name"
    from .comm import attach

    bridge = attach(shell, session)
    if bridge is not None:
        bridge.open()  # the 'hello': the Lab learns this kernel speaks jupyterlab-hpc
    _loaded[id(shell)] = (magics, bridge)


def unload(shell: Any) -> None:
    magics, bridge = _loaded.pop(id(shell), (None, None))
    if bridge is not None:
        bridge.close()
    if magics is not None:
        for kind in ("line", "cell"):
            for name in ("sbatch", "squeue", "sacct", "scancel", "sinfo", "ipcluster", "dask"):
                shell.magics_manager.magics[kind].pop(name, None)
        if magics in shell.configurables:
            shell.configurables.remove(magics)
