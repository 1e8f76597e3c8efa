#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2317
#
# lab.sh - a real 3-node Corosync + Pacemaker cluster on this machine, for
# the ovndb-servers cluster tests and demo.  Library (source it) and CLI:
#
#   lab.sh up                  build the namespaces, start 3 nodes, wait
#                              until all are online with a DC
#   lab.sh resources [P=V...]  create the ovndb_servers clone and its VIP
#                              (through heartbeat/ovndb-servers-vip.sh)
#   lab.sh down                stop everything, leave nothing behind
#   lab.sh status              namespaces, node inits, crm_mon
#   lab.sh exec NODE CMD...    run CMD inside NODE (all its namespaces)
#   lab.sh crash|kill-stack|link-down|link-up|restart|stop NODE
#
# Each node has its own network, mount, UTS, IPC and PID namespaces, and a
# private /run, /dev/shm, /sys, /etc/corosync, /var/lib/corosync,
# /var/lib/pacemaker, /var/log/{pacemaker,corosync}, /etc/hosts and, for
# OVN, /var/lib/ovn, /var/log/ovn and /etc/ovn.  The nodes are joined by a
# bridge that lives in a namespace of its own.  Addresses are TEST-NET-2
# (198.51.100.0/24), with no default route anywhere: nothing in the lab can
# reach another network, and the root namespace never gets an address in
# that range nor sends to it.  Every client runs inside a node.  Each node
# sets net.ipv4.ip_nonlocal_bind=1 in its network namespace, as production
# OVN deployments (TripleO) do.
#
# Fencing is off in the lab (stonith-enabled=false).  A production cluster
# must have fencing: see heartbeat/README.md.
#
# Settings (environment): LAB_PREFIX (namespace-name prefix, "ovndblab-"),
# LAB_DIR (state directory, /tmp/ovndblab), LAB_KEEP=1 keeps LAB_DIR (logs)
# after "down".  The lab runs a snapshot of the agent taken at "up" (a
# private /usr/lib/ocf in every node): the one installed on the host, or
# with LAB_AGENT_DESTDIR=DIR the one "make install DESTDIR=DIR" put there.

LAB_PREFIX=${LAB_PREFIX:-ovndblab-}
LAB_DIR=${LAB_DIR:-/tmp/${LAB_PREFIX%-}}
LAB_NODES=(node1 node2 node3)
LAB_NET=198.51.100
LAB_VIP=$LAB_NET.100
LAB_NETMASK=24
LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ROOT=$(cd "$LAB_HERE/../.." && pwd)
LAB_INIT=$LAB_HERE/node-init.sh
LAB_BR=${LAB_PREFIX}br
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

lab_say() {
    [ -n "${LAB_QUIET:-}" ] || echo "lab: $*" >&2
}

lab_err() {
    echo "lab: error: $*" >&2
}

# Milliseconds since the epoch (no fork).
lab_now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo $((t / 1000))
}

lab_ns() {
    echo "$LAB_PREFIX$1"
}

# lab_addr NODE: node1 -> 198.51.100.11
lab_addr() {
    echo "$LAB_NET.1${1#node}"
}

lab_valid_node() {
    local n
    for n in "${LAB_NODES[@]}"; do
        [ "$n" = "$1" ] && return 0
    done
    lab_err "unknown node '$1' (nodes: ${LAB_NODES[*]})"
    return 1
}

# ---------------------------------------------------------------- network

