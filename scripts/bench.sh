#!/usr/bin/env bash
# Runs a benchmark main class from a module's test sources.
#   scripts/bench.sh optimizer-core dev.promptopt.core.bench.EngineBench
#   scripts/bench.sh optimizer-gepa dev.promptopt.gepa.GepaBench
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:?usage: scripts/bench.sh <module> <main class> [args...]}
main=${2:?usage: scripts/bench.sh <module> <main class> [args...]}
shift 2
./mvnw -q -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test -DskipTests
cp="$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench-classpath.txt")"
exec java -Xmx2g -cp "$cp" "$main" "$@"
