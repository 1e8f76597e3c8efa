#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2317  # trap handlers and functions run indirectly
# bench/failover.sh OUT RUNS - part 2 of the bench: cluster failover of
# both agents in the 3-node lab (tests/cluster/lab.sh; VIP 198.51.100.100).
#
# For each agent in turn a lab is built, the promotable clone and its VIP
# are created with the same pcs commands (only the agent differs), and two
# faults are injected RUNS times each on the node holding the Promoted
# role:
#   crash  every process of the node killed at once, its addresses gone
#          (lab.sh crash)
#   kill   kill -9 of its NB ovsdb-server only
# A writer inside another node commits one NB row through the VIP every
# 20 ms.  Each run records: time from the fault to the first write the VIP
# acknowledged again, acknowledged writes missing on the new active, and
# from the nodes' logs when the cluster detected the fault (corosync
# membership for a crash, the failed monitor for a kill), when promote
# finished and when the VIP started.  The node is restored (restart,
# cleanup) before the next run.  Results: OUT (JSON).  Then, with
# BENCH_LIVEMON_OUT=FILE, part 5 in the same lab (bench/livemon.sh);
# BENCH_LAB_FAULTS="" leaves only part 5.
#
# The reference agent runs from its installed file through a bench-only
# provider, ocf:ovnbench:ovndb-servers (a symlink this script creates and
# removes); in the lab it uses ovn-ctl's default directories, which the lab
# keeps private per node.  Lab namespaces have no default route (checked
# before the reference agent is configured).  Fencing is off in the lab.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${1:?usage: failover.sh OUT RUNS}
RUNS=${2:-5}
# Debugging aids: which agents and faults (crash kill crash-nlb), and how
# many runs of crash-nlb.
AGENTS=${BENCH_LAB_AGENTS:-ours ref}
FAULTS=${BENCH_LAB_FAULTS-crash kill crash-nlb}
NLB_RUNS=${BENCH_LAB_NLB_RUNS:-3}
REF=/usr/share/ovn/scripts/ovndb-servers.ocf
BENCH_PROVIDER_DIR=/usr/lib/ocf/resource.d/ovnbench
WDIR=$(mktemp -d /tmp/ovndbbench-lab.XXXXXX)
chmod 755 "$WDIR"
RUNLOG=$WDIR/runs.jsonl
OPSLOG=$WDIR/ops.jsonl
: > "$RUNLOG"
: > "$OPSLOG"
made_provider=

say() {
    echo "bench-lab: $*" >&2
}

not_measured() {
    say "not measured: $*"
    python3 -c 'import json,sys; print(json.dumps({"not_measured": sys.argv[1]}))' \
        "$*" > "$OUT"
    exit 0
}

LAB_SH=$ROOT/tests/cluster/lab.sh
OVNDB_SH=$ROOT/tests/cluster/ovndb.sh
[ -r "$LAB_SH" ] && [ -r "$OVNDB_SH" ] \
    || not_measured "tests/cluster/lab.sh or ovndb.sh is missing"
for p in corosync pacemakerd pcs nsenter unshare xmllint; do
    command -v "$p" >/dev/null || not_measured "$p is not installed"
done

export LAB_PREFIX=ovndbbench-lab-
export LAB_DIR=$WDIR/lab
export LAB_QUIET=1
# Without ip_nonlocal_bind first (the lab sets it by default); crash-nlb
# measures the same crash with it.
export LAB_NONLOCAL_BIND=0
[ -n "${BENCH_KEEP:-}" ] && export LAB_KEEP=1
# shellcheck source=tests/cluster/lab.sh
. "$LAB_SH"
# shellcheck source=tests/cluster/ovndb.sh
. "$OVNDB_SH"
# Part 5 (bench/livemon.sh): the steady-state monitor in a live node, in
# each agent's lab after its failover runs, when LIVEMON_OUT (a JSON-lines
# file) is set.
LIVEMON_OUT=${BENCH_LIVEMON_OUT:-}
# shellcheck source=bench/livemon.sh
. "$HERE/livemon.sh"

WPID=

teardown() {
    trap '' INT TERM
    writer_stop
    livemon_stop
    lab_down >/dev/null 2>&1 || say "lab teardown left something behind"
    if [ -n "$made_provider" ]; then
        rm -f "$BENCH_PROVIDER_DIR/ovndb-servers"
        rmdir "$BENCH_PROVIDER_DIR" 2>/dev/null
    fi
    if [ -n "${BENCH_KEEP:-}" ]; then
        say "lab logs and writer files kept in $WDIR"
    else
        rm -rf "$WDIR"
    fi
}
trap teardown EXIT
trap 'say interrupted; exit 130' INT TERM

