# Shared by start.sh, stop.sh, daemon.sh and selftest.sh: layout, pid handling and
# one start/stop function per daemon. Source it; it does nothing by itself.
#
# Layout of $FIXTURE_DIR (outside the repo so a non-root user can read the confs):
#   env.sh                      export lines printed by start.sh
#   .lock                       flock taken by start/stop/daemon.sh
#   local/, remote/             one Slurm cluster each: slurm.conf, state/, spool/, log/,
#                               slurmctld.pid, slurmd.pid, probed.pids (daemons already probed)
#   scale/                      a slurmctld alone (no slurmd, jobs stay pending), for tests that
#                               count its RPCs with sdiag: nothing else talks to it
#   ssh/                        sshd_config, host + client keys, known_hosts, sshd.pid, sshd.log
#   munged.pid.ours             present only if start.sh started munged (stop.sh stops only that)
# shellcheck shell=bash disable=SC2034  # the constants are used by the sourcing scripts

FIXTURE_DIR=${HPC_FIXTURE_DIR:-/var/tmp/jupyterlab-hpc-fixture}
FIXTURE_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLUSTERS=(local remote)
# controller only: squeue, sbatch --hold and sdiag work; nothing runs
CTLD_ONLY_CLUSTERS=(scale)
ADDR=127.0.0.1
SSH_PORT=2222
SSH_USER=hpcuser
# the people of the JupyterHub tests (scripts/hub.sh, test/ui/hub*.spec.ts): real Unix users
# with private homes, who submit to both clusters like anyone on a login node
HUB_USERS=(alice bob)
SSH_DIR=$FIXTURE_DIR/ssh
SSH_KEY=$SSH_DIR/${SSH_USER}_ed25519
SSH_HOST_KEY=$SSH_DIR/ssh_host_ed25519_key
SSH_KNOWN_HOSTS=$SSH_DIR/known_hosts
MUNGE_SOCKET=/run/munge/munge.socket.2
TIMEOUT=${HPC_FIXTURE_TIMEOUT:-60}
NODE=$(hostname -s)

log() { echo "[hpc-fixture] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cluster_dir() { echo "$FIXTURE_DIR/$1"; }
cluster_conf() { echo "$FIXTURE_DIR/$1/slurm.conf"; }
ctld_port() {
    case $1 in
        local) echo 6817 ;;
        remote) echo 6827 ;;
        scale) echo 6837 ;;
        *) die "unknown cluster '$1' (known: ${CLUSTERS[*]} ${CTLD_ONLY_CLUSTERS[*]})" ;;
    esac
}
slurmd_port() { echo $(($(ctld_port "$1") + 1)); }

# take_lock: serialise start/stop/daemon.sh on one fixture dir. Every daemon is started
# with fd 9 closed, otherwise it would hold the lock for its whole life.
take_lock() {
    install -d -m 755 "$FIXTURE_DIR"
    exec 9>"$FIXTURE_DIR/.lock"
    flock -w 300 9 || die "another fixture script holds $FIXTURE_DIR/.lock"
}

# ------------------------------------------------------------------ processes

