#!/bin/bash
# The jupyterlab-hpc bench (issue 7): the companion side by side with raw Slurm commands,
# as ratios measured in one run. Writes bench/results/latest.{md,json} and prints the table.
#
#   bash bench/run.sh [--sizes 1000,10000,100000] [--shape arrays,individual] [--users 50]
#                     [--out bench/results] [--quick] [--bundle FILE]
#
#   --sizes   queue sizes (held pending jobs), built one after the other in place
#   --shape   queue shapes, each measured at every size: job arrays, individual jobs (default both;
#             --quick: arrays)
#   --users   the centre row's users (each its own Unix user, companion and view) on the last
#             shape's biggest queue; 0: no centre row (default 50; --quick: 0)
#   --quick   rows 1, 3 and 4 only, fewer repetitions (the smoke test: --sizes 1000 --quick)
#   --bundle  the companion bundle to measure (default: jupyterlab_hpc/companion/main.js when it
#             is newer than server/src, else a private build in bench/build/companion)
#
# Needs the project set-up (node_modules; scripts/setup.sh) and root (the Slurm fixture, which
# this starts if it is not running). The queues go to the fixture's `remote` slurmctld, driven
# locally as root, so tests on `local` never see them; every job is named hpc-bench-* and is
# cancelled on exit, interrupted or not, and the centre row's users (hpc-bench-uNN) removed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (the Slurm fixture needs it)"
# the project set-up (idempotent: instant when nothing changed); the smoke test runs inside test.sh, set up already
[ -n "${HPC_BENCH_NO_SETUP:-}" ] || bash scripts/setup.sh || die "set-up failed"
[ -x node_modules/.bin/tsc ] || die "node_modules is missing: run scripts/setup.sh first"

mkdir -p bench/build
# one bench at a time: runs share bench/build and cancel hpc-bench-* jobs by name
exec 9>bench/build/.lock
flock -w 900 9 || die "another bench run holds bench/build/.lock"

fixture=$(bash scripts/slurm/start.sh) || die "the Slurm fixture did not start (see above)"
eval "$fixture"
# what an interrupted earlier run may have left (jobs, users)
bash bench/cleanup.sh

echo "bench: compiling the harness" >&2
node_modules/.bin/tsc -p bench/tsconfig.json

bundle=
out=bench/results
for arg in "$@"; do
    case ${prev:-} in --bundle) bundle=$arg ;; --out) out=$arg ;; esac
    case $arg in --bundle=*) bundle=${arg#*=} ;; --out=*) out=${arg#*=} ;; esac
    prev=$arg
done
if [ -z "$bundle" ]; then
    shipped=jupyterlab_hpc/companion
    rm -rf bench/build/companion
    # measure the companion's current source: the shipped bundle only if no source is newer
    # (and it has the poller's timing hook); copied, so a rebuild during the run cannot pull
    # it away (others use this tree)
    if [ -f "$shipped/main.js" ] && grep -q HPC_COMPANION_TIMINGS "$shipped/main.js" &&
        [ -z "$(find server/src -newer "$shipped/main.js" -name '*.ts' -print -quit)" ]; then
        cp -r "$shipped" bench/build/companion
        echo "bench: measuring a copy of $shipped/main.js" >&2
    else
        echo "bench: $shipped/main.js is older than server/src: bundling the companion into bench/build/companion" >&2
        node_modules/.bin/webpack --config server/webpack.config.js --output-path bench/build/companion >&2
    fi
    bundle=bench/build/companion/main.js
    set -- "$@" --bundle "$bundle"
fi

pid=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    # (a failed kill must not end the trap under set -e before the cleanup)
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    bash bench/cleanup.sh
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# in the background so that a signal reaches the trap at once (the companions it started
# follow their parent out within 2 s: they are given --parent-pid)
node bench/build/bench/src/main.js --repo "$repo" "$@" &
pid=$!
wait $pid
pid=
# the repo's `prettier --check .` covers the committed results too
node_modules/.bin/prettier --log-level warn --write "$out/latest.json" || true