now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
}

# ------------------------------------------------------------- resources

# create_resources AGENT: the clone and its VIP, as the operator recipe
# (heartbeat/ovndb-servers-vip.sh) makes them, for ocf:PROVIDER:ovndb-servers.
create_resources() {
    local provider=ovn f=$LAB_DIR/bench-resources.xml
    [ "$1" = ref ] && provider=ovnbench
    rm -f "$f"
    lab_exec node1 pcs cluster cib "$f" || return 1
    lab_exec node1 pcs -f "$f" resource create ovndb_servers \
        "ocf:$provider:ovndb-servers" master_ip="$LAB_VIP" \
        manage_northd=no promotable notify=true --force || return 1
    lab_exec node1 pcs -f "$f" resource create ovndb_servers_vip \
        ocf:heartbeat:IPaddr2 ip="$LAB_VIP" cidr_netmask="$LAB_NETMASK" \
        nic=eth0 op monitor interval=5s || return 1
    lab_exec node1 pcs -f "$f" constraint colocation add ovndb_servers_vip \
        with Promoted ovndb_servers-clone INFINITY || return 1
    lab_exec node1 pcs -f "$f" constraint order promote ovndb_servers-clone \
        'then' start ovndb_servers_vip || return 1
    lab_exec node1 pcs cluster cib-push "$f" --config
}

# The reference agent points backups at 192.0.2.254 when it knows no
# active: every lab namespace must be unable to route there.
check_no_route() {
    local n ns
    lab_check_isolation || return 1
    for n in "${LAB_NODES[@]}"; do
        ns=$(lab_ns "$n")
        if ip -n "$ns" route get 192.0.2.254 >/dev/null 2>&1 \
            || ip -n "$ns" route show default | grep -q .; then
            say "$ns can route off the lab"
            return 1
        fi
    done
}

# --------------------------------------------------------------- writer

writer_start() {
    local node=$1 id=$2
    ACKED=$WDIR/acked-$id
    WSTOP=$WDIR/stop-$id
    rm -f "$WSTOP"
    : > "$ACKED"
    lab_exec "$node" python3 "$HERE/writer.py" "$LAB_VIP" 6641 "$id" \
        "$ACKED" "$WSTOP" 20 </dev/null >/dev/null 2>&1 &
    WPID=$!
}

writer_stop() {
    local i
    [ -n "${WPID:-}" ] || return 0
    touch "$WSTOP"
    for ((i = 0; i < 50; i++)); do
        kill -0 "$WPID" 2>/dev/null || break
        sleep 0.1
    done
    kill "$WPID" 2>/dev/null
    wait "$WPID" 2>/dev/null
    WPID=
}

# first_ack_after T0: epoch ms of the first acknowledgement after T0.
first_ack_after() {
    awk -v t0="$1" '$2 > t0 { print $2; exit }' "$ACKED"
}

last_ack_before() {
    awk -v t0="$1" '$2 <= t0 { t = $2 } END { print t + 0 }' "$ACKED"
}

# lost_on NODE T: acknowledged writes (up to T, epoch ms) missing on
# NODE's NB.
lost_on() {
    local node=$1 t0=$2 have
    have=$WDIR/have
    lab_exec "$node" timeout 20 ovsdb-client --bare dump \
        unix:/var/run/ovn/ovnnb_db.sock OVN_Northbound Logical_Switch name \
        2>/dev/null | grep '^bw' | sort -u > "$have" || { echo -1; return; }
    awk -v t0="$t0" '$2 <= t0 { print $1 }' "$ACKED" | sort -u \
        | comm -23 - "$have" | grep -c .
}

# ------------------------------------------------------------------ runs

wait_clean() {
    ovl_wait_clean "$1" && return 0
    say "not clean after $1 s ($OVL_WHY): cleanup"
    lab_exec "$(view_node)" pcs resource cleanup >/dev/null 2>&1
    ovl_wait_clean "$1"
}

# restore: every node running (a crashed one restarted, a few tries) and
# online.
restore() {
    local n try
    for n in "${LAB_NODES[@]}"; do
        for ((try = 1; try <= 3; try++)); do
            lab_node_running "$n" && break
            lab_node_restart "$n" >>"$WDIR/restart.log" 2>&1 && break
            say "restarting $n failed (try $try; see $WDIR/restart.log)"
            sleep 2
        done
    done
    lab_wait_online 60 || say "not all nodes online after the restart"
}

