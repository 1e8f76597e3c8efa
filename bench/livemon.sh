# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# bench/livemon.sh - part 5 of the bench: the steady-state monitor inside
# a live lab node.  Sourced by bench/failover.sh (after lab.sh and
# ovndb.sh); livemon_measure AGENT runs in each agent's lab once its
# failover runs are over and the cluster is clean again (or right after
# the resources are created, with BENCH_LIVEMON_ONLY=1).
#
# For the Promoted node and the Unpromoted nodes:
#   1. Pacemaker's own runs: every recurring monitor pacemaker-execd runs
#      during a window of LIVEMON_WINDOW seconds, timed from execd's fork()
#      to its wait4() that reaped the agent (kernel scheduler and syscall
#      tracepoints, "perf record -a": nothing is added to the node, the
#      agent or execd).  Pacemaker 2.1 has no figure of its own for these:
#      the controller asks execd for a recurring result only when it
#      changes, so the CIB keeps the first run's exec-time, and execd logs
#      the later runs at debug level only.
#   2. the floor: the same for a trivial agent (bench/livemon-floor.sh as
#      ocf:ovnbench:livemon-floor, in the lab's private /usr/lib/ocf) run
#      as a plain resource with the same interval on the same node.
#   3. the agent alone: "AGENT monitor" run LIVEMON_RUNS times inside the
#      node (bench/livemon.py run) with the environment of one real
#      recurring monitor of that role, captured from Pacemaker (a wrapper
#      in place of the agent for one monitor per role, removed before
#      anything is measured); wall time, CPU, exit code, programs (strace,
#      separate runs) and whether the CIB changed.
#
# Everything it adds lives in the lab (its state directory and its CIB),
# which lab_down removes.

LIVEMON_WINDOW=${BENCH_LIVEMON_WINDOW:-120}
LIVEMON_RUNS=${BENCH_LIVEMON_RUNS:-30}
LIVEMON_FLOOR=/usr/lib/ocf/resource.d/ovnbench/livemon-floor
# The perf record of the window while it runs (the caller's teardown
# stops it: livemon_stop).
LM_PERF_PID=

livemon_stop() {
    if [ -n "$LM_PERF_PID" ]; then
        kill "$LM_PERF_PID" 2>/dev/null
        wait "$LM_PERF_PID" 2>/dev/null
        LM_PERF_PID=
    fi
}

livemon_say() {
    say "livemon: $*"
}

# livemon_agent_path AGENT: the agent as Pacemaker runs it in the nodes.
livemon_agent_path() {
    case $1 in
        ours) echo /usr/lib/ocf/resource.d/ovn/ovndb-servers ;;
        ref) echo /usr/lib/ocf/resource.d/ovnbench/ovndb-servers ;;
    esac
}

# livemon_execd NODE: the root-namespace PID of NODE's pacemaker-execd.
livemon_execd() {
    local p
    for p in $(pgrep -x pacemaker-execd); do
        lab_proc_of_node "$p" "$1" && { echo "$p"; return 0; }
    done
    return 1
}

# livemon_interval NODE: the recurring monitor's interval (ms) there.
livemon_interval() {
    if [ "$1" = "$LM_P" ]; then echo 10000; else echo 30000; fi
}

# livemon_wrap FILE: FILE (in the lab's private /usr/lib/ocf) becomes a
# wrapper that saves the environment of every recurring monitor into the
# node's /run (livemon-env.INTERVAL), then execs the original.
livemon_wrap() {
    local f=$LAB_DIR/ocf/${1#/usr/lib/ocf/}
    rm -f "$f.livemon-orig" "$f.livemon-new"
    cp -P "$f" "$f.livemon-orig" || return 1
    cat > "$f.livemon-new" <<EOF
#!/bin/sh
case \${1:-}:\${OCF_RESKEY_CRM_meta_interval:-} in
    monitor:?*)
        cat /proc/\$\$/environ > /run/livemon-env.tmp.\$\$ &&
            mv -f /run/livemon-env.tmp.\$\$ "/run/livemon-env.\$OCF_RESKEY_CRM_meta_interval"
        ;;
esac
exec $1.livemon-orig "\$@"
EOF
    chmod 755 "$f.livemon-new" && mv -f "$f.livemon-new" "$f"
}

