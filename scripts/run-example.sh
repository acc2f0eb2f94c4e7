#!/usr/bin/env bash
# The main job: a GEPA optimization of a sentiment prompt on embedded defaults (local folders and the
# local SmolLM2 model, fetched into ~/.cache/promptopt on first use). Offline after the first fetch.
#   scripts/run-example.sh
#   PROMPTOPT_TARGET_MODEL=openai:/gpt-4o-mini PROMPTOPT_REFLECTION_MODEL=openai:/gpt-4o scripts/run-example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-local-model.sh >/dev/null
mvn -q -B -ntp -pl examples -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/run-classpath.txt -Dmdep.includeScope=runtime
exec java -cp "examples/target/classes:$(cat examples/target/run-classpath.txt)" \
  dev.promptopt.examples.SentimentOptimization "$@"
