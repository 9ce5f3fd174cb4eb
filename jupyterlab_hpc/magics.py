"""Notebook magics: ``%sbatch``/``%%sbatch``, ``%squeue``, ``%scancel``, ``%sinfo``,
``%ipcluster`` and ``%dask`` — the sidebar's operations, as reproducible cells.

Load with ``%load_ext jupyterlab_hpc``. They parse their arguments and call the companion's
REST API (``client.py``); the Slurm work happens there. Errors are one ``UsageError`` line.
"""

from __future__ import annotations

import argparse
import functools
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from traitlets import Unicode

from .client import HpcError, HpcSession, describe_client, set_reason
from .display import JobList, PartitionList, SetList, job_state_filter
from .records import JobRecords

DEFAULT_SHEBANG = "#!/bin/bash\n"
SET_START_TIMEOUT = 600.0  # seconds: a set waits in the queue like any job
SET_STOP_TIMEOUT = 60.0
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


class _HelpShown(Exception):
    """``-h`` printed the help: the magic returns nothing."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors as one UsageError line instead of exiting the kernel."""

    def __init__(self, prog: str, description: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        # No abbreviations: `--clus` must not silently become our `--cluster` (sbatch has
        # `--clusters`), and unknown options of %sbatch go to sbatch untouched.
        super().__init__(prog=prog, description=description, allow_abbrev=False, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog.split()[0]}?)")

    def exit(self, status: int = 0, message: Optional[str] = None) -> None:  # type: ignore[override]
        if status:
            raise UsageError(f"{self.prog}: {(message or 'invalid arguments').strip()}")
        raise _HelpShown()


