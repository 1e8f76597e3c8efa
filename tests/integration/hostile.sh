#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: hostile files and peers never cost data, memory or
# time.  Symlinks planted at every file the agent writes are never written
# through; a dangling database link is reported, never replaced; a full
# disk during create leaves nothing behind, and during a freshness write
# makes the copy look stale, not current; a peer at master_ip answering
# with 60 MB costs neither the timeout nor the memory.  Needs root (tmpfs).

# Variables N_*, TIMEOUT_MS and the ports are read by agent() in lib.sh.
# shellcheck disable=SC2034,SC2154
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
NB_PORT=18941 SB_PORT=18942
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"

sum() {
    md5sum < "$1"
}
states() {
    local f
    for f in "$@"; do
        if [ -L "$f" ]; then
            echo "$f -> $(readlink "$f")"
        elif [ -e "$f" ]; then
            echo "$f $(sum "$f")"
        else
            echo "$f absent"
        fi
    done
}

echo "# symlinks planted at every file the agent writes"
victim=$TMP/victim.db
printf 'the only copy\n' > "$victim"
victim_sum=$(sum "$victim")
check "node1 starts and is promoted" eval 'agent node1 start && agent node1 promote'
d2=$(node_dir node2)
mkdir -p "$d2/db" "$d2/run"
planted=("$d2/db/ovndb-servers.fresh"
         "$d2/run/ovndb-servers.ovndb_servers.score"
         "$d2/run/ovndb-servers.ovndb_servers.source"
         "$d2/run/ovndb-servers.ovndb_servers.status"
         "$d2/run/ovndb-servers.ovndb_servers.guard")
for f in "${planted[@]}"; do
    ln -s "$victim" "$f"
done
N_PROMOTED=node1
agent node2 start
agent node2 monitor OCF_RESKEY_CRM_meta_interval=30000 \
    OCF_RESKEY_CRM_meta_role=Unpromoted
N_PROMOTED=" " N_DEMOTE=node1 N_PROMOTE=node2
agent node1 demote
agent node2 promote
agent node2 monitor OCF_RESKEY_CRM_meta_interval=10000 \
    OCF_RESKEY_CRM_meta_role=Promoted
agent node2 demote
agent node2 stop
N_DEMOTE=" " N_PROMOTE=" "
check "after start, monitor, promote, demote, stop: the target is intact" \
    test "$(sum "$victim")" = "$victim_sum"
for f in "${planted[@]}"; do
    check "$(basename "$f"): still the planted link, or removed (never written)" \
        eval '[ -L "$f" ] || [ ! -e "$f" ]'
done
check "and the agent said why it did not write them" \
    grep -q 'is a symlink, not a plain file: not writing it' "$TMP/agent.log"
agent node1 stop
rm -f "${planted[@]}"

echo "# a dangling database link is reported, never replaced"
d3=$(node_dir node3)
mkdir -p "$d3/db"
ln -s "$TMP/nothing.db" "$d3/db/ovnnb_db.db"
expect_rc 1 "start with a dangling NB database link" agent node3 start
check "the reason names the file and the fix" grep -q \
    'ovnnb_db.db is a symlink to nothing (dangling): fix or remove the link' \
    "$TMP/node3.err"
check "nothing was created at its target" test ! -e "$TMP/nothing.db"
check "the link is untouched" test "$(readlink "$d3/db/ovnnb_db.db")" = \
    "$TMP/nothing.db"
ln -sfn "$d3/db/loop" "$d3/db/loop"
ln -sfn "$d3/db/loop" "$d3/db/ovnnb_db.db"
expect_rc 1 "start with a symlink loop" agent node3 start
check "the reason says loop" grep -q 'itself (a loop)' "$TMP/node3.err"
rm -f "$d3/db/ovnnb_db.db" "$d3/db/loop"
: > "$d3/db/ovnnb_db.db"
expect_rc 1 "start with an empty (0-byte) NB database" agent node3 start
check "the reason says empty, and what to do" grep -q \
    'ovnnb_db.db is empty (0 bytes): restore it from a backup' \
    "$TMP/node3.err"
check "it was not replaced" test ! -s "$d3/db/ovnnb_db.db"
agent node3 stop
rm -rf "$d3"

