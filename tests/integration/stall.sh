#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: a backup whose replication session silently stalls
# (tests/tools/stallproxy.py relays node2's replication and, on SIGUSR1,
# stops passing bytes on the connections it holds, while new connections
# still work and sync-status keeps saying "replicating"):
#   1. its monitor reports it not in sync (score 3, "stalled" status)
#      and replicates again on a new session, which catches up;
#   2. if the active dies before any monitor saw the stall, the election
#      promotes the backup that kept replicating, by what the copies hold,
#      even when a node's clock is five minutes ahead or behind (each
#      node's helper reads a clock offset from the environment, for tests
#      only: OVNDB_SERVERS_TEST_CLOCK_OFFSET_MS).

# Variables N_* and the ports are read by agent() in lib.sh.
# shellcheck disable=SC2034,SC2154
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
NB_PORT=18841 SB_PORT=18842
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

# Every call for node $SKEW_NODE gets the assignment $SKEW (its clock
# offset) in its environment.
eval "lib_$(declare -f agent)"
agent() {
    local node=$1 action=$2
    shift 2
    if [ -n "${SKEW_NODE:-}" ] && [ "$node" = "$SKEW_NODE" ]; then
        lib_agent "$node" "$action" "$SKEW" "$@"
    else
        lib_agent "$node" "$action" "$@"
    fi
}
SKEW_NODE=''
SKEW=''

PROXY_ADDR=127.0.0.2
PROXY=
on_exit 'stop_proxy'
on_exit 'kill_servers'

start_proxy() {
    local ready=$TMP/proxy.ready
    rm -f "$ready"
    python3 "$here/../tools/stallproxy.py" "$PROXY_ADDR" "$VIP" \
        "$NB_PORT" "$SB_PORT" --ready "$ready" --max-s 600 \
        2> "$TMP/proxy.err" &
    PROXY=$!
    wait_until 5 test -f "$ready"
}
stop_proxy() {
    if [ -n "$PROXY" ]; then
        kill "$PROXY" 2>/dev/null
        wait "$PROXY" 2>/dev/null
        PROXY=
    fi
}

# status NODE: the published status, or "none".
status() {
    crm_attribute -N "$1" -n ovndb_servers-status -l reboot -G -q \
        2>/dev/null || echo none
}
status_starts() {
    case $(status "$1") in
        "$2"*) return 0 ;;
    esac
    return 1
}

# publish_addr NODE ADDR: the address NODE's backups replicate from.
publish_addr() {
    crm_attribute -N "$1" -n ovndb_servers-addr -l reboot -v "$2" \
        > /dev/null 2>&1
}

# replicates_from NODE nb|sb ADDR
replicates_from() {
    sync_status "$1" "$2" | grep -qx "replicating: tcp:$3:[0-9]*"
}

# add_switches NODE PREFIX FROM TO: Logical_Switch rows PREFIX-N on the
# active NODE (each its own transaction, as clients write).
add_switches() {
    local i
    for i in $(seq "$3" "$4"); do
        nbctl "$1" ls-add "$2-$i" > /dev/null || return 1
    done
}

# fresh_cluster: node1 active, node2 replicating through the proxy, node3
# directly; every node in sync (score 5).
fresh_cluster() {
    local n
    for n in $NODES; do
        agent "$n" stop > /dev/null 2>&1
        rm -rf "$(node_dir "$n")"
    done
    setup_cib
    N_START=" " N_PROMOTE=" " N_PROMOTED=" " N_ACTIVE=" "
    agent node1 start && agent node1 promote || return 1
    N_PROMOTED=node1 N_ACTIVE=node1
    publish_addr node1 "$PROXY_ADDR"
    agent node2 start || return 1
    publish_addr node1 "$VIP"
    agent node3 start || return 1
    wait_until 10 eval 'replicates_from node2 nb $PROXY_ADDR &&
        replicates_from node2 sb $PROXY_ADDR &&
        replicates_from node3 nb $VIP && replicates_from node3 sb $VIP' \
        || return 1
    N_ACTIVE="node1 node2 node3"
    wait_until 10 eval 'monitor_unpromoted node2 && monitor_unpromoted node3 &&
        [ "$(score node2)" = 5 ] && [ "$(score node3)" = 5 ]'
}

# elect STALLED FRESH: the active node1 dies; the pre-promote notification
# runs on both backups, then each is asked to promote (STALLED first, as
# Pacemaker's tie-break might).  The exit codes go to $TMP/elect.NODE.rc.
# active_dies: kill -9 of the active node1's servers; the notification
# lists of the transition that follows.
active_dies() {
    kill -9 "$(pid_of node1 nb)" "$(pid_of node1 sb)"
    wait_until 5 eval 'stopped node1 nb && stopped node1 sb' || return 1
    N_ACTIVE="node2 node3" N_PROMOTED=" " N_START=" " N_STOP=node1
    N_DEMOTE=" " N_UNPROMOTED="node2 node3"
}

