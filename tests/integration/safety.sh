#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: roles that never lie and promotions that never lose
# data (docs/state-table.md).  Three real NB/SB ovsdb-server pairs on this
# machine, driven through the installed agent with Pacemaker's sequences;
# promotion scores and attributes go into a CIB file, and crm_simulate on
# that file says which node Pacemaker would promote.

# Variables N_* are read by agent() in lib.sh.
# shellcheck disable=SC2034,SC2154
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
NB_PORT=18641 SB_PORT=18642
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

# at_most_one_active: no two nodes hold a writable copy of a database.
at_most_one_active() {
    local n nb=0 sb=0
    for n in $NODES; do
        writable "$n" nb && nb=$((nb + 1))
        writable "$n" sb && sb=$((sb + 1))
    done
    [ "$nb" -le 1 ] && [ "$sb" -le 1 ]
}

# promote_node NODE: the pre-notify/promote/post-notify sequence.
promote_node() {
    local rc
    N_PROMOTE=$1
    notify_all pre promote
    agent "$1" promote
    rc=$?
    if [ "$rc" = 0 ]; then
        notify_all post promote
        N_PROMOTED=$1
    fi
    N_PROMOTE=" "
    return "$rc"
}

# backups_refuse NODE...: each NODE's NB and SB are alive and refuse a
# write as backups do.
backups_refuse() {
    local n
    for n in "$@"; do
        refuses_write "$n" nb nbctl "$n" ls-add refused || return 1
        refuses_write "$n" sb sbctl "$n" chassis-add refused geneve \
            127.0.0.1 || return 1
    done
}

# no_handover_attr: no node has a handover attribute (crm_attribute
# answers "no such attribute", 105, not some other error).
no_handover_attr() {
    local n
    for n in $NODES; do
        crm_attribute -N "$n" -n ovndb_servers-handover -l reboot -G -q \
            >/dev/null 2>&1
        [ $? = 105 ] || return 1
    done
}

# simulated_promotion: the node crm_simulate promotes from the CIB file's
# configuration and the scores the agent wrote.
simulated_promotion() {
    # shellcheck disable=SC2046
    crm_simulate -x "$CIB_file" $(for n in $NODES; do echo "-u $n"; done) \
        -q 1 -S 2>/dev/null \
        | sed -n 's/.*Promote .*Promoted \(node[0-9]\).*/\1/p' | head -n 1
}

# Configure the clone in the CIB file, as the operator would.
pcs -f "$CIB_file" property set stonith-enabled=false >/dev/null 2>&1
pcs -f "$CIB_file" resource create ovndb_servers ocf:ovn:ovndb-servers \
    master_ip=127.0.0.1 nb_master_port=$NB_PORT sb_master_port=$SB_PORT \
    promotable notify=true >/dev/null 2>&1
check "the clone is configured in the CIB file" \
    grep -q 'id="ovndb_servers-clone"' "$CIB_file"

echo "# setup: node1 active, node2 and node3 in sync"
N_START="node1 node2 node3"
for n in $NODES; do
    expect_rc 0 "start $n" agent "$n" start
done
N_START=" " N_ACTIVE="node1 node2 node3" N_UNPROMOTED="node1 node2 node3"
expect_rc 0 "promote node1" promote_node node1
N_UNPROMOTED="node2 node3"
check "write r1 through the VIP" vip_nbctl ls-add r1
for n in node2 node3; do
    check "$n has r1" wait_until 15 has_switch "$n" r1
    expect_rc 0 "monitor $n" monitor_unpromoted "$n"
    check "$n in sync: score 5" test "$(score "$n")" = 5
done

echo "# a backup pointed at itself turns active: repaired and reported"
ctl node2 nb ovsdb-server/add-remote "ptcp:18699:127.0.0.1" >/dev/null
ctl node2 nb ovsdb-server/set-active-ovsdb-server tcp:127.0.0.1:18699 \
    >/dev/null
ctl node2 nb ovsdb-server/connect-active-ovsdb-server >/dev/null
# OVS >= 3.3 applies a new source to a database that is a backup already
# only with the probe interval command (on OVS 3.1 connect-active did).
ctl node2 nb ovsdb-server/set-active-ovsdb-server-probe-interval 60000 \
    >/dev/null
check "ovsdb-server made node2's NB active by itself" \
    wait_until 5 role_is node2 nb active
