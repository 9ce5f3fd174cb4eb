#!/bin/bash
# Smoke test of a running fixture (after start.sh, as root). Exit 0 = all good.
# On each cluster: a 2-task sbatch job with an srun step, hold/release, scancel, sacct; none on scale.
# Then, as hpcuser over ssh with strict host key checking: the remote cluster is the
# default there, and a submitted job runs as hpcuser on it (and not on local).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC1091
source "$FIXTURE_DIR/env.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# wait_state JOB STATE [SECS]: poll the job (in $SLURM_CONF's cluster) until it is in STATE
wait_state() {
    local job=$1 want=$2 secs=${3:-30} st="" n
    for ((n = 0; n < secs * 10; n++)); do
        st=$(squeue -h -t all -j "$job" -o %T 2>/dev/null || true)
        [ "$st" = "$want" ] && return 0
        sleep 0.1
    done
    fail "$(cluster_name) job $job is '$st', wanted $want"
}

cluster_name() { scontrol show config | awk '$1 == "ClusterName" { print $3 }'; }

SSH=(ssh -p "$HPC_SSH_PORT" -i "$HPC_SSH_KEY" -o UserKnownHostsFile="$HPC_SSH_KNOWN_HOSTS"
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR "$HPC_SSH_USER@$HPC_SSH_HOST")

# W: job output dir writable by hpcuser too; removed on exit
W=$(mktemp -d /tmp/hpc-fixture-selftest.XXXXXX)
chmod 1777 "$W"
trap 'rm -rf "$W"' EXIT

test_cluster() {
    local c=$1 j out
    export SLURM_CONF
    SLURM_CONF=$(cluster_conf "$c")
    [ "$(cluster_name)" = "$c" ] || fail "$SLURM_CONF is cluster '$(cluster_name)', not $c"
    [ "$(sinfo -h -o '%P %a' | sort | tr '\n' ' ')" = "batch up debug* up " ] || fail "$c partitions: $(sinfo)"

    # shellcheck disable=SC2016  # expanded in the job, not here
    j=$(cd "$W" && sbatch --parsable -p batch -n 2 -o "$W/$c-%j.out" \
        --wrap 'echo cluster=$SLURM_CLUSTER_NAME; srun -n 2 hostname')
    wait_state "$j" COMPLETED
    out=$(cat "$W/$c-$j.out")
    [ "$out" = "cluster=$c"$'\n'"$NODE"$'\n'"$NODE" ] || fail "$c job $j output: $out"
    ok "$c: sbatch -n 2 + srun -n 2 (job $j)"

    j=$(cd "$W" && sbatch --parsable --hold -o /dev/null --wrap true)
    wait_state "$j" PENDING
    [[ "$(squeue -h -j "$j" -o %r)" == JobHeld* ]] || fail "$c job $j: reason $(squeue -h -j "$j" -o %r)"
    scontrol release "$j"
    wait_state "$j" COMPLETED
    ok "$c: hold/release (job $j)"

    j=$(cd "$W" && sbatch --parsable -o /dev/null --wrap 'sleep 300')
    wait_state "$j" RUNNING
    scancel "$j"
    wait_state "$j" CANCELLED
    ok "$c: scancel (job $j)"

    # accounting: slurmdbd has the job at once, its batch step's CPU time and memory too
    out=$(sacct -n -P -j "$j" -o JobID,State 2>&1)
    [[ "$out" == "$j|CANCELLED by 0"* ]] || fail "$c: sacct -j $j: $out"
    ok "$c: sacct (job $j)"
}

test_no_accounting() {
    local out
    out=$(SLURM_CONF=$(cluster_conf scale) sacct 2>&1) && fail "scale: sacct worked: $out"
    [ "$out" = "Slurm accounting storage is disabled" ] || fail "scale: sacct said: $out"
    ok "scale: no accounting (sacct: $out)"
}

test_ssh() {
    local name=selftest-ssh-$$ j out
    # shellcheck disable=SC2016  # expanded on the ssh side
    out=$("${SSH[@]}" 'echo "$(id -un) $SLURM_CONF"; squeue -h -o %i >/dev/null && echo squeue-ok')
    [ "$out" = "$HPC_SSH_USER $HPC_SLURM_CONF_REMOTE"$'\n'squeue-ok ] || fail "ssh: $out"
    j=$("${SSH[@]}" "sbatch --parsable -J $name -n 2 -o $W/ssh-%j.out --wrap 'id -un; srun -n 2 id -un'")
    export SLURM_CONF=$HPC_SLURM_CONF_REMOTE
    wait_state "$j" COMPLETED
    [ "$(squeue -h -t all -j "$j" -o %u)" = "$HPC_SSH_USER" ] || fail "ssh job $j owner: $(squeue -h -t all -j "$j" -o %u)"
    out=$(sort -u "$W/ssh-$j.out")
    [ "$out" = "$HPC_SSH_USER" ] || fail "ssh job $j output: $(cat "$W/ssh-$j.out")"
    [ -z "$(SLURM_CONF=$HPC_SLURM_CONF_LOCAL squeue -h -t all -n "$name")" ] || fail "ssh job $j is on the local cluster"
    ok "ssh $HPC_SSH_USER@$HPC_SSH_HOST:$HPC_SSH_PORT: sbatch on remote runs as $HPC_SSH_USER (job $j)"
}

for c in "${CLUSTERS[@]}"; do test_cluster "$c"; done
test_no_accounting
test_ssh
echo "selftest passed"
