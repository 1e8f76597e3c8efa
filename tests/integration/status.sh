#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: the status each node publishes for crm_mon -A
# (<resource>-status, a transient node attribute): its words, written only
# when it changes, cleared on stop; and a node whose run_dir is new (it
# rebooted) keeps following the active it was told about.

# Variables N_* and the ports are read by agent() in lib.sh.
# shellcheck disable=SC2034,SC2154
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
NB_PORT=18741 SB_PORT=18742
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

# status NODE: the published status, or "none".
status() {
    crm_attribute -N "$1" -n ovndb_servers-status -l reboot -G -q \
        2>/dev/null || echo none
}
is_status() {
    [ "$(status "$1")" = "$2" ]
}
starts_with() {
    case $(status "$1") in
        "$2"*) return 0 ;;
    esac
    return 1
}
cib_sum() {
    md5sum < "$CIB_file"
}

echo "# the words"
check "node1 starts" agent node1 start
check "first node, empty: never synchronised" \
    starts_with node1 "never synchronised"
check "node1 promoted" agent node1 promote
check "the active says active" is_status node1 active
N_PROMOTED=node1
check "node2 starts (node1 promoted)" agent node2 start
check "node2 follows node1" wait_until 5 eval \
    'monitor_unpromoted node2; is_status node2 "replicating from node1"'

echo "# a steady monitor writes nothing"
before=$(cib_sum)
cache=$(node_dir node2)/run/ovndb-servers.ovndb_servers.status
ino=$(stat -c %i "$cache")
expect_rc 0 "monitor node2" monitor_unpromoted node2
expect_rc 0 "monitor node2 again" monitor_unpromoted node2
expect_rc 8 "monitor node1" monitor_promoted node1
check "the CIB did not change" test "$(cib_sum)" = "$before"
check "the cache was not rewritten" test "$(stat -c %i "$cache")" = "$ino"

echo "# a rebooted node (empty run_dir) still follows node1"
expect_rc 0 "stop node2" agent node2 stop
check "stop cleared the status" is_status node2 none
rm -rf "$(node_dir node2)/run"
check "node2 starts with a new run_dir" agent node2 start
check "it remembered whom it follows" test -s \
    "$(node_dir node2)/run/ovndb-servers.ovndb_servers.source"
repoints() {
    grep -c 'making it a backup of' "$TMP/agent.log"
}
before=$(repoints)
expect_rc 0 "its monitor is content" monitor_unpromoted node2
check "no re-pointing was needed" test "$(repoints)" = "$before"
check "it replicates from node1" is_status node2 "replicating from node1"

echo "# the active dies: the backup says stale, since when"
kill -9 "$(pid_of node1 nb)" "$(pid_of node1 sb)"
check "node1's servers are gone" wait_until 5 eval \
    '[ -z "$(pid_of node1 nb)$(pid_of node1 sb)" ]'
expect_rc 0 "monitor node2" monitor_unpromoted node2
check "stale, with both times" eval \
    'starts_with node2 "stale: not in sync since " && status node2 | grep -q "; last current 20"'
check "stop node2" agent node2 stop
check "stop cleared it" is_status node2 none
check "stop node1" agent node1 stop

echo "# a failover: the other backup names the new active at once"
rm -rf "$(node_dir node1)" "$(node_dir node2)" "$(node_dir node3)"
N_PROMOTED=" " N_ACTIVE=" "
check "node1 starts and is promoted" eval \
    'agent node1 start && agent node1 promote'
N_PROMOTED=node1 N_ACTIVE=node1
check "node2 and node3 start" eval 'agent node2 start && agent node3 start'
N_ACTIVE="node1 node2 node3" N_UNPROMOTED="node2 node3"
check "node3 follows node1" wait_until 5 eval \
    'monitor_unpromoted node3; is_status node3 "replicating from node1"'
kill -9 "$(pid_of node1 nb)" "$(pid_of node1 sb)"
check "node1's servers are gone" wait_until 5 eval \
    '[ -z "$(pid_of node1 nb)$(pid_of node1 sb)" ]'
N_STOP=node1 N_PROMOTED=" " N_ACTIVE="node2 node3" N_PROMOTE=node2
for n in node2 node3; do
    agent "$n" notify OCF_RESKEY_CRM_meta_notify_type=pre \
        OCF_RESKEY_CRM_meta_notify_operation=promote
done
expect_rc 0 "promote node2" agent node2 promote
expect_rc 0 "post-promote notification of node3" agent node3 notify \
    OCF_RESKEY_CRM_meta_notify_type=post \
    OCF_RESKEY_CRM_meta_notify_operation=promote
# No monitor of node3 ran since node1 died.
check "node3 names node2 (replicating or connecting), not node1" eval \
    'is_status node3 "replicating from node2" ||
     starts_with node3 "connecting to node2 since "'
echo "    # node3: $(status node3)"
N_STOP=" " N_PROMOTE=" " N_PROMOTED=node2
expect_rc 0 "its monitor agrees" monitor_unpromoted node3
check "replicating from node2" wait_until 5 eval \
    'monitor_unpromoted node3; is_status node3 "replicating from node2"'
for n in node3 node2 node1; do
    agent "$n" stop
done

summary
