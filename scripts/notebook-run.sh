#!/usr/bin/env bash
# Executes the example notebooks headlessly with the JJava kernel, the way a user runs them: from a folder outside the
# repository, loading the project through `%maven dev.promptopt:examples:<version>` from a local Maven repository.
#   examples/notebooks/sentiment-optimization.ipynb   the sentiment example, step by step
#   examples/notebooks/model-migration.ipynb          the model-migration example (ModelMigration), step by step
# It fails when any cell of any of them fails (it still runs the others, then names the ones that failed).
# Idempotent; everything it installs goes outside the repository:
#   - a virtualenv with Jupyter and the JJava kernel (PyPI, pinned below) in $PROMPTOPT_CACHE/jupyter-venv,
#   - the local model, through scripts/fetch-local-model.sh (the notebooks find it in $PROMPTOPT_CACHE/models),
#   - the project's artifacts, `./mvnw install -DskipTests`, into the local Maven repository the kernel resolves from:
#     ~/.m2/repository, or PROMPTOPT_M2_REPO (then passed to Maven and to the kernel as -Dmaven.repo.local).
# The notebooks are copied to a new temporary folder and executed there (their work folders land next to them);
# the executed copies are written to examples/target/notebook-run/.
#
#   scripts/notebook-run.sh                 # executed copies: examples/target/notebook-run/<notebook>.ipynb
#   scripts/notebook-run.sh model-migration # only the notebooks named (name or path)
#   PROMPTOPT_M2_REPO=/tmp/m2 scripts/notebook-run.sh
#   PROMPTOPT_NOTEBOOK_METRIC_CALLS=60 scripts/notebook-run.sh
#   scripts/notebook-run.sh --venv-only     # print the venv path (then: <venv>/bin/jupyter lab <folder>)
#
# Environment: PROMPTOPT_CACHE (default $HOME/.cache/promptopt), PROMPTOPT_M2_REPO (default: Maven's own,
# ~/.m2/repository), PYTHON (default python3, >= 3.9), PROMPTOPT_NOTEBOOK_TIMEOUT (seconds per cell, default 900),
# and what the notebooks read: PROMPTOPT_NOTEBOOK_METRIC_CALLS, PROMPTOPT_NOTEBOOK_MINUTES, PROMPTOPT_TARGET_MODEL,
# PROMPTOPT_REFLECTION_MODEL, and for model-migration also PROMPTOPT_ORIGINAL_MODEL and PROMPTOPT_OPTIMIZER.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

# Pins that resolve from PyPI here (jjava 1.0a8 ships its kernel spec and jar inside the wheel).
PINS=(jupyter==1.1.1 nbconvert==7.17.2 nbclient==0.11.0 jupyter_client==8.10.0 jjava==1.0a8)
CACHE="${PROMPTOPT_CACHE:-$HOME/.cache/promptopt}"
VENV="$CACHE/jupyter-venv"
PY="${PYTHON:-python3}"
NOTEBOOKS=(examples/notebooks/sentiment-optimization.ipynb examples/notebooks/model-migration.ipynb)
OUT_DIR="examples/target/notebook-run"

log() {
  echo "notebook-run: $*" >&2
}

venv_ready() {
  [ -x "$VENV/bin/jupyter" ] && [ "$(cat "$VENV/.promptopt-ready" 2>/dev/null || true)" = "${PINS[*]}" ]
}

ensure_venv() {
  venv_ready && return 0
  mkdir -p "$CACHE"
  # One installer at a time: two CI steps may call this together.
  exec 9>"$CACHE/jupyter-venv.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  venv_ready && return 0
  log "installing ${PINS[*]} into $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}" >&2
  # The jjava wheel puts its kernel spec under <venv>/share/jupyter/kernels/java, which this venv's jupyter reads.
  if ! "$VENV/bin/jupyter" kernelspec list 2>/dev/null | grep -q '^ *java '; then
    log "the jjava wheel installed no 'java' kernel spec into $VENV"
    exit 1
  fi
  echo "${PINS[*]}" > "$VENV/.promptopt-ready"
}

ensure_venv
if [ "${1:-}" = "--venv-only" ]; then
  echo "$VENV"
  exit 0
fi

if [ $# -gt 0 ]; then
  selected=()
  for name in "$@"; do
    nb="examples/notebooks/$(basename "$name" .ipynb).ipynb"
    [ -f "$nb" ] || { log "no notebook $nb"; exit 1; }
    selected+=("$nb")
  done
  NOTEBOOKS=("${selected[@]}")
fi

command -v java >/dev/null 2>&1 || { log "java (17+) must be on PATH: the kernel runs 'java -jar'"; exit 1; }
scripts/fetch-local-model.sh >/dev/null

M2_REPO="${PROMPTOPT_M2_REPO:-}"
MVN_REPO_ARGS=()
KERNEL_JAVA_OPTS="${JAVA_TOOL_OPTIONS:-}"
if [ -n "$M2_REPO" ]; then
  M2_REPO="$(mkdir -p "$M2_REPO" && cd "$M2_REPO" && pwd)"
  MVN_REPO_ARGS=("-Dmaven.repo.local=$M2_REPO")
  # JJava's %maven reads the local repository from the maven.repo.local system property of the kernel's JVM.
  KERNEL_JAVA_OPTS="${KERNEL_JAVA_OPTS:+$KERNEL_JAVA_OPTS }-Dmaven.repo.local=$M2_REPO"
fi
log "installing the project's artifacts into ${M2_REPO:-the default local Maven repository}"
./mvnw -q -B -ntp "${MVN_REPO_ARGS[@]}" install -DskipTests

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/promptopt-notebooks.XXXXXX")"
case "$RUN_DIR/" in
  "$REPO"/*) log "the temporary folder $RUN_DIR is inside the repository; set TMPDIR elsewhere"; exit 1 ;;
esac
mkdir -p "$OUT_DIR"
OUT_ABS="$(cd "$OUT_DIR" && pwd)"
failed=()
summary=()
for NOTEBOOK in "${NOTEBOOKS[@]}"; do
  name="$(basename "$NOTEBOOK")"
  cp "$NOTEBOOK" "$RUN_DIR/$name"
  log "executing $name in $RUN_DIR"
  start=$(date +%s)
  # The kernel starts in the copy's folder; nothing tells the notebook where the repository is.
  if (cd "$RUN_DIR" && JAVA_TOOL_OPTIONS="$KERNEL_JAVA_OPTS" "$VENV/bin/jupyter" nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=java \
      --ExecutePreprocessor.timeout="${PROMPTOPT_NOTEBOOK_TIMEOUT:-900}" \
      --output-dir "$OUT_ABS" --output "$name" "$name"); then
    result="all cells ran"
  else
    result="FAILED"
    failed+=("$NOTEBOOK")
  fi
  summary+=("$name: $result in $(( $(date +%s) - start )) s")
  log "${summary[-1]}; executed copy: $OUT_DIR/$name"
done
log "work folders (prompts, traces, runs, report pages): $RUN_DIR/notebook-workdir"
for line in "${summary[@]}"; do
  log "$line"
done
if [ ${#failed[@]} -gt 0 ]; then
  log "a cell failed in: ${failed[*]}"
  exit 1
fi
