/* SPDX-License-Identifier: Apache-2.0 */
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "deadline.h"

static int sock_connect(int family, const struct sockaddr *sa,
                        socklen_t sa_len, long long deadline, int *fdp);

int
sock_connect_unix(const char *path, long long deadline, int *fdp)
{
    struct sockaddr_un sun;
    size_t path_len;

    *fdp = -1;
    if (!path) {
        return EINVAL;
    }
    path_len = strlen(path);
    if (!path_len) {
        return EINVAL;
    }
    if (path_len >= sizeof sun.sun_path) {
        return ENAMETOOLONG;
    }

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, path, path_len + 1);
    return sock_connect(AF_UNIX, (const struct sockaddr *) &sun,
                        (socklen_t) (offsetof(struct sockaddr_un, sun_path)
                                     + path_len + 1),
                        deadline, fdp);
}

int
sock_connect_tcp(const char *host, int port, long long deadline, int *fdp)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;

    *fdp = -1;
    if (!host || port <= 0 || port > 65535) {
        return EINVAL;
    }

    memset(&sin, 0, sizeof sin);
    if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t) port);
        return sock_connect(AF_INET, (const struct sockaddr *) &sin,
                            sizeof sin, deadline, fdp);
    }

    memset(&sin6, 0, sizeof sin6);
    if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t) port);
        return sock_connect(AF_INET6, (const struct sockaddr *) &sin6,
                            sizeof sin6, deadline, fdp);
    }

    return EINVAL;
}

/* Creates a non-blocking stream socket of 'family' and connects it to 'sa'
 * before 'deadline'.  Returns 0 and the socket in '*fdp', or a positive
 * errno value. */
static int
sock_connect(int family, const struct sockaddr *sa, socklen_t sa_len,
             long long deadline, int *fdp)
{
    int error;
    int fd;

    *fdp = -1;
    fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }

    for (;;) {
        if (!connect(fd, sa, sa_len)) {
            error = 0;
            break;
        }
        error = errno;
        if (error == EINPROGRESS || error == EINTR) {
            /* The connection proceeds in the background (an interrupted
             * connect() does too).  Wait for it, then fetch its outcome. */
            socklen_t len = sizeof error;

            error = sock_wait(fd, POLLOUT, deadline);
            if (!error
                && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
                error = errno;
            }
            break;
        } else if (error == EAGAIN && family == AF_UNIX) {
            /* The listener's backlog is full.  Linux does not queue a
             * non-blocking Unix connect, so retry until the deadline. */
            if (deadline_expired(deadline)) {
                error = ETIMEDOUT;
                break;
            }
            deadline_sleep(10, deadline);
        } else {
            break;
        }
    }
    if (error) {
        close(fd);
        return error;
    }
    *fdp = fd;
    return 0;
}

int
sock_wait(int fd, short events, long long deadline)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = events };
        int n = poll(&pfd, 1, deadline_left(deadline));

        if (n > 0) {
            return 0;
        } else if (!n) {
            if (deadline_expired(deadline)) {
                return ETIMEDOUT;
            }
        } else if (errno != EINTR) {
            return errno;
        }
    }
}
