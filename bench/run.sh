#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2317  # trap handlers and functions run indirectly
# bench/run.sh - the benchmarks of ocf:ovn:ovndb-servers against OVN's own
# ovndb-servers.ocf ("make bench" runs it).  Prints a table and writes it
# into docs/benchmarks.md (between the GENERATED markers; the rest of the
# file is kept).
#
#   1. per action (bench/bench.py): both agents in two network namespaces
#      that have only "lo" (no route off the machine), interleaved runs
#   2. cluster failover in the 3-node lab (bench/failover.sh, through
#      tests/cluster/lab.sh), both agents
#   3. scale: 0, 10,000 and 100,000 rows (bench/bench.py)
#   4. a day of monitoring, computed from 1 (bench/report.py)
#   5. the steady-state monitor inside a live lab node, both agents, in
#      part 2's labs after their failover runs (bench/livemon.sh)
#
# Settings (environment):
#   BENCH_RUNS=30          runs per figure (part 1)
#   BENCH_ROWS=1000        rows of the part 1 databases (NB and SB each)
#   BENCH_SCALE=0,10000,100000   part 3 sizes
#   BENCH_SCALE_RUNS=15    runs per part 3 latency figure
#   BENCH_FRESH_RUNS=5     fresh-backup runs per size and agent
#   BENCH_LAB=1            part 2 (0: skip it, "not measured")
#   BENCH_LAB_RUNS=5       part 2 runs per fault and agent
#   BENCH_LIVEMON=1        part 5 (0: skip it; it needs part 2's lab)
#   BENCH_LIVEMON_WINDOW=120   part 5: seconds of Pacemaker's own runs
#   BENCH_LIVEMON_RUNS=30  part 5: monitors run inside each node
#   BENCH_LIVEMON_ONLY=1   part 5 alone, in a lab of its own per agent (no
#                          parts 1-4): rewrites only part 5 and its target
#                          rows in the document
#   BENCH_QUICK=1          a smoke test: 3 runs, small scale, 1 lab run
#   BENCH_DOC=FILE         the document to update (docs/benchmarks.md;
#                          empty: none)
#   BENCH_KEEP=1           keep the work directory (logs, raw results)
#
# Run as root.  It uses the tree's build ("make install DESTDIR" into its
# work directory, so that concurrent installs do not disturb it) and the
# reference agent installed by ovn-central.  Everything it starts is
# stopped by PID, its namespaces are deleted, on success and on failure.
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
REF=/usr/share/ovn/scripts/ovndb-servers.ocf
NS_OURS=ovndbbench-ours
NS_REF=ovndbbench-ref

say() {
    echo "bench: $*" >&2
}

die() {
    echo "bench: error: $*" >&2
    exit 1
}

[ "$(id -u)" = 0 ] || die "run as root (network namespaces)"
[ -r "$REF" ] || die "$REF is missing: install ovn-central"
for p in python3 strace ip ovsdb-server ovsdb-tool crm_attribute perf; do
    command -v "$p" >/dev/null || die "$p is not installed (scripts/install-deps.sh)"
done

if [ -n "${BENCH_QUICK:-}" ]; then
    : "${BENCH_RUNS:=3}" "${BENCH_SCALE:=0,10000}" "${BENCH_SCALE_RUNS:=3}"
    : "${BENCH_FRESH_RUNS:=1}" "${BENCH_LAB_RUNS:=1}"
    export BENCH_LAB_NLB_RUNS=${BENCH_LAB_NLB_RUNS:-1}
    export BENCH_LIVEMON_WINDOW=${BENCH_LIVEMON_WINDOW:-40}
    export BENCH_LIVEMON_RUNS=${BENCH_LIVEMON_RUNS:-5}
fi
LIVEMON_ONLY=${BENCH_LIVEMON_ONLY:-}
RUNS=${BENCH_RUNS:-30}
ROWS=${BENCH_ROWS:-1000}
SCALE=${BENCH_SCALE:-0,10000,100000}
SCALE_RUNS=${BENCH_SCALE_RUNS:-15}
FRESH_RUNS=${BENCH_FRESH_RUNS:-5}
LAB=${BENCH_LAB:-1}
LIVEMON=${BENCH_LIVEMON:-1}
[ -n "$LIVEMON_ONLY" ] && LAB=1 LIVEMON=1
LAB_RUNS=${BENCH_LAB_RUNS:-5}
DOC=${BENCH_DOC-$ROOT/docs/benchmarks.md}

WORK=$(mktemp -d /tmp/ovndbbench.XXXXXX) || die "mktemp"
chmod 755 "$WORK"

