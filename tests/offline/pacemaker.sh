#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/offline/pacemaker.sh - ocf:ovn:ovndb-servers under Pacemaker's own
# tools, offline: a CIB file (CIB_file is always exported, so nothing talks
# to a live cluster), three nodes of which only the local one is real.
#
#   1. pcs -f builds the configuration: promotable clone with notify=true,
#      an IPaddr2 VIP (simulated only, never started) colocated with the
#      Promoted role and ordered after promote.
#   2. crm_simulate -G on the initial CIB with promotion scores: the action
#      sequence Pacemaker runs (probes, start, notify, promote, VIP), as a
#      readable summary, and the CRM_meta_notify_* environment of the agent
#      calls -- the sequence the integration tests replay.
#   3. crm_resource --force-start/check/promote/demote/stop run the
#      INSTALLED agent for real (ports 36641/36642 on 127.0.0.1); its
#      crm_attribute --promotion writes into the CIB file.
#   4. crm_simulate places the promotion and the VIP after the scores:
#      local node first, then node2 once its score is higher.
#
# Run "make install" first.  Set PCMK_ARTIFACTS_DIR=DIR to keep the CIBs,
# graph and simulation outputs.  Exits non-zero if anything failed; the last
# line is "N passed, N failed".

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$root/tests/lib/common.sh"

agent=/usr/lib/ocf/resource.d/ovn/ovndb-servers
rsc=ovndb_servers
clone=$rsc-clone
nb_port=36641
sb_port=36642
op_timeout=120          # bounds any one tool run; the agent's own are lower

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovndb-pcmk.XXXXXX") || exit 1
on_exit rm -rf "$tmp"
cib=$tmp/cib.xml
# Every Pacemaker tool below, and the agent's own crm_attribute (it inherits
# the environment through crm_resource), works on this file only.
export CIB_file=$cib
unset CIB_shadow CIB_shadow_dir
ovn=$tmp/ovn
mkdir -p "$ovn/db" "$ovn/run" "$ovn/log"

