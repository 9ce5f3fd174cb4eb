"""The public name of the dashboard allowlist (runs in the Jupyter server process).

Centre configs write ``from jupyterlab_hpc.dashboards import allow_set_nodes`` (README);
the code lives in ``jupyterlab_hpc/server/dashboards.py``.
"""

from .server.dashboards import allow_set_nodes

__all__ = ["allow_set_nodes"]
