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

static void
test_idle_of_own_connection(void **state)
{
    char remote[64];
    long long idle = -1, idle2 = -1, end;
    int lfd, port, cfd, afd;

    (void) state;
    lfd = listen_loopback(&port);
    cfd = connect_loopback(port);
    afd = accept(lfd, NULL, NULL);
    assert_true(afd >= 0);
    snprintf(remote, sizeof remote, "tcp:127.0.0.1:%d", port);

    /* Data just arrived: idle for (almost) no time. */
    assert_int_equal(write(afd, "x", 1), 1);
    drain(cfd);
    assert_int_equal(tcpdiag_idle_ms(getpid(), remote,
                                     clock_mono_ms() + 2000, &idle), 0);
    assert_true(idle >= 0 && idle < 1000);

    /* Nothing arrives: the idle time grows (polled, at most 5 s). */
    end = clock_mono_ms() + 5000;
    do {
        assert_int_equal(tcpdiag_idle_ms(getpid(), remote,
                                         clock_mono_ms() + 2000, &idle2),
                         0);
        if (idle2 >= idle + 300) {
            break;
        }
        poll(NULL, 0, 50);
    } while (clock_mono_ms() < end);
    assert_true(idle2 >= idle + 300);

    /* Data again: idle drops. */
    assert_int_equal(write(afd, "y", 1), 1);
    drain(cfd);
    assert_int_equal(tcpdiag_idle_ms(getpid(), remote,
                                     clock_mono_ms() + 2000, &idle), 0);
    assert_true(idle < idle2);

    /* Another process does not own this connection. */
    assert_int_equal(tcpdiag_idle_ms(1, remote, clock_mono_ms() + 2000,
                                     &idle), ENOENT);
    close(cfd);
    close(afd);
    close(lfd);
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
                                     clock_mono_ms() + 2000, &idle), ENOENT);
    assert_int_equal(idle, 12345);
    assert_int_equal(tcpdiag_idle_ms(getpid(), "unix:/nonexistent",
                                     clock_mono_ms() + 2000, &idle), EINVAL);
    assert_int_equal(tcpdiag_idle_ms(getpid(), "tcp:no.such.name:1",
                                     clock_mono_ms() + 2000, &idle), EINVAL);
    /* A spent deadline gives up at once. */
    assert_int_equal(tcpdiag_idle_ms(getpid(), remote, clock_mono_ms() - 1,
                                     &idle), ETIMEDOUT);
    close(lfd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_remote),
        cmocka_unit_test(test_idle_of_own_connection),
        cmocka_unit_test(test_no_connection),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