node=$(uname -n)
others=()
for n in node2 node3 node4; do
    [ "$n" != "$node" ] && [ ${#others[@]} -lt 2 ] && others+=("$n")
done
n2=${others[0]}
n3=${others[1]}

# Whatever the agent started in $ovn is stopped by pid at the end
# (kill_leftovers, tests/lib/common.sh).
on_exit kill_leftovers "'$ovn'" '>/dev/null'

# --- CIB helpers -------------------------------------------------------------

# run NAME CMD...: CMD must exit 0; its output is shown if it does not.
run() {
    local name=$1 rc
    shift
    timeout -k 10 "$op_timeout" "$@" >"$tmp/run.out" 2>&1
    rc=$?
    if [ "$rc" = 0 ]; then
        pass "$name"
    else
        fail "$name (rc $rc)"
        show "$tmp/run.out"
    fi
    return "$rc"
}

# force ACTION WANT: crm_resource --ACTION on the clone's primitive must
# exit WANT (crm_resource exits with the agent's rc).
force() {
    local action=$1 want=$2 rc
    timeout -k 10 "$op_timeout" crm_resource -r "$rsc" "--$action" \
        >"$tmp/force.out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ]; then
        pass "crm_resource --$action exits $want"
    else
        fail "crm_resource --$action exits $want (rc $rc)"
        show "$tmp/force.out"
    fi
}

# score NODE (tests/lib/common.sh) reads master-$RSC.
# shellcheck disable=SC2034
RSC=$rsc

# set_score FILE NODE VALUE: what the agent does, on NODE.
set_score() {
    CIB_file=$1 crm_attribute --promotion="$rsc" -N "$2" -v "$3"
}

# score_is NODE WANT: the promotion score in the CIB file is WANT; "none":
# there is no such attribute (crm_attribute's 105, not any other failure).
score_is() {
    local got
    got=$(score "$1")
    check "promotion score of $1 is $2 (got '$got')" test "$got" = "$2"
}

# xp FILE EXPR: value of an XPath expression.
xp() {
    xmllint --xpath "$2" "$1" 2>/dev/null
}

# xp_is NAME FILE EXPR WANT
xp_is() {
    local got
    got=$(xp "$2" "$3")
    if [ "$got" = "$4" ]; then
        pass "$1"
    else
        fail "$1 (got '$got', expected '$4')"
    fi
}

# sequence SIMXML: readable summary of the <transition> of a crm_simulate
# --output-as=xml run: consecutive identical actions on several nodes are
# merged, notifications are labelled with their phase.
sequence() {
    xp "$1" '//transition/*' | awk '
        function attr(n) {
            if (match($0, n "=\"[^\"]*\""))
                return substr($0, RSTART + length(n) + 2,
                              RLENGTH - length(n) - 3)
            return ""
        }
        function flush() {
            if (cur != "")
                printf "    #   %2d. %-46s on %s\n", ++step, cur, nodes
            cur = ""
        }
        /<pseudo_action/ {
            t = attr("task")
            if (t ~ /_(pre|post)_notify_/ && t !~ /confirmed/) {
                flush()
                sub(/^.*-clone_/, "", t); sub(/_0$/, "", t)
                split(t, a, "_")
                phase = a[1] "-notify " a[3]
                printf "    #       -- %s\n", phase
            }
            next
        }
        /<rsc_action/ {
            r = attr("resource"); sub(/:[0-9]+$/, "", r)
            op = attr("op"); iv = attr("interval"); n = attr("node")
            if (op == "monitor" && iv == "") label = "probe"
            else if (op == "monitor") label = "monitor every " iv / 1000 "s"
            else if (op == "cancel") label = "cancel " iv / 1000 "s monitor"
            else if (op == "notify") label = "notify (" phase ")"
            else label = op
            key = label " " r
            if (key != cur) { flush(); cur = key; nodes = n }
            else nodes = nodes ", " n
        }
        END { flush() }'
}

# simulate NAME CIB OUT: crm_simulate -S on CIB; the XML result goes to
# OUT.xml (for the assertions), the scores and transition summary of the
# text run are shown, the resulting CIB goes to OUT.cib.
simulate() {
    local name=$1 in=$2 out=$3
    run "$name: crm_simulate -S succeeds" \
        crm_simulate -x "$in" -S -O "$out.cib" -G "$out.graph" \
        --output-as=xml --output-to="$out.xml" || return 1
    crm_simulate -x "$in" -S -s >"$out.txt" 2>&1
    echo "    # crm_simulate -x $(basename "$in") -S -s: scores and plan"
    grep -E 'promotion score on|^ *(Promote|Demote|Start|Stop|Move|Recover) ' \
        "$out.txt" | show
    echo "    # sequence:"
    sequence "$out.xml"
}

# --- preconditions -----------------------------------------------------------

for f in "$agent" /usr/lib/ocf/resource.d/heartbeat/IPaddr2; do
    if [ ! -x "$f" ]; then
        echo "Bail out! $f is missing (run 'make install' as root)"
        exit 1
    fi
done
for p in $nb_port $sb_port; do
    # From a successful ss listing: a missing or failing ss bails out too.
    if ! port_free "$p"; then
        echo "Bail out! port $p is in use (or ss failed):"
        ss -tlnp "sport = :$p" 2>&1 | show
        exit 1
    fi
done
echo "# local node: $node; simulated nodes: $n2 $n3; CIB_file=$cib"

# --- 1. configuration --------------------------------------------------------

run "cibadmin --empty" sh -c 'cibadmin --empty >"$CIB_file"'
run "pcs -f: stonith-enabled=false" \
    pcs -f "$cib" property set stonith-enabled=false
# No --force: pcs must accept the agent's meta-data (ocf-1.1.rng) as is.
run "pcs -f: create $rsc (promotable, notify=true)" \
    pcs -f "$cib" resource create "$rsc" ocf:ovn:ovndb-servers \
    master_ip=127.0.0.1 nb_master_port=$nb_port sb_master_port=$sb_port \
    db_dir="$ovn/db" run_dir="$ovn/run" log_dir="$ovn/log" \
    promotable notify=true
xp_is "pcs took the Promoted/Unpromoted monitors from the meta-data" "$cib" \
    "concat(count(//primitive[@id='$rsc']/operations/op[@name='monitor'
                   and @role='Promoted']), ':',
            count(//primitive[@id='$rsc']/operations/op[@name='monitor'
                   and @role='Unpromoted']))" "1:1"
xp_is "the clone is $clone, promotable, notify=true" "$cib" \
    "concat(count(//clone[@id='$clone']/primitive[@id='$rsc']), ':',
            //clone[@id='$clone']/meta_attributes/nvpair[@name='promotable']/@value,
            ':', //clone[@id='$clone']/meta_attributes/nvpair[@name='notify']/@value)" \
    "1:true:true"
