#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cleanup.sh WORK - kills, by PID, every process whose command line names
# the bench directory WORK (the ovsdb-servers the bench started, and any
# agent still running), SIGTERM first, then SIGKILL.
set -u
work=${1:?usage: cleanup.sh WORK}
case $work in
    /tmp/ovndbbench*) ;;
    *) echo "cleanup.sh: refusing to clean '$work'" >&2; exit 2 ;;
esac
pids_of() {
    local f pid
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}
        pid=${pid%/cmdline}
        [ "$pid" = "$$" ] && continue
        if { tr '\0' ' ' < "$f"; } 2>/dev/null | grep -qF -- "$work/"; then
            echo "$pid"
        fi
    done
}
for sig in TERM KILL; do
    pids=$(pids_of)
    [ -n "$pids" ] || exit 0
    # shellcheck disable=SC2086
    kill -s "$sig" $pids 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        [ -n "$(pids_of)" ] || exit 0
        sleep 0.2
    done
done
[ -z "$(pids_of)" ]
