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

/* Parses an OVSDB active remote "tcp:ADDR:PORT" or "ssl:ADDR:PORT" (IPv6
 * in brackets) into 'addr' (a literal, 'size' bytes) and '*port'.  Pure.
 * Returns 0, or EINVAL for anything else (a unix socket, a name). */
int tcpdiag_parse_remote(const char *remote, char *addr, size_t size,
                         int *port);

/* Finds the established TCP connections of process 'pid' to 'remote' (as
 * tcpdiag_parse_remote() reads it) and sets '*idle_ms' to the shortest
 * time since data last arrived on one of them.  Returns 0, ENOENT if there
 * is no such connection, or another positive errno value; gives up at
 * 'deadline' (monotonic ms) with ETIMEDOUT. */
int tcpdiag_idle_ms(pid_t pid, const char *remote, long long deadline,
                    long long *idle_ms);

#endif /* tcpdiag.h */