view_node() {
    local n
    for n in "${LAB_NODES[@]}"; do
        lab_node_running "$n" && { echo "$n"; return 0; }
    done
    return 1
}

other_node() {
    local n
    for n in "${LAB_NODES[@]}"; do
        [ "$n" != "$1" ] && { echo "$n"; return 0; }
    done
}

# record_ops AGENT: Pacemaker's own exec-time of the last operation of
# each kind on every node, from the CIB status (a live CIB).
record_ops() {
    local n x
    n=$(view_node) || return 0
    x=$WDIR/cib-status.xml
    lab_exec "$n" cibadmin -Q --scope status > "$x" 2>/dev/null || return 0
    python3 - "$1" "$OPSLOG" "$x" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
agent, out = sys.argv[1], sys.argv[2]
root = ET.parse(sys.argv[3]).getroot()
with open(out, "a") as f:
    for st in root.iter("node_state"):
        for r in st.iter("lrm_resource"):
            if r.get("id") != "ovndb_servers":
                continue
            for op in r.iter("lrm_rsc_op"):
                f.write(json.dumps({
                    "agent": agent, "node": st.get("uname"),
                    "op": op.get("operation"),
                    "interval": int(op.get("interval", "0")),
                    "rc": int(op.get("rc-code", "-1")),
                    "exec_ms": int(op.get("exec-time", "-1")),
                    "call": int(op.get("call-id", "-1"))}) + "\n")
EOF
}

# one_run AGENT FAULT N: inject FAULT on the promoted node, measure,
# restore.  Appends one JSON line to RUNLOG.
one_run() {
    local agent=$1 fault=$2 run=$3 p w t0 t1 first last ms tl newp lost i dc
    local note=
    if ! wait_clean 90; then
        note="not clean before the run: $OVL_WHY"
    fi
    p=$(ovl_promoted | head -1)
    [ -n "$p" ] || { say "$agent $fault $run: no promoted node"; return 1; }
    w=$(other_node "$p")
    dc=$(ovl_xml | xmllint --xpath 'string(//current_dc/@name)' - 2>/dev/null)
    writer_start "$w" "$agent$fault$run"
    sleep 3
    t0=$(now_ms)
    case $fault in
        crash|crash-nlb) lab_crash "$p" ;;
        kill) lab_exec "$p" sh -c 'kill -9 "$(cat /var/run/ovn/ovnnb_db.pid)"' ;;
    esac
    # The fault is complete (the node's processes are gone, the server is
    # dead): from now on an acknowledgement comes from a recovered active.
    t1=$(now_ms)
    first=
    for ((i = 0; i < 1200; i++)); do
        first=$(first_ack_after "$t1")
        [ -n "$first" ] && break
        sleep 0.1
    done
    sleep 2
    writer_stop
    last=$(last_ack_before "$t0")
    ms=-1
    [ -n "$first" ] && ms=$((first - t0))
    newp=$(ovl_wait_promoted 60 2>/dev/null | head -1)
    lost=-1
    [ -n "$newp" ] && lost=$(lost_on "$newp" 99999999999999)
    sleep 1
    tl=$(python3 "$HERE/labtimes.py" "$LAB_DIR" "${fault%-nlb}" "$p" "$t0")
    say "$agent $fault $run: victim $p, writes again after ${ms} ms," \
        "lost $lost, new active ${newp:-none}; $tl"
    python3 - "$agent" "$fault" "$run" "$p" "${newp:-}" "$t0" "$ms" \
        "$((t0 - ${last:-0}))" "$lost" "$(grep -c . "$ACKED")" "$tl" \
        "$note" "$((t1 - t0))" "$dc" >> "$RUNLOG" <<'EOF'
import json, sys
a = sys.argv[1:]
d = {"agent": a[0], "fault": a[1], "run": int(a[2]), "victim": a[3],
     "new_active": a[4] or None, "t0": int(a[5]),
     "writes_again_ms": None if a[6] == "-1" else int(a[6]),
     "since_last_ack_ms": int(a[7]), "lost": int(a[8]), "acked": int(a[9]),
     "note": a[11] or None, "fault_ms": int(a[12]),
     "victim_was_dc": a[13] == a[3]}
d.update(json.loads(a[10]))
print(json.dumps(d))
EOF
    # Restore: the crashed node boots again; a killed server is cleaned up.
    restore
    wait_clean 120 || say "$agent: not clean after the run: $OVL_WHY"
    # Clear the failure history so that it does not weigh on the next run.
    lab_exec "$(view_node)" pcs resource cleanup ovndb_servers-clone \
        >/dev/null 2>&1
    wait_clean 120 >/dev/null
    record_ops "$agent"
}

