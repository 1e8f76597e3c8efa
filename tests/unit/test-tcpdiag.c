/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/tcpdiag.c, on real loopback TCP connections of
 * this process (the kernel's own tcp_info, through NETLINK_SOCK_DIAG). */
#include "unit.h"
#include "tcpdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

static void
test_parse_remote(void **state)
{
    static const struct {
        const char *remote;
        int error;
        const char *addr;
        int port;
    } cases[] = {
        { .remote = "tcp:198.51.100.1:6641", .addr = "198.51.100.1",
          .port = 6641 },
        { .remote = "ssl:127.0.0.1:6642", .addr = "127.0.0.1",
          .port = 6642 },
        { .remote = "tcp:[2001:db8::1]:6641", .addr = "2001:db8::1",
          .port = 6641 },
        { .remote = "tcp:[::1]:1", .addr = "::1", .port = 1 },
        { .remote = "unix:/run/ovn/ovnnb_db.sock", .error = EINVAL },
        { .remote = "tcp:127.0.0.1", .error = EINVAL },
        { .remote = "tcp:127.0.0.1:", .error = EINVAL },
        { .remote = "tcp:127.0.0.1:0", .error = EINVAL },
        { .remote = "tcp:127.0.0.1:65536", .error = EINVAL },
        { .remote = "tcp:127.0.0.1:66x", .error = EINVAL },
        { .remote = "tcp:2001:db8::1:6641", .error = EINVAL },
        { .remote = "tcp:[2001:db8::1:6641", .error = EINVAL },
        { .remote = "tcp::6641", .error = EINVAL },
        { .remote = "ptcp:6641:127.0.0.1", .error = EINVAL },
        { .remote = "", .error = EINVAL },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char addr[64] = "";
        int port = -1;
        int error = tcpdiag_parse_remote(cases[i].remote, addr, sizeof addr,
                                         &port);

        if (error != cases[i].error) {
            fail_msg("%s: error %d, expected %d", cases[i].remote, error,
                     cases[i].error);
        }
        if (!error) {
            assert_string_equal(addr, cases[i].addr);
            assert_int_equal(port, cases[i].port);
        }
    }
}

/* A listening socket on 127.0.0.1, its port in '*port'. */
static int
listen_loopback(int *port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    socklen_t len = sizeof sin;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *) &sin, sizeof sin), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
    *port = ntohs(sin.sin_port);
    return fd;
}

static int
connect_loopback(int port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
        .sin_port = htons(port),
    };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *) &sin, sizeof sin), 0);
    return fd;
}

/* Waits (bounded) until data is readable on 'fd' and reads it. */
static void
drain(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    char buf[64];

    assert_int_equal(poll(&p, 1, 2000), 1);
    assert_true(read(fd, buf, sizeof buf) > 0);
}

/* A loopback connection of this process: its listener, its two ends, and
 * the remote "tcp:127.0.0.1:PORT" the client end goes to. */
struct pair {
    int lfd, cfd, afd, port;
    char remote[64];
};

/* Opens 'p'; one byte has just arrived on its client end. */
static void
pair_open(struct pair *p)
{
    p->lfd = listen_loopback(&p->port);
    p->cfd = connect_loopback(p->port);
    p->afd = accept(p->lfd, NULL, NULL);
    assert_true(p->afd >= 0);
    snprintf(p->remote, sizeof p->remote, "tcp:127.0.0.1:%d", p->port);
    assert_int_equal(write(p->afd, "x", 1), 1);
    drain(p->cfd);
}

static void
pair_close(struct pair *p)
{
    close(p->cfd);
    close(p->afd);
    close(p->lfd);
}

/* tcpdiag_idle_ms() of this process's connection to 'remote'. */
static long long
idle_of(const char *remote, struct tcpdiag_conn *conn)
{
    long long idle = -1;

    assert_int_equal(tcpdiag_idle_ms(getpid(), remote,
                                     clock_mono_ms() + 2000, conn, &idle),
                     0);
    assert_true(idle >= 0);
    return idle;
}

static void
test_idle_of_own_connection(void **state)
{
    long long idle, idle2 = -1, end;
    struct pair p;

    (void) state;
    pair_open(&p);

    /* Data just arrived: idle for (almost) no time. */
    idle = idle_of(p.remote, NULL);
    assert_true(idle < 1000);

    /* Nothing arrives: the idle time grows (polled, at most 5 s). */
    end = clock_mono_ms() + 5000;
    do {
        idle2 = idle_of(p.remote, NULL);
        if (idle2 >= idle + 300) {
            break;
        }
        poll(NULL, 0, 50);
    } while (clock_mono_ms() < end);
    assert_true(idle2 >= idle + 300);

    /* Data again: idle drops. */
    assert_int_equal(write(p.afd, "y", 1), 1);
    drain(p.cfd);
    assert_true(idle_of(p.remote, NULL) < idle2);

    /* Another process does not own this connection. */
    assert_int_equal(tcpdiag_idle_ms(1, p.remote, clock_mono_ms() + 2000,
                                     NULL, &idle), ENOENT);
    pair_close(&p);
}

/* The connection found once is asked for alone afterwards: the same
 * idle time, from the kernel's lookup by its ends, until it closes. */