expect_rc 1 "unpromoted monitor on node2 reports it" monitor_unpromoted node2
check "reason says the roles disagree" grep -q disagree "$TMP/node2.err"
check "node2 NB is a backup again at once" test "$(role node2 nb)" = backup
check "node2 NB replicates from master_ip again" \
    wait_until 10 replicating node2 nb
check "at most one writable copy" at_most_one_active
ctl node2 nb ovsdb-server/remove-remote "ptcp:18699:127.0.0.1" >/dev/null

echo "# the agent never points a backup at its own server"
ctl node3 nb ovsdb-server/set-active-ovsdb-server tcp:127.0.0.1:1 >/dev/null
ctl node3 nb ovsdb-server/connect-active-ovsdb-server >/dev/null
ctl node3 nb ovsdb-server/set-active-ovsdb-server-probe-interval 60000 \
    >/dev/null
check "node3 NB now connects to port 1" \
    wait_until 5 bash -c "ovs-appctl -t '$(node_dir node3)/run/ovnnb_db.ctl' \
    ovsdb-server/sync-status | grep -q 'tcp:127.0.0.1:1\$'"
N_ACTIVE="node1 node2 node3"
agent node1 stop
check "node1 stopped for this case" no_process_of node1
ctl node3 nb ovsdb-server/add-remote "ptcp:$NB_PORT:127.0.0.1" >/dev/null
check "node3 now answers on master_ip itself" \
    wait_until 5 port_listening "$NB_PORT" 127.0.0.1
expect_rc 1 "start on node3 refuses to replicate from itself" \
    agent node3 start
check "reason says so" grep -q 'refusing to replicate from itself' \
    "$TMP/node3.err"
check "node3 NB was not left writable: it refuses writes as a backup" \
    refuses_write node3 nb nbctl node3 ls-add bad
ctl node3 nb ovsdb-server/remove-remote "ptcp:$NB_PORT:127.0.0.1" >/dev/null
for n in node2 node3; do
    agent "$n" stop
done

echo "# the active killed while a backup replicates: dead active detected"
N_START="node1 node2 node3" N_PROMOTED=" "
for n in $NODES; do
    agent "$n" start
done
N_START=" "
expect_rc 0 "promote node1 again" promote_node node1
check "node2 replicates" wait_until 15 replicating node2 nb
check "node2 replicates SB" wait_until 15 replicating node2 sb
expect_rc 0 "node2 monitor" monitor_unpromoted node2
check "node2 score 5 while the active lives" test "$(score node2)" = 5
kill -9 "$(pid_of node1 nb)" "$(pid_of node1 sb)"
check "node2 still says 'replicating' (stale status)" replicating node2 nb
expect_rc 0 "node2 monitor: a healthy backup" monitor_unpromoted node2
check "but its score drops to 3 (active gone)" test "$(score node2)" = 3
expect_rc 9 "node1's promoted monitor: 9" monitor_promoted node1
check "node1 scores 6: its files hold the newest data" \
    test "$(score node1)" = 6
agent node1 stop

echo "# a backup whose active is SIGSTOPped"
expect_rc 0 "promote node3" promote_node node3
N_PROMOTED=node3 N_UNPROMOTED="node1 node2"
agent node1 start
check "node2 replicates from node3" wait_until 15 replicating node2 sb
check "node2 replicates NB from node3" wait_until 15 replicating node2 nb
expect_rc 0 "node2 monitor" monitor_unpromoted node2
check "node2 score 5" test "$(score node2)" = 5
kill -STOP "$(pid_of node3 nb)"
start_ms=$(now_ms)
expect_rc 0 "node2 monitor with its active stopped" monitor_unpromoted node2
took=$(( $(now_ms) - start_ms ))
check "answered in ${took} ms (bounded)" test "$took" -lt 5000
check "node2 score drops to 3" test "$(score node2)" = 3
kill -CONT "$(pid_of node3 nb)"
expect_rc 0 "node2 monitor after SIGCONT" monitor_unpromoted node2
check "node2 score back to 5" test "$(score node2)" = 5

echo "# NB active, SB backup on an unpromoted node"
ctl node1 nb ovsdb-server/disconnect-active-ovsdb-server >/dev/null
expect_rc 1 "unpromoted monitor on node1" monitor_unpromoted node1
check "reason says the roles disagree" has_reason node1 'disagree'
check "node1 NB repaired to a backup" test "$(role node1 nb)" = backup
check "at most one writable copy" at_most_one_active

