"""Settings of jupyterlab-hpc, read from the Jupyter server config (``c.HpcConfig.*``).

Runs in both processes: the Jupyter server reads them from its ServerApp, kernels with
``load_hpc_config`` from the same files.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

from traitlets import Bool, Dict, Float, Int, List, Unicode, default
from traitlets.config import Config

from ..protocol import CLUSTER_FIELDS, TRANSPORTS
from .poll_limits import PollLimits

NODE_ENV_VAR = "JUPYTERLAB_HPC_NODE"


class HpcConfig(PollLimits):
    """Options for the companion process and the clusters it talks to."""

    clusters = List(
        Dict(),
        default_value=[{"name": "local", "transport": "local"}],
        help=(
            "Clusters to manage. Each entry is passed to the companion as is (protocol/clusters.ts): "
            f"keys {', '.join(CLUSTER_FIELDS)}; transport one of {', '.join(TRANSPORTS)}."
        ),
    ).tag(config=True)

    node = Unicode(
        help=f"Node.js (>= 18) executable that runs the companion. Defaults to ${NODE_ENV_VAR} or 'node'.",
    ).tag(config=True)

    @default("node")
    def _default_node(self) -> str:
        return os.environ.get(NODE_ENV_VAR) or "node"

    poll_interval = Float(5.0, help="Seconds between Slurm queue polls.").tag(config=True)

    idle_timeout = Int(
        3600,
        help="Seconds without requests after which the companion exits (0 = never).",
    ).tag(config=True)

    guard_local_proxy = Bool(
        True,
        help="Refuse jupyter-server-proxy's proxy/<port>/ routes, which forward to any loopback port "
        "without asking ServerProxy.host_allowlist: on a shared node that is every user's servers. "
        "Dashboards use proxy/<host>:<port>/, decided by the allowlist.",
    ).tag(config=True)

    template_dirs = List(
        Unicode(),
        help="The centre's job template directories (read-only for users). "
        "Default: the two examples shipped with the package.",
    ).tag(config=True)

    @default("template_dirs")
    def _default_template_dirs(self) -> list[str]:
        return [str(d) for d in _shipped_template_dirs()]

    def companion_config(self) -> dict[str, Any]:
        """The CONFIG.json document the companion reads (camelCase keys)."""
        return {
            "clusters": [dict(c) for c in self.clusters],
            "pollInterval": self.poll_interval,
            "templateDirs": list(self.template_dirs),
            "limits": self.limits_config(),
        }


def _shipped_template_dirs() -> list[Path]:
    """The example centre templates: inside the wheel, or beside the package in a checkout."""
    package = Path(__file__).parent.parent
    for candidate in (package / "templates" / "centre", package.parent / "templates" / "centre"):
        if candidate.is_dir():
            return [candidate]
    return []


def load_hpc_config(config_dirs: Optional[Sequence[str]] = None) -> HpcConfig:
    """Build HpcConfig from jupyter_server_config.{py,json} when no server app is around.

    Used by kernels (magics): they share the server's settings without a ServerApp.
    Files are merged like traitlets' Application does: directories from lowest to highest
    priority, and within one directory .json overrides .py.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import (
        ConfigFileNotFound,
        JSONFileConfigLoader,
        PyFileConfigLoader,
    )

    dirs = list(config_dirs) if config_dirs is not None else jupyter_config_path()
    merged = Config()
    for directory in reversed(dirs):
        for loader_cls, name in (
            (PyFileConfigLoader, "jupyter_server_config.py"),
            (JSONFileConfigLoader, "jupyter_server_config.json"),
        ):
            with contextlib.suppress(ConfigFileNotFound):
                merged.merge(loader_cls(name, path=directory).load_config())
    return HpcConfig(config=merged)
