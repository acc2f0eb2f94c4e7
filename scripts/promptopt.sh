#!/usr/bin/env bash
# The managed-run CLI (run / status / resume / cancel) from its runnable jar, built on first use.
#   scripts/promptopt.sh run config.json
#   scripts/promptopt.sh status <id> --config config.json
#   scripts/promptopt.sh --help   (and: scripts/promptopt.sh <command> --help, --version; exit codes in optimizer-cli/README.md)
# The jar itself: java -jar optimizer-cli/target/promptopt.jar ...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/optimizer-cli/target/promptopt.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root" -path '*/src/main/*' -newer "$jar" -print -quit)" ]; then
  (cd "$root" && ./mvnw -q -B -ntp -pl optimizer-cli -am package -DskipTests)
fi
exec java -jar "$jar" "$@"
