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

check "meta-data runs" eval 'OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 "$helper" meta-data >"$md" 2>/dev/null'
# One python3 run reads the meta-data (xmllint took one run per attribute):
# a line "P" NAME TYPE REQUIRED HAS-DEFAULT DEFAULT RELOADABLE per parameter,
# "A" NAME ROLE INTERVAL TIMEOUT per action, the fields separated by \037
# (empty ones kept: read splits on it without squeezing).
python3 - "$md" >"$tmp/md.rows" 2>/dev/null <<'EOF'
import sys
import xml.etree.ElementTree as ET

ra = ET.parse(sys.argv[1]).getroot()
for p in ra.iterfind("parameters/parameter"):
    content = p.find("content")
    content = {} if content is None else content.attrib
    print("\037".join(["P", p.get("name"), content.get("type", ""),
                       p.get("required", ""),
                       "1" if "default" in content else "0",
                       content.get("default", ""), p.get("reloadable", "")]))
for a in ra.iterfind("actions/action"):
    print("\037".join(["A", a.get("name"), a.get("role", ""),
                       a.get("interval", ""), a.get("timeout", "")]))
EOF
params=() act_name=() act_role=() act_interval=() act_timeout=()
declare -A p_type p_required p_has_default p_default p_reloadable
while IFS=$'\037' read -r kind a b c d e f; do
    case $kind in
        P) params+=("$a") p_type[$a]=$b p_required[$a]=$c
           p_has_default[$a]=$d p_default[$a]=$e p_reloadable[$a]=$f ;;
        A) act_name+=("$a") act_role+=("$b") act_interval+=("$c")
           act_timeout+=("$d") ;;
    esac
done <"$tmp/md.rows"
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
    local n=$1 type=${p_type[$1]} def
    if [ "${p_has_default[$n]}" = 1 ]; then
        def="default ${p_default[$n]}"
    else
        def="no default"
    fi
    printf '%s (%s%s, %s%s)\n' "$n" "${type:-string}" \
        "$([ "${p_required[$n]}" = 1 ] && echo ", required")" "$def" \
        "$([ "${p_reloadable[$n]}" = 1 ] && echo ", reloadable")"
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
    e=$(expected_entry "$n")
    check "man: $e" once "$tmp/man.params" "$e"
done
entries=$(grep -cE '^ {7}[a-z_0-9]+ \((string|integer|boolean|time)[,)]' \
          "$tmp/man.params")
check "man: no parameter besides the meta-data's ($entries entries)" \
    test "$entries" = "${#params[@]}"

# Actions: the heading line, then "Timeout T" or "Every I, timeout T".
for ((i = 0; i < ${#act_name[@]}; i++)); do
    name=${act_name[i]} role=${act_role[i]}
    interval=${act_interval[i]} timeout=${act_timeout[i]}
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
    if [ "${p_has_default[$n]}" = 1 ]; then
        want=${p_default[$n]}
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
