#!/usr/bin/env bash
# The managed-run example: a configuration with SAP AI Core's keys (examples/managed/optimization.json), run
# through the CLI on local object stores and the local SmolLM2 model, then its status and results read back.
# Works on a copy in example-workdir/managed, so the repository stays clean.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${PROMPTOPT_WORKDIR:-$root/example-workdir}/managed"
"$root/scripts/fetch-local-model.sh" >/dev/null
rm -rf "$work" && mkdir -p "$work" && cp -r "$root/examples/managed/." "$work/"
cd "$work"
id="sentiment-$(date +%Y%m%d-%H%M%S)"
"$root/scripts/promptopt.sh" run optimization.json --id "$id"
echo
"$root/scripts/promptopt.sh" status "$id" --config optimization.json
echo
echo "results.json ($work/store/$id/result-data/results.json):"
cat "store/$id/result-data/results.json"
