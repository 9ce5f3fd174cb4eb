#!/usr/bin/env bash
# JupyterHub on this machine's fixture, as a centre runs it (README "Deploying at a centre"):
# set-up, the local Slurm, the shared environment (scripts/hub-env.sh), then the Hub in the
# foreground on http://127.0.0.1:$PORT/ until Ctrl-C. Log in as alice or bob with the password
# it prints. Run as root (the Hub starts servers as the users).
#
#   bash scripts/hub.sh [--spawner local|slurm] [--port 8000] [--state DIR] [--no-setup]
#
# --spawner slurm runs each user's Lab as a Slurm job on the local cluster (batchspawner).
# --no-setup skips set-up, fixture and shared environment (the UI tests do those first).
# HPC_HUB_PASSWORD sets the password (default: a new random one, printed).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPAWNER=local PORT=8000 STATE="" SETUP=1
while [ $# -gt 0 ]; do
    case $1 in
        --spawner) SPAWNER=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --state) STATE=$2; shift 2 ;;
        --no-setup) SETUP=0; shift ;;
        *) echo "usage: $0 [--spawner local|slurm] [--port N] [--state DIR] [--no-setup]" >&2; exit 2 ;;
    esac
done
case $SPAWNER in local | slurm) ;; *) echo "--spawner: local or slurm" >&2; exit 2 ;; esac
log() { echo "[hub] $*" >&2; }

if [ "$SETUP" = 1 ]; then
    bash "$ROOT/scripts/setup.sh"
    eval "$(bash "$ROOT/scripts/slurm/start.sh")"
    bash "$ROOT/scripts/hub-env.sh" >/dev/null
fi
: "${HPC_SLURM_CONF_LOCAL:?source the fixture env or run without --no-setup}"
export HPC_HUB_PREFIX=${HPC_HUB_PREFIX:-/opt/jupyterlab-hpc-hub}
export HPC_HUB_STATE=${STATE:-/var/tmp/jupyterlab-hpc-hub/$SPAWNER}
export HPC_HUB_PORT=$PORT HPC_HUB_SPAWNER=$SPAWNER
export HPC_HUB_PROXY=$ROOT/node_modules/.bin/configurable-http-proxy
export HPC_HUB_PASSWORD=${HPC_HUB_PASSWORD:-$(openssl rand -hex 8)}
export SLURM_CONF=$HPC_SLURM_CONF_LOCAL
install -d -m 700 "$HPC_HUB_STATE"
cd "$HPC_HUB_STATE"
log "JupyterHub ($SPAWNER spawner) on http://127.0.0.1:$PORT/ — users alice, bob; password $HPC_HUB_PASSWORD"
exec "$HPC_HUB_PREFIX/bin/jupyterhub" -f "$ROOT/hub/jupyterhub_config.py"
