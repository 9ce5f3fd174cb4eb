# JupyterHub as a centre runs it, on the test fixture (scripts/hub.sh; test/ui/hub-*.spec.ts).
# README "Deploying at a centre" explains each part. Set by the starter, in the environment:
#   HPC_HUB_PREFIX    the shared environment (scripts/hub-env.sh): Lab, the extension, the centre config
#   HPC_HUB_STATE     the Hub's own files (database, cookie secret, proxy token, logs)
#   HPC_HUB_PORT      the public port, on loopback; the Hub and the proxy's API take the next two
#   HPC_HUB_SPAWNER   `local` (servers as the users' own processes) or `slurm` (batchspawner)
#   HPC_HUB_PASSWORD  the test users' shared password (8+ characters)
#   HPC_HUB_PROXY     configurable-http-proxy (from the project's node_modules)
import os
import socket

c = get_config()  # noqa: F821 (provided by JupyterHub)

prefix = os.environ["HPC_HUB_PREFIX"]
state = os.environ["HPC_HUB_STATE"]
port = int(os.environ.get("HPC_HUB_PORT", "8000"))

c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
c.ConfigurableHTTPProxy.command = [os.environ.get("HPC_HUB_PROXY", "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{state}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{state}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True  # a Hub that stops stops its users' servers

# Two people with one test password; at a centre: PAM, LDAP or the site's OAuth.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["HPC_HUB_PASSWORD"]
c.Authenticator.allowed_users = {"alice", "bob"}

# Every user's server runs the shared environment's Lab; its etc/jupyter holds the centre's
# clusters and templates (sys.prefix is in every server's config path), ~/.jupyter the user's own.
c.Spawner.cmd = [f"{prefix}/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# Slurm finds its cluster through SLURM_CONF here (a centre has /etc/slurm/slurm.conf).
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "SLURM_CONF"]
c.Spawner.environment = {"PATH": f"{prefix}/bin:/usr/local/bin:/usr/bin:/bin"}

if os.environ.get("HPC_HUB_SPAWNER", "local") == "slurm":
    # The user's Lab is a Slurm job (sbatch as the user): the sidebar's Slurm commands, the
    # companion and the kernels run inside that allocation, on the node the job got.
    c.JupyterHub.spawner_class = "batchspawner.SlurmSpawner"
    # The Hub runs as root: runuser (util-linux) submits, queries and cancels as the user. A Hub
    # that runs unprivileged keeps batchspawner's default `sudo -E -u {username}` and a sudoers rule.
    c.SlurmSpawner.exec_prefix = "/usr/sbin/runuser -u {username} --"
    c.SlurmSpawner.batchspawner_singleuser_cmd = f"{prefix}/bin/batchspawner-singleuser"
    c.SlurmSpawner.req_partition = "batch"
    c.SlurmSpawner.req_runtime = "01:00:00"
    c.SlurmSpawner.req_nprocs = "2"
    c.SlurmSpawner.req_memory = "1500M"
    # The server listens on the node's name (loopback on the fixture); on a real cluster '0.0.0.0'
    # or the node's address on the network the Hub reaches.
    c.SlurmSpawner.ip = socket.gethostname()
    c.SlurmSpawner.startup_poll_interval = 0.5
else:
    c.JupyterHub.spawner_class = "localprocess"