run "pcs -f: create vip (IPaddr2 127.0.0.2/8, simulated only)" \
    pcs -f "$cib" resource create vip ocf:heartbeat:IPaddr2 ip=127.0.0.2 \
    cidr_netmask=8
run "pcs -f: colocate vip with Promoted $clone" \
    pcs -f "$cib" constraint colocation add vip with Promoted "$clone" INFINITY
run "pcs -f: order promote $clone then start vip" \
    pcs -f "$cib" constraint order promote "$clone" "then" start vip
# -u creates <node> and <node_state> entries; -q 1 is only applied together
# with another modification, and stores have-quorum="1".
run "crm_simulate -u: nodes $node $n2 $n3 online, with quorum" \
    crm_simulate -x "$cib" -u "$node" -u "$n2" -u "$n3" -q 1 -O "$tmp/nodes.xml"
cp "$tmp/nodes.xml" "$cib"
xp_is "the CIB has 3 nodes and 3 node_state entries, local one included" "$cib" \
    "concat(count(//nodes/node), ':', count(//status/node_state), ':',
            count(//status/node_state[@uname='$node']))" "3:3:1"
run "crm_verify -L accepts the configuration" crm_verify -L
cp "$cib" "$tmp/initial.xml"

# --- 2. the action sequence Pacemaker runs -----------------------------------

echo "# initial start with scores $node=10 $n2=5 (what the integration tests replay)"
cp "$tmp/initial.xml" "$tmp/g-in.xml"
set_score "$tmp/g-in.xml" "$node" 10 && set_score "$tmp/g-in.xml" "$n2" 5
if simulate "initial start" "$tmp/g-in.xml" "$tmp/g"; then
    graph=$tmp/g.graph
    op="//rsc_op[primitive/@id='$rsc']"
    xp_is "graph: a probe (monitor, target rc 7) on each node" "$graph" \
        "count(${op}[@operation='monitor' and attributes/@CRM_meta_op_target_rc='7'])" 3
    xp_is "graph: a start on each node" "$graph" \
        "count(${op}[@operation='start'])" 3
    xp_is "graph: one promote, on $node" "$graph" \
        "concat(count(${op}[@operation='promote']), ':',
                ${op}[@operation='promote']/@on_node)" "1:$node"
    xp_is "graph: promote carries CRM_meta_notify_promote_uname=$node" "$graph" \
        "string(${op}[@operation='promote']/attributes/@CRM_meta_notify_promote_uname)" \
        "$node"
    for phase in post:start pre:promote post:promote; do
        xp_is "graph: ${phase%%:*}-${phase#*:} notify on the 3 nodes, CRM_meta_notify_* set" \
            "$graph" \
            "count(${op}[@operation='notify'
                       and attributes/@CRM_meta_notify_type='${phase%%:*}'
                       and attributes/@CRM_meta_notify_operation='${phase#*:}'
                       and attributes/@CRM_meta_notify_promote_uname='$node'
                       and attributes/@CRM_meta_notify_all_uname])" 3
    done
    xp_is "graph: recurring monitors: Promoted on $node, Unpromoted on 2" "$graph" \
        "concat(count(${op}[@operation='monitor'
                          and attributes/@CRM_meta_role='Promoted'
                          and @on_node='$node']), ':',
                count(${op}[@operation='monitor'
                          and attributes/@CRM_meta_role='Unpromoted']))" "1:2"
    xp_is "graph: vip starts on $node" "$graph" \
        "string(//rsc_op[primitive/@id='vip' and @operation='start']/@on_node)" \
        "$node"
    # In the simulated order, the VIP starts after the promote.
    xp "$tmp/g.xml" '//transition/rsc_action' >"$tmp/g.seq"
    p=$(grep -n 'op="promote"' "$tmp/g.seq" | head -1 | cut -d: -f1)
    v=$(grep -n 'resource="vip" op="start"' "$tmp/g.seq" | head -1 | cut -d: -f1)
    check "sequence: vip starts after the promote (steps ${p:-none}, ${v:-none})" \
        eval '[ -n "$p" ] && [ -n "$v" ] && [ "$p" -lt "$v" ]'
    echo "    # environment of the pre-promote notify on $node" \
         "(CRM_meta_notify_*, empty lists are \" \"):"
    xp "$graph" "${op}[@operation='notify' and @on_node='$node'
                    and attributes/@CRM_meta_notify_type='pre'
                    and attributes/@CRM_meta_notify_operation='promote']/attributes" |
        grep -o 'CRM_meta_notify_[a-z_]*="[^"]*"' | show
