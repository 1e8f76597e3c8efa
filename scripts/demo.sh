#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# demo.sh - ocf:ovn:ovndb-servers on a real 3-node Pacemaker cluster, live.
#
# Installs what is missing, builds and installs the agent, starts a
# 3-node Corosync + Pacemaker lab in network namespaces on this machine
# (tests/cluster/lab.sh), creates the resources with the operator recipe
# (heartbeat/ovndb-servers-vip.sh), writes through the virtual IP, crashes
# the active node, measures the failover, and brings the node back as a
# backup.  Everything is torn down at the end, and on Ctrl-C.  Run as root
# from anywhere: "make demo" or "sudo scripts/demo.sh".  Takes about a
# minute.  Fencing is off in the lab: see heartbeat/README.md.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
if [ "$(id -u)" != 0 ]; then
    echo "demo: run as root (sudo scripts/demo.sh)" >&2
    exit 1
fi

# The demo's own lab, apart from a test run's.
export LAB_PREFIX=${LAB_PREFIX:-ovndbdemo-}
export LAB_DIR=${LAB_DIR:-/tmp/ovndbdemo}
export LAB_QUIET=1
# shellcheck source=../tests/cluster/lab.sh
. "$ROOT/tests/cluster/lab.sh"
# shellcheck source=../tests/cluster/ovndb.sh
. "$ROOT/tests/cluster/ovndb.sh"

T_START=$(lab_now_ms)
BACKUPS=()
LOG=$(mktemp /tmp/ovndb-demo.XXXXXX.log)
LAB_STARTED=

step() {
    printf '\n==> %s\n' "$*"
}

# Seconds since the start of the demo, for the narration.
clock() {
    local ms=$(($(lab_now_ms) - T_START))
    printf '[%3d.%01ds]' $((ms / 1000)) $((ms % 1000 / 100))
}

say() {
    echo "$(clock) $*"
}

fmt_ms() {
    printf '%d.%02d s' $(($1 / 1000)) $(($1 % 1000 / 10))
}

die() {
    echo "demo: $*" >&2
    echo "demo: details in $LOG" >&2
    exit 1
}

cleanup() {
    trap '' INT TERM
    # The trap may fire inside a command whose output was redirected.
    exec 1>&3 2>&4
    if [ -n "${VIP_POLLER:-}" ]; then
        kill "$VIP_POLLER" 2>/dev/null
        wait "$VIP_POLLER" 2>/dev/null
        VIP_POLLER=
    fi
    if [ -n "$LAB_STARTED" ]; then
        step "Tearing the lab down"
        if lab_down >>"$LOG" 2>&1; then
            say "all nodes stopped, namespaces removed: nothing left behind"
        else
            say "teardown reported leftovers; see $LOG"
        fi
    fi
}
# Our terminal, for the traps (see cleanup).
exec 3>&1 4>&2
trap cleanup EXIT
trap 'exec 1>&3 2>&4; echo; echo "demo: interrupted"; exit 130' INT TERM

# crm_mon without the header lines.
show_crm_mon() {
    lab_exec "$1" crm_mon -1 -r 2>/dev/null \
        | sed -n '/^Node List:/,$p' | sed '/^$/d; s/^/    /'
}

show_sync() {
    local node=$1
    echo "    $node NB: $(ovl_sync "$node" nb | paste -sd' ')"
    echo "    $node SB: $(ovl_sync "$node" sb | paste -sd' ')"
}

step "Preparing this machine: packages, build, install"
scripts/install-deps.sh >>"$LOG" 2>&1 || die "scripts/install-deps.sh failed"
say "Debian packages present"
make >>"$LOG" 2>&1 || die "make failed"
make install >>"$LOG" 2>&1 || die "make install failed"
say "agent installed: /usr/lib/ocf/resource.d/ovn/ovndb-servers"

step "Starting a 3-node Corosync + Pacemaker cluster (network namespaces)"
say "nodes node1..node3 = 198.51.100.11-13, VIP $LAB_VIP, no route out"
say "fencing is off in the lab (never do that in production)"
if lab_exists; then
    lab_down >>"$LOG" 2>&1 || die "a previous demo lab is in the way"
fi
LAB_STARTED=1
t=$(lab_now_ms)
lab_up >>"$LOG" 2>&1 || die "the lab did not come up"
say "3 nodes online in $(fmt_ms $(($(lab_now_ms) - t)))"

step "Creating the resources (heartbeat/ovndb-servers-vip.sh, pcs)"
lab_create_resources manage_northd=yes 2>&1 >>"$LOG" \
    | grep '^+ ' | sed 's|^+ pcs -f [^ ]* |    pcs |'
