#!/usr/bin/env bash
# Installs llama.cpp's OpenAI-compatible HTTP server (PyPI `xllamacpp`, prebuilt CPU wheels, pinned) into a
# cached virtualenv outside the repository and prints the venv path on stdout. Idempotent: an existing venv
# with the pinned version is reused.
#
#   scripts/llama-server.sh             ensure the venv, print its path
#   scripts/llama-server.sh serve ARGS  ensure the venv, then serve a GGUF model on a free loopback port
#                                       (ARGS: see scripts/llama_server.py --help); prints
#                                       "listening on http://127.0.0.1:PORT" and serves until stdin closes
#
# Environment: PROMPTOPT_CACHE (default $HOME/.cache/promptopt), XLLAMACPP_VERSION (default pinned below),
# PYTHON (default python3, must be >= 3.10).
set -euo pipefail

XLLAMACPP_VERSION="${XLLAMACPP_VERSION:-2026.10.11549}"
CACHE="${PROMPTOPT_CACHE:-$HOME/.cache/promptopt}"
VENV="$CACHE/llama-server-venv"
PY="${PYTHON:-python3}"
HERE="$(cd "$(dirname "$0")" && pwd)"

installed_version() {
  [ -x "$VENV/bin/python" ] || return 1
  "$VENV/bin/python" - <<'PYEOF' 2>/dev/null
import importlib.metadata as m
print(m.version("xllamacpp"))
PYEOF
}

ready() {
  [ "$(installed_version || true)" = "$XLLAMACPP_VERSION" ] && [ -f "$VENV/.promptopt-ready" ]
}

ensure_venv() {
  if ready; then
    return 0
  fi
  mkdir -p "$CACHE"
  # One installer at a time: parallel test JVMs or CI steps may call this together.
  exec 9>"$CACHE/llama-server-venv.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if ready; then
    return 0
  fi
  echo "installing xllamacpp==$XLLAMACPP_VERSION into $VENV" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "xllamacpp==$XLLAMACPP_VERSION" >&2
  touch "$VENV/.promptopt-ready"
}

ensure_venv
case "${1:-}" in
  serve)
    shift
    exec "$VENV/bin/python" "$HERE/llama_server.py" "$@"
    ;;
  *)
    echo "$VENV"
    ;;
esac
