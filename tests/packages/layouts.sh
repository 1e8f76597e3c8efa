#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/packages/layouts.sh - ra-facts.sh reads both layouts of each tool,
# whichever Debian runs it: tests/fixtures/ra-show holds the real output of
# pcs 0.11 and 0.12 ("pcs resource describe") and of crmsh 4.4 and 5.0
# ("crm ra info") for this agent, cut to three of its parameters, and that
# cut meta-data (OCF 1.1, as Pacemaker hands it to them).
#   - each output is read in its layout, and its facts are those the
#     meta-data says the tool shows: no fewer, no more;
#   - each one-line change of a fact the tool shows (a default, "required",
#     a type, a description, an action's timeout or role, the heading, a
#     parameter or an action left out) is seen as a difference.
# No root, no network.  Last line: "N passed, N failed".

here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../fixtures/ra-show" && pwd)
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=ra-facts.sh
. "$here/ra-facts.sh"

ra=ocf:ovn:ovndb-servers
all='agent|param|longdesc|shortdesc|type|default|op'

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovndb-layouts.XXXXXX") || exit 2
on_exit rm -rf "$tmp"

ra_md_facts "$fixtures/meta-data.xml" >"$tmp/md.facts"
check "the meta-data: 3 parameters, 10 actions" eval \
    'test "$(grep -c "^param " "$tmp/md.facts") $(grep -c "^op " "$tmp/md.facts")" = "3 10"'

# facts TOOL FILE: what ra-facts.sh reads of FILE.
facts() {
    "ra_$1_facts" "$ra" "$2"
}

declare -A sorted
# reads FIXTURE TOOL LAYOUT WANT-MODE: the fixture is read in LAYOUT, and
# its facts are those of the meta-data for WANT-MODE.
reads() {
    local fixture=$1 tool=$2 layout=$3 mode=$4
    facts "$tool" "$fixtures/$fixture" >"$tmp/$fixture.facts"
    ra_want "$mode" "$tmp/md.facts" >"$tmp/$fixture.want"
    check "$fixture: read as $layout" \
        test "$(ra_layout "$tmp/$fixture.facts")" = "$layout"
    check "$fixture: every fact the tool shows, no more" \
        ra_same "$all" "$tmp/$fixture.want" "$tmp/$fixture.facts"
    # For changed(): the facts, with the layout, sorted.
    sorted[$fixture]=$({ cat "$tmp/$fixture.want"; echo "layout $layout"; } |
                       sort -u)
}

reads pcs-0.11.txt pcs pcs-0.11 pcs-0.11
reads pcs-0.12.txt pcs pcs-0.12 pcs-0.12
reads crm-4.txt crm crm-4 crm
reads crm-5.txt crm crm-5 crm

# The facts each layout has, so that no change goes unseen by a kind left
# out of the want (pcs 0.11 shows no type, default or shortdesc).
check "pcs 0.11: param, longdesc, op; no type, default or shortdesc" eval \
    'test "$(cut -d" " -f1 "$tmp/pcs-0.11.txt.want" | sort -u | xargs)" = \
          "agent longdesc op param"'
check "pcs 0.12: also type and default" eval \
    'test "$(cut -d" " -f1 "$tmp/pcs-0.12.txt.want" | sort -u | xargs)" = \
          "agent default longdesc op param type"'

# changed FIXTURE SED-SCRIPT WHAT: FIXTURE changed by SED-SCRIPT is no longer
# read as the meta-data's facts (a script that changes nothing fails too).
# Three processes a change: there are many.
changed() {
    local fixture=$1 script=$2 what=$3 tool got
    case $fixture in pcs-*) tool=pcs ;; *) tool=crm ;; esac
    got=$(sed "$script" "$fixtures/$fixture" | facts "$tool" /dev/stdin |
          sort -u)
    check "$fixture, $what: seen" test "$got" != "${sorted[$fixture]}"
}

for f in pcs-0.11.txt pcs-0.12.txt; do
    changed "$f" 's/^ocf:ovn:ovndb-servers - OVN/&X/' "another shortdesc"
    changed "$f" 's/^  master_ip (required)/  master_ip/' "(required) dropped"
    changed "$f" 's/^  db_dir/  db_dirs/' "a parameter renamed"
    changed "$f" 's/TCP port on which/TCP port where/' "a longdesc"
    changed "$f" 's/timeout=50s/timeout=5s/' "a timeout"
    changed "$f" 's/role=Unpromoted/role=Promoted/' "a monitor's role"
    changed "$f" '/^  reload-agent:/,$d' "an action left out"
done
changed pcs-0.11.txt '/^  nb_master_port:/d' "a parameter left out"
changed pcs-0.12.txt '/^  nb_master_port$/,/^    Default: 6641$/d' \
    "a parameter left out"
changed pcs-0.12.txt 's/^    Default: 6641$/    Default: 6642/' "a default"
changed pcs-0.12.txt '/^    Default: 6641$/d' "a default left out"
changed pcs-0.12.txt 's/^    Type: integer$/    Type: string/' "a type"
for f in crm-4.txt crm-5.txt; do
    changed "$f" 's/^master_ip\*/master_ip/' "* dropped"
    changed "$f" 's/\[6641\]/[6642]/' "a default"
    changed "$f" 's/^nb_master_port (integer, \[6641\])/nb_master_port (integer)/' \
        "a default left out"
    changed "$f" 's/^db_dir (string/db_dir (integer/' "a type"
    changed "$f" 's/: Database directory$/: Database dir/' "a shortdesc"
    changed "$f" 's/TCP port on which/TCP port where/' "a longdesc"
    changed "$f" '/^nb_master_port /,/^$/d' "a parameter left out"
    changed "$f" 's/timeout=50s/timeout=5s/' "a timeout"
    changed "$f" 's/depth=0 role=Unpromoted/depth=0 role=Promoted/' \
        "a monitor's role"
    changed "$f" '/^    reload-agent /d' "an action left out"
done
changed crm-4.txt '1s/ (ocf:ovn:ovndb-servers)$/ (ocf:ovn:other)/' \
    "another agent"
changed crm-5.txt '1s/^ocf:ovn:ovndb-servers - /ocf:ovn:other - /' \
    "another agent"

summary
