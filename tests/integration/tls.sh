#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: the agent over TLS only (nb_master_protocol=ssl,
# sb_master_protocol=ssl), with real certificates made here by openssl: a
# CA, a key and certificate per node (each node's servers present it as
# the active and as a backup replicating), and one for the clients.
#
# Three "nodes" (network namespaces on one bridge, as in switchover.sh)
# run the installed agent as Pacemaker would for a promotable notify=true
# clone; master_ip is a virtual IP the test moves as IPaddr2 would (gone
# from the old active before its demotion, added to the new one after its
# promotion); clients connect from a namespace of their own.  It proves:
#   - validate-all (and start) refuse a missing or unreadable key, a
#     certificate that is not the key's, a missing CA certificate, with rc 2
#     and a reason, and start no server then;
#   - the active listens on pssl: only (a plain TCP client is refused), the
#     backups replicate NB and SB from it over ssl: (sync-status), and rows
#     written over ssl: on the active arrive on the backups;
#   - the SSL table's ssl_protocols is enforced: a client offering only a
#     protocol it leaves out fails the handshake ("protocol version"
#     alert), an allowed one connects; the row replicates, so the next
#     active enforces it too;
#   - a switchover and a failover (kill -9 of the active's servers) over
#     ssl: while a writer commits over ssl:, with no acknowledged write
#     lost (for the failover: none the backups held when the servers died;
#     replication is asynchronous, and the crash window is the 3-node lab's
#     matter, tests/cluster/failover.sh).
#
# Only addresses inside namespaces this script creates are used (TEST-NET-2
# 198.51.100.0/24, nothing of it in the root namespace); everything it
# starts (servers, the writer) is stopped by PID, and the namespaces are
# deleted, also on failure.

# Variables N_* are read by agent() in lib.sh.
# shellcheck disable=SC2034
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here/../lib/common.sh"
NB_PORT=19641 SB_PORT=19642
SUBNET=198.51.100
VIP=$SUBNET.100
CLIENT_IP=$SUBNET.50
# shellcheck source=tests/integration/lib.sh
. "$here/lib.sh"
PFX=ovndbtls-$$
BR_NS=$PFX-br
CL_NS=$PFX-client

T_START=$(date +%s)
# Promote and demote may wait for the servers: Pacemaker's usual timeouts.
TIMEOUT_MS=50000
PKI=$TMP/pki
CA=$PKI/cacert.pem
ACKED=$TMP/acked
STOP_FILE=$TMP/writer.stop
PAUSE_FILE=$TMP/writer.pause
PAUSED_FILE=$TMP/writer.paused
WRITER_PID=

# ---------------------------------------------------------------------------
# Network: a bridge namespace, three node namespaces and a client namespace,
# IPv6 off, no default route (as in switchover.sh).

ns_of() {
    echo "$PFX-$1"
}
node_ip() {
    echo "$SUBNET.1${1#node}"
}
no_ipv6() {
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}
setup_network() {
    local n ns i
    ip netns add "$BR_NS" || return 1
    no_ipv6 "$BR_NS" || return 1
    ip -n "$BR_NS" link set lo up || return 1
    ip -n "$BR_NS" link add br0 type bridge || return 1
    ip -n "$BR_NS" link set br0 up || return 1
    for n in $NODES client; do
        ns=$PFX-$n
        i=${n#node}
        [ "$n" = client ] && i=cl
        ip netns add "$ns" || return 1
        no_ipv6 "$ns" || return 1
        ip -n "$ns" link set lo up || return 1
        ip -n "$BR_NS" link add "p-n$i" type veth peer name eth0 \
            netns "$ns" || return 1
        ip -n "$BR_NS" link set "p-n$i" master br0 up || return 1
        if [ "$n" = client ]; then
            ip -n "$ns" addr add "$CLIENT_IP/24" dev eth0 || return 1
        else
            ip -n "$ns" addr add "$(node_ip "$n")/24" dev eth0 || return 1
        fi
        ip -n "$ns" link set eth0 up || return 1
    done
}
delete_namespaces() {
    local ns
    for ns in "$BR_NS" "$CL_NS" $(for n in $NODES; do ns_of "$n"; done); do
        ip netns del "$ns" 2>/dev/null
    done
    return 0
}
my_namespaces() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -c "^$PFX-"
}
root_ns_clean() {
    ! ip -4 addr show 2>/dev/null | grep -q "inet $SUBNET\."
}
network_ok() {
    local n
    for n in $NODES; do
        ip netns exec "$CL_NS" ping -c1 -W2 -q "$(node_ip "$n")" \
            >/dev/null 2>&1 || return 1
    done
    for n in $NODES client; do
        ip -n "$PFX-$n" route show default | grep -q . && return 1
    done
    return 0
}
on_exit delete_namespaces