static void
test_known_connection(void **state)
{
    struct tcpdiag_conn conn, other;
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    char text[TCPDIAG_CONN_TEXT_MAX];
    long long idle, known = -1, end;
    struct pair p;

    (void) state;
    pair_open(&p);

    /* The dump names the connection: this process's end and the peer. */
    memset(&conn, 0, sizeof conn);
    idle = idle_of(p.remote, &conn);
    assert_int_equal(getsockname(p.cfd, (struct sockaddr *) &sin, &len), 0);
    assert_true(conn.inode != 0);
    assert_int_equal(conn.family, AF_INET);
    assert_int_equal(conn.sport, ntohs(sin.sin_port));
    assert_int_equal(conn.dport, p.port);
    assert_memory_equal(conn.src, &sin.sin_addr, 4);

    /* Asked for alone, it ages as the dump says it does. */
    end = clock_mono_ms() + 5000;
    do {
        assert_int_equal(tcpdiag_idle_known(&conn, p.remote,
                                             clock_mono_ms() + 2000, &known),
                         0);
        if (known >= idle + 300) {
            break;
        }
        poll(NULL, 0, 50);
    } while (clock_mono_ms() < end);
    assert_true(known >= idle + 300);
    assert_true(idle_of(p.remote, NULL) >= known);

    /* Its text reads back the same. */
    tcpdiag_conn_format(&conn, text, sizeof text);
    memset(&other, 0xff, sizeof other);
    assert_int_equal(tcpdiag_conn_parse(text, &other), 0);
    assert_int_equal(other.inode, conn.inode);
    assert_int_equal(other.family, conn.family);
    assert_memory_equal(other.src, conn.src, 4);
    assert_memory_equal(other.dst, conn.dst, 4);
    assert_int_equal(other.sport, conn.sport);
    assert_int_equal(other.dport, conn.dport);

    /* Another inode at the same ends, another peer: not this one. */
    other = conn;
    other.inode++;
    assert_int_equal(tcpdiag_idle_known(&other, p.remote,
                                        clock_mono_ms() + 2000, &known),
                     ENOENT);
    assert_int_equal(tcpdiag_idle_known(&conn, "tcp:127.0.0.2:1",
                                        clock_mono_ms() + 2000, &known),
                     ENOENT);

    /* Closed: gone (its end lingers, not established). */
    pair_close(&p);
    assert_int_equal(tcpdiag_idle_known(&conn, p.remote,
                                        clock_mono_ms() + 2000, &known),
                     ENOENT);
}

static void
test_conn_text(void **state)
{
    static const struct {
        const char *text;
        int error;
        int family;
        unsigned long inode;
        int sport, dport;
    } cases[] = {
        { .text = "17063219 198.51.100.11 46728 198.51.100.13 6641",
          .family = AF_INET, .inode = 17063219, .sport = 46728,
          .dport = 6641 },
        { .text = "5 198.51.100.11 1 198.51.100.13 65535\n",
          .family = AF_INET, .inode = 5, .sport = 1, .dport = 65535 },
        { .text = "9 ::1 40000 ::1 6642", .family = AF_INET6, .inode = 9,
          .sport = 40000, .dport = 6642 },
        { .text = "", .error = EINVAL },
        { .text = "0 198.51.100.11 1 198.51.100.13 2", .error = EINVAL },
        { .text = "-1 198.51.100.11 1 198.51.100.13 2", .error = EINVAL },
        { .text = "5 198.51.100.11 0 198.51.100.13 2", .error = EINVAL },
        { .text = "5 198.51.100.11 1 198.51.100.13 65536",
          .error = EINVAL },
        { .text = "5 198.51.100.11 1 198.51.100.13", .error = EINVAL },
        { .text = "5 198.51.100.11 1 198.51.100.13 2 x", .error = EINVAL },
        { .text = "5 no.such 1 198.51.100.13 2", .error = EINVAL },
        { .text = "5 198.51.100.11 1 ::1 2", .error = EINVAL },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tcpdiag_conn conn;
        char text[TCPDIAG_CONN_TEXT_MAX], again[TCPDIAG_CONN_TEXT_MAX];
        int error = tcpdiag_conn_parse(cases[i].text, &conn);

        assert_int_equal(error, cases[i].error);
        if (error) {
            continue;
        }
        assert_int_equal(conn.family, cases[i].family);
        assert_int_equal(conn.inode, cases[i].inode);
        assert_int_equal(conn.sport, cases[i].sport);
        assert_int_equal(conn.dport, cases[i].dport);
        /* Written and read again: the same text. */
        tcpdiag_conn_format(&conn, text, sizeof text);
        assert_int_equal(strncmp(text, cases[i].text, strlen(text)), 0);
        assert_int_equal(tcpdiag_conn_parse(text, &conn), 0);
        tcpdiag_conn_format(&conn, again, sizeof again);
        assert_string_equal(again, text);
    }
}

static void
test_no_connection(void **state)
{
    long long idle = 12345;
    int lfd, port;
    char remote[64];

    (void) state;
    /* A port something listens on, but no connection to it. */
    lfd = listen_loopback(&port);
    snprintf(remote, sizeof remote, "tcp:127.0.0.1:%d", port);
    assert_int_equal(tcpdiag_idle_ms(getpid(), remote,
                                     clock_mono_ms() + 2000, NULL, &idle),
                     ENOENT);
    assert_int_equal(idle, 12345);
    assert_int_equal(tcpdiag_idle_ms(getpid(), "unix:/nonexistent",
                                     clock_mono_ms() + 2000, NULL, &idle),
                     EINVAL);
    assert_int_equal(tcpdiag_idle_ms(getpid(), "tcp:no.such.name:1",
                                     clock_mono_ms() + 2000, NULL, &idle),
                     EINVAL);
    /* A spent deadline gives up at once. */
    assert_int_equal(tcpdiag_idle_ms(getpid(), remote, clock_mono_ms() - 1,
                                     NULL, &idle), ETIMEDOUT);
    close(lfd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_remote),
        cmocka_unit_test(test_idle_of_own_connection),
        cmocka_unit_test(test_known_connection),
        cmocka_unit_test(test_conn_text),
        cmocka_unit_test(test_no_connection),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
