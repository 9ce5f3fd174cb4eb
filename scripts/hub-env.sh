#!/usr/bin/env bash
# The centre's shared environment for JupyterHub (README "Deploying at a centre"), idempotently:
#   - a venv at $HPC_HUB_PREFIX (default /opt/jupyterlab-hpc-hub) made from the system Python,
#     so that every user can run it (the project venv's Python may live in root's home);
#   - JupyterHub, batchspawner, JupyterLab, Dask, IPyParallel (requirements-hub.txt, pinned by
#     constraints.txt) and the jupyterlab_hpc wheel that scripts/setup.sh built into dist/;
#   - the centre's config in the environment's own etc/jupyter, read by every user's server:
#     jupyter_server_config.json (clusters `local` and `remote`, the centre
#     templates, sets stopped with the server, poll limits) and jupyter_server_config.py (dashboard allowlist).
# Needs the fixture's environment (source $HPC_FIXTURE_DIR/env.sh) for the clusters' slurm.conf.
# Prints the prefix on stdout, progress on stderr. Run as root after scripts/setup.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PREFIX=${HPC_HUB_PREFIX:-/opt/jupyterlab-hpc-hub}
SYSTEM_PYTHON=${HPC_HUB_SYSTEM_PYTHON:-/usr/bin/python3}
log() { echo "[hub-env] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

: "${HPC_SLURM_CONF_LOCAL:?source the fixture env (scripts/slurm/start.sh prints it)}"
: "${HPC_SLURM_CONF_REMOTE:?source the fixture env (scripts/slurm/start.sh prints it)}"
wheel=$(ls "$ROOT"/dist/jupyterlab_hpc-*.whl 2>/dev/null | head -n 1) || true
[ -n "$wheel" ] || die "no wheel in $ROOT/dist: run scripts/setup.sh first"

digest() { cat "$@" | sha256sum | cut -c1-64; }
stamp_ok() { [ "$(cat "$PREFIX/.stamp-$1" 2>/dev/null)" = "$2" ]; }
stamp_set() { echo "$2" >"$PREFIX/.stamp-$1"; }

umask 022 # the environment is read and run by every user
install -d -m 755 "$(dirname "$PREFIX")"
exec 8>"$(dirname "$PREFIX")/.$(basename "$PREFIX").lock"
flock -w 1800 8 || die "another hub-env.sh holds the lock"

if [ ! -x "$PREFIX/bin/python" ]; then
    log "creating the shared environment $PREFIX with $SYSTEM_PYTHON"
    "$SYSTEM_PYTHON" -m venv "$PREFIX"
fi
d=$(digest "$ROOT/requirements-hub.txt" "$ROOT/constraints.txt")
if ! stamp_ok packages "$d"; then
    log "installing JupyterHub, batchspawner, JupyterLab, Dask, IPyParallel (a few minutes the first time)"
    "$PREFIX/bin/pip" install -q --upgrade pip >&2
    "$PREFIX/bin/pip" install -q -r "$ROOT/requirements-hub.txt" -c "$ROOT/constraints.txt" >&2
    stamp_set packages "$d"
fi
d=$(digest "$wheel")
if ! stamp_ok wheel "$d"; then
    log "installing $(basename "$wheel")"
    "$PREFIX/bin/pip" install -q --force-reinstall --no-deps "$wheel" >&2
    stamp_set wheel "$d"
fi

# The centre's settings, rewritten on every run (cheap; they name the fixture's files).
etc=$PREFIX/etc/jupyter
templates=$PREFIX/share/jupyterlab-hpc/templates
install -d -m 755 "$etc" "$templates"
install -m 644 "$ROOT"/hub/centre/templates/*.json "$templates/"
install -m 644 "$ROOT/hub/centre/jupyter_server_config.py" "$etc/jupyter_server_config.py"
"$PREFIX/bin/python" - "$etc/jupyter_server_config.json" "$templates" <<'PY'
import json, os, sys

out, templates = sys.argv[1:]
config = {
    "HpcConfig": {
        "clusters": [
            {"name": "local", "transport": "local", "env": {"SLURM_CONF": os.environ["HPC_SLURM_CONF_LOCAL"]}},
            {"name": "remote", "transport": "local", "env": {"SLURM_CONF": os.environ["HPC_SLURM_CONF_REMOTE"]}},
        ],
        "template_dirs": [templates],
        "stop_sets_with_server": True,
        # the centre's admin limits (README "Poll limits"): users' settings cannot go below them
        "min_poll_interval": 5.0,
        "min_all_users_interval": 60.0,
    },
    "LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"},
}
with open(out + ".new", "w") as f:
    json.dump(config, f, indent=2)
os.replace(out + ".new", out)
PY
chmod 644 "$etc/jupyter_server_config.json"
for u in alice bob; do
    id "$u" >/dev/null 2>&1 || continue
    runuser -u "$u" -- "$PREFIX/bin/python" -c 'import jupyterlab_hpc, jupyterhub' ||
        die "$u cannot run $PREFIX/bin/python: every directory above it must be readable by all"
done
echo "$PREFIX"
