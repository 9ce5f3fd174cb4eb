# The centre's Jupyter server settings that JSON cannot hold, read by every user's server.
# scripts/hub-env.sh copies this file into the shared environment's etc/jupyter/; the clusters,
# templates and other plain settings are in etc/jupyter/jupyter_server_config.json beside it.
#
# Dask dashboards open in Lab through jupyter-server-proxy: allow exactly the dashboard
# host:port of the user's own running sets (never a whole compute node, nor loopback).
from jupyterlab_hpc.dashboards import allow_set_nodes

c.ServerProxy.host_allowlist = allow_set_nodes  # noqa: F821 (c is the traitlets config)
