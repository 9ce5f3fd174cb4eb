"""How the companion's Node.js process is run and watched (used by the Jupyter server and kernels).

Its flags and environment (the bench starts its companions with the same), and whether a
process id is still alive (connection files name the companion's pid).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie (a killed child not yet reaped)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    try:
        # Field 3 of /proc/PID/stat is the state; the name before it may contain spaces.
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no procfs (macOS): kill(0) is the best we have


# The companion holds one big generation for hours (a 100k-job queue is ~13 MB of squeue text)
# and replaces it every poll: a small young generation, and a malloc that gives squeue's big
# buffers back to the system, keep it near its live size (server/src/util/memory.ts; issue 7).
# The bench starts its companions with these too.
NODE_FLAGS = ("--max-semi-space-size=1",)
NODE_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072"}


def companion_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The companion's environment: ``environ`` plus NODE_ENV where the user set nothing (named
    in HPC_COMPANION_ONLY_ENV, so the companion drops them before running Slurm commands and jobs
    do not inherit them), and the Python that local Dask/IPyParallel sets run by default."""
    added = {k: v for k, v in NODE_ENV.items() if k not in environ}
    return {
        "HPC_SET_PYTHON": sys.executable,
        **environ,
        **added,
        "HPC_COMPANION_ONLY_ENV": ",".join(added),
    }
