#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/metadata.sh HELPER - checks the meta-data of ocf:ovn:ovndb-servers.
#
# HELPER is the built ovndb-servers-helper (make check-metadata passes
# build/std/ovndb-servers-helper).  Checks:
#   - meta-data: exit 0, nothing on stderr, same output without any
#     environment and as user nobody (through the agent script too);
#   - the XML against the four checkers users meet: ocf-tester's DTD check,
#     the OCF 1.1 RNG, resource-agents' metadata.rng and pcs's ocf-1.1.rng;
#   - the actions, the two monitors (Promoted / Unpromoted, different
#     intervals) and every parameter of OVN's ovndb-servers.ocf with its
#     default;
#   - usage (exit 0, stdout) and an unknown action (exit 3, empty stdout);
#   - shellcheck -s sh -S style on the agent script prints nothing.
# Exits non-zero if anything failed; the last line is "N passed, N failed".

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

if [ $# -ne 1 ]; then
    echo "usage: $0 HELPER" >&2
    exit 2
fi
helper=$(realpath -e "$1") || { echo "$0: $1 not found" >&2; exit 2; }
agent=$root/agent/ovndb-servers
ra_dir=/usr/share/resource-agents
ocf11_rng=$root/../shared/schemas/ra-api-1.1.rng
ra_rng=$ra_dir/metadata.rng
pcs_rng=/usr/share/pcs/data/ocf-1.1.rng

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovndb-metadata.XXXXXX") || exit 2
on_exit rm -rf "$tmp"
md=$tmp/meta-data.xml

# Runs CMD, keeping its stdout and stderr in $tmp/out; shows them if CMD
# fails.
quiet() {
    if "$@" >"$tmp/out" 2>&1; then
        return 0
    fi
    sed 's/^/    # /' "$tmp/out"
    return 1
}

# xpath EXPR: prints the value of an XPath expression over the meta-data.
xpath() {
    xmllint --xpath "$1" "$md" 2>/dev/null
}

# xpath_in FILE EXPR: the same over another file.
xpath_in() {
    xmllint --xpath "$2" "$1" 2>/dev/null
}

# xpath_is EXPR WANT: the XPath expression's value is WANT.
xpath_is() {
    local got
    got=$(xpath "$1")
    if [ "$got" = "$2" ]; then
        return 0
    fi
    echo "    # got '$got', expected '$2'"
    return 1
}

# --- meta-data runs, and runs anywhere -----------------------------------

"$helper" meta-data >"$md" 2>"$tmp/md.err"
rc=$?
check "meta-data exits 0 (rc $rc)" test "$rc" = 0
check "meta-data writes nothing on stderr" test ! -s "$tmp/md.err"
[ -s "$tmp/md.err" ] && sed 's/^/    # /' "$tmp/md.err"
check "meta-data writes XML on stdout" test -s "$md"

env -i "$helper" meta-data >"$tmp/md.noenv" 2>/dev/null
rc=$?
check "meta-data without any environment: exit 0 (rc $rc), same XML" \
    eval 'test "$rc" = 0 && cmp -s "$md" "$tmp/md.noenv"'

# ocf-tester runs "su nobody -s /bin/sh -c '$agent meta-data'" as root; a
# copy in a world-readable directory rules out our own directories'
# permissions.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
    pub=$(mktemp -d /tmp/ovndb-metadata-nobody.XXXXXX)
    on_exit rm -rf "$pub"
    chmod 755 "$pub"
    install -m 755 "$helper" "$pub/ovndb-servers-helper"
    install -m 755 "$agent" "$pub/ovndb-servers"
    su nobody -s /bin/sh -c "$pub/ovndb-servers-helper meta-data" \
        >"$tmp/md.nobody" 2>"$tmp/md.nobody.err"
    rc=$?
    check "meta-data as nobody: exit 0 (rc $rc), same XML" \
        eval 'test "$rc" = 0 && cmp -s "$md" "$tmp/md.nobody"'
    su nobody -s /bin/sh -c "OVNDB_SERVERS_HELPER=$pub/ovndb-servers-helper \
$pub/ovndb-servers meta-data" >"$tmp/md.nobody2" 2>>"$tmp/md.nobody.err"
    rc=$?
    check "agent script meta-data as nobody: exit 0 (rc $rc), same XML" \
        eval 'test "$rc" = 0 && cmp -s "$md" "$tmp/md.nobody2"'
    [ -s "$tmp/md.nobody.err" ] && sed 's/^/    # /' "$tmp/md.nobody.err"
else
    skip "meta-data as nobody (needs root, as ocf-tester's own check)"
    skip "agent script meta-data as nobody (needs root)"
fi

# --- the four checkers ------------------------------------------------------

# (a) Exactly what ocf-tester does: the DOCTYPE's relative DTD resolves
# from the current directory.
check "valid for ocf-tester (ra-api-1.dtd)" quiet sh -c \
    "'$helper' meta-data | (cd $ra_dir && xmllint --noout --valid -)"

# What Pacemaker gets: it speaks OCF 1.1 (OCF_RA_VERSION_MINOR=1), and the
# meta-data then has reload-agent and the reloadable parameters; ocf-tester
# and other OCF 1.0 tools get the rest only (checked above and below).
md11=$tmp/meta-data-1.1.xml
OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 "$helper" meta-data >"$md11"
check "OCF 1.1 meta-data has reload-agent" test "$(xpath_in "$md11" \
    'count(//action[@name="reload-agent"])')" = 1
check "OCF 1.0 meta-data has no reload-agent" test "$(xpath_in "$md" \
    'count(//action[@name="reload-agent"])')" = 0
check "the two probe intervals and the stall bound are reloadable, nothing else" test \
    "$(xpath_in "$md11" 'count(//parameter[@reloadable="1"])')/$(xpath_in \
    "$md11" 'count(//parameter[@reloadable="1"][@name="inactive_probe_interval" or @name="inactive_probe_interval_to_master" or @name="replication_stall_timeout"])')" = 3/3

# (b) The official OCF 1.1 schema; a plain clone has no ../shared.
if [ -r "$ocf11_rng" ]; then
    check "valid for the OCF 1.1 RNG ($ocf11_rng)" quiet \
        xmllint --noout --path "$ra_dir" --relaxng "$ocf11_rng" "$md"
    check "OCF 1.1 meta-data valid for the OCF 1.1 RNG" quiet \
        xmllint --noout --path "$ra_dir" --relaxng "$ocf11_rng" "$md11"
else
    skip "OCF 1.1 RNG: $ocf11_rng is absent"
fi

# (c) resource-agents' own check (heartbeat/Makefile.am %.check).
check "valid for resource-agents' metadata.rng" quiet \
    xmllint --noout --path "$ra_dir" --relaxng "$ra_rng" "$md"

# (d) What pcs enforces; pcs picks ocf-1.1.rng from <version>1.1.
check "<version> is 1.1 (pcs picks its schema from it)" \
    xpath_is 'string(/resource-agent/version)' 1.1
check "valid for pcs's ocf-1.1.rng" quiet \
    xmllint --noout --path "$ra_dir" --relaxng "$pcs_rng" "$md"
check "OCF 1.1 meta-data valid for pcs's ocf-1.1.rng" quiet \
    xmllint --noout --path "$ra_dir" --relaxng "$pcs_rng" "$md11"

# --- actions ----------------------------------------------------------------

for a in start stop promote demote notify meta-data validate-all; do
    check "action $a is advertised, with a timeout" \
        xpath_is "count(//actions/action[@name='$a' and @timeout])" 1
done
check "exactly two monitor actions" \
    xpath_is "count(//actions/action[@name='monitor'])" 2
promoted=$(xpath "string(//action[@name='monitor' and @role='Promoted']/@interval)")
unpromoted=$(xpath "string(//action[@name='monitor' and @role='Unpromoted']/@interval)")
check "monitor role=Promoted has an interval ('$promoted')" test -n "$promoted"
check "monitor role=Unpromoted has an interval ('$unpromoted')" \
    test -n "$unpromoted"
check "the two monitor intervals differ" test "$promoted" != "$unpromoted"

# --- parameters of OVN's ovndb-servers.ocf, with its defaults -------------

check "master_ip: present, required, no default" xpath_is \
    "concat(count(//parameter[@name='master_ip']), ':',
            //parameter[@name='master_ip']/@required, ':',
            count(//parameter[@name='master_ip']/content/@default))" "1:1:0"
while read -r name def; do
    check "$name: present, optional, default $def" xpath_is \
        "concat(count(//parameter[@name='$name']), ':',
                //parameter[@name='$name']/@required, ':',
                //parameter[@name='$name']/content/@default)" "1:0:$def"
done <<'EOF'
ovn_ctl /usr/share/ovn/scripts/ovn-ctl
nb_master_port 6641
nb_master_protocol tcp
sb_master_port 6642
sb_master_protocol tcp
manage_northd no
inactive_probe_interval 5000
inactive_probe_interval_to_master 60000
listen_on_master_ip_only yes
ovn_nb_db_privkey /etc/openvswitch/ovnnb-privkey.pem
ovn_nb_db_cert /etc/openvswitch/ovnnb-cert.pem
ovn_nb_db_cacert /etc/openvswitch/cacert.pem
ovn_sb_db_privkey /etc/openvswitch/ovnsb-privkey.pem
ovn_sb_db_cert /etc/openvswitch/ovnsb-cert.pem
ovn_sb_db_cacert /etc/openvswitch/cacert.pem
EOF

# --- usage and unknown actions --------------------------------------------

"$helper" usage >"$tmp/usage.out" 2>"$tmp/usage.err"
rc=$?
check "usage exits 0 (rc $rc)" test "$rc" = 0
check "usage prints to stdout" grep -q usage "$tmp/usage.out"

"$helper" no-such-action >"$tmp/unknown.out" 2>"$tmp/unknown.err"
rc=$?
check "unknown action exits 3 (rc $rc)" test "$rc" = 3
check "unknown action prints nothing on stdout" test ! -s "$tmp/unknown.out"
check "unknown action gives an exit reason on stderr" \
    grep -q '^ocf-exit-reason:' "$tmp/unknown.err"

# --- the agent script -------------------------------------------------------

check "shellcheck -s sh -S style agent/ovndb-servers prints nothing" \
    eval 'out=$(shellcheck -s sh -S style "$agent" 2>&1) && [ -z "$out" ] ||
          { printf "%s\n" "$out" | sed "s/^/    # /"; false; }'

summary
