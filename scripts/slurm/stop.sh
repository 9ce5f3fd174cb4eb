#!/bin/bash
# Stop everything start.sh started, by recorded pid only (pid file + command line):
# per cluster, cancel active jobs and kill leftover slurmstepd with their processes, then
# slurmd and slurmctld; then sshd with its sessions; then munged if start.sh started it.
# Safe when nothing runs. Pending jobs stay in the state dir (start.sh wipes it by default).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

unlink_default_conf() {
    local target
    target=$(readlink /etc/slurm/slurm.conf 2>/dev/null) || return 0
    [[ "$target" == "$FIXTURE_DIR"/* ]] && rm -f /etc/slurm/slurm.conf
    return 0
}

main() {
    local c
    [ -d "$FIXTURE_DIR" ] || { log "nothing to stop ($FIXTURE_DIR missing)"; exit 0; }
    take_lock
    for c in "${CLUSTERS[@]}"; do
        [ -f "$(cluster_conf "$c")" ] || continue
        stop_jobs "$c"
        stop_slurmd "$c"
        stop_ctld "$c"
    done
    for c in "${CTLD_ONLY_CLUSTERS[@]}"; do stop_ctld "$c"; done
    # after the controllers: they hand slurmdbd the last job records on the way out
    stop_accounting
    stop_sshd TERM
    stop_munged
    unlink_default_conf
    log "stopped"
}

main "$@"
