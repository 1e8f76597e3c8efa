#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/packages/deb.sh DEB - installs the Debian package "make deb" built
# on this machine and checks it, then removes it and puts back what
# "make install" leaves (the other suites run the installed agent).
#
#   - every Depends has a candidate in the apt sources (so that
#     "apt-get install ./DEB" works on a fresh machine too);
#   - apt-get install ./DEB; the agent is a regular file owned by the
#     package where Debian's ovn-common leaves a dangling symlink; dpkg
#     --verify is clean; the man page renders;
#   - pcs resource describe (pcs 0.11 and 0.12) and crm ra info (crmsh 4
#     and 5) show the agent, every parameter of its meta-data with what the
#     tool shows of it (required or not, long description; type, default
#     and crm's short description) and every action with its attributes,
#     nothing more (tests/packages/ra-facts.sh reads both layouts of each);
#   - pcs -f CIB resource create ... --agent-validation runs the agent's
#     validate-all (seen with strace): accepted with good parameters,
#     rejected with the agent's reason for nb_master_port=0 and for an
#     unreadable ssl key;
#   - an upgrade or reinstall of ovn-common, whose postinst runs "ln -sf"
#     over the agent, leaves the agent in place (file trigger);
#   - dpkg -r removes the package; then "make install" restores the tree's
#     agent and helper (checked byte for byte against build/std).
# Loopback only; nothing is started.  Needs root.  Last line: "N passed, N
# failed".

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=ra-facts.sh
. "$here/ra-facts.sh"

