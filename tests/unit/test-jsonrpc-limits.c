/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the bounds of helper/jsonrpc.c against a hostile TCP peer
 * (what answers at master_ip may be anything): a huge reply costs neither
 * memory nor the whole deadline, and a flood of messages cannot stretch a
 * call past its deadline. */
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "jsonrpc.h"

enum peer_mode {
    PEER_HUGE_ARRAY,            /* A 60 MB array as the reply. */
    PEER_FLOOD,                 /* Endless small notifications. */
};

struct peer {
    pid_t pid;
    int port;
};

/* Sends all of 'data'; returns false once the client is gone. */
static bool
send_all(int fd, const char *data, size_t size)
{
    while (size) {
        ssize_t n = send(fd, data, size, MSG_NOSIGNAL);

        if (n <= 0) {
            return false;
        }
        data += n;
        size -= (size_t) n;
    }
    return true;
}

static void
peer_run(int lfd, enum peer_mode mode)
{
    static char block[1024 * 1024];
    char req[4096];
    int fd = accept(lfd, NULL, NULL);
    int i;

    if (fd < 0 || recv(fd, req, sizeof req, 0) <= 0) {
        _exit(1);
    }
    if (mode == PEER_HUGE_ARRAY) {
        /* {"id":0,"result":[0,0,0,...]}: about 60 MB of tiny elements,
         * the costliest tree per byte for jansson. */
        for (i = 0; i + 1 < (int) sizeof block; i += 2) {
            block[i] = '0';
            block[i + 1] = ',';
        }
        if (!send_all(fd, "{\"id\":0,\"result\":[", 18)) {
            _exit(0);
        }
        for (i = 0; i < 60; i++) {
            if (!send_all(fd, block, sizeof block)) {
                _exit(0);
            }
        }
        send_all(fd, "0]}", 3);
    } else {
        static const char note[] =
            "{\"id\":null,\"method\":\"update\",\"params\":[]}";

        /* Bounded too: 10 s, well past the client's 1 s deadline. */
        long long until = clock_mono_ms() + 10000;

        while (clock_mono_ms() < until && send_all(fd, note,
                                                   sizeof note - 1)) {
            continue;
        }
    }
    close(fd);
    _exit(0);
}

static void
peer_start(struct peer *p, enum peer_mode mode)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof sin;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(lfd >= 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *) &sin, sizeof sin), 0);
    assert_int_equal(listen(lfd, 1), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *) &sin, &len), 0);
    p->port = ntohs(sin.sin_port);
    p->pid = fork();
    assert_true(p->pid >= 0);
    if (!p->pid) {
        peer_run(lfd, mode);
    }
    close(lfd);
}

static void
peer_stop(struct peer *p)
{
    int status;

    kill(p->pid, SIGKILL);
    assert_int_equal(waitpid(p->pid, &status, 0), p->pid);
}

static long
max_rss_kib(void)
{
    struct rusage ru;

    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

/* A 60 MB reply from a TCP peer: EMSGSIZE at once, memory bounded. */
static void
test_huge_reply(void **state)
{
    struct jsonrpc_conn *conn;
    json_t *result, *error;
    long before = max_rss_kib();
    long long start;
    struct peer p;

    (void) state;
    peer_start(&p, PEER_HUGE_ARRAY);
    assert_int_equal(jsonrpc_open_tcp("127.0.0.1", p.port,
                                      deadline_after(2000), &conn), 0);
    start = clock_mono_ms();
    assert_int_equal(jsonrpc_call(conn, "get_server_id", NULL,
                                  deadline_after(10000), &result, &error),
                     EMSGSIZE);
    assert_null(result);
    assert_null(error);
    /* It gave up after the first KiBs, not at the deadline. */
    assert_true(clock_mono_ms() - start < 2000);
    /* And it never held more than a few MiB for it. */
    assert_true(max_rss_kib() - before < 16 * 1024);
    jsonrpc_close(conn);
    peer_stop(&p);
}

/* A peer flooding notifications: the call ends at its deadline. */
static void
test_flood(void **state)
{
    struct jsonrpc_conn *conn;
    json_t *result, *error;
    long long start, took;
    struct peer p;

    (void) state;
    peer_start(&p, PEER_FLOOD);
    assert_int_equal(jsonrpc_open_tcp("127.0.0.1", p.port,
                                      deadline_after(2000), &conn), 0);
    start = clock_mono_ms();
    assert_int_equal(jsonrpc_call(conn, "get_server_id", NULL,
                                  deadline_after(1000), &result, &error),
                     ETIMEDOUT);
    took = clock_mono_ms() - start;
    assert_true(took >= 1000);
    assert_true(took < 1500);
    jsonrpc_close(conn);
    peer_stop(&p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_huge_reply),
        cmocka_unit_test(test_flood),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
