#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: the installed agent, driven with the action sequences
# Pacemaker runs for a 3-node promotable notify=true clone, against three
# real NB/SB ovsdb-server pairs on this machine (each with its own
# directories; master_ip is 127.0.0.1 and only the active listens on it).
# Promotion scores go into a CIB file through the agent's own crm_attribute
# calls.

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

echo "# initial start: probes, start, post-start notify, monitors"
for n in $NODES; do
    expect_rc 7 "probe on clean $n is 'not running'" probe "$n"
done
N_START="node1 node2 node3"
for n in $NODES; do
    expect_rc 0 "start $n" agent "$n" start
done
for n in $NODES; do
    check "start left $n NB a backup" test "$(role "$n" nb)" = backup
    check "start left $n SB a backup" test "$(role "$n" sb)" = backup
done
notify_all post start
for n in $NODES; do
    expect_rc 0 "unpromoted monitor on $n" monitor_unpromoted "$n"
    check "$n scores 1: never synchronised, no active yet" \
        test "$(score "$n")" = 1
done
N_START=" "
N_UNPROMOTED="node1 node2 node3" N_ACTIVE="node1 node2 node3"
expect_rc 0 "a repeated start is a no-op" agent node1 start

echo "# promote node1 (pre-notify, promote, post-notify)"
N_PROMOTE="node1"
notify_all pre promote
expect_rc 0 "promote node1" agent node1 promote
check "promote node1 returns only once writable: write at once via VIP" \
    vip_nbctl ls-add sw1
notify_all post promote
N_PROMOTE=" " N_PROMOTED="node1" N_UNPROMOTED="node2 node3"
expect_rc 8 "promoted monitor on node1" monitor_promoted node1
check "node1 has the highest score (10)" test "$(score node1)" = 10
check "OVN_REPL_INFO records node1" test "$(crm_attribute --type crm_config \
    --name OVN_REPL_INFO -s ovn_ovsdb_master_server -G -q)" = node1
for n in node2 node3; do
    check "$n NB replicates from node1" wait_until 15 replicating "$n" nb
    check "$n SB replicates from node1" wait_until 15 replicating "$n" sb
    expect_rc 0 "unpromoted monitor on $n" monitor_unpromoted "$n"
    check "$n in sync with a live active scores 5" test "$(score "$n")" = 5
done

echo "# writes go to the active and reach the backups; backups refuse"
check "write SB through the VIP" vip_sbctl chassis-add ch1 geneve 127.0.0.1
for n in node2 node3; do
    check "$n sees the NB row" wait_until 10 has_switch "$n" sw1
    check "$n sees the SB row" wait_until 10 has_chassis "$n" ch1
    check "$n refuses NB writes as a backup" \
        refuses_write "$n" nb nbctl "$n" ls-add bad
    check "$n refuses SB writes as a backup" \
        refuses_write "$n" sb sbctl "$n" chassis-add bad geneve 127.0.0.1
done
check "node2 never got the refused row" lacks_switch node2 bad

echo "# switchover to node2: demote node1, promote node2"
N_DEMOTE="node1"
notify_all pre demote
expect_rc 0 "demote node1" agent node1 demote
check "node1 no longer accepts writes: refused as a backup" \
    refuses_write node1 nb nbctl node1 ls-add x
check "node1 score back to 5" test "$(score node1)" = 5
notify_all post demote
# One transition: every operation carries the same lists (the demote of
# node1 included), as Pacemaker passes them.
N_PROMOTE="node2"
notify_all pre promote
expect_rc 0 "promote node2" agent node2 promote
notify_all post promote
N_DEMOTE=" " N_PROMOTE=" " N_PROMOTED="node2" N_UNPROMOTED="node1 node3"
expect_rc 8 "promoted monitor on node2" monitor_promoted node2
expect_rc 0 "unpromoted monitor on node1" monitor_unpromoted node1
check "node2 kept the data (NB)" has_switch node2 sw1
check "node2 kept the data (SB)" has_chassis node2 ch1
check "write through the VIP reaches node2" vip_nbctl ls-add sw2
for n in node1 node3; do
    check "$n replicates from node2 (NB)" wait_until 15 replicating "$n" nb
    check "$n sees the new row" wait_until 10 has_switch "$n" sw2
    check "$n still has the old row" has_switch "$n" sw1
done

echo "# failures are reported, not hidden"
kill -9 "$(pid_of node3 nb)"
check "node3 NB is gone" wait_until 5 stopped node3 nb
expect_rc 1 "monitor on node3 with NB killed is an error, not 7" \
    monitor_unpromoted node3
check "node3 exit reason names NB" \
    grep -q 'NB ovsdb-server is not running' "$TMP/node3.err"
check "node3 lost its score" test "$(score node3)" = none
expect_rc 1 "probe on the half-running node3 is an error too" probe node3
check "its exit reason names NB too" \
    has_reason node3 'NB ovsdb-server is not running'
expect_rc 0 "stop the half-running node3" agent node3 stop
expect_rc 7 "node3 is now cleanly stopped" probe node3
check "no process of node3 left" no_process_of node3
expect_rc 0 "restart node3" agent node3 start
check "node3 resyncs from node2" wait_until 15 has_switch node3 sw2

# The active's guard restarts a killed server in place once (sick.sh
# tests it); a second death within its window is left to Pacemaker.
sb2=$(pid_of node2 sb)
kill -9 "$sb2"
sb_restarted() {
    local p
    p=$(pid_of node2 sb)
    [ -n "$p" ] && [ "$p" != "$sb2" ] && role_is node2 sb active
}
check "the guard restarts node2's SB in place" wait_until 5 sb_restarted
expect_rc 8 "promoted monitor on node2 after that is 8" monitor_promoted node2
sb2=$(pid_of node2 sb)
kill -9 "$sb2"
check "killed again, it stays dead" wait_until 5 stopped node2 sb
expect_rc 9 "promoted monitor on node2 with SB killed is 9" \
    monitor_promoted node2
check "node2 exit reason names SB" grep -q 'SB ovsdb-server' "$TMP/node2.err"
check "node2 keeps score 6, above the backups: recovered in place" \
    test "$(score node2)" = 6

echo "# stop everything"
for n in $NODES; do
    expect_rc 0 "stop $n" agent "$n" stop
    expect_rc 0 "stop $n again" agent "$n" stop
    expect_rc 7 "monitor after stop on $n" probe "$n"
    check "no ovsdb-server of $n left" no_process_of "$n"
    check "$n score removed" test "$(score "$n")" = none
done
check "databases kept after stop" test -s "$(node_dir node1)/db/ovnnb_db.db"

summary
