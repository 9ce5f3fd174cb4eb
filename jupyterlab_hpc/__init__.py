"""jupyterlab-hpc: Slurm queues, job templates and HPC clusters in JupyterLab.

This package is thin glue, in two rooms: ``server/`` runs in the Jupyter server (the proxy of
``{base_url}hpc/`` to the per-host Node.js companion, the dashboard allowlist), ``kernel/`` runs
in IPython kernels (the magics and the Lab comm); ``shared/`` (settings, the companion's
launcher) runs in both. This module holds only the entry points Jupyter and IPython look for.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-hpc"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyterlab_hpc"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the proxy handlers (the companion is started in the start hook below)."""
    from .server.extension import load

    load(serverapp)


async def _start_jupyter_server_extension(serverapp: Any) -> None:
    """Start the companion eagerly once the event loop runs, without delaying startup."""
    from .server.extension import start

    start(serverapp)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyterlab_hpc``: the Slurm magics and the kernel side of the Lab comm."""
    from .kernel.magics import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .kernel.magics import unload

    unload(ipython)
