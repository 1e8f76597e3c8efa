#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hardening of the helper's processes (issue 11), through the installed
# agent:
#   - an overflowing CRM_meta_timeout: stop still stops the servers;
#   - a parent that ignores SIGCHLD: start completes quickly (the helper
#     resets SIGCHLD; without it every program it runs looked like a
#     timeout);
#   - a descriptor inherited from the parent does not reach ovsdb-server;
#   - a program that times out is killed with its process group: a fake
#     ovsdb-tool that starts a grandchild and hangs leaves nothing behind.
#
# Self-contained (only the installed agent and a CIB file).  AGENT
# overrides the agent (with OVNDB_SERVERS_HELPER, a build tree's).
set -u
AGENT=${AGENT:-/usr/lib/ocf/resource.d/ovn/ovndb-servers}
# The helper the agent runs (the SIGCHLD test runs it directly: the
# agent's /bin/sh resets SIGCHLD itself).
HELPER=${OVNDB_SERVERS_HELPER:-$(sed -n \
    's/^helper=\${OVNDB_SERVERS_HELPER:-\(.*\)}$/\1/p' "$AGENT")}
RUN=("$AGENT")
NB_PORT=19841 SB_PORT=19842
TMP=$(mktemp -d /tmp/ovndb-harden.XXXXXX)
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
notok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else notok "$name"; fi
}

# alive PID: exists and is not a zombie.
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

cleanup() {
    local pid
    for pid in $(pgrep -f -- "$TMP" 2>/dev/null); do
        [ "$pid" = $$ ] || kill -9 "$pid" 2>/dev/null
    done
    for pid in $(cat "$TMP"/*.pid 2>/dev/null); do
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

export CIB_file=$TMP/cib.xml
cibadmin --empty > "$CIB_file"

# agent NODE ACTION [VAR=VALUE...]: the agent (or what RUN says) for
# NODE (its own directories), stderr in $TMP/NODE.err; returns its code.
agent() {
    local node=$1 action=$2 d=$TMP/$1
    shift 2
    env OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=ovndb_servers \
        OCF_EXIT_REASON_PREFIX=ocf-exit-reason: \
        OCF_RESKEY_master_ip=127.0.0.1 \
        OCF_RESKEY_nb_master_port=$NB_PORT OCF_RESKEY_sb_master_port=$SB_PORT \
        OCF_RESKEY_db_dir="$d/db" OCF_RESKEY_run_dir="$d/run" \
        OCF_RESKEY_log_dir="$d/log" HA_LOGFILE="$TMP/agent.log" \
        OCF_RESKEY_CRM_meta_on_node="$node" \
        OCF_RESKEY_CRM_meta_timeout=20000 OCF_RESKEY_CRM_meta_notify=true \
        OCF_RESKEY_CRM_meta_notify_start_uname="$node" \
        "$@" "${RUN[@]}" "$action" > "$TMP/$node.out" 2> "$TMP/$node.err"
}

reason() {
    sed -n 's/^ocf-exit-reason://p' "$TMP/$1.err" | tail -n 1
}

# server_pids NODE: the node's ovsdb-server pids (alive ones).
server_pids() {
    local f pid
    for f in "$TMP/$1"/run/ovn[ns]b_db.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        alive "$pid" && echo "$pid"
    done
}

none_alive() {
    local pid
    for pid in "$@"; do
        alive "$pid" && return 1
    done
    return 0
}

now_ms() {
    echo $(( $(date +%s%N) / 1000000 ))
}

echo "# an overflowing CRM_meta_timeout: stop still stops"
agent n1 start
rc=$?
check "start n1 (rc $rc)" test "$rc" = 0
pids=$(server_pids n1)
check "n1 runs two ovsdb-servers" test "$(echo "$pids" | wc -w)" = 2
start=$(now_ms)
agent n1 stop OCF_RESKEY_CRM_meta_timeout=99999999999999999999
rc=$?
took=$(( $(now_ms) - start ))
check "stop with CRM_meta_timeout=99999999999999999999: rc $rc, in $took ms \
($(reason n1))" test "$rc" = 0
# shellcheck disable=SC2086
check "both ovsdb-servers are gone" none_alive $pids
check "stop took less than 10 s" test "$took" -lt 10000
agent n1 validate-all OCF_RESKEY_CRM_meta_timeout=99999999999999999999
check "validate-all with it: rc 0 ($(reason n1))" test $? = 0

echo "# a parent that ignores SIGCHLD"
# The wrapper ignores SIGCHLD (SIG_IGN survives exec) and puts SIGPIPE
# back to its default (Python ignores it), then runs the helper.
check "the helper $HELPER is there" test -x "$HELPER"
RUN=(python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$HELPER")
start=$(now_ms)
agent n2 start
rc=$?
took=$(( $(now_ms) - start ))
check "start from a parent that ignores SIGCHLD: rc $rc in $took ms \
($(reason n2))" test "$rc" = 0
check "it took less than 10 s (the timeout is 20 s)" test "$took" -lt 10000
RUN=("$AGENT")
pids=$(server_pids n2)
check "n2 runs two ovsdb-servers" test "$(echo "$pids" | wc -w)" = 2
agent n2 stop
check "stop n2" test $? = 0
# shellcheck disable=SC2086
check "n2's servers are gone" none_alive $pids

echo "# a descriptor inherited from the parent"
: > "$TMP/inherited"
agent n3 start 7>"$TMP/inherited"
rc=$?
check "start n3 with fd 7 open (rc $rc)" test "$rc" = 0
pids=$(server_pids n3)
check "n3 runs two ovsdb-servers" test "$(echo "$pids" | wc -w)" = 2
leaked=
for pid in $pids; do
    for fd in /proc/"$pid"/fd/*; do
        if [ "$(readlink "$fd")" = "$TMP/inherited" ]; then
            leaked="$leaked $pid:${fd##*/}"
        fi
    done
done
check "no ovsdb-server holds the inherited descriptor${leaked:+ (held:$leaked)}" \
    test -z "$leaked"
agent n3 stop
# shellcheck disable=SC2086
check "n3's servers are gone" none_alive $pids

echo "# a program that times out dies with its process group"
mkdir -p "$TMP/fakebin"
cat > "$TMP/fakebin/ovsdb-tool" <<TOOL
#!/bin/sh
echo \$\$ > "$TMP/tool.pid"
sleep 300 &
echo \$! > "$TMP/grandchild.pid"
sleep 300
TOOL
chmod +x "$TMP/fakebin/ovsdb-tool"
start=$(now_ms)
agent n4 start OCF_RESKEY_CRM_meta_timeout=4000 PATH="$TMP/fakebin:$PATH"
rc=$?
took=$(( $(now_ms) - start ))
check "start with an ovsdb-tool that hangs fails (rc $rc, in $took ms: \
$(reason n4))" test "$rc" != 0
check "within its timeout (4 s)" test "$took" -lt 4000
tool=$(cat "$TMP/tool.pid" 2>/dev/null)
grandchild=$(cat "$TMP/grandchild.pid" 2>/dev/null)
check "the fake ovsdb-tool ran and started its grandchild" \
    test -n "$tool" -a -n "$grandchild"
gone_all() {
    none_alive "$tool" "$grandchild"
}
wait_gone() {
    local i
    for ((i = 0; i < 40; i++)); do
        gone_all && return 0
        sleep 0.05
    done
    return 1
}
check "the timed-out ovsdb-tool ($tool) and its grandchild \
($grandchild) are both gone" wait_gone

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
