#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: single actions and edge cases of the installed agent
# against real ovsdb-servers: validation, start of an active node, IPv6,
# load-balancer mode, manage_northd, probes without binaries.

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
NB_PORT=17641 SB_PORT=17642
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

# rejects RC NAME REASON VAR=VALUE...: validate-all on node1 exits RC with
# an exit reason containing REASON: the value at fault, not any other.
rejects() {
    local want=$1 name=$2 reason=$3 rc
    shift 3
    agent node1 validate-all "$@"
    rc=$?
    if [ "$rc" = "$want" ] && has_reason node1 "$reason"; then
        pass "$name (rc $rc: $reason)"
    else
        fail "$name (rc $rc, expected $want; reason '$(exit_reason node1)'," \
            "expected '$reason')"
    fi
}

echo "# validate-all: every value is checked; bad input changes nothing"
expect_rc 0 "validate-all with good parameters" agent node1 validate-all
expect_rc 6 "missing master_ip" agent node1 validate-all \
    OCF_RESKEY_master_ip=
check "reason names master_ip" grep -q 'master_ip is not set' \
    "$TMP/node1.err"
rejects 6 "host name as master_ip" "master_ip 'vip.example'" \
    OCF_RESKEY_master_ip=vip.example
rejects 6 "port 0" "nb_master_port '0'" OCF_RESKEY_nb_master_port=0
rejects 6 "port 70000" "sb_master_port '70000'" \
    OCF_RESKEY_sb_master_port=70000
rejects 6 "protocol udp" "nb_master_protocol 'udp'" \
    OCF_RESKEY_nb_master_protocol=udp
rejects 6 "manage_northd=maybe" "manage_northd 'maybe'" \
    OCF_RESKEY_manage_northd=maybe
rejects 6 "negative probe interval" "inactive_probe_interval '-1'" \
    OCF_RESKEY_inactive_probe_interval=-1
rejects 6 "relative db_dir" "must be absolute paths" \
    OCF_RESKEY_db_dir=relative
expect_rc 2 "ssl without readable key files" agent node1 validate-all \
    OCF_RESKEY_sb_master_protocol=ssl \
    OCF_RESKEY_ovn_sb_db_privkey="$TMP/missing.pem"
check "reason names the file" grep -q "missing.pem" "$TMP/node1.err"
rejects 5 "ovsdb-server not installed" "ovsdb-server not found" \
    PATH=/nonexistent
expect_rc 6 "start with bad parameters fails before touching anything" \
    agent node1 start OCF_RESKEY_nb_master_port=abc
check "reason names the port" grep -q "nb_master_port 'abc'" \
    "$TMP/node1.err"
check "and created nothing" test ! -e "$(node_dir node1)"
check "exactly one exit-reason line" \
    test "$(grep -c '^ocf-exit-reason:' "$TMP/node1.err")" = 1
check "nothing on stdout" test ! -s "$TMP/node1.out"
expect_rc 7 "probe without any binaries installed" agent node1 monitor \
    PATH=/nonexistent
expect_rc 3 "unknown action" agent node1 frobnicate
expect_rc 0 "meta-data" agent node1 meta-data
check "meta-data on stdout" grep -q '<resource-agent name="ovndb-servers"' \
    "$TMP/node1.out"

echo "# start never returns 8: an active node is demoted to a backup"
expect_rc 0 "start node1" agent node1 start
expect_rc 0 "promote node1" agent node1 promote
expect_rc 0 "start on the active node1" agent node1 start
check "NB is a backup after start" test "$(role node1 nb)" = backup
check "SB is a backup after start" test "$(role node1 sb)" = backup
expect_rc 0 "monitor says backup" monitor_unpromoted node1
expect_rc 0 "demote of a backup is a no-op" agent node1 demote
expect_rc 0 "promote again" agent node1 promote
expect_rc 0 "promote of a promoted node is a no-op" agent node1 promote
expect_rc 8 "monitor says promoted" monitor_promoted node1
expect_rc 8 "probe says promoted" probe node1

echo "# one database demoted behind the agent's back"
# Port 1 on loopback refuses connections: NB stays a connecting backup.
ovs-appctl -t "$(node_dir node1)/run/ovnnb_db.ctl" \
    ovsdb-server/set-active-ovsdb-server tcp:127.0.0.1:1 >/dev/null
ovs-appctl -t "$(node_dir node1)/run/ovnnb_db.ctl" \
    ovsdb-server/connect-active-ovsdb-server >/dev/null
expect_rc 9 "promoted monitor with NB backup, SB active" monitor_promoted node1
check "reason says they disagree" grep -q disagree "$TMP/node1.err"
expect_rc 9 "probe of the mixed node: possibly promoted, broken" probe node1
expect_rc 0 "demote repairs it" agent node1 demote
expect_rc 0 "both backups now" monitor_unpromoted node1

