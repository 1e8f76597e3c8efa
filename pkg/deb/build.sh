#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# pkg/deb/build.sh STAGE VERSION MAN OUT.deb - builds the Debian package.
#
# STAGE is a "make install DESTDIR=STAGE PREFIX=/usr" tree (the agent and
# the helper), VERSION the Debian version, MAN the generated man page.  Adds
# the man page, the docs, the VIP script and the maintainer scripts of
# pkg/deb/, computes the shared-library dependencies with dpkg-shlibdeps and
# builds OUT.deb with dpkg-deb (no debhelper, no fakeroot: files are owned
# by root through --root-owner-group).  "make deb" runs it.
set -eu

if [ $# -ne 4 ]; then
    echo "usage: $0 STAGE VERSION MAN OUT.deb" >&2
    exit 2
fi
stage=$1 version=$2 man=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
arch=$(dpkg --print-architecture)
ocf=usr/lib/ocf/resource.d/ovn/ovndb-servers
libexec=usr/libexec/ovndb-servers
doc=usr/share/doc/ovndb-servers

die() {
    echo "$0: $*" >&2
    exit 1
}

[ -x "$stage/$ocf" ] || die "$stage/$ocf is missing (make install DESTDIR?)"
[ -x "$stage/$libexec/ovndb-servers-helper" ] ||
    die "$stage/$libexec/ovndb-servers-helper is missing"
# The agent execs the helper by absolute path, fixed at build time.
grep -qF "/$libexec/ovndb-servers-helper" "$stage/$ocf" ||
    die "$stage/$ocf does not exec /$libexec/ovndb-servers-helper" \
        "(built with another PREFIX or LIBEXECDIR? remove build/std/ovndb-servers)"

root=$(realpath -m "$(dirname "$out")/deb-root")
rm -rf "$root"
mkdir -p "$root/DEBIAN"
cp -a "$stage/." "$root/"
chmod -R u+rwX,go+rX,go-w "$root"

# The copy the postinst restores the agent from (see pkg/deb/postinst).
install -m 0755 "$root/$ocf" "$root/$libexec/ovndb-servers.ocf"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$root/$libexec/ovndb-servers-helper"

install -d "$root/usr/share/man/man7" "$root/$doc" \
    "$root/usr/share/ovndb-servers"
gzip -9n <"$man" >"$root/usr/share/man/man7/ocf_ovn_ovndb-servers.7.gz"
chmod 0644 "$root/usr/share/man/man7/ocf_ovn_ovndb-servers.7.gz"
install -m 0644 "$top/README.md" "$top/docs/guide.md" \
    "$top/docs/state-table.md" "$here/copyright" "$root/$doc/"
install -m 0755 "$top/heartbeat/ovndb-servers-vip.sh" \
    "$root/usr/share/ovndb-servers/"
date=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
printf '%s\n' "ovndb-servers ($version) unstable; urgency=medium" "" \
    "  * Built from the source tree by make deb." "" \
    " -- The ovndb-servers authors <ovndb-servers@localhost.invalid>  $date" |
    gzip -9n >"$root/$doc/changelog.Debian.gz"
chmod 0644 "$root/$doc/changelog.Debian.gz"

# Shared libraries: dpkg-shlibdeps wants a debian/control to read.
work=$(mktemp -d "${TMPDIR:-/tmp}/ovndb-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: ovndb-servers\n\nPackage: ovndb-servers\nArchitecture: any\n' \
    >"$work/debian/control"
helper="$root/$libexec/ovndb-servers-helper"
# A static helper (the default, STATIC=1) needs no shared library: the
# package then says which source packages it has code from (Built-Using),
# as Debian asks of statically linked binaries.
if readelf -d "$helper" 2>/dev/null | grep -q '(NEEDED)'; then
    shlibs=$(cd "$work" &&
             dpkg-shlibdeps -O -e "$helper" \
                 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
    [ -n "$shlibs" ] || die "dpkg-shlibdeps found no dependencies"
    shlibs="$shlibs, "
    built_using=
else
    built_using=$(dpkg-query -W -f='${source:Package} (= ${source:Version}), ' \
                      libc6-dev libjansson-dev) ||
        die "cannot find the versions of libc6-dev and libjansson-dev"
    built_using="Built-Using: ${built_using%, }"
    shlibs=
fi

for f in preinst postinst triggers; do
    install -m "$( [ "$f" = triggers ] && echo 0644 || echo 0755)" \
        "$here/$f" "$root/DEBIAN/$f"
done
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    -e "s/@SHLIBS_DEPENDS@, /$shlibs/" "$here/control.in" \
    >"$root/DEBIAN/control"
[ -z "$built_using" ] || sed -i "/^Depends:/a $built_using" \
    "$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) \
    >"$root/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$root" "$out"
rm -rf "$root"
