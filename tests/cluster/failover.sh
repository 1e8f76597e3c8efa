#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# failover.sh [SCENARIO...] - the failover suite of ocf:ovn:ovndb-servers on
# a real 3-node Corosync + Pacemaker cluster (tests/cluster/lab.sh).
#
# Scenarios (all by default, in this order; name them by number):
#   1   initial start
#   2   kill -9 of the active NB ovsdb-server
#   3   crash of the active node; then a crash of only its cluster stack
#   4   network partition of the active node
#   5   planned switchover (pcs resource move --promoted)
#   6   whole-cluster cold restart (6b: with an operator's preference for
#       the Promoted role on the stale node)
#   7   a backup crashed and restarted
#   8   pcs resource cleanup, disable/enable, node standby/unstandby
#   9   a backup's replication silently stalled, then the active node
#       crashes (9a: the backup Pacemaker would promote on a tie is the
#       stalled one; 9b: the other backup is; FAILOVER_STALL_RUNS=N runs
#       each N times, 1 by default)
#   10  operator: pcs resource update of the probe intervals (reload-agent,
#       no restart), then crm_mon -A's <rsc>-status after a switchover
#
# Every scenario runs writers inside a node that is not the victim; they
# commit numbered rows through the VIP and record each acknowledged write.
# Each scenario ends with the same checks: exactly one promoted instance,
# the VIP on it, every other instance a replicating backup, every
# acknowledged row on every node (less the loss the scenario allows,
# reported), no unexpected failed action.  It prints the write stall (last
# acknowledged write before the fault -> first after) and the number of
# acknowledged writes lost.  One lab serves all scenarios; it is restored
# to a clean 3-node state between them.  Fencing is off in the lab.
#
# Every wait is a bounded poll (for the cluster state, or for a number of
# acknowledged writes): no fixed sleep stands for "long enough".  A failed
# action is allowed only where the scenario expects it (SCEN_EXPECT_FAIL);
# a known agent behaviour outside what the suite asserts may be allowed
# with a printed WARNING (SCEN_WARN_FAIL), never silently.  The lab is
# torn down on exit, failure and SIGINT/SIGTERM alike (lab_down kills the
# nodes by their verified init PIDs and checks that no process, namespace
# or mount is left).  About 3 minutes on 2 cores for 1-8, about 100 s
# more for 9 (9a and 9b once each) and 45 s for 10.
#
# Run as root, with the agent installed ("make check-cluster" installs it),
# or with LAB_AGENT_DESTDIR=DIR to test a "make install DESTDIR=DIR" build
# instead (see lab.sh).  LAB_KEEP=1 keeps the lab's logs; they are kept
# anyway after a failure.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if [ "$(id -u)" != 0 ]; then
    echo "failover.sh: run as root" >&2
    exit 1
fi
AGENT_ROOT=${LAB_AGENT_DESTDIR:-}
if [ ! -x "$AGENT_ROOT/usr/lib/ocf/resource.d/ovn/ovndb-servers" ]; then
    echo "failover.sh: the agent is not installed: run 'make install'" >&2
    exit 1
fi

export LAB_PREFIX=${LAB_PREFIX:-ovndbtest-}
export LAB_DIR=${LAB_DIR:-/tmp/ovndbtest}
export LAB_QUIET=1
# shellcheck source=../lib/common.sh
. "$ROOT/tests/lib/common.sh"
# shellcheck source=lab.sh
. "$HERE/lab.sh"
# shellcheck source=ovndb.sh
. "$HERE/ovndb.sh"

SUITE_DIR=$(mktemp -d /tmp/ovndb-failover.XXXXXX)
chmod 755 "$SUITE_DIR"
LEDGER=$SUITE_DIR/acked-all         # every acknowledged row so far
LOST=$SUITE_DIR/lost-reported       # rows already reported lost
# A fault of the active may lose what it acknowledged but had not sent to
# the backups yet (replication is asynchronous): writes acknowledged at
# most this long before the fault, nothing older.
LOSS_WINDOW_MS=1000
: > "$LEDGER"
: > "$LOST"
SUITE_START=$(lab_now_ms)
VIPW_PID=
SUMMARY=()

suite_teardown() {
    trap '' INT TERM
    # The trap may fire inside a command whose output was redirected.
    exec 1>&7 2>&8
    ovl_writers_stop 2>/dev/null
    vip_watch_stop
    if [ "$TESTS_FAILED" != 0 ]; then
        export LAB_KEEP=1
    fi
    if ! lab_down; then
        echo "not ok - teardown left something behind"
    fi
    if [ "$TESTS_FAILED" = 0 ] && [ -z "${LAB_KEEP:-}" ]; then
        rm -rf "$SUITE_DIR"
    else
        echo "# writer files and results kept in $SUITE_DIR"
    fi
}
exec 7>&1 8>&2
on_exit suite_teardown
trap 'exec 1>&7 2>&8; echo "# interrupted"; exit 130' INT TERM

note() {
    echo "# $*"
}

fmt_ms() {
    if [ "$1" -lt 0 ]; then
        echo "none"
    else
        printf '%d.%03d s' $(($1 / 1000)) $(($1 % 1000))
    fi
}

# fmt_rel MS: a signed time relative to the fault ("-0.040 s", "+3.350 s").
fmt_rel() {
    if [ "$1" -lt 0 ]; then
        echo "-$(fmt_ms $((-$1)))"
    else
        echo "+$(fmt_ms "$1")"
    fi
}

# A running node to run cluster commands on (one of OVL_VIEW if set).
view_node() {
    local n nodes=("${OVL_VIEW[@]:-${LAB_NODES[@]}}")
    for n in "${nodes[@]}"; do
        lab_node_running "$n" && { echo "$n"; return 0; }
    done
    return 1
}

pcs_do() {
    local n
    n=$(view_node) || return 1
    lab_exec "$n" timeout 120 pcs "$@"
}

other_nodes() {
    local n
    for n in "${LAB_NODES[@]}"; do
        case " $* " in *" $n "*) ;; *) echo "$n" ;; esac
    done
}

# ------------------------------------------------------------ VIP watcher

# vip_watch_start: records "MS HOLDERS" whenever the set of nodes carrying
# the VIP changes (every 50 ms, 150 s at most).
vip_watch_start() {
    vip_watch_stop
    VIPW_FILE=$SCEN_DIR/vip-watch
    : > "$VIPW_FILE"
    (
        last=x
        for ((i = 0; i < 2500; i++)); do
            h=$(ovl_vip_holders | paste -sd, -)
            if [ "$h" != "$last" ]; then
                echo "$(lab_now_ms) ${h:--}" >> "$VIPW_FILE"
                last=$h
            fi
            sleep 0.05
        done
    ) 2>/dev/null &
    VIPW_PID=$!
}

vip_watch_stop() {
    if [ -n "${VIPW_PID:-}" ]; then
        kill "$VIPW_PID" 2>/dev/null
        wait "$VIPW_PID" 2>/dev/null
        VIPW_PID=
    fi
}

# vip_moved_ms T0 NODE: ms from T0 to when NODE alone held the VIP first.
vip_moved_ms() {
    awk -v t0="$1" -v n="$2" '$1 >= t0 && $2 == n { print $1 - t0; exit }' \
        "$VIPW_FILE"
}

# vip_double_seen: two nodes or more held the VIP at some point.
vip_double_seen() {
    grep -q ' [^ ]*,' "$VIPW_FILE"
}

# vip_double_ms: total time during which two nodes or more held the VIP.
vip_double_ms() {
    awk -v now="$(lab_now_ms)" '
        { if (start) { total += $1 - start; start = 0 }
          if ($2 ~ /,/) start = $1 }
        END { if (start) total += now - start; print total + 0 }' \
        "$VIPW_FILE"
}

# ------------------------------------------------------- scenario framing

scenario() {
    SCEN=$1
    SCEN_DIR=$SUITE_DIR/s$1
    mkdir -p "$SCEN_DIR"
    chmod 755 "$SCEN_DIR"
    # shellcheck disable=SC2034  # used by ovndb.sh
    OVL_WDIR=$SCEN_DIR/w
    # shellcheck disable=SC2034
    OVL_WFILES=()
    OVL_VIEW=()
    SCEN_EXPECT_FAIL='^$'
    SCEN_WARN_FAIL='^$'
    SCEN_WARN_WHY=
    SCEN_LOSS_OK=
    SCEN_LOSS_FROM=
    SCEN_FIGURES=
    echo
    echo "=== Scenario $1: $2"
    SCEN_START=$(lab_now_ms)
}

# writers NODE COUNT INTERVAL_MS: starts writers for this scenario (their
# row ids are unique across the suite).
writers() {
    WSET=$((WSET + 1))
    if [ "$3" = 0 ]; then
        note "writers: $2 in $1, writing back to back (as fast as they go)"
    else
        note "writers: $2 in $1, one write every $3 ms each"
    fi
    ovl_writers_start "$1" "$2" "$3" "s${SCEN}x${WSET}w" 240
}
WSET=0

