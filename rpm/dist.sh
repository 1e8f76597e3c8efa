#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# rpm/dist.sh OUT.tar.gz NAME-VERSION - makes the source tarball.
#
# In a git work tree it packs the files git knows of (tracked, and untracked
# but not ignored) as they are on disk now: "git archive HEAD" would leave
# out every change not yet committed.  Elsewhere it packs every file except
# build/ and .git.  Python caches and built packages are left out.  Every
# file sits under NAME-VERSION/, owned by root, sorted by name.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 OUT.tar.gz NAME-VERSION" >&2
    exit 2
fi
out=$(realpath -m "$1")
prefix=$2
cd "$(dirname "$0")/.."
top=$(pwd -P)

list=$(mktemp "${TMPDIR:-/tmp}/ovndb-dist.XXXXXX")
trap 'rm -f "$list"' EXIT
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$top" ]; then
    git ls-files --cached --others --exclude-standard
else
    find . \( -path ./.git -o -path ./build \) -prune -o -type f -print |
        sed 's|^\./||'
fi | grep -v -e '__pycache__/' -e '\.pyc$' -e '\.rpm$' -e '\.deb$' |
    while IFS= read -r f; do
        # A tracked file deleted in the work tree is not packed.
        if [ -f "$f" ]; then
            printf '%s\n' "$f"
        fi
    done | LC_ALL=C sort -u >"$list"

grep -qx rpm/ovndb-servers.spec "$list" || {
    echo "$0: rpm/ovndb-servers.spec is not in the file list" >&2
    exit 1
}
mkdir -p "$(dirname "$out")"
tar --create --gzip --file "$out" --verbatim-files-from --files-from "$list" \
    --transform "s|^|$prefix/|" --owner=0 --group=0 --numeric-owner \
    --mode=u+rw,go+r,go-w