# vip_add NODE / vip_del NODE: what IPaddr2 start/stop do (the neighbour
# caches are flushed in place of gratuitous ARPs).
vip_add() {
    local n
    ip -n "$(ns_of "$1")" addr add "$VIP/24" dev eth0 || return 1
    ip -n "$CL_NS" neigh flush all
    for n in $NODES; do
        ip -n "$(ns_of "$n")" neigh flush all
    done
}
vip_del() {
    ip -n "$(ns_of "$1")" addr del "$VIP/24" dev eth0
}
vip_watcher_waits() {
    grep -q "waiting for master_ip $VIP" "$TMP/agent.log"
}

# ---------------------------------------------------------------------------
# Certificates.

# pki_openssl ARGS...: openssl, quiet unless it fails.
pki_openssl() {
    local out
    out=$(openssl "$@" 2>&1) || {
        echo "# openssl $1 failed: $out"
        return 1
    }
}

# pki_cert NAME: NAME-key.pem and NAME-cert.pem, signed by the CA.
pki_cert() {
    pki_openssl req -newkey rsa:2048 -nodes -keyout "$PKI/$1-key.pem" \
        -out "$PKI/$1-req.pem" -subj "/CN=$1" \
        && pki_openssl x509 -req -in "$PKI/$1-req.pem" -CA "$CA" \
            -CAkey "$PKI/ca-key.pem" -set_serial "$2" -days 2 \
            -out "$PKI/$1-cert.pem"
}

make_pki() {
    local n serial=1
    mkdir -p "$PKI" || return 1
    pki_openssl req -x509 -newkey rsa:2048 -nodes \
        -keyout "$PKI/ca-key.pem" -out "$CA" -days 2 \
        -subj "/CN=ovndb-servers test CA" || return 1
    for n in $NODES client; do
        serial=$((serial + 1))
        pki_cert "$n" "$serial" || return 1
    done
}

# every_cert_verifies: the CA verifies each certificate made.
every_cert_verifies() {
    local n
    for n in $NODES client; do
        openssl verify -CAfile "$CA" "$PKI/$n-cert.pem" >/dev/null 2>&1 \
            || return 1
    done
}

# ---------------------------------------------------------------------------
# The agent with ssl, each node with its own key and certificate (for NB
# and SB alike).  Extra VAR=VALUE arguments come after these, and win.

# agent NODE ACTION [VAR=VALUE...] [COMMAND...]: lib.sh's agent, inside
# NODE's namespace, with ssl; COMMAND (setpriv ...) runs the agent.
eval "lib_agent$(declare -f agent | sed '1s/^agent *//')"
agent() {
    local node=$1 action=$2 vars=()
    shift 2
    while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
        vars+=("$1")
        shift
    done
    lib_agent "$node" "$action" \
        OCF_RESKEY_nb_master_protocol=ssl OCF_RESKEY_sb_master_protocol=ssl \
        OCF_RESKEY_ovn_nb_db_privkey="$PKI/$node-key.pem" \
        OCF_RESKEY_ovn_nb_db_cert="$PKI/$node-cert.pem" \
        OCF_RESKEY_ovn_nb_db_cacert="$CA" \
        OCF_RESKEY_ovn_sb_db_privkey="$PKI/$node-key.pem" \
        OCF_RESKEY_ovn_sb_db_cert="$PKI/$node-cert.pem" \
        OCF_RESKEY_ovn_sb_db_cacert="$CA" "${vars[@]}" \
        ip netns exec "$(ns_of "$node")" "$@"
}

