#!/bin/bash
# Install the Debian packages the test fixture and the browser tests need.
# Idempotent and quiet: when every package is already installed it prints nothing
# and returns at once (no apt-get update, no network). Run as root.
set -euo pipefail

# python3-venv: the shared JupyterHub environment is made from the system Python (scripts/hub-env.sh)
# slurmdbd + mariadb-server: Slurm accounting (sacct) in the fixture (scripts/slurm/accounting.sh)
# openjdk-17-jre-headless: the Java of the spark-standalone set template (Spark 4 needs Java 17+)
# libopenmpi-dev, openmpi-bin: IPyParallel engines as MPI ranks (mpi4py is built against Debian's mpicc)
PACKAGES=(slurm-wlm slurmdbd mariadb-server munge openssh-server chromium iproute2 procps openssl python3-venv
    openjdk-17-jre-headless libopenmpi-dev openmpi-bin)

log() { echo "[install-system] $*" >&2; }

# installed PKG: dpkg knows the package as fully installed (not just "config-files")
installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || { log "ERROR: missing ${missing[*]}; run as root to install them"; exit 1; }

export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg (e.g. an image build step) instead of failing on its lock.
APT_OPTS=(-q -y -o DPkg::Lock::Timeout=600)
log "installing: ${missing[*]}"
apt-get "${APT_OPTS[@]}" update >&2
apt-get "${APT_OPTS[@]}" install "${missing[@]}" >&2
log "done"
