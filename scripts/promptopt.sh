#!/usr/bin/env bash
# The managed-run CLI (run / status / resume / cancel), with GEPA, the model providers and the S3 store on
# its classpath.
#   scripts/promptopt.sh run config.json
#   scripts/promptopt.sh status <id> --config config.json
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$root" && mvn -q -B -ntp -pl examples -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/run-classpath.txt -Dmdep.includeScope=runtime)
exec java -cp "$root/examples/target/classes:$(cat "$root/examples/target/run-classpath.txt")" \
  dev.promptopt.core.managed.Cli "$@"
