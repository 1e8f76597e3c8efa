#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs every integration suite against the installed agent; prints one
# "N passed, N failed" line for all of them.
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 status=0
for suite in "$here"/replication.sh "$here"/actions.sh "$here"/safety.sh \
             "$here"/switchover.sh "$here"/tls.sh "$here"/sick.sh \
             "$here"/status.sh "$here"/reload.sh "$here"/hostile.sh \
             "$here"/hostile-params.sh "$here"/harden.sh "$here"/stall.sh; do
    [ -f "$suite" ] || continue
    echo "=== $(basename "$suite")"
    out=$(bash "$suite" 2>&1) || status=1
    printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' \
           | tail -n 1)
    if [ -z "$line" ]; then
        echo "not ok - $(basename "$suite") ended without a summary"
        failed=$((failed + 1))
        status=1
        continue
    fi
    passed=$((passed + ${line%% passed*}))
    f=${line#*passed, }
    failed=$((failed + ${f%% failed*}))
done
echo "integration: $passed passed, $failed failed"
exit $status
