#!/bin/bash
# Start the jupyterlab-hpc test fixture on this host (Debian 12, as root, no systemd):
#   munged; two independent Slurm 22.05 clusters on loopback, one node each:
#     local  (slurmctld 127.0.0.1:6817, slurmd :6818)   partitions debug (default), batch
#     remote (slurmctld 127.0.0.1:6827, slurmd :6828)   same partitions
#   a third, controller-only cluster for RPC counts (sdiag):
#     scale  (slurmctld 127.0.0.1:6837, no slurmd: its jobs stay pending)
#   an sshd on 127.0.0.1:2222 for the key-only user hpcuser, whose commands get
#   SLURM_CONF of the *remote* cluster; and the users alice and bob (private homes) for the
#   JupyterHub tests.
# Idempotent: daemons already running (pid file + command line) are left alone.
# stdout: `export` lines for clients (eval "$(scripts/slurm/start.sh)"), also written to
# $HPC_FIXTURE_DIR/env.sh. stderr: progress.
#
# Environment:
#   HPC_FIXTURE_DIR      runtime dir (default /var/tmp/jupyterlab-hpc-fixture; outside the
#                        repo so non-root users can read the confs)
#   HPC_FIXTURE_CLEAN    1 (default): wipe state+spool of clusters that are not running, so
#                        no job of an earlier run comes back; 0: keep pending jobs
#   HPC_FIXTURE_CPUS     fake CPUs per node (default 8)   HPC_FIXTURE_MEM  MB (default 4000)
#   HPC_FIXTURE_TIMEOUT  seconds to wait for each daemon (default 60)
# Note: the readiness probe leaves a COMPLETED root job "hpc-fixture-probe" visible in
# `squeue -t all` for MinJobAge (300 s) on each freshly started cluster.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CPUS=${HPC_FIXTURE_CPUS:-8}
MEM=${HPC_FIXTURE_MEM:-4000}
CLEAN=${HPC_FIXTURE_CLEAN:-1}

check_prereqs() {
    [ "$(id -u)" = 0 ] || die "must run as root"
    local c
    for c in slurmctld slurmd slurmdbd mariadbd munged sshd ss srun sacctmgr; do
        command -v "$c" >/dev/null || die "$c not found: run scripts/install-system.sh"
    done
    # With No(Ctld)InAddrAny every daemon binds to what the host name resolves to.
    local a
    a=$(getent ahostsv4 "$NODE" | awk 'NR==1{print $1}')
    [[ "$a" == 127.* ]] || die "host name '$NODE' resolves to '${a:-nothing}', not 127.x: add '127.0.1.1 $NODE' to /etc/hosts"
}

# render TEMPLATE OUT SED-EXPR: write OUT only if the content changed
render() {
    local tmpl=$1 out=$2 expr=$3
    sed -e "$expr" "$tmpl" >"$out.new"
    if cmp -s "$out.new" "$out"; then rm -f "$out.new"; else mv "$out.new" "$out"; fi
    chmod 644 "$out"
}

prepare_cluster() {
    local c=$1 d conf
    d=$(cluster_dir "$c")
    conf=$(cluster_conf "$c")
    local running=0
    { ctld_pid "$c" || slurmd_pid "$c"; } >/dev/null && running=1
    if [ $running = 0 ] && [ "$CLEAN" = 1 ] && [ -d "$d" ]; then
        # pending jobs and job ids survive restarts in state/: start from nothing
        rm -rf "${d:?}/state" "${d:?}/spool"
    fi
    install -d -m 755 "$d" "$d/log"
    install -d -m 700 "$d/state"
    # 755, not 700: the batch script in spool/ is exec'd as the job's (non-root) user
    install -d -m 755 "$d/spool"
    local expr="s|@CLUSTER@|$c|g; s|@NODE@|$NODE|g; s|@ADDR@|$ADDR|g; s|@DIR@|$d|g"
    expr+="; s|@CTLD_PORT@|$(ctld_port "$c")|g; s|@SLURMD_PORT@|$(slurmd_port "$c")|g"
    expr+="; s|@CPUS@|$CPUS|g; s|@MEM@|$MEM|g; s|@DBD_PORT@|$DBD_PORT|g; $(acct_conf_expr "$c")"
    # A clean start keeps the accounting database (history is history): new job ids continue after
    # its last one for this cluster, so an id is never two jobs in sacct (Run again finds the right
    # one). Slurm reads FirstJobId only without saved state; running daemons keep their conf's.
    local first=1
    if [ $running = 1 ]; then
        first=$(sed -n 's/^FirstJobId=//p' "$conf" 2>/dev/null)
        first=${first:-1}
    elif has_accounting "$c"; then
        first=$(($(acct_max_job_id "$c") + 1))
    fi
    expr+="; s|@FIRST_JOB_ID@|$first|g"
    if [ $running = 1 ]; then
        # never change the conf under running daemons (scontrol would then disagree with them)
        sed -e "$expr" "$FIXTURE_SRC/slurm.conf.tmpl" | cmp -s - "$conf" ||
            log "$c: WARNING: running daemons use an older $conf; run stop.sh to apply changes"
    else
        render "$FIXTURE_SRC/slurm.conf.tmpl" "$conf" "$expr"
    fi
}

