#!/usr/bin/env bash
# Everything the README's two commands need, idempotently: system packages,
# the Python venv, npm packages, the build, and the wheel installed into the
# venv exactly as a centre would install it. A second run only rebuilds what
# changed. Prints progress on stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV=${HPC_VENV:-$ROOT/.venv}
log() { echo "[setup] $*" >&2; }

# digest FILE...: one hash over the content of files/dirs (for rebuild stamps)
digest() { find "$@" -type f -not -path '*/__pycache__/*' -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64; }
# stamp_ok NAME DIGEST: true when the step NAME already ran for DIGEST
stamp_ok() { [ "$(cat "$STAMPS/$1" 2>/dev/null)" = "$2" ]; }
stamp_set() { echo "$2" > "$STAMPS/$1"; }

STAMPS=$ROOT/.run/stamps
mkdir -p "$STAMPS"
# Two set-ups at once (e.g. run.sh and test.sh) would race on node_modules and the venv.
exec 8>"$ROOT/.run/setup.lock"
flock -w 1800 8 || { log "another set-up holds $ROOT/.run/setup.lock"; exit 1; }

bash "$ROOT/scripts/install-system.sh"

if [ ! -x "$VENV/bin/python" ]; then
    log "creating the Python venv $VENV"
    python3 -m venv "$VENV"
fi
d=$(digest requirements-dev.txt constraints.txt)
if ! stamp_ok venv "$d"; then
    log "installing Python packages (JupyterLab, ipyparallel, dask, ...)"
    "$VENV/bin/pip" install -q --upgrade pip >&2
    "$VENV/bin/pip" install -q -r requirements-dev.txt -c constraints.txt >&2
    stamp_set venv "$d"
fi
export PATH=$VENV/bin:$PATH

d=$(digest package.json package-lock.json)
if [ ! -d node_modules ] || ! stamp_ok npm "$d"; then
    log "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >&2
    stamp_set npm "$d"
fi

d=$(digest package.json tsconfig.json src protocol scripts/protocol-json.mjs schema style server/src server/webpack.config.js server/tsconfig.json)
if [ ! -f jupyterlab_hpc/companion/main.js ] || [ ! -f jupyterlab_hpc/labextension/package.json ] || [ ! -f jupyterlab_hpc/protocol.json ] || ! stamp_ok build "$d"; then
    log "building the labextension and the companion"
    npm run --silent build:prod >&2
    stamp_set build "$d"
fi

d=$(digest pyproject.toml install.json jupyter-config jupyterlab_hpc templates/centre)
if ! stamp_ok wheel "$d" || ! "$VENV/bin/pip" show -q jupyterlab_hpc 2>/dev/null; then
    log "building and installing the wheel"
    rm -rf dist
    "$VENV/bin/python" -m build --wheel --no-isolation --outdir dist . >&2
    "$VENV/bin/pip" install -q --force-reinstall --no-deps dist/jupyterlab_hpc-*.whl >&2
    stamp_set wheel "$d"
fi
log "ready"
