"""Code both processes run: the settings (``c.HpcConfig``) and the launcher that finds or
starts the per-host companion. The Jupyter server starts it eagerly; a kernel whose magics
run first (or with no server around) starts it itself, and the two share it."""
