#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: lossless planned switchover under saturating load.
#
# Three "nodes" (network namespaces on one bridge) run the installed agent
# as Pacemaker would for a promotable notify=true clone, with master_ip a
# virtual IP that the test moves between the nodes exactly as IPaddr2
# would.  Four writers in a client namespace commit numbered rows through
# the VIP as fast as they can while the Promoted role is moved
# node1 -> node2 -> node3 -> node1 ... (what "pcs resource move --promoted"
# runs: stop the VIP, pre-demote notify, demote, post-demote notify,
# pre-promote notify, promote, post-promote notify, start the VIP).  At the
# end every write the server acknowledged must be on the final active and
# on both backups.
#
# Each backup resynchronises the whole database from every new active, so
# the database must stay small for 20 switchovers to fit in the time: the
# writers commit as fast as they can in a burst that starts shortly before
# the VIP leaves and lasts until the new active took a write, and a few
# rows a second in between (tests/tools/writer.py --burst-file).
#
# Only addresses inside namespaces this script creates are used (TEST-NET-2
# 198.51.100.0/24, nothing of it in the root namespace); everything is torn
# down, by PID and by name, also on failure.
#
#   SWITCHOVERS=N   number of switchovers (default 21, at least 20)
#   WRITERS=N       parallel writers (default 4)
#   BURST_LEAD=S    full-speed writing before each VIP stop (default 0.1)
#   IDLE_RATE=N     rows a second per writer between bursts (default 5)
#   KEEP_TMP=1      keep the work directory (logs, trace, writers' files)
#   DIAG_CLIENTS_CUT=1  diagnostic only, not what Pacemaker does: see
#                   vip_stop() below

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"

WRITER=$here/../tools/writer.py
PYTHON=${PYTHON:-python3}
SWITCHOVERS=${SWITCHOVERS:-21}
WRITERS=${WRITERS:-4}
SUBNET=198.51.100
PFX=ovndbsw-$$
BR_NS=$PFX-br
CL_NS=$PFX-client
CLIENT_IP=$SUBNET.50

# Teardown, registered before anything is created: the namespaces go last
# (cleanups run in reverse order), after lib.sh's kill_servers and
# kill_writers below stopped every process of the test, by PID.
delete_namespaces() {
    local ns
    for ns in "$BR_NS" "$CL_NS" $(for n in $NODES; do ns_of "$n"; done); do
        ip netns del "$ns" 2>/dev/null
    done
    return 0
}
on_exit delete_namespaces

# The agent's environment (tests/integration/lib.sh): each node in a
# namespace of its own, the VIP in TEST-NET-2, the operation timeouts of
# the meta-data.
NODES="node1 node2 node3"
NETNS_PREFIX=$PFX
VIP=$SUBNET.100
NB_PORT=6641
SB_PORT=6642
TMP_TEMPLATE=/tmp/ovndbsw.XXXXXX
TIMEOUT_MS=20000
START_STOP_TIMEOUT_MS=60000
PROMOTE_DEMOTE_TIMEOUT_MS=50000
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"
TRACE=$TMP/trace.log
STOP_FILE=$TMP/writers.stop
BURST_FILE=$TMP/writers.burst
# Writers go full speed from BURST_LEAD seconds before each switchover to
# BURST_TAIL seconds after the new active took a write, and write
# IDLE_RATE rows a second each in between: every backup resynchronises the
# whole database from each new active, so it must stay small.
BURST_LEAD=${BURST_LEAD:-0.1}
BURST_TAIL=${BURST_TAIL:-0}
IDLE_RATE=${IDLE_RATE:-5}

now_ns() {
    date +%s%N
}
node_ip() {
    echo "$SUBNET.1${1#node}"
}

# ---------------------------------------------------------------------------
# The writers, stopped by PID at the end (the servers: lib.sh).

WRITER_PIDS=()
kill_writers() {
    local pid
    for pid in "${WRITER_PIDS[@]}"; do
        is_ours "$pid" "$TMP/" && kill -9 "$pid" 2>/dev/null
    done
    return 0
}
on_exit kill_writers

