#!/usr/bin/env bash
# The Prometheus alert rules: valid (promtool check rules), and each alert fires at its threshold
# (promtool test rules). promtool comes with Debian's prometheus package.
set -euo pipefail
cd "$(dirname "$0")/../ops/prometheus"
if ! command -v promtool >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then
    echo "promtool is missing (apt-get install prometheus)" >&2
    exit 1
  fi
  echo "promtool not installed: alert rules not checked (apt-get install --no-install-recommends prometheus)"
  exit 0
fi
promtool check rules crm-alerts.yml
promtool test rules crm-alerts.test.yml crm-availability.test.yml