# promote_node NODE: the pre-notify/promote/post-notify sequence.
promote_node() {
    local rc
    N_PROMOTE=$1
    notify_all pre promote
    agent "$1" promote
    rc=$?
    if [ "$rc" = 0 ]; then
        notify_all post promote
    fi
    N_PROMOTE=" "
    return "$rc"
}

# demote_node NODE: the pre-notify/demote/post-notify sequence.
demote_node() {
    local rc
    N_DEMOTE=$1
    notify_all pre demote
    agent "$1" demote
    rc=$?
    notify_all post demote
    N_DEMOTE=" "
    return "$rc"
}

# reason_has NODE TEXT: the last exit reason on NODE contains TEXT.
reason_has() {
    case $(exit_reason "$1") in
        *"$2"*) return 0 ;;
        *)
            echo "# exit reason on $1: $(exit_reason "$1")"
            return 1
            ;;
    esac
}

# ---------------------------------------------------------------------------
# Clients over ssl:, from the client namespace to the VIP, with the client
# certificate.

SSL_OPTS=(-p "$PKI/client-key.pem" -c "$PKI/client-cert.pem" -C "$CA")
in_client() {
    ip netns exec "$CL_NS" "$@"
}
ssl_nbctl() {
    in_client ovn-nbctl --timeout=5 --db="ssl:$VIP:$NB_PORT" \
        "${SSL_OPTS[@]}" "$@"
}
ssl_sbctl() {
    in_client ovn-sbctl --timeout=5 --db="ssl:$VIP:$SB_PORT" \
        "${SSL_OPTS[@]}" "$@"
}

# ssl_insert NAME: one transaction over ssl: that inserts Logical_Switch
# NAME; succeeds only if the server acknowledged it.
ssl_insert() {
    local out
    out=$(in_client timeout 5 ovsdb-client "${SSL_OPTS[@]}" transact \
        "ssl:$VIP:$NB_PORT" "[\"OVN_Northbound\",{\"op\":\"insert\",
        \"table\":\"Logical_Switch\",\"row\":{\"name\":\"$1\"}}]" 2>/dev/null)
    case $out in
        *'"uuid"'*) ! printf '%s' "$out" | grep -q '"error"' ;;
        *) return 1 ;;
    esac
}

# handshake VERSION PORT: openssl s_client offering only TLS VERSION
# (tls1_2, tls1_3) to the VIP; prints what it says.
handshake() {
    in_client timeout 10 openssl s_client "-$1" -connect "$VIP:$2" \
        -cert "$PKI/client-cert.pem" -key "$PKI/client-key.pem" \
        -CAfile "$CA" < /dev/null 2>&1
}
# connects VERSION PORT: the handshake completes with that protocol.
connects() {
    local v=TLSv1.2
    [ "$1" = tls1_3 ] && v=TLSv1.3
    handshake "$1" "$2" | grep -q "^New, $v, Cipher is "
}
# refused_protocol VERSION PORT: the server refuses the protocol itself.
refused_protocol() {
    local out
    out=$(handshake "$1" "$2")
    printf '%s\n' "$out" | grep -q 'alert protocol version' \
        && printf '%s\n' "$out" | grep -q '^New, (NONE), Cipher is (NONE)'
}

# plain_tcp_refused PORT: a plain TCP OVSDB client is cut off by the TLS
# listener (it reads no JSON-RPC from it).
plain_tcp_refused() {
    local out
    out=$(in_client timeout 10 ovsdb-client --timeout=5 list-dbs \
        "tcp:$VIP:$1" 2>&1) && return 1
    case $out in
        *"transaction failed (End of file)"*|\
        *"transaction failed (Connection reset by peer)"*|\
        *"transaction failed (Protocol error)"*) return 0 ;;
        *)
            echo "# plain TCP client on $1: $out"
            return 1
            ;;
    esac
}