# is_running PID: alive and not a zombie. PID 1 in this sandbox reaps orphans only
# every ~2 s, so /proc/PID existing proves nothing after a kill.
is_running() {
    local st
    st=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# pid_of PIDFILE WORD...: print the recorded pid if it runs and its command line
# contains every WORD (so a recycled pid or another cluster's daemon never matches).
pid_of() {
    local f=$1 pid cmd w
    shift
    [ -s "$f" ] || return 1
    pid=$(tr -dc 0-9 <"$f")
    [ -n "$pid" ] && is_running "$pid" || return 1
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    for w in "$@"; do [[ "$cmd" == *"$w"* ]] || return 1; done
    echo "$pid"
}

# descendants PID...: every descendant pid, deepest first
descendants() {
    local p c
    for p in "$@"; do
        # shellcheck disable=SC2013  # the file is a space-separated pid list
        for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
            descendants "$c"
            echo "$c"
        done
    done
}

# stop_pid PID NAME [SIGNAL]: signal (default TERM), wait up to 15 s, then SIGKILL
stop_pid() {
    local pid=$1 name=$2 sig=${3:-TERM} n=0
    kill -"$sig" "$pid" 2>/dev/null || return 0
    while is_running "$pid" && [ $n -lt 150 ]; do sleep 0.1; n=$((n + 1)); done
    if is_running "$pid"; then
        log "$name (pid $pid) ignored SIG$sig, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    log "stopped $name (pid $pid, SIG$sig)"
}

# wait_for SECS DESC WATCH_PID CMD...: poll CMD every 0.1 s. WATCH_PID ("-" for none)
# is a daemon just started: if it exits (e.g. config error) give up at once.
wait_for() {
    local secs=$1 what=$2 watch=$3 deadline
    shift 3
    deadline=$(($(date +%s) + secs))
    until "$@" >/dev/null 2>&1; do
        if [ "$watch" != - ] && ! is_running "$watch"; then
            log "$what: process $watch exited"
            return 1
        fi
        [ "$(date +%s)" -lt "$deadline" ] || { log "$what: timed out after ${secs}s"; return 1; }
        sleep 0.1
    done
}

# fail_with MESSAGE LOGFILE...: show the end of each log, then die
fail_with() {
    local msg=$1 f
    shift
    for f in "$@"; do [ -f "$f" ] && { log "--- tail $f"; tail -n 15 "$f" >&2; }; done
    die "$msg"
}

# spawn LOGFILE CWD CMD...: start a foreground-mode daemon in its own session, detached
# from our stdio (stdout is usually a $(...) that would otherwise never end) and
# without the lock fd. Prints its pid.
spawn() {
    local out=$1 cwd=$2
    shift 2
    (cd "$cwd" && exec setsid "$@" >>"$out" 2>&1 </dev/null 9>&-) &
    echo $!
}

# listen_addrs PID: local addresses (hex, as in /proc/net/tcp*) of PID's listening sockets
listen_addrs() {
    local f l inodes=" "
    for f in /proc/"$1"/fd/*; do
        l=$(readlink "$f" 2>/dev/null) || continue
        [[ "$l" == socket:* ]] && inodes+="$(tr -dc 0-9 <<<"$l") "
    done
    awk -v inodes="$inodes" '$4 == "0A" && index(inodes, " " $10 " ") { print $2 }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# pid_loopback_only PID: every TCP socket PID listens on is on 127.x (catches a daemon
# that also opened a 0.0.0.0 or IPv6 listener on a port we do not check by number)
pid_loopback_only() {
    local a
    for a in $(listen_addrs "$1"); do [[ "$a" =~ ^[0-9A-F]{6}7F: ]] || return 1; done
}

port_in_use() { ss -Hltn "sport = :$1" | grep -q .; }
# loopback_only PORT: something listens on PORT and only on 127.x addresses
loopback_only() {
    local addrs
    addrs=$(ss -Hltn "sport = :$1" | awk '{print $4}')
    [ -n "$addrs" ] && ! grep -qvE '^127\.' <<<"$addrs"
}

# ------------------------------------------------------------------ munge

munge_ok() { munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; }

start_munged() {
    if munge_ok; then return 0; fi
    # No systemd here: the package installs munged but nothing creates its dirs or starts it.
    if [ ! -s /etc/munge/munge.key ]; then
        log "creating /etc/munge/munge.key"
        install -d -m 700 -o munge -g munge /etc/munge
        runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
        chmod 400 /etc/munge/munge.key
    fi
    install -d -m 755 -o munge -g munge /run/munge
    install -d -m 700 -o munge -g munge /var/log/munge /var/lib/munge
    log "starting munged"
    # munged daemonizes itself and writes /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged --force </dev/null >/dev/null 2>&1 9>&-
    wait_for "$TIMEOUT" munged - munge_ok || die "munged did not come up (see /var/log/munge/munged.log)"
    cp /run/munge/munged.pid "$FIXTURE_DIR/munged.pid.ours"
}

stop_munged() {
    local pid
    # only a munged that start.sh started: a pre-existing one may serve something else
    if pid=$(pid_of "$FIXTURE_DIR/munged.pid.ours" munged); then stop_pid "$pid" munged; fi
    rm -f "$FIXTURE_DIR/munged.pid.ours"
}

# ------------------------------------------------------------------ slurm

ctld_pid() { pid_of "$(cluster_dir "$1")/slurmctld.pid" slurmctld "$(cluster_conf "$1")"; }
slurmd_pid() { pid_of "$(cluster_dir "$1")/slurmd.pid" slurmd "$(cluster_conf "$1")"; }
ctld_up() { SLURM_CONF=$(cluster_conf "$1") scontrol ping 2>/dev/null | grep -q 'is UP'; }

# node_state C: the node's state(s), e.g. "idle"; a '*' suffix means not responding
node_state() { SLURM_CONF=$(cluster_conf "$1") sinfo -h -N -n "$NODE" -o %T 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//'; }
# node_ready C: registered and schedulable (mixed/allocated when start.sh runs again
# while jobs are running)
node_ready() { [[ "$(node_state "$1")" =~ ^(idle|mixed|allocated|completing)$ ]]; }

start_ctld() {
    local c=$1 d conf pid
    d=$(cluster_dir "$c")
    conf=$(cluster_conf "$c")
    [ -f "$conf" ] || die "$conf missing: run start.sh first"
    if pid=$(ctld_pid "$c"); then
        log "$c: slurmctld already running (pid $pid)"
        pid=-
    else
        rm -f "$d/slurmctld.pid"
        ! port_in_use "$(ctld_port "$c")" || die "$c: port $(ctld_port "$c") is used by something else"
        log "$c: starting slurmctld on $ADDR:$(ctld_port "$c")"
        # cwd=$d: stop.sh finds this cluster's leftover slurmstepd by their cwd
        pid=$(spawn "$d/log/slurmctld.out" "$d" slurmctld -D -f "$conf")
    fi
    wait_for "$TIMEOUT" "$c: slurmctld ping" "$pid" ctld_up "$c" ||
        fail_with "$c: slurmctld is not answering" "$d/log/slurmctld.out" "$d/log/slurmctld.log"
}

start_slurmd() {
    local c=$1 d conf pid
    d=$(cluster_dir "$c")
    conf=$(cluster_conf "$c")
    [ -f "$conf" ] || die "$conf missing: run start.sh first"
    if pid=$(slurmd_pid "$c"); then
        log "$c: slurmd already running (pid $pid)"
        pid=-
    else
        rm -f "$d/slurmd.pid"
        ! port_in_use "$(slurmd_port "$c")" || die "$c: port $(slurmd_port "$c") is used by something else"
        log "$c: starting slurmd (node $NODE) on $ADDR:$(slurmd_port "$c")"
        # slurmstepd inherits slurmd's cwd: that is how stop.sh tells the clusters' steps apart
        pid=$(spawn "$d/log/slurmd.out" "$d" slurmd -D -f "$conf" -N "$NODE")
    fi
    if ! wait_for "$TIMEOUT" "$c: node $NODE ready" "$pid" node_ready "$c"; then
        # e.g. left DOWN/DRAINED by a crash in a previous run with kept state
        log "$c: node is '$(node_state "$c")', trying State=RESUME"
        SLURM_CONF=$conf scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true
        wait_for 15 "$c: node $NODE ready after resume" "$pid" node_ready "$c" ||
            fail_with "$c: node not ready: $(node_state "$c")" "$d/log/slurmd.out" "$d/log/slurmd.log"
    fi
}

# stepds_of C: slurmstepd processes of cluster C (identified by their inherited cwd)
stepds_of() {
    local d p
    d=$(cluster_dir "$1")
    # pgrep only lists candidates; the cwd decides which cluster a step belongs to
    for p in $(pgrep -x slurmstepd); do
        [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$d" ] && is_running "$p" && echo "$p"
    done
    return 0
}

no_stepds() { [ -z "$(stepds_of "$1")" ]; }

# stop_jobs C: cancel active jobs, then kill any slurmstepd (and the job processes
# under it) that survive: steps outlive a killed slurmd/slurmctld.
stop_jobs() {
    local c=$1 jobs left kids
    if ctld_pid "$c" >/dev/null && ctld_up "$c"; then
        jobs=$(SLURM_CONF=$(cluster_conf "$c") squeue -h -t RUNNING,COMPLETING,CONFIGURING,SUSPENDED,STOPPED -o %A 2>/dev/null | sort -u | tr '\n' ' ')
        if [ -n "${jobs// /}" ]; then
            log "$c: cancelling active jobs: $jobs"
            # shellcheck disable=SC2086
            SLURM_CONF=$(cluster_conf "$c") scancel $jobs 2>/dev/null || true
            # without a slurmd nobody delivers the cancel to the steps: kill them below
            if slurmd_pid "$c" >/dev/null; then wait_for 10 "$c: steps gone" - no_stepds "$c" || true; fi
        fi
    fi
    left=$(stepds_of "$c" | tr '\n' ' ')
    [ -n "${left// /}" ] || return 0
    # shellcheck disable=SC2086
    kids=$(descendants $left | tr '\n' ' ')
    log "$c: killing leftover slurmstepd $left and their processes $kids"
    # shellcheck disable=SC2086
    kill -KILL $kids $left 2>/dev/null || true
    wait_for 5 "$c: leftover steps gone" - no_stepds "$c" || true
}

stop_ctld() {
    local pid
    if pid=$(ctld_pid "$1"); then stop_pid "$pid" "$1 slurmctld" "${2:-TERM}"; fi
    rm -f "$(cluster_dir "$1")/slurmctld.pid"
}

stop_slurmd() {
    local pid
    if pid=$(slurmd_pid "$1"); then stop_pid "$pid" "$1 slurmd" "${2:-TERM}"; fi
    rm -f "$(cluster_dir "$1")/slurmd.pid"
}

# ------------------------------------------------------------------ sshd

sshd_pid() { pid_of "$SSH_DIR/sshd.pid" sshd "$SSH_DIR/sshd_config"; }

start_sshd() {
    local pid
    [ -f "$SSH_DIR/sshd_config" ] || die "$SSH_DIR/sshd_config missing: run start.sh first"
    if pid=$(sshd_pid); then
        log "sshd already running (pid $pid)"
        return 0
    fi
    ! port_in_use "$SSH_PORT" || die "port $SSH_PORT is used by something else"
    install -d -m 755 /run/sshd # privilege-separation dir, normally created by systemd
    /usr/sbin/sshd -t -f "$SSH_DIR/sshd_config" || die "sshd config test failed"
    log "starting sshd on $ADDR:$SSH_PORT"
    rm -f "$SSH_DIR/sshd.pid"
    pid=$(spawn "$SSH_DIR/sshd.log" / /usr/sbin/sshd -D -f "$SSH_DIR/sshd_config" -E "$SSH_DIR/sshd.log")
    # the pid file is written after the listening socket: wait for both
    wait_for "$TIMEOUT" sshd "$pid" bash -c "[ -s '$SSH_DIR/sshd.pid' ] && ss -Hltn 'sport = :$SSH_PORT' | grep -q ." ||
        fail_with "sshd did not start" "$SSH_DIR/sshd.log"
}

# stop_sshd [SIGNAL]: the listener and every session under it, so clients really see
# the server go away (killing only the listener leaves open connections working).
stop_sshd() {
    local pid kids
    if pid=$(sshd_pid); then
        kids=$(descendants "$pid" | tr '\n' ' ')
        stop_pid "$pid" sshd "${1:-TERM}"
        # shellcheck disable=SC2086
        [ -z "${kids// /}" ] || { log "closing sshd sessions: $kids"; kill -KILL $kids 2>/dev/null || true; }
    fi
    rm -f "$SSH_DIR/sshd.pid"
}

# shellcheck source=SCRIPTDIR/accounting.sh
source "$FIXTURE_SRC/accounting.sh"
