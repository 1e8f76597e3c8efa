/* SPDX-License-Identifier: Apache-2.0 */
/* Stream sockets bounded in time: connecting to a Unix socket or to a TCP
 * address (an IPv4 or IPv6 literal, never a name to resolve), and waiting
 * for one to be ready, each before an absolute deadline (deadline.h). */
#ifndef SOCK_H
#define SOCK_H 1

/* Connects a non-blocking, close-on-exec stream socket to the Unix socket
 * at 'path' before 'deadline'.  Returns 0 and the socket in '*fdp', or a
 * positive errno value (ETIMEDOUT if the deadline passed, ENAMETOOLONG for
 * a path too long for a socket address) and -1 in '*fdp'. */
int sock_connect_unix(const char *path, long long deadline, int *fdp);

/* Connects likewise over TCP to 'host' (an IPv4 or IPv6 literal, without
 * brackets) on 'port'.  EINVAL for anything else. */
int sock_connect_tcp(const char *host, int port, long long deadline,
                     int *fdp);

/* Waits until 'fd' is ready for the poll() 'events' (or has an error or a
 * hang-up, which the next I/O call reports).  Returns 0, ETIMEDOUT if
 * 'deadline' passes first, or another positive errno value. */
int sock_wait(int fd, short events, long long deadline);

#endif /* sock.h */
