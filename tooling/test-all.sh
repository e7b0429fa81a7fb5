#!/usr/bin/env bash
# The whole suite, as `pnpm test` runs it: types, lint, unit + integration (real PostgreSQL:
# embedded, or TEST_DATABASE_URL), the build, then the end-to-end tests in Chromium on the built app.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "typecheck"
pnpm -s typecheck
step "lint"
pnpm -s lint
step "unit and integration tests"
pnpm exec vitest run
step "build (turbo: every package with a build step)"
pnpm -s build
step "end-to-end tests (Chromium, on the build above)"
pnpm --filter @crm/web test:e2e