# my_namespaces: how many namespaces of this test exist ("error" if ip
# cannot list them).
my_namespaces() {
    local out
    if ! out=$(ip netns list 2>&1); then
        echo "error: $out"
        return 1
    fi
    printf '%s\n' "$out" | awk '{print $1}' | grep -c "^$PFX-"
}

# ---------------------------------------------------------------------------
# Network: a bridge namespace, three node namespaces and a client namespace,
# IPv6 off, no default route.

no_ipv6() {
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

setup_network() {
    local n ns i
    ip netns add "$BR_NS" || return 1
    no_ipv6 "$BR_NS" || return 1
    ip -n "$BR_NS" link set lo up || return 1
    ip -n "$BR_NS" link add br0 type bridge || return 1
    ip -n "$BR_NS" link set br0 up || return 1
    for n in $NODES client; do
        ns=$PFX-$n
        i=${n#node}
        [ "$n" = client ] && i=cl
        ip netns add "$ns" || return 1
        no_ipv6 "$ns" || return 1
        ip -n "$ns" link set lo up || return 1
        ip -n "$BR_NS" link add "p-n$i" type veth peer name eth0 \
            netns "$ns" || return 1
        ip -n "$BR_NS" link set "p-n$i" master br0 up || return 1
        if [ "$n" = client ]; then
            ip -n "$ns" addr add "$CLIENT_IP/24" dev eth0 || return 1
        else
            ip -n "$ns" addr add "$(node_ip "$n")/24" dev eth0 || return 1
        fi
        ip -n "$ns" link set eth0 up || return 1
    done
    return 0
}

# The client reaches every node; nothing routes anywhere else (from a
# successful listing of each namespace's routes).
network_ok() {
    local n routes
    for n in $NODES; do
        ip netns exec "$CL_NS" ping -c1 -W2 -q "$(node_ip "$n")" \
            >/dev/null 2>&1 || return 1
    done
    for n in $NODES client; do
        routes=$(ip -n "$PFX-$n" route show default) || return 1
        [ -z "$routes" ] || return 1
    done
    return 0
}

# root_ns_clean: a successful listing of the root namespace's addresses
# has none in $SUBNET.0/24.
root_ns_clean() {
    local addrs
    addrs=$(ip -4 addr show) || return 1
    ! printf '%s\n' "$addrs" | grep -q "inet $SUBNET\."
}

# vip_add NODE / vip_del NODE: what IPaddr2 start/stop do.  IPaddr2 then
# sends gratuitous ARPs, which update every host on the segment; arping is
# used when installed, else the neighbour caches of the client and the
# nodes are flushed, to the same effect.
vip_add() {
    local n
    ip -n "$(ns_of "$1")" addr add "$VIP/24" dev eth0 || return 1
    if command -v arping >/dev/null 2>&1; then
        ip netns exec "$(ns_of "$1")" arping -q -U -c1 -I eth0 -s "$VIP" \
            "$VIP" >/dev/null 2>&1
    else
        ip -n "$CL_NS" neigh flush all
        for n in $NODES; do
            ip -n "$(ns_of "$n")" neigh flush all
        done
    fi
    return 0
}
vip_del() {
    ip -n "$(ns_of "$1")" addr del "$VIP/24" dev eth0
}
# The VIP stop of a switchover.  DIAG_CLIENTS_CUT=1 is a diagnostic, not
# what IPaddr2 does: only the clients are cut off from the VIP (blackhole
# route in the client namespace) and the VIP leaves the old active once the
# new one is promoted, so that the old active's connections to the backups
# (which end at the VIP) keep working through the demotion.  It emulates an
# agent whose replication does not depend on the VIP.
vip_stop() {
    if [ "${DIAG_CLIENTS_CUT:-0}" = 1 ]; then
        ip -n "$CL_NS" route add blackhole "$VIP/32"
    else
        vip_del "$1"
    fi
}
vip_stop_late() {
    if [ "${DIAG_CLIENTS_CUT:-0}" = 1 ]; then
        vip_del "$1" && ip -n "$CL_NS" route del blackhole "$VIP/32"
    fi
}

# trace_sockets NODE WHEN: NODE's established TCP connections, with their
# send queues, into the trace.
trace_sockets() {
    trace "sockets of $1 $2:" \
        "$(ip netns exec "$(ns_of "$1")" ss -tn state established \
           2>/dev/null | awk 'NR > 1 {printf "[%s -> %s sendq %s] ", $3, $4, $2}')"
}

vip_holders() {
    local n
    for n in $NODES; do
        ip -n "$(ns_of "$n")" -4 addr show dev eth0 \
            | grep -q "inet $VIP/" && printf '%s ' "$n"
    done
    echo
}

# ---------------------------------------------------------------------------
# Observations (the rest are lib.sh's).

# vip_write NAME: one insert through the VIP from the client namespace.
vip_write() {
    local out
    out=$(ip netns exec "$CL_NS" timeout 3 ovsdb-client transact \
        "tcp:$VIP:$NB_PORT" "[\"OVN_Northbound\",{\"op\":\"insert\",
        \"table\":\"Logical_Switch\",\"row\":{\"name\":\"$1\"}}]" 2>/dev/null)
    case $out in
        *'"uuid"'*) ! printf '%s' "$out" | grep -q '"error"' ;;
        *) return 1 ;;
    esac
}

