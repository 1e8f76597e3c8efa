#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# ocf-tester/run.sh - runs resource-agents' ocf-tester against the INSTALLED
# ocf:ovn:ovndb-servers (run "make install" first), with real ovsdb-servers
# on 127.0.0.1, three times:
#   ipv4    master_ip=127.0.0.1  ports 26641/26642
#   ipv6    master_ip=::1        ports 26643/26644
#   northd  master_ip=127.0.0.1  ports 26645/26646  manage_northd=yes
# No cluster is involved: CIB_file is unset and crm_attribute must answer
# "no cluster" (102), which the agent tolerates.  Every ovsdb-server and
# ovn-northd a run started must be gone when it ends.
# Exits non-zero if anything failed; the last line is "N passed, N failed".

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=../tests/lib/common.sh
. "$root/tests/lib/common.sh"

agent=/usr/lib/ocf/resource.d/ovn/ovndb-servers
installed_helper=/usr/libexec/ovndb-servers/ovndb-servers-helper
tester=/usr/sbin/ocf-tester
# ocf-tester's own steps are quick; this only bounds a hung agent.
tester_timeout=300

# Never talk to a cluster, live or simulated: the agent's crm_attribute
# must find none (102).
if [ -n "${CIB_file+set}${CIB_shadow+set}" ]; then
    echo "# note: unsetting CIB_file/CIB_shadow for ocf-tester"
fi
unset CIB_file CIB_shadow CIB_shadow_dir

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovndb-oct.XXXXXX") || exit 1
on_exit rm -rf "$tmp"

# --- preconditions ------------------------------------------------------

for f in "$tester" "$agent" "$installed_helper"; do
    if [ ! -x "$f" ]; then
        echo "Bail out! $f is missing (run 'make install' as root)"
        exit 1
    fi
done
if [ -x "$root/build/std/ovndb-servers-helper" ] &&
   ! cmp -s "$root/build/std/ovndb-servers-helper" "$installed_helper" &&
   ! cmp -s "$root/build/san/ovndb-servers-helper" "$installed_helper"; then
    echo "# note: $installed_helper is neither build/std's nor build/san's;" \
         "run 'make install' to test the current build"
fi

# pgrep -x matches exact process names only; nothing is killed here.  Only
# daemons in this network namespace could be reached (a lab cluster in
# namespaces of its own cannot).  pgrep must answer "none" (1) for each:
# a pgrep that fails (2, 3, or missing) proves nothing.
no_cluster_daemons() {
    local d rc
    for d in pacemakerd pacemaker-based corosync; do
        pgrep --ns $$ --nslist net -x "$d"
        rc=$?
        if [ "$rc" != 1 ]; then
            [ "$rc" = 0 ] || echo "    # pgrep failed (rc $rc)"
            return 1
        fi
    done
    return 0
}
check "no cluster daemon runs in this network namespace" no_cluster_daemons
crm_attribute --type crm_config --name ovndb-servers-ocf-tester -G \
    >/dev/null 2>&1
rc=$?
check "crm_attribute reaches no cluster (rc $rc, expected 102)" \
    test "$rc" = 102
if [ "$TESTS_FAILED" != 0 ]; then
    echo "Bail out! a cluster is reachable: the agent would write into it"
    summary
    exit 1
fi

# --- helpers ---------------------------------------------------------------

# ports_free PORT...: a successful ss listing shows nothing listening on
# any PORT (port_free, tests/lib/common.sh: a missing or failing ss fails).
ports_free() {
    local p busy=0
    for p in "$@"; do
        if ! port_free "$p"; then
            echo "    # port $p is in use (or ss failed):"
            ss -tlnp "sport = :$p" 2>&1 | show
            busy=1
        fi
    done
    [ "$busy" = 0 ]
}

# no_failed_assertion FILE: FILE (ocf-tester's output) is readable and
# holds no failed assertion ('* rc=...', 'Aborting tests'): grep must say
# "no match" (1), not fail (2).
no_failed_assertion() {
    grep -Eq '^\* rc=|^Aborting tests' "$1"
    [ $? = 1 ]
}

