#!/usr/bin/env bash
# The main job: the model-migration example on embedded defaults (local folders and the local SmolLM2 model,
# fetched into ~/.cache/promptopt on first use). Offline after the first fetch.
#   scripts/run-example.sh              # model migration: traces of the original model -> GEPA for the target
#   scripts/run-example.sh sentiment    # GEPA on a labelled sentiment dataset
#   PROMPTOPT_TARGET_MODEL=openai:/gpt-4o-mini PROMPTOPT_REFLECTION_MODEL=openai:/gpt-4o scripts/run-example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-migration}" in
  migration) main=dev.promptopt.examples.ModelMigration ;;
  sentiment) main=dev.promptopt.examples.SentimentOptimization ;;
  *) echo "usage: scripts/run-example.sh [migration|sentiment]" >&2; exit 2 ;;
esac
scripts/fetch-local-model.sh >/dev/null
./mvnw -q -B -ntp -pl examples -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/run-classpath.txt -Dmdep.includeScope=runtime
exec java -cp "examples/target/classes:$(cat examples/target/run-classpath.txt)" "$main"
