#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: reload-agent (OCF 1.1) applies the probe intervals to
# the running servers: no restart (same pids), writes go on, the active
# stays active, and the new value is in effect on the servers.

# Variables N_* and the ports are read by agent() in lib.sh.
# shellcheck disable=SC2034,SC2154
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
NB_PORT=18841 SB_PORT=18842
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

# probe_of NODE nb|sb: the inactivity_probe of the Connection rows.
probe_of() {
    local ctl=nbctl
    [ "$2" = sb ] && ctl=sbctl
    "$ctl" "$1" --bare --columns=inactivity_probe list Connection \
        2>/dev/null | sort -u | tr '\n' ' '
}

check "node1 starts" agent node1 start
check "node1 promoted" agent node1 promote
N_PROMOTED=node1
check "node2 starts" agent node2 start
check "node2 replicates" wait_until 10 replicating node2 nb
pids="$(pid_of node1 nb) $(pid_of node1 sb) $(pid_of node2 nb) $(pid_of node2 sb)"
check "the NB probe is the default 5000" \
    test "$(probe_of node1 nb)" = "5000 "

expect_rc 0 "reload-agent on the active" agent node1 reload-agent \
    OCF_RESKEY_inactive_probe_interval=12345
check "NB's Connection probe is 12345" test "$(probe_of node1 nb)" = "12345 "
check "SB's Connection probe is 12345" test "$(probe_of node1 sb)" = "12345 "
check "still writable" writable node1 nb
expect_rc 8 "still the active" monitor_promoted node1
expect_rc 0 "reload-agent on the backup" agent node2 reload-agent \
    OCF_RESKEY_inactive_probe_interval_to_master=7000
check "the backup logged the new replication probe" \
    grep -q 'NB: probe interval 7000 ms applied' "$TMP/agent.log"
check "the backup still replicates" replicating node2 nb
check "and the change reached it" wait_until 10 eval \
    '[ "$(probe_of node2 nb)" = "12345 " ]'
expect_rc 0 "the backup's monitor is content" monitor_unpromoted node2
check "no server restarted" test \
    "$(pid_of node1 nb) $(pid_of node1 sb) $(pid_of node2 nb) $(pid_of node2 sb)" = "$pids"
expect_rc 6 "reload-agent with a broken value changes nothing" \
    agent node1 reload-agent OCF_RESKEY_inactive_probe_interval=-1
check "the probe is still 12345" test "$(probe_of node1 nb)" = "12345 "
expect_rc 0 "reload-agent on a stopped node: nothing to do" \
    agent node3 reload-agent
check "and it started nothing" test -z "$(pid_of node3 nb)"
check "stop node2" agent node2 stop
check "stop node1" agent node1 stop

summary