# replicating_ssl NODE nb|sb ACTIVE: NODE's server replicates over ssl:
# from ACTIVE (its own address, or the VIP it holds), as its own
# sync-status says.
replicating_ssl() {
    local port=$NB_PORT
    [ "$2" = sb ] && port=$SB_PORT
    sync_status "$1" "$2" | grep -Eqx \
        "replicating: ssl:($(node_ip "$3")|$VIP):$port"
}

# listens_pssl NODE: NODE's NB and SB Connection rows are pssl: and the
# ports are open in NODE's namespace.
listens_pssl() {
    nbctl "$1" get-connection | grep -q "pssl:$NB_PORT:" \
        && sbctl "$1" get-connection | grep -q "pssl:$SB_PORT:" \
        && ip netns exec "$(ns_of "$1")" ss -ltnH "sport = :$NB_PORT" \
            | grep -q . \
        && ip netns exec "$(ns_of "$1")" ss -ltnH "sport = :$SB_PORT" \
            | grep -q .
}

# names NODE: the Logical_Switch names in NODE's NB copy, sorted.
names() {
    nbctl "$1" --bare --columns=name list Logical_Switch 2>/dev/null \
        | grep . | sort
}
# missing_on NODE: how many acknowledged writes NODE's copy lacks.
missing_on() {
    comm -23 <(sort "$ACKED") <(names "$1") | grep -c .
}
has_every_acked() {
    [ "$(missing_on "$1")" = 0 ]
}
acked_count() {
    grep -c . "$ACKED" 2>/dev/null
}
acked_at_least() {
    [ "$(acked_count)" -ge "$1" ]
}

# ---------------------------------------------------------------------------
# The writer: numbered inserts over ssl:, one connection each, as long as
# the stop file is absent; with the pause file present it writes nothing
# and says so with the paused file (no write is then in flight).

writer() {
    local i=0
    while [ ! -e "$STOP_FILE" ]; do
        if [ -e "$PAUSE_FILE" ]; then
            touch "$PAUSED_FILE"
            sleep 0.05
            continue
        fi
        rm -f "$PAUSED_FILE"
        i=$((i + 1))
        if ssl_insert "w$i"; then
            echo "w$i" >> "$ACKED"
        fi
        sleep 0.02
    done
}
writer_start() {
    rm -f "$STOP_FILE" "$PAUSE_FILE" "$PAUSED_FILE"
    writer &
    WRITER_PID=$!
}
writer_alive() {
    [ -n "$WRITER_PID" ] && kill -0 "$WRITER_PID" 2>/dev/null
}
writer_gone() {
    ! writer_alive
}
writer_stop() {
    touch "$STOP_FILE"
    wait_until 15 writer_gone
    writer_alive && kill -9 "$WRITER_PID" 2>/dev/null
    WRITER_PID=
    return 0
}
on_exit writer_stop
writer_pause() {
    rm -f "$PAUSED_FILE"
    touch "$PAUSE_FILE"
    wait_until 15 test -e "$PAUSED_FILE"
}
writer_resume() {
    rm -f "$PAUSE_FILE"
}

# ---------------------------------------------------------------------------

echo "# setup: namespaces $PFX-*, certificates"
check "no address of $SUBNET.0/24 in the root namespace" root_ns_clean
check "network namespaces set up" setup_network
check "client reaches the nodes; no default route anywhere" network_ok
check "openssl made the CA and the certificates" make_pki
check "the CA verifies each certificate" every_cert_verifies
: > "$ACKED"

echo "# validate-all and start refuse broken TLS files, with a reason"
expect_rc 0 "validate-all with node1's own files" agent node1 validate-all
expect_rc 2 "validate-all: NB key missing" agent node1 validate-all \
    OCF_RESKEY_ovn_nb_db_privkey="$PKI/none-key.pem"
