# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2120  # results and optional arguments are for the callers
# ovndb.sh - helpers for the ovndb_servers clone in the lab (sourced after
# lab.sh): cluster state from crm_mon's XML, replication state from
# ovsdb-server, the VIP, and the writers that commit numbered rows through
# the VIP.  Every wait is a bounded poll; every client runs inside a node.

OVL_CLONE=ovndb_servers-clone
OVL_VIP_RSC=ovndb_servers_vip
OVL_NB_CTL=/var/run/ovn/ovnnb_db.ctl
OVL_SB_CTL=/var/run/ovn/ovnsb_db.ctl
OVL_NB_SOCK=unix:/var/run/ovn/ovnnb_db.sock
OVL_NB_VIP=tcp:$LAB_VIP:6641
OVL_WPIDS=()
OVL_WFILES=()
OVL_WHY=
OVL_PROMOTED=
# The nodes whose view of the cluster counts (all by default; during a
# partition, the majority).
OVL_VIEW=()

# ------------------------------------------------------------ crm_mon XML

# ovl_xml [NODE...]: crm_mon XML from the first of NODE... (all nodes by
# default) that is running and answers.
ovl_xml() {
    local n nodes=("$@")
    [ "${#nodes[@]}" -gt 0 ] || nodes=("${OVL_VIEW[@]}")
    [ "${#nodes[@]}" -gt 0 ] || nodes=("${LAB_NODES[@]}")
    local xml
    for n in "${nodes[@]}"; do
        lab_node_running "$n" || continue
        # crm_mon prints an error document when it fails: drop it.
        xml=$(lab_crm_xml "$n") || continue
        echo "$xml"
        return 0
    done
    return 1
}

# ovl_attr_list XML XPATH: values of the attributes XPATH selects, one a
# line.
ovl_attr_list() {
    xmllint --xpath "$2" - <<<"$1" 2>/dev/null \
        | grep -o '"[^"]*"' | tr -d '"'
}

ovl_promoted_in() {
    ovl_attr_list "$1" "//clone[@id='$OVL_CLONE']/resource[@role='Promoted' and @failed='false']/node/@name"
}

ovl_unpromoted_in() {
    ovl_attr_list "$1" "//clone[@id='$OVL_CLONE']/resource[@role='Unpromoted' and @failed='false']/node/@name"
}

ovl_vip_started_in() {
    ovl_attr_list "$1" "//resources/resource[@id='$OVL_VIP_RSC' and @role='Started']/node/@name"
}

ovl_online_in() {
    ovl_attr_list "$1" "//nodes/node[@online='true']/@name"
}

# ovl_failures_in XML: failed actions, "NODE OPERATION EXIT-REASON" a line.
ovl_failures_in() {
    local xml=$1 n i line
    n=$(xmllint --xpath 'count(//failures/failure)' - <<<"$xml" 2>/dev/null)
    for ((i = 1; i <= ${n:-0}; i++)); do
        # $(...) drops the newline xmllint may or may not print.
        line=$(xmllint --xpath "concat(//failures/failure[$i]/@node, ' ', //failures/failure[$i]/@op_key, ' rc=', //failures/failure[$i]/@exitcode, ' ', //failures/failure[$i]/@exitreason)" - <<<"$xml" 2>/dev/null)
        echo "$line"
    done
}

# ------------------------------------------------------- nodes and the VIP

# ovl_vip_holders: the nodes whose eth0 carries the VIP (netlink query of
# each namespace: no traffic).
ovl_vip_holders() {
    local n
    for n in "${LAB_NODES[@]}"; do
        ip -n "$(lab_ns "$n")" -4 addr show dev eth0 2>/dev/null \
            | grep -q "inet $LAB_VIP/" && echo "$n"
    done
}