# probe_cluster C: "idle" only proves slurmd registered; prove the launch path
# (slurmctld -> slurmd -> slurmstepd -> srun) with a real one-task step. Done once per
# pair of daemon pids (recorded in probed.pids), so re-runs add no job to the queue.
probe_cluster() {
    local c=$1 out host st pids
    pids="$(ctld_pid "$c") $(slurmd_pid "$c")"
    [ "$(cat "$(cluster_dir "$c")/probed.pids" 2>/dev/null)" != "$pids" ] || return 0
    st=$(node_state "$c")
    if [ "$st" = allocated ]; then
        log "$c: node fully allocated by running jobs, skipping the srun probe"
        return 0
    fi
    out=$(cd /tmp && SLURM_CONF=$(cluster_conf "$c") timeout 60 \
        srun -J hpc-fixture-probe -p debug -n 1 -t 1 --immediate=30 hostname 2>&1) ||
        fail_with "$c: probe 'srun hostname' failed: $out" "$(cluster_dir "$c")/log/slurmd.log"
    # srun's own notes ("srun: job 8 queued and waiting for resources") when the node is busy
    host=$(printf '%s\n' "$out" | grep -v '^srun: ' | tail -n 1)
    [ "$host" = "$NODE" ] || die "$c: probe printed '$out', expected '$NODE'"
    echo "$pids" >"$(cluster_dir "$c")/probed.pids"
}

start_cluster() {
    local c=$1 p
    prepare_cluster "$c"
    start_ctld "$c"
    start_slurmd "$c"
    probe_cluster "$c"
    for p in "$(ctld_port "$c")" "$(slurmd_port "$c")"; do
        loopback_only "$p" || die "$c: port $p is not bound to loopback only: $(ss -Hltn "sport = :$p")"
    done
    for p in "$(ctld_pid "$c")" "$(slurmd_pid "$c")"; do
        pid_loopback_only "$p" || die "$c: pid $p listens on a non-loopback address: $(listen_addrs "$p")"
    done
    log "$c: ready ($(node_state "$c"))"
}

# start_ctld_only C: a controller alone (squeue/sbatch/sdiag), no node daemon, no probe
start_ctld_only() {
    local c=$1
    prepare_cluster "$c"
    start_ctld "$c"
    loopback_only "$(ctld_port "$c")" || die "$c: port $(ctld_port "$c") is not bound to loopback only"
    pid_loopback_only "$(ctld_pid "$c")" || die "$c: slurmctld listens on a non-loopback address"
    log "$c: controller ready"
}

