#!/bin/bash
# Cancels every bench job (root's jobs named hpc-bench-*) on both fixture clusters.
# bench/run.sh calls it on exit, also after Ctrl-C or a failure; safe to run by hand.
# Needs the fixture's environment (HPC_SLURM_CONF_LOCAL/REMOTE, from scripts/slurm/start.sh).
set -uo pipefail
for conf in "${HPC_SLURM_CONF_REMOTE:-}" "${HPC_SLURM_CONF_LOCAL:-}"; do
    [ -n "$conf" ] && [ -f "$conf" ] || continue
    names=$(SLURM_CONF=$conf squeue --noheader --user=root --format=%j 2>/dev/null | grep '^hpc-bench-' | sort -u)
    for name in $names; do
        SLURM_CONF=$conf scancel --user=root --name="$name" || echo "bench: scancel --name=$name failed" >&2
    done
done