cleanup() {
    local ns
    trap '' INT TERM
    "$HERE/cleanup.sh" "$WORK" || say "some processes of $WORK survived"
    for ns in "$NS_OURS" "$NS_REF"; do
        if [ -e "/run/netns/$ns" ]; then
            ip netns del "$ns" || say "cannot delete namespace $ns"
        fi
    done
    if [ -n "${BENCH_KEEP:-}" ]; then
        say "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'say interrupted; exit 130' INT TERM

# snapshot NAME: load average, CPU counters and the other clusters running
# on the machine (lab nodes of other users), at one moment.
snapshot() {
    {
        echo "time $(date +%s.%N)"
        echo "loadavg $(cat /proc/loadavg)"
        grep '^cpu ' /proc/stat
        echo "corosync $(pgrep -xc corosync || true)"
        echo "ovsdb-server $(pgrep -xc ovsdb-server || true)"
    } > "$WORK/snap-$1"
}

# A namespace with only "lo": no other interface, no route off it.
make_ns() {
    local ns=$1
    if [ -e "/run/netns/$ns" ]; then
        # Left over by an aborted bench: nothing of it is in use any more
        # (its processes died with the run that made it).
        say "removing the stale namespace $ns"
        ip netns del "$ns" || die "cannot remove the stale namespace $ns"
    fi
    ip netns add "$ns" || die "cannot create namespace $ns"
    ip -n "$ns" link set lo up
    [ "$(ip -n "$ns" -o link show | grep -vc ': lo:')" = 0 ] \
        || die "$ns has an interface other than lo"
    if ip -n "$ns" route show default | grep -q . \
        || ip -n "$ns" route get 192.0.2.254 >/dev/null 2>&1; then
        die "$ns can route off the machine: refusing to run the reference agent"
    fi
}

START=$(date +%s)
snapshot before
# Which agent is measured: the tree's commit and whether its agent or
# helper sources differ from it.
{
    git -C "$ROOT" log -1 --format='%h %cs %s' 2>/dev/null || echo unknown
    git -C "$ROOT" status --porcelain -- helper agent 2>/dev/null | wc -l
} > "$WORK/agent-version"
say "work directory $WORK"

# Our agent: the tree's build, installed into the work directory.  The
# micro benchmarks run a copy whose helper path points there; the lab
# bind-mounts the installed tree (LAB_AGENT_DESTDIR).
INST=$WORK/inst
make -s -C "$ROOT" install SANITIZE=0 DESTDIR="$INST" \
    >"$WORK/install.log" 2>&1 \
    || die "make install DESTDIR=$INST failed (see $WORK/install.log)"
OURS=$INST/ovndb-servers
sed "s|/usr/libexec/ovndb-servers/ovndb-servers-helper|$INST/usr/libexec/ovndb-servers/ovndb-servers-helper|" \
    "$INST/usr/lib/ocf/resource.d/ovn/ovndb-servers" > "$OURS"
chmod 755 "$OURS"
grep -q "$INST/usr/libexec" "$OURS" || die "cannot point $OURS at its helper"

status=0
if [ -z "$LIVEMON_ONLY" ]; then
    make_ns "$NS_OURS"
    make_ns "$NS_REF"
    say "part 1 and 3: per action and scale ($RUNS runs per figure)"
    snapshot micro-start
    python3 "$HERE/bench.py" --work "$WORK" --out "$WORK/results.json" \
        --ns-ours "$NS_OURS" --ns-ref "$NS_REF" --ours-program "$OURS" \
        --ours-helper "$INST/usr/libexec/ovndb-servers/ovndb-servers-helper" \
        --runs "$RUNS" --rows "$ROWS" --scale-sizes "$SCALE" \
        --scale-runs "$SCALE_RUNS" --fresh-runs "$FRESH_RUNS" \
        2> >(tee "$WORK/bench.log" >&2) || status=1
    snapshot micro-end
    for ns in "$NS_OURS" "$NS_REF"; do
        ip netns del "$ns"
    done
fi

# Part 5 runs in part 2's labs (failover.sh, through bench/livemon.sh);
# alone, failover.sh builds each agent's lab and runs no fault.
if [ "$LIVEMON" = 1 ]; then
    export BENCH_LIVEMON_OUT=$WORK/livemon.jsonl
    : > "$BENCH_LIVEMON_OUT"
fi
if [ -n "$LIVEMON_ONLY" ]; then
    export BENCH_LAB_FAULTS=
    say "part 5 alone: the monitor in a live lab node"
elif [ "$LAB" = 1 ]; then
    say "part 2: failover in the lab ($LAB_RUNS runs per fault and agent)"
fi
if [ "$LAB" = 1 ]; then
    snapshot lab-start
    LAB_AGENT_DESTDIR=$INST "$HERE/failover.sh" "$WORK/failover.json" \
        "$LAB_RUNS" 2> >(tee "$WORK/failover.log" >&2) || status=1
    snapshot lab-end
else
    echo '{"not_measured": "skipped (BENCH_LAB=0)"}' > "$WORK/failover.json"
fi

snapshot after
END=$(date +%s)
python3 "$HERE/report.py" --work "$WORK" --seconds $((END - START)) \
    ${LIVEMON_ONLY:+--livemon-only} ${DOC:+--doc "$DOC"} || status=1
exit $status