def _with_help(parser: _Parser) -> Callable[[Callable], Callable]:
    """Turn package errors into one UsageError line, and put the usage in ``%magic?``."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except HpcError as e:
                raise UsageError(str(e)) from None
            except _HelpShown:
                return None

        wrapper.__doc__ = (func.__doc__ or "").rstrip() + "\n\n" + parser.format_help()
        return wrapper

    return decorate


def _add_cluster(parser: argparse.ArgumentParser, all_ok: bool = False) -> None:
    parser.add_argument(
        "--cluster",
        metavar="NAME",
        help="cluster to use (default: the first configured one)" + ("; 'all' for every cluster" if all_ok else ""),
    )


# -- parsers (module level: their help is the magics' docstrings) ------------------------

_sbatch = _Parser(
    "%sbatch",
    "Submit a batch job to Slurm; prints and returns its id.\n\n"
    "  %sbatch [--cluster NAME] [sbatch options] SCRIPT\n"
    "  %sbatch [--cluster NAME] --template ID [--param NAME=VALUE ...]\n"
    "  %%sbatch [--cluster NAME] [sbatch options]   (the cell is the script)\n\n"
    "Every option not listed below goes to sbatch as typed (e.g. -p debug --time=5).",
    usage="%(prog)s [--cluster NAME] [sbatch options] SCRIPT | --template ID [--param NAME=VALUE ...]",
)
_add_cluster(_sbatch)
_sbatch.add_argument("--template", metavar="ID", help="submit this job template instead of a script")
_sbatch.add_argument(
    "--param", metavar="NAME=VALUE", action="append", default=[], help="a template parameter (repeatable)"
)

_squeue = _Parser("%squeue", "Jobs in the queue, as a table; returns a sequence of job dicts.")
_add_cluster(_squeue, all_ok=True)
_who = _squeue.add_mutually_exclusive_group()
_who.add_argument("-u", "--user", metavar="USER", help="jobs of this user (default: yours)")
_who.add_argument("-a", "--all", action="store_true", help="jobs of every user")
_squeue.add_argument(
    "-t",
    "--state",
    "--states",
    dest="state",
    metavar="STATES",
    help="comma-separated states, names or codes (R,PD); 'all' includes ended jobs (default: not ended)",
)
_squeue.add_argument("-j", "--jobs", metavar="IDS", help="comma-separated job ids")

_scancel = _Parser("%scancel", "Cancel jobs.")
_add_cluster(_scancel)
_scancel.add_argument("ids", nargs="+", metavar="JOBID", help="job ids (12, 12_3 for an array task)")

_sinfo = _Parser("%sinfo", "Partitions and node counts of the clusters.")
_add_cluster(_sinfo, all_ok=True)


def _set_parser(kind: str, magic: str, variable: str) -> _Parser:
    label = "IPyParallel engines" if kind == "ipyparallel" else "Dask workers"
    client = "ipyparallel.Client" if kind == "ipyparallel" else "distributed.Client"
    parser = _Parser(
        magic,
        f"{label} on Slurm, as a set the HPC sidebar shows too.\n"
        f"start and connect return a connected {client}, e.g. {variable} = {magic} start -n 4",
    )
    sub = parser.add_subparsers(dest="action", metavar="{start,stop,status,connect}", parser_class=_Parser)
    sub.required = True
    start = sub.add_parser("start", help=f"start a set and wait for its {label.split()[-1]}")
    start.add_argument("-n", "--workers", type=int, required=True, metavar="N", help=f"number of {label.split()[-1]}")
    _add_cluster(start)
    start.add_argument("--template", metavar="ID", help="a set template (environment, resources)")
    start.add_argument("--nodes", type=int, metavar="K", help="nodes to spread them over")
    start.add_argument("--time", metavar="T", help="walltime, as sbatch --time (e.g. 30, 1:00:00)")
    start.add_argument("--partition", metavar="P")
    start.add_argument("--account", metavar="A")
    start.add_argument("--workers-per-node", type=int, metavar="W", dest="workersPerNode")
    start.add_argument("--threads", type=int, metavar="T", help="threads (CPUs) per worker")
    start.add_argument("--memory", metavar="M", help="memory per worker (e.g. 4G)")
    start.add_argument(
        "--setup", action="append", metavar="LINE", help="a shell line run first, e.g. 'module load x' (repeatable)"
    )
    if kind == "ipyparallel":
        start.add_argument("--mpi", action="store_true", default=None, help="engines initialise MPI (mpi4py)")
    else:
        start.add_argument(
            "--nanny",
            action="store_true",
            default=None,
            help="run each worker under a nanny (Client.restart, restarts at the memory limit; ~1 s slower start)",
        )
    start.add_argument("--name", metavar="NAME", help="a name for the set")
    start.add_argument(
        "--python", metavar="PATH", help="python on the nodes (default on a local cluster: this kernel's)"
    )
    start.add_argument("--timeout", type=float, default=SET_START_TIMEOUT, metavar="S", help="seconds to wait")
    stop = sub.add_parser("stop", help="stop a set (all its jobs are cancelled)")
    stop.add_argument("id", nargs="?", metavar="ID", help="set id (default: the last one of this notebook)")
    stop.add_argument("--timeout", type=float, default=SET_STOP_TIMEOUT, metavar="S")
    status = sub.add_parser("status", help="list the sets")
    status.add_argument("--ended", action="store_true", help="include ended sets")
    connect = sub.add_parser("connect", help="connect to a running set")
    connect.add_argument("id", nargs="?", metavar="ID", help="set id (default: the last one, or the only running one)")
    connect.add_argument("-n", "--workers", type=int, metavar="N", help="wait for N (default: as requested)")
    connect.add_argument("--timeout", type=float, default=SET_START_TIMEOUT, metavar="S")
    return parser


_ipcluster = _set_parser("ipyparallel", "%ipcluster", "rc")
_dask = _set_parser("dask", "%dask", "client")


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as e:  # an unclosed quote
        raise UsageError(f"cannot split the arguments: {e}") from None


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
    @_with_help(_sbatch)
    def sbatch(self, line: str, cell: Optional[str] = None) -> Optional[str]:
        """Submit a batch job; prints and returns its id."""
        args, rest = _sbatch.parse_known_args(_split(line))
        if args.template:
            return self._submit_template(args, rest, cell)
        if args.param:
            raise UsageError("%sbatch: --param needs --template")
        if cell is None:
            if not rest or rest[-1].startswith("-"):
                raise UsageError("%sbatch: missing script: %sbatch [sbatch options] SCRIPT, or use %%sbatch")
            *options, path = rest
            script = _read_script(path)
        else:
            options, script = rest, _cell_script(cell)
        cluster = self._cluster(args.cluster)
        options = self._with_workdir(cluster, options)
        job_id = self.session.submit(cluster, script, options)
        print(f"Submitted batch job {job_id} on {cluster}")
        return job_id

    def _submit_template(self, args: argparse.Namespace, rest: list[str], cell: Optional[str]) -> str:
        if rest:
            raise UsageError(f"%sbatch: with --template, give parameters with --param, not {' '.join(rest)}")
        if cell is not None and cell.strip():
            raise UsageError("%%sbatch: with --template the template is the script: leave the cell empty")
        params: dict[str, str] = {}
        for item in args.param:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise UsageError(f"%sbatch: --param {item!r} is not NAME=VALUE")
            params[name.strip()] = value
        cluster = self._cluster(args.cluster)
        job_id = self.session.submit_template(cluster, args.template, params)
        print(f"Submitted batch job {job_id} on {cluster} (template {args.template})")
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
    @_with_help(_squeue)
    def squeue(self, line: str) -> JobList:
        """Jobs in the queue as a table (HTML, and a table in JupyterLab); returns the jobs as dicts."""
        args = _squeue.parse_args(_split(line))
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
        query = {
            "cluster": None if args.cluster == "all" else names[0],
            "user": args.user,
            "all": bool(args.all),
            "states": sorted(states) if states is not None else (None if args.state else ["active"]),
            "jobs": sorted(ids) if ids else None,
        }
        return JobList(answers, query, clusters)

    @line_magic
    @_with_help(_scancel)
    def scancel(self, line: str) -> None:
        """Cancel jobs."""
        args = _scancel.parse_args(_split(line))
        cluster = self._cluster(args.cluster)
        self.session.job_action(cluster, "cancel", args.ids)
        print(f"Cancelled {', '.join(args.ids)} on {cluster}")

    @line_magic
    @_with_help(_sinfo)
    def sinfo(self, line: str) -> PartitionList:
        """Partitions and node counts (default: every configured cluster)."""
        args = _sinfo.parse_args(_split(line))
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
    @_with_help(_ipcluster)
    def ipcluster(self, line: str) -> Any:
        """IPyParallel engines on Slurm."""
        return self._set_magic("ipyparallel", _ipcluster, line)

    @line_magic
    @_with_help(_dask)
    def dask(self, line: str) -> Any:
        """Dask workers on Slurm."""
        return self._set_magic("dask", _dask, line)

    def _set_magic(self, kind: str, parser: _Parser, line: str) -> Any:
        args = parser.parse_args(_split(line))
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
        if args.template:
            # The sets API takes no template yet, and would drop the field silently: say so
            # rather than start a set without the template's environment.
            raise HpcError(
                f"%{_magic_name(kind)} start --template is not supported by this companion yet; "
                "give --partition, --time, --setup 'module load …' instead"
            )
        cluster = self._cluster(args.cluster)
        body: dict[str, Any] = {"cluster": cluster, "kind": kind, "workers": args.workers}
        for key in SET_OPTIONS:
            if getattr(args, key, None) is not None:
                body[key] = getattr(args, key)
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
        self.session.stop_set(set_id)
        deadline = time.monotonic() + args.timeout
        record: dict = {}
        while time.monotonic() < deadline:
            try:
                record = self.session.get_set(set_id)
            except HpcError as e:
                if e.status == 404:  # forgotten at once: nothing left
                    break
                raise
            if record.get("state") == "ended":
                break
            time.sleep(0.5)
        else:
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
            for name in ("sbatch", "squeue", "scancel", "sinfo", "ipcluster", "dask"):
                shell.magics_manager.magics[kind].pop(name, None)
        if magics in shell.configurables:
            shell.configurables.remove(magics)
