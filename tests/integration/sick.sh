#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: sick servers.  A hung (SIGSTOPped) server is found
# within the liveness bound, whatever the operation timeout; demote of a
# hung active fails fast; stop always stops: hung servers, pidfiles that
# are gone or lie, a half-started node, broken parameters, notify=false.
# The active's guard restarts a killed server in place once per window,
# and reports a second death.

# Variables N_*, TIMEOUT_MS and the ports are read by agent() in lib.sh.
# shellcheck disable=SC2034,SC2154
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
NB_PORT=18641 SB_PORT=18642
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

# Every pid this test sees is killed at the end, by pid, even if the test
# deleted or falsified its pidfile.
SEEN=()
remember() {
    local pid
    for pid in "$@"; do
        [ -n "$pid" ] && SEEN+=("$pid")
    done
}
kill_seen() {
    local pid
    for pid in "${SEEN[@]}"; do
        kill -CONT "$pid" 2>/dev/null
        kill -9 "$pid" 2>/dev/null
    done
    return 0
}
on_exit kill_seen

# gone PID...: none of the processes is left.
gone() {
    local pid
    for pid in "$@"; do
        alive "$pid" && return 1
    done
    return 0
}

# timed VAR CMD...: runs CMD, stores its duration (ms) in VAR, returns its
# exit code.
timed() {
    local var=$1 start rc
    shift
    start=$(( $(date +%s%N) / 1000000 ))
    "$@"
    rc=$?
    printf -v "$var" '%d' $(( $(date +%s%N) / 1000000 - start ))
    return "$rc"
}

# under MS LIMIT: the duration is below the limit.
under() {
    [ "$1" -lt "$2" ]
}

# A long operation timeout: the liveness bound, not the timeout, must be
# what ends the wait.
TIMEOUT_MS=60000

# fresh_active NODE: starts NODE and promotes it; remembers its pids.
fresh_active() {
    if ! agent "$1" start || ! agent "$1" promote; then
        echo "# $1: $(exit_reason "$1")"
        return 1
    fi
    remember "$(pid_of "$1" nb)" "$(pid_of "$1" sb)"
}

echo "# a hung active: monitor 9 within the bound, demote fails fast"
check "node1 active" fresh_active node1
nb1=$(pid_of node1 nb) sb1=$(pid_of node1 sb)
kill -STOP "$nb1"
sb_silent() {
    grep -c 'SB: no answer from' "$TMP/agent.log"
}
before=$(sb_silent)
timed took monitor_promoted node1
rc=$?
check "the healthy SB server is not taken for hung" \
    test "$(sb_silent)" = "$before"
check "monitor of a hung active: rc 9 (got $rc)" test "$rc" = 9
check "within 5 s of a 60 s timeout (${took} ms)" under "$took" 5000
check "the reason says NB does not answer" \
    grep -q 'NB ovsdb-server runs but does not answer' "$TMP/node1.err"
timed took agent node1 demote
rc=$?
check "demote of a hung active fails: rc 1 (got $rc)" test "$rc" = 1
check "fast (${took} ms)" under "$took" 5000
check "and says what to do" grep -q 'does not answer.*stop the resource' \
    "$TMP/node1.err"
timed took agent node1 stop
rc=$?
check "stop of a hung active: rc 0 (got $rc)" test "$rc" = 0
check "within 10 s (${took} ms)" under "$took" 10000
check "the hung NB server is gone" gone "$nb1"
check "the SB server is gone" gone "$sb1"
check "no pidfile left" test ! -e "$(node_dir node1)/run/ovnnb_db.pid"

echo "# a hung backup: monitor 1 within the bound"
check "node1 starts as a backup" agent node1 start
nb1=$(pid_of node1 nb) sb1=$(pid_of node1 sb)
remember "$nb1" "$sb1"
kill -STOP "$sb1"
timed took monitor_unpromoted node1
rc=$?
check "monitor of a hung backup: rc 1 (got $rc)" test "$rc" = 1
check "within 5 s (${took} ms)" under "$took" 5000
check "the reason says SB does not answer" \
    grep -q 'SB ovsdb-server runs but does not answer' "$TMP/node1.err"
check "stop: rc 0" agent node1 stop
check "both gone" gone "$nb1" "$sb1"

echo "# both servers hung: stop gives each its chance"
check "node1 active again" fresh_active node1
nb1=$(pid_of node1 nb) sb1=$(pid_of node1 sb)
kill -STOP "$nb1" "$sb1"
TIMEOUT_MS=20000 timed took agent node1 stop
rc=$?
check "stop: rc 0 (got $rc)" test "$rc" = 0
check "both gone" gone "$nb1" "$sb1"
check "within the 20 s timeout (${took} ms)" under "$took" 20000

