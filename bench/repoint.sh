#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/repoint.sh [RUNS] - how long a backup takes to replicate again when
# it is pointed at the source it already had, after that source came back
# while the backup's reconnection back-off was at 4 s ("make bench-repoint";
# scripts/debian13.sh runs it on OVS 3.5 as DEB13_TARGETS=bench-repoint).
#
# Two ovsdb-servers with the NB schema in a private directory: A (active,
# an extra listener on 127.0.0.1:PORT, PORT free at run time) and B, its
# backup.  A is stopped until B has retried for 3.5 s, then started again
# on the same files and port, and B is given, with ovs-appctl, either
#   old  the sequence of the agent before Debian 13: set-active SOURCE,
#        connect-active, set-active-ovsdb-server-probe-interval
#   new  repl_make_backup()'s: the same through the way-point
#        unix:/dev/null/ovndb-servers-repoint first, then SOURCE
# and the time until B holds a row written in A after its restart is
# printed (sync-status says "replicating" all along).  Each
# wait is a bounded poll (20 s).  Both servers are killed by PID at the end.
set -u
runs=${1:-1}
work=$(mktemp -d /tmp/ovndbrepoint.XXXXXX) || exit 1
schema=${NB_SCHEMA:-/usr/share/ovn/ovn-nb.ovsschema}

cleanup() {
    local f
    for f in "$work/a.pid" "$work/b.pid"; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); '\
's.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

b() {
    ovs-appctl -T 5 -t "$work/b.ctl" "$@"
}

# until_ms MS CMD...: polls CMD every 10 ms for at most MS milliseconds.
until_ms() {
    local end=$(($(now_ms) + $1))
    shift
    until "$@"; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.01
    done
}

replicating() {
    b ovsdb-server/sync-status | grep -q '^replicating: '
}

# b_has NAME: B's copy holds the logical switch NAME.
b_has() {
    ovsdb-client query "unix:$work/b.sock" \
        '["OVN_Northbound",{"op":"select","table":"Logical_Switch",'\
'"where":[["name","==","'"$1"'"]]}]' 2>/dev/null | grep -q "\"$1\""
}

point_at() {
    b ovsdb-server/set-active-ovsdb-server "$1" >/dev/null &&
    b ovsdb-server/connect-active-ovsdb-server >/dev/null &&
    b ovsdb-server/set-active-ovsdb-server-probe-interval 60000 >/dev/null
}

port=$(free_port) || exit 1
src=tcp:127.0.0.1:$port
for s in a b; do
    ovsdb-tool create "$work/$s.db" "$schema" || exit 1
done
start_a() {
    ovsdb-server "$work/a.db" --detach --no-chdir --pidfile="$work/a.pid" \
        --unixctl="$work/a.ctl" --remote="punix:$work/a.sock" \
        --remote="ptcp:$port:127.0.0.1" --log-file="$work/a.log" \
        -vconsole:off || exit 1
}

a_gone() {
    ! kill -0 "$a_pid" 2>/dev/null
}

start_a
ovsdb-server "$work/b.db" --detach --no-chdir --pidfile="$work/b.pid" \
    --unixctl="$work/b.ctl" --remote="punix:$work/b.sock" \
    --log-file="$work/b.log" -vconsole:off --sync-from="$src" || exit 1
version=$(ovsdb-server --version | sed -n '1s/.* //p')

for run in $(seq "$runs"); do
    for mode in old new; do
        until_ms 20000 replicating || { echo "no replication"; exit 1; }
        a_pid=$(cat "$work/a.pid")
        kill "$a_pid"
        until_ms 20000 a_gone || { echo "A does not stop"; exit 1; }
        # sync-status keeps saying "replicating" meanwhile: B's copy of a
        # row written in A after the restart is the proof.
        sleep 3.5
        start_a
        row="$mode-$run"
        ovsdb-client transact "unix:$work/a.sock" \
            '["OVN_Northbound",{"op":"insert","table":"Logical_Switch",'\
'"row":{"name":"'"$row"'"}}]' >/dev/null || exit 1
        t0=$(now_ms)
        if [ "$mode" = new ]; then
            point_at unix:/dev/null/ovndb-servers-repoint || exit 1
        fi
        point_at "$src" || exit 1
        if until_ms 20000 b_has "$row"; then
            echo "OVS $version, run $run, $mode sequence:" \
                 "replicated $(($(now_ms) - t0)) ms after re-pointing"
        else
            echo "OVS $version, run $run, $mode sequence: not replicated" \
                 "20 s after re-pointing"
        fi
    done
done
