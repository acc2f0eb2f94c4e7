#!/usr/bin/env bash
# Parallel GEPA proposals (k = 1, 2, 4, 8) under fixed and lognormal latency, with and without 20 % injected
# faults (429 / 500 / 504), against one local OpenAI-compatible server, with the reference gepa 0.1.4 side by
# side. Prints a Markdown table and writes it, with the raw numbers, to benchmarks/target/parallel.md.
#   scripts/bench-parallel.sh
#   BENCH_KS=1,4 BENCH_SEEDS=0,1 BENCH_CONDITIONS=fixed:0 BENCH_REFERENCE=false scripts/bench-parallel.sh
# Needs what scripts/bench-reference.sh needs (the reference is installed into the same cached venv).
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

exec python3 benchmarks/python/bench_parallel.py \
  --java-cp "benchmarks/target/classes:$(cat benchmarks/target/run-classpath.txt)" \
  --venv-python "$venv/bin/python" \
  --ks "${BENCH_KS:-1,2,4,8}" \
  --seeds "${BENCH_SEEDS:-0,1,2,3,4}" \
  --budget "${BENCH_BUDGET:-400}" \
  --concurrency "${BENCH_CONCURRENCY:-16}" \
  --conditions "${BENCH_CONDITIONS:-fixed:0,lognormal:0,lognormal:0.2}" \
  --reflector-one-in "${BENCH_REFLECTOR_ONE_IN:-3}" \
  --reference "${BENCH_REFERENCE:-true}" \
  --reference-conditions "${BENCH_REFERENCE_CONDITIONS:-fixed:0}" \
  --out benchmarks/target/parallel.md
