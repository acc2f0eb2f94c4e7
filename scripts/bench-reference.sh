#!/usr/bin/env bash
# Our GEPA against the Python reference (gepa 0.1.4, its DefaultAdapter over litellm) on the same task,
# data, budget and seed prompt, both talking HTTP to one local OpenAI-compatible server with a fixed latency.
# Prints a Markdown table and writes it to benchmarks/target/results.md.
#   scripts/bench-reference.sh
#   BENCH_LATENCY_MS=100 BENCH_BUDGET=200 BENCH_SEEDS=0 scripts/bench-reference.sh
# Needs Java 17+, Maven, python3 with venv/pip (PyPI reachable on the first run). The reference is installed
# into ${PROMPTOPT_CACHE:-~/.cache/promptopt}/gepa-venv, outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

GEPA_VERSION=0.1.4
LITELLM_VERSION=1.106.2
cache=${PROMPTOPT_CACHE:-$HOME/.cache/promptopt}
venv="$cache/gepa-venv"
stamp="$venv/.installed-gepa-$GEPA_VERSION-litellm-$LITELLM_VERSION"
if [[ ! -f "$stamp" ]]; then
  echo "installing gepa==$GEPA_VERSION litellm==$LITELLM_VERSION into $venv" >&2
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "gepa==$GEPA_VERSION" "litellm==$LITELLM_VERSION" >&2
  touch "$stamp"
fi

./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/run-classpath.txt -Dmdep.includeScope=runtime >&2

exec python3 benchmarks/python/bench.py \
  --java-cp "benchmarks/target/classes:$(cat benchmarks/target/run-classpath.txt)" \
  --venv-python "$venv/bin/python" \
  --latency-ms "${BENCH_LATENCY_MS:-50}" \
  --budget "${BENCH_BUDGET:-300}" \
  --seeds "${BENCH_SEEDS:-0,1,2}" \
  --concurrency "${BENCH_CONCURRENCY:-8}" \
  --out benchmarks/target/results.md
