#!/usr/bin/env bash
# Real-browser tests of `tracker ui` (tests/browser/test_ui.py): trains a small sweep, serves it,
# and drives headless Chromium through Selenium — hover values against the stored points, zoom,
# smoothing, log y, legend, axes, train-vs-validation, parallel-coordinates brushing, the
# gradient heat map, a live run. Any JavaScript console error fails. Screenshots: out/browser/.
# Installs Debian's chromium, chromium-driver and python3-selenium when missing. Part of
# scripts/test.sh (so of .ci/run); by hand:
#   scripts/browser-test.sh            (SCRATCH_PATH=.build-x to use another build folder)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh chromium chromium-driver python3-selenium
SCRATCH="${SCRATCH_PATH:-.build}"
swift build --scratch-path "$SCRATCH" --product tracker >/dev/null
rm -rf out/browser
mkdir -p out/browser
# Debian's python3-selenium lives in the system interpreter, not in a venv.
TRACKER_BIN="$(swift build --scratch-path "$SCRATCH" --show-bin-path)/tracker" BROWSER_OUT=out/browser \
    /usr/bin/python3 tests/browser/test_ui.py
