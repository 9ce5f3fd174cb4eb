# JupyterLab settings of `scripts/run.sh` (the demo on the local Slurm).
# Dask dashboards are opened through jupyter-server-proxy; allow the nodes of
# the user's own running sets rather than a fixed list of compute nodes.
from jupyterlab_hpc.dashboards import allow_set_nodes

c.ServerProxy.host_allowlist = allow_set_nodes  # noqa: F821 (c is the traitlets config)