# backups_follow ACTIVE NAME: both other nodes replicate (NB and SB) and
# hold row NAME, written on ACTIVE after the switchover: they really
# replicate from the new active ("replicating:" alone stays shown on a
# connection to a source that went away).
backups_follow() {
    local n
    for n in $NODES; do
        [ "$n" = "$1" ] && continue
        replicating "$n" nb && replicating "$n" sb && has_switch "$n" "$2" \
            || return 1
    done
}

# ---------------------------------------------------------------------------

echo "# setup: namespaces $PFX-*, CIB file, agent on three nodes"
check "no address of $SUBNET.0/24 in the root namespace" root_ns_clean
check "network namespaces set up" setup_network
check "client reaches the nodes; no default route anywhere" network_ok
check "CIB file with node1..3" cib_has_nodes
for n in $NODES; do
    mkdir -p "$(node_dir "$n")"
done
check "run_dir is at most 80 characters" \
    test "$(printf '%s' "$(node_dir node1)/run" | wc -c)" -le 80

for n in $NODES; do
    expect_rc 7 "probe on clean $n" agent "$n" monitor
done
N_START="node1 node2 node3"
for n in $NODES; do
    expect_rc 0 "start $n" agent "$n" start
done
remember_servers
check "six ovsdb-servers running" test "${#SERVER_PIDS[@]}" = 6
expect_rc 0 "post-start notify" notify_all post start
N_START=" " N_UNPROMOTED="node1 node2 node3" N_ACTIVE="node1 node2 node3"
for n in $NODES; do
    expect_rc 0 "unpromoted monitor on $n" monitor_unpromoted "$n"
done

echo "# promote node1, VIP on node1"
N_PROMOTE="node1"
expect_rc 0 "pre-promote notify" notify_all pre promote
expect_rc 0 "promote node1" agent node1 promote
expect_rc 0 "post-promote notify" notify_all post promote
N_PROMOTE=" " N_PROMOTED="node1" N_UNPROMOTED="node2 node3"
# IPaddr2 adds the VIP only after the promotion and its notifications.
# ovsdb-server could not listen on it at promote (no ip_nonlocal_bind
# here) and retries only when woken up, up to 2.5 s later; promote leaves
# a watcher that wakes it as soon as the VIP is there.
check "promote left a watcher waiting for the VIP" wait_until 10 \
    grep -q "waiting for master_ip $VIP" "$TMP/agent.log"
