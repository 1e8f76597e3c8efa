#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hostile parameters (issue 11): a table of values for every parameter of
# the meta-data, the CRM_meta_* variables the helper reads, and
# OCF_RESOURCE_INSTANCE, each run through the installed agent with
# validate-all and (when refused) start, with the exit code and the exit
# reason's key words expected.  After every run: the node's db_dir,
# run_dir and log_dir trees are byte-identical to before, no process
# holds them, the reason is one line without raw control characters.
#
# Self-contained (only the installed agent and a CIB file): it does not
# source the shared libraries.  AGENT overrides the agent (with
# OVNDB_SERVERS_HELPER, a build tree's).
set -u
AGENT=${AGENT:-/usr/lib/ocf/resource.d/ovn/ovndb-servers}
NB_PORT=19741 SB_PORT=19742
TMP=$(mktemp -d /tmp/ovndb-hostile.XXXXXX)
ND=$TMP/node                    # Every tree the agent may touch.
AUX=$TMP/aux                    # The log file and the CIB file.
mkdir -p "$ND" "$AUX"
passed=0 failed=0

started_pids() {
    pgrep -f -- "$TMP" 2>/dev/null | grep -vx "$$" || true
}

cleanup() {
    local pid
    for pid in $(started_pids); do
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok - $*"; }
notok() { failed=$((failed + 1)); echo "not ok - $*"; }

export CIB_file=$AUX/cib.xml
cibadmin --empty > "$CIB_file"

# The environment Pacemaker gives a promotable notify=true clone.
base=(
    OCF_ROOT=/usr/lib/ocf OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1
    OCF_RESOURCE_INSTANCE=ovndb_servers OCF_RESOURCE_TYPE=ovndb-servers
    OCF_RESOURCE_PROVIDER=ovn OCF_EXIT_REASON_PREFIX=ocf-exit-reason:
    OCF_RESKEY_master_ip=127.0.0.1
    "OCF_RESKEY_nb_master_port=$NB_PORT" "OCF_RESKEY_sb_master_port=$SB_PORT"
    "OCF_RESKEY_db_dir=$ND/db" "OCF_RESKEY_run_dir=$ND/run"
    "OCF_RESKEY_log_dir=$ND/log" "HA_LOGFILE=$AUX/agent.log"
    OCF_RESKEY_CRM_meta_on_node=node1 OCF_RESKEY_CRM_meta_timeout=20000
    OCF_RESKEY_CRM_meta_notify=true
    "OCF_RESKEY_CRM_meta_notify_start_uname=node1"
    "OCF_RESKEY_CRM_meta_notify_active_uname= "
    "OCF_RESKEY_CRM_meta_notify_promoted_uname= "
    "OCF_RESKEY_CRM_meta_notify_all_uname=node1"
)

# run ACTION [VAR=VALUE...]: the agent with the base environment plus the
# overrides; stdout and stderr in $AUX/out and $AUX/err; returns its code.
run() {
    local action=$1
    shift
    env "${base[@]}" "$@" "$AGENT" "$action" > "$AUX/out" 2> "$AUX/err"
}

# The state of every tree the agent may touch: names, types, modes,
# owners, modification times (to the nanosecond), link targets and the
# contents of files, as the checksum of a sorted pax archive.
snapshot() {
    tar -C "$ND" --sort=name --format=posix \
        --pax-option=delete=atime,delete=ctime -cf - . | sha256sum
}

# A real node's files to protect: start once and stop (both rc 0), so
# that the databases exist and nothing runs.
if run start && run stop; then
    ok "setup: start and stop a node with sane parameters"
else
    notok "setup: start and stop (rc $?): $(cat "$AUX/err")"
fi
if [ -s "$ND/db/ovnnb_db.db" ] && [ -s "$ND/db/ovnsb_db.db" ]; then
    ok "setup: the databases exist"
else
    notok "setup: the databases exist"
fi
before=$(snapshot)

long() {        # long N CHAR: CHAR repeated N times.
    local s
    printf -v s '%*s' "$1" ''
    printf '%s' "${s// /$2}"
}
LONG_DIR=$ND/$(long 3990 d)                     # Over PARAMS_DIR_MAX.
LONG_PART=$ND/$(long 300 c)/db                  # A component > NAME_MAX.
LONG_PATH=/$(long 4100 p)                       # Over PATH_MAX.
LONG_RUN=$ND/$(long 90 r)                       # Over the socket limit.
LONG_NODE=$(long 300 n)
NL=$'\n' TAB=$'\t' CR=$'\r' ESC=$'\e' DEL=$'\x7f'

n_cases=0
# t ACTIONS VAR VALUE RC WORDS...: runs each of ACTIONS (comma-separated)
# with VAR=VALUE, expects RC and every WORD in the exit reason (none when
# RC is 0), and nothing changed.
t() {
    local var=$2 value=$3 rc=$4 action got reason word bad shown err line
    local -a actions
    IFS=, read -r -d '' -a actions <<< "$1"
    actions[-1]=${actions[-1]%$'\n'}      # What <<< adds.
    shift 4
    n_cases=$((n_cases + 1))
    shown=$(printf '%q' "$value")
    [ ${#shown} -gt 40 ] && shown="${shown:0:37}..."
    for action in "${actions[@]}"; do
        bad=
        run "$action" "$var=$value"
        got=$?
        err=$(< "$AUX/err")
        reason=
        while IFS= read -r line; do
            case $line in
                ocf-exit-reason:*) reason=${line#ocf-exit-reason:} ;;
            esac
        done <<< "$err"
        [ "$got" = "$rc" ] || bad="$bad rc $got, expected $rc;"
        for word in "$@"; do
            case $reason in
                *"$word"*) ;;
                *) bad="$bad no '$word' in the reason;" ;;
            esac
        done
        if [ "$rc" != 0 ] && [ -z "$reason" ]; then
            bad="$bad no exit reason;"
        fi
        # No control character in the reason, and no line on stderr but
        # the reason (the log goes to HA_LOGFILE; an unknown action adds
        # the usage): a raw newline in it would start another line.
        case $reason in
            *[[:cntrl:]]*) bad="$bad a raw control character in the reason;";;
        esac
        if [ "$rc" != 3 ] && [ "${err//[^$'\n']/}" != "" ]; then
            bad="$bad more than one line on stderr;"
        fi
        [ -s "$AUX/out" ] && bad="$bad output on stdout;"
        [ -z "$(started_pids)" ] || bad="$bad a process was left running;"
        [ "$(snapshot)" = "$before" ] || bad="$bad the trees changed;"
        if [ -z "$bad" ]; then
            ok "$(printf %q "$action") ${var#OCF_RESKEY_}=$shown: rc $got"
        else
            notok "$(printf %q "$action") ${var#OCF_RESKEY_}=$shown:$bad" \
                "reason '$reason'"
        fi
    done
}
R=OCF_RESKEY_ M=OCF_RESKEY_CRM_meta_ VS=validate-all,start