if [ $# -ne 1 ]; then
    echo "usage: $0 DEB" >&2
    exit 2
fi
deb=$(realpath -e "$1") || { echo "$0: $1 not found" >&2; exit 2; }
if [ "$(id -u)" != 0 ]; then
    echo "$0: needs root (it installs $deb)" >&2
    exit 2
fi

pkg=ovndb-servers
agent=/usr/lib/ocf/resource.d/ovn/ovndb-servers
helper=/usr/libexec/ovndb-servers/ovndb-servers-helper
copy=/usr/libexec/ovndb-servers/ovndb-servers.ocf
man=/usr/share/man/man7/ocf_ovn_ovndb-servers.7.gz
export DEBIAN_FRONTEND=noninteractive

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovndb-deb.XXXXXX") || exit 2
chmod 755 "$tmp"
on_exit rm -rf "$tmp"

installed() {
    dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null |
        grep -q 'install ok installed'
}

# Puts back the state "make install" leaves: the package removed first
# (dpkg -r deletes the agent path), then the tree's build installed.
restored=
restore_make_install() {
    [ -n "$restored" ] && return 0
    restored=1
    if installed; then
        dpkg -r "$pkg" >"$tmp/restore.log" 2>&1
    fi
    env -u MAKEFLAGS -u MAKELEVEL make -C "$top" install \
        >>"$tmp/restore.log" 2>&1 ||
        { echo "$0: make install failed:" >&2; cat "$tmp/restore.log" >&2; }
}
on_exit restore_make_install

# quiet CMD...: runs CMD, shows its output only if it fails.
quiet() {
    "$@" >"$tmp/out" 2>&1 && return 0
    sed 's/^/    # /' "$tmp/out" | tail -20
    return 1
}

# --- the package file ------------------------------------------------------

check "package name is $pkg" test "$(dpkg-deb -f "$deb" Package)" = "$pkg"
check "architecture is $(dpkg --print-architecture)" \
    test "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)"
depends=$(dpkg-deb -f "$deb" Depends)
# The helper is static by default (STATIC=1): no library to depend on,
# but a Built-Using naming the sources of the code linked into it.
if dpkg-deb -f "$deb" Built-Using | grep -q .; then
    libs=
    for s in glibc jansson; do
        check "Built-Using names $s" eval \
            'dpkg-deb -f "$deb" Built-Using | grep -q "\\b$s (= "'
    done
else
    libs="libjansson4 libc6"
fi
for d in pacemaker pacemaker-cli-utils resource-agents openvswitch-switch \
         ovn-central $libs; do
    check "Depends on $d" eval \
        'printf "%s\n" "$depends" | tr "," "\n" | sed "s/ *(.*//; s/^ *//" |
             grep -qxF "$d"'
done
# One apt-cache run for all (about a second each): a block "NAME:" per
# package, its "  Candidate: VERSION" below.
mapfile -t deps < <(printf '%s\n' "$depends" | tr ',' '\n' |
                    sed 's/ *(.*//; s/^ *//')
apt-cache policy "${deps[@]}" >"$tmp/policy" 2>/dev/null
has_candidate() {
    awk -v p="$1:" '/^[^ ]/ { in_p = ($1 == p) }
                    in_p && $1 == "Candidate:" && $2 ~ /^[0-9]/ { f = 1 }
                    END { exit !f }' "$tmp/policy"
}
for d in "${deps[@]}"; do
    check "apt has a candidate for $d" has_candidate "$d"
done

# --- install -----------------------------------------------------------------

if installed; then
    echo "# $pkg was installed already: reinstalling it"
fi
check "apt-get install ./$(basename "$deb")" quiet \
    apt-get install -y -q --no-install-recommends --reinstall "$deb"
check "$pkg is installed, version $(dpkg-deb -f "$deb" Version)" eval \
    'installed && test "$(dpkg-query -W -f "\${Version}" "$pkg")" = \
                       "$(dpkg-deb -f "$deb" Version)"'
check "$agent is a regular file, not a symlink" \
    eval 'test -f "$agent" && ! test -L "$agent"'
check "dpkg -S: $agent belongs to $pkg" \
    eval 'dpkg -S "$agent" 2>/dev/null | grep -qx "$pkg: $agent"'
check "dpkg -S: $helper belongs to $pkg" \
    eval 'dpkg -S "$helper" 2>/dev/null | grep -qx "$pkg: $helper"'
check "agent, helper: mode 0755" \
    eval 'test "$(stat -c %a "$agent") $(stat -c %a "$helper")" = "755 755"'
check "the agent execs $helper" grep -qF "$helper" "$agent"
check "dpkg --verify $pkg: every file as packaged" quiet dpkg --verify "$pkg"
check "man page $man renders without a warning" eval \
    'zcat "$man" | groff -man -ww -z 2>"$tmp/groff.err" &&
     ! test -s "$tmp/groff.err"'

"$agent" meta-data >"$tmp/md.xml" 2>/dev/null
mapfile -t params < <(xmllint --xpath '//parameters/parameter/@name' \
                          "$tmp/md.xml" 2>/dev/null |
                      sed 's/^ *name="\([^"]*\)"$/\1/')
check "the installed agent prints its meta-data (${#params[@]} parameters)" \
    test "${#params[@]}" -gt 0

# --- pcs and crmsh see it --------------------------------------------------

# What both tools show, pcs 0.11 and 0.12, crmsh 4 and 5 (ra-facts.sh): the
# agent's heading, every parameter (required or not, its long description;
# type and default where the layout shows them; crm: the short description)
# and every action with its attributes, no more and no fewer, against the
# meta-data that Pacemaker hands them (OCF 1.1: reload-agent).
OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 "$agent" meta-data \
    >"$tmp/md11.xml" 2>/dev/null
ra_md_facts "$tmp/md11.xml" >"$tmp/md.facts"
check "the meta-data for the tools: ${#params[@]} parameters, some actions" \
    eval 'test "$(grep -c "^param " "$tmp/md.facts")" = "${#params[@]}" &&
          grep -q "^op start " "$tmp/md.facts"'
# shown TOOL WHAT KINDS: the check that TOOL (pcs or crm) shows the facts
# KINDS of the meta-data; its layout in the name.
shown() {
    check "$1 ($layout) shows $2" \
        ra_same "$3" "$tmp/want.$1" "$tmp/$1.facts"
}
# A layout of no version known: the output, to write the parser for it.
known_layout() {
    case $layout in
        pcs-0.11|pcs-0.12|crm-4|crm-5) ;;
        *) echo "    # an output in a layout ra-facts.sh does not know:"
           show "$1" ;;
    esac
}