check "VIP added on node1" vip_add node1
check "the watcher saw NB and SB listen on the VIP" wait_until 10 \
    grep -q "master_ip $VIP is up: NB and SB listen on it" "$TMP/agent.log"
check "a write through the VIP succeeds at once" vip_write first
for n in node2 node3; do
    check "$n NB replicates" wait_until 15 replicating "$n" nb
    check "$n SB replicates" wait_until 15 replicating "$n" sb
done
check "backups hold the first write" wait_until 15 backups_follow node1 first
expect_rc 8 "promoted monitor on node1" monitor_promoted node1
for n in node2 node3; do
    expect_rc 0 "unpromoted monitor on $n" monitor_unpromoted "$n"
done
check "only node1 is writable" \
    test "$(for n in $NODES; do writable "$n" && echo "$n"; done)" = node1
remember_servers

if [ "$TESTS_FAILED" != 0 ]; then
    echo "# setup failed; agent log:"
    tail -n 30 "$TMP/agent.log" 2>/dev/null
    summary
    exit 1
fi

echo "# $WRITERS writers through the VIP, $SWITCHOVERS switchovers"
rm -f "$STOP_FILE" "$BURST_FILE"
WRITERS_START=$(now_ns)
for w in $(seq 1 "$WRITERS"); do
    ip netns exec "$CL_NS" "$PYTHON" "$WRITER" --host "$VIP" \
        --port "$NB_PORT" --id "$w" --acked "$TMP/w$w.acked" \
        --unknown "$TMP/w$w.unknown" --refused "$TMP/w$w.refused" \
        --stop-file "$STOP_FILE" --duration 600 --timeout 2 \
        --burst-file "$BURST_FILE" --idle-rate "$IDLE_RATE" \
        > "$TMP/w$w.json" 2> "$TMP/w$w.stderr" &
    WRITER_PIDS+=("$!")
done
writers_acked() {
    cat "$TMP"/w*.acked 2>/dev/null | wc -l
}
writers_busy() {
    [ "$(writers_acked)" -ge "$((WRITERS * 10))" ]
}
# The writers are really writing before the first switchover.
check "writers commit through the VIP" wait_until 10 writers_busy

# stall_ms T0 T1: from the writers' files, the longest gap between
# consecutive acknowledgements from the last one before T0 to the first
# one after T1 (ns timestamps), in ms.
stall_ms() {
    "$PYTHON" - "$TMP" "$@" <<'PYEOF'
import bisect, glob, os, sys
tmp, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
times = []
for f in glob.glob(os.path.join(tmp, "w*.acked")):
    with open(f) as fh:
        times += [int(l.split()[1]) for l in fh if len(l.split()) == 2]
times.sort()
i0 = max(bisect.bisect_right(times, t0) - 1, 0)
i1 = min(bisect.bisect_left(times, t1), len(times) - 1)
gap = max((times[i + 1] - times[i] for i in range(i0, i1)), default=0)
print("%.0f" % (gap / 1e6))
PYEOF
}

# cpu_ticks: "busy total" jiffies of all CPUs; cpu_busy BEFORE: the busy
# percentage since BEFORE.
cpu_ticks() {
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat
}
cpu_busy() {
    local b0 t0 b1 t1
    read -r b0 t0 <<< "$1"
    read -r b1 t1 <<< "$(cpu_ticks)"
    echo $(( t1 > t0 ? 100 * (b1 - b0) / (t1 - t0) : 0 ))
}

