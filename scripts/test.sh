#!/usr/bin/env bash
# The test command: installs missing system packages, then builds and runs every test:
# the Swift suites, then `tracker server` against the stock MLflow client (tests/mlflow/), then
# `tracker ui` in headless Chromium (scripts/browser-test.sh; screenshots in out/browser/).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
./scripts/python-env.sh
# Exits non-zero on a failure and when no test ran.
TRACKER_BIN="$(swift build --show-bin-path)/tracker" .venv-test/bin/python tests/mlflow/test_server.py
./scripts/browser-test.sh