echo "# pidfiles deleted"
check "node1 active" fresh_active node1
nb1=$(pid_of node1 nb) sb1=$(pid_of node1 sb)
rm -f "$(node_dir node1)"/run/ovnnb_db.pid "$(node_dir node1)"/run/ovnsb_db.pid
check "stop: rc 0" agent node1 stop
check "found by their lock and socket, and gone" gone "$nb1" "$sb1"

echo "# a pidfile that lies: it names another node's server"
check "node2 runs" agent node2 start
nb2=$(pid_of node2 nb) sb2=$(pid_of node2 sb)
remember "$nb2" "$sb2"
check "node1 runs" agent node1 start
nb1=$(pid_of node1 nb) sb1=$(pid_of node1 sb)
remember "$nb1" "$sb1"
echo "$nb2" > "$(node_dir node1)/run/ovnnb_db.pid"
check "stop node1: rc 0" agent node1 stop
check "node1's servers are gone" gone "$nb1" "$sb1"
check "node2's NB server, named by the lie, still runs" alive "$nb2"
check "node2's SB server still runs" alive "$sb2"
check "stop node2" agent node2 stop
check "node2's servers are gone" gone "$nb2" "$sb2"

echo "# half-started: only NB runs"
check "node1 runs" agent node1 start
nb1=$(pid_of node1 nb) sb1=$(pid_of node1 sb)
remember "$nb1" "$sb1"
kill -9 "$sb1"
check "SB is gone" wait_until 5 gone "$sb1"
check "stop: rc 0" agent node1 stop
check "NB is gone" gone "$nb1"

echo "# broken parameters and notify=false: stop still stops"
for bad in "OCF_RESKEY_master_ip=not-an-address" \
           "OCF_RESKEY_nb_master_port=abc" \
           "OCF_RESKEY_manage_northd=maybe" \
           "OCF_RESKEY_CRM_meta_notify=false"; do
    check "node1 runs" agent node1 start
    nb1=$(pid_of node1 nb) sb1=$(pid_of node1 sb)
    remember "$nb1" "$sb1"
    expect_rc 0 "stop with $bad" agent node1 stop "$bad"
    check "nothing left after stop with $bad" gone "$nb1" "$sb1"
done
check "node1 active" fresh_active node1
expect_rc 0 "demote with notify=false" agent node1 demote \
    OCF_RESKEY_CRM_meta_notify=false
check "NB is a backup after it" wait_until 5 role_is node1 nb backup
expect_rc 0 "stop" agent node1 stop
expect_rc 6 "start with notify=false is refused" agent node1 start \
    OCF_RESKEY_CRM_meta_notify=false
check "with a reason that names notify" grep -q 'notify=true' \
    "$TMP/node1.err"
check "and started nothing" test -z "$(pid_of node1 nb)$(pid_of node1 sb)"

echo "# the active's guard restarts a dead server in place, once"
# guard_pid: the pid of the newest guard, from its log line.
guard_pid() {
    sed -n 's/.*\[\([0-9]*\)\]: INFO: guarding NB.*/\1/p' "$TMP/agent.log" \
        | tail -n 1
}
# Each guard report to Pacemaker (crm_resource --fail) logs this line.
reports() {
    grep -c 'exited on the active node node1: telling Pacemaker now' \
        "$TMP/agent.log"
}
restarts() {
    grep -c 'restarted by the guard as the active' "$TMP/agent.log"
}
# Predicates for the waits below, re-evaluated on every poll.
guard_alive() {
    local g
    g=$(guard_pid)
    [ -n "$g" ] && alive "$g"
}
reported_since() {
    [ "$(reports)" -gt "$1" ]
}
guard_is_not() {
    [ "$(guard_pid)" != "$1" ]
}
# back_as_active NODE DB OLDPID: a new server of DB answers, active and
# writable.
back_as_active() {
    local p
    p=$(pid_of "$1" "$2")
    [ -n "$p" ] && [ "$p" != "$3" ] && role_is "$1" "$2" active \
        && writable "$1" "$2"
}
status_of() {
    crm_attribute -N "$1" -n ovndb_servers-status -l reboot -G -q \
        2>/dev/null
}
cmdline_of() {
    tr '\0' ' ' < "/proc/$1/cmdline"
}
run=$(node_dir node1)/run
guard_file=$run/ovndb-servers.ovndb_servers.guard
restart_file=$run/ovndb-servers.ovndb_servers.restarts
before=$(reports)
check "node1 active" fresh_active node1
check "promote left a guard token" test -s "$guard_file"
check "the guard runs" wait_until 5 guard_alive
g=$(guard_pid)
remember "$g"
lock_file=$run/ovndb-servers.ovndb_servers.lock
# While something holds the guard's lock (a restart would), a Promoted
# monitor waits for it, within a bound.
flock -o "$lock_file" sleep 1 &
holder=$!
remember "$holder"
sleep 0.2
timed took monitor_promoted node1
rc=$?
check "a monitor waits for the lock: rc 8 (got $rc) after ${took} ms" \
    test "$rc" = 8 -a "$took" -ge 700
