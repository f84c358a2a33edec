#!/usr/bin/env bash
# The main job: installs missing system packages, builds tracker (release) and runs the
# demo study into ./tracker.db.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
swift build -c release --package-path "$root" --product tracker >&2
tracker="$root/.build/release/tracker"
db="${TRACKER_DB:-$PWD/tracker.db}"
echo "== recording a run into $db"
"$tracker" debug-write --db "$db" --experiment demo --name "store-demo" --points 100000 --flush-every 50000