echo "# one of two servers killed"
kill -9 "$(pid_of node1 sb)"
expect_rc 1 "unpromoted monitor with SB killed" monitor_unpromoted node1
check "reason names SB" has_reason node1 'SB ovsdb-server is not running'
check "node1 has no score" test "$(score node1)" = none
check "at most one writable copy" at_most_one_active
for n in $NODES; do
    agent "$n" stop
done

echo "# schema mismatch: a backup that cannot replicate never stays writable"
mkdir -p "$TMP/schema"
cp /usr/share/ovn/ovn-sb.ovsschema "$TMP/schema/"
python3 - /usr/share/ovn/ovn-nb.ovsschema "$TMP/schema/ovn-nb.ovsschema" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
v = s["version"].split(".")
s["version"] = ".".join(v[:2] + [str(int(v[2]) + 50)])
s["tables"]["NB_Global"]["columns"]["test_extra"] = {"type": "string"}
json.dump(s, open(sys.argv[2], "w"))
PY
mv "$(node_dir node1)" "$TMP/node1.saved"
# A cluster of its own for this case (the main CIB file would, rightly,
# refuse to promote node1's fresh copy over the others').
saved_cib=$CIB_file
export CIB_file=$TMP/cib-schema.xml
cibadmin --empty > "$CIB_file"
agent node1 start OVN_PKGDATADIR="$TMP/schema"
expect_rc 0 "promote node1 with a newer NB schema" \
    agent node1 promote OVN_PKGDATADIR="$TMP/schema"
N_PROMOTED=node1
expect_rc 1 "start of node2 (older schema) fails" agent node2 start
check "reason names the failed replication" \
    grep -Eq 'turned active|read-only backup' "$TMP/node2.err"
expect_rc 0 "Pacemaker then stops node2" agent node2 stop
check "at most one writable copy" at_most_one_active
agent node1 stop OVN_PKGDATADIR="$TMP/schema"
rm -rf "$(node_dir node1)"
mv "$TMP/node1.saved" "$(node_dir node1)"
export CIB_file=$saved_cib

echo "# cold start: the newest copy is promoted, nothing is erased"
N_START="node1 node2 node3" N_PROMOTED=" "
for n in $NODES; do
    agent "$n" start
done
N_START=" "
# node3 was the last active (it stopped as such): it alone may be promoted.
# Pacemaker chose node1 (an operator's preference, say): the round's first
# pre-promote notification publishes the positions, which aborts the
# transition; at the same round's second one node1 knows that node3, up
# and with no handover in flight, holds the final copy, and steps aside
# before its promote runs (no failed promote).
rm -f "$TMP/agent.log.mark"
wc -l < "$TMP/agent.log" > "$TMP/agent.log.mark"
N_PROMOTE=node1
notify_all pre promote
check "cold start, node1 chosen: the first notification changes no score" \
    test "$(score node1) $(score node3)" != "3 7"
notify_all pre promote
N_PROMOTE=" "
check "the second: node1 steps aside for node3 (scores 3 and 7)" \
    test "$(score node1) $(score node3)" = "3 7"
check "and says why" eval \
    'tail -n +$(($(cat "$TMP/agent.log.mark") + 1)) "$TMP/agent.log" |
     grep -q "stepping aside before promote: node3 holds newer data than node1"'
expect_rc 1 "promote node1 while node3 holds the final copy: refused" \
    promote_node node1
check "reason names node3" grep -q 'node3' "$TMP/node1.err"
expect_rc 0 "promote node3" promote_node node3
# A planned switchover hands the role to node1 for what follows.
N_DEMOTE=node3
notify_all pre demote
expect_rc 0 "demote node3" agent node3 demote
notify_all post demote
expect_rc 0 "promote node1 after node3's handover" promote_node node1
N_DEMOTE=" "
N_UNPROMOTED="node2 node3"
check "write r2" vip_nbctl ls-add r2
check "node2 has r2" wait_until 15 has_switch node2 r2
check "node3 has r2" wait_until 15 has_switch node3 r2
for n in node2 node3; do
    monitor_unpromoted "$n"
