# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Helpers to drive the installed agent as Pacemaker would, against several
# instances ("nodes") on this machine, each with its own directories.
# Sourced after tests/lib/common.sh.

AGENT=${AGENT:-/usr/lib/ocf/resource.d/ovn/ovndb-servers}
NB_PORT=${NB_PORT:-16641}
SB_PORT=${SB_PORT:-16642}
VIP=${VIP:-127.0.0.1}
NODES=${NODES:-"node1 node2 node3"}
TMP=$(mktemp -d /tmp/ovndb-it.XXXXXX)
[ -n "${KEEP_TMP:-}" ] || on_exit "rm -rf '$TMP'"

# A CIB file with the three nodes, so that the agent's crm_attribute calls
# write real promotion scores (and never reach a live cluster).
export CIB_file=$TMP/cib.xml
cibadmin --empty > "$CIB_file"
# shellcheck disable=SC2046
crm_simulate -x "$CIB_file" $(for n in $NODES; do echo "-u $n"; done) \
    -O "$CIB_file.new" >/dev/null 2>&1 && mv "$CIB_file.new" "$CIB_file"
for n in $NODES; do
    CIB_file=$CIB_file cibadmin -C -o nodes \
        -X "<node id=\"$n\" uname=\"$n\"/>" >/dev/null 2>&1 || true
done

# node_dir NODE: the node's private directory.
node_dir() {
    echo "$TMP/$1"
}

# The same notify lists go to every operation of a transition; tests set
# them in these variables.
N_START=" " N_STOP=" " N_PROMOTE=" " N_DEMOTE=" " N_PROMOTED=" "
N_UNPROMOTED=" " N_ACTIVE=" " N_ALL=$NODES

# agent NODE ACTION [VAR=VALUE...]: runs the installed agent for NODE with
# the environment Pacemaker gives a promotable notify=true clone.  Its
# stderr goes to $TMP/NODE.err; returns the agent's exit code.
agent() {
    local node=$1 action=$2 d
    shift 2
    d=$(node_dir "$node")
    env OCF_ROOT=/usr/lib/ocf OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 \
        OCF_RESOURCE_INSTANCE=ovndb_servers OCF_RESOURCE_TYPE=ovndb-servers \
        OCF_RESOURCE_PROVIDER=ovn OCF_EXIT_REASON_PREFIX=ocf-exit-reason: \
        OCF_RESKEY_master_ip="$VIP" OCF_RESKEY_nb_master_port="$NB_PORT" \
        OCF_RESKEY_sb_master_port="$SB_PORT" \
        OCF_RESKEY_db_dir="$d/db" OCF_RESKEY_run_dir="$d/run" \
        OCF_RESKEY_log_dir="$d/log" HA_LOGFILE="$TMP/agent.log" \
        OCF_RESKEY_CRM_meta_on_node="$node" \
        OCF_RESKEY_CRM_meta_timeout="${TIMEOUT_MS:-20000}" \
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

# notify_all TYPE OPERATION: the notification on every node.
notify_all() {
    local n
    for n in $NODES; do
        agent "$n" notify OCF_RESKEY_CRM_meta_notify_type="$1" \
            OCF_RESKEY_CRM_meta_notify_operation="$2" || return 1
    done
}

# exit_reason NODE: the exit reason the last action on NODE printed.
exit_reason() {
    sed -n 's/^ocf-exit-reason://p' "$TMP/$1.err" | tail -n 1
}

# score NODE: the promotion score recorded in the CIB file, or "none".
score() {
    crm_attribute --promotion=ovndb_servers -N "$1" -G -q 2>/dev/null \
        || echo none
}

# sync_status NODE nb|sb: the server's sync-status text.
sync_status() {
    ovs-appctl -T 5 -t "$(node_dir "$1")/run/ovn${2}_db.ctl" \
        ovsdb-server/sync-status 2>/dev/null
}

replicating() {
    sync_status "$1" "$2" | grep -q '^replicating: '
}

# writable NODE nb|sb: the database accepts writes (commit probe).
writable() {
    local db=OVN_Northbound
    [ "$2" = sb ] && db=OVN_Southbound
    ovsdb-client --timeout=5 transact \
        "unix:$(node_dir "$1")/run/ovn${2}_db.sock" \
        "[\"$db\",{\"op\":\"commit\",\"durable\":false}]" 2>/dev/null \
        | grep -qx '\[{}\]'
}

# writable_count: how many databases, over all nodes, accept writes.
writable_count() {
    local n db count=0
    for n in $NODES; do
        for db in nb sb; do
            writable "$n" "$db" && count=$((count + 1))
        done
    done
    echo "$count"
}

# pid_of NODE nb|sb: pid of the node's ovsdb-server, if running.
pid_of() {
    local f pid
    f="$(node_dir "$1")/run/ovn${2}_db.pid"
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    alive "$pid" && echo "$pid"
    return 0
}

# alive PID: the process exists and is not a zombie (nothing reaps
# daemons here when PID 1 does not).
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

not() {
    ! "$@"
}

# role NODE nb|sb: "active" or "backup", from sync-status.
role() {
    sync_status "$1" "$2" | sed -n 's/^state: //p'
}

# nbctl NODE ARGS...: ovn-nbctl on NODE's local socket.
nbctl() {
    local n=$1
    shift
    ovn-nbctl --timeout=5 --no-leader-only \
        --db="unix:$(node_dir "$n")/run/ovnnb_db.sock" "$@"
}
sbctl() {
    local n=$1
    shift
    ovn-sbctl --timeout=5 --no-leader-only \
        --db="unix:$(node_dir "$n")/run/ovnsb_db.sock" "$@"
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

has_switch() {
    nbctl "$1" --bare --columns=name find Logical_Switch "name=$2" \
        2>/dev/null | grep -qx "$2"
}
has_chassis() {
    sbctl "$1" --bare --columns=name find Chassis "name=$2" \
        2>/dev/null | grep -qx "$2"
}

# Stop every ovsdb-server and ovn-northd the tests started, by pid.
kill_all() {
    local n f
    for n in $NODES; do
        for f in "$(node_dir "$n")"/run/*.pid; do
            [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
        done
    done
    return 0
}
on_exit kill_all
