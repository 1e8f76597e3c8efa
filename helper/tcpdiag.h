/* SPDX-License-Identifier: Apache-2.0 */
/* What the kernel knows about a process's TCP connection to a peer: how
 * long ago data last arrived on it (tcp_info's last_data_recv), read
 * through NETLINK_SOCK_DIAG like "ss -ti" does, without touching the
 * process.  Used to see a backup's replication session that silently
 * stopped passing packets while its state still says "replicating". */
#ifndef TCPDIAG_H
#define TCPDIAG_H 1

#include <stddef.h>
#include <sys/types.h>

/* Most bytes of netlink replies read for one query. */
#define TCPDIAG_MAX_BYTES (4 * 1024 * 1024)

/* Most descriptors of a process looked at. */
#define TCPDIAG_MAX_FDS 65536

/* Room for a connection as text (see tcpdiag_conn_format()). */
#define TCPDIAG_CONN_TEXT_MAX 128

/* One TCP connection, as the kernel names it: enough to ask for it alone
 * later, without a dump of every connection of the namespace (a dump walks
 * the kernel's whole established hash table: about a millisecond on a
 * machine with much memory, whatever the number of connections). */
struct tcpdiag_conn {
    unsigned long inode;        /* Its socket's inode; 0: none. */
    int family;                 /* AF_INET or AF_INET6. */
    unsigned char src[16];      /* The local end. */
    unsigned char dst[16];      /* The peer. */
    int sport;
    int dport;
};

/* Parses an OVSDB active remote "tcp:ADDR:PORT" or "ssl:ADDR:PORT" (IPv6
 * in brackets) into 'addr' (a literal, 'size' bytes) and '*port'.  Pure.
 * Returns 0, or EINVAL for anything else (a unix socket, a name). */
int tcpdiag_parse_remote(const char *remote, char *addr, size_t size,
                         int *port);

/* Finds the established TCP connections of process 'pid' to 'remote' (as
 * tcpdiag_parse_remote() reads it) and sets '*idle_ms' to the shortest
 * time since data last arrived on one of them, and '*conn' (if not NULL)
 * to that connection.  Returns 0, ENOENT if there is no such connection,
 * or another positive errno value; gives up at 'deadline' (monotonic ms)
 * with ETIMEDOUT. */
int tcpdiag_idle_ms(pid_t pid, const char *remote, long long deadline,
                    struct tcpdiag_conn *conn, long long *idle_ms);

/* Asks the kernel for connection 'conn' alone (one lookup by its ends, no
 * dump) and sets '*idle_ms' as tcpdiag_idle_ms() does if the same socket
 * ('conn->inode') is still established and still goes to 'remote'.
 * Returns 0, ENOENT if it is not (closed, replaced, another peer), or
 * another positive errno value.  It does not look at who owns the socket:
 * the caller found it owned by its process with tcpdiag_idle_ms(). */
int tcpdiag_idle_known(const struct tcpdiag_conn *conn, const char *remote,
                       long long deadline, long long *idle_ms);

/* Writes 'conn' as one line of text "INODE SRC SPORT DST DPORT" into
 * 'buf' (TCPDIAG_CONN_TEXT_MAX bytes).  Pure. */
void tcpdiag_conn_format(const struct tcpdiag_conn *conn, char *buf,
                         size_t size);

/* Reads what tcpdiag_conn_format() wrote (up to the end of 'text' or a
 * newline) into '*conn'.  Pure.  Returns 0 or EINVAL. */
int tcpdiag_conn_parse(const char *text, struct tcpdiag_conn *conn);

#endif /* tcpdiag.h */
