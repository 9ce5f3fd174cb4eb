"""Code that runs in the Jupyter server process: the extension's start-up, the authenticated
proxy to the companion (``handlers``), the dashboard allowlist (``dashboards``) and the guard
of jupyter-server-proxy's loopback routes (``proxy_guard``)."""
