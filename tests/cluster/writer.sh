#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# writer.sh ID OUT STOPFILE [INTERVAL_MS] [MAX_SECS] [TARGET]
#
# Runs inside a lab node.  Commits numbered rows through the VIP, one
# transaction per row (a DNS row whose external_ids are {w="ID-SEQ"}: a
# table ovn-northd ignores while no logical switch refers to it), and
# appends "ID-SEQ ACK_MS" to OUT for every write the server acknowledged,
# ACK_MS being the wall-clock time (ms since the epoch) of the
# acknowledgement.  Unacknowledged attempts are counted in OUT.err.
# Stops when STOPFILE exists or after MAX_SECS (120), whichever is first;
# INTERVAL_MS (50) is the pause between two writes (0: as fast as it goes).
set -u
id=$1
out=$2
stop=$3
interval=${4:-50}
max_secs=${5:-120}
target=${6:-tcp:198.51.100.100:6641}

now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
}

pause=
if [ "$interval" -gt 0 ]; then
    pause=$(printf '%d.%03d' $((interval / 1000)) $((interval % 1000)))
fi
end=$(($(now_ms) + max_secs * 1000))
seq=0
errors=0
: > "$out"
while [ ! -e "$stop" ] && [ "$(now_ms)" -lt "$end" ]; do
    seq=$((seq + 1))
    txn='["OVN_Northbound",{"op":"insert","table":"DNS","row":{"external_ids":["map",[["w","'$id-$seq'"]]]}}]'
    reply=$(ovsdb-client -t 2 transact "$target" "$txn" 2>/dev/null)
    t=${EPOCHREALTIME/[.,]/}
    if [[ $reply == '[{"uuid":'* ]]; then
        echo "$id-$seq $((t / 1000))" >> "$out"
    else
        errors=$((errors + 1))
        echo "$errors" > "$out.err"
    fi
    [ -n "$pause" ] && sleep "$pause"
done
exit 0