# switchover OLD NEW K: one planned move of the Promoted role, under a
# burst of writes that starts before the VIP leaves and ends once the new
# active has taken writes for a while.
SWITCH_LOG=$TMP/switchovers.txt
: > "$SWITCH_LOG"
switchover() {
    local old=$1 new=$2 k=$3 third n t0 tv t1 t2 ok=0 step="" stall cpu0 cpu
    for n in $NODES; do
        [ "$n" != "$old" ] && [ "$n" != "$new" ] && third=$n
    done
    # The transition's notify lists.
    N_START=" " N_STOP=" " N_DEMOTE=$old N_PROMOTE=$new N_PROMOTED=$old
    N_UNPROMOTED=$(printf '%s\n' "$new" "$third" | sort | tr '\n' ' ')
    N_UNPROMOTED=${N_UNPROMOTED% }
    N_ACTIVE="node1 node2 node3"
    cpu0=$(cpu_ticks)
    touch "$BURST_FILE"
    sleep "$BURST_LEAD"
    cpu=$(cpu_busy "$cpu0")
    t0=$(now_ns)
    tv=$t0
    trace "switchover $k: $old -> $new begins"
    if ! vip_stop "$old"; then step="VIP stop on $old"
    elif ! notify_all pre demote; then step="pre-demote notify"
    elif ! agent "$old" demote; then
        step="demote $old: $(exit_reason "$old")"
    elif ! trace_sockets "$old" "after demote"; then step="(trace)"
    elif ! notify_all post demote; then step="post-demote notify"
    elif ! notify_all pre promote; then step="pre-promote notify"
    elif ! agent "$new" promote; then
        step="promote $new: $(exit_reason "$new")"
        FAILED_OLD=$old
    elif ! vip_stop_late "$old"; then step="(diagnostic) VIP off $old"
    elif ! notify_all post promote; then step="post-promote notify"
    elif ! vip_add "$new"; then step="VIP start on $new"
    elif ! tv=$(now_ns); then step="(clock)"
    elif ! wait_until 10 vip_write "probe-$k"; then
        step="no write through the VIP on $new within 10 s"
    else
        ok=1
    fi
    t1=$(now_ns)
    trace "switchover $k: $old -> $new done ok=$ok $step"
    N_DEMOTE=" " N_PROMOTE=" " N_PROMOTED=$new
    N_UNPROMOTED=$(printf '%s\n' "$old" "$third" | sort | tr '\n' ' ')
    N_UNPROMOTED=${N_UNPROMOTED% }
    if [ "$ok" = 1 ]; then
        sleep "$BURST_TAIL"
        rm -f "$BURST_FILE"
        pass "switchover $k $old -> $new: every action returned 0"
    else
        rm -f "$BURST_FILE"
        fail "switchover $k $old -> $new: $step"
        echo "$k $old $new $t0 $t1 failed $tv" >> "$SWITCH_LOG"
        echo "# switchover $k $old -> $new failed after" \
            "$(( (t1 - t0) / 1000000 )) ms; CPU busy ${cpu}% as the VIP left"
        return 1
    fi
    if wait_until 20 backups_follow "$new" "probe-$k"; then
        pass "switchover $k: $old and $third replicate from $new"
    else
        fail "switchover $k: $old and $third replicate from $new"
        return 1
    fi
    t2=$(now_ns)
    expect_rc 8 "switchover $k: promoted monitor on $new" \
        monitor_promoted "$new"
    expect_rc 0 "switchover $k: unpromoted monitor on $old" \
        monitor_unpromoted "$old"
    expect_rc 0 "switchover $k: unpromoted monitor on $third" \
        monitor_unpromoted "$third"
    stall=$(stall_ms "$t0" "$t1")
    echo "$k $old $new $t0 $t1 $t2 $tv" >> "$SWITCH_LOG"
    echo "# switchover $k $old -> $new: $(( (t1 - t0) / 1000000 )) ms" \
        "(actions $(( (tv - t0) / 1000000 )) ms, VIP up to a write" \
        "$(( (t1 - tv) / 1000000 )) ms), write stall $stall ms," \
        "backups following after $(( (t2 - t0) / 1000000 )) ms;" \
        "CPU busy ${cpu}% as the VIP left"
}