t=$(lab_now_ms)
ovl_wait_clean 60 || die "the cluster did not settle: $OVL_WHY"
ACTIVE=$OVL_PROMOTED
say "settled in $(fmt_ms $(($(lab_now_ms) - t)))"
show_crm_mon "$ACTIVE"

step "Who is active?"
say "active (Promoted) node: $ACTIVE - it holds the VIP and runs ovn-northd"
for n in "${LAB_NODES[@]}"; do
    [ "$n" = "$ACTIVE" ] && continue
    BACKUPS+=("$n")
done
say "backups (Unpromoted): ${BACKUPS[*]}, each replicating from the active:"
show_sync "${BACKUPS[0]}"
CLIENT=${BACKUPS[0]}

step "Writing through the VIP (ovn-nbctl, run inside $CLIENT)"
echo "    \$ ovn-nbctl --db=$OVL_NB_VIP ls-add demo-before-crash"
ovl_nbctl "$CLIENT" ls-add demo-before-crash >/dev/null \
    || die "the write through the VIP failed"
echo "    \$ ovn-nbctl --db=$OVL_NB_VIP ls-list"
ovl_nbctl "$CLIENT" ls-list | sed 's/^/    /'

step "Crashing the active node $ACTIVE (SIGKILL of everything on it)"
t0=$(lab_now_ms)
lab_crash "$ACTIVE" >>"$LOG" 2>&1
say "$ACTIVE is down: its ovsdb-servers and the VIP are gone"
# Note when the VIP shows up on a survivor (netlink, every 50 ms, 30 s at
# most), for the narration.
VIPF=$LAB_DIR/vip-moved
(
    for ((i = 0; i < 600; i++)); do
        h=$(ovl_vip_holders | head -1)
        if [ -n "$h" ]; then
            echo "$(($(lab_now_ms) - t0)) $h" > "$VIPF"
            break
        fi
        sleep 0.05
    done
) &
VIP_POLLER=$!
say "retrying a write through the VIP from $CLIENT until one succeeds..."
ok=
for ((i = 0; i < 60; i++)); do
    if lab_exec "$CLIENT" ovn-nbctl --db="$OVL_NB_VIP" --timeout=1 \
            --may-exist ls-add demo-after-crash >/dev/null 2>&1; then
        ok=1
        break
    fi
    sleep 0.1
done
t1=$(lab_now_ms)
[ -n "$ok" ] || die "no write succeeded through the VIP within the bound"
kill "$VIP_POLLER" 2>/dev/null
wait "$VIP_POLLER" 2>/dev/null
VIP_POLLER=
NEW=$(ovl_promoted) || NEW="?"
if read -r vip_ms vip_node < "$VIPF" 2>/dev/null; then
    say "Pacemaker promoted $NEW; the VIP was up on $vip_node $(fmt_ms "$vip_ms") after the crash"
fi
say "FAILOVER: first successful write $(fmt_ms $((t1 - t0))) after the crash"

step "The row written before the crash, read through the VIP on $NEW"
echo "    \$ ovn-nbctl --db=$OVL_NB_VIP ls-list"
ovl_nbctl "$CLIENT" ls-list | sed 's/^/    /'
if ovl_nbctl "$CLIENT" ls-list | grep -q demo-before-crash; then
    say "demo-before-crash survived the crash"
else
    say "demo-before-crash is MISSING"
fi
show_crm_mon "$NEW"

step "Restarting $ACTIVE (as after a reboot): it rejoins as a backup"
t=$(lab_now_ms)
lab_node_restart "$ACTIVE" >>"$LOG" 2>&1 || die "$ACTIVE did not rejoin"
say "$ACTIVE is back in the cluster after $(fmt_ms $(($(lab_now_ms) - t)))"
ovl_wait_clean 60 || die "the cluster did not settle: $OVL_WHY"
say "$ACTIVE replicates from the active $OVL_PROMOTED after $(fmt_ms $(($(lab_now_ms) - t)))"
show_crm_mon "$OVL_PROMOTED"
show_sync "$ACTIVE"
rows=$(lab_exec "$ACTIVE" ovn-nbctl --db="$OVL_NB_SOCK" --timeout=2 ls-list \
       2>/dev/null | grep -c demo-)
say "$ACTIVE's own copy of the database has the $rows demo rows"

cleanup
LAB_STARTED=
step "Done in $(fmt_ms $(($(lab_now_ms) - T_START))): crash-to-write failover $(fmt_ms $((t1 - t0)))"
rm -f "$LOG"