done
# node2 stops early: its copy gets older.  Then node1 takes more writes.
agent node2 stop
check "write r3 (node2 misses it)" vip_nbctl ls-add r3
check "node3 has r3" wait_until 15 has_switch node3 r3
# Make node2's copy clearly older than the slack allows: move its
# freshness back, as if it had stopped two minutes earlier.
echo $(( ($(date +%s) - 120) * 1000 )) > "$(node_dir node2)/db/ovndb-servers.fresh"
# node3's disk is replaced: an empty copy.
agent node3 stop
rm -f "$(node_dir node3)/db/"*
# Full stop, then the cluster restarts: transient attributes are gone.
N_DEMOTE=node1
expect_rc 0 "demote node1" agent node1 demote
expect_rc 0 "stop node1" agent node1 stop
N_DEMOTE=" " N_PROMOTED=" " N_UNPROMOTED=" " N_ACTIVE=" "
cibadmin -D -o status -X '<transient_attributes/>' >/dev/null 2>&1 || true
for n in $NODES; do
    cibadmin -D -o status \
        -X "<nvpair name=\"master-ovndb_servers\"/>" >/dev/null 2>&1 || true
done

# node1 has not come back yet: no one may take its place.
N_START="node2 node3"
for n in node2 node3; do
    expect_rc 7 "probe $n" probe "$n"
    expect_rc 0 "start $n" agent "$n" start
    monitor_unpromoted "$n"
done
check "node2 (older data) scores 3" test "$(score node2)" = 3
check "node3 (empty) scores 1" test "$(score node3)" = 1
N_START=" " N_ACTIVE="node2 node3" N_UNPROMOTED="node2 node3"
expect_rc 1 "promote node2 while node1 (newer) is down: refused" \
    promote_node node2
check "reason names node1" grep -q 'node1' "$TMP/node2.err"
expect_rc 1 "promote node3 (empty) while node1 is down: refused" \
    promote_node node3
check "reason names node1" has_reason node3 'node1'
check "no copy became writable: node2 and node3 refuse writes as backups" \
    backups_refuse node2 node3

# node1 comes back.
N_START=node1
expect_rc 0 "start node1" agent node1 start
monitor_unpromoted node1
N_START=" " N_ACTIVE="node1 node2 node3" N_UNPROMOTED="node1 node2 node3"
# Its copy is the one it had as the active: it ranks above any backup.
check "node1 (last active, its copy as the active) scores 6" \
    test "$(score node1)" = 6
check "crm_simulate promotes node1" test "$(simulated_promotion)" = node1
expect_rc 1 "if node2 is picked anyway, it refuses" promote_node node2
check "reason names node1" has_reason node2 'node1 holds newer data'
check "and raises node1 instead (score 7)" test "$(score node1)" = 7
check "crm_simulate still promotes node1" \
    test "$(simulated_promotion)" = node1
expect_rc 0 "promote node1" promote_node node1
N_UNPROMOTED="node2 node3"
for r in r1 r2 r3; do
    check "node1 kept $r" has_switch node1 "$r"
    check "node2 got $r back" wait_until 15 has_switch node2 "$r"
    check "node3 (was empty) got $r" wait_until 15 has_switch node3 "$r"
done
check "at most one writable copy" at_most_one_active
for n in $NODES; do
    expect_rc 0 "stop $n" agent "$n" stop
done

echo "# a backup that replicated the last promotion is current since then"
# The crashed active published its freshness when it was promoted; the
# backup's own record, touched by its monitors only, may be older (here
# five minutes) although it replicated everything since that promotion.
# The promotion record it replicated says so, and the election accepts it.
promoted_record() {
    nbctl "$1" get NB_Global . external_ids:ovndb-servers-promoted \
        2>/dev/null | tr -d '"'
}
holds_promotion_of() {
    case "$(promoted_record "$2")" in
        "$1":*) return 0 ;;
        *) return 1 ;;
    esac
}
N_START="node1 node2" N_ACTIVE=" " N_UNPROMOTED=" " N_PROMOTED=" "
for n in node1 node2; do
    expect_rc 0 "start $n" agent "$n" start
done
N_START=" " N_ACTIVE="node1 node2" N_UNPROMOTED="node1 node2"
expect_rc 0 "promote node1" promote_node node1
check "node1 recorded its promotion" holds_promotion_of node1 node1
check "node2 replicated that record" wait_until 15 \
    holds_promotion_of node1 node2
