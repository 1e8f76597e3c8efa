#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/packages/run.sh HELPER MAN RPM_TOPDIR VERSION-RELEASE DEB - runs the
# four package suites ("make check-packages"): man.sh (man page and guide
# against the meta-data), rpm.sh (the RPMs under RPM_TOPDIR), layouts.sh
# (deb.sh's reading of pcs and crm output, both layouts of each, on
# fixtures) and deb.sh (installs DEB, needs root), then prints their total.
# Last line: "N passed, N failed".

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"

if [ $# -ne 5 ]; then
    echo "usage: $0 HELPER MAN RPM_TOPDIR VERSION-RELEASE DEB" >&2
    exit 2
fi
helper=$1 man=$2 rpmtop=$3 vr=$4 deb=$5

log=$(mktemp "${TMPDIR:-/tmp}/ovndb-packages.XXXXXX") || exit 2
on_exit rm -f "$log"

# suite NAME CMD...: runs a suite and adds its counts to the total.
suite() {
    local name=$1 counts
    shift
    echo "== $name"
    "$@" 2>&1 | tee "$log"
    counts=$(tail -1 "$log" |
             sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
    if [ -z "$counts" ]; then
        fail "$name: no summary line"
        return
    fi
    TESTS_PASSED=$((TESTS_PASSED + ${counts% *}))
    TESTS_FAILED=$((TESTS_FAILED + ${counts#* }))
}

suite man.sh "$here/man.sh" "$helper" "$man" "$top/docs/guide.md"
suite rpm.sh "$here/rpm.sh" "$rpmtop" "$vr"
suite layouts.sh "$here/layouts.sh"
suite deb.sh "$here/deb.sh" "$deb"
echo "== total"
summary