echo "# master_ip"
t $VS ${R}master_ip "" 6 "master_ip is not set"
t $VS ${R}master_ip " " 6 "is not an IPv4 or IPv6 address"
t $VS ${R}master_ip "127.0.0.1 127.0.0.2" 6 "is not an IPv4 or IPv6"
t $VS ${R}master_ip "0.0.0.0" 6 "0.0.0.0/8" "unicast"
t $VS ${R}master_ip "0.1.2.3" 6 "0.0.0.0/8"
t $VS ${R}master_ip "::" 6 "unspecified address (::)" "unicast"
t $VS ${R}master_ip "224.0.0.1" 6 "multicast address (224.0.0.0/4)"
t $VS ${R}master_ip "239.255.255.250" 6 "multicast"
t $VS ${R}master_ip "ff02::1" 6 "multicast address (ff00::/8)"
t $VS ${R}master_ip "::ffff:224.0.0.1" 6 "multicast"
t $VS ${R}master_ip "255.255.255.255" 6 "broadcast address" "unicast"
t $VS ${R}master_ip "127.0.0.1$NL" 6 "control character (\\n at byte 10)"
t $VS ${R}master_ip "127.0.0.1/8" 6 "not an IPv4 or IPv6"
t $VS ${R}master_ip "[::1]" 6 "no brackets"
t $VS ${R}master_ip "localhost" 6 "no host names"
echo "# ports"
t $VS ${R}nb_master_port "+6641" 6 "nb_master_port '+6641'" "digits only"
t $VS ${R}nb_master_port " 6641" 6 "nb_master_port ' 6641'" "digits only"
t $VS ${R}nb_master_port "6641 " 6 "digits only"
t $VS ${R}nb_master_port "0" 6 "from 1 to 65535"
t $VS ${R}nb_master_port "65536" 6 "from 1 to 65535"
t $VS ${R}nb_master_port "99999999999999999999" 6 "from 1 to 65535"
t $VS ${R}nb_master_port "-1" 6 "digits only"
t $VS ${R}nb_master_port "0x4c1d" 6 "digits only"
t $VS ${R}nb_master_port "6641$NL" 6 "nb_master_port" "control character"
t $VS ${R}sb_master_port "+6642" 6 "sb_master_port" "digits only"
t $VS ${R}sb_master_port "66 42" 6 "sb_master_port" "digits only"
t $VS ${R}sb_master_port "$NB_PORT" 6 "both $NB_PORT" "different ports"
echo "# protocols and booleans"
t $VS ${R}nb_master_protocol "udp" 6 "neither tcp nor ssl"
t $VS ${R}nb_master_protocol "TCP" 6 "neither tcp nor ssl"
t $VS ${R}nb_master_protocol "tcp$NL" 6 "nb_master_protocol" \
    "control character"
