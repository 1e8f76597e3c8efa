# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Helpers to drive the installed agent as Pacemaker would, against several
# instances ("nodes") on this machine, each with its own directories.
# Sourced after tests/lib/common.sh.  Set before sourcing, if need be:
#
#   NODES          the nodes (default "node1 node2 node3")
#   VIP, NB_PORT, SB_PORT  master_ip and its ports
#   NETNS_PREFIX   run each node's agent in network namespace
#                  $NETNS_PREFIX-NODE (the suite creates them); unset,
#                  every node is on this host's loopback
#   TMP_TEMPLATE   mktemp template of the work directory
#   KEEP_TMP=1     keep the work directory
#   TIMEOUT_MS     the operation timeout given to the agent (default
#                  20000), or per action START_STOP_TIMEOUT_MS and
#                  PROMOTE_DEMOTE_TIMEOUT_MS
#   TRACE          a file: every agent call is logged there, with its time

AGENT=${AGENT:-/usr/lib/ocf/resource.d/ovn/ovndb-servers}
NB_PORT=${NB_PORT:-16641}
SB_PORT=${SB_PORT:-16642}
VIP=${VIP:-127.0.0.1}
NODES=${NODES:-"node1 node2 node3"}
NETNS_PREFIX=${NETNS_PREFIX:-}
TMP=$(mktemp -d "${TMP_TEMPLATE:-/tmp/ovndb-it.XXXXXX}")
if [ "${KEEP_TMP:-0}" != 0 ]; then
    on_exit "echo '# work directory kept: $TMP'"
else
    on_exit "rm -rf '$TMP'"
fi
TRACE=${TRACE:-}

# trace WORDS...: a line in $TRACE, if set, after the time in ms.
trace() {
    [ -z "$TRACE" ] || echo "$(now_ms) $*" >> "$TRACE"
}

# node_dir NODE: the node's private directory.
node_dir() {
    echo "$TMP/$1"
}
# sock_of NODE [nb|sb]: the node's local database socket.
sock_of() {
    echo "$(node_dir "$1")/run/ovn${2:-nb}_db.sock"
}
# ns_of NODE: the node's network namespace (with NETNS_PREFIX).
ns_of() {
    echo "$NETNS_PREFIX-$1"
}
# node_exec NODE CMD...: CMD in NODE's network namespace, if it has one.
node_exec() {
    local node=$1
    shift
    if [ -n "$NETNS_PREFIX" ]; then
        ip netns exec "$(ns_of "$node")" "$@"
    else
        "$@"
    fi
}

# A CIB file with the nodes, so that the agent's crm_attribute calls write
# real promotion scores (and never reach a live cluster).
export CIB_file=$TMP/cib.xml
setup_cib() {
    local n
    cibadmin --empty > "$CIB_file" || return 1
    # shellcheck disable=SC2046
    crm_simulate -x "$CIB_file" $(for n in $NODES; do echo "-u $n"; done) \
        -O "$CIB_file.new" >/dev/null 2>&1 && mv "$CIB_file.new" "$CIB_file"
    for n in $NODES; do
        cibadmin -C -o nodes -X "<node id=\"$n\" uname=\"$n\"/>" \
            >/dev/null 2>&1 || true
    done
    [ -s "$CIB_file" ]
}
# cib_has_nodes: the CIB file names every node.
cib_has_nodes() {
    local n
    for n in $NODES; do
        grep -q "uname=\"$n\"" "$CIB_file" || return 1
    done
}
setup_cib

# The same notify lists go to every operation of a transition; tests set
# them in these variables.
N_START=" " N_STOP=" " N_PROMOTE=" " N_DEMOTE=" " N_PROMOTED=" "
N_UNPROMOTED=" " N_ACTIVE=" " N_ALL=$NODES

# timeout_ms ACTION: the operation timeout the agent is given.
timeout_ms() {
    case $1 in
        start|stop)
            echo "${START_STOP_TIMEOUT_MS:-${TIMEOUT_MS:-20000}}" ;;
        promote|demote)
            echo "${PROMOTE_DEMOTE_TIMEOUT_MS:-${TIMEOUT_MS:-20000}}" ;;
        *)
            echo "${TIMEOUT_MS:-20000}" ;;
    esac
}