# wait_writes_after T0 SECS: waits until a write is acknowledged after T0.
wait_writes_after() {
    local end
    end=$(($(lab_now_ms) + $2 * 1000))
    while [ "$(lab_now_ms)" -lt "$end" ]; do
        ovl_writers_acked_after "$1" && return 0
        sleep 0.2
    done
    return 1
}

# acked_count_after T0_MS: writes acknowledged after T0 by the current
# writers.
acked_count_after() {
    [ "${#OVL_WFILES[@]}" -gt 0 ] || { echo 0; return; }
    cat "${OVL_WFILES[@]}" 2>/dev/null \
        | awk -v t0="$1" '$2 > t0 { n++ } END { print n + 0 }'
}

# wait_acked N SECS [T0_MS]: waits (bounded poll) until the current
# writers have N writes acknowledged (after T0 if given).  Used instead of
# a fixed sleep wherever a scenario needs writes on both sides of an event.
wait_acked() {
    local n=$1 end since=${3:-0}
    end=$(($(lab_now_ms) + $2 * 1000))
    while :; do
        [ "$(acked_count_after "$since")" -ge "$n" ] && return 0
        [ "$(lab_now_ms)" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# warm_up: the writers just started have 20 acknowledged writes (at most
# 15 s), so that there are writes before the fault.
warm_up() {
    wait_acked 20 15 \
        || fail "S$SCEN: writers got 20 writes acknowledged within 15 s (got $(ovl_writers_count)) [$(ovl_summary)]"
}

# report_stall T0 [LABEL]: prints and records the write stall around T0.
report_stall() {
    local s from to
    read -r s from to < <(ovl_writers_stall "$1")
    if [ "$s" -lt 0 ]; then
        note "${2:-write stall}: no write acknowledged after the fault"
    else
        note "${2:-write stall}: $(fmt_ms "$s") (no acknowledged write from $(fmt_rel "$from") to $(fmt_rel "$to") around the fault)"
    fi
    SCEN_FIGURES+="${2:-stall} $(fmt_ms "$s"); "
    STALL=$s
}
STALL=-1

# finish [LABEL]: the common end-of-scenario checks.
finish() {
    local label=${1:-S$SCEN} xml p n acked total m mp failures unexpected
    local missing_p=$SCEN_DIR/missing-promoted lost_now ok
    ovl_writers_stop
    vip_watch_stop

    if ovl_wait_clean 90; then
        pass "$label: one promoted ($OVL_PROMOTED), VIP on it, the others replicating backups"
        p=$OVL_PROMOTED
    else
        fail "$label: clean state not reached: $OVL_WHY [$(ovl_summary)]"
        p=$(ovl_promoted | head -1)
    fi

    acked=$SCEN_DIR/acked
    ovl_writers_acked > "$acked"
    total=$(grep -c . "$acked")
    if [ -n "$p" ]; then
        ovl_wait_rows "$p" "$acked" 10 > /dev/null
        comm -23 "$acked" <(ovl_node_rows "$p") > "$missing_p"
        mp=$(grep -c . "$missing_p")
        ok=1
        comm -23 "$acked" "$missing_p" > "$SCEN_DIR/on-active"
        for n in $(other_nodes "$p"); do
            lab_node_running "$n" || { ok=0; continue; }
            m=$(ovl_wait_rows "$n" "$SCEN_DIR/on-active" 15)
            [ "$m" = 0 ] || { ok=0; note "$n lacks $m rows that the active $p has"; }
        done
        note "acknowledged writes: $total, lost: $mp"
        SCEN_FIGURES+="acked $total, lost $mp"
        if [ -n "$SCEN_LOSS_OK" ]; then
            check "$label: backups hold every row the active holds ($mp acknowledged writes lost: $SCEN_LOSS_OK)" \
                test "$ok" = 1
            if [ -n "$SCEN_LOSS_FROM" ]; then
                # Asynchronous replication loses at most what was in
                # flight when the active died: writes acknowledged in the
                # last moment before the fault, never older ones.
                m=$(ovl_writers_acked_before "$((SCEN_LOSS_FROM - LOSS_WINDOW_MS))" \
                    | comm -12 - "$missing_p" | grep -c .)
                check "$label: no write acknowledged more than $(fmt_ms "$LOSS_WINDOW_MS") before the fault is lost ($m lost)" \
                    test "$m" = 0
                [ "$mp" = 0 ] || note "$label: lost in flight: $(head -3 "$missing_p" | paste -sd' ')"
            fi
        else
            check "$label: every acknowledged write ($total) is on every node" \
                test "$ok$mp" = 10
            [ "$mp" = 0 ] || note "$label: LOST $mp acknowledged writes, e.g. $(head -3 "$missing_p" | paste -sd' ')"
        fi
        # Everything acknowledged in earlier scenarios, less what was
        # already reported lost, must still be everywhere.
        lost_now=$(comm -23 <(comm -23 "$LEDGER" "$LOST") <(ovl_node_rows "$p") | grep -c .)
        check "$label: earlier acknowledged writes still present ($lost_now missing)" \
            test "$lost_now" = 0
        comm -23 <(comm -23 "$LEDGER" "$LOST") <(ovl_node_rows "$p") >> "$LOST"
        cat "$missing_p" >> "$LOST"
        sort -u -o "$LOST" "$LOST"
        sort -u -m "$LEDGER" "$acked" -o "$LEDGER"
    fi

    xml=$(ovl_xml)
    failures=$(ovl_failures_in "$xml")
    unexpected=$(grep -Ev "$SCEN_EXPECT_FAIL" <<<"$failures" \
                 | grep -Ev "$SCEN_WARN_FAIL" | grep .)
    if [ -n "$failures" ]; then
        while read -r line; do
            [ -n "$line" ] || continue
            if ! grep -Eq "$SCEN_EXPECT_FAIL" <<<"$line" \
                    && grep -Eq "$SCEN_WARN_FAIL" <<<"$line"; then
                note "WARNING: failed action: $line"
                note "WARNING: $SCEN_WARN_WHY"
                SCEN_FIGURES+="WARNING: $line; "
            else
                note "failed action: $line"
            fi
        done <<<"$failures"
    fi
    check "$label: no unexpected failed action" test -z "$unexpected"
    note "$label took $(fmt_ms $(($(lab_now_ms) - SCEN_START)))"
    SUMMARY+=("$label: ${SCEN_FIGURES:-} ($(fmt_ms $(($(lab_now_ms) - SCEN_START))))")
}

# restart_node NODE: lab_node_restart, its messages kept in RESTART_ERR.
restart_node() {
    local log=$SUITE_DIR/restart-$1.log
    if lab_node_restart "$1" > "$log" 2>&1; then
        RESTART_ERR=
        return 0
    fi
    RESTART_ERR=$(tr '\n' ' ' < "$log")
    return 1
}

# --------------------------------------------------------------- restoring

# restore: back to the clean 3-node state (all nodes up and linked, no
# leftover constraint, standby or disabled resource, tc stall (scenario 9)
# or failure history).
# Rebuilds the lab as a last resort, and fails the suite then.
restore() {
    local n
    for n in "${LAB_NODES[@]}"; do
        lab_link_up "$n" 2>/dev/null
        stall_off "$n" || note "restore: $n: tc left $(stall_left "$n" | paste -sd';')"
    done
    for n in "${LAB_NODES[@]}"; do
        if ! lab_node_running "$n"; then
            note "restore: restarting $n"
            restart_node "$n" || note "restore: $n: $RESTART_ERR"
        fi
    done
    lab_wait_online 30 || true
    OVL_VIEW=()
    pcs_do node unstandby --all > /dev/null 2>&1
    pcs_do resource enable ovndb_servers-clone > /dev/null 2>&1
    pcs_do resource clear ovndb_servers-clone > /dev/null 2>&1
    pcs_do constraint delete lab-stale-bias > /dev/null 2>&1
    pcs_do resource cleanup > /dev/null 2>&1
    if ovl_wait_clean 60; then
        return 0
    fi
    fail "restore to a clean state: $OVL_WHY [$(ovl_summary)]; rebuilding the lab"
    export LAB_KEEP=1
    lab_down > /dev/null 2>&1
    LAB_DIR=$LAB_DIR.rebuilt
    build_lab || return 1
}

build_lab() {
    lab_up || return 1
    lab_create_resources manage_northd=yes > "$SUITE_DIR/create.log" 2>&1 || return 1
    ovl_wait_clean 60
}

# ---------------------------------------------------------------- scenarios

s1_initial_start() {
    local t0 t p ms cib_pcs cib_crm nlb
    scenario 1 "initial start"
    t0=$(lab_now_ms)
    if ! lab_up; then
        fail "S1: the lab comes up"
        return 1
    fi
    t=$(($(lab_now_ms) - t0))
    pass "S1: 3 nodes online in $(fmt_ms "$t") (fencing is off in the lab)"
    note "agent under test: snapshot of ${AGENT_ROOT:-/}usr/lib/ocf/resource.d/ovn/ovndb-servers taken at bring-up; helper built $(date -r "$AGENT_ROOT/usr/libexec/ovndb-servers/ovndb-servers-helper" '+%F %T'), sha256 $(sha256sum "$LAB_DIR/agent/ovndb-servers-helper" | cut -c1-12)"
    SCEN_FIGURES+="bring-up $(fmt_ms "$t"); "
    nlb=${LAB_NONLOCAL_BIND:-1}
    check "S1: every node has net.ipv4.ip_nonlocal_bind=$nlb (1, as TripleO sets it, unless LAB_NONLOCAL_BIND says otherwise)" \
        test "$(for n in "${LAB_NODES[@]}"; do lab_exec "$n" sysctl -n net.ipv4.ip_nonlocal_bind; done | paste -sd,)" = "$nlb,$nlb,$nlb"

    # The VIP recipe, both ways, on the live cluster's (empty) CIB.
    cib_pcs=$SCEN_DIR/cib-pcs.xml
    cib_crm=$SCEN_DIR/cib-crm.xml
    lab_exec node1 pcs cluster cib "$cib_pcs"
    cp "$cib_pcs" "$cib_crm"
    if command -v crm > /dev/null; then
        lab_exec node1 "$ROOT/heartbeat/ovndb-servers-vip.sh" --crm \
            --file "$cib_crm" --netmask 24 --nic eth0 --monitor 5s \
            "$LAB_VIP" manage_northd=yes > "$SCEN_DIR/crm.log" 2>&1
        lab_exec node1 "$ROOT/heartbeat/ovndb-servers-vip.sh" \
            --file "$cib_pcs" --netmask 24 --nic eth0 --monitor 5s \
            "$LAB_VIP" manage_northd=yes > "$SCEN_DIR/pcs.log" 2>&1
        check "S1: the crm variant of the VIP recipe configures what pcs does" \
            test "$(cib_digest "$cib_pcs")" = "$(cib_digest "$cib_crm")"
    else
        note "crmsh is not installed: the crm variant is not compared"
    fi

    t0=$(lab_now_ms)
    if ! lab_create_resources manage_northd=yes > "$SCEN_DIR/create.log" 2>&1; then
        fail "S1: heartbeat/ovndb-servers-vip.sh creates the resources (see $SCEN_DIR/create.log)"
        return 1
    fi
    pass "S1: heartbeat/ovndb-servers-vip.sh creates the resources (pcs -f, cib-push)"
    if ovl_wait_clean 60; then
        ms=$(($(lab_now_ms) - t0))
        p=$OVL_PROMOTED
        pass "S1: one promoted ($p), VIP on it, two replicating backups, $(fmt_ms "$ms") after the push"
        SCEN_FIGURES+="resources settled $(fmt_ms "$ms"); "
    else
        fail "S1: no clean state 60 s after the push: $OVL_WHY"
        return 1
    fi
    check "S1: manage_northd=yes runs ovn-northd on $p only" \
        test "$(ovl_northd_nodes | paste -sd, -)" = "$p"
    writers "$(other_nodes "$p" | head -1)" 1 50
    wait_acked 40 20 || fail "S1: 40 writes acknowledged through the VIP within 20 s"
    finish S1
}

# cib_digest CIB: what matters of the resources and constraints, sorted.
cib_digest() {
    local f=$1 x
    for x in \
        "//primitive[@id='ovndb_servers']/@class" \
        "//primitive[@id='ovndb_servers']/@provider" \
        "//primitive[@id='ovndb_servers']/@type" \
        "//primitive[@id='ovndb_servers']/instance_attributes/nvpair/@name" \
        "//primitive[@id='ovndb_servers']/instance_attributes/nvpair/@value" \
        "//clone[@id='ovndb_servers-clone']/meta_attributes/nvpair/@name" \
        "//clone[@id='ovndb_servers-clone']/meta_attributes/nvpair/@value" \
        "//primitive[@id='ovndb_servers_vip']/@type" \
        "//primitive[@id='ovndb_servers_vip']/instance_attributes/nvpair/@value" \
        "//rsc_colocation/@rsc" "//rsc_colocation/@with-rsc" \
        "//rsc_colocation/@with-rsc-role" "//rsc_colocation/@score" \
        "//rsc_order/@first" "//rsc_order/@first-action" \
        "//rsc_order/@then" "//rsc_order/@then-action"; do
        echo "$x: $(xmllint --xpath "$x" "$f" 2>/dev/null | tr ' ' '\n' | sort | paste -sd' ')"
    done
    # Operations: name, interval, timeout, role.
    xmllint --xpath "//primitive[@id='ovndb_servers']/operations/op" "$f" 2>/dev/null \
        | grep -o '<op [^>]*>' | while read -r op; do
            for a in name interval timeout role; do
                v=$(grep -o " $a=\"[^\"]*\"" <<<"$op" | cut -d'"' -f2)
                [ "$a" = interval ] && [ "$v" = 0 ] && v=0s
                printf '%s=%s ' "$a" "$v"
            done
            echo
        done | sort
}

s2_kill_nb() {
    local p w t0 t ms i st line
    scenario 2 "kill -9 of the active NB ovsdb-server"
    p=$(ovl_promoted)
    w=$(other_nodes "$p" | head -1)
    # The active's guard restarts the dead server in place, at once, as the
    # active: Pacemaker has nothing to recover, and no failed action may
    # appear.  (A second death within 10 minutes would be reported with
    # crm_resource --fail: tests/integration/sick.sh covers it.)
    SCEN_EXPECT_FAIL='^$'
    writers "$w" 2 50
    warm_up
    vip_watch_start
    # A restart by an earlier scenario's guard must not count here.
    lab_exec "$p" sh -c 'rm -f /var/run/ovn/ovndb-servers.*.restarts'
    t0=$(lab_now_ms)
    lab_exec "$p" sh -c 'kill -9 "$(cat /var/run/ovn/ovnnb_db.pid)"'
    note "killed the NB ovsdb-server of $p (its guard restarts it in place)"
    # Something noticed the death: the guard's status text in crm_mon -A.
    ms=-1
    for ((i = 0; i < 100; i++)); do
        st=$(lab_exec "$p" crm_attribute -N "$p" -n ovndb_servers-status \
             -l reboot -G -q 2>/dev/null)
        case $st in
            *"NB ovsdb-server restarted by the guard"*)
                ms=$(($(lab_now_ms) - t0))
                break ;;
        esac
        sleep 0.1
    done
    check "S2: the guard restarted NB in place (status \"$st\", seen $(fmt_ms "$ms") after the kill)" \
        test "$ms" -ge 0
    line=$(lab_exec "$p" grep -h 'restarted by the guard as the active' \
           /var/log/pacemaker/pacemaker.log 2>/dev/null | tail -n 1)
    note "guard: ${line:-no log line}"
    SCEN_FIGURES+="restart seen $(fmt_ms "$ms"); "
    if ovl_wait_clean 60; then
        note "clean $(fmt_ms $(($(lab_now_ms) - t0))) after the kill; promoted: $OVL_PROMOTED"
        check "S2: $p stayed the promoted node" test "$OVL_PROMOTED" = "$p"
    fi
    t=$(lab_now_ms)
    wait_acked 20 20 "$t" \
        || fail "S2: writes resumed after the restart [$(ovl_summary)]"
    report_stall "$t0"
    check "S2: write stall $(fmt_ms "$STALL") <= 1.5 s (OVSDB RAFT's figure)" \
        test "$STALL" -ge 0 -a "$STALL" -le 1500
    SCEN_LOSS_OK="asynchronous replication"
    SCEN_LOSS_FROM=$t0
    finish S2
}

s3_crash() {
    local p w t0 ms np=
    scenario 3a "crash of the active node (every process, VIP gone with it)"
    p=$(ovl_promoted)
    w=$(other_nodes "$p" | head -1)
    writers "$w" 2 50
    warm_up
    vip_watch_start
    t0=$(lab_now_ms)
    lab_crash "$p"
    note "crashed $p"
    if np=$(ovl_wait_promoted 30 "$p"); then
        note "$np promoted and holding the VIP $(fmt_ms $(($(lab_now_ms) - t0))) after the crash"
    else
        fail "S3a: a survivor promoted within 30 s [$(ovl_summary)]"
    fi
    wait_acked 20 20 "$(lab_now_ms)" || fail "S3a: writes resumed within 20 s"
    if [ -n "$np" ]; then
        ms=$(vip_moved_ms "$t0" "$np")
        note "the VIP came up on $np $(fmt_ms "${ms:--1}") after the crash (50 ms polling)"
        SCEN_FIGURES+="VIP moved $(fmt_ms "${ms:--1}"); "
    fi
    report_stall "$t0"
    ms=$(lab_now_ms)
    restart_node "$p" || fail "S3a: $p restarts and rejoins ($RESTART_ERR)"
    note "$p restarted and rejoined in $(fmt_ms $(($(lab_now_ms) - ms)))"
    SCEN_LOSS_OK="asynchronous replication, crash"
    SCEN_LOSS_FROM=$t0
    finish S3a

    restore
    scenario 3b "crash of only the active node's cluster stack (no fencing: split brain)"
    local split_rows victim_rows
    p=$(ovl_promoted)
    w=$(other_nodes "$p" | head -1)
    writers "$w" 2 50
    warm_up
    vip_watch_start
    t0=$(lab_now_ms)
    lab_kill_stack "$p"
    note "killed corosync and Pacemaker on $p; its ovsdb-servers and VIP stay"
    if np=$(ovl_wait_promoted 30 "$p"); then
        ms=$(vip_moved_ms "$t0" "$np")
        note "$np promoted $(fmt_ms $(($(lab_now_ms) - t0))) after the fault"
    else
        fail "S3b: a survivor promoted within 30 s [$(ovl_summary)]"
        np=
    fi
    wait_writes_after "$t0" 20 || note "no write acknowledged after the fault within 20 s"
    # Observe the split brain: the VIP on both nodes, and writes going on.
    wait_until 10 vip_double_seen \
        || note "the VIP was not seen on two nodes within 10 s"
    wait_acked 40 20 "$(lab_now_ms)" \
        || note "fewer than 40 writes acknowledged in the 20 s after the promotion"
    note "SPLIT BRAIN: the VIP is on two nodes from $(fmt_rel "$(awk -v t0="$t0" '$2 ~ /,/ { print $1 - t0; exit }' "$VIPW_FILE")") on ($(tail -1 "$VIPW_FILE" | cut -d' ' -f2)), until $p is restarted"
    note "$p still runs: NB $(ovl_sync "$p" nb | head -1), ovn-northd: $(lab_exec "$p" pgrep -x ovn-northd >/dev/null && echo running || echo stopped)"
    report_stall "$t0"
    ovl_writers_stop
    # Rows that only the abandoned active took: lost when it rejoins.
    ovl_writers_acked > "$SCEN_DIR/acked"
    victim_rows=$SCEN_DIR/victim-rows
    ovl_node_rows "$p" > "$victim_rows"
    if [ -n "$np" ]; then
        split_rows=$(comm -12 "$SCEN_DIR/acked" "$victim_rows" \
                     | comm -23 - <(ovl_node_rows "$np") | grep -c .)
        note "acknowledged writes that went to the abandoned active $p only: $split_rows"
        SCEN_FIGURES+="VIP on two nodes until the restart; writes to the abandoned active $split_rows; "
    fi
    ms=$(lab_now_ms)
    if restart_node "$p"; then
        note "recovery: $p hard-restarted (what fencing would do) and rejoined in $(fmt_ms $(($(lab_now_ms) - ms)))"
    else
        fail "S3b: $p restarts ($RESTART_ERR)"
    fi
    SCEN_LOSS_OK="split brain without fencing"
    finish S3b
}

s4_partition() {
    local p w t0 np ms stopped_ms i
    scenario 4 "network partition of the active node"
    p=$(ovl_promoted)
    w=$(other_nodes "$p" | head -1)
    OVL_VIEW=("$w")
    writers "$w" 2 50
    warm_up
    vip_watch_start
    t0=$(lab_now_ms)
    lab_link_down "$p"
    note "cut $p's link"
    if np=$(ovl_wait_promoted 30 "$p"); then
        note "majority promoted $np $(fmt_ms $(($(lab_now_ms) - t0))) after the cut"
    else
        fail "S4: the majority promoted a node within 30 s [$(ovl_summary)]"
    fi
    # The minority loses quorum: no-quorum-policy=stop stops everything.
    stopped_ms=-1
    for ((i = 0; i < 150; i++)); do
        if ! ip -n "$(lab_ns "$p")" -4 addr show dev eth0 | grep -q "$LAB_VIP/" \
                && ! lab_exec "$p" pgrep -x ovsdb-server > /dev/null; then
            stopped_ms=$(($(lab_now_ms) - t0))
            break
        fi
        sleep 0.2
    done
    check "S4: the minority $p stopped its ovsdb-servers and dropped the VIP ($(fmt_ms "$stopped_ms") after the cut)" \
        test "$stopped_ms" -ge 0
    wait_writes_after "$(lab_now_ms)" 20 || fail "S4: writes resumed within 20 s"
    note "VIP on two nodes for $(fmt_ms "$(vip_double_ms)") in all"
    report_stall "$t0"
    SCEN_FIGURES+="VIP on two nodes $(fmt_ms "$(vip_double_ms)"); "
    ms=$(lab_now_ms)
    lab_link_up "$p"
    OVL_VIEW=()
    if lab_wait_online 30; then
        note "healed: 3 nodes together again $(fmt_ms $(($(lab_now_ms) - ms))) after the link came back"
    else
        fail "S4: the partition heals within 30 s"
    fi
    SCEN_LOSS_OK="asynchronous replication, partition"
    finish S4
}

s5_switchover() {
    local p t w t0 t1 np
    scenario 5 "planned switchover (pcs resource move --promoted)"
    p=$(ovl_promoted)
    t=$(other_nodes "$p" | head -1)
    w=$(other_nodes "$p" "$t")
    writers "$w" 1 50
    writers "$w" 3 0
    wait_acked 200 20 || fail "S5: 200 writes acknowledged before the move"
    vip_watch_start
    t0=$(lab_now_ms)
    note "pcs resource move ovndb_servers-clone $t --promoted (from $p)"
    pcs_do resource move ovndb_servers-clone "$t" --promoted \
        > "$SCEN_DIR/move.log" 2>&1 \
        || note "pcs resource move: $(tail -1 "$SCEN_DIR/move.log")"
    np=$(ovl_wait_promoted 60 "$p") || true
    t1=$(lab_now_ms)
    check "S5: $t is promoted after the move ($(fmt_ms $((t1 - t0))))" test "$np" = "$t"
    pcs_do resource clear ovndb_servers-clone > /dev/null 2>&1
    wait_acked 200 20 "$t1" || fail "S5: writes resumed within 20 s"
    report_stall "$t0" "write stall"
    finish S5
}

# cold_restart LABEL ROLE: the whole cluster stops with one node's data
# stale, then starts.  The stale node gets a +1 preference so that it wins
# any tie: for ROLE "any" a plain placement preference, and the three nodes
# start at once (only the agent's promotion scores can then make the
# newest data win); for ROLE "Promoted" an operator's preference for the
# Promoted role, and the stale node boots first with one fresh node:
# Pacemaker promotes it as soon as it starts, before any score exists, so
# the agent must keep the stale copy from being promoted: it steps aside
# at the pre-promote notification for the fresh node, or, if it cannot
# know better yet, its promote refuses (a failed action, allowed with a
# WARNING).
cold_restart() {
    local label=$1 role=$2 p b c n t0 before after pf rolearg='' logmark
    p=$(ovl_promoted)
    b=$(other_nodes "$p" | head -1)
    c=$(other_nodes "$p" "$b")
    if [ "$role" = Promoted ]; then
        rolearg=role=Promoted
        SCEN_WARN_FAIL="^$c ovndb_servers_promote_0 rc=1 ($p|$b) holds newer data than $c( \((NB|SB) by [0-9]+ ms\))?; refusing promotion so that ($p|$b) is promoted\$"
        SCEN_WARN_WHY="the agent refused the stale $c's promotion at promote instead of stepping aside before it"
    fi
    # shellcheck disable=SC2086
    if pcs_do constraint location ovndb_servers-clone rule \
            constraint-id=lab-stale-bias $rolearg score=1 "#uname" eq "$c" \
            > /dev/null 2>&1; then
        note "$c gets a +1 preference (${rolearg:-any role}): it wins any tie"
    else
        fail "$label: the tie-breaker preference for $c"
    fi
    writers "$b" 1 50
    warm_up
    note "stopping $c (it keeps the data it has now: stale)"
    lab_node_stop "$c"
    # Writes that $c will lack.
    wait_acked 40 20 "$(lab_now_ms)" \
        || fail "$label: writes go on once $c is stopped"
    ovl_writers_stop
    ovl_writers_acked > "$SCEN_DIR/acked-before"
    before=$(grep -c . "$SCEN_DIR/acked-before")
    note "$before writes acknowledged; $p and $b hold the newest data"
    note "stopping $p and $b together (writers stopped: no stall figure here)"
    lab_node_stop "$p" &
    pf=$!
    lab_node_stop "$b"
    wait "$pf"
    for n in "${LAB_NODES[@]}"; do
        lab_node_running "$n" && fail "$label: $n stopped"
    done
    t0=$(lab_now_ms)
    logmark=$(log_mark)
    if [ "$role" = Promoted ]; then
        # The stale node boots first, with one fresh node: Pacemaker then
        # promotes it at once (the preference is its only score), and the
        # agent must see that a peer holds newer data.
        note "whole cluster down; starting $c and $b, then $p once they form a quorum"
        lab_node_start "$c" || fail "$label: $c starts"
        lab_node_start "$b" || fail "$label: $b starts"
        for ((n = 0; n < 150; n++)); do
            lab_node_sees_all "$c" 2 && break
            sleep 0.2
        done
        # Wait until Pacemaker has acted on the two: a promotion attempt
        # on the stale $c (refused) or a promoted instance ($b, once $c
        # stepped aside).
        wait_until 30 stale_promotion_tried "$c" \
            || note "no promotion attempt within 30 s of $c and $b forming a quorum"
        lab_node_start "$p" || fail "$label: $p starts"
    else
        note "whole cluster down; starting the three nodes at once"
        for n in "${LAB_NODES[@]}"; do
            lab_node_start "$n" || fail "$label: $n starts"
        done
    fi
    lab_wait_online 30 || fail "$label: 3 nodes online after the cold start"
    if ovl_wait_clean 90; then
        note "clean state $(fmt_ms $(($(lab_now_ms) - t0))) after the cold start; promoted: $OVL_PROMOTED"
    fi
    after=$(ovl_promoted | head -1)
    check "$label: a node with the newest data ($p or $b) is promoted after the cold restart, not the stale $c (got ${after:-none})" \
        test -n "$after" -a "$after" != "$c"
    SCEN_FIGURES+="promoted $after (stale was $c); "
    note_aside "$label" "$logmark" "$c" "$p|$b"
    pcs_do constraint delete lab-stale-bias > /dev/null 2>&1
    writers "$(other_nodes "$after" | head -1)" 1 50
    wait_acked 40 20 || fail "$label: writes through the VIP after the cold restart"
    finish "$label"
}

# stale_promotion_tried NODE: NODE's promote failed, or an instance is
# promoted (crm_mon as seen from NODE).
stale_promotion_tried() {
    local xml
    xml=$(ovl_xml "$1") || return 1
    [ -n "$(ovl_promoted_in "$xml")" ] \
        || ovl_failures_in "$xml" | grep -q "^$1 ovndb_servers_promote_0 "
}

s6_cold_restart() {
    scenario 6a "whole-cluster cold restart"
    cold_restart S6a any
    restore
    scenario 6b "whole-cluster cold restart, the stale node boots first and is preferred for the Promoted role"
    cold_restart S6b Promoted
}

s7_backup_restart() {
    local p b w t0
    scenario 7 "a backup crashed and restarted"
    p=$(ovl_promoted)
    b=$(other_nodes "$p" | head -1)
    w=$(other_nodes "$p" "$b")
    writers "$w" 2 50
    warm_up
    t0=$(lab_now_ms)
    lab_crash "$b" 2> "$SCEN_DIR/crash.log" \
        || note "crash of $b: $(cat "$SCEN_DIR/crash.log")"
    note "crashed the backup $b"
    # Down until the cluster has noticed (what a reboot takes at least).
    wait_until 15 lab_node_sees_all "$p" 2 \
        || note "$p does not see $b gone within 15 s"
    restart_node "$b" || fail "S7: $b restarts ($RESTART_ERR)"
    if ovl_wait_clean 60; then
        note "$b replicating again $(fmt_ms $(($(lab_now_ms) - t0))) after the crash"
    fi
    wait_acked 40 20 "$(lab_now_ms)" || fail "S7: writes go on after the resync"
    report_stall "$t0" "write stall (crash to resync)"
    check "S7: the active $p never stalled (longest gap $(fmt_ms "$STALL") < 1 s)" \
        test "$STALL" -ge 0 -a "$STALL" -lt 1000
    check "S7: $p stayed promoted" test "$(ovl_promoted)" = "$p"
    finish S7
}

# no_ovsdb_on NODE: no ovsdb-server runs on NODE.
no_ovsdb_on() {
    ! lab_exec "$1" pgrep -x ovsdb-server > /dev/null
}

s8_admin() {
    local p w t0 np
    scenario 8a "pcs resource cleanup"
    p=$(ovl_promoted)
    w=$(other_nodes "$p" | head -1)
    writers "$w" 2 50
    warm_up
    t0=$(lab_now_ms)
    pcs_do resource cleanup > /dev/null 2>&1 || fail "S8a: pcs resource cleanup"
    # The cleanup re-probes every instance: wait until the state is clean
    # again, then watch 150 more writes (~4 s) for a late effect.
    ovl_wait_clean 30 || fail "S8a: clean state after the cleanup: $OVL_WHY"
    wait_acked 150 20 "$t0" || fail "S8a: writes go on after the cleanup"
    check "S8a: $p still promoted after the cleanup" test "$(ovl_promoted)" = "$p"
    report_stall "$t0" "write stall (cleanup)"
    check "S8a: writes did not stall (longest gap $(fmt_ms "$STALL") < 1 s)" \
        test "$STALL" -ge 0 -a "$STALL" -lt 1000
    finish S8a

    restore
    scenario 8b "pcs resource disable / enable"
    p=$(ovl_promoted)
    w=$(other_nodes "$p" | head -1)
    writers "$w" 2 50
    warm_up
    t0=$(lab_now_ms)
    pcs_do resource disable ovndb_servers-clone --wait=60 > /dev/null 2>&1 \
        || note "pcs resource disable --wait did not confirm"
    local running=
    for n in "${LAB_NODES[@]}"; do
        lab_exec "$n" pgrep -x ovsdb-server > /dev/null && running+="$n "
    done
    check "S8b: disable stops every instance (VIP included)" \
        test -z "$running$(ovl_vip_holders)"
    pcs_do resource enable ovndb_servers-clone > /dev/null 2>&1 \
        || fail "S8b: pcs resource enable"
    if np=$(ovl_wait_promoted 60); then
        note "enable: $np promoted $(fmt_ms $(($(lab_now_ms) - t0))) after the disable began"
    else
        fail "S8b: a node is promoted after enable"
    fi
    wait_acked 20 20 "$(lab_now_ms)" || fail "S8b: writes resume after enable"
    report_stall "$t0" "write stall (disable -> enable)"
    finish S8b

    restore
    scenario 8c "pcs node standby / unstandby of the active node"
    p=$(ovl_promoted)
    w=$(other_nodes "$p" | head -1)
    writers "$w" 4 0
    wait_acked 200 20 || fail "S8c: 200 writes acknowledged before the standby"
    t0=$(lab_now_ms)
    pcs_do node standby "$p" > /dev/null 2>&1 || fail "S8c: pcs node standby $p"
    np=$(ovl_wait_promoted 60 "$p") || fail "S8c: another node promoted after standby"
    note "standby $p: $np promoted $(fmt_ms $(($(lab_now_ms) - t0))) later"
    wait_acked 200 20 "$(lab_now_ms)" || fail "S8c: writes resume after the standby"
    report_stall "$t0" "write stall (standby)"
    check "S8c: nothing runs on the standby node $p (within 30 s)" \
        wait_until 30 no_ovsdb_on "$p"
    pcs_do node unstandby "$p" > /dev/null 2>&1 || fail "S8c: pcs node unstandby $p"
    finish S8c
}

# ------------------------------------------- a silently stalled backup (9)

# The stall is staged with tc (the machine has neither nft nor iptables,
# and its kernel has neither gact, tc's "action drop", nor the prio qdisc:
# CONFIG_NET_ACT_GACT and CONFIG_NET_SCH_PRIO are unset; HTB, ingress, u32
# and mirred are there).  In the stalled backup's namespace, eth0's root
# qdisc becomes an HTB whose class 1:66 ends in a blackhole qdisc
# (everything classified there is dropped; unclassified packets bypass
# HTB's classes, unshaped), and u32 filters that match exactly the
# replication flows (protocol, both addresses, both ports) classify them
# into 1:66.  Received packets of those flows are redirected by an ingress
# qdisc's u32 filters (mirred) to eth0's egress, where the same HTB drops
# them.  No RST, no ICMP: the backup's connections stay ESTABLISHED and its
# ovsdb-server notices nothing before its replication probe (60 s), while
# new connections are not affected.
STALL_CLASS=1:66

# stall_flows NODE ACTIVE: NODE's ESTABLISHED TCP connections from its own
# address to ACTIVE's own address on 6641 and 6642 that ovsdb-server owns
# (ss inside NODE), "LOCAL_PORT REMOTE_PORT" a line.
stall_flows() {
    lab_exec "$1" ss -Htnp state established \
        | awk -v me="$(lab_addr "$1")" -v a="$(lab_addr "$2")" '
            /users:\(\("ovsdb-server",/ {
                n = 0
                for (i = 1; i <= NF; i++)
                    if ($i ~ /^[0-9.]+:[0-9]+$/) ep[++n] = $i
                if (n != 2) next
                split(ep[1], l, ":")
                split(ep[2], r, ":")
                if (l[1] == me && r[1] == a && (r[2] == 6641 || r[2] == 6642))
                    print l[2], r[2]
            }' | sort -k2
}

# stall_u32 SRC DST SPORT DPORT: the u32 match of one direction of a TCP
# flow, in STALL_U32.
stall_u32() {
    STALL_U32=(u32 match ip protocol 6 0xff match ip src "$1/32"
               match ip dst "$2/32" match ip sport "$3" 0xffff
               match ip dport "$4" 0xffff)
}

# stall_on NODE ACTIVE < FLOWS: drops, silently and both ways, the flows
# ("LOCAL_PORT REMOTE_PORT" lines, from stall_flows) between NODE's and
# ACTIVE's own addresses.
stall_on() {
    local me a lp rp n=0 t=(tc -n "$(lab_ns "$1")")
    me=$(lab_addr "$1")
    a=$(lab_addr "$2")
    "${t[@]}" qdisc add dev eth0 root handle 1: htb || return 1
    "${t[@]}" class add dev eth0 parent 1: classid "$STALL_CLASS" \
        htb rate 8kbit quantum 1514 || return 1
    "${t[@]}" qdisc add dev eth0 parent "$STALL_CLASS" handle 66: blackhole \
        || return 1
    "${t[@]}" qdisc add dev eth0 ingress || return 1
    while read -r lp rp; do
        [ -n "$rp" ] || continue
        stall_u32 "$me" "$a" "$lp" "$rp"
        "${t[@]}" filter add dev eth0 parent 1: protocol ip prio 1 \
            "${STALL_U32[@]}" flowid "$STALL_CLASS" || return 1
        stall_u32 "$a" "$me" "$rp" "$lp"
        "${t[@]}" filter add dev eth0 parent 1: protocol ip prio 1 \
            "${STALL_U32[@]}" flowid "$STALL_CLASS" || return 1
        "${t[@]}" filter add dev eth0 parent ffff: protocol ip prio 1 \
            "${STALL_U32[@]}" action mirred egress redirect dev eth0 \
            || return 1
        n=$((n + 1))
    done
    [ "$n" -gt 0 ]
}

# stall_dropped NODE: packets the stall's blackhole dropped on NODE.
stall_dropped() {
    tc -n "$(lab_ns "$1")" -s qdisc show dev eth0 2>/dev/null \
        | awk '/^qdisc blackhole 66:/ { b = 1; next }
               b && /dropped/ { sub(/.*dropped /, ""); sub(/,.*/, ""); print; exit }'
}

# stall_left NODE: the qdiscs on NODE's eth0 other than the default
# (noqueue) root, one a line: what a stall left behind.  Filters live in
# their qdisc: none can be left without one.
stall_left() {
    tc -n "$(lab_ns "$1")" qdisc show dev eth0 | grep -v '^qdisc noqueue 0: root'
}

# stall_off NODE: removes the stall's qdiscs (their classes and filters go
# with them); true if nothing is left.
stall_off() {
    local t=(tc -n "$(lab_ns "$1")")
    if "${t[@]}" qdisc show dev eth0 | grep -q '^qdisc htb 1: root'; then
        "${t[@]}" qdisc del dev eth0 root
    fi
    if "${t[@]}" qdisc show dev eth0 | grep -q '^qdisc ingress ffff:'; then
        "${t[@]}" qdisc del dev eth0 ingress
    fi
    [ -z "$(stall_left "$1")" ]
}

# new_connections_work NODE ACTIVE: from NODE, new connections to
# ACTIVE's own address list the NB (6641) and SB (6642) databases.
new_connections_work() {
    local a
    a=$(lab_addr "$2")
    lab_exec "$1" timeout 10 ovsdb-client -t 5 list-dbs "tcp:$a:6641" \
        2>/dev/null | grep -qx OVN_Northbound \
        && lab_exec "$1" timeout 10 ovsdb-client -t 5 list-dbs "tcp:$a:6642" \
        2>/dev/null | grep -qx OVN_Southbound
}

# pacemaker_pick ACTIVE: the node Pacemaker would promote if ACTIVE failed
# now (crm_simulate on the live CIB, from another node); empty if none.
pacemaker_pick() {
    local n
    n=$(other_nodes "$1" | head -1)
    lab_exec "$n" timeout 30 crm_simulate -L -S --node-fail "$1" 2>/dev/null \
        | sed -n 's/^ *\* Promote .*( *Unpromoted -> Promoted \([^ )]*\) *).*/\1/p' \
        | head -1
}

# promotion_scores: the promotion scores as Pacemaker sees them
# ("ovndb_servers:N promotion score on NODE: S" a line).
promotion_scores() {
    local n
    n=$(view_node) || return 1
    lab_exec "$n" timeout 30 crm_simulate -L -s 2>/dev/null \
        | grep 'promotion score on' | sed 's/^ *//' | sort -t: -k2
}

# node_attributes: crm_mon -A1's node attributes, "NODE: NAME = VALUE" a
# line.
node_attributes() {
    local n
    n=$(view_node) || return 1
    lab_exec "$n" timeout 30 crm_mon -A1 2>/dev/null \
        | awk '/^Node Attributes:/ { on = 1; next }
               on && /^[^ ]/ { on = 0 }
               on && /\* Node: / { node = $3; sub(/:$/, "", node); next }
               on && /\* / { line = $0; sub(/^ *\* /, "", line)
                             name = line; sub(/[ \t]*:.*/, "", name)
                             val = line; sub(/^[^:]*:[ \t]*/, "", val)
                             sub(/[ \t]*$/, "", val)
                             print node ": " name " = " val }'
}

# show_decision LABEL ACTIVE: prints the promotion scores, the other
# transient attributes and the node Pacemaker would promote if ACTIVE
# failed now; sets PICK.
show_decision() {
    local line
    note "$1: promotion scores (crm_simulate -Ls):"
    while read -r line; do
        [ -n "$line" ] && note "  $line"
    done < <(promotion_scores)
    note "$1: node attributes (crm_mon -A1):"
    while read -r line; do
        [ -n "$line" ] && note "  $line"
    done < <(node_attributes)
    PICK=$(pacemaker_pick "$2")
    note "$1: if $2 failed now, Pacemaker would promote: ${PICK:-nothing (crm_simulate gave no promotion)}"
}

# stalled_backup RUN ORDER: one run of scenario 9.  ORDER a stalls the
# backup that Pacemaker would promote on a tie of scores, b the other one:
# with both backups at the same score, the two orders tell Pacemaker's
# tie-break from the agent's decision.
stalled_backup() {
    local id=9$2 label p b c flows n t_stall t0 np ms acked_f lag_b lag_c
    local drops line logmark
    [ "$1" = 1 ] || id+="-$1"
    label=S$id
    scenario "$id" "a backup's replication silently stalled, then the active node crashes"
    p=$(ovl_promoted)
    show_decision "$label (clean state)" "$p"
    read -r b c < <(other_nodes "$p" | paste -sd' ')
    if [ "$PICK" = "$c" ]; then
        read -r b c <<<"$c $b"
    elif [ "$PICK" != "$b" ]; then
        note "$label: no tie-break pick known; order by node name"
    fi
    # b is Pacemaker's pick, c the other backup.
    [ "$2" = a ] || read -r b c <<<"$c $b"
    note "$label: active $p; stalled backup $b ($([ "$b" = "$PICK" ] && echo "Pacemaker's tie-break pick" || echo "not Pacemaker's pick")), healthy backup $c"
    # A replication stall silently loses whatever only the stalled backup
    # would be promoted with; the agent must promote $c.  Refusing the
    # stalled backup's promotion in favour of $c is the agent deciding.
    SCEN_WARN_FAIL="^$b ovndb_servers_promote_0 rc=1 $c holds newer data than $b( \((NB|SB) by [0-9]+ ms\))?; refusing promotion so that $c is promoted\$"
    SCEN_WARN_WHY="the agent refused the stalled backup's promotion in favour of $c"
    writers "$c" 2 50
    warm_up

    flows=$(stall_flows "$b" "$p")
    check "$label: $b has its NB and SB replication connections to $p's own address (ss: $(awk -v me="$(lab_addr "$b")" -v a="$(lab_addr "$p")" '{ printf "%s%s:%s->%s:%s", sep, me, $1, a, $2; sep = ", " }' <<<"$flows"))" \
        test "$(awk '{ print $2 }' <<<"$flows" | paste -sd,)" = 6641,6642
    if ! stall_on "$b" "$p" <<<"$flows" > "$SCEN_DIR/tc.log" 2>&1; then
        fail "$label: tc stages the stall on $b ($(tr '\n' ' ' < "$SCEN_DIR/tc.log"))"
    fi
    t_stall=$(lab_now_ms)
    note "$label: $b's replication flows to $p are dropped both ways from now on (tc u32 -> HTB blackhole)"
    check "$label: new connections from $b to $p still work (ovsdb-client list-dbs tcp:$(lab_addr "$p"):6641 and :6642 from $b)" \
        new_connections_work "$b" "$p"
    check "$label: sync-status on the stalled $b still says replicating from $p (NB and SB)" \
        ovl_replicating "$b" "$p"

    # ~5.5 s of writes that only $p and $c get (about 20 a second here):
    # with the crash a few seconds later, shorter than the stall bound
    # (11 s), so that no monitor can have seen it: the election must.
    wait_acked 110 40 "$t_stall" \
        || fail "$label: 110 writes acknowledged during the stall within 40 s (got $(acked_count_after "$t_stall"))"
    n=$(acked_count_after "$t_stall")
    acked_f=$SCEN_DIR/acked-at-crash
    ovl_writers_acked > "$acked_f"
    lag_b=$(ovl_missing "$b" "$acked_f")
    lag_c=$(ovl_wait_rows "$c" "$acked_f" 2)
    drops=$(stall_dropped "$b")
    note "$label: stalled for $(fmt_ms $(($(lab_now_ms) - t_stall))), $n writes acknowledged meanwhile; of the $(grep -c . "$acked_f") acknowledged so far, $b lacks $lag_b, $c lacks $lag_c; the filter dropped ${drops:-?} packets"
    SCEN_FIGURES+="stalled $b lacked $lag_b of $(grep -c . "$acked_f") rows; "
    check "$label: the stall is real: $b lacks writes that $c has ($lag_b > 0 = $lag_c)" \
        test "$lag_b" -gt 0 -a "$lag_c" = 0
    check "$label: sync-status on $b still says replicating just before the crash" \
        ovl_replicating "$b" "$p"
    show_decision "$label (before the crash)" "$p"
    SCEN_FIGURES+="Pacemaker's pick before the crash ${PICK:-none}; "

    logmark=$(log_mark)
    vip_watch_start
    t0=$(lab_now_ms)
    lab_crash "$p"
    note "crashed $p"
    if np=$(ovl_wait_promoted 30 "$p"); then
        note "$np promoted and holding the VIP $(fmt_ms $(($(lab_now_ms) - t0))) after the crash"
    else
        fail "$label: a survivor promoted within 30 s [$(ovl_summary)]"
        np=
    fi
    SCEN_FIGURES+="promoted ${np:-none} (stalled $b); "
    check "$label: the backup that kept replicating, $c, is promoted, not the stalled $b (got ${np:-none})" \
        test "$np" = "$c"
    note_aside "$label" "$logmark" "$b" "$c"
    check "$label: the stall's filter is removed from $b, no qdisc or filter left" \
        stall_off "$b"
    stall_left "$b" | while read -r line; do note "left on $b: $line"; done
    wait_acked 20 20 "$(lab_now_ms)" || fail "$label: writes resumed within 20 s"
    if [ -n "$np" ]; then
        ms=$(vip_moved_ms "$t0" "$np")
        note "the VIP came up on $np $(fmt_ms "${ms:--1}") after the crash (50 ms polling)"
    fi
    report_stall "$t0"
    ms=$(lab_now_ms)
    restart_node "$p" || fail "$label: $p restarts and rejoins ($RESTART_ERR)"
    note "$p restarted and rejoined in $(fmt_ms $(($(lab_now_ms) - ms)))"
    # The crash may catch a write the active acknowledged but had not sent
    # yet; promoting the stalled backup would lose seconds of them.
    SCEN_LOSS_OK="asynchronous replication, crash"
    SCEN_LOSS_FROM=$t0
    finish "$label"
}

s9_stalled_backup() {
    local runs=${FAILOVER_STALL_RUNS:-1} i
    case $runs in
        '' | *[!0-9]* | 0)
            fail "S9: FAILOVER_STALL_RUNS='$runs' is not a positive number"
            return
            ;;
    esac
    for ((i = 1; i <= runs; i++)); do
        [ "$i" = 1 ] || restore || return
        stalled_backup "$i" a
        restore || return
        stalled_backup "$i" b
    done
}

# ------------------------------------------------------ scenario 10 helpers

# s10_pids: every node's ovsdb-server and ovn-northd PIDs, one word per
# node ("node1:12,34 node2:56,78 ...").
s10_pids() {
    local n out=
    for n in "${LAB_NODES[@]}"; do
        out+="$n:$(lab_exec "$n" pgrep -x 'ovsdb-server|ovn-northd' \
                   | sort -n | paste -sd, -) "
    done
    echo "${out% }"
}

# node_log NODE: NODE's pacemaker.log (Pacemaker's and the agent's lines).
node_log() {
    echo "$LAB_DIR/$1/var-log-pacemaker/pacemaker.log"
}

# log_mark: "NODE=LINES ..." of every node's pacemaker.log, to read
# only what comes after (log_since).
log_mark() {
    local n out=
    for n in "${LAB_NODES[@]}"; do
        out+="$n=$(wc -l < "$(node_log "$n")") "
    done
    echo "${out% }"
}

# log_since MARK NODE: NODE's log lines written after MARK.
log_since() {
    local m
    m=$(tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p")
    tail -n "+$((${m:-0} + 1))" "$(node_log "$2")"
}

# note_aside LABEL MARK NODE WINNERS: notes (and adds to the figures)
# whether NODE stepped aside at a pre-promote notification since MARK for
# one of WINNERS (an extended regex of node names).
note_aside() {
    if log_since "$2" "$3" \
            | grep -Eq "stepping aside before promote: ($4) holds newer data than $3"; then
        note "$1: $3 stepped aside at the pre-promote notification"
        SCEN_FIGURES+="$3 stepped aside; "
    fi
}

# s10_reloaded MARK ACTIVE PROBE PROBE_TO_MASTER: since MARK, every
# node's controller logged a successful reload-agent of ovndb_servers,
# and the agent applied PROBE to both databases on ACTIVE and
# PROBE_TO_MASTER on every other node.
s10_reloaded() {
    local n v lines db
    for n in "${LAB_NODES[@]}"; do
        lines=$(log_since "$1" "$n")
        grep -qi "Result of reload-agent operation for ovndb_servers.* on $n: ok" \
            <<<"$lines" || return 1
        v=$4
        [ "$n" = "$2" ] && v=$3
        for db in NB SB; do
            grep -q ": $db: probe interval $v ms applied" <<<"$lines" \
                || return 1
        done
    done
}

# s10_conn_probe NODE: the inactivity_probe of the NB and SB Connection
# rows in NODE's own databases ("NB SB"; a backup's are replicated).
s10_conn_probe() {
    local nb sb
    nb=$(lab_exec "$1" timeout 5 ovn-nbctl --db=unix:/var/run/ovn/ovnnb_db.sock \
         --bare --columns=inactivity_probe list Connection 2>/dev/null \
         | grep . | sort -u | paste -sd/ -)
    sb=$(lab_exec "$1" timeout 5 ovn-sbctl --db=unix:/var/run/ovn/ovnsb_db.sock \
         --bare --columns=inactivity_probe list Connection 2>/dev/null \
         | grep . | sort -u | paste -sd/ -)
    echo "${nb:-none} ${sb:-none}"
}

# s10_probe_is NODE "NB SB": s10_conn_probe NODE prints that.
s10_probe_is() {
    [ "$(s10_conn_probe "$1")" = "$2" ]
}

# s10_all_probes: "node1=NB SB,node2=..." of every node.
s10_all_probes() {
    local n out=
    for n in "${LAB_NODES[@]}"; do
        out+="$n=$(s10_conn_probe "$n"),"
    done
    echo "${out%,}"
}

# s10_writer_errors: writes the current writers tried and were not
# acknowledged (writer.sh counts them in FILE.err).
s10_writer_errors() {
    local f e total=0
    for f in "${OVL_WFILES[@]}"; do
        e=0
        [ -s "$f.err" ] && read -r e < "$f.err"
        total=$((total + e))
    done
    echo "$total"
}

# s10_status_view: every node's <rsc>-status as crm_mon -A shows it,
# "node1=TEXT|node2=TEXT|node3=TEXT".
s10_status_view() {
    local n xml out=
    xml=$(lab_exec "$(view_node)" timeout 10 crm_mon -1 -A --output-as=xml \
          2>/dev/null) || return 1
    for n in "${LAB_NODES[@]}"; do
        out+="$n=$(xmllint --xpath "string(//node_attributes/node[@name='$n']/attribute[@name='ovndb_servers-status']/@value)" - <<<"$xml" 2>/dev/null)|"
    done
    echo "${out%|}"
}

# s10_status_is WANT: s10_status_view prints WANT (kept in S10_VIEW).
s10_status_is() {
    S10_VIEW=$(s10_status_view)
    [ "$S10_VIEW" = "$1" ]
}

# wait_until_slow SECS CMD...: wait_until, polling every 0.5 s (for
# commands that ask the cluster).
wait_until_slow() {
    local end
    end=$(($(lab_now_ms) + $1 * 1000))
    shift
    while :; do
        "$@" && return 0
        [ "$(lab_now_ms)" -lt "$end" ] || return 1
        sleep 0.5
    done
}

# s10_update WHAT MARK ACTIVE PROBE PROBE_TO_MASTER PARAM=VALUE...: one
# pcs resource update, then waits (30 s at most) for its reload-agent on
# every node.
s10_update() {
    local what=$1 mark=$2 p=$3 v=$4 vm=$5 t0 n
    shift 5
    t0=$(lab_now_ms)
    note "pcs resource update ovndb_servers $*"
    # --wait: the next CIB change only once the cluster has settled.  A
    # reload is recorded as a start: until the Promoted monitor runs again
    # the scheduler takes the active for an Unpromoted instance, and a
    # transition computed in that window promotes it again in place (and
    # restarts the VIP ordered after promote).
    pcs_do resource update ovndb_servers "$@" --wait=60 \
        > "$SCEN_DIR/update.log" 2>&1 \
        || fail "S10a: pcs resource update $* --wait=60 ($(tail -1 "$SCEN_DIR/update.log"))"
    if wait_until_slow 30 s10_reloaded "$mark" "$p" "$v" "$vm"; then
        pass "S10a: $what: reload-agent ran on every node ($(fmt_ms $(($(lab_now_ms) - t0)))): $p applied $v ms to NB and SB, the backups $vm ms"
    else
        fail "S10a: $what: reload-agent on every node within 30 s"
        for n in "${LAB_NODES[@]}"; do
            log_since "$mark" "$n" \
                | grep -E 'reload-agent|probe interval|ovndb_servers_(start|stop|promote|demote)' \
                | sed "s/^/# $n: /"
        done
    fi
}

# s10_warn_check LABEL CMD...: CMD's result is printed; a failure is a
# WARNING in the summary, not a failed check (see s10_operator).
s10_warn_check() {
    local label=$1
    shift
    if "$@"; then
        pass "$label"
    else
        note "WARNING: $label: not so on Pacemaker 3 (re-promotion after reload-agent)"
        SCEN_FIGURES+="WARNING: $label; "
    fi
}

s10_operator() {
    local p w t0 t1 pids mark mark0 v=30000 vm=45000 errors np want n
    scenario 10a "operator: pcs resource update of both probe intervals (reload-agent, no restart)"
    p=$(ovl_promoted)
    w=$(other_nodes "$p" | head -1)
    writers "$w" 2 50
    warm_up
    pids=$(s10_pids)
    note "servers before: $pids (active $p)"
    check "S10a: the Connection rows hold the default probe 5000 on every node" \
        test "$(s10_all_probes)" = "node1=5000 5000,node2=5000 5000,node3=5000 5000"
    t0=$(lab_now_ms)
    mark0=$(log_mark)
    s10_update "inactive_probe_interval" "$mark0" "$p" "$v" 60000 \
        "inactive_probe_interval=$v"
    mark=$(log_mark)
    s10_update "inactive_probe_interval_to_master" "$mark" "$p" "$v" "$vm" \
        "inactive_probe_interval_to_master=$vm"
    wait_acked 40 20 "$(lab_now_ms)" || fail "S10a: writes go on after the reloads"
    t1=$(lab_now_ms)
    check "S10a: the servers' Connection rows hold the new probe $v on every node (NB SB)" \
        test "$(s10_all_probes)" = "node1=$v $v,node2=$v $v,node3=$v $v"
    check "S10a: no server restarted: every node's ovsdb-server and ovn-northd PIDs unchanged" \
        test "$(s10_pids)" = "$pids"
    check "S10a: $p is still the active" test "$(ovl_promoted)" = "$p"
    # Pacemaker 3.0 was seen once (Debian 13, CI, before the updates
    # waited) re-promoting the active in place after a successful
    # reload-agent on every node (VIP stop, demote, promote, same PIDs).
    # Pacemaker records a reload as a start (pcmk__create_history_xml()),
    # so a transition computed before the Promoted monitor runs again sees
    # an Unpromoted active; the same code is in 2.1.  There these three
    # checks warn instead of failing, visibly; on Pacemaker 2 they must
    # pass.
    local s10_check=check
    if [ "$(lab_exec "$p" pacemakerd --version 2>/dev/null \
            | sed -n 's/^Pacemaker \([0-9]*\)\..*/\1/p' | head -1)" -ge 3 ] \
            2>/dev/null; then
        s10_check=s10_warn_check
    fi
    "$s10_check" "S10a: no start, stop, promote or demote since the update (controllers' logs)" \
        test -z "$(for n in "${LAB_NODES[@]}"; do
                       log_since "$mark0" "$n"
                   done | grep -E 'Result of (start|stop|promote|demote) operation for ovndb_servers')"
    ovl_writers_stop
    errors=$(s10_writer_errors)
    "$s10_check" "S10a: no write refused or failed during the reloads ($errors)" \
        test "$errors" = 0
    report_stall "$t0" "write stall (both updates)"
    "$s10_check" "S10a: writes did not stall (longest gap $(fmt_ms "$(ovl_writers_max_gap "$t0" "$t1")") < 1 s)" \
        test "$(ovl_writers_max_gap "$t0" "$t1")" -lt 1000
    finish S10a

    restore
    scenario 10b "operator: crm_mon -A after a switchover"
    p=$(ovl_promoted)
    np=$(other_nodes "$p" | head -1)
    w=$(other_nodes "$p" "$np")
    want=
    for n in "${LAB_NODES[@]}"; do
        if [ "$n" = "$p" ]; then
            want+="$n=active|"
        else
            want+="$n=replicating from $p|"
        fi
    done
    check "S10b: before: crm_mon -A says ${want%|} (within 45 s)" \
        wait_until_slow 45 s10_status_is "${want%|}"
    writers "$w" 1 50
    warm_up
    t0=$(lab_now_ms)
    note "pcs resource move ovndb_servers-clone $np --promoted (from $p)"
    pcs_do resource move ovndb_servers-clone "$np" --promoted \
        > "$SCEN_DIR/move.log" 2>&1 \
        || note "pcs resource move: $(tail -1 "$SCEN_DIR/move.log")"
    check "S10b: $np promoted after the move" \
        test "$(ovl_wait_promoted 60 "$p")" = "$np"
    pcs_do resource clear ovndb_servers-clone > /dev/null 2>&1
    want=
    for n in "${LAB_NODES[@]}"; do
        if [ "$n" = "$np" ]; then
            want+="$n=active|"
        else
            want+="$n=replicating from $np|"
        fi
    done
    want=${want%|}
    # The new active writes "active" at promote, the demoted node at its
    # first Unpromoted monitor (right after the demote); the backup that
    # kept its role only at its next monitor (every 30 s): the move plus
    # up to 30 s (35 s seen on Debian 13).
    if wait_until_slow 60 s10_status_is "$want"; then
        pass "S10b: crm_mon -A says $want ($(fmt_ms $(($(lab_now_ms) - t0))) after the move)"
    else
        fail "S10b: crm_mon -A says $want within 60 s (got $S10_VIEW)"
    fi
    lab_exec "$(view_node)" crm_mon -A1 > "$SCEN_DIR/crm_mon-A1.txt" 2>&1
    note "crm_mon -A1 on $(view_node):"
    sed 's/^/#   /' "$SCEN_DIR/crm_mon-A1.txt"
    check "S10b: the new active $np kept the probe $v (NB SB)" \
        test "$(s10_conn_probe "$np")" = "$v $v"
    wait_acked 40 20 "$(lab_now_ms)" || fail "S10b: writes go on after the move"
    report_stall "$t0" "write stall (switchover)"
    # Back to the defaults (one more reload-agent) for whatever runs next.
    pcs_do resource update ovndb_servers inactive_probe_interval= \
        inactive_probe_interval_to_master= --wait=60 > /dev/null 2>&1 \
        || note "resetting the probe intervals: pcs --wait did not confirm"
    check "S10b: the probes are back to the default 5000 on $np" \
        wait_until_slow 20 s10_probe_is "$np" "5000 5000"
    finish S10b
}

# -------------------------------------------------------------------- main

want() {
    [ "${#SELECTED[@]}" = 0 ] && return 0
    case " ${SELECTED[*]} " in *" $1 "*) return 0 ;; esac
    return 1
}

SELECTED=("$@")
note "ocf:ovn:ovndb-servers failover suite: lab '$LAB_PREFIX' in $LAB_DIR, results in $SUITE_DIR"
note "fencing is off in the lab (stonith-enabled=false): lab only"
if lab_exists; then
    note "removing a previous lab with prefix $LAB_PREFIX"
    lab_down > /dev/null 2>&1
fi
s1_initial_start || {
    fail "the lab could not be set up: later scenarios skipped"
    summary
    exit 1
}
for s in 2 3 4 5 6 7 8 9 10; do
    want "$s" || continue
    restore || { fail "S$s: no clean state to start from"; break; }
    case $s in
        2) s2_kill_nb ;;
        3) s3_crash ;;
        4) s4_partition ;;
        5) s5_switchover ;;
        6) s6_cold_restart ;;
        7) s7_backup_restart ;;
        8) s8_admin ;;
        9) s9_stalled_backup ;;
        10) s10_operator ;;
    esac
done

echo
echo "=== Results"
for line in "${SUMMARY[@]}"; do
    note "$line"
done
note "suite took $(fmt_ms $(($(lab_now_ms) - SUITE_START)))"
summary
