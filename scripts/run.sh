#!/usr/bin/env bash
# The main job: set up (idempotently), start the local Slurm cluster, then
# JupyterLab on 127.0.0.1 with jupyterlab-hpc active and the "local" cluster
# configured by default. JupyterLab prints the URL to open. Extra arguments go
# to `jupyter lab` (e.g. --port 8890). Ctrl-C stops JupyterLab; Slurm keeps
# running (scripts/slurm/stop.sh stops it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export HPC_VENV=${HPC_VENV:-$ROOT/.venv}
bash scripts/setup.sh
fixture=$(bash scripts/slurm/start.sh) || { echo "run: the Slurm fixture did not start (see above)" >&2; exit 1; }
eval "$fixture"
export PATH=$HPC_VENV/bin:$PATH
args=(--ServerApp.ip=127.0.0.1 --no-browser --config="$ROOT/scripts/lab_config.py")
[ "$(id -u)" = 0 ] && args+=(--allow-root)
echo "[run] starting JupyterLab; open the URL below, then the HPC tab in the left sidebar" >&2
exec jupyter lab "${args[@]}" "$@"
