#!/usr/bin/env bash
# Installs the MLflow server (PyPI `mlflow`, pinned) into a cached virtualenv outside the repository and
# prints the venv path on stdout. Idempotent: an existing venv with the pinned version is reused.
#
#   scripts/mlflow-server.sh            ensure the venv, print its path
#   scripts/mlflow-server.sh serve ARGS ensure the venv, then exec `mlflow server ARGS`
#
# Environment: PROMPTOPT_CACHE (default $HOME/.cache/promptopt), MLFLOW_VERSION (default pinned below),
# PYTHON (default python3, must be >= 3.10).
set -euo pipefail

MLFLOW_VERSION="${MLFLOW_VERSION:-3.17.2}"
CACHE="${PROMPTOPT_CACHE:-$HOME/.cache/promptopt}"
VENV="$CACHE/mlflow-venv"
PY="${PYTHON:-python3}"

installed_version() {
  [ -x "$VENV/bin/python" ] || return 1
  "$VENV/bin/python" - <<'PYEOF' 2>/dev/null
import importlib.metadata as m
print(m.version("mlflow"))
PYEOF
}

ensure_venv() {
  if [ "$(installed_version || true)" = "$MLFLOW_VERSION" ] && [ -f "$VENV/.promptopt-ready" ]; then
    return 0
  fi
  mkdir -p "$CACHE"
  # One installer at a time: parallel test JVMs or CI steps may call this together.
  exec 9>"$CACHE/mlflow-venv.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if [ "$(installed_version || true)" = "$MLFLOW_VERSION" ] && [ -f "$VENV/.promptopt-ready" ]; then
    return 0
  fi
  echo "installing mlflow==$MLFLOW_VERSION into $VENV" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "mlflow==$MLFLOW_VERSION" >&2
  touch "$VENV/.promptopt-ready"
}

ensure_venv
case "${1:-}" in
  serve)
    shift
    exec "$VENV/bin/mlflow" server "$@"
    ;;
  *)
    echo "$VENV"
    ;;
esac