# agent NODE ACTION [VAR=VALUE...]: runs the installed agent for NODE (in
# its namespace, if any) with the environment Pacemaker gives a promotable
# notify=true clone.  Its stdout goes to $TMP/NODE.out, its stderr to
# $TMP/NODE.err; returns the agent's exit code.
agent() {
    local node=$1 action=$2 d rc t0
    shift 2
    d=$(node_dir "$node")
    t0=$(now_ms)
    node_exec "$node" env \
        OCF_ROOT=/usr/lib/ocf OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 \
        OCF_RESOURCE_INSTANCE=ovndb_servers OCF_RESOURCE_TYPE=ovndb-servers \
        OCF_RESOURCE_PROVIDER=ovn OCF_EXIT_REASON_PREFIX=ocf-exit-reason: \
        OCF_RESKEY_master_ip="$VIP" OCF_RESKEY_nb_master_port="$NB_PORT" \
        OCF_RESKEY_sb_master_port="$SB_PORT" \
        OCF_RESKEY_db_dir="$d/db" OCF_RESKEY_run_dir="$d/run" \
        OCF_RESKEY_log_dir="$d/log" HA_LOGFILE="$TMP/agent.log" \
        OCF_RESKEY_CRM_meta_on_node="$node" \
        OCF_RESKEY_CRM_meta_timeout="$(timeout_ms "$action")" \
        OCF_RESKEY_CRM_meta_clone_max=3 OCF_RESKEY_CRM_meta_clone_node_max=1 \
        OCF_RESKEY_CRM_meta_promoted_max=1 OCF_RESKEY_CRM_meta_master_max=1 \
        OCF_RESKEY_CRM_meta_notify=true \
        OCF_RESKEY_CRM_meta_notify_start_uname="$N_START" \
        OCF_RESKEY_CRM_meta_notify_stop_uname="$N_STOP" \
        OCF_RESKEY_CRM_meta_notify_promote_uname="$N_PROMOTE" \
        OCF_RESKEY_CRM_meta_notify_demote_uname="$N_DEMOTE" \
        OCF_RESKEY_CRM_meta_notify_promoted_uname="$N_PROMOTED" \
        OCF_RESKEY_CRM_meta_notify_master_uname="$N_PROMOTED" \
        OCF_RESKEY_CRM_meta_notify_unpromoted_uname="$N_UNPROMOTED" \
        OCF_RESKEY_CRM_meta_notify_slave_uname="$N_UNPROMOTED" \
        OCF_RESKEY_CRM_meta_notify_active_uname="$N_ACTIVE" \
        OCF_RESKEY_CRM_meta_notify_all_uname="$N_ALL" \
        "$@" "$AGENT" "$action" > "$TMP/$node.out" 2> "$TMP/$node.err"
    rc=$?
    trace "agent $node $action $* -> rc $rc ($(( $(now_ms) - t0 )) ms)" \
        "$(exit_reason "$node")"
    return $rc
}

# Recurring monitors, as Pacemaker runs them for each role.
monitor_promoted() {
    agent "$1" monitor OCF_RESKEY_CRM_meta_interval=10000 \
        OCF_RESKEY_CRM_meta_role=Promoted "${@:2}"
}
monitor_unpromoted() {
    agent "$1" monitor OCF_RESKEY_CRM_meta_interval=30000 \
        OCF_RESKEY_CRM_meta_role=Unpromoted "${@:2}"
}
probe() {
    agent "$1" monitor "${@:2}"
}

# notify_all TYPE OPERATION: the notification on every node, one after the
# other (they would run in parallel; the CIB file wants them serialised).
# Stops at the first that fails (the suites' sequences rely on it: a
# stopped node's failed notify ends the round).
notify_all() {
    local n
    for n in $NODES; do
        agent "$n" notify OCF_RESKEY_CRM_meta_notify_type="$1" \
            OCF_RESKEY_CRM_meta_notify_operation="$2" || return 1
    done
}

# exit_reason NODE: the exit reason the last action on NODE printed.
exit_reason() {
    sed -n 's/^ocf-exit-reason://p' "$TMP/$1.err" 2>/dev/null | tail -n 1
}

# has_reason NODE TEXT: the last action on NODE gave an exit reason
# containing TEXT.
has_reason() {
    exit_reason "$1" | grep -qF -- "$2"
}

# ctl NODE nb|sb COMMAND...: ovs-appctl to the node's server.  (A
# subshell: bash reports a child killed by -T's alarm on stderr.)
ctl() {
    (ovs-appctl -T 5 -t "$(node_dir "$1")/run/ovn${2}_db.ctl" "${@:3}")
}

# sync_status NODE nb|sb: the server's sync-status text.
sync_status() {
    ctl "$1" "$2" ovsdb-server/sync-status 2>/dev/null
}

replicating() {
    sync_status "$1" "$2" | grep -q '^replicating: '
}

# role NODE nb|sb: "active" or "backup", from sync-status.
role() {
    sync_status "$1" "$2" | sed -n 's/^state: //p'
}

# role_is NODE nb|sb ROLE: a predicate for wait_until.
role_is() {
    [ "$(role "$1" "$2")" = "$3" ]
}

# transact NODE nb|sb OPERATIONS: a transaction (OPERATIONS: JSON objects,
# comma-separated) on NODE's local socket; prints the server's answer.
transact() {
    local db=OVN_Northbound
    [ "$2" = sb ] && db=OVN_Southbound
    timeout 10 ovsdb-client transact "unix:$(sock_of "$1" "$2")" \
        "[\"$db\",$3]" 2>/dev/null
}