t $VS ${R}sb_master_protocol "ssl " 6 "sb_master_protocol" \
    "neither tcp nor ssl"
t $VS ${R}nb_master_protocol "ssl" 2 "NB ssl:" "private key unreadable"
t $VS ${R}sb_master_protocol "ssl" 2 "SB ssl:" "private key unreadable"
t $VS ${R}manage_northd "maybe" 6 "manage_northd 'maybe' is not yes or no"
t $VS ${R}manage_northd "yes$CR" 6 "manage_northd" "(\\r at byte 4)"
t $VS ${R}listen_on_master_ip_only "yes please" 6 "is not yes or no"
echo "# intervals"
t $VS ${R}inactive_probe_interval "-1" 6 "inactive_probe_interval" \
    "digits only"
t $VS ${R}inactive_probe_interval "+5000" 6 "digits only"
t $VS ${R}inactive_probe_interval "5000ms" 6 "digits only"
t $VS ${R}inactive_probe_interval "2147483648" 6 "from 0 to 2147483647"
t $VS ${R}inactive_probe_interval "99999999999999999999" 6 \
    "from 0 to 2147483647"
t $VS ${R}inactive_probe_interval_to_master " 60000" 6 \
    "inactive_probe_interval_to_master" "digits only"
t $VS ${R}inactive_probe_interval_to_master "1e3" 6 "digits only"
echo "# SSL files and ovn_ctl"
t $VS ${R}ovn_nb_db_privkey "/etc/k${ESC}[31m" 6 "ovn_nb_db_privkey" \
    "(\\x1b at byte 7)"
t $VS ${R}ovn_nb_db_cert "/etc/c$NL" 6 "ovn_nb_db_cert" "control character"
t $VS ${R}ovn_nb_db_cacert "$LONG_PATH" 6 "ovn_nb_db_cacert is 4101 bytes"
t $VS ${R}ovn_sb_db_privkey "$TAB/etc/k" 6 "ovn_sb_db_privkey" \
    "(\\t at byte 1)"
t $VS ${R}ovn_sb_db_cert "/etc/c$DEL" 6 "ovn_sb_db_cert" "(\\x7f at byte 7)"
t $VS ${R}ovn_sb_db_cacert "$LONG_PATH" 6 "ovn_sb_db_cacert is 4101 bytes"
t $VS ${R}ovn_ctl "/usr/share/ovn/scripts/ovn-ctl$NL" 6 "ovn_ctl" \
    "control character"