lab_net_up() {
    local n ns i
    ip netns add "$LAB_BR" || return 1
    ip -n "$LAB_BR" link set lo up
    nsenter --net="/run/netns/$LAB_BR" sysctl -qw \
        net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$LAB_BR" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$LAB_BR" link set br0 up
    for n in "${LAB_NODES[@]}"; do
        ns=$(lab_ns "$n")
        i=${n#node}
        ip netns add "$ns" || return 1
        # ip_nonlocal_bind=1 as TripleO (and OVN's own agent) deploys it:
        # the new active's ovsdb-server can listen on the VIP at promotion,
        # before IPaddr2 adds the address (without it the bind fails and
        # is retried up to ~2.5 s later).  Per network namespace.
        # LAB_NONLOCAL_BIND=0 leaves it off (the bench measures both).
        nsenter --net="/run/netns/$ns" sysctl -qw \
            net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1 \
            "net.ipv4.ip_nonlocal_bind=${LAB_NONLOCAL_BIND:-1}" || return 1
        ip -n "$ns" link set lo up
        # Created from the bridge namespace with the peer placed directly
        # in the node: the pair never appears in the root namespace.
        ip -n "$LAB_BR" link add "p-$n" type veth peer name eth0 \
            netns "$ns" || return 1
        ip -n "$LAB_BR" link set "p-$n" master br0 up
        ip -n "$ns" link set eth0 address "02:00:00:00:00:1$i"
        ip -n "$ns" addr add "$(lab_addr "$n")/$LAB_NETMASK" dev eth0
        ip -n "$ns" link set eth0 up
    done
}

# The isolation rules: no lab address in the root namespace, no default
# route (nor any route off the /24) in any lab namespace.
lab_check_isolation() {
    local ns ok=0
    if ip -4 addr show | grep -q " $LAB_NET\."; then
        lab_err "an address of $LAB_NET.0/24 is in the root namespace"
        ok=1
    fi
    for ns in "$LAB_BR" $(for n in "${LAB_NODES[@]}"; do lab_ns "$n"; done); do
        [ -e "/run/netns/$ns" ] || continue
        if ip -n "$ns" route show default | grep -q .; then
            lab_err "$ns has a default route"
            ok=1
        fi
        if ip -n "$ns" route get 192.0.2.1 >/dev/null 2>&1; then
            lab_err "$ns can route off the lab network"
            ok=1
        fi
    done
    return $ok
}

# --------------------------------------------------------- configuration

lab_write_config() {
    local n i nd key=$LAB_DIR/authkey
    mkdir -p "$LAB_DIR" && chmod 755 "$LAB_DIR" || return 1
    corosync-keygen -k "$key" >/dev/null || return 1
    for n in "${LAB_NODES[@]}"; do
        nd=$LAB_DIR/$n
        mkdir -p "$nd"/{etc-corosync,var-lib-corosync,var-log-corosync} \
            "$nd"/{var-lib-ovn,var-log-ovn,etc-ovn} \
            "$nd"/var-lib-pacemaker/{cib,pengine,blackbox,cores} \
            "$nd"/var-log-pacemaker
        install -m 0400 "$key" "$nd/etc-corosync/authkey"
        {
            echo "totem {"
            echo "    version: 2"
            echo "    cluster_name: ovndblab"
            echo "    transport: knet"
            echo "    crypto_cipher: aes256"
            echo "    crypto_hash: sha256"
            echo "    token: 1000"
            echo "    token_coefficient: 0"
            echo "}"
            echo "nodelist {"
            for i in "${LAB_NODES[@]}"; do
                echo "    node {"
                echo "        name: $i"
                echo "        nodeid: ${i#node}"
                echo "        ring0_addr: $(lab_addr "$i")"
                echo "    }"
            done
            echo "}"
            echo "quorum {"
            echo "    provider: corosync_votequorum"
            echo "}"
            echo "logging {"
            echo "    to_stderr: no"
            echo "    to_logfile: yes"
            echo "    logfile: /var/log/corosync/corosync.log"
            echo "    to_syslog: no"
            echo "    timestamp: hires"
            echo "    debug: off"
            echo "}"
        } > "$nd/etc-corosync/corosync.conf"
        {
            echo "127.0.0.1 localhost"
            for i in "${LAB_NODES[@]}"; do
                echo "$(lab_addr "$i") $i"
            done
        } > "$nd/hosts"
        # The seed CIB.  stonith-enabled=false: fencing is off in the lab
        # only.  dc-deadtime=2s: the first DC election would otherwise wait
        # 20 s.  no-quorum-policy=stop: a minority partition stops its
        # resources.
        cat > "$nd/var-lib-pacemaker/cib/cib.xml" <<'EOF'
<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="cib-bootstrap-options-dc-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="cib-bootstrap-options-no-quorum-policy" name="no-quorum-policy" value="stop"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
EOF
        chown -R hacluster:haclient "$nd/var-lib-pacemaker" \
            "$nd/var-log-pacemaker"
        chown root:root "$nd/var-lib-pacemaker"
        chmod 0755 "$nd/var-lib-pacemaker"
        chmod 0750 "$nd"/var-lib-pacemaker/{cib,pengine,blackbox,cores}
        chmod 0600 "$nd/var-lib-pacemaker/cib/cib.xml"
        chmod 0770 "$nd/var-log-pacemaker"
    done
    rm -f "$key"
    lab_snapshot_agent
}

# lab_snapshot_agent: copies the agent and its helper (installed on the
# host, or from LAB_AGENT_DESTDIR) into the lab, with a private copy of
# /usr/lib/ocf that the nodes mount: the lab runs one agent from start to
# end, whatever is installed on the host meanwhile.
lab_snapshot_agent() {
    local root=${LAB_AGENT_DESTDIR:-} agent helper
    agent=$root/usr/lib/ocf/resource.d/ovn/ovndb-servers
    helper=$root/usr/libexec/ovndb-servers/ovndb-servers-helper
    if [ ! -x "$agent" ] || [ ! -x "$helper" ]; then
        lab_err "no agent in ${root:-/}: run 'make install'" \
            "${root:+(DESTDIR=$root)}"
        return 1
    fi
    mkdir -p "$LAB_DIR/agent" || return 1
    cp "$helper" "$LAB_DIR/agent/ovndb-servers-helper" || return 1
    rm -rf "$LAB_DIR/ocf"
    cp -a /usr/lib/ocf "$LAB_DIR/ocf" || return 1
    mkdir -p "$LAB_DIR/ocf/resource.d/ovn"
    rm -f "$LAB_DIR/ocf/resource.d/ovn/ovndb-servers"
    cp "$agent" "$LAB_DIR/ocf/resource.d/ovn/ovndb-servers" || return 1
    chmod 755 "$LAB_DIR/agent" "$LAB_DIR/agent/ovndb-servers-helper"
}

# ------------------------------------------------------------ node inits

# lab_is_init PID NODE: PID is NODE's init (cmdline and PID namespace).
lab_is_init() {
    local pid=$1 node=$2 stat args=()
    [ -r "/proc/$pid/cmdline" ] || return 1
    mapfile -d '' args < "/proc/$pid/cmdline" 2>/dev/null || return 1
    [ "${#args[@]}" -ge 4 ] || return 1
    [ "${args[1]}" = "$LAB_INIT" ] && [ "${args[2]}" = "$LAB_DIR" ] \
        && [ "${args[3]}" = "$node" ] || return 1
    [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" != \
      "$(readlink /proc/self/ns/pid)" ] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ] && [ "${stat%% *}" != X ]
}

# lab_init_pid NODE: prints the root-namespace PID of NODE's init, or
# fails if the node is not running.  The first child of unshare is not
# always the init (a short-lived extra child shows up now and then): check
# the command line and the PID namespace of every candidate.
lab_init_pid() {
    local node=$1 f=$LAB_DIR/$1/init.pid pid
    if [ -r "$f" ]; then
        read -r pid < "$f"
        if [ -n "$pid" ] && lab_is_init "$pid" "$node"; then
            echo "$pid"
            return 0
        fi
    fi
    for pid in $(grep -lsF -- "$LAB_INIT" /proc/[0-9]*/cmdline \
                 | cut -d/ -f3); do
        if lab_is_init "$pid" "$node"; then
            echo "$pid" > "$f"
            echo "$pid"
            return 0
        fi
    done
    return 1
}

lab_node_running() {
    lab_init_pid "$1" >/dev/null
}

# lab_exec NODE CMD...: runs CMD in every namespace of NODE, with its root
# and working directory.
lab_exec() {
    local node=$1 pid
    shift
    pid=$(lab_init_pid "$node") || {
        lab_err "$node is not running"
        return 125
    }
    nsenter -t "$pid" -m -u -i -n -p -r -w -- \
        env OVNDB_SERVERS_HELPER="$LAB_DIR/agent/ovndb-servers-helper" "$@"
}

# lab_node_start NODE: starts NODE's init; returns once it is found.
lab_node_start() {
    local node=$1 ns pid i
    ns=$(lab_ns "$node")
    lab_node_running "$node" && return 0
    [ -e "/run/netns/$ns" ] || { lab_err "no namespace $ns"; return 1; }
    rm -f "$LAB_DIR/$node/init.pid"
    # Double fork: the machine's PID 1 adopts unshare, and setsid keeps a
    # Ctrl-C on the terminal away from the nodes (the callers' traps stop
    # them).
    (
        setsid nsenter --net="/run/netns/$ns" \
            unshare --mount --uts --ipc --pid --fork --kill-child \
            --mount-proc --propagation private \
            /bin/bash "$LAB_INIT" "$LAB_DIR" "$node" \
            </dev/null >>"$LAB_DIR/$node/init.log" 2>&1 \
            3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    )
    for ((i = 0; i < 100; i++)); do
        if pid=$(lab_init_pid "$node"); then
            readlink "/proc/$pid/ns/mnt" > "$LAB_DIR/$node/mntns"
            return 0
        fi
        sleep 0.05
    done
    lab_err "$node: init not found after 5 s (see $LAB_DIR/$node/init.log)"
    return 1
}

# lab_node_kill NODE: SIGKILL of the init; the kernel then kills every
# process of the node's PID namespace.  Waits until they are all gone.
lab_node_kill() {
    local node=$1 pid i since
    since=$(lab_ticks)
    if pid=$(lab_init_pid "$node"); then
        kill -KILL "$pid" 2>/dev/null
    fi
    # Wait for the rest (unshare, nsenter parents) even if the init was
    # gone already.  Once they are gone the namespace record is dropped:
    # the kernel reuses the inode number of a dead namespace at once (for
    # the next lab node of anyone's).
    for ((i = 0; i < 100; i++)); do
        if ! lab_node_procs_left "$node" "$since"; then
            rm -f "$LAB_DIR/$node/mntns"
            return 0
        fi
        sleep 0.05
    done
    lab_err "$node: processes left 5 s after SIGKILL of its init:" \
        "$(lab_node_procs_left "$node" "$since" list | tr '\n' ';')"
    return 1
}

# lab_ticks: clock ticks since boot (the unit of a process's start time).
lab_ticks() {
    local up
    read -r up _ < /proc/uptime
    up=${up/./}
    echo $((10#$up * $(getconf CLK_TCK) / 100))
}

# lab_proc_of_node PID NODE: PID's mount namespace has NODE's own
# /etc/corosync bind mount (from $LAB_DIR/NODE; the mount root in
# mountinfo is that path, or its tail if /tmp is a file system of its
# own).  Tells this lab's node from another lab's node whose namespace
# reuses the inode number of one of ours that died.
lab_proc_of_node() {
    awk -v want="$LAB_DIR/$2/etc-corosync" '
        $5 == "/etc/corosync" && length($4) > 1 \
            && substr(want, length(want) - length($4) + 1) == $4 { found = 1 }
        END { exit !found }' "/proc/$1/mountinfo" 2>/dev/null
}

# lab_node_procs_left NODE SINCE [list]: true if a process that started
# before SINCE (lab_ticks) still lives in NODE's mount namespace (zombies
# count as gone); with "list", prints them.  The start time and the
# mount check matter: once the namespace is gone its inode number can be
# reused by a new namespace of anyone's (another lab's node, say).
lab_node_procs_left() {
    local mnt p stat found=1 since=$2 fields
    [ -r "$LAB_DIR/$1/mntns" ] || return 1
    read -r mnt < "$LAB_DIR/$1/mntns"
    [ -n "$mnt" ] || return 1
    # shellcheck disable=SC2010  # symlink targets: ls is the one-process way
    for p in $(ls -l /proc/[0-9]*/ns/mnt 2>/dev/null \
               | grep -F -- "-> $mnt" | sed 's|.* /proc/\([0-9]*\)/ns/mnt .*|\1|'); do
        stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        stat=${stat##*) }
        read -r -a fields <<<"$stat"
        # Field 22 of /proc/PID/stat, the start time, is the 20th after
        # the command name.
        [ "${fields[19]:-0}" -le "$since" ] || continue
        lab_proc_of_node "$p" "$1" || continue
        case ${fields[0]} in
            Z|X) ;;
            *)
                [ "${3:-}" = list ] || return 0
                echo "$p ${fields[0]} $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-80)"
                found=0
                ;;
        esac
    done
    return $found
}

# lab_node_stop NODE: graceful stop (SIGTERM to the init: Pacemaker stops
# the node's resources, then corosync leaves).
lab_node_stop() {
    local node=$1 pid i
    pid=$(lab_init_pid "$node") || return 0
    kill -TERM "$pid"
    for ((i = 0; i < 1400; i++)); do
        lab_node_running "$node" || break
        sleep 0.1
    done
    if lab_node_running "$node"; then
        lab_err "$node did not stop in 140 s; killing it"
        lab_node_kill "$node"
        return 1
    fi
    lab_node_kill "$node"
}

# lab_flush_addrs NODE: what a power loss does to the node's addresses
# (the VIP included).  Only the node's own address comes back on restart.
lab_flush_addrs() {
    local ns
    ns=$(lab_ns "$1")
    ip -n "$ns" addr flush dev eth0 2>/dev/null
    ip -n "$ns" neigh flush dev eth0 2>/dev/null
    true
}

# lab_crash NODE: power loss.  Every process of the node dies at once
# (ovsdb-servers included) and its addresses go with it.
lab_crash() {
    lab_node_kill "$1" || return 1
    lab_flush_addrs "$1"
}

# lab_kill_stack NODE: SIGKILL of corosync, pacemakerd and everything
# under pacemakerd; ovsdb-server and ovn-northd (children of the init)
# keep running, and so does the VIP on eth0.  Without fencing this is a
# split brain.
lab_kill_stack() {
    local node=$1 init pids=() p c comm todo
    init=$(lab_init_pid "$node") || return 1
    for p in $(cat /proc/"$init"/task/*/children 2>/dev/null); do
        comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
        case $comm in
            corosync|pacemakerd) pids+=("$p") ;;
        esac
    done
    # Everything below pacemakerd (its daemons and running agents).
    todo=("${pids[@]}")
    while [ "${#todo[@]}" -gt 0 ]; do
        p=${todo[0]}
        todo=("${todo[@]:1}")
        for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
            pids+=("$c")
            todo+=("$c")
        done
    done
    [ "${#pids[@]}" -gt 0 ] || { lab_err "$node: no cluster stack"; return 1; }
    kill -KILL "${pids[@]}" 2>/dev/null
    true
}

lab_link_down() {
    ip -n "$LAB_BR" link set "p-$1" down
}

lab_link_up() {
    ip -n "$LAB_BR" link set "p-$1" up
}

# lab_node_restart NODE: hard stop if running, then boot: only its own
# address on eth0, empty neighbour table, link up, init started, and wait
# until the three nodes see each other.
lab_node_restart() {
    local node=$1 ns
    ns=$(lab_ns "$node")
    lab_node_kill "$node" || return 1
    lab_flush_addrs "$node"
    ip -n "$ns" addr add "$(lab_addr "$node")/$LAB_NETMASK" dev eth0
    ip -n "$ns" link set eth0 up
    lab_link_up "$node"
    lab_node_start "$node" || return 1
    lab_wait_online 30 || {
        lab_err "$node restarted, but the nodes do not all see each other" \
            "after 30 s"
        return 1
    }
}

# ------------------------------------------------------------ cluster view

# lab_crm_xml NODE: crm_mon's XML status, as seen from NODE.
lab_crm_xml() {
    local xml
    xml=$(lab_exec "$1" timeout 10 crm_mon -1 --output-as=xml 2>/dev/null) \
        || return 1
    echo "$xml"
}

# lab_node_sees_all NODE [N]: NODE sees N (3) nodes online and a DC.
lab_node_sees_all() {
    local xml want=${2:-${#LAB_NODES[@]}}
    xml=$(lab_crm_xml "$1") || return 1
    grep -q '<current_dc present="true"' <<<"$xml" || return 1
    [ "$(grep -c '<node name="[^"]*" id="[^"]*" online="true"' <<<"$xml")" \
        -eq "$want" ]
}

# lab_wait_online SECS [NODE...]: every listed node (all by default) sees
# all the nodes online and a DC.
lab_wait_online() {
    local secs=$1 end n ok
    shift
    local nodes=("$@")
    [ "${#nodes[@]}" -gt 0 ] || nodes=("${LAB_NODES[@]}")
    end=$(($(lab_now_ms) + secs * 1000))
    while :; do
        ok=1
        for n in "${nodes[@]}"; do
            lab_node_sees_all "$n" || { ok=0; break; }
        done
        [ "$ok" = 1 ] && return 0
        [ "$(lab_now_ms)" -lt "$end" ] || return 1
        sleep 0.2
    done
}

# ---------------------------------------------------------------- up/down

lab_up() {
    local t0 n
    t0=$(lab_now_ms)
    if lab_exists; then
        lab_err "a lab with prefix '$LAB_PREFIX' exists already: run" \
            "'$0 down' (or lab_down) first"
        return 1
    fi
    lab_say "fencing is off in the lab (stonith-enabled=false): lab only"
    rm -rf "$LAB_DIR"
    lab_net_up || { lab_err "network setup failed"; lab_down; return 1; }
    lab_check_isolation || { lab_down; return 1; }
    lab_write_config || { lab_err "configuration failed"; lab_down; return 1; }
    for n in "${LAB_NODES[@]}"; do
        lab_node_start "$n" || { lab_down; return 1; }
    done
    if ! lab_wait_online 30; then
        lab_err "the 3 nodes are not online after 30 s (logs in $LAB_DIR)"
        lab_down
        return 1
    fi
    LAB_UP_MS=$(($(lab_now_ms) - t0))
    lab_say "3 nodes online in $((LAB_UP_MS / 1000)).$(printf %03d $((LAB_UP_MS % 1000))) s"
}

# lab_exists: any namespace or node init of this lab is there.
lab_exists() {
    local n
    ip netns list 2>/dev/null | cut -d' ' -f1 | grep -q "^$LAB_PREFIX" \
        && return 0
    for n in "${LAB_NODES[@]}"; do
        lab_node_running "$n" && return 0
    done
    return 1
}

# lab_down: kills every node (by its verified init PID), removes the
# namespaces (veths and bridge go with them), checks that nothing is left.
lab_down() {
    local n ns left=0 since
    since=$(lab_ticks)
    for n in "${LAB_NODES[@]}"; do
        lab_node_running "$n" && kill -KILL "$(lab_init_pid "$n")" 2>/dev/null
    done
    for n in "${LAB_NODES[@]}"; do
        lab_node_kill "$n" || left=1
    done
    for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1 \
                | grep "^$LAB_PREFIX"); do
        ip netns del "$ns" || left=1
    done
    for n in "${LAB_NODES[@]}"; do
        if lab_node_procs_left "$n" "$since"; then
            lab_err "$n: processes left after teardown:" \
                "$(lab_node_procs_left "$n" "$since" list | tr '\n' ';')"
            left=1
        fi
    done
    if grep -q "$LAB_DIR\|/run/netns/$LAB_PREFIX" /proc/self/mountinfo; then
        lab_err "mounts left after teardown"
        left=1
    fi
    if [ "$left" = 0 ] && [ -z "${LAB_KEEP:-}" ]; then
        rm -rf "$LAB_DIR"
    elif [ -d "$LAB_DIR" ]; then
        lab_say "logs kept in $LAB_DIR"
    fi
    return $left
}

lab_status() {
    local n pid ns
    echo "namespaces: $(ip netns list 2>/dev/null | cut -d' ' -f1 \
                        | grep "^$LAB_PREFIX" | tr '\n' ' ')"
    for n in "${LAB_NODES[@]}"; do
        ns=$(lab_ns "$n")
        if pid=$(lab_init_pid "$n"); then
            echo "$n: init pid $pid, eth0: $(ip -n "$ns" -4 -br addr show dev eth0 \
                  2>/dev/null | awk '{$1=$2=""; print}')"
        else
            echo "$n: down"
        fi
    done
    for n in "${LAB_NODES[@]}"; do
        if lab_node_running "$n"; then
            lab_exec "$n" crm_mon -1 -r
            return
        fi
    done
}

# ------------------------------------------------------------- resources

# lab_create_resources [P=V...]: creates the resources through the
# operator recipe, heartbeat/ovndb-servers-vip.sh, inside node1: pcs -f on
# a file, then pushed (pcs without pcsd).
lab_create_resources() {
    local f=$LAB_DIR/resources.xml node=${LAB_CONFIG_NODE:-node1}
    rm -f "$f"
    lab_exec "$node" pcs cluster cib "$f" || return 1
    lab_exec "$node" "$LAB_ROOT/heartbeat/ovndb-servers-vip.sh" \
        --file "$f" --netmask "$LAB_NETMASK" --nic eth0 --monitor 5s \
        "$LAB_VIP" "$@" || return 1
    lab_exec "$node" pcs cluster cib-push "$f" --config
}

# ------------------------------------------------------------------- CLI

lab_usage() {
    sed -n '4,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

lab_main() {
    local cmd=${1:-}
    [ $# -gt 0 ] && shift
    if [ "$(id -u)" != 0 ]; then
        lab_err "run as root"
        return 1
    fi
    case $cmd in
        up)
            trap 'lab_down; exit 130' INT TERM
            lab_up
            ;;
        down)
            lab_down
            ;;
        status)
            lab_status
            ;;
        resources)
            lab_create_resources "$@"
            ;;
        exec)
            [ $# -ge 2 ] || { lab_usage >&2; return 2; }
            lab_valid_node "$1" || return 2
            lab_exec "$@"
            ;;
        crash|kill-stack|link-down|link-up|restart|stop)
            [ $# -eq 1 ] || { lab_usage >&2; return 2; }
            lab_valid_node "$1" || return 2
            case $cmd in
                crash) lab_crash "$1" ;;
                kill-stack) lab_kill_stack "$1" ;;
                link-down) lab_link_down "$1" ;;
                link-up) lab_link_up "$1" ;;
                restart) lab_node_restart "$1" ;;
                stop) lab_node_stop "$1" ;;
            esac
            ;;
        -h|--help|help)
            lab_usage
            ;;
        *)
            lab_usage >&2
            return 2
            ;;
    esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    lab_main "$@"
    exit $?
fi