echo "$(( $(date +%s) * 1000 - 300000 ))" \
    > "$(node_dir node2)/db/ovndb-servers.fresh"
kill -9 "$(pid_of node1 nb)" "$(pid_of node1 sb)"
N_ACTIVE="node2" N_UNPROMOTED="node2" N_PROMOTED=" "
expect_rc 0 "node1 crashed: node2 is promoted" promote_node node2
check "node2 is writable" writable node2 nb
check "node2 recorded its own promotion" holds_promotion_of node2 node2
for n in $NODES; do
    agent "$n" stop
done

echo "# cold restart: the backup holding the demoted active's last writes"
# C stops a moment before the whole cluster (its record is as recent as
# B's, within the 60 s the monitors' period allows); A, the active, is then
# demoted (handover marker) and stops with B.  After the restart the
# transient attributes are gone and A is not back: B's copy holds A's
# marker, A's last transaction, and is that final copy.  (A is node2, the
# last active above: it holds the newest data.)
A=node2 B=node1 C=node3
marker_of() {
    nbctl "$1" get NB_Global . external_ids:ovndb-servers-handover \
        2>/dev/null | tr -d '"'
}
same_marker() {
    [ -n "$(marker_of "$1")" ] && [ "$(marker_of "$1")" = "$(marker_of "$2")" ]
}
N_START="$NODES" N_ACTIVE=" " N_UNPROMOTED=" " N_PROMOTED=" "
for n in $NODES; do
    expect_rc 0 "start $n" agent "$n" start
done
N_START=" " N_ACTIVE="$NODES" N_UNPROMOTED="$NODES"
expect_rc 0 "promote $A" promote_node "$A"
check "write c1 through the VIP" vip_nbctl ls-add c1
for n in "$B" "$C"; do
    check "$n got c1" wait_until 15 has_switch "$n" c1
    expect_rc 0 "$n monitor" monitor_unpromoted "$n"
done
N_STOP=$C
expect_rc 0 "stop $C (it keeps c1 only)" agent "$C" stop
N_STOP=" " N_ACTIVE="$A $B" N_UNPROMOTED="$B"
check "write c2 through the VIP" vip_nbctl ls-add c2
check "$B got c2" wait_until 15 has_switch "$B" c2
N_DEMOTE=$A
expect_rc 0 "demote $A" agent "$A" demote
check "$B holds $A's handover marker" wait_until 15 same_marker "$A" "$B"
N_DEMOTE=" " N_PROMOTED=" " N_UNPROMOTED="$A $B"
for n in "$A" "$B"; do
    expect_rc 0 "stop $n" agent "$n" stop
done
# The restart: transient attributes are gone, and A's final record did
# not reach the CIB (A stopped with the rest of the cluster; seen in the
# lab).
for n in $NODES; do
    crm_attribute -N "$n" -n ovndb_servers-handover -l reboot -D \
        >/dev/null 2>&1
done
crm_attribute -N "$A" -n ovndb_servers-freshness -l forever -D >/dev/null 2>&1
check "no handover attribute left (rc 105 on every node)" no_handover_attr
N_START="$B $C" N_ACTIVE=" " N_UNPROMOTED=" "
for n in "$B" "$C"; do
    expect_rc 0 "start $n" agent "$n" start
done
N_START=" " N_ACTIVE="$B $C" N_UNPROMOTED="$B $C"
expect_rc 1 "promote $C (lacks c2): refused" promote_node "$C"
check "reason names $B" grep -q "$B holds newer data" "$TMP/$C.err"
# Had A's final record reached the CIB, it would name the time in the
# marker B holds: that record is B's copy, and does not stop B.
a_final="$(marker_of "$B" | cut -d: -f2):active"
crm_attribute -N "$A" -n ovndb_servers-freshness -l forever -v "$a_final" \
    >/dev/null 2>&1
check "$A's final record is back ($a_final)" test \
    "$(crm_attribute -N "$A" -n ovndb_servers-freshness -l forever -G -q \
       2>/dev/null)" = "$a_final"
expect_rc 0 "promote $B although $A is down" promote_node "$B"
check "$B has c2" has_switch "$B" c2
check "$C gets c2 back" wait_until 15 has_switch "$C" c2
for n in $NODES; do
    agent "$n" stop
done

summary
