#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/packages/rpm.sh TOPDIR VERSION-RELEASE - checks the RPMs "make rpm"
# built under TOPDIR (TOPDIR/RPMS/<arch>/ and TOPDIR/SRPMS/), without
# installing them: rpm -qp on the files only.
#   - one binary and one source package, no debuginfo or debugsource;
#   - name, version, release, license;
#   - the files: agent in the OCF directory (provider ovn), helper in
#     libexec, man page, VIP script, docs; nothing under /usr/local;
#   - modes: 0755 for the agent, the helper and the VIP script, 0644 for
#     the man page and the docs; everything owned by root;
#   - the agent execs the helper at its installed path;
#   - Requires: pacemaker, resource-agents, openvswitch, ovn-central,
#     /bin/sh, libjansson; no Conflicts, no Obsoletes;
#   - the source RPM holds the spec and the tarball, and BuildRequires gcc,
#     make, pkgconfig(pacemaker), pkgconfig(libqb), pkgconfig(jansson),
#     pkgconfig(cmocka) and python3.
# Needs rpm (Debian's rpm package), not root.  Last line: "N passed, N
# failed".

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"

if [ $# -ne 2 ]; then
    echo "usage: $0 TOPDIR VERSION-RELEASE" >&2
    exit 2
fi
top=$1 vr=$2
version=${vr%-*} release=${vr##*-}
arch=$(rpm --eval '%{_arch}')
shopt -s nullglob
bins=("$top/RPMS/$arch/ovndb-servers-$vr"*".$arch.rpm")
srcs=("$top/SRPMS/ovndb-servers-$vr"*.src.rpm)
shopt -u nullglob
bin=${bins[0]:+$(realpath "${bins[0]}")}
src=${srcs[0]:+$(realpath "${srcs[0]}")}

check "binary RPM exists ($bin)" test -f "$bin"
check "source RPM exists ($src)" test -f "$src"
# "make rpm" turns debug_package off (rpm 4.20, Debian 13's, would build a
# debuginfo package and fail without find-debuginfo): no other package.
others=$(find "$top/RPMS" "$top/SRPMS" -name '*.rpm' \
             ! -name "${bin##*/}" ! -name "${src##*/}" -printf '%f ')
check "no other package, no debuginfo or debugsource${others:+ ($others)}" \
    test -z "$others"
[ -f "$bin" ] && [ -f "$src" ] || { summary; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovndb-rpm.XXXXXX") || exit 2
on_exit rm -rf "$tmp"

# has FILE LINE: FILE has the line LINE.
has() {
    grep -qxF -- "$2" "$1" && return 0
    echo "    # no line '$2' in:"
    sed 's/^/    #   /' "$1"
    return 1
}

rpm -qp --qf '%{NAME} %{VERSION} %{RELEASE} %{LICENSE}\n' "$bin" \
    >"$tmp/nvr" 2>/dev/null
check "name ovndb-servers, version $version, release $release${release:+*}" \
    grep -qE "^ovndb-servers ${version} ${release}[^ ]* Apache-2.0\$" "$tmp/nvr"

# --- files and modes -----------------------------------------------------

rpm -qpl "$bin" >"$tmp/list" 2>/dev/null
rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]' \
    "$bin" >"$tmp/modes" 2>/dev/null

agent=/usr/lib/ocf/resource.d/ovn/ovndb-servers
helper=/usr/libexec/ovndb-servers/ovndb-servers-helper
man=/usr/share/man/man7/ocf_ovn_ovndb-servers.7
vip=/usr/share/ovndb-servers/ovndb-servers-vip.sh
for f in "$agent" "$helper" "$vip"; do
    check "file $f, mode 0755, root" has "$tmp/modes" "-rwxr-xr-x root:root $f"
done
check "man page: $man(.gz), mode 0644" \
    grep -qE "^-rw-r--r-- root:root $man(\.gz)?\$" "$tmp/modes"
for d in README.md guide.md state-table.md; do
    check "doc $d, mode 0644" \
        grep -qE "^-rw-r--r-- root:root /usr/share/doc/ovndb-servers[^/]*/$d\$" \
        "$tmp/modes"
done
check "directory /usr/lib/ocf/resource.d/ovn owned" \
    has "$tmp/modes" "drwxr-xr-x root:root /usr/lib/ocf/resource.d/ovn"
check "nothing under /usr/local or /tmp" \
    eval '! grep -qE "^/(usr/local|tmp)/" "$tmp/list"'
check "every file owned by root:root" \
    eval '! grep -v " root:root " "$tmp/modes" | grep -q .'

# The agent in the package execs the helper at its packaged path.
# (rpm2archive: Debian's rpm has it; cpio may be missing.)
rpm2archive - <"$bin" | tar -xzf - -C "$tmp" ".$agent" ".$helper"
check "the packaged agent execs $helper" grep -qF "$helper" "$tmp/$agent"
check "the packaged helper prints the meta-data" \
    eval '"$tmp/$helper" meta-data | grep -q "<resource-agent name=\"ovndb-servers\""'

# --- dependencies ----------------------------------------------------------

rpm -qp --requires "$bin" 2>/dev/null | sed 's/ *$//' >"$tmp/requires"
for r in pacemaker resource-agents openvswitch ovn-central /bin/sh; do
    check "Requires: $r" has "$tmp/requires" "$r"
done
check "Requires: libjansson.so.4 (found by rpmbuild)" \
    grep -q '^libjansson\.so\.4' "$tmp/requires"
check "no Requires on bash (the agent is POSIX sh)" \
    eval '! grep -qE "(^|/)bash$" "$tmp/requires"'
rpm -qp --conflicts --obsoletes "$bin" >"$tmp/conflicts" 2>/dev/null
check "no Conflicts, no Obsoletes" test ! -s "$tmp/conflicts"

# --- the source RPM --------------------------------------------------------

rpm -qpl "$src" >"$tmp/srclist" 2>/dev/null
check "source RPM holds ovndb-servers.spec" \
    has "$tmp/srclist" ovndb-servers.spec
check "source RPM holds ovndb-servers-$version.tar.gz" \
    has "$tmp/srclist" "ovndb-servers-$version.tar.gz"
rpm -qp --requires "$src" 2>/dev/null | sed 's/ *$//' >"$tmp/buildreq"
for r in gcc make 'pkgconfig(pacemaker)' 'pkgconfig(libqb)' \
         'pkgconfig(jansson)' 'pkgconfig(cmocka)' python3; do
    check "BuildRequires: $r" has "$tmp/buildreq" "$r"
done
rpm2archive - <"$src" | tar -xzf - -C "$tmp" "./ovndb-servers-$version.tar.gz"
check "the tarball holds the spec, the sources and the man page template" \
    eval 'tar tzf "$tmp/ovndb-servers-$version.tar.gz" >"$tmp/tarlist" &&
          (for f in rpm/ovndb-servers.spec helper/main.c agent/ovndb-servers \
                    Makefile mk/packages.mk docs/gen-man.py \
                    docs/ocf_ovn_ovndb-servers.7.in; do
               grep -qxF "ovndb-servers-$version/$f" "$tmp/tarlist" || exit 1
           done)'
check "the tarball holds no build output" \
    eval '! grep -qE "^ovndb-servers-$version/build/|\.(o|a|rpm|deb)$" "$tmp/tarlist"'

summary
