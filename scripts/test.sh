#!/usr/bin/env bash
# The project's test command: installs what the tests need (outside the repository), then runs every
# module's tests with the Maven wrapper. Usage: scripts/test.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "$0")/.."

# Real parts the tests use, each fetched by its own idempotent script into a cache outside the repo.
for prepare in scripts/fetch-local-model.sh scripts/mlflow-server.sh scripts/llama-server.sh; do
  if [ -x "$prepare" ]; then
    "$prepare"
  fi
done

./mvnw -B -ntp verify "$@"

# The example notebooks, executed headlessly with the JJava kernel from a temporary folder outside the repository,
# loading the artifacts it installs (into ~/.m2/repository, or PROMPTOPT_M2_REPO) through %maven.
scripts/notebook-run.sh
