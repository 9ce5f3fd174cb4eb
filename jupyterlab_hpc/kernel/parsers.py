"""The magics' argument parsers (runs in the kernel): argparse that answers with one
``UsageError`` line, and whose help is each magic's docstring (``%sbatch?``).
"""

from __future__ import annotations

import argparse
import functools
import shlex
from typing import Any, Callable, Optional

from IPython.core.error import UsageError

from .client import HpcError

SET_START_TIMEOUT = 600.0  # seconds: a set waits in the queue like any job
SET_STOP_TIMEOUT = 60.0


class HelpShown(Exception):
    """``-h`` printed the help: the magic returns nothing."""


class Parser(argparse.ArgumentParser):
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
        raise HelpShown()


def with_help(parser: Parser) -> Callable[[Callable], Callable]:
    """Turn package errors into one UsageError line, and put the usage in ``%magic?``."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except HpcError as e:
                raise UsageError(str(e)) from None
            except HelpShown:
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

sbatch_parser = Parser(
    "%sbatch",
    "Submit a batch job to Slurm; prints and returns its id.\n\n"
    "  %sbatch [--cluster NAME] [sbatch options] SCRIPT\n"
    "  %sbatch [--cluster NAME] --template ID [--param NAME=VALUE ...]\n"
    '  %sbatch [--cluster NAME] [sbatch options] --wrap "COMMAND"\n'
    "  %%sbatch [--cluster NAME] [sbatch options]   (the cell is the script)\n\n"
    "Every option not listed below goes to sbatch as typed (e.g. -p debug --time=5).\n\n"
    "Where the job runs: on a local cluster, in the notebook's folder (a script file's job too);\n"
    "over SSH, in your home directory there; a template's job in its chdir, else your home\n"
    "directory. --chdir=DIR (-D DIR) chooses another folder.",
    usage="%(prog)s [--cluster NAME] [sbatch options] SCRIPT | --template ID [--param NAME=VALUE ...]",
)
_add_cluster(sbatch_parser)
sbatch_parser.add_argument("--template", metavar="ID", help="submit this job template instead of a script")
sbatch_parser.add_argument(
    "--param", metavar="NAME=VALUE", action="append", default=[], help="a template parameter (repeatable)"
)
sbatch_parser.add_argument("--wrap", metavar="COMMAND", help="the job is this command line, as sbatch --wrap makes it")

squeue_parser = Parser("%squeue", "Jobs in the queue, as a table; returns a sequence of job dicts.")
_add_cluster(squeue_parser, all_ok=True)
_who = squeue_parser.add_mutually_exclusive_group()
_who.add_argument("-u", "--user", metavar="USER", help="jobs of this user (default: yours)")
_who.add_argument("-a", "--all", action="store_true", help="jobs of every user")
squeue_parser.add_argument(
    "-t",
    "--state",
    "--states",
    dest="state",
    metavar="STATES",
    help="comma-separated states, names or codes (R,PD); 'all' includes ended jobs (default: not ended)",
)
squeue_parser.add_argument("-j", "--jobs", metavar="IDS", help="comma-separated job ids")

sacct_parser = Parser(
    "%sacct", "Your jobs in Slurm's accounting (ended ones too), as a table; returns a sequence of job dicts."
)
_add_cluster(sacct_parser)
sacct_parser.add_argument(
    "-S", "--starttime", metavar="TIME", help="jobs from this time (sacct's forms: now-1hours, 2026-12-03T10:00)"
)
sacct_parser.add_argument("-E", "--endtime", metavar="TIME", help="jobs up to this time")
sacct_parser.add_argument("-s", "--state", metavar="STATES", help="comma-separated states, names or codes (CD,F,TO)")
sacct_parser.add_argument("-j", "--jobs", metavar="IDS", help="comma-separated job ids")
sacct_parser.add_argument("--name", metavar="NAMES", help="comma-separated job names")

scancel_parser = Parser("%scancel", "Cancel jobs.")
_add_cluster(scancel_parser)
scancel_parser.add_argument("ids", nargs="+", metavar="JOBID", help="job ids (12, 12_3 for an array task)")

sinfo_parser = Parser("%sinfo", "Partitions and node counts of the clusters.")
_add_cluster(sinfo_parser, all_ok=True)


def _set_parser(kind: str, magic: str, variable: str) -> Parser:
    label = "IPyParallel engines" if kind == "ipyparallel" else "Dask workers"
    client = "ipyparallel.Client" if kind == "ipyparallel" else "distributed.Client"
    parser = Parser(
        magic,
        f"{label} on Slurm, as a set the HPC sidebar shows too.\n"
        f"start and connect return a connected {client}, e.g. {variable} = {magic} start -n 4",
    )
    sub = parser.add_subparsers(dest="action", metavar="{start,stop,status,connect}", parser_class=Parser)
    sub.required = True
    start = sub.add_parser("start", help=f"start a set and wait for its {label.split()[-1]}")
    start.add_argument("-n", "--workers", type=int, required=True, metavar="N", help=f"number of {label.split()[-1]}")
    _add_cluster(start)
    start.add_argument("--template", metavar="ID", help="a set template (environment, resources)")
    start.add_argument(
        "--param", metavar="NAME=VALUE", action="append", default=[], help="a template parameter (repeatable)"
    )
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
        start.add_argument(
            "--mpi",
            action="store_true",
            default=None,
            help="engines as the ranks of one MPI job (srun --mpi; mpi4py on the nodes)",
        )
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


ipcluster_parser = _set_parser("ipyparallel", "%ipcluster", "rc")
dask_parser = _set_parser("dask", "%dask", "client")


def split_line(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as e:  # an unclosed quote
        raise UsageError(f"cannot split the arguments: {e}") from None
