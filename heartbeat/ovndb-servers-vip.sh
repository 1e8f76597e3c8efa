#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ovndb-servers-vip.sh - creates the ocf:ovn:ovndb-servers promotable clone
# and the ocf:heartbeat:IPaddr2 virtual IP that follows its Promoted role.
# Run it once, on any one node of a running cluster (or on a CIB file with
# --file).  "ovndb-servers-vip.sh --help" explains everything.
#
# Copyright the ovndb-servers authors.  Licensed under the Apache License,
# Version 2.0.

usage() {
    cat <<'EOF'
Usage: ovndb-servers-vip.sh [OPTIONS] VIP [PARAM=VALUE ...]

Creates, in a Pacemaker cluster, OVN's Northbound and Southbound databases
in active/backup replication (ocf:ovn:ovndb-servers, a promotable clone)
and the virtual IP VIP (ocf:heartbeat:IPaddr2) that always sits on the
node holding the Promoted (active) instance.  Clients reach the active
databases on VIP (NB on 6641, SB on 6642 by default).

PARAM=VALUE pairs go to ocf:ovn:ovndb-servers unchanged, for example
manage_northd=yes nb_master_port=6641 db_dir=/var/lib/ovn ("pcs resource
describe ocf:ovn:ovndb-servers" lists them).  master_ip is VIP: do not
pass it again.

Options:
  --pcs             use pcs (the default)
  --crm             use crmsh instead; exits 5 if crmsh is not installed
  --file CIB        work on the CIB file CIB instead of the live cluster
                    (pcs -f CIB; CIB_file=CIB for crmsh).  Push it later
                    with "pcs cluster cib-push CIB --config".
  --netmask N       cidr_netmask of the VIP (default 24)
  --nic IFACE       interface of the VIP (default: IPaddr2 picks the one
                    whose route covers VIP)
  --monitor TIME    monitor interval of the VIP (default 10s)
  --name NAME       name of the databases resource (default ovndb_servers);
                    the clone is NAME-clone and the VIP NAME_vip
  --force           pass --force to pcs (-F to crm)
  --dry-run         print the commands without running them
  -h, --help        this text

With pcs (0.10 or later) it runs exactly:

  pcs resource create NAME ocf:ovn:ovndb-servers master_ip=VIP [PARAM=VALUE
      ...] promotable notify=true interleave=true
  pcs resource create NAME_vip ocf:heartbeat:IPaddr2 ip=VIP
      cidr_netmask=N [nic=IFACE] op monitor interval=TIME
  pcs constraint colocation add NAME_vip with Promoted NAME-clone INFINITY
  pcs constraint order promote NAME-clone then start NAME_vip

pcs copies the agent's operation defaults from its meta-data: start and
stop 60s, promote and demote 50s, notify and reload-agent 20s, monitor
every 10s in the Promoted role and every 30s in the Unpromoted role
(timeout 30s).  The
crmsh variant spells the same operations out, then creates the clone
(promotable=true notify=true interleave=true), the VIP, the colocation
and the order.  interleave=true is spelled out because crmsh 5 (Debian 13)
adds it to every clone it creates and pcs does not: so both variants make
the same clone on every version (it only matters to clones that depend on
this one, which then follow the local instance).

Only the order "promote, then start the VIP" is needed.  Do not add an
order "stop the VIP, then demote": with the colocation Pacemaker already
stops the VIP before it demotes, and the extra order creates a loop.

pcs before 0.10 (and old guides) spelled the clone with
"pcs resource master NAME-master NAME notify=true" and the roles Master
and Slave.  That command is gone from current pcs: use "promotable", and
the roles Promoted and Unpromoted.

Fencing (STONITH, or sbd) is required in production: without it a node
that loses the cluster but keeps running can keep the VIP and accept
writes that the new active never sees (see heartbeat/README.md).

Exit status: 0 done, 1 a command failed, 2 usage error, 5 pcs or crmsh is
not installed.
EOF
}

die_usage() {
    echo "ovndb-servers-vip.sh: $*" >&2
    echo "Try 'ovndb-servers-vip.sh --help'." >&2
    exit 2
}

tool=pcs
file=
netmask=24
nic=
monitor=10s
name=ovndb_servers
force=
dry_run=

while [ $# -gt 0 ]; do
    case $1 in
        --pcs) tool=pcs ;;
        --crm) tool=crm ;;
        --file) [ $# -ge 2 ] || die_usage "--file needs a file"
                file=$2; shift ;;
        --file=*) file=${1#--file=} ;;
        --netmask) [ $# -ge 2 ] || die_usage "--netmask needs a value"
                   netmask=$2; shift ;;
        --netmask=*) netmask=${1#--netmask=} ;;
        --nic) [ $# -ge 2 ] || die_usage "--nic needs an interface"
               nic=$2; shift ;;
        --nic=*) nic=${1#--nic=} ;;
        --monitor) [ $# -ge 2 ] || die_usage "--monitor needs an interval"
                   monitor=$2; shift ;;
        --monitor=*) monitor=${1#--monitor=} ;;
        --name) [ $# -ge 2 ] || die_usage "--name needs a name"
                name=$2; shift ;;
        --name=*) name=${1#--name=} ;;
        --force) force=1 ;;
        --dry-run) dry_run=1 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) die_usage "unknown option $1" ;;
        *) break ;;
    esac
    shift
