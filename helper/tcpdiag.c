/* SPDX-License-Identifier: Apache-2.0 */
#include "tcpdiag.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"

/* Most connections to the peer remembered from one query. */
#define TCPDIAG_MAX_MATCHES 16

/* The kernel's TCP_ESTABLISHED state number. */
#define TCPDIAG_ESTABLISHED 1

struct tcpdiag_match {
    struct tcpdiag_conn conn;
    long long idle_ms;
};

static int tcpdiag_remote(const char *remote, int *family,
                          unsigned char addr[16], int *port);
static int tcpdiag_query(const struct tcpdiag_conn *one, int family,
                         const void *addr, int port, long long deadline,
                         struct tcpdiag_match *m, int *n);
static int tcpdiag_owned(pid_t pid, const struct tcpdiag_match *m, int n,
                         long long deadline, int *best);

int
tcpdiag_parse_remote(const char *remote, char *addr, size_t size, int *port)
{
    const char *p, *colon;
    char *end;
    size_t len;
    long v;

    if (strncmp(remote, "tcp:", 4) && strncmp(remote, "ssl:", 4)) {
        return EINVAL;
    }
    p = remote + 4;
    if (*p == '[') {
        const char *close = strchr(p, ']');

        if (!close || close[1] != ':') {
            return EINVAL;
        }
        len = close - (p + 1);
        p++;
        colon = close + 1;
    } else {
        colon = strrchr(p, ':');
        if (!colon || memchr(p, ':', colon - p)) {
            return EINVAL;
        }
        len = colon - p;
    }
    if (!len || len >= size) {
        return EINVAL;
    }
    memcpy(addr, p, len);
    addr[len] = '\0';
    errno = 0;
    v = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || v <= 0 || v > 65535) {
        return EINVAL;
    }
    *port = v;
    return 0;
}

int
tcpdiag_idle_ms(pid_t pid, const char *remote, long long deadline,
                struct tcpdiag_conn *conn, long long *idle_ms)
{
    struct tcpdiag_match m[TCPDIAG_MAX_MATCHES];
    unsigned char bin[16];
    int port, family, n = 0, best = 0, error;

    error = tcpdiag_remote(remote, &family, bin, &port);
    if (!error) {
        error = tcpdiag_query(NULL, family, bin, port, deadline, m, &n);
    }
    if (!error && !n) {
        error = ENOENT;
    }
    if (!error) {
        error = tcpdiag_owned(pid, m, n, deadline, &best);
    }
    if (error) {
        return error;
    }
    *idle_ms = m[best].idle_ms;
    if (conn) {
        *conn = m[best].conn;
    }
    return 0;
}

int
tcpdiag_idle_known(const struct tcpdiag_conn *conn, const char *remote,
                   long long deadline, long long *idle_ms)
{
    struct tcpdiag_match m[1];
    unsigned char bin[16];
    int port, family, n = 0, error;

    error = tcpdiag_remote(remote, &family, bin, &port);
    if (error) {
        return error;
    }
    if (!conn->inode || conn->family != family || conn->dport != port
        || memcmp(conn->dst, bin, family == AF_INET ? 4 : 16)) {
        return ENOENT;
    }
    error = tcpdiag_query(conn, family, bin, port, deadline, m, &n);
    if (error) {
        return error;
    }
    if (!n || m[0].conn.inode != conn->inode) {
        return ENOENT;
    }
    *idle_ms = m[0].idle_ms;
    return 0;
}

void
tcpdiag_conn_format(const struct tcpdiag_conn *conn, char *buf, size_t size)
{
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

    if (!inet_ntop(conn->family, conn->src, src, sizeof src)
        || !inet_ntop(conn->family, conn->dst, dst, sizeof dst)) {
        snprintf(buf, size, "0 - 0 - 0");
        return;
    }
    snprintf(buf, size, "%lu %s %d %s %d", conn->inode, src, conn->sport,
             dst, conn->dport);
}