check "reason: the NB key is unreadable (no such file)" reason_has node1 \
    "NB ssl: private key unreadable (No such file or directory): $PKI/none-key.pem"
# Root reads any file: the unreadable key is checked as another user.
chmod 711 "$TMP"
chmod 755 "$PKI"
chmod 644 "$PKI"/*-cert.pem "$CA"
chmod 600 "$PKI"/*-key.pem
expect_rc 2 "validate-all as nobody: the key (mode 0600, root's) unreadable" \
    agent node1 validate-all setpriv --reuid=65534 --regid=65534 \
    --clear-groups
check "reason: permission denied on the NB key" reason_has node1 \
    "NB ssl: private key unreadable (Permission denied): $PKI/node1-key.pem"
expect_rc 2 "validate-all: NB certificate is node2's, not the key's" \
    agent node1 validate-all OCF_RESKEY_ovn_nb_db_cert="$PKI/node2-cert.pem"
check "reason: the NB certificate does not match the key" reason_has node1 \
    "NB ssl: certificate does not match private key (public keys differ): $PKI/node2-cert.pem"
expect_rc 2 "validate-all: SB key is node3's" agent node1 validate-all \
    OCF_RESKEY_ovn_sb_db_privkey="$PKI/node3-key.pem"
check "reason: the SB certificate does not match the key" reason_has node1 \
    "SB ssl: certificate does not match private key (public keys differ)"
expect_rc 2 "validate-all: CA certificate missing" agent node1 validate-all \
    OCF_RESKEY_ovn_sb_db_cacert="$PKI/none-ca.pem"
check "reason: the CA certificate is unreadable" reason_has node1 \
    "SB ssl: CA certificate unreadable (No such file or directory): $PKI/none-ca.pem"
expect_rc 2 "validate-all: the key given as the certificate" \
    agent node1 validate-all OCF_RESKEY_ovn_nb_db_cert="$PKI/node1-key.pem"
check "reason: the certificate is not PEM" reason_has node1 \
    "NB ssl: certificate is not PEM: $PKI/node1-key.pem"
N_START=node1
expect_rc 2 "start with a mismatched NB certificate" agent node1 start \
    OCF_RESKEY_ovn_nb_db_cert="$PKI/node2-cert.pem"
check "reason: the certificate does not match the key" reason_has node1 \
    "NB ssl: certificate does not match private key"
check "that start left no server running" \
    test -z "$(pid_of node1 nb)$(pid_of node1 sb)"
N_START=" "

echo "# start three nodes over ssl, promote node1, VIP on node1"
N_START="node1 node2 node3"
for n in $NODES; do
    expect_rc 0 "start $n" agent "$n" start
done
notify_all post start
N_START=" " N_ACTIVE="node1 node2 node3" N_UNPROMOTED="node1 node2 node3"
expect_rc 0 "promote node1" promote_node node1
N_PROMOTED=node1 N_UNPROMOTED="node2 node3"
check "promote left a watcher waiting for the VIP" \
    wait_until 10 vip_watcher_waits
check "VIP added on node1" vip_add node1
check "node1 listens on pssl: (Connection rows, ports)" \
    wait_until 10 listens_pssl node1
check "a TLSv1.2 client connects to node1 at the VIP" \
    wait_until 10 connects tls1_2 "$NB_PORT"
check "node1's NB port refuses plain TCP clients" plain_tcp_refused "$NB_PORT"
check "node1's SB port refuses plain TCP clients" plain_tcp_refused "$SB_PORT"
for n in node2 node3; do
    check "$n NB replicates from node1 over ssl:" \
        wait_until 15 replicating_ssl "$n" nb node1
    check "$n SB replicates from node1 over ssl:" \
        wait_until 15 replicating_ssl "$n" sb node1
done
expect_rc 8 "promoted monitor on node1" monitor_promoted node1

echo "# data written over ssl: arrives on the backups"
check "NB write over ssl: (ovn-nbctl)" ssl_nbctl ls-add tls-sw1
check "SB write over ssl: (ovn-sbctl)" \
    ssl_sbctl chassis-add tls-ch1 geneve 127.0.0.1
for n in node2 node3; do
    check "$n has the NB row" wait_until 15 has_switch "$n" tls-sw1
    check "$n has the SB row" wait_until 15 has_chassis "$n" tls-ch1
    expect_rc 0 "unpromoted monitor on $n" monitor_unpromoted "$n"
    check "$n in sync: score 5" test "$(score "$n")" = 5
done

echo "# the SSL table's ssl_protocols is enforced"
# OVS 3.1 does not know the name TLSv1.3 (later versions do): the table
# allows TLSv1.2 only, and a client offering only TLSv1.3 is refused.
check "before: a TLSv1.3-only client connects" connects tls1_3 "$NB_PORT"
check "set-ssl with ssl_protocols=TLSv1.2 (NB, on the active)" \
    nbctl node1 set-ssl "$PKI/node1-key.pem" "$PKI/node1-cert.pem" "$CA" \
    TLSv1.2
check "set-ssl with ssl_protocols=TLSv1.2 (SB, on the active)" \
    sbctl node1 set-ssl "$PKI/node1-key.pem" "$PKI/node1-cert.pem" "$CA" \
    TLSv1.2
check "NB: a TLSv1.3-only client fails the handshake (protocol version)" \
    wait_until 10 refused_protocol tls1_3 "$NB_PORT"
check "SB: a TLSv1.3-only client fails the handshake (protocol version)" \
    wait_until 10 refused_protocol tls1_3 "$SB_PORT"
check "NB: a TLSv1.2 client connects" connects tls1_2 "$NB_PORT"
check "SB: a TLSv1.2 client connects" connects tls1_2 "$SB_PORT"
check "an OVSDB client writes over ssl: (TLSv1.2)" ssl_nbctl ls-add tls-sw2
ssl_table_replicated() {
    [ "$(nbctl "$1" --bare --columns=ssl_protocols list SSL 2>/dev/null)" \
      = TLSv1.2 ] \
        && [ "$(sbctl "$1" --bare --columns=ssl_protocols list SSL \
                2>/dev/null)" = TLSv1.2 ]
}
for n in node2 node3; do
    check "$n's copy has the SSL row (TLSv1.2)" \
        wait_until 15 ssl_table_replicated "$n"
    check "$n still replicates NB over ssl: (TLSv1.2)" \
        wait_until 15 has_switch "$n" tls-sw2
done

echo "# switchover node1 -> node2 over ssl:, a writer committing over ssl:"
writer_start
check "the writer commits over ssl:" wait_until 20 acked_at_least 10
before=$(acked_count)
N_DEMOTE=node1 N_PROMOTE=node2 N_PROMOTED=node1 N_UNPROMOTED="node2 node3"
check "VIP removed from node1" vip_del node1
notify_all pre demote
expect_rc 0 "demote node1" agent node1 demote
notify_all post demote
notify_all pre promote
expect_rc 0 "promote node2" agent node2 promote
notify_all post promote
check "VIP added on node2" vip_add node2
N_DEMOTE=" " N_PROMOTE=" " N_PROMOTED=node2 N_UNPROMOTED="node1 node3"
check "node2 listens on pssl:" wait_until 10 listens_pssl node2
check "writes resume on node2 over ssl:" \
    wait_until 20 acked_at_least $((before + 10))
for n in node1 node3; do
    check "$n NB replicates from node2 over ssl:" \
        wait_until 15 replicating_ssl "$n" nb node2
    check "$n SB replicates from node2 over ssl:" \
        wait_until 15 replicating_ssl "$n" sb node2
done
check "node2 refuses a TLSv1.3-only client too (replicated SSL row)" \
    wait_until 10 refused_protocol tls1_3 "$NB_PORT"
check "writer paused (no write in flight)" writer_pause
echo "# $(acked_count) writes acknowledged over ssl: so far"
for n in $NODES; do
    check "every acknowledged write is on $n" \
        wait_until 20 has_every_acked "$n"
done
expect_rc 8 "promoted monitor on node2" monitor_promoted node2
for n in node1 node3; do
    expect_rc 0 "unpromoted monitor on $n" monitor_unpromoted "$n"
done
writer_resume

echo "# failover: kill -9 node2's servers, promote node3, over ssl:"
check "the writer commits again" wait_until 20 acked_at_least \
    $(( $(acked_count) + 10 ))
# Asynchronous replication: the writes the backups hold when the servers
# die are those that must survive.  Pause, see them everywhere, kill.
check "writer paused before the crash" writer_pause
for n in node1 node3; do
    check "$n holds every acknowledged write before the crash" \
        wait_until 20 has_every_acked "$n"
done
crash_acked=$(acked_count)
kill -9 "$(pid_of node2 nb)" "$(pid_of node2 sb)"
writer_resume
servers_dead() {
    [ -z "$(pid_of "$1" nb)$(pid_of "$1" sb)" ]
}
check "node2's servers are dead" wait_until 10 servers_dead node2
expect_rc 9 "promoted monitor on node2: failed" monitor_promoted node2
check "VIP removed from node2" vip_del node2
N_DEMOTE=node2
notify_all pre demote
expect_rc 7 "demote node2: not running" agent node2 demote
check "reason: neither server runs" reason_has node2 \
    "neither ovsdb-server is running"
notify_all post demote
N_DEMOTE=" " N_STOP=node2
notify_all pre stop
expect_rc 0 "stop node2" agent node2 stop
notify_all post stop
N_STOP=" " N_PROMOTED=" " N_ACTIVE="node1 node3" N_UNPROMOTED="node1 node3"
expect_rc 0 "promote node3" promote_node node3
check "VIP added on node3" vip_add node3
N_PROMOTED=node3 N_UNPROMOTED=node1
check "node3 listens on pssl:" wait_until 10 listens_pssl node3
check "writes resume on node3 over ssl:" \
    wait_until 20 acked_at_least $((crash_acked + 10))
check "node1 NB replicates from node3 over ssl:" \
    wait_until 15 replicating_ssl node1 nb node3
check "node1 SB replicates from node3 over ssl:" \
    wait_until 15 replicating_ssl node1 sb node3
N_START=node2
notify_all pre start
expect_rc 0 "node2 starts again as a backup" agent node2 start
notify_all post start
N_START=" " N_ACTIVE="node1 node2 node3" N_UNPROMOTED="node1 node2"
check "node2 NB replicates from node3 over ssl:" \
    wait_until 15 replicating_ssl node2 nb node3
check "node2 SB replicates from node3 over ssl:" \
    wait_until 15 replicating_ssl node2 sb node3
writer_stop
echo "# $(acked_count) writes acknowledged over ssl: in all," \
    "$crash_acked before the crash"
for n in $NODES; do
    check "no acknowledged write lost on $n" \
        wait_until 20 has_every_acked "$n"
    echo "#   $n lacks $(missing_on "$n") of them"
done
check "node3 still has the first SB row" has_chassis node3 tls-ch1
expect_rc 8 "promoted monitor on node3" monitor_promoted node3
for n in node1 node2; do
    expect_rc 0 "unpromoted monitor on $n" monitor_unpromoted "$n"
done

echo "# stop everything"
for n in $NODES; do
    expect_rc 0 "stop $n" agent "$n" stop
done
no_server_left() {
    local n
    for n in $NODES; do
        servers_dead "$n" || return 1
    done
}
check "no server left" no_server_left
writer_stop
kill_all
delete_namespaces
check "namespaces deleted" test "$(my_namespaces)" = 0
check "still no address of $SUBNET.0/24 in the root namespace" root_ns_clean
echo "# tls.sh took $(( $(date +%s) - T_START )) s"
if [ "$TESTS_FAILED" != 0 ]; then
    echo "# agent log (last lines):"
    tail -n 20 "$TMP/agent.log" 2>/dev/null | sed 's/^/#   /'
fi
summary