done

[ $# -ge 1 ] || die_usage "the VIP is missing"
vip=$1
shift
case $vip in
    *=*) die_usage "give the VIP itself first, not '$vip'" ;;
    *[!0-9a-fA-F.:]*|'') die_usage "'$vip' is not an IPv4 or IPv6 address" ;;
esac
case $netmask in
    ''|*[!0-9]*) die_usage "--netmask takes a prefix length, such as 24" ;;
esac
case $name in
    ''|*[!A-Za-z0-9_.-]*) die_usage "'$name' is not a valid resource name" ;;
esac
for p in "$@"; do
    case $p in
        master_ip=*) die_usage "master_ip is the VIP; do not pass it again" ;;
        [A-Za-z_]*=*) ;;
        *) die_usage "'$p' is not PARAM=VALUE" ;;
    esac
done

clone=$name-clone
vip_rsc=${name}_vip

# show_cmd ARG...: prints a command as one could paste it into a shell.
show_cmd() {
    out=
    for a in "$@"; do
        case $a in
            *[!A-Za-z0-9_./:=@%+,-]*|'')
                a="'$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'" ;;
        esac
        out="$out${out:+ }$a"
    done
    printf '%s\n' "$out"
}

# run ARG...: prints, then runs (unless --dry-run).
run() {
    printf '+ ' >&2
    show_cmd "$@" >&2
    [ -n "$dry_run" ] && return 0
    "$@"
}

if [ -z "$dry_run" ]; then
    if ! command -v "$tool" >/dev/null 2>&1; then
        if [ "$tool" = crm ]; then
            echo "ovndb-servers-vip.sh: crmsh is not installed (no 'crm'" \
                 "command): install the crmsh package, or use pcs" >&2
        else
            echo "ovndb-servers-vip.sh: pcs is not installed: install the" \
                 "pcs package, or use --crm" >&2
        fi
        exit 5
    fi
    if [ -n "$file" ] && [ ! -f "$file" ]; then
        echo "ovndb-servers-vip.sh: no CIB file $file (make one with" \
             "'pcs cluster cib $file')" >&2
        exit 1
    fi
fi

if [ "$tool" = pcs ]; then
    do_pcs() {
        if [ -n "$file" ]; then
            run pcs -f "$file" ${force:+--force} "$@"
        else
            run pcs ${force:+--force} "$@"
        fi
    }
    do_pcs resource create "$name" ocf:ovn:ovndb-servers "master_ip=$vip" \
        "$@" promotable notify=true interleave=true || exit 1
    if [ -n "$nic" ]; then
        do_pcs resource create "$vip_rsc" ocf:heartbeat:IPaddr2 "ip=$vip" \
            "cidr_netmask=$netmask" "nic=$nic" op monitor "interval=$monitor" \
            || exit 1
    else
        do_pcs resource create "$vip_rsc" ocf:heartbeat:IPaddr2 "ip=$vip" \
            "cidr_netmask=$netmask" op monitor "interval=$monitor" || exit 1
    fi
    do_pcs constraint colocation add "$vip_rsc" with Promoted "$clone" \
        INFINITY || exit 1
    do_pcs constraint order promote "$clone" "then" start "$vip_rsc" || exit 1
    exit 0
fi

# crmsh: one configure session, committed at the end (all or nothing).
params=
for p in "$@"; do
    params="$params $(show_cmd "$p")"
done
script=$(cat <<EOF
primitive $name ocf:ovn:ovndb-servers \\
    params $(show_cmd "master_ip=$vip")$params \\
    op start timeout=60s interval=0s \\
    op stop timeout=60s interval=0s \\
    op promote timeout=50s interval=0s \\
    op demote timeout=50s interval=0s \\
    op notify timeout=20s interval=0s \\
    op reload-agent timeout=20s interval=0s \\
    op monitor interval=10s role=Promoted timeout=30s \\
    op monitor interval=30s role=Unpromoted timeout=30s
clone $clone $name \\
    meta promotable=true notify=true interleave=true
primitive $vip_rsc ocf:heartbeat:IPaddr2 \\
    params ip=$vip cidr_netmask=$netmask${nic:+ nic=$nic} \\
    op monitor interval=$monitor
colocation $vip_rsc-with-promoted-$clone inf: $vip_rsc $clone:Promoted
order $vip_rsc-after-promote-$clone Mandatory: $clone:promote $vip_rsc:start
commit
EOF
)
echo "+ ${file:+CIB_file=$file }crm${force:+ -F} configure <<EOF" >&2
printf '%s\nEOF\n' "$script" >&2
[ -n "$dry_run" ] && exit 0
if [ -n "$file" ]; then
    CIB_file=$file
    export CIB_file
fi
# crm exits 0 even when it refuses a command in a batch: check the result.
printf '%s\n' "$script" | crm ${force:+-F} configure || exit 1
crm configure show "$clone" "$vip_rsc" >/dev/null 2>&1 || {
    echo "ovndb-servers-vip.sh: crm did not create the resources" >&2
    exit 1
}
if ! crm configure show 2>/dev/null \
        | grep -q "^order $vip_rsc-after-promote-$clone "; then
    echo "ovndb-servers-vip.sh: crm did not create the constraints" >&2
    exit 1
fi
exit 0