wait "$holder"
flock -o "$lock_file" sleep 8 &
holder=$!
remember "$holder"
sleep 0.2
timed took monitor_promoted node1
rc=$?
check "but not for ever: rc 8 (got $rc) after ${took} ms (the bound: 4 s)" \
    test "$rc" = 8 -a "$took" -ge 3500 -a "$took" -lt 6000
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "a switch written before the kill" nbctl node1 ls-add before-kill
check "an SB row written before the kill" sbctl node1 chassis-add \
    before-kill geneve 127.0.0.9
nb1=$(pid_of node1 nb) sb1=$(pid_of node1 sb)
nb_cmd=$(cmdline_of "$nb1")
for db in nb sb; do
    old=$(pid_of node1 "$db")
    r0=$(restarts)
    t0=$(now_ms)
    kill -9 "$old"
    wait_until 3 back_as_active node1 "$db" "$old"
    rc=$?
    took=$(( $(now_ms) - t0 ))
    new=$(pid_of node1 "$db")
    remember "$new"
    check "kill -9 of $db: back, active and writable within 1.5 s (${took} ms)" \
        test "$rc" = 0 -a "$took" -lt 1500
    check "the guard logged the restart of $db" test "$(restarts)" -gt "$r0"
    check "$db: the same database file" grep -q \
        "$(node_dir node1)/db/ovn${db}_db.db" "/proc/$new/cmdline"
    check "$db: the same pidfile and sockets" test -S "$(sock_of node1 "$db")" \
        -a -S "$run/ovn${db}_db.ctl" -a "$(cat "$run/ovn${db}_db.pid")" = "$new"
    check "$db: serves clients through master_ip again" \
        wait_until 3 eval "vip_${db}ctl show >/dev/null"
    expect_rc 8 "Promoted monitor after the $db restart" monitor_promoted node1
    check "the same guard keeps guarding" alive "$g"
    check "the guard token is still there" test -s "$guard_file"
done
check "NB: the same command line as start+promote produce (and --active)" \
    test "$(cmdline_of "$(pid_of node1 nb)")" = "${nb_cmd}--active "
check "rows written before the kill are there (NB)" has_switch node1 before-kill
check "rows written before the kill are there (SB)" has_chassis node1 \
    before-kill
check "and new writes go through master_ip" vip_nbctl ls-add after-kill
check "no crm_resource --fail ran" test "$(reports)" = "$before"
check "the restarts are recorded in run_dir" test -s "$restart_file"
check "crm_mon -A says what happened" wait_until 3 eval \
    'status_of node1 | grep -q "^active (SB ovsdb-server restarted by the guard at 20"'
echo "    # status: $(status_of node1)"

echo "# a second death within the window is reported, as before"
nb1=$(pid_of node1 nb)
kill -9 "$nb1"
check "kill -9 of NB again: reported within 1 s" \
    wait_until 1 reported_since "$before"
check "and not restarted" test -z "$(pid_of node1 nb)"
check "the guard is gone after reporting" wait_until 2 eval '! alive "$g"'
check "and its token too" test ! -e "$guard_file"
expect_rc 9 "Promoted monitor: rc 9" monitor_promoted node1
check "stop" agent node1 stop
rm -f "$restart_file"
before=$(reports)

echo "# stop right after a kill: stop always stops, the guard stays out"
check "node1 active" fresh_active node1
check "a new guard runs" wait_until 5 guard_is_not "$g"
g=$(guard_pid)
remember "$g"
nb1=$(pid_of node1 nb)
kill -9 "$nb1"
timed took agent node1 stop
rc=$?
check "stop during the restart: rc 0 (got $rc, ${took} ms)" test "$rc" = 0
check "nothing of node1 left" wait_until 3 no_process_of node1
check "the guard is gone" wait_until 3 eval '! alive "$g"'
check "no report" test "$(reports)" = "$before"
rm -f "$restart_file"

echo "# demote and stop dismiss the guard; neither is reported nor restarted"
r0=$(restarts)
check "node1 active again" fresh_active node1
check "a new guard runs" wait_until 5 guard_is_not "$g"
g=$(guard_pid)
remember "$g"
check "demote" agent node1 demote
check "demote dismissed the guard" wait_until 3 eval '! alive "$g"'
check "promote again" agent node1 promote
check "a third guard runs" wait_until 5 guard_is_not "$g"
g=$(guard_pid)
remember "$g"
check "stop of the active" agent node1 stop
check "stop dismissed the guard" wait_until 3 eval '! alive "$g"'
check "neither demote nor stop was reported as a failure" \
    test "$(reports)" = "$before"
check "nor restarted anything" test "$(restarts)" = "$r0"

summary
