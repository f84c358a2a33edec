#!/usr/bin/env bash
# Makes .venv-test/ (ignored by git) with the pinned stock MLflow client for the tests of
# `tracker server` (tests/mlflow/). Safe to run again: an existing venv with the pinned
# version is kept. Needs python3 with the venv module (Debian: python3-venv) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
MLFLOW_SKINNY_VERSION=3.17.0
venv=.venv-test
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import mlflow, sys; sys.exit(mlflow.__version__ != '$MLFLOW_SKINNY_VERSION')" 2>/dev/null; then
  exit 0
fi
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  ./scripts/install-deps.sh python3-venv
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "mlflow-skinny==$MLFLOW_SKINNY_VERSION" >&2
