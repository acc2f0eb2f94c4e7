#!/usr/bin/env bash
# Model migration on embedded defaults: capture the original model's answers as local traces, build a training
# set from them, and let GEPA optimize the prompt for the target model with an LLM equivalence judge. Offline
# (after the first fetch of the local SmolLM2 model into ~/.cache/promptopt) both roles are the same small model.
#   scripts/run-migration-example.sh
#   OPENAI_API_KEY=... PROMPTOPT_ORIGINAL_MODEL=openai:/gpt-4o PROMPTOPT_TARGET_MODEL=openai:/gpt-4o-mini \
#     PROMPTOPT_MAX_METRIC_CALLS=150 scripts/run-migration-example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-local-model.sh >/dev/null
mvn -q -B -ntp -pl examples -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/run-classpath.txt -Dmdep.includeScope=runtime
exec java -cp "examples/target/classes:$(cat examples/target/run-classpath.txt)" \
  dev.promptopt.examples.ModelMigration "$@"