# pre_promote CHOSEN: the pre-promote notification of a round in which
# Pacemaker promotes CHOSEN, on both backups.
pre_promote() {
    local n
    for n in node2 node3; do
        N_PROMOTE=$1 agent "$n" notify \
            OCF_RESKEY_CRM_meta_notify_type=pre \
            OCF_RESKEY_CRM_meta_notify_operation=promote || return 1
    done
}

elect() {
    local stalled=$1 fresh=$2
    active_dies || return 1
    pre_promote "$stalled" || return 1
    N_PROMOTE=$stalled agent "$stalled" promote
    echo "$?" > "$TMP/elect.$stalled.rc"
    N_PROMOTE=$fresh agent "$fresh" promote
    echo "$?" > "$TMP/elect.$fresh.rc"
    N_STOP=" "
}

# elect_aside STALLED FRESH: as elect, but Pacemaker notifies the round a
# second time (the positions' publication aborted the first transition);
# STALLED, the chosen node, steps aside at that second notification and
# its promote never runs; the next transition chooses FRESH.
elect_aside() {
    local stalled=$1 fresh=$2 round
    active_dies || return 1
    for round in 1 2; do
        pre_promote "$stalled" || return 1
        echo "$(score "$stalled") $(score "$fresh")" > "$TMP/aside.$round"
    done
    N_STOP=" "
    pre_promote "$fresh" && pre_promote "$fresh" || return 1
    N_PROMOTE=$fresh agent "$fresh" promote
    echo "$?" > "$TMP/elect.$fresh.rc"
}

check "ovsdb-server, the proxy" start_proxy

# session NODE nb|sb: the replication session NODE's last monitor found
# ("INODE LOCAL-ADDR LOCAL-PORT PEER-ADDR PEER-PORT"), or nothing.
session_file() {
    echo "$(node_dir "$1")/run/ovndb-servers.ovndb_servers.session"
}
session() {
    sed -n "s/^$2 //p" "$(session_file "$1")" 2>/dev/null
}
# owned_session NODE nb|sb PEER PORT: the session remembered is one to
# PEER:PORT, and its socket is one of the node's ovsdb-server's
# descriptors (what a later monitor asks the kernel for, alone).
owned_session() {
    local s pid inode
    s=$(session "$1" "$2")
    pid=$(pid_of "$1" "$2")
    inode=${s%% *}
    [[ $s =~ ^[1-9][0-9]*\ [0-9.]+\ [1-9][0-9]*\ $3\ $4$ ]] \
        && [ -n "$pid" ] \
        && find "/proc/$pid/fd" -lname "socket:\[$inode\]" | grep -q .
}

echo "# 1. a monitor finds the stall and replicates again"
check "cluster up, both backups in sync" fresh_cluster
check "rows before the stall reach both" eval \
    'add_switches node1 before 1 3 &&
     wait_until 10 eval "has_switch node2 before-3 && has_switch node3 before-3"'
check "node2's monitor remembers its NB session with the active (the proxy)" \
    owned_session node2 nb "$PROXY_ADDR" "$NB_PORT"
check "and its SB session" owned_session node2 sb "$PROXY_ADDR" "$SB_PORT"
check "node3 its own, with the VIP" owned_session node3 nb "$VIP" "$NB_PORT"
OLD_NB_SESSION=$(session node2 nb)
kill -USR1 "$PROXY"
check "rows during the stall" add_switches node1 during 1 5
check "node3 gets them" wait_until 10 has_switch node3 during-5
check "node2 does not" lacks_switch node2 during-5
check "node2's sync-status still says replicating" \
    replicates_from node2 nb "$PROXY_ADDR"
expect_rc 0 "a monitor of node2 at once (the stall is young)" \
    monitor_unpromoted node2
check "node2 still scores 5 while the bound (11 s) has not passed" \
    test "$(score node2)" = 5
# The bound: twice ovsdb-server's 5 s probe on the session, plus 1 s.
stalled_seen() {
    monitor_unpromoted node2 && [ "$(score node2)" = 3 ]
}
t0=$(now_ms)
check "a monitor of node2 reports it stale within 20 s" \
    wait_until 20 stalled_seen
echo "    # detected $(( $(now_ms) - t0 )) ms after the first monitor"
check "the status says stalled" status_starts node2 \
    "stalled: nothing arrives from node1 on the replication session since"