echo "# directories"
t $VS ${R}db_dir "var/lib/ovn" 6 "must be absolute paths"
t $VS ${R}db_dir "$LONG_DIR" 6 "db_dir is ${#LONG_DIR} bytes long" \
    "PATH_MAX"
t $VS ${R}db_dir "$LONG_PART" 6 "db_dir has a component of 300 bytes" \
    "NAME_MAX"
t $VS ${R}db_dir "$ND/db${NL}x" 6 "db_dir holds a control character"
t validate-all ${R}db_dir "$ND/new db" 0
t $VS ${R}run_dir "$LONG_RUN" 6 "run_dir" "too long for a Unix socket"
t $VS ${R}run_dir "run" 6 "must be absolute paths"
t $VS ${R}run_dir "$ND/run$ESC" 6 "run_dir holds a control character"
t $VS ${R}log_dir "$LONG_DIR" 6 "log_dir is ${#LONG_DIR} bytes long"
t $VS ${R}log_dir "$ND/log$NL" 6 "log_dir holds a control character"
echo "# CRM_meta_*"
t validate-all ${M}timeout "99999999999999999999" 0
t $VS ${M}timeout "+20000" 6 "CRM_meta_timeout '+20000'" \
    "not a number of milliseconds"
t $VS ${M}timeout " 20000" 6 "not a number of milliseconds"
t $VS ${M}timeout "20s" 6 "not a number of milliseconds"
t $VS ${M}timeout "-1" 6 "not a number of milliseconds"
t $VS ${M}timeout "20000$NL" 6 "CRM_meta_timeout holds a control"
t $VS ${M}interval "abc" 6 "CRM_meta_interval" "milliseconds"
t $VS ${M}interval "4294967296" 6 "from 0 to 4294967295"
t $VS ${M}interval "99999999999999999999" 6 "from 0 to 4294967295"
t $VS ${M}on_node "node1${NL}node2" 6 "CRM_meta_on_node" \
    "control character"
t $VS ${M}on_node "node 1" 6 "not a node name"
t $VS ${M}on_node "$LONG_NODE" 6 "not a node name" "at most 255"
t $VS ${M}physical_host "h${TAB}1" 6 "CRM_meta_physical_host" \
    "control character"
t $VS ${M}notify_start_uname "node1${NL}node2" 6 \
    "CRM_meta_notify_start_uname" "control character"
t $VS ${M}notify_active_uname "$LONG_NODE" 6 "a node name of 300 bytes"
t $VS ${M}notify_all_uname "${ESC}[2J" 6 "CRM_meta_notify_all_uname" \
    "control character"
t $VS ${M}role "Promoted$NL" 6 "CRM_meta_role" "control character"
t start ${M}notify "false" 6 "notify=true"
echo "# OCF_RESOURCE_INSTANCE and the action"
t $VS OCF_RESOURCE_INSTANCE "ovndb${NL}servers" 6 "OCF_RESOURCE_INSTANCE" \
    "no control character"
t $VS OCF_RESOURCE_INSTANCE "../../../etc/x" 6 "OCF_RESOURCE_INSTANCE" \
    "no '/'"
t $VS OCF_RESOURCE_INSTANCE "$LONG_NODE" 6 "at most 200 bytes"
t "start$NL" OCF_RESKEY_master_ip 127.0.0.1 3 "unknown action 'start"

echo "# the log never holds a raw control character"
if [ -f "$AUX/agent.log" ] \
    && ! LC_ALL=C grep -q '[[:cntrl:]]' "$AUX/agent.log" \
    && ! grep -qv '^[A-Z][a-z][a-z] [ 0-9][0-9] ' "$AUX/agent.log"; then
    ok "every log line is one message without control characters"
else
    notok "the log holds control characters or continuation lines"
fi

echo "# $n_cases values"
[ "$n_cases" -ge 60 ] && ok "at least 60 values ($n_cases)" \
    || notok "at least 60 values ($n_cases)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
