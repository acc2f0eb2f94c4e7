#!/usr/bin/env bash
# Prints each module's share of the main (non-test) Java code, in lines, largest first.
set -euo pipefail
cd "$(dirname "$0")/.."
total=0
declare -A lines
for pom in */pom.xml; do
  m=${pom%/pom.xml}
  [ -d "$m/src/main/java" ] || continue
  n=$(find "$m/src/main/java" -name '*.java' -print0 | xargs -0 cat | wc -l)
  lines[$m]=$n
  total=$((total + n))
done
for m in "${!lines[@]}"; do
  awk -v m="$m" -v n="${lines[$m]}" -v t="$total" 'BEGIN { printf "%-36s %6d  %5.1f %%\n", m, n, 100 * n / t }'
done | sort -k2 -nr
printf "%-36s %6d\n" total "$total"
