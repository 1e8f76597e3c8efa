#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/packages/man.sh HELPER MAN GUIDE - the documentation covers the
# agent's meta-data.
#
# HELPER is the built ovndb-servers-helper, MAN the man page "make man"
# generated from it (build/ocf_ovn_ovndb-servers.7), GUIDE docs/guide.md.
# Checks that:
#   - the man page renders without a groff warning;
#   - every parameter of the meta-data has exactly one entry in the man
#     page's PARAMETERS, with its type, "required" and default, and the man
#     page lists no parameter the meta-data lacks; likewise every action
#     with its timeout (and the monitors with their role and interval);
#   - the guide's parameter table (the table under "## Parameters" whose
#     first column is the parameter name in backticks) has exactly one row
#     per parameter, none more, and its default column (the first
#     `backticked` value, or no backticks for "no default") equals the
#     meta-data's default.
# Needs xmllint and groff, not root.  Last line: "N passed, N failed".

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"

if [ $# -ne 3 ]; then
    echo "usage: $0 HELPER MAN GUIDE" >&2
    exit 2
fi
helper=$1 man=$2 guide=$3
for f in "$helper" "$man" "$guide"; do
    [ -r "$f" ] || { echo "$0: $f not found" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovndb-man.XXXXXX") || exit 2
on_exit rm -rf "$tmp"
md=$tmp/meta-data.xml

xpath() {
    xmllint --xpath "$1" "$md" 2>/dev/null
}

check "meta-data runs" eval 'OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 "$helper" meta-data >"$md" 2>/dev/null'
mapfile -t params < <(xpath '//parameters/parameter/@name' |
                      sed 's/^ *name="\([^"]*\)"$/\1/')
check "meta-data has parameters (${#params[@]})" test "${#params[@]}" -gt 0

# --- the man page -----------------------------------------------------------

check "groff renders the man page without a warning" eval \
    'groff -man -ww -z "$man" 2>"$tmp/groff.err" && ! test -s "$tmp/groff.err" ||
     { sed "s/^/    # /" "$tmp/groff.err"; false; }'
# Plain text, one line per paragraph (no filling at 250 columns).
groff -man -Tascii -P-cbou -rLL=250n "$man" 2>/dev/null >"$tmp/man.txt"
check "the man page has a PARAMETERS section" \
    grep -q '^PARAMETERS$' "$tmp/man.txt"
sed -n '/^PARAMETERS$/,/^[A-Z]/p' "$tmp/man.txt" >"$tmp/man.params"
# Leading blanks dropped, inner runs of blanks squeezed.
sed -n '/^OPERATIONS$/,/^[A-Z][A-Z ]*$/{/^OPERATIONS$/!{/^[A-Z]/!p}}' \
    "$tmp/man.txt" | sed 's/^ *//; s/   */ /g' >"$tmp/man.ops"

# expected_entry NAME: the man page's heading line for parameter NAME.
expected_entry() {
    local n=$1 type required def
    type=$(xpath "string(//parameter[@name='$n']/content/@type)")
    required=$(xpath "string(//parameter[@name='$n']/@required)")
    if [ "$(xpath "count(//parameter[@name='$n']/content/@default)")" = 1 ]
    then
        def="default $(xpath "string(//parameter[@name='$n']/content/@default)")"
    else
        def="no default"
    fi
    printf '%s (%s%s, %s%s)\n' "$n" "${type:-string}" \
        "$([ "$required" = 1 ] && echo ", required")" "$def" \
        "$([ "$(xpath "string(//parameter[@name='$n']/@reloadable)")" = 1 ] \
           && echo ", reloadable")"
}

# once FILE LINE: LINE (leading blanks ignored) is in FILE exactly once.
once() {
    local count
    count=$(sed 's/^ *//' "$1" | grep -cxF -- "$2")
    [ "$count" = 1 ] && return 0
    echo "    # '$2' found $count times"
    return 1
}

for n in "${params[@]}"; do
    check "man: $(expected_entry "$n")" \
        once "$tmp/man.params" "$(expected_entry "$n")"
done
entries=$(grep -cE '^ {7}[a-z_0-9]+ \((string|integer|boolean|time)[,)]' \
          "$tmp/man.params")
check "man: no parameter besides the meta-data's ($entries entries)" \
    test "$entries" = "${#params[@]}"

# Actions: the heading line, then "Timeout T" or "Every I, timeout T".
nact=$(xpath 'count(//actions/action)')
for ((i = 1; i <= nact; i++)); do
    a="//actions/action[$i]"
    name=$(xpath "string($a/@name)")
    role=$(xpath "string($a/@role)")
    interval=$(xpath "string($a/@interval)")
    timeout=$(xpath "string($a/@timeout)")
    head=$name${role:+, role $role}
    if [ -n "$interval" ]; then
        want="Every $interval, timeout $timeout"
    else
        want="Timeout $timeout"
    fi
    check "man: operation '$head': $want" eval \
        'grep -A1 -xF -- "$head" "$tmp/man.ops" | grep -qxF -- "$want" ||
         grep -qxF -- "$head $want" "$tmp/man.ops"'
done

# --- the guide's parameter table ------------------------------------------

# Rows of the table in the "## Parameters" section: NAME<TAB>DEFAULT-CELL.
awk '/^## /{ inside = ($0 ~ /^## Parameters/) } inside' "$guide" |
    sed -n 's/^| *`\([a-z_0-9]*\)` *| *\([^|]*\)|.*/\1\t\2/p' \
    >"$tmp/guide.rows"
check "guide: a parameter table under '## Parameters'" \
    test -s "$tmp/guide.rows"

for n in "${params[@]}"; do
    rows=$(awk -F'\t' -v n="$n" '$1 == n' "$tmp/guide.rows")
    count=$(printf '%s' "$rows" | grep -c .)
    check "guide: one row for $n" test "$count" = 1
    [ "$count" = 1 ] || continue
    cell=${rows#*$'\t'}
    if [ "$(xpath "count(//parameter[@name='$n']/content/@default)")" = 1 ]
    then
        want=$(xpath "string(//parameter[@name='$n']/content/@default)")
        got=$(printf '%s' "$cell" | sed -n 's/^[^`]*`\([^`]*\)`.*/\1/p')
        check "guide: $n defaults to '$want' (table: '$got')" \
            test "$got" = "$want"
    else
        check "guide: $n has no default (table: '${cell% }')" \
            eval '! printf "%s" "$cell" | grep -q "\`"'
    fi
done
extra=$(cut -f1 "$tmp/guide.rows" | while read -r n; do
            printf '%s\n' "${params[@]}" | grep -qxF -- "$n" || echo "$n"
        done | xargs)
check "guide: no parameter besides the meta-data's${extra:+ (extra: $extra)}" \
    test -z "$extra"

summary
