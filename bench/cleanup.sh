#!/bin/bash
# Cancels every bench job (root's jobs named hpc-bench-*, and every job of the centre row's
# users hpc-bench-uNN) on both fixture clusters, then removes those users.
# bench/run.sh calls it on exit, also after Ctrl-C or a failure; safe to run by hand.
# Needs the fixture's environment (HPC_SLURM_CONF_LOCAL/REMOTE, from scripts/slurm/start.sh).
set -uo pipefail
users=$(getent passwd | cut -d: -f1 | grep -E '^hpc-bench-u[0-9]+$')
for conf in "${HPC_SLURM_CONF_REMOTE:-}" "${HPC_SLURM_CONF_LOCAL:-}"; do
    [ -n "$conf" ] && [ -f "$conf" ] || continue
    names=$(SLURM_CONF=$conf squeue --noheader --user=root --format=%j 2>/dev/null | grep '^hpc-bench-' | sort -u)
    for name in $names; do
        SLURM_CONF=$conf scancel --user=root --name="$name" || echo "bench: scancel --name=$name failed" >&2
    done
    for user in $users; do
        SLURM_CONF=$conf scancel --user="$user" 2>/dev/null || echo "bench: scancel --user=$user failed" >&2
    done
done
for user in $users; do
    # its companion follows the bench out within 2 s (--parent-pid); userdel refuses a user with processes
    for _ in $(seq 50); do
        pgrep -u "$user" >/dev/null || break
        sleep 0.2
    done
    pkill -KILL -u "$user" 2>/dev/null
    userdel "$user" 2>/dev/null || { sleep 1; userdel "$user" 2>/dev/null; }
    getent passwd "$user" >/dev/null && echo "bench: could not remove user $user" >&2
done
# the users' homes (bench/src/centre.ts)
rm -rf "${TMPDIR:-/tmp}"/hpc-bench-centre-*
true
