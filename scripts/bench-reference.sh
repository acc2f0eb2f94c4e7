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

source scripts/bench-setup.sh

exec python3 benchmarks/python/bench.py \
  --java-cp "$java_cp" \
  --venv-python "$venv/bin/python" \
  --latency-ms "${BENCH_LATENCY_MS:-50}" \
  --budget "${BENCH_BUDGET:-300}" \
  --seeds "${BENCH_SEEDS:-0,1,2}" \
  --concurrency "${BENCH_CONCURRENCY:-8}" \
  --out benchmarks/target/results.md