int
tcpdiag_conn_parse(const char *text, struct tcpdiag_conn *conn)
{
    char src[INET6_ADDRSTRLEN + 1], dst[INET6_ADDRSTRLEN + 1], tail;
    unsigned long inode;
    int sport, dport, family, got;

    /* "%46s": INET6_ADDRSTRLEN is 46. */
    got = sscanf(text, "%lu %46s %d %46s %d%c", &inode, src, &sport, dst,
                 &dport, &tail);
    if (got < 5 || (got == 6 && tail != '\n') || text[0] == '-' || !inode
        || sport <= 0 || sport > 65535 || dport <= 0 || dport > 65535) {
        return EINVAL;
    }
    memset(conn, 0, sizeof *conn);
    family = strchr(src, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(family, src, conn->src) != 1
        || inet_pton(family, dst, conn->dst) != 1) {
        return EINVAL;
    }
    conn->inode = inode;
    conn->family = family;
    conn->sport = sport;
    conn->dport = dport;
    return 0;
}

/* Reads 'remote' into its family, binary address and port. */
static int
tcpdiag_remote(const char *remote, int *family, unsigned char addr[16],
               int *port)
{
    char text[INET6_ADDRSTRLEN + 1];
    int error;

    error = tcpdiag_parse_remote(remote, text, sizeof text, port);
    if (error) {
        return error;
    }
    if (inet_pton(AF_INET, text, addr) == 1) {
        *family = AF_INET;
    } else if (inet_pton(AF_INET6, text, addr) == 1) {
        *family = AF_INET6;
    } else {
        return EINVAL;
    }
    return 0;
}

/* Sets SO_RCVTIMEO of 'fd' to what is left until 'deadline'.  Returns 0,
 * or ETIMEDOUT if nothing is left. */
static int
tcpdiag_timeout(int fd, long long deadline)
{
    long long left = deadline - clock_mono_ms();
    struct timeval tv;

    if (left <= 0) {
        return ETIMEDOUT;
    }
    tv.tv_sec = left / 1000;
    tv.tv_usec = (left % 1000) * 1000;
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)
           ? errno : 0;
}

/* Collects one inet_diag reply 'msg' of 'len' bytes into 'm' if it is an
 * established connection to 'addr' (of 'family') and port 'port'. */
static void
tcpdiag_collect(const struct inet_diag_msg *msg, size_t len, int family,
                const void *addr, int port, struct tcpdiag_match *m, int *n,
                int max)
{
    size_t alen = family == AF_INET ? 4 : 16;
    const struct rtattr *rta;
    size_t rlen;

    if (len < sizeof *msg || msg->idiag_family != family
        || msg->idiag_state != TCPDIAG_ESTABLISHED
        || memcmp(msg->id.idiag_dst, addr, alen)
        || ntohs(msg->id.idiag_dport) != port || *n >= max) {
        return;
    }
    rta = (const struct rtattr *) (msg + 1);
    rlen = len - NLMSG_ALIGN(sizeof *msg);
    for (; RTA_OK(rta, rlen); rta = RTA_NEXT(rta, rlen)) {
        struct tcpdiag_conn *c = &m[*n].conn;
        struct tcp_info ti;
        size_t got = RTA_PAYLOAD(rta);

        if (rta->rta_type != INET_DIAG_INFO) {
            continue;
        }
        memset(&ti, 0, sizeof ti);
        memcpy(&ti, RTA_DATA(rta), got < sizeof ti ? got : sizeof ti);
        if (got < offsetof(struct tcp_info, tcpi_last_data_recv)
                  + sizeof ti.tcpi_last_data_recv) {
            return;
        }
        memset(c, 0, sizeof *c);
        c->inode = msg->idiag_inode;
        c->family = family;
        memcpy(c->src, msg->id.idiag_src, alen);
        memcpy(c->dst, msg->id.idiag_dst, alen);
        c->sport = ntohs(msg->id.idiag_sport);
        c->dport = ntohs(msg->id.idiag_dport);
        m[*n].idle_ms = ti.tcpi_last_data_recv;
        (*n)++;
        return;
    }
}

/* Asks NETLINK_SOCK_DIAG for the established TCP connections of this
 * network namespace to 'addr' (of 'family') and port 'port': connection
 * 'one' alone if not NULL (one lookup, one reply), otherwise all of them
 * (a dump).  Keeps at most TCPDIAG_MAX_MATCHES in 'm'. */
