#!/usr/bin/env bash
# Installs the Debian packages tracker needs, only those missing. Safe to run again.
set -euo pipefail
packages=(pkg-config libsqlite3-dev libpq-dev postgresql libopenblas-dev zlib1g-dev dataset-fashion-mnist)
packages+=("$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
