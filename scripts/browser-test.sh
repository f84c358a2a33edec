#!/usr/bin/env bash
# Real-browser test of `tracker ui`: trains a small sweep with `tracker train`, serves it on a
# free loopback port, loads the runs page, a run page and the compare page in headless
# Chromium (Debian package `chromium`, installed when missing), checks the rendered DOM for
# the expected tables and SVG charts, and saves screenshots and DOMs under out/browser/.
#
# Not part of .ci/run: installing Chromium takes minutes. Run it by hand:
#   scripts/browser-test.sh            (SCRATCH_PATH=.build-x to use another build folder)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=out/browser
mkdir -p "$OUT"
if ! command -v chromium >/dev/null 2>&1; then
    echo "installing chromium…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
SCRATCH="${SCRATCH_PATH:-.build}"
swift build --scratch-path "$SCRATCH" --product tracker >/dev/null
BIN="$(swift build --scratch-path "$SCRATCH" --show-bin-path)/tracker"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT
DB="$WORK/tracker.db"
cat > "$WORK/study.yaml" <<'YAML'
experiment: browser-test
seed: 7
data: {source: moons, size: 600, noise: 0.2, validation: 0.25}
model: {depth: 3, width: 32, activation: relu, normalization: batch}
optimizer: {type: adam, lr: 0.01}
epochs: 4
batch_size: 32
logging: {layer_stats_every: 5, histograms: true}
sweep:
  grid:
    model.dropout: [0, 0.3]
YAML
"$BIN" train "$WORK/study.yaml" --db "$DB" >/dev/null 2>&1
RUN="$("$BIN" runs --db "$DB" --format csv | awk -F, 'NR==2 {print $1}')"
RUNS="$("$BIN" runs --db "$DB" --format csv | awk -F, 'NR>1 {printf "run=%s&", $1}')"

"$BIN" ui --db "$DB" --port 0 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 50); do grep -q "serving" "$WORK/server.log" && break; sleep 0.2; done
PORT="$(sed -n 's/.*http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$WORK/server.log")"
[ -n "$PORT" ] || { echo "server did not start:"; cat "$WORK/server.log"; exit 1; }
BASE="http://127.0.0.1:$PORT"

failures=0
browse() {  # name path
    local flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$WORK/profile")
    chromium "${flags[@]}" --dump-dom "$BASE$2" >"$OUT/$1.html" 2>/dev/null
    chromium "${flags[@]}" --window-size=1400,2200 --screenshot="$OUT/$1.png" "$BASE$2" >/dev/null 2>&1
}
expect() {  # name needle min-count
    local n
    n="$(grep -o -- "$2" "$OUT/$1.html" | wc -l)"
    if [ "$n" -ge "$3" ]; then echo "ok   $1: $n × $2"; else echo "FAIL $1: $n × $2 (want ≥ $3)"; failures=$((failures + 1)); fi
}
browse runs "/"
expect runs '<table class="sortable" id="runs"' 1
expect runs 'href="/runs/' 2
expect runs 'type="checkbox"' 2
browse run "/runs/$RUN"
expect run '<svg' 5
expect run 'class="heatmap"' 1
expect run 'id="bn-table"' 1
expect run 'id="checkpoint-table"' 1
browse compare "/compare?${RUNS%&}"
expect compare '<svg' 2
expect compare 'id="gap-table"' 1
expect compare 'id="params-diff-table"' 1
echo "screenshots and DOMs in $OUT/"
echo "$((11 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