fi

# --- 3. the real agent through crm_resource --force-* ------------------------

force validate 0
force force-check 7
score_is "$node" none

# (a) start: both databases up as backups; a fresh copy that never
# synchronised scores 1 (the last resort), see docs/state-table.md.
force force-start 0
score_is "$node" 1
xp_is "the score is a transient attribute of $node" "$cib" \
    "string(//node_state[@uname='$node']/transient_attributes//nvpair[@name='master-$rsc']/@value)" 1

# (b) monitor of a backup.
force force-check 0

# (c) promote: score 10, the active node recorded, monitor says promoted.
force force-promote 0
score_is "$node" 10
repl=$(crm_attribute --type crm_config --name OVN_REPL_INFO -G -q 2>/dev/null)
check "OVN_REPL_INFO is $node (got '$repl')" test "$repl" = "$node"
force force-check 8
force force-promote 0
score_is "$node" 10

# (d) demote: back to a backup, score 5.
force force-demote 0
score_is "$node" 5
force force-check 0

# --- 4. where Pacemaker puts the promotion and the VIP -----------------------

echo "# scores $node=10 $n2=5 on the current CIB"
cp "$cib" "$tmp/e-in.xml"
set_score "$tmp/e-in.xml" "$node" 10 && set_score "$tmp/e-in.xml" "$n2" 5
if simulate "scores $node=10 $n2=5" "$tmp/e-in.xml" "$tmp/e1"; then
    xp_is "crm_simulate promotes the instance on $node" "$tmp/e1.xml" \
        "string(//transition/rsc_action[@op='promote']/@node)" "$node"
    xp_is "result: Promoted on $node only" "$tmp/e1.xml" \
        "concat(count(//revised_cluster_status//clone[@id='$clone']/resource[@role='Promoted']),
                ':', //revised_cluster_status//clone[@id='$clone']/resource[@role='Promoted']/node/@name)" \
        "1:$node"
    xp_is "result: vip runs on $node" "$tmp/e1.xml" \
        "string(//revised_cluster_status//resource[@id='vip']/node/@name)" "$node"

    echo "# then $n2 gets 20"
    set_score "$tmp/e1.cib" "$n2" 20
    if simulate "$n2 raised to 20" "$tmp/e1.cib" "$tmp/e2"; then
        xp_is "crm_simulate demotes $node and promotes $n2" "$tmp/e2.xml" \
            "concat(//transition/rsc_action[@op='demote']/@node, '>',
                    //transition/rsc_action[@op='promote']/@node)" "$node>$n2"
        xp_is "result: Promoted on $n2 only" "$tmp/e2.xml" \
            "concat(count(//revised_cluster_status//clone[@id='$clone']/resource[@role='Promoted']),
                    ':', //revised_cluster_status//clone[@id='$clone']/resource[@role='Promoted']/node/@name)" \
            "1:$n2"
        xp_is "result: vip moved to $n2" "$tmp/e2.xml" \
            "string(//revised_cluster_status//resource[@id='vip']/node/@name)" "$n2"
    fi
fi

# --- 3 (f). stop -------------------------------------------------------------

force force-stop 0
score_is "$node" none
CIB_file=$cib crm_attribute --promotion="$rsc" -N "$node" -G -q >/dev/null 2>&1
rc=$?
check "querying the score fails: no such attribute (rc $rc, expected 105)" \
    test "$rc" = 105
check "no ovsdb-server of ours is left (pidfiles, command lines)" \
    kill_leftovers "$ovn"
force force-stop 0
force force-check 7

if [ -n "${PCMK_ARTIFACTS_DIR:-}" ]; then
    mkdir -p "$PCMK_ARTIFACTS_DIR" &&
        cp "$tmp"/*.xml "$tmp"/*.cib "$tmp"/*.graph "$tmp"/*.txt \
            "$PCMK_ARTIFACTS_DIR"/ 2>/dev/null
    echo "# artifacts kept in $PCMK_ARTIFACTS_DIR"
fi

summary