echo "# a full disk"
fs=$TMP/small
mkdir -p "$fs"
if mount -t tmpfs -o size=256k tmpfs "$fs" 2>/dev/null; then
    on_exit "umount '$fs' 2>/dev/null"
    # fill PATH: fills the file system until nothing more fits.
    fill() {
        dd if=/dev/zero of="$1" bs=4k 2>/dev/null
        return 0
    }
    fill "$fs/filler"
    rm -f "$fs/filler"
    dd if=/dev/zero of="$fs/filler" bs=4k count=60 2>/dev/null
    fill "$fs/filler2"
    DB_DIR_OVERRIDE=$fs
    expect_rc 1 "start with a full db_dir" agent node3 start \
        OCF_RESKEY_db_dir="$fs"
    check "the reason names the database" grep -q 'ovnnb_db.db' \
        "$TMP/node3.err"
    check "no database file left behind" eval \
        '! ls "$fs" | grep -q "ovn.b_db.db"'
    rm -f "$fs/filler" "$fs/filler2"
    expect_rc 0 "with space again, start works" agent node3 start \
        OCF_RESKEY_db_dir="$fs"
    agent node3 stop OCF_RESKEY_db_dir="$fs"

    echo "# a full disk when the freshness is recorded"
    # node2 was the last active above: forget its record, so that node1
    # may be promoted again.
    crm_attribute -N node2 -n ovndb_servers-freshness -l forever -D \
        >/dev/null 2>&1
    check "node1 active again" eval 'agent node1 start && agent node1 promote'
    N_PROMOTED=node1
    check "node3 follows node1, db_dir on the small disk" \
        agent node3 start OCF_RESKEY_db_dir="$fs"
    mon3() {
        agent node3 monitor OCF_RESKEY_CRM_meta_interval=30000 \
            OCF_RESKEY_CRM_meta_role=Unpromoted OCF_RESKEY_db_dir="$fs"
    }
    check "node3 in sync: score 5" wait_until 10 eval \
        'mon3; [ "$(score node3)" = 5 ]'
    rm -f "$fs/ovndb-servers.fresh"
    fill "$fs/filler"
    expect_rc 0 "monitor with the disk full" mon3
    check "the copy does not look current: score 3" \
        test "$(score node3)" = 3
    check "the log names the record" grep -q \
        "ovndb-servers.fresh: No space left on device" "$TMP/agent.log"
    rm -f "$fs/filler"
    expect_rc 0 "monitor with space again" mon3
    check "current again: score 5" test "$(score node3)" = 5
    agent node3 stop OCF_RESKEY_db_dir="$fs"
    agent node1 stop
    N_PROMOTED=" "
else
    fail "cannot mount a tmpfs (needs root)"
fi

echo "# a peer at master_ip answering with 60 MB"
peer_log=$TMP/peer.log
python3 - "$VIP" "$NB_PORT" > "$peer_log" 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(4)
s.settimeout(30)
print("listening", flush=True)
block = b"0," * (512 * 1024)
for _ in range(4):
    try:
        c, _ = s.accept()
    except socket.timeout:
        break
    c.settimeout(10)
    try:
        c.recv(4096)
        c.sendall(b'{"id":0,"result":[')
        for _ in range(60):
            c.sendall(block)
        c.sendall(b'0]}')
    except OSError:
        pass
    c.close()
PY
peer=$!
on_exit "kill $peer 2>/dev/null"
check "the fake peer listens" wait_until 5 grep -q listening "$peer_log"
helper=$(sed -n 's/^helper=\${OVNDB_SERVERS_HELPER:-\(.*\)}$/\1/p' "$AGENT")
# The agent runs the helper through this wrapper, which records its peak
# RSS (KiB).
cat > "$TMP/measure" <<WRAP
#!/bin/sh
exec /usr/bin/time -f %M -o "$TMP/rss" "$helper" "\$@"
WRAP
chmod +x "$TMP/measure"
start=$(( $(date +%s%N) / 1000000 ))
TIMEOUT_MS=20000 agent node3 start OVNDB_SERVERS_HELPER="$TMP/measure"
rc=$?
took=$(( $(date +%s%N) / 1000000 - start ))
check "start against it finishes (rc $rc) well within its 20 s (${took} ms)" \
    test "$took" -lt 15000
if ldd "$helper" 2>/dev/null | grep -q libasan; then
    echo "# (sanitized build: peak RSS not measured)"
else
    rss=$(tail -n 1 "$TMP/rss")
    check "peak RSS ${rss} KiB, under 64 MiB" test "$rss" -lt 65536
fi
agent node3 stop
kill "$peer" 2>/dev/null

summary