# writable NODE [nb|sb]: the database (NB by default) accepts writes
# (commit probe).
writable() {
    [ "$(transact "$1" "${2:-nb}" '{"op":"commit","durable":false}')" \
        = '[{}]' ]
}

# rows_named NODE nb|sb TABLE NAME: the select of TABLE's rows named NAME
# (ovsdb-client's answer: [{"rows":[...]}]).
rows_named() {
    transact "$1" "$2" "{\"op\":\"select\",\"table\":\"$3\",
        \"where\":[[\"name\",\"==\",\"$4\"]],\"columns\":[\"name\"]}"
}
# has_row NODE nb|sb TABLE NAME: NODE's copy holds a row NAME in TABLE.
has_row() {
    rows_named "$@" | grep -qF "\"name\":\"$4\""
}
# lacks_row NODE nb|sb TABLE NAME: the select succeeds and finds no row
# NAME (a failed query, of a dead server say, is not an absence).
lacks_row() {
    [ "$(rows_named "$@")" = '[{"rows":[]}]' ]
}
has_switch() {
    has_row "$1" nb Logical_Switch "$2"
}
lacks_switch() {
    lacks_row "$1" nb Logical_Switch "$2"
}
has_chassis() {
    has_row "$1" sb Chassis "$2"
}

# refuses_write NODE nb|sb CMD...: NODE's server is alive, and CMD (a write
# to it) fails with the error a backup answers: "not allowed" (OVS 3.1:
# {"details":"insert operation not allowed when database server is in
# read only mode","error":"not allowed"}; only the error, which the OVSDB
# protocol names, is matched: the details are worded per version).  Any
# other failure, a dead server's included, is not a refusal.
refuses_write() {
    local node=$1 db=$2 out
    shift 2
    if [ -z "$(pid_of "$node" "$db")" ]; then
        echo "    # $node $db: ovsdb-server is not running"
        return 1
    fi
    if out=$("$@" 2>&1); then
        echo "    # $node $db accepted: $*"
        return 1
    fi
    case $out in
        *'"error":"not allowed"'*) return 0 ;;
    esac
    echo "    # $node $db failed otherwise: $out"
    return 1
}

# pid_of NODE nb|sb|northd: pid of the node's ovsdb-server (ovn-northd),
# if running.
pid_of() {
    local f pid
    case $2 in
        northd) f="$(node_dir "$1")/run/ovn-northd.pid" ;;
        *) f="$(node_dir "$1")/run/ovn${2}_db.pid" ;;
    esac
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    is_ours "$pid" "$TMP/" && echo "$pid"
    return 0
}
# running NODE nb|sb|northd / stopped NODE nb|sb|northd: predicates.
running() {
    [ -n "$(pid_of "$1" "$2")" ]
}
stopped() {
    [ -z "$(pid_of "$1" "$2")" ]
}

# no_process_of NODE: no live process has NODE's directory in its command
# line or pidfiles (a scan of every process, not only the pidfiles, which
# the agent removes).
no_process_of() {
    [ -z "$(live_pids "$(node_dir "$1")")" ]
}

# nbctl NODE ARGS...: ovn-nbctl on NODE's local socket.
nbctl() {
    local n=$1
    shift
    ovn-nbctl --timeout=5 --no-leader-only \
        --db="unix:$(sock_of "$n" nb)" "$@"
}
sbctl() {
    local n=$1
    shift
    ovn-sbctl --timeout=5 --no-leader-only \
        --db="unix:$(sock_of "$n" sb)" "$@"
}

# Through the VIP: what clients use.
vip_addr() {
    case $VIP in
        *:*) echo "[$VIP]" ;;
        *) echo "$VIP" ;;
    esac
}
vip_nbctl() {
    ovn-nbctl --timeout=5 --db="tcp:$(vip_addr):$NB_PORT" "$@"
}
vip_sbctl() {
    ovn-sbctl --timeout=5 --db="tcp:$(vip_addr):$SB_PORT" "$@"
}

# Every ovsdb-server and ovn-northd ever seen in the nodes' pidfiles:
# remember_servers records them, kill_servers stops those still ours, by
# pid, at the end.
SERVER_PIDS=()
remember_servers() {
    local n f pid
    for n in $NODES; do
        for f in "$(node_dir "$n")"/run/*.pid; do
            [ -f "$f" ] || continue
            pid=$(cat "$f" 2>/dev/null)
            case " ${SERVER_PIDS[*]} " in
                *" $pid "*) ;;
                *) [ -n "$pid" ] && SERVER_PIDS+=("$pid") ;;
            esac
        done
    done
}
kill_servers() {
    local pid
    remember_servers
    for pid in "${SERVER_PIDS[@]}"; do
        is_ours "$pid" "$TMP/" && kill -9 "$pid" 2>/dev/null
    done
    return 0
}
on_exit kill_servers
