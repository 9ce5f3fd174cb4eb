#!/bin/bash
# Stop, kill or start exactly one daemon of a running fixture, for recovery tests:
#   daemon.sh stop|kill|start|restart|status DAEMON
#   DAEMON: sshd | local-ctld | local-slurmd | remote-ctld | remote-slurmd
# stop = SIGTERM (slurmctld saves its state and exits cleanly), kill = SIGKILL (a crash).
# Stopping sshd also drops every open session, so clients see the connection die.
# Stopping a slurmctld leaves its slurmd and running jobs alone; `start` brings it back
# on the same state, so queued and running jobs reappear.
# start uses the confs start.sh rendered; it returns once the daemon answers (for a
# slurmctld: once its node is schedulable again).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,3p' "$0" | sed 's/^# *//' >&2; exit 2; }

# status DAEMON: print the pid and return 0 if it runs
status() {
    case $1 in
        sshd) sshd_pid ;;
        *-ctld) ctld_pid "${1%-ctld}" ;;
        *-slurmd) slurmd_pid "${1%-slurmd}" ;;
    esac
}

# start_ctld_and_wait C: after a SIGKILL the node stays "unknown" for ~4 s until slurmd
# registers again; wait for that too, so "started" means "jobs can be scheduled".
start_ctld_and_wait() {
    start_ctld "$1"
    slurmd_pid "$1" >/dev/null || return 0
    wait_for "$TIMEOUT" "$1: node $NODE ready" - node_ready "$1" ||
        fail_with "$1: node not ready: $(node_state "$1")" "$(cluster_dir "$1")/log/slurmctld.log"
}

main() {
    [ $# = 2 ] || usage
    local action=$1 name=$2 sig=TERM
    case $name in
        sshd) ;;
        local-ctld | remote-ctld | local-slurmd | remote-slurmd) ctld_port "${name%-*}" >/dev/null ;;
        *) usage ;;
    esac
    case $action in
        status)
            status "$name" && return 0
            echo "$name not running" >&2
            return 1
            ;;
        kill) sig=KILL ;;
        stop | start | restart) ;;
        *) usage ;;
    esac
    [ "$(id -u)" = 0 ] || die "must run as root"
    take_lock
    if [ "$action" != start ]; then
        case $name in
            sshd) stop_sshd "$sig" ;;
            *-ctld) stop_ctld "${name%-ctld}" "$sig" ;;
            *-slurmd) stop_slurmd "${name%-slurmd}" "$sig" ;;
        esac
    fi
    if [ "$action" = start ] || [ "$action" = restart ]; then
        case $name in
            sshd) start_sshd ;;
            *-ctld) start_ctld_and_wait "${name%-ctld}" ;;
            *-slurmd) start_slurmd "${name%-slurmd}" ;;
        esac
    fi
}

main "$@"
