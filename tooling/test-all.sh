#!/usr/bin/env bash
# The whole suite, as `pnpm test` runs it: types, lint, unit + integration (real PostgreSQL:
# embedded, or TEST_DATABASE_URL), the build, then the end-to-end tests in Chromium on the built app.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

step() { printf "\n\033[1m== %s\033[0m (at %ss)\n" "$*" "$SECONDS"; }

step "typecheck"
pnpm -s typecheck
step "lint"
pnpm -s lint
step "alert rules (promtool)"
bash tooling/check-alerts.sh
step "unit and integration tests"
pnpm exec vitest run
step "build (turbo: every package with a build step)"
pnpm -s build
step "end-to-end tests (Chromium, on the build above)"
# CRM_TEST_SECOND_DATABASE_URL (CI sets it): the database tests once more on that server, beside the
# browser tests, which keep one browser and one app busy and leave the rest of the machine idle.
second_pid=""
if [ -n "${CRM_TEST_SECOND_DATABASE_URL:-}" ]; then
  second_log=$(mktemp)
  TEST_DATABASE_URL="$CRM_TEST_SECOND_DATABASE_URL" pnpm exec vitest run --project int >"$second_log" 2>&1 &
  second_pid=$!
fi
e2e_status=0
pnpm --filter @crm/web test:e2e || e2e_status=$?
if [ -n "$second_pid" ]; then
  second_status=0
  wait "$second_pid" || second_status=$?
  step "integration tests again on $CRM_TEST_SECOND_DATABASE_URL (ran beside the browser tests)"
  cat "$second_log"
  rm -f "$second_log"
  [ "$second_status" = 0 ] || exit "$second_status"
fi
exit "$e2e_status"