pcs resource describe ocf:ovn:ovndb-servers >"$tmp/describe" 2>&1
rc=$?
check "pcs resource describe ocf:ovn:ovndb-servers exits 0 (rc $rc)" \
    test "$rc" = 0
ra_pcs_facts ocf:ovn:ovndb-servers "$tmp/describe" >"$tmp/pcs.facts"
layout=$(ra_layout "$tmp/pcs.facts")
known_layout "$tmp/describe"
# Unknown: held to the most that pcs 0.12 shows.
ra_want "$([ "$layout" = pcs-0.11 ] && echo pcs-0.11 || echo pcs-0.12)" \
    "$tmp/md.facts" >"$tmp/want.pcs"
shown pcs "the agent's name and shortdesc" agent
if [ "$layout" = pcs-0.11 ]; then
    shown pcs "every parameter, (required) and longdesc" "param|longdesc"
else
    shown pcs "every parameter, (required), longdesc, type and default" \
        "param|longdesc|type|default"
fi
shown pcs "every action with its interval, timeout and role" op

timeout 60 crm ra info ocf:ovn:ovndb-servers >"$tmp/crm" 2>&1
rc=$?
check "crm ra info ocf:ovn:ovndb-servers exits 0 (rc $rc)" test "$rc" = 0
ra_crm_facts ocf:ovn:ovndb-servers "$tmp/crm" >"$tmp/crm.facts"
layout=$(ra_layout "$tmp/crm.facts")
known_layout "$tmp/crm"
ra_want crm "$tmp/md.facts" >"$tmp/want.crm"
shown crm "the agent's name and shortdesc" agent
shown crm "every parameter, * if required, type, default, short and longdesc" \
    "param|type|default|shortdesc|longdesc"
shown crm "every action with all its attributes" op

# --- pcs --agent-validation runs validate-all ----------------------------

cib=$tmp/cib.xml
cibadmin --empty >"$cib"
good=(master_ip=127.0.0.1 "db_dir=$tmp/db" "run_dir=$tmp/run"
      "log_dir=$tmp/log" nb_master_port=16641 sb_master_port=16642)
# create NAME PARAM=VALUE...: pcs -f creates a promotable clone, validated
# by the agent; strace records the programs it runs.
create() {
    local name=$1
    shift
    strace -f -qq -e trace=execve -o "$tmp/$name.trace" \
        pcs -f "$cib" resource create "$name" ocf:ovn:ovndb-servers "$@" \
        promotable notify=true --agent-validation >"$tmp/$name.out" 2>&1
}
# ran_validate NAME: the agent's helper ran validate-all under pcs.
ran_validate() {
    grep -q "execve(\"$helper\", \[[^]]*\"validate-all\"" "$tmp/$1.trace"
}
in_cib() {
    grep -q "<primitive [^>]*id=\"$1\"" "$cib"
}

create good "${good[@]}"
rc=$?
check "good parameters: pcs accepts the resource (rc $rc)" test "$rc" = 0
check "good parameters: the helper ran validate-all" ran_validate good
check "good parameters: the clone is in the CIB" in_cib good

create badport "${good[@]/nb_master_port=16641/nb_master_port=0}"
rc=$?
check "nb_master_port=0: pcs refuses the resource (rc $rc)" test "$rc" != 0
check "nb_master_port=0: the helper ran validate-all" ran_validate badport
check "nb_master_port=0: pcs shows the agent's reason" grep -qF \
    "ocf-exit-reason:nb_master_port '0' is not an integer from 1 to 65535" \
    "$tmp/badport.out"
