#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# debian13.sh - runs the project's suites on Debian 13 (trixie: OVS 3.5,
# OVN 25.03, Pacemaker 3.0, corosync 3.1, pcs 0.12, crmsh 5) in a root made
# with debootstrap on this machine ("make check-debian13").
#
#   scripts/debian13.sh [TARGET...]   default: the suites of check-all
#                                    one by one, check-cluster and
#                                    check-packages (the .deb installed
#                                    and removed in the root)
#
# Needs root.  Run it under the suites' lock, as every suite:
#   flock /tmp/ovndb-suite.lock scripts/debian13.sh
# It shares the kernel, the network namespaces and the loopback ports with
# the host, so it must never run beside another suite.
#
# 1. The root: DEB13_ROOT (build/debian13/root), made with
#    "debootstrap --variant=minbase trixie" from the Debian mirror of
#    /etc/apt/sources.list* (or DEB13_MIRROR) when it is missing or was
#    never completed (the stamp .ovndb-debootstrap-complete), else reused.
# 2. Mounts, in this order: the root onto itself (private: a mount point,
#    which switchover.sh's "mount --make-rslave /" needs), /proc, /dev
#    (with a private /dev/shm), /sys, /run, /tmp (the directory ROOT.tmp
#    beside it, kept afterwards for the logs), the source tree on /src
#    and, over /src/build, the root's own /var/tmp/ovndb-build: the builds
#    inside never touch the host's build/.
# 3. scripts/install-deps.sh inside (the Debian 13 names; no service starts:
#    policy-rc.d), then "make TARGET" in /src for each target, every one
#    run even after a failure, with a summary line per target.
# 4. On any exit (failure, Ctrl-C, TERM): every process whose root is the
#    Debian 13 root is stopped (by PID: TERM, then KILL), the network
#    namespaces made inside are removed, and the mounts are undone in
#    reverse order; the script fails if any remains.
#
# DEB13_FAILOVER_SCENARIOS="1 10" limits check-cluster to those scenarios.
# DEB13_KEEP_MOUNTED is not offered on purpose: nothing outlives the run.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
ROOT=${DEB13_ROOT:-$src/build/debian13/root}
STAMP=.ovndb-debootstrap-complete
SUITE=trixie
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() {
    echo "debian13: $*" >&2
}

die() {
    say "error: $*"
    exit 1
}

[ "$(id -u)" = 0 ] || die "needs root"
mkdir -p "$(dirname "$ROOT")" || die "cannot create $(dirname "$ROOT")"
ROOT=$(cd "$(dirname "$ROOT")" && pwd)/$(basename "$ROOT")
TMP_HOST=$ROOT.tmp
case $ROOT in
    /|/usr|/usr/*|/etc|/etc/*) die "refusing DEB13_ROOT=$ROOT" ;;
esac

# The first Debian archive of the host's apt sources (one-line or deb822).
mirror() {
    local f uri
    if [ -n "${DEB13_MIRROR:-}" ]; then
        echo "$DEB13_MIRROR"
        return
    fi
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
             /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(sed -n -e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' \
                  -e 's/^URIs:[[:space:]]*\([^ ]*\).*/\1/p' "$f" |
              grep -E '/debian/?$' | head -n 1)
        if [ -n "$uri" ]; then
            echo "${uri%/}"
            return
        fi
    done
    echo http://deb.debian.org/debian
}

# ------------------------------------------------------------ clean-up

# Mount points at or under the root, deepest first (reverse mount order).
mounts_under() {
    awk -v r="$ROOT" '$5 == r || index($5, r "/") == 1 { print $5 }' \
        /proc/self/mountinfo | tac
}

# PIDs of the processes whose root directory is the Debian 13 root (or a
# directory in it), found by /proc/PID/root: never by name.
root_pids() {
    local p link self=$$ rid
    rid=$(stat -L -c %d:%i "$ROOT" 2>/dev/null)
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$p" = "$self" ] && continue
        link=$(readlink "/proc/$p/root" 2>/dev/null) || continue
        if [ "$link" = "$ROOT" ] || [ "${link#"$ROOT"/}" != "$link" ] ||
           { [ -n "$rid" ] &&
             [ "$(stat -L -c %d:%i "/proc/$p/root" 2>/dev/null)" = "$rid" ]
           }; then
            echo "$p"
        fi
    done
}

stop_root_processes() {
    local pids
    pids=$(root_pids)
    [ -z "$pids" ] && return 0
    say "stopping the processes left in the root:" $pids
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null
    for _ in $(seq 50); do
        pids=$(root_pids)
        [ -z "$pids" ] && return 0
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
    for _ in $(seq 50); do
        pids=$(root_pids)
        [ -z "$pids" ] && return 0
        sleep 0.1
    done
    say "processes still in the root:" $pids
    return 1
}