ACTIVE=node1
DONE=0
for k in $(seq 1 "$SWITCHOVERS"); do
    case $ACTIVE in
        node1) next=node2 ;;
        node2) next=node3 ;;
        *) next=node1 ;;
    esac
    FAILED_OLD=""
    if ! switchover "$ACTIVE" "$next" "$k"; then
        if [ -n "$FAILED_OLD" ]; then
            # What the old active still had queued for its peers.
            echo "# $FAILED_OLD's connections right after its demotion" \
                "(local -> peer, bytes queued, unsent):"
            sed -n "s/.*sockets of $FAILED_OLD after demote: //p" "$TRACE" \
                | tail -n 1 | tr ']' '\n' | sed -n 's/^ *\[/#   /p'
        fi
        echo "# after the failed switchover: VIP on [$(vip_holders)]," \
            "writable: [$(for n in $NODES; do writable "$n" \
            && printf '%s ' "$n"; done)]"
        break
    fi
    ACTIVE=$next
    DONE=$k
done
check "at least 20 switchovers done ($DONE)" test "$DONE" -ge 20

echo "# stop the writers"
touch "$STOP_FILE"
WRITERS_STOP=$(now_ns)
writers_gone() {
    local pid
    for pid in "${WRITER_PIDS[@]}"; do
        alive "$pid" && return 1
    done
    return 0
}
check "writers exit on the stop file" wait_until 10 writers_gone
kill_writers
for w in $(seq 1 "$WRITERS"); do
    echo "#   writer $w: $(cat "$TMP/w$w.json" 2>/dev/null)"
done

echo "# every acknowledged write is on the active and both backups"
FINAL_ACTIVE=$(for n in $NODES; do writable "$n" && printf '%s ' "$n"; done)
FINAL_ACTIVE=${FINAL_ACTIVE% }
check "exactly one writable database at the end ($FINAL_ACTIVE)" \
    test "$(echo "$FINAL_ACTIVE" | wc -w)" = 1
if [ "$DONE" = "$SWITCHOVERS" ]; then
    check "the VIP is on the writable node" \
        test "$(vip_holders)" = "$FINAL_ACTIVE "
    # After the writers stopped, a last write through the VIP must reach
    # both backups: they then hold everything the active had before it.
    check "final write through the VIP" wait_until 10 vip_write final
    check "backups caught up with the final write" \
        wait_until 30 backups_follow "$FINAL_ACTIVE" final
else
    fail "no final write: the switchover series did not complete"
fi
for n in $NODES; do
    transact "$n" nb '{"op":"select","table":"Logical_Switch","where":[],
        "columns":["name"]}' > "$TMP/$n.rows"
done

# Counts, losses, stalls (one Python pass over the writers' files).
"$PYTHON" - "$TMP" "$WRITERS_START" "$WRITERS_STOP" "$SWITCH_LOG" \
    > "$TMP/analysis.txt" 2>&1 <<'PYEOF'
import bisect, glob, json, os, statistics, sys

tmp, start_ns, stop_ns, swlog = sys.argv[1:5]
start_ns, stop_ns = int(start_ns), int(stop_ns)

def names(kind):
    out = {}
    for f in sorted(glob.glob(os.path.join(tmp, "w*.%s" % kind))):
        with open(f) as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 2:
                    out[parts[0]] = int(parts[1])
    return out

acked, unknown, refused = names("acked"), names("unknown"), names("refused")
rows = {}
for n in ("node1", "node2", "node3"):
    try:
        with open(os.path.join(tmp, n + ".rows")) as fh:
            res = json.load(fh)
        rows[n] = {r["name"] for r in res[0]["rows"]}
    except Exception as e:              # Counted as losses below.
        print("ERROR cannot read the rows of %s: %s" % (n, e))
        rows[n] = set()

times = sorted(acked.values())
secs = (stop_ns - start_ns) / 1e9
print("acked %d" % len(acked))
print("unknown %d" % len(unknown))
print("refused %d" % len(refused))
print("seconds %.1f" % secs)
print("rate %.0f" % (len(acked) / secs if secs else 0))
for n in sorted(rows):
    lost = sorted(set(acked) - rows[n], key=lambda x: acked[x])
    print("lost_%s %d" % (n, len(lost)))
    for name in lost[:10]:
        print("LOST on %s: %s acked at %d ms, present on: %s"
              % (n, name, acked[name] // 1000000,
                 " ".join(m for m in sorted(rows) if name in rows[m])
                 or "none"))
