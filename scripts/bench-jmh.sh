#!/usr/bin/env bash
# JMH microbenchmarks in benchmarks/src/main/java/dev/promptopt/benchmarks/jmh. Arguments go to JMH's own
# command line: a regular expression selects benchmarks, -h lists the options. Builds with package (not
# compile) so that the test jars other modules name are in the reactor when the classpath is resolved.
#   scripts/bench-jmh.sh                                 # all of them
#   scripts/bench-jmh.sh TemplateFormatBenchmark         # one class
#   scripts/bench-jmh.sh EvaluationBenchmark -p concurrency=8 -f 1 -wi 2 -i 3
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl benchmarks -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/jmh-classpath.txt -Dmdep.includeScope=runtime
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/jmh-classpath.txt)" org.openjdk.jmh.Main "$@"
