#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the packages ovndb-servers needs to build, test and run, if any
# is missing: Debian 12 and Debian 13 spell them the same (Debian 13 is
# what "make check-debian13" runs inside; openssl: the helper checks the
# TLS files with it).  Needs root (or sudo).  The 3-node lab of
# "make demo" and "make check-cluster" (tests/cluster) needs corosync,
# pacemaker, pacemaker-cli-utils, pcs, crmsh, resource-agents (IPaddr2,
# send_arp), iproute2, procps, libxml2-utils (xmllint), iputils-ping and
# OVN (ovsdb-server, ovsdb-client, ovn-nbctl, ovn-northd); util-linux
# (nsenter, unshare, setsid), coreutils and hostname are always there.
# The fuzz targets (make fuzz) need clang and its libFuzzer runtime
# (libclang-rt-dev, only recommended by clang).
set -e
pkgs="build-essential pkg-config pacemaker pacemaker-dev pacemaker-cli-utils
libqb-dev libjansson-dev libcmocka-dev openvswitch-switch openvswitch-common
ovn-central ovn-common corosync pcs resource-agents libxml2-utils shellcheck
iproute2 strace procps crmsh iputils-ping rpm dpkg-dev python3 groff-base
time clang libclang-rt-dev openssl"
missing=
for p in $pkgs; do
    if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q
# Services must not start on their own: the tests start what they need.
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
    --no-install-recommends $missing