static int
tcpdiag_query(const struct tcpdiag_conn *one, int family, const void *addr,
              int port, long long deadline, struct tcpdiag_match *m, int *n)
{
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 req;
    } q;
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
    static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
    int max = one ? 1 : TCPDIAG_MAX_MATCHES;
    size_t total = 0;
    int fd, error = 0;

    fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        return errno;
    }
    memset(&q, 0, sizeof q);
    q.nlh.nlmsg_len = sizeof q;
    q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    q.nlh.nlmsg_flags = NLM_F_REQUEST | (one ? 0 : NLM_F_DUMP);
    q.nlh.nlmsg_seq = 1;
    q.req.sdiag_family = family;
    q.req.sdiag_protocol = IPPROTO_TCP;
    q.req.idiag_states = 1u << TCPDIAG_ESTABLISHED;
    q.req.idiag_ext = 1u << (INET_DIAG_INFO - 1);
    q.req.id.idiag_dport = htons(port);
    q.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    q.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    if (one) {
        size_t alen = family == AF_INET ? 4 : 16;

        memcpy(q.req.id.idiag_src, one->src, alen);
        memcpy(q.req.id.idiag_dst, one->dst, alen);
        q.req.id.idiag_sport = htons(one->sport);
    }
    if (sendto(fd, &q, sizeof q, 0, (struct sockaddr *) &sa,
               sizeof sa) < 0) {
        error = errno;
        goto out;
    }
    for (;;) {
        const struct nlmsghdr *h;
        ssize_t got;
        size_t left;

        error = tcpdiag_timeout(fd, deadline);
        if (error) {
            goto out;
        }
        got = recv(fd, buf, sizeof buf, 0);
        if (got < 0) {
            error = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT
                    : errno;
            if (error == EINTR) {
                continue;
            }
            goto out;
        }
        if (got == 0) {
            error = EPROTO;
            goto out;
        }
        total += got;
        if (total > TCPDIAG_MAX_BYTES) {
            error = EMSGSIZE;
            goto out;
        }
        left = got;
        for (h = (const struct nlmsghdr *) buf; NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                goto out;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);

                error = h->nlmsg_len >= NLMSG_LENGTH(sizeof *e) && e->error
                        ? -e->error : EPROTO;
                goto out;
            }
            if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
                tcpdiag_collect(NLMSG_DATA(h), h->nlmsg_len
                                - NLMSG_LENGTH(0), family, addr, port, m, n,
                                max);
                if (one) {
                    /* A lookup has one reply and no NLMSG_DONE. */
                    goto out;
                }
            }
        }
    }
out:
    close(fd);
    /* A lookup of a connection that is gone is not an error. */
    return one && error == ENOENT ? 0 : error;
}

/* Returns the inode of socket link text 'link' ("socket:[N]"), or 0. */
static unsigned long
tcpdiag_inode(const char *link)
{
    unsigned long inode;
    char c;

    if (sscanf(link, "socket:[%lu%c", &inode, &c) != 2 || c != ']') {
        return 0;
    }
    return inode;
}

/* Sets '*best' to the index of the connection in 'm' with the smallest
 * idle time among those that 'pid' owns (one of its descriptors).
 * Returns 0 or ENOENT. */
static int
tcpdiag_owned(pid_t pid, const struct tcpdiag_match *m, int n,
              long long deadline, int *best)
{
    char dir[64], link[64];
    struct dirent *de;
    bool found = false;
    int dfd, seen = 0, error = 0;
    DIR *d;

    snprintf(dir, sizeof dir, "/proc/%ld/fd", (long) pid);
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0) {
        return errno;
    }
    d = fdopendir(dfd);
    if (!d) {
        error = errno;
        close(dfd);
        return error;
    }
    for (;;) {
        unsigned long inode;
        ssize_t len;
        int i;

        de = readdir(d);
        if (!de) {
            break;
        }
        if (++seen > TCPDIAG_MAX_FDS) {
            error = E2BIG;
            break;
        }
        if (!(seen % 256) && clock_mono_ms() >= deadline) {
            error = ETIMEDOUT;
            break;
        }
        if (de->d_name[0] == '.') {
            continue;
        }
        len = readlinkat(dfd, de->d_name, link, sizeof link - 1);
        if (len <= 0) {
            continue;
        }
        link[len] = '\0';
        inode = tcpdiag_inode(link);
        for (i = 0; inode && i < n; i++) {
            if (m[i].conn.inode == inode
                && (!found || m[i].idle_ms < m[*best].idle_ms)) {
                *best = i;
                found = true;
            }
        }
    }
    closedir(d);
    if (error) {
        return error;
    }
    return found ? 0 : ENOENT;
}
