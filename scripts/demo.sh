#!/usr/bin/env bash
# The main job: installs missing system packages, builds tracker (release) and runs a short
# version of the overfitting and vanishing-gradient studies on Fashion-MNIST into
# ./tracker.db (or $TRACKER_DB), then shows what they found. A few minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
swift build -c release --package-path "$root" --product tracker >&2
tracker="$root/.build/release/tracker"
export TRACKER_DB="${TRACKER_DB:-$PWD/tracker.db}"
out="${DEMO_OUT:-$PWD/demo-out}"
mkdir -p "$out"

echo "== 1/2 overfitting on 1,000 training images: none vs dropout, L1, L2, augmentation"
"$tracker" train "$root/examples/overfitting.yaml" --set epochs=12
echo
echo "== 2/2 vanishing gradients: 20 layers x 64, sigmoid vs ReLU family vs normalisation"
"$tracker" train "$root/examples/vanishing.yaml" --set epochs=1 --set data.subset.count=6000

echo
echo "== the overfitting gap with and without regularisation"
"$tracker" compare --experiment overfitting --sort start:asc
echo
latest() { "$tracker" runs --experiment vanishing --where "name = '$1'" --format csv --limit 1 | awk -F, 'NR==2 {print $1}'; }
sig=$(latest "sigmoid depth=20"); relu=$(latest "relu depth=20")
echo "== gradient heat map: sigmoid, 20 layers (run $sig)"
"$tracker" grads "$sig"
echo
echo "== gradient heat map: ReLU + He, 20 layers (run $relu)"
"$tracker" grads "$relu"
echo
ids=$("$tracker" runs --experiment overfitting --format csv | awk -F, 'NR>1 {print $1}' | head -5 | tr '\n' ' ')
"$tracker" plot $ids --metric val_acc --x epoch -o "$out/overfitting-val_acc.svg"
"$tracker" plot $ids --metric train_acc --x epoch -o "$out/overfitting-train_acc.svg"
"$tracker" plot "$sig" "$relu" --metric grad_ratio_first_last --log-y -o "$out/vanishing-grad_ratio.svg"
"$tracker" report overfitting -o "$out/report-overfitting"
"$tracker" report vanishing -o "$out/report-vanishing"
echo
echo "Charts and reports are in $out; the runs are in $TRACKER_DB (try: $tracker runs, $tracker show RUN, $tracker ui)."
