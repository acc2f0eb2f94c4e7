#!/usr/bin/env bash
# Parallel GEPA proposals (k = 1, 2, 4, 8; k = 8 with speculativeEvaluations 63, no limit; k = 1 and 8 with hedged
# predict and reflection calls at the 90th percentile, k = 8 at the 75th) under fixed and lognormal latency, with and
# without 20 % injected faults (429 / 500 / 504), against one local OpenAI-compatible server, with the reference gepa 0.1.4 side by side. Prints Markdown tables
# (means, and ratios to k = 1 and to the fault-free run) and writes them, with the raw numbers, to
# benchmarks/target/parallel.md.
#   scripts/bench-parallel.sh
#   BENCH_KS=1,4,8s63,8h0.9 BENCH_SEEDS=0,1 BENCH_CONDITIONS=fixed:0 BENCH_REFERENCE=false scripts/bench-parallel.sh
# Needs what scripts/bench-reference.sh needs (the reference is installed into the same cached venv).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/bench-setup.sh

exec python3 benchmarks/python/bench_parallel.py \
  --java-cp "$java_cp" \
  --venv-python "$venv/bin/python" \
  --ks "${BENCH_KS:-1,2,4,8,8s63,1h0.9,8h0.9,8h0.75}" \
  --seeds "${BENCH_SEEDS:-0,1,2,3,4}" \
  --budget "${BENCH_BUDGET:-400}" \
  --concurrency "${BENCH_CONCURRENCY:-16}" \
  --conditions "${BENCH_CONDITIONS:-fixed:0,lognormal:0,fixed:0.2,lognormal:0.2}" \
  --reflector-one-in "${BENCH_REFLECTOR_ONE_IN:-3}" \
  --reference "${BENCH_REFERENCE:-true}" \
  --reference-conditions "${BENCH_REFERENCE_CONDITIONS:-fixed:0,lognormal:0.2}" \
  --out benchmarks/target/parallel.md
