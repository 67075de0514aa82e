#!/usr/bin/env bash
# `make test` stages: one line each (what ran, its closing line, how long); the whole output is kept
# in test-artifacts/logs/ and printed in full only when the stage fails.
#   usage: tests/stage.sh "Stage name" command [args...]
set -uo pipefail
name=$1
shift
mkdir -p test-artifacts/logs
log="test-artifacts/logs/$(echo "$name" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//' | tr 'A-Z' 'a-z').log"
started=$(date +%s)
"$@" >"$log" 2>&1
status=$?
took=$(($(date +%s) - started))
# the stage's own closing line (pytest's "N passed ...", our figures), pytest's ===== frame removed
closing=$(sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -v '^\s*$' | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
if [ "$status" -ne 0 ]; then
    cat "$log"
    echo "FAILED  $name after ${took}s (exit $status); the output above is also in $log"
    exit "$status"
fi
printf '%-44s %5ss  %s\n' "$name" "$took" "$closing"
