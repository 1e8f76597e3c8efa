#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# node-init.sh STATE_DIR NODE: PID 1 of one lab node.
#
# lab.sh starts it inside the node's network namespace with fresh mount,
# UTS, IPC and PID namespaces (unshare --kill-child --mount-proc).  It gives
# the node its private directories, runs corosync and pacemakerd in the
# foreground, reaps every orphan (ovsdb-server and ovn-northd detach and
# end up here), and on SIGTERM stops Pacemaker then corosync gracefully.
# SIGKILL (a crash) takes down every process of the node at once: that is
# the kernel's doing when a PID namespace's init dies.
set -u

state=$1
node=$2
nd=$state/$node
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

say() {
    printf '%s init[%s]: %s\n' "$(date +%T.%3N)" "$node" "$*"
}

die() {
    say "fatal: $*"
    exit 1
}

# alive PID: true while PID exists and is not a zombie.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ] && [ "${stat%% *}" != X ]
}

# wait_gone PID TENTHS: waits at most TENTHS tenths of a second.
wait_gone() {
    local i
    for ((i = 0; i < $2; i++)); do
        alive "$1" || return 0
        sleep 0.1
    done
    ! alive "$1"
}

[ "$$" = 1 ] || die "must run as PID 1 of a new PID namespace"
[ -d "$nd" ] || die "no node directory $nd"

hostname "$node" || die "hostname"

# Private /run (ovsdb-server pidfiles and ctl sockets, /run/crm, IPaddr2's
# /run/resource-agents), /dev/shm (libqb rings) and /sys (this netns).
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run || die "mount /run"
mkdir -p /run/lock /run/resource-agents /run/ovn
chmod 1777 /run/lock
ln -s /dev/shm /run/shm
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm || die "mount /dev/shm"
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys || die "mount /sys"

# Persistent per-node trees over the standard paths.
while read -r src dst; do
    mount --bind "$nd/$src" "$dst" || die "bind $src on $dst"
done <<EOF
etc-corosync /etc/corosync
var-lib-corosync /var/lib/corosync
var-lib-pacemaker /var/lib/pacemaker
var-log-pacemaker /var/log/pacemaker
var-log-corosync /var/log/corosync
hosts /etc/hosts
var-lib-ovn /var/lib/ovn
var-log-ovn /var/log/ovn
etc-ovn /etc/ovn
EOF

# The agent snapshot lab.sh took at bring-up: a private /usr/lib/ocf whose
# ovn/ovndb-servers is the snapshot, and its helper.  A "make install" or a
# package test on the host meanwhile cannot change what the lab runs.
mount --bind "$state/ocf" /usr/lib/ocf || die "bind $state/ocf"
export OVNDB_SERVERS_HELPER=$state/agent/ovndb-servers-helper

# No syslog here: Pacemaker and the agents log to pacemaker.log.
export PCMK_logfile=/var/log/pacemaker/pacemaker.log
export PCMK_logfacility=none HA_LOGFACILITY=none HA_logfacility=none

corosync -f >>/var/log/corosync/stderr.log 2>&1 &
cs_pid=$!
for ((i = 0; i < 200; i++)); do
    corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 && break
    alive "$cs_pid" || die "corosync exited; see var-log-corosync"
    sleep 0.05
done
((i < 200)) || die "corosync does not answer after 10 s"

pacemakerd >>/var/log/pacemaker/stderr.log 2>&1 &
pm_pid=$!
say "corosync $cs_pid, pacemakerd $pm_pid"

graceful_stop() {
    trap '' TERM
    say "graceful stop"
    if alive "$pm_pid"; then
        kill -TERM "$pm_pid" 2>/dev/null
        # Pacemaker stops the node's resources first: allow their stop
        # timeouts.
        wait_gone "$pm_pid" 1200 || say "pacemakerd still runs after 120 s"
    fi
    if alive "$cs_pid"; then
        corosync-cfgtool -H --force >/dev/null 2>&1 || kill -TERM "$cs_pid"
        wait_gone "$cs_pid" 100 || say "corosync still runs after 10 s"
    fi
    say "stopped"
    exit 0
}
trap graceful_stop TERM INT

# Reap orphans: bash collects any child on SIGCHLD, adopted ones included.
while :; do
    sleep 5 &
    wait $!
done
