#!/usr/bin/env bash
# The whole test suite on a fresh machine: set-up, a real local Slurm (clusters
# "local" and "remote") with an sshd, then unit + integration (jest), the Python
# glue (pytest) and the UI in real Chromium (Playwright). Ends with one line
# "tests: N passed, N failed". HPC_TEST_ONLY="jest pytest ui" picks stages.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export HPC_VENV=${HPC_VENV:-$ROOT/.venv}
STAGES=${HPC_TEST_ONLY:-"lint jest pytest ui"}
REPORTS=$ROOT/.run/reports
log() { echo "[test] $*" >&2; }

bash scripts/setup.sh || { log "set-up failed"; echo "tests: 0 passed, 1 failed"; exit 1; }
export PATH=$HPC_VENV/bin:$PATH

log "starting the local Slurm clusters and sshd"
if ! fixture_env=$(HPC_FIXTURE_CLEAN=1 bash scripts/slurm/start.sh); then
    log "the Slurm fixture did not start"; echo "tests: 0 passed, 1 failed"; exit 1
fi
eval "$fixture_env"
[ "${HPC_KEEP_SLURM:-0}" = 1 ] || trap 'bash scripts/slurm/stop.sh >/dev/null 2>&1' EXIT

rm -rf "$REPORTS"; mkdir -p "$REPORTS"
failed_stages=()
stage() {
    local name=$1; shift
    case " $STAGES " in *" $name "*) ;; *) return 0 ;; esac
    log "── $name"
    local t0=$SECONDS
    if "$@"; then log "── $name passed ($((SECONDS - t0)) s)"; else
        log "── $name FAILED ($((SECONDS - t0)) s)"; failed_stages+=("$name"); fi
}

stage lint   npx --no-install tsc -b
stage lint   npx --no-install tsc -p server --noEmit
stage lint   npx --no-install tsc -p test --noEmit
stage lint   npx --no-install tsc -p test/ui
stage lint   npx --no-install eslint --max-warnings=0 .
stage lint   npx --no-install prettier --check .
stage lint   "$HPC_VENV/bin/ruff" check .
stage lint   "$HPC_VENV/bin/ruff" format --check .
stage lint   "$HPC_VENV/bin/mypy"
stage jest   npx --no-install jest --ci --json --outputFile="$REPORTS/jest.json"
stage pytest env JUPYTERLAB_HPC_REQUIRE_INSTALLED=1 "$HPC_VENV/bin/python" -m pytest -q --junitxml="$REPORTS/pytest.xml"
stage ui     env PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/playwright.json" \
                 npx --no-install playwright test --config test/ui/playwright.config.ts --reporter=list,json

node scripts/summarize-tests.js "$REPORTS" "${#failed_stages[@]}"
if [ ${#failed_stages[@]} -gt 0 ]; then
    log "failed stages: ${failed_stages[*]}"
    exit 1
fi
