"""The Jupyter server extension's start-up (runs in the Jupyter server process).

The hooks themselves stay in ``jupyterlab_hpc/__init__.py``, where Jupyter looks for them.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from ..shared.config import HpcConfig
from ..shared.launcher import Launcher
from .handlers import CLIENT_SETTING, CompanionClient, setup_handlers


def load(serverapp: Any) -> None:
    """Register the proxy handlers (the companion is started by ``start`` below)."""
    config = HpcConfig(config=serverapp.config)
    launcher = Launcher(config, parent_pid=os.getpid(), logger=serverapp.log)
    setup_handlers(serverapp.web_app, CompanionClient(launcher, serverapp.log))
    if config.guard_local_proxy:
        from .proxy_guard import install_guard

        install_guard(serverapp.web_app)
    serverapp.log.info("jupyterlab-hpc: proxying %shpc/ to the companion", serverapp.base_url)


def start(serverapp: Any) -> None:
    """Start the companion eagerly once the event loop runs, without delaying startup.

    Failures (e.g. no Node.js) are logged, not raised: requests retry and answer 502.
    """
    client = serverapp.web_app.settings[CLIENT_SETTING]
    # Keep a reference: asyncio holds tasks only weakly.
    client.warm_up_task = asyncio.ensure_future(client.warm_up())