# error_lines FILE: the lines of FILE (non-empty) that say "error" or
# "failed", but the meta-data dump (lines starting with '<', which
# tests/metadata.sh validates); fails if FILE is missing or empty.
error_lines() {
    [ -s "$1" ] || { echo "(no output in $1)"; return 1; }
    grep -v '^<' "$1" | grep -iE 'error|failed'
    return 0
}

# run_tester NAME MASTER_IP NB_PORT SB_PORT [-o name=value]...
run_tester() {
    local name=$1 ip=$2 nb=$3 sb=$4 dir out rc t0 t1 bad failed0 f
    shift 4
    dir=$tmp/$name
    out=$dir/ocf-tester.out
    failed0=$TESTS_FAILED
    mkdir -p "$dir/db" "$dir/run" "$dir/log"
    on_exit kill_leftovers "$dir" '>/dev/null'

    echo "# $name: master_ip=$ip nb_master_port=$nb sb_master_port=$sb $*"
    if ! ports_free "$nb" "$sb"; then
        fail "$name: ports $nb and $sb are free"
        return
    fi
    pass "$name: ports $nb and $sb are free"

    t0=$(date +%s%N)
    # From /: ocf-tester's "su nobody" step must not start in our 0700 dir.
    (cd / && timeout -k 10 "$tester_timeout" "$tester" -v -n ovndb_servers \
        -o master_ip="$ip" -o nb_master_port="$nb" -o sb_master_port="$sb" \
        -o db_dir="$dir/db" -o run_dir="$dir/run" -o log_dir="$dir/log" \
        "$@" "$agent") >"$out" 2>&1
    rc=$?
    t1=$(date +%s%N)
    echo "# $name: ocf-tester took $(( (t1 - t0) / 1000000 )) ms," \
         "$(grep -c '^Testing: ' "$out") steps"

    check "$name: ocf-tester exits 0 (rc $rc)" test "$rc" = 0
    check "$name: ocf-tester says 'passed all tests'" \
        grep -q 'passed all tests$' "$out"
    check "$name: no failed assertion ('* rc=...', 'Aborting tests')" \
        no_failed_assertion "$out"
    bad=$(error_lines "$out")
    check "$name: no 'error' or 'failed' line in the output" test -z "$bad"
    [ -n "$bad" ] && printf '%s\n' "$bad" | sed 's/^/    # /'

    check "$name: both databases were created in db_dir" \
        test -s "$dir/db/ovnnb_db.db" -a -s "$dir/db/ovnsb_db.db"
    check "$name: every ovsdb-server/ovn-northd it started is gone" \
        kill_leftovers "$dir"

    if [ "$TESTS_FAILED" != "$failed0" ]; then
        echo "    # ---- ocf-tester output ($name) ----"
        show "$out"
        for f in "$dir"/log/*.log; do
            [ -f "$f" ] || continue
            echo "    # ---- $f (last 20 lines) ----"
            tail -n 20 "$f" | sed 's/^/    # /'
        done
    fi
}

# --- the runs -------------------------------------------------------------

run_tester ipv4 127.0.0.1 26641 26642
check "ipv4: the backups replicated from tcp:127.0.0.1:26641 and 26642" \
    eval "grep -qs 'tcp:127.0.0.1:26641' '$tmp/ipv4/log/ovsdb-server-nb.log' &&
          grep -qs 'tcp:127.0.0.1:26642' '$tmp/ipv4/log/ovsdb-server-sb.log'"

if grep -qs '^0\{31\}1 .* lo$' /proc/net/if_inet6; then
    run_tester ipv6 ::1 26643 26644
    check "ipv6: the backups replicated from tcp:[::1]:26643 and 26644" \
        eval "grep -qsF 'tcp:[::1]:26643' '$tmp/ipv6/log/ovsdb-server-nb.log' &&
              grep -qsF 'tcp:[::1]:26644' '$tmp/ipv6/log/ovsdb-server-sb.log'"
else
    skip "ipv6: ::1 is not configured on lo"
fi

if command -v ovn-northd >/dev/null; then
    run_tester northd 127.0.0.1 26645 26646 -o manage_northd=yes
    check "northd: ovn-northd ran on promotion (ovn-northd.log)" \
        grep -qs 'ovn-northd lock acquired\|OVN internal version' \
        "$tmp/northd/log/ovn-northd.log"
else
    skip "northd: ovn-northd is not installed (ovn-central)"
fi

summary