check "the log says why" grep -Eq \
    "(NB|SB): nothing arrived from the active at tcp:$PROXY_ADDR:[0-9]+ for [0-9]+ ms \(bound 11000 ms\): replication stalled" \
    "$TMP/agent.log"
# Each database's session is replicated again once its own bound passed.
caught_up() {
    monitor_unpromoted node2 && has_switch node2 during-5
}
check "node2 replicates again and catches up" wait_until 20 caught_up
check "the next monitor: in sync again" eval \
    'monitor_unpromoted node2 && [ "$(score node2)" = 5 ]'
check "the status says so" test "$(status node2)" = "replicating from node1"
check "node3 was never disturbed" test "$(score node3)" = 5
check "node2 remembers the new NB session, not the stalled one" eval \
    'owned_session node2 nb "$PROXY_ADDR" "$NB_PORT" &&
     [ "$(session node2 nb)" != "$OLD_NB_SESSION" ]'
# A remembered session that is not (or no longer) the server's: the
# monitor looks at every connection again.
printf 'nb 1 127.0.0.1 1 %s %s\nsb garbage\n' "$PROXY_ADDR" "$NB_PORT" \
    > "$(session_file node2)"
check "a monitor with a session file that lies: in sync" eval \
    'monitor_unpromoted node2 && [ "$(score node2)" = 5 ]'
check "and it remembers the real sessions" eval \
    'owned_session node2 nb "$PROXY_ADDR" "$NB_PORT" &&
     owned_session node2 sb "$PROXY_ADDR" "$SB_PORT"'
expect_rc 0 "stop of node3" agent node3 stop
check "removes its session file" test ! -e "$(session_file node3)"

# stalled_writes NAME: a fresh cluster, node2's session stalled, then
# writes for two seconds: node3 holds them, node2 does not.  The last
# write's name goes to LAST.
stalled_writes() {
    local name=$1 end i=0
    check "$name: cluster up" fresh_cluster
    kill -USR1 "$PROXY"
    end=$(( $(now_ms) + 2000 ))
    while [ "$(now_ms)" -lt "$end" ] && [ "$i" -lt 400 ]; do
        i=$((i + 1))
        nbctl node1 ls-add "late-$name-$i" > /dev/null || break
    done
    LAST=late-$name-$i
    check "$name: node3 has the last write" \
        wait_until 10 has_switch node3 "$LAST"
    check "$name: node2 lacks it" lacks_switch node2 "$LAST"
}

# 2. The stall the monitors did not see: the active dies first.
# elect_case NAME SKEW_NODE OFFSET_MS
elect_case() {
    local name=$1
    echo "# 2. $name"
    SKEW_NODE=$2 SKEW=OVNDB_SERVERS_TEST_CLOCK_OFFSET_MS=$3
    stalled_writes "$name"
    elect node2 node3
    check "$name: node2, which missed writes, refuses promotion" \
        test "$(cat "$TMP/elect.node2.rc")" = 1
    check "$name: and says node3 holds newer data" \
        grep -Eq "node3 holds newer data than node2 \(NB by [0-9]+ ms\); refusing promotion so that node3 is promoted" \
        "$TMP/node2.err"
    check "$name: node3 is promoted" \
        test "$(cat "$TMP/elect.node3.rc")" = 0
    check "$name: node3 is the active" role_is node3 nb active
    check "$name: with every acknowledged write" \
        has_switch node3 "$LAST"
}
# OVNDB_SERVERS_TEST_CLOCK_OFFSET_MS=0 on node2 keeps the clocks right.
elect_case "clocks right" node2 0
elect_case "node2 (stalled) 5 min ahead" node2 300000
elect_case "node3 (current) 5 min behind" node3 -300000
SKEW_NODE=

echo "# 3. the chosen stalled node steps aside before its promote"
SKEW_NODE=node2 SKEW=OVNDB_SERVERS_TEST_CLOCK_OFFSET_MS=0
stalled_writes aside
: > "$TMP/agent.log"
elect_aside node2 node3
check "aside: the first notification changes no score (5 5)" \
    test "$(cat "$TMP/aside.1")" = "5 5"
check "aside: at the second, node2 lowers its score and raises node3's (3 7)" \
    test "$(cat "$TMP/aside.2")" = "3 7"
check "aside: the log says why" grep -Eq \
    "stepping aside before promote: node3 holds newer data than node2 \(NB by [0-9]+ ms\); refusing promotion so that node3 is promoted" \
    "$TMP/agent.log"
check "aside: node3 is promoted" test "$(cat "$TMP/elect.node3.rc")" = 0
check "aside: node3 is the active, with every acknowledged write" eval \
    'role_is node3 nb active && has_switch node3 "$LAST"'
SKEW_NODE=

for n in $NODES; do
    agent "$n" stop > /dev/null 2>&1
done
summary
