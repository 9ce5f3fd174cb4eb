"""jupyterlab-hpc: Slurm queues, job templates and HPC clusters in JupyterLab.

This package is thin glue: the prebuilt JupyterLab extension, plus a Jupyter server
extension that proxies ``{base_url}hpc/`` to a per-host Node.js companion process.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

__version__ = "0.1.0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-hpc"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyterlab_hpc"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the proxy handlers (the companion is started in the start hook below)."""
    from .config import HpcConfig
    from .handlers import CompanionClient, setup_handlers
    from .launcher import Launcher

    config = HpcConfig(config=serverapp.config)
    launcher = Launcher(config, parent_pid=os.getpid(), logger=serverapp.log)
    setup_handlers(serverapp.web_app, CompanionClient(launcher, serverapp.log))
    if config.guard_local_proxy:
        from .proxy_guard import install_guard

        install_guard(serverapp.web_app)
    serverapp.log.info("jupyterlab-hpc: proxying %shpc/ to the companion", serverapp.base_url)


async def _start_jupyter_server_extension(serverapp: Any) -> None:
    """Start the companion eagerly once the event loop runs, without delaying startup.

    Failures (e.g. no Node.js) are logged, not raised: requests retry and answer 502.
    """
    from .handlers import CLIENT_SETTING

    client = serverapp.web_app.settings[CLIENT_SETTING]
    # Keep a reference: asyncio holds tasks only weakly.
    client.warm_up_task = asyncio.ensure_future(client.warm_up())


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyterlab_hpc``: the Slurm magics and the kernel side of the Lab comm."""
    from .magics import load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .magics import unload

    unload(ipython)