# /etc/slurm/slurm.conf -> local cluster, so plain `squeue` works for every user and
# shell; never replace a file or a live link that is not ours (a dangling link is fair game).
link_default_conf() {
    local target
    target=$(readlink /etc/slurm/slurm.conf 2>/dev/null) || target=""
    if [ ! -e /etc/slurm/slurm.conf ] || [[ "$target" == "$FIXTURE_DIR"/* ]]; then
        install -d -m 755 /etc/slurm
        ln -sfn "$(cluster_conf local)" /etc/slurm/slurm.conf
    else
        log "WARNING: /etc/slurm/slurm.conf is not ours, leaving it; plain squeue may not see the fixture"
    fi
}

ensure_user() {
    if ! id "$SSH_USER" >/dev/null 2>&1; then
        log "creating user $SSH_USER"
        useradd -m -s /bin/bash "$SSH_USER"
    fi
    # useradd leaves the account locked ('!'); with UsePAM no sshd then refuses even
    # key logins. '*' = no usable password, but not locked.
    if [[ "$(getent shadow "$SSH_USER" | cut -d: -f2)" == '!'* ]]; then
        usermod -p '*' "$SSH_USER"
    fi
}

# ensure_keys: host key, client key pair, known_hosts, authorized_keys (all reused if present)
ensure_keys() {
    local home group pub
    install -d -m 755 "$SSH_DIR"
    [ -s "$SSH_HOST_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C hpc-fixture-host -f "$SSH_HOST_KEY"
    [ -s "$SSH_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C "$SSH_USER@hpc-fixture" -f "$SSH_KEY"
    chmod 600 "$SSH_HOST_KEY" "$SSH_KEY"
    chmod 644 "$SSH_HOST_KEY.pub" "$SSH_KEY.pub"
    # "[host]:port" is how ssh and ssh2 clients look up a non-22 port
    echo "[$ADDR]:$SSH_PORT $(cut -d' ' -f1,2 "$SSH_HOST_KEY.pub")" >"$SSH_KNOWN_HOSTS"
    chmod 644 "$SSH_KNOWN_HOSTS"

    home=$(getent passwd "$SSH_USER" | cut -d: -f6)
    group=$(id -gn "$SSH_USER")
    install -d -m 700 -o "$SSH_USER" -g "$group" "$home/.ssh"
    pub=$(cat "$SSH_KEY.pub")
    touch "$home/.ssh/authorized_keys"
    grep -qxF "$pub" "$home/.ssh/authorized_keys" || echo "$pub" >>"$home/.ssh/authorized_keys"
    chown "$SSH_USER:$group" "$home/.ssh/authorized_keys"
    chmod 600 "$home/.ssh/authorized_keys"
}

setup_sshd() {
    ensure_user
    ensure_keys
    runuser -u "$SSH_USER" -- test -r "$(cluster_conf remote)" ||
        die "$SSH_USER cannot read $(cluster_conf remote): check the permissions of $FIXTURE_DIR"
    local expr="s|@ADDR@|$ADDR|g; s|@SSH_PORT@|$SSH_PORT|g; s|@DIR@|$SSH_DIR|g"
    expr+="; s|@SSH_USER@|$SSH_USER|g; s|@SLURM_CONF@|$(cluster_conf remote)|g"
    if sshd_pid >/dev/null; then
        sed -e "$expr" "$FIXTURE_SRC/sshd_config.tmpl" | cmp -s - "$SSH_DIR/sshd_config" ||
            log "WARNING: running sshd uses an older sshd_config; run stop.sh to apply changes"
    else
        render "$FIXTURE_SRC/sshd_config.tmpl" "$SSH_DIR/sshd_config" "$expr"
    fi
    start_sshd
    if ! loopback_only "$SSH_PORT" || ! pid_loopback_only "$(sshd_pid)"; then
        die "sshd is not bound to loopback only: $(ss -Hltn "sport = :$SSH_PORT")"
    fi
}

# ensure_hub_users: alice and bob, each with a private (0700) home; Slurm needs nothing more
# (no accounting here). They log in through the Hub only: no password, no ssh key.
ensure_hub_users() {
    local u home
    for u in "${HUB_USERS[@]}"; do
        if ! id "$u" >/dev/null 2>&1; then
            log "creating user $u"
            useradd -m -s /bin/bash "$u"
        fi
        home=$(getent passwd "$u" | cut -d: -f6)
        chmod 700 "$home"
        runuser -u "$u" -- test -r "$(cluster_conf local)" ||
            die "$u cannot read $(cluster_conf local): check the permissions of $FIXTURE_DIR"
    done
}

export_line() { printf 'export %s=%q\n' "$1" "$2"; }

write_env() {
    {
        export_line SLURM_CONF "$(cluster_conf local)"
        export_line HPC_SLURM_CONF_LOCAL "$(cluster_conf local)"
        export_line HPC_SLURM_CONF_REMOTE "$(cluster_conf remote)"
        export_line HPC_SLURM_CONF_SCALE "$(cluster_conf scale)"
        export_line HPC_SSH_HOST "$ADDR"
        export_line HPC_SSH_PORT "$SSH_PORT"
        export_line HPC_SSH_USER "$SSH_USER"
        export_line HPC_SSH_KEY "$SSH_KEY"
        export_line HPC_SSH_KNOWN_HOSTS "$SSH_KNOWN_HOSTS"
        export_line HPC_SSH_HOST_KEY_PUB "$SSH_HOST_KEY.pub"
        export_line HPC_FIXTURE_DIR "$FIXTURE_DIR"
    } >"$FIXTURE_DIR/env.sh.new"
    chmod 644 "$FIXTURE_DIR/env.sh.new"
    mv "$FIXTURE_DIR/env.sh.new" "$FIXTURE_DIR/env.sh"
    cat "$FIXTURE_DIR/env.sh"
}

main() {
    local t0=${EPOCHREALTIME/[.,]/} c
    check_prereqs
    take_lock
    start_munged
    start_accounting
    for c in "${CLUSTERS[@]}"; do start_cluster "$c"; done
    for c in "${CTLD_ONLY_CLUSTERS[@]}"; do start_ctld_only "$c"; done
    link_default_conf
    setup_sshd
    ensure_hub_users
    write_env
    local ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
    log "fixture ready in ${ms} ms; source $FIXTURE_DIR/env.sh"
}

main "$@"