check "nb_master_port=0: nothing added to the CIB" eval '! in_cib badport'

create badkey "${good[@]}" nb_master_protocol=ssl \
    "ovn_nb_db_privkey=$tmp/none.pem"
rc=$?
check "unreadable ssl key: pcs refuses the resource (rc $rc)" test "$rc" != 0
check "unreadable ssl key: pcs shows the agent's reason" grep -qF \
    "ocf-exit-reason:NB ssl: private key unreadable (No such file or directory): $tmp/none.pem" \
    "$tmp/badkey.out"

# --- ovn-common's postinst does not take the agent away --------------------

same_as_copy() {
    test -f "$agent" && ! test -L "$agent" && cmp -s "$agent" "$copy"
}
ovn_version=$(dpkg-query -W -f '${Version}' ovn-common 2>/dev/null)
ovn_deb=/var/cache/apt/archives/ovn-common_${ovn_version/:/%3a}_$(dpkg --print-architecture).deb
if [ -n "$ovn_version" ] && [ -f "$ovn_deb" ]; then
    how="dpkg -i $(basename "$ovn_deb") (reinstall)"
    dpkg -i "$ovn_deb" >"$tmp/ovn.log" 2>&1
elif [ -n "$ovn_version" ] &&
     apt-get install -y -q --reinstall ovn-common >"$tmp/ovn.log" 2>&1; then
    how="apt-get install --reinstall ovn-common"
else
    # No package file at hand: do what an upgrade does, step by step.
    how="ovn-common's postinst, then its file trigger"
    /var/lib/dpkg/info/ovn-common.postinst configure "$ovn_version" &&
        dpkg-trigger --no-await /usr/share/ovn/scripts/ovndb-servers.ocf &&
        dpkg --triggers-only "$pkg"
fi
if [ -s "$tmp/ovn.log" ]; then
    check "dpkg ran $pkg's trigger, which restored the agent" eval \
        'grep -q "^Processing triggers for $pkg " "$tmp/ovn.log" &&
         grep -q "^$pkg: restoring $agent" "$tmp/ovn.log" ||
         { sed "s/^/    # /" "$tmp/ovn.log"; false; }'
fi
check "after $how: the agent is still the package's" same_as_copy
check "after $how: dpkg --verify $pkg is clean" quiet dpkg --verify "$pkg"

# The same when ovn-common's postinst runs after this package was unpacked
# (first install of both): its configure step puts the agent back.
if [ -x /var/lib/dpkg/info/ovn-common.postinst ]; then
    /var/lib/dpkg/info/ovn-common.postinst configure "$ovn_version"
    check "ovn-common's postinst replaced the agent by its symlink" \
        test -L "$agent"
    dpkg-trigger --no-await /usr/share/ovn/scripts/ovndb-servers.ocf &&
        dpkg --triggers-only "$pkg" >/dev/null 2>&1
    check "the triggered postinst put the agent back" same_as_copy
fi

# --- removal, then the tree's make install ----------------------------------

check "dpkg -r $pkg" quiet dpkg -r "$pkg"
check "$pkg is no longer installed" eval '! installed'
check "dpkg -r removed the agent and the helper" \
    eval '! test -e "$agent" && ! test -L "$agent" && ! test -e "$helper"'
restore_make_install
check "make install put the agent back: build/std/ovndb-servers" \
    eval 'test -f "$agent" && ! test -L "$agent" &&
          cmp -s "$agent" "$top/build/std/ovndb-servers"'
check "make install put the helper back: build/std/ovndb-servers-helper" \
    cmp -s "$helper" "$top/build/std/ovndb-servers-helper"
check "the agent belongs to no package again" \
    eval '! dpkg -S "$agent" >/dev/null 2>&1'
check "the restored agent prints its meta-data" \
    eval '"$agent" meta-data | cmp -s - "$tmp/md.xml"'

summary