anywhere = set().union(*rows.values())
print("unknown_committed %d" % len([u for u in unknown if u in anywhere]))
print("refused_committed %d" % len([r for r in refused if r in anywhere]))
print("copies_identical %d"
      % int(len({frozenset(s) for s in rows.values()}) == 1))

# Per switchover: duration, write stall (longest gap between consecutive
# acknowledgements from the last one before the VIP left to the first one
# after the new active took a write), and the acknowledgements in the
# 80 ms before the VIP left (the load the switchover met).
stalls, loads = [], []
with open(swlog) as fh:
    for line in fh:
        k, old, new, t0, t1, t2, tv = line.split()
        t0, t1 = int(t0), int(t1)
        n = (bisect.bisect_right(times, t0)
             - bisect.bisect_left(times, t0 - 80 * 10**6)) / 0.08
        loads.append(n)
        if t2 == "failed":
            print("switchover %s %s->%s: failed after %.0f ms, "
                  "%.0f writes/s before it" % (k, old, new,
                                               (t1 - t0) / 1e6, n))
            continue
        i0 = max(bisect.bisect_right(times, t0) - 1, 0)
        i1 = min(bisect.bisect_left(times, t1), len(times) - 1)
        gap = max((times[i + 1] - times[i] for i in range(i0, i1)),
                  default=0)
        stalls.append(gap / 1e6)
        print("switchover %s %s->%s: %.0f ms, stall %.0f ms, "
              "%.0f writes/s before it" % (k, old, new, (t1 - t0) / 1e6,
                                           gap / 1e6, n))
if loads:
    print("burst_rate %.0f" % statistics.median(loads))
if stalls:
    print("stall_max %.0f" % max(stalls))
    print("stall_median %.0f" % statistics.median(stalls))
PYEOF
sed 's/^/#   /' "$TMP/analysis.txt"
get() {
    sed -n "s/^$1 //p" "$TMP/analysis.txt" | head -n 1
}
ACKED=$(get acked)
check "writes were acknowledged" test "${ACKED:-0}" -gt 0
for n in $NODES; do
    check "no acknowledged write lost on $n" test "$(get "lost_$n")" = 0
done
check "the three copies are identical" test "$(get copies_identical)" = 1
check "no refused write committed" test "$(get refused_committed)" = 0
echo "# switchovers: $DONE, acknowledged writes: $ACKED," \
    "write rate: $(get burst_rate)/s in the bursts" \
    "($(get rate)/s on average over $(get seconds) s)," \
    "lost acknowledged writes: node1 $(get lost_node1)," \
    "node2 $(get lost_node2), node3 $(get lost_node3);" \
    "unknown writes: $(get unknown) ($(get unknown_committed) committed)," \
    "refused: $(get refused); stall max $(get stall_max) ms," \
    "median $(get stall_median) ms"

echo "# stop everything"
for n in $NODES; do
    expect_rc 0 "stop $n" agent "$n" stop
done
servers_gone() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        is_ours "$pid" "$TMP/" ovsdb-server && return 1
    done
    return 0
}
check "no ovsdb-server left (${#SERVER_PIDS[@]} seen)" servers_gone
no_pidfiles() {
    ! compgen -G "$TMP/node*/run/*.pid" >/dev/null
}
check "pidfiles removed" no_pidfiles
kill_servers
kill_writers
delete_namespaces
check "namespaces deleted" test "$(my_namespaces)" = 0
check "still no address of $SUBNET.0/24 in the root namespace" root_ns_clean

if [ "$TESTS_FAILED" != 0 ]; then
    echo "# agent log (last lines):"
    tail -n 12 "$TMP/agent.log" 2>/dev/null | sed 's/^/#   /'
fi
summary