agent_block() {
    local agent=$1 i t0 n f
    t0=$(now_ms)
    LAB_DIR=$WDIR/lab-$agent
    # Each agent's lab starts without ip_nonlocal_bind (crash-nlb of the
    # previous agent turned it on).
    export LAB_NONLOCAL_BIND=0
    if ! lab_up; then
        return 2
    fi
    if [ "$agent" = ref ] && ! check_no_route; then
        say "a lab namespace can route off the machine: not running the reference agent"
        lab_down >/dev/null 2>&1
        return 1
    fi
    if ! create_resources "$agent" > "$WDIR/create-$agent.log" 2>&1; then
        say "$agent: creating the resources failed:"
        cat "$WDIR/create-$agent.log" >&2
        lab_down >/dev/null 2>&1
        return 1
    fi
    if ! wait_clean 120; then
        say "$agent: no clean state after creating the resources: $OVL_WHY"
        lab_down >/dev/null 2>&1
        return 1
    fi
    say "$agent: lab ready in $(( ($(now_ms) - t0) / 1000 )) s"
    record_ops "$agent"
    for ((i = 1; i <= RUNS; i++)); do
        for f in $FAULTS; do
            [ "$f" = crash-nlb ] && continue
            one_run "$agent" "$f" "$i"
        done
    done
    # The same crash with net.ipv4.ip_nonlocal_bind=1 on every node (as
    # TripleO deploys it): the new active binds the VIP at promotion.
    case " $FAULTS " in
        *" crash-nlb "*)
            export LAB_NONLOCAL_BIND=1      # also for restarted nodes
            for n in "${LAB_NODES[@]}"; do
                ip netns exec "$(lab_ns "$n")" \
                    sysctl -qw net.ipv4.ip_nonlocal_bind=1
            done
            for ((i = 1; i <= NLB_RUNS; i++)); do
                one_run "$agent" crash-nlb "$i"
            done
            ;;
    esac
    if [ -n "$LIVEMON_OUT" ]; then
        livemon_measure "$agent" || say "$agent: part 5 incomplete"
    fi
    record_exec_times "$agent"
    lab_down >/dev/null 2>&1 || say "$agent: lab teardown left something"
    return 0
}

# record_exec_times AGENT: every start, stop, promote, demote and notify of
# the clone, with the execution time pacemaker-execd logged for it.
record_exec_times() {
    python3 - "$1" "$OPSLOG" "$LAB_DIR"/node*/var-log-pacemaker/pacemaker.log <<'EOF'
import json, re, sys
agent, out = sys.argv[1], sys.argv[2]
pat = re.compile(r" (node\d+) pacemaker-execd .* ovndb_servers "
                 r"(start|stop|promote|demote|notify) \(call (\d+), "
                 r"PID \d+\) exited with status (\d+) "
                 r"\(execution time ([0-9.]+)(ms|s)\)")
with open(out, "a") as f:
    for path in sys.argv[3:]:
        for line in open(path, errors="replace"):
            m = pat.search(line)
            if m:
                t = float(m.group(5)) * (1000 if m.group(6) == "s" else 1)
                f.write(json.dumps({
                    "agent": agent, "node": m.group(1), "op": m.group(2),
                    "interval": 0, "rc": int(m.group(4)),
                    "exec_ms": int(round(t)), "call": int(m.group(3)),
                    "source": "log"}) + "\n")
EOF
}

# ------------------------------------------------------------------ main

if lab_exists; then
    not_measured "a lab with prefix $LAB_PREFIX exists already"
fi
if [ ! -e "$BENCH_PROVIDER_DIR/ovndb-servers" ]; then
    mkdir -p "$BENCH_PROVIDER_DIR"
    ln -s "$REF" "$BENCH_PROVIDER_DIR/ovndb-servers"
    made_provider=1
fi

START=$(now_ms)
blocks_ok=0
for agent in $AGENTS; do
    agent_block "$agent"
    case $? in
        0) blocks_ok=$((blocks_ok + 1)) ;;
        2) not_measured "tests/cluster/lab.sh up failed (the lab does not come up on this machine)" ;;
    esac
done

python3 - "$RUNLOG" "$OPSLOG" "$(( ($(now_ms) - START) / 1000 ))" "$RUNS" \
    > "$OUT" <<'EOF'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ops = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
print(json.dumps({"runs": runs, "ops": ops, "seconds": int(sys.argv[3]),
                  "runs_per_fault": int(sys.argv[4])}, indent=1))
EOF
[ "$blocks_ok" = "$(wc -w <<<"$AGENTS")" ] || exit 1
exit 0