# ovl_sync NODE nb|sb: ovsdb-server/sync-status of the node's database.
ovl_sync() {
    local ctl=$OVL_NB_CTL
    [ "$2" = sb ] && ctl=$OVL_SB_CTL
    lab_exec "$1" timeout 5 ovs-appctl -T 3 -t "$ctl" \
        ovsdb-server/sync-status 2>&1
}

# ovl_replicating NODE [ACTIVE]: both databases are backups replicating
# from the VIP or, with ACTIVE, from that node's own address.
ovl_replicating() {
    local s src="$LAB_VIP"
    [ -n "${2:-}" ] && src="($LAB_VIP|$(lab_addr "$2"))"
    src=${src//./\\.}
    s=$(ovl_sync "$1" nb) || return 1
    grep -q 'state: backup' <<<"$s" \
        && grep -Eq "replicating: tcp:$src:6641" <<<"$s" || return 1
    s=$(ovl_sync "$1" sb) || return 1
    grep -q 'state: backup' <<<"$s" \
        && grep -Eq "replicating: tcp:$src:6642" <<<"$s"
}

# ovl_active NODE: both databases are active.
ovl_active() {
    ovl_sync "$1" nb | grep -q 'state: active' \
        && ovl_sync "$1" sb | grep -q 'state: active'
}

# ovl_northd_nodes: the nodes where ovn-northd runs.
ovl_northd_nodes() {
    local n
    for n in "${LAB_NODES[@]}"; do
        lab_node_running "$n" || continue
        lab_exec "$n" pgrep -x ovn-northd >/dev/null 2>&1 && echo "$n"
    done
}

# ovl_join: its lines joined with commas ("-" if none).
ovl_join() {
    local s
    s=$(paste -sd, -)
    echo "${s:--}"
}

# ovl_summary: one line on the clone, the VIP and replication.
ovl_summary() {
    local xml n s out
    xml=$(ovl_xml) || { echo "no node answers crm_mon"; return 1; }
    out="promoted=$(ovl_promoted_in "$xml" | ovl_join)"
    out+=" unpromoted=$(ovl_unpromoted_in "$xml" | ovl_join)"
    out+=" vip-resource=$(ovl_vip_started_in "$xml" | ovl_join)"
    out+=" vip-address=$(ovl_vip_holders | ovl_join)"
    for n in "${LAB_NODES[@]}"; do
        if ! lab_node_running "$n"; then
            s=down
        elif ovl_active "$n"; then
            s=active
        elif ovl_replicating "$n" "$(ovl_promoted_in "$xml" | head -1)"; then
            s=replicating
        else
            s=other
        fi
        out+=" $n:$s"
    done
    echo "$out"
}

# ovl_clean [NODES]: the state every scenario must end in.  All NODES
# (3) online, exactly one Promoted instance whose databases are active,
# the VIP resource and address on it and nowhere else, every other
# instance Unpromoted with both databases replicating from the VIP.  On
# failure OVL_WHY says why.
ovl_clean() {
    local want=${1:-${#LAB_NODES[@]}} xml p n promoted unpromoted vipr vipa
    OVL_WHY=
    xml=$(ovl_xml) || { OVL_WHY="no node answers crm_mon"; return 1; }
    [ "$(ovl_online_in "$xml" | wc -l)" -eq "$want" ] \
        || { OVL_WHY="not $want nodes online"; return 1; }
    promoted=$(ovl_promoted_in "$xml")
    [ "$(grep -c . <<<"$promoted")" -eq 1 ] \
        || { OVL_WHY="promoted: '$(ovl_join <<<"$promoted")'"; return 1; }
    p=$promoted
    vipr=$(ovl_vip_started_in "$xml")
    [ "$vipr" = "$p" ] \
        || { OVL_WHY="VIP resource on '$vipr', promoted is $p"; return 1; }
    vipa=$(ovl_vip_holders | ovl_join)
    [ "$vipa" = "$p" ] \
        || { OVL_WHY="VIP address on '$vipa', promoted is $p"; return 1; }
    ovl_active "$p" || { OVL_WHY="$p is promoted but not active"; return 1; }
    unpromoted=$(ovl_unpromoted_in "$xml")
    [ "$(grep -c . <<<"$unpromoted")" -eq $((want - 1)) ] \
        || { OVL_WHY="unpromoted: '$(ovl_join <<<"$unpromoted")'"; return 1; }
    for n in $unpromoted; do
        ovl_replicating "$n" "$p" \
            || { OVL_WHY="$n is not a replicating backup"; return 1; }
    done
    OVL_PROMOTED=$p
    return 0
}

# ovl_wait_clean SECS: polls ovl_clean (every 0.5 s) for at most SECS.
ovl_wait_clean() {
    local end
    end=$(($(lab_now_ms) + $1 * 1000))
    while :; do
        ovl_clean && return 0
        [ "$(lab_now_ms)" -lt "$end" ] || return 1
        sleep 0.5
    done
}

# ovl_promoted: the promoted node (one line per promoted instance).
ovl_promoted() {
    local xml
    xml=$(ovl_xml "$@") || return 1
    ovl_promoted_in "$xml"
}

# ovl_wait_promoted SECS [EXCEPT]: waits for one promoted instance whose
# databases are active and that holds the VIP (other than EXCEPT), and
# prints its node.
ovl_wait_promoted() {
    local end p
    end=$(($(lab_now_ms) + $1 * 1000))
    while :; do
        p=$(ovl_promoted 2>/dev/null)
        if [ "$(grep -c . <<<"$p")" = 1 ] && [ "$p" != "${2:-}" ] \
                && ovl_vip_holders | grep -qx "$p"; then
            echo "$p"
            return 0
        fi
        [ "$(lab_now_ms)" -lt "$end" ] || return 1
        sleep 0.2
    done
}

# ---------------------------------------------------------------- writers

# ovl_writers_start NODE COUNT INTERVAL_MS TAG [MAX_SECS]: COUNT writers
# inside NODE, named TAG1..TAGn; their files go to OVL_WDIR.
ovl_writers_start() {
    local node=$1 count=$2 interval=$3 tag=$4 max=${5:-180} i f
    mkdir -p "$OVL_WDIR"
    rm -f "$OVL_WDIR/stop"
    for ((i = 1; i <= count; i++)); do
        f=$OVL_WDIR/$tag$i
        OVL_WFILES+=("$f")
        lab_exec "$node" bash "$LAB_HERE/writer.sh" "$tag$i" "$f" \
            "$OVL_WDIR/stop" "$interval" "$max" </dev/null >/dev/null 2>&1 &
        OVL_WPIDS+=($!)
    done
}

# ovl_writers_stop: asks the writers to stop, waits (5 s at most), then
# kills what is left.  The writer files stay.
ovl_writers_stop() {
    local p i
    mkdir -p "$OVL_WDIR" && touch "$OVL_WDIR/stop"
    for ((i = 0; i < 50; i++)); do
        for p in "${OVL_WPIDS[@]}"; do
            kill -0 "$p" 2>/dev/null && break
            p=
        done
        [ -z "${p:-}" ] && break
        sleep 0.1
    done
    for p in "${OVL_WPIDS[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    OVL_WPIDS=()
}

# ovl_writers_acked: the acknowledged row ids of the current writers.
ovl_writers_acked() {
    [ "${#OVL_WFILES[@]}" -gt 0 ] || return 0
    cat "${OVL_WFILES[@]}" 2>/dev/null | cut -d' ' -f1 | sort -u
}

# ovl_writers_acked_before T_MS: the sorted names of the writes
# acknowledged before T_MS (wall clock, ms, as writer.sh records them).
ovl_writers_acked_before() {
    [ "${#OVL_WFILES[@]}" -gt 0 ] || return 0
    cat "${OVL_WFILES[@]}" 2>/dev/null \
        | awk -v t="$1" '$2 < t { print $1 }' | sort -u
}

# ovl_writers_count: number of acknowledged writes.
ovl_writers_count() {
    [ "${#OVL_WFILES[@]}" -gt 0 ] || { echo 0; return; }
    cat "${OVL_WFILES[@]}" 2>/dev/null | wc -l
}

# ovl_writers_stall T0_MS: the write stall around a fault injected at T0,
# from the writes acknowledged by all current writers: the longest time
# without any acknowledged write, from the last acknowledgement before T0
# on.  For a fault that is over at once (a crash) it is "last write before
# the fault -> first write after"; for one that lasts (a switchover) it is
# the worst gap while it lasted.  Prints "STALL_MS FROM TO", FROM and TO
# being the gap's ends relative to T0 (ms); STALL_MS is -1 if no write was
# acknowledged after T0.
ovl_writers_stall() {
    [ "${#OVL_WFILES[@]}" -gt 0 ] || { echo "-1 0 0"; return; }
    cat "${OVL_WFILES[@]}" 2>/dev/null | cut -d' ' -f2 | sort -n \
        | awk -v t0="$1" '
            $1 <= t0 { prev = $1; next }
            { if (prev == "") prev = t0
              if ($1 - prev > gap) { gap = $1 - prev; from = prev; to = $1 }
              prev = $1; after = 1 }
            END { if (!after) print -1, 0, 0
                  else print gap, from - t0, to - t0 }'
}

# ovl_writers_acked_after T0_MS: true if a write was acknowledged after T0.
ovl_writers_acked_after() {
    [ "${#OVL_WFILES[@]}" -gt 0 ] || return 1
    cat "${OVL_WFILES[@]}" 2>/dev/null \
        | awk -v t0="$1" '$2 > t0 { found = 1; exit } END { exit !found }'
}

# ovl_writers_max_gap FROM_MS TO_MS: the longest time without an
# acknowledged write (all writers together) in [FROM, TO].
ovl_writers_max_gap() {
    [ "${#OVL_WFILES[@]}" -gt 0 ] || { echo -1; return; }
    cat "${OVL_WFILES[@]}" 2>/dev/null | cut -d' ' -f2 | sort -n \
        | awk -v a="$1" -v b="$2" '
            $1 < a || $1 > b { next }
            { if (prev == "") prev = a
              if ($1 - prev > gap) gap = $1 - prev
              prev = $1 }
            END { if (prev == "") prev = a
                  if (b - prev > gap) gap = b - prev
                  print gap + 0 }'
}

# ovl_node_rows NODE: the row ids in NODE's own NB database (its local
# socket: a backup serves reads).
ovl_node_rows() {
    lab_exec "$1" timeout 10 ovsdb-client --bare dump "$OVL_NB_SOCK" \
        OVN_Northbound DNS external_ids 2>/dev/null \
        | sed -n 's/^w=//p' | sort -u
}

# ovl_missing NODE IDS_FILE: prints how many ids of IDS_FILE NODE lacks.
ovl_missing() {
    local rows
    rows=$(ovl_node_rows "$1") || { echo -1; return; }
    comm -23 "$2" <(echo "$rows") | grep -c .
}

# ovl_wait_rows NODE IDS_FILE SECS: waits until NODE has every id of
# IDS_FILE (a backup may lag a little); prints the number still missing.
ovl_wait_rows() {
    local end m
    end=$(($(lab_now_ms) + $3 * 1000))
    while :; do
        m=$(ovl_missing "$1" "$2")
        if [ "$m" = 0 ] || [ "$(lab_now_ms)" -ge "$end" ]; then
            echo "$m"
            return 0
        fi
        sleep 0.5
    done
}

# ovl_nbctl NODE ARGS...: ovn-nbctl inside NODE, through the VIP.
ovl_nbctl() {
    local node=$1
    shift
    lab_exec "$node" ovn-nbctl --db="$OVL_NB_VIP" --timeout=2 "$@"
}