echo "# hung server: monitor answers in time with an error"
kill -STOP "$(pid_of node1 nb)"
start_ms=$(now_ms)
expect_rc 1 "monitor of a SIGSTOPped NB" monitor_unpromoted node1 \
    OCF_RESKEY_CRM_meta_timeout=4000
took=$(( $(now_ms) - start_ms ))
check "within the 4 s timeout (took ${took} ms)" test "$took" -lt 4000
check "reason says it does not answer" grep -q 'does not answer' \
    "$TMP/node1.err"
kill -CONT "$(pid_of node1 nb)"
expect_rc 0 "stop node1" agent node1 stop
expect_rc 7 "node1 stopped" probe node1

echo "# database files: kept across restarts, never deleted"
check "NB database file exists" test -s "$(node_dir node1)/db/ovnnb_db.db"
before=$(stat -c %i "$(node_dir node1)/db/ovnnb_db.db")
expect_rc 0 "start node1 again" agent node1 start
check "same database file (not recreated)" \
    test "$(stat -c %i "$(node_dir node1)/db/ovnnb_db.db")" = "$before"
expect_rc 0 "stop node1" agent node1 stop

echo "# IPv6 master_ip"
VIP=::1
N_START="node1 node2"
expect_rc 0 "start node1 (IPv6)" agent node1 start
expect_rc 0 "start node2 (IPv6)" agent node2 start
N_START=" " N_PROMOTE=node1
expect_rc 0 "promote node1 (IPv6)" agent node1 promote
agent node2 notify OCF_RESKEY_CRM_meta_notify_type=post \
    OCF_RESKEY_CRM_meta_notify_operation=promote
check "write through [::1]" vip_nbctl ls-add v6sw
check "node2 replicates over IPv6" wait_until 15 has_switch node2 v6sw
check "node2 source is tcp:[::1]:$NB_PORT" \
    grep -qF "replicating: tcp:[::1]:$NB_PORT" <(sync_status node2 nb)
expect_rc 0 "stop node1" agent node1 stop
expect_rc 0 "stop node2" agent node2 stop
VIP=127.0.0.1 N_PROMOTE=" "

echo "# load-balancer mode: the active listens on every address"
expect_rc 0 "start node1 (LB mode)" agent node1 start \
    OCF_RESKEY_listen_on_master_ip_only=no
check "a backup does not listen (per ss)" port_free "$NB_PORT"
expect_rc 0 "promote node1 (LB mode)" agent node1 promote \
    OCF_RESKEY_listen_on_master_ip_only=no
check "the active listens on 0.0.0.0" \
    wait_until 5 port_listening "$NB_PORT" 0.0.0.0
expect_rc 0 "demote node1 (LB mode)" agent node1 demote \
    OCF_RESKEY_listen_on_master_ip_only=no
check "the demoted node stops listening (per ss)" \
    wait_until 5 port_free "$NB_PORT"
expect_rc 0 "stop node1" agent node1 stop

echo "# manage_northd: ovn-northd runs on the active node only"
# no_northd NODE: no ovn-northd of NODE runs (pidfile, or any process
# named so with NODE's directory in its command line).
no_northd() {
    local pid
    stopped "$1" northd || return 1
    for pid in $(live_pids "$(node_dir "$1")"); do
        is_ours "$pid" "$(node_dir "$1")/" ovn-northd && return 1
    done
    return 0
}
expect_rc 0 "start node1 (northd)" agent node1 start \
    OCF_RESKEY_manage_northd=yes
check "no ovn-northd on a backup" no_northd node1
expect_rc 0 "promote node1 (northd)" agent node1 promote \
    OCF_RESKEY_manage_northd=yes
check "ovn-northd runs on the active" running node1 northd
expect_rc 8 "promoted monitor (northd)" monitor_promoted node1 \
    OCF_RESKEY_manage_northd=yes
kill -9 "$(pid_of node1 northd)"
expect_rc 9 "promoted monitor with ovn-northd dead is 9" monitor_promoted \
    node1 OCF_RESKEY_manage_northd=yes
check "reason names ovn-northd" grep -q 'ovn-northd' "$TMP/node1.err"
expect_rc 0 "promote restarts it" agent node1 promote \
    OCF_RESKEY_manage_northd=yes
expect_rc 0 "demote node1 (northd)" agent node1 demote \
    OCF_RESKEY_manage_northd=yes
check "ovn-northd stopped on demotion" no_northd node1
expect_rc 0 "stop node1" agent node1 stop OCF_RESKEY_manage_northd=yes

summary