# livemon_unwrap FILE: the original back in place (atomically).  The
# copy the wrapper execs stays until livemon_unwrap_done: a monitor that
# started the wrapper just before must still find it.
livemon_unwrap() {
    local f=$LAB_DIR/ocf/${1#/usr/lib/ocf/}
    [ -e "$f.livemon-orig" ] || [ -L "$f.livemon-orig" ] || return 0
    rm -f "$f.livemon-back"
    cp -P "$f.livemon-orig" "$f.livemon-back" && mv -f "$f.livemon-back" "$f"
}

livemon_unwrap_done() {
    rm -f "$LAB_DIR/ocf/${1#/usr/lib/ocf/}.livemon-orig"
}

# livemon_same A B: two livemon_cibstate records show the same nodes'
# records and no operation pending (rc-code 193); with "diff", prints what
# differs.
livemon_same() {
    python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["nodes"]
b = json.load(open(sys.argv[2]))["nodes"]
diff = ["%s %s" % (n, k) for n in sorted(set(a) | set(b))
        for k in sorted(set(a.get(n, {})) | set(b.get(n, {})))
        if a.get(n, {}).get(k) != b.get(n, {}).get(k)]
pending = [n + " " + k for n, d in b.items() for k, v in d.items()
           if isinstance(v, dict) and v.get("rc-code") == "193"]
if sys.argv[3] == "diff":
    print(", ".join(diff + ["%s pending" % p for p in pending]))
sys.exit(0 if not diff and not pending else 1)
PY
}

# livemon_wait_steady OUT: waits (60 s at most) until the CIB's records
# stay the same for 3 s with nothing pending; OUT is the last record.
livemon_wait_steady() {
    local i a=$LM_DIR/steady-a.json
    livemon_cibstate "$LM_P" "$a" || return 1
    for ((i = 0; i < 15; i++)); do
        sleep 3
        livemon_cibstate "$LM_P" "$1" || return 1
        livemon_same "$a" "$1" && return 0
        cp "$1" "$a"
    done
    return 1
}

# livemon_floor_create: the floor resources, on the current roles' nodes:
# livemon_floor_p (monitor every 10 s) on the Promoted node, the clone
# livemon_floor_u-clone (every 30 s) on the other two.
livemon_floor_create() {
    local f=$LAB_DIR/livemon-floor.xml
    install -D -m 755 "$HERE/livemon-floor.sh" "$LAB_DIR/ocf/${LIVEMON_FLOOR#/usr/lib/ocf/}" \
        || return 1
    rm -f "$f"
    lab_exec "$LM_P" pcs cluster cib "$f" || return 1
    lab_exec "$LM_P" pcs -f "$f" resource create livemon_floor_p \
        ocf:ovnbench:livemon-floor op monitor interval=10s timeout=20s --force \
        || return 1
    lab_exec "$LM_P" pcs -f "$f" constraint location livemon_floor_p \
        prefers "$LM_P=INFINITY" || return 1
    lab_exec "$LM_P" pcs -f "$f" resource create livemon_floor_u \
        ocf:ovnbench:livemon-floor op monitor interval=30s timeout=20s --force \
        clone || return 1
    lab_exec "$LM_P" pcs -f "$f" constraint location livemon_floor_u-clone \
        avoids "$LM_P=INFINITY" || return 1
    lab_exec "$LM_P" pcs cluster cib-push "$f" --config
}

# livemon_floor_started: livemon_floor_p started on the Promoted node and
# two instances of the clone elsewhere.
livemon_floor_started() {
    local xml
    xml=$(ovl_xml) || return 1
    [ "$(ovl_attr_list "$xml" "//resource[@id='livemon_floor_p' and @role='Started']/node/@name")" = "$LM_P" ] \
        || return 1
    [ "$(ovl_attr_list "$xml" "//clone[@id='livemon_floor_u-clone']/resource[@role='Started']/node/@name" | grep -c .)" = 2 ]
}

# livemon_cibstate NODE OUT: the CIB's version and what a monitor could
# have written (bench/livemon.py cibstate), every node's, read on NODE.
livemon_cibstate() {
    local x=$LM_DIR/cib.xml
    lab_exec "$1" cibadmin -Q > "$x" 2>/dev/null || return 1
    python3 "$HERE/livemon.py" cibstate --cib "$x" --node "${LAB_NODES[@]}" \
        > "$2"
}

# livemon_measure AGENT: part 5 for AGENT in the current lab; appends one
# JSON line to LIVEMON_OUT.
livemon_measure() {
    local agent=$1 path n i t0 ppid pargs=() filter='' iv ok cwd
    t0=$(now_ms)
    LM_DIR=$WDIR/livemon-$agent
    rm -rf "$LM_DIR"
    mkdir -p "$LM_DIR"
    : > "$LM_DIR/notes"
    path=$(livemon_agent_path "$agent")
    if ! wait_clean 120; then
        livemon_say "$agent: the cluster is not clean: $OVL_WHY"
        echo "cluster not clean before part 5: $OVL_WHY" >> "$LM_DIR/notes"
    fi
    LM_P=$(ovl_promoted | head -1)
    if [ -z "$LM_P" ]; then
        livemon_say "$agent: no promoted node: not measured"
        livemon_collect "$agent" "no promoted node"
        return 1
    fi
    LM_U=()
    for n in "${LAB_NODES[@]}"; do
        [ "$n" != "$LM_P" ] && LM_U+=("$n")
    done
    livemon_say "$agent: Promoted $LM_P, Unpromoted ${LM_U[*]}"
    echo "$LM_P" > "$LM_DIR/promoted"
    printf '%s\n' "${LM_U[@]}" > "$LM_DIR/unpromoted"

    # The environment of one real recurring monitor per node, while the
    # floor resources start.
    for n in "${LAB_NODES[@]}"; do
        lab_exec "$n" rm -f /run/livemon-env.10000 /run/livemon-env.30000
    done
    livemon_wrap "$path" || echo "could not wrap the agent" >> "$LM_DIR/notes"
    if ! livemon_floor_create > "$LM_DIR/floor-create.log" 2>&1; then
        livemon_say "$agent: creating the floor resources failed:"
        cat "$LM_DIR/floor-create.log" >&2
        echo "floor resources not created" >> "$LM_DIR/notes"
    fi
    for ((i = 0; i < 100; i++)); do
        ok=1
        for n in "${LAB_NODES[@]}"; do
            iv=$(livemon_interval "$n")
            lab_exec "$n" test -s "/run/livemon-env.$iv" || ok=0
        done
        livemon_floor_started || ok=0
        [ "$ok" = 1 ] && break
        sleep 0.5
    done
    livemon_unwrap "$path"
    for n in "${LAB_NODES[@]}"; do
        iv=$(livemon_interval "$n")
        lab_exec "$n" cat "/run/livemon-env.$iv" > "$LM_DIR/env-$n" 2>/dev/null \
            || echo "no environment captured on $n" >> "$LM_DIR/notes"
    done
    livemon_floor_started || echo "floor resources not all started" >> "$LM_DIR/notes"
    # Steady: no transition under way, nothing changing in the status.
    livemon_wait_steady "$LM_DIR/window-before.json" \
        || echo "the CIB's status was still changing when the window began" >> "$LM_DIR/notes"
    if grep -q 'ovndb_servers_last_failure' "$LM_DIR/window-before.json"; then
        echo "a failed operation of ovndb_servers is recorded in the CIB" >> "$LM_DIR/notes"
    fi

    # 1 and 2: Pacemaker's own runs during the window.
    for n in "${LAB_NODES[@]}"; do
        ppid=$(livemon_execd "$n") || { echo "no pacemaker-execd on $n" >> "$LM_DIR/notes"; continue; }
        pargs+=("$n=$ppid")
        filter="${filter:+$filter || }common_pid == $ppid"
    done
    livemon_say "$agent: window of $LIVEMON_WINDOW s (Pacemaker's runs, perf record)"
    perf record -q -a -m 1024 -o "$LM_DIR/perf.data" \
        -e sched:sched_process_fork -e sched:sched_process_exec \
        -e sched:sched_process_exit -e syscalls:sys_exit_wait4 \
        --filter "${filter:-common_pid == 0}" \
        -- sleep "$LIVEMON_WINDOW" > "$LM_DIR/perf.log" 2>&1 &
    LM_PERF_PID=$!
    wait "$LM_PERF_PID" || echo "perf record failed (see perf.log)" >> "$LM_DIR/notes"
    LM_PERF_PID=
    livemon_cibstate "$LM_P" "$LM_DIR/window-after.json"
    if ! livemon_same "$LM_DIR/window-before.json" "$LM_DIR/window-after.json"; then
        echo "the CIB's status changed during the window (a transition: figure 1 includes its operations): $(livemon_same "$LM_DIR/window-before.json" "$LM_DIR/window-after.json" diff)" >> "$LM_DIR/notes"
    fi
    perf script -i "$LM_DIR/perf.data" -F comm,pid,tid,time,event,trace \
        > "$LM_DIR/perf.txt" 2>>"$LM_DIR/perf.log"
    python3 "$HERE/livemon.py" perf --script "$LM_DIR/perf.txt" \
        --execd "${pargs[@]}" > "$LM_DIR/perf.json" \
        || echo "perf script parsing failed" >> "$LM_DIR/notes"
    rm -f "$LM_DIR/perf.data"

    # 3: the agent alone, inside the Promoted node and one Unpromoted node.
    for n in "$LM_P" "${LM_U[0]}"; do
        iv=$(livemon_interval "$n")
        livemon_say "$agent: $LIVEMON_RUNS monitors inside $n"
        cwd=$(lab_exec "$n" sh -c 'readlink "/proc/$(pidof pacemaker-execd)/cwd"' 2>/dev/null)
        livemon_cibstate "$n" "$LM_DIR/cib-$n-before.json"
        lab_exec "$n" python3 "$HERE/livemon.py" run \
            --env "/run/livemon-env.$iv" --agent "$path" \
            --runs "$LIVEMON_RUNS" --cwd "${cwd:-/}" \
            --out /run/livemon-run.json > "$LM_DIR/run-$n.log" 2>&1 \
            || echo "in-node runs on $n failed" >> "$LM_DIR/notes"
        livemon_cibstate "$n" "$LM_DIR/cib-$n-after.json"
        lab_exec "$n" cat /run/livemon-run.json > "$LM_DIR/run-$n.json" 2>/dev/null
    done
    livemon_unwrap_done "$path"
    echo $(( ($(now_ms) - t0) / 1000 )) > "$LM_DIR/seconds"
    livemon_collect "$agent"
}

# livemon_collect AGENT [WHY]: one JSON line for AGENT into LIVEMON_OUT.
livemon_collect() {
    echo "$LIVEMON_WINDOW" > "$LM_DIR/window"
    echo "$LIVEMON_RUNS" > "$LM_DIR/runs"
    python3 "$HERE/livemon.py" collect --dir "$LM_DIR" --agent "$1" \
        --agent-path "$(livemon_agent_path "$1")" \
        --floor "$LIVEMON_FLOOR" ${2:+--not-measured "$2"} >> "$LIVEMON_OUT"
}
