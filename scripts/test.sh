#!/usr/bin/env bash
# The test command: installs missing system packages, then builds and runs every test:
# the Swift suites (the store suites on SQLite and on a throwaway PostgreSQL server that
# scripts/pg-test-server.sh starts here and stops at the end, exported as TRACKER_TEST_PG), then `tracker server` against the stock MLflow client (tests/mlflow/), then
# `tracker ui` in headless Chromium (scripts/browser-test.sh; screenshots in out/browser/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
pg_env=$(./scripts/pg-test-server.sh start)
export TRACKER_PG_DIR TRACKER_TEST_PG
TRACKER_PG_DIR=$(printf '%s\n' "$pg_env" | sed -n 's/^TRACKER_PG_DIR=//p')
TRACKER_TEST_PG=$(printf '%s\n' "$pg_env" | sed -n 's/^TRACKER_TEST_PG=//p')
trap './scripts/pg-test-server.sh stop "$TRACKER_PG_DIR"' EXIT
swift test --skip-build "$@"
./scripts/python-env.sh
# Exits non-zero on a failure and when no test ran.
TRACKER_BIN="$(swift build --show-bin-path)/tracker" .venv-test/bin/python tests/mlflow/test_server.py
./scripts/browser-test.sh