cleaned=
cleanup() {
    local rc=$? m ok=0 ns
    [ -n "$cleaned" ] && return
    cleaned=1
    trap '' INT TERM HUP
    stop_root_processes || ok=1
    # Network namespaces made inside ("ip netns add" under the root's /run).
    if [ -d "$ROOT/run/netns" ]; then
        for ns in "$ROOT"/run/netns/*; do
            [ -e "$ns" ] || continue
            say "removing the network namespace ${ns##*/}"
            umount "$ns" 2>/dev/null
            rm -f "$ns"
        done
    fi
    for m in $(mounts_under); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || ok=1
    done
    if [ -n "$(mounts_under)" ]; then
        say "mounts left under $ROOT:" "$(mounts_under | tr '\n' ' ')"
        ok=1
    fi
    if [ -n "$(root_pids)" ]; then
        say "processes left in $ROOT:" "$(root_pids | tr '\n' ' ')"
        ok=1
    fi
    [ $ok = 0 ] || rc=1
    exit "$rc"
}

# ------------------------------------------------------------- the root

make_root() {
    local m
    if [ -f "$ROOT/$STAMP" ]; then
        say "reusing $ROOT"
        return 0
    fi
    [ -z "$(mounts_under)" ] || die "$ROOT has mounts; not rebuilding it"
    if ! command -v debootstrap >/dev/null; then
        say "installing debootstrap on the host"
        apt-get install -y -q debootstrap >/dev/null ||
            { apt-get update -q >/dev/null &&
              apt-get install -y -q debootstrap >/dev/null; } ||
            die "cannot install debootstrap"
    fi
    m=$(mirror)
    say "creating $ROOT: debootstrap --variant=minbase $SUITE ($m)"
    rm -rf "$ROOT"
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$m" \
        > "$(dirname "$ROOT")/debootstrap.log" 2>&1 ||
        die "debootstrap failed: see $(dirname "$ROOT")/debootstrap.log"
    touch "$ROOT/$STAMP"
}

mount_root() {
    # The root's /tmp, kept after the run for its logs (the lab's, the
    # integration suites'), emptied at the next one.
    if awk -v d="$TMP_HOST" '$5 == d || index($5, d "/") == 1 { f = 1 }
                             END { exit !f }' /proc/self/mountinfo; then
        die "$TMP_HOST has mounts"
    fi
    rm -rf "$TMP_HOST"
    mount --bind "$ROOT" "$ROOT" &&
    mount --make-private "$ROOT" &&
    mount -t proc proc "$ROOT/proc" &&
    mount --rbind /dev "$ROOT/dev" &&
    mount --make-rslave "$ROOT/dev" &&
    mount -t tmpfs -o mode=1777,nosuid,nodev shm "$ROOT/dev/shm" &&
    mount -t sysfs sysfs "$ROOT/sys" &&
    mount -t tmpfs -o mode=755,nosuid,nodev run "$ROOT/run" &&
    mkdir -m 1777 "$TMP_HOST" &&
    mount --bind "$TMP_HOST" "$ROOT/tmp" &&
    # A fresh build directory each run: make would take the objects of an
    # earlier tree whose files are older (a git archive) as up to date.
    rm -rf "$ROOT/var/tmp/ovndb-build" &&
    mkdir -p "$ROOT/src" "$ROOT/var/tmp/ovndb-build" &&
    mount --bind "$src" "$ROOT/src" &&
    mkdir -p "$src/build" &&
    mount --bind "$ROOT/var/tmp/ovndb-build" "$ROOT/src/build"
}

in_root() {
    chroot "$ROOT" /usr/bin/env -i PATH="$PATH" HOME=/root LANG=C.UTF-8 \
        TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}

install_packages() {
    # No service starts on installation: the suites start what they need.
    printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
    chmod 755 "$ROOT/usr/sbin/policy-rc.d"
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
    in_root /src/scripts/install-deps.sh
}

# ------------------------------------------------------------------ main

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(check-unit check-shell check-style
    check-fresh check-metadata check-man check-integration check-ocf-tester
    check-offline
    check-cluster check-packages)

make_root
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
mount_root || die "cannot mount the root"
install_packages || die "cannot install the packages in $ROOT"
say "$(in_root sh -c '. /etc/os-release; echo "$PRETTY_NAME"'):" \
    "$(in_root dpkg-query -W -f '${Package} ${Version}, ' openvswitch-switch \
       ovn-central pacemaker corosync pcs crmsh 2>/dev/null)"

status=0
summary=
for t in "${targets[@]}"; do
    say "=== make $t"
    start=$(date +%s)
    in_root make -C /src "$t" \
        ${DEB13_FAILOVER_SCENARIOS:+FAILOVER_SCENARIOS="$DEB13_FAILOVER_SCENARIOS"}
    rc=$?
    line="$t: $([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")"
    line="$line, $(($(date +%s) - start)) s"
    summary="$summary$line"$'\n'
    [ $rc = 0 ] || status=1
    [ $rc -lt 128 ] || break
done
printf '%s' "$summary" | sed 's/^/debian13: /' >&2
exit $status
