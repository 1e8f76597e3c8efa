/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/jsonrpc.c.
 *
 * Most tests run the client against a scripted peer: the test listens on a
 * Unix (or 127.0.0.1 TCP) socket in a fresh temporary directory, forks a child
 * that accepts one connection and plays a script (read the request, check it,
 * send canned bytes), and calls the client in the parent.  The child never
 * uses cmocka; it reports failures on stderr and through its exit status,
 * which the parent asserts.  One test runs against a real ovsdb-server. */
#include "unit.h"
#include "unixctl.h"
#include "clock.h"
#include "jsonrpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "fixture.h"

/* How long the peer waits for any single event before giving up. */
#define PEER_WAIT_MS 10000

/* Per-test state. */
struct fixture {
    char dir[64];               /* Fresh temporary directory. */
    char path[128];             /* Socket path for the scripted peer. */
    pid_t peer_pid;             /* Scripted peer child, 0 if none. */
    struct fixture_server server;  /* Real ovsdb-server, pid 0 if none. */
};

/* A simple peer script: read one request, check it, send a reply. */
struct script {
    const char *method;         /* Expected method. */
    const char *params;         /* Expected params, as compact JSON text. */
    const char *reply;          /* Template for what to send, or NULL.  Every
                                 * "%ID%" becomes the request's id and every
                                 * "%ID+1%" that id plus one. */
    size_t chunk;               /* Bytes per write; 0 for one write. */
    int delay_ms;               /* Pause between writes. */
    bool hang_up;               /* Close right after sending instead of
                                 * waiting for the client to close. */
};

/* ---------------------------------------------------------------------- */
/* Peer side (runs in the forked child; never calls cmocka). */

static void peer_fail(const char *format, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#define PEER_CHECK(COND)                                                \
    do {                                                                \
        if (!(COND)) {                                                  \
            peer_fail("%s:%d: check failed: %s",                        \
                      __FILE__, __LINE__, #COND);                       \
        }                                                               \
    } while (0)

static void
peer_fail(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "peer: ");
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\n");
    _exit(1);
}

static void
peer_wait(int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };
    long long deadline = deadline_after(PEER_WAIT_MS);
    int n;

    do {
        n = poll(&pfd, 1, deadline_left(deadline));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        peer_fail("poll: %s", n ? strerror(errno) : "timed out");
    }
}

static void
peer_sleep(int ms)
{
    deadline_sleep(ms, deadline_after(ms));
}

/* Reads exactly one JSON object from 'fd', byte by byte so as never to read
 * past it.  Stores its text in '*rawp' if 'rawp' is nonnull. */
static json_t *
peer_read_json(int fd, char **rawp)
{
    static char buf[1024 * 1024];
    size_t len = 0;

    for (;;) {
        ssize_t n;
        char c;

        peer_wait(fd, POLLIN);
        n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0) {
            peer_fail("read: %s", strerror(errno));
        } else if (!n) {
            peer_fail("unexpected end of stream after %zu bytes", len);
        }
        if (!len && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
            continue;
        }
        PEER_CHECK(len < sizeof buf - 1);
        buf[len++] = c;
        if (c == '}' || c == ']') {
            json_t *json = json_loadb(buf, len, 0, NULL);

            if (json) {
                buf[len] = '\0';
                if (rawp) {
                    *rawp = strdup(buf);
                    PEER_CHECK(*rawp);
                }
                return json;
            }
        }
    }
}

/* Reads a request from 'fd', checks that it is exactly
 * {"id":<integer>,"method":'method',"params":'params'} and returns its id. */
static long long
peer_expect_request(int fd, const char *method, const char *params)
{
    char expected[4096];
    json_t *request;
    json_t *id_json;
    long long id;
    char *raw;

    request = peer_read_json(fd, &raw);
    id_json = json_object_get(request, "id");
    if (!json_is_integer(id_json)) {
        peer_fail("request id is not an integer: %s", raw);
    }
    id = json_integer_value(id_json);
    snprintf(expected, sizeof expected,
             "{\"id\":%lld,\"method\":\"%s\",\"params\":%s}",
             id, method, params);
    if (strcmp(raw, expected)) {
        peer_fail("expected request %s, got %s", expected, raw);
    }
    free(raw);
    json_decref(request);
    return id;
}

/* Reads a JSON object from 'fd' and checks that it equals 'expected'. */
static void
peer_expect_json(int fd, const char *expected)
{
    json_t *want = json_loads(expected, 0, NULL);
    json_t *got;
    char *raw;

    PEER_CHECK(want);
    got = peer_read_json(fd, &raw);
    if (!json_equal(got, want)) {
        peer_fail("expected %s, got %s", expected, raw);
    }
    json_decref(got);
    json_decref(want);
    free(raw);
}

/* Sends 'size' bytes of 'data'.  Returns 0 or an errno value. */
static int
peer_send_bytes(int fd, const char *data, size_t size)
{
    while (size) {
        ssize_t n = send(fd, data, size, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            } else if (errno == EAGAIN) {
                peer_wait(fd, POLLOUT);
                continue;
            }
            return errno;
        }
        data += n;
        size -= (size_t) n;
    }
    return 0;
}

/* Sends 'text' in writes of 'chunk' bytes (all at once if 0), pausing
 * 'delay_ms' between them. */
static void
peer_send(int fd, const char *text, size_t chunk, int delay_ms)
{
    size_t len = strlen(text);
    size_t ofs;

    if (!chunk) {
        chunk = len;
    }
    for (ofs = 0; ofs < len; ofs += chunk) {
        size_t n = len - ofs < chunk ? len - ofs : chunk;
        int error;

        if (ofs && delay_ms) {
            peer_sleep(delay_ms);
        }
        error = peer_send_bytes(fd, text + ofs, n);
        if (error) {
            peer_fail("send: %s", strerror(error));
        }
    }
}

/* Waits until the client closes the connection, without sending anything.
 * Fails if the client sends more data. */
static void
peer_expect_eof(int fd)
{
    char c;

    for (;;) {
        ssize_t n;

        peer_wait(fd, POLLIN);
        n = read(fd, &c, 1);
        if (!n || (n < 0 && errno == ECONNRESET)) {
            return;
        } else if (n > 0) {
            peer_fail("unexpected data '%c' instead of end of stream", c);
        } else if (errno != EINTR) {
            peer_fail("read: %s", strerror(errno));
        }
    }
}

/* Returns a malloc()'d copy of 'template' with "%ID%" and "%ID+1%" replaced
 * by 'id' and 'id' + 1. */
static char *
expand(const char *template, long long id)
{
    size_t size = strlen(template) + 1;
    const char *p;
    char *text;
    char *q;

    for (p = template; (p = strstr(p, "%ID")); p++) {
        size += 24;
    }
    text = malloc(size);
    PEER_CHECK(text);
    for (p = template, q = text; *p;) {
        if (!strncmp(p, "%ID%", 4)) {
            q += sprintf(q, "%lld", id);
            p += 4;
        } else if (!strncmp(p, "%ID+1%", 6)) {
            q += sprintf(q, "%lld", id + 1);
            p += 6;
        } else {
            *q++ = *p++;
        }
    }
    *q = '\0';
    return text;
}

/* Plays the 'struct script' in 'aux'. */
static void
play_script(int fd, const void *aux)
{
    const struct script *s = aux;
    long long id = peer_expect_request(fd, s->method, s->params);

    if (s->reply) {
        char *text = expand(s->reply, id);

        peer_send(fd, text, s->chunk, s->delay_ms);
        free(text);
    }
    if (!s->hang_up) {
        peer_expect_eof(fd);
    }
}

/* ---------------------------------------------------------------------- */
/* Test side. */

static int
wait_child(pid_t pid, int timeout_ms, int *statusp)
{
    long long deadline = deadline_after(timeout_ms);

    for (;;) {
        pid_t retval = waitpid(pid, statusp, WNOHANG);

        if (retval == pid) {
            return 0;
        } else if (retval < 0 && errno != EINTR) {
            return errno;
        } else if (deadline_expired(deadline)) {
            return ETIMEDOUT;
        }
        deadline_sleep(5, deadline);
    }
}

static int
listen_unix(const char *path)
{
    struct sockaddr_un sun;
    int fd;

    unlink(path);
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    assert_true(strlen(path) < sizeof sun.sun_path);
    strcpy(sun.sun_path, path);

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *) &sun, sizeof sun), 0);
    assert_int_equal(listen(fd, 4), 0);
    return fd;
}

static int
listen_tcp(int *portp)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    int fd;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = 0;

    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *) &sin, sizeof sin), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
    *portp = ntohs(sin.sin_port);
    return fd;
}

/* Forks a peer that accepts one connection on 'lfd' (which this closes) and
 * runs 'script' on it. */
static void
start_peer_fd(struct fixture *f, int lfd,
              void (*script)(int fd, const void *aux), const void *aux)
{
    pid_t pid;

    assert_int_equal(f->peer_pid, 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        int fd;

        alarm(30);
        peer_wait(lfd, POLLIN);
        fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            peer_fail("accept: %s", strerror(errno));
        }
        close(lfd);
        script(fd, aux);
        close(fd);
        _exit(0);
    }
    close(lfd);
    f->peer_pid = pid;
}

/* Starts a peer on the fixture's Unix socket path. */
static void
start_peer(struct fixture *f, void (*script)(int fd, const void *aux),
           const void *aux)
{
    start_peer_fd(f, listen_unix(f->path), script, aux);
}

/* Waits for the peer to finish and asserts that its script succeeded. */
static void
finish_peer(struct fixture *f)
{
    pid_t pid = f->peer_pid;
    int status;

    assert_true(pid > 0);
    if (wait_child(pid, 15000, &status)) {
        fixture_stop_pid(pid, 0);
        f->peer_pid = 0;
        fail_msg("peer did not finish");
    }
    f->peer_pid = 0;
    unlink(f->path);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static struct jsonrpc_conn *
open_peer(struct fixture *f)
{
    struct jsonrpc_conn *conn;

    assert_int_equal(jsonrpc_open_unix(f->path, deadline_after(5000),
                                       &conn), 0);
    assert_non_null(conn);
    return conn;
}

/* Runs 'script' against one jsonrpc_call('method', 'params') and checks the
 * outcome: 'retval', and the result or error compared with 'result' or
 * 'error' (JSON texts; NULL means it must be NULL). */
static void
check_call(struct fixture *f, const struct script *script,
           const char *params, int retval,
           const char *result, const char *error)
{
    struct jsonrpc_conn *conn;
    json_t *resultj;
    json_t *errorj;
    json_t *want;

    start_peer(f, play_script, script);
    conn = open_peer(f);
    assert_int_equal(jsonrpc_call(conn, script->method,
                                  params ? json_loads(params, 0, NULL)
                                  : NULL,
                                  deadline_after(5000), &resultj, &errorj),
                     retval);
    if (result) {
        want = json_loads(result, JSON_DECODE_ANY, NULL);
        assert_non_null(want);
        assert_true(json_equal(resultj, want));
        json_decref(want);
    } else {
        assert_null(resultj);
    }
    if (error) {
        want = json_loads(error, JSON_DECODE_ANY, NULL);
        assert_non_null(want);
        assert_true(json_equal(errorj, want));
        json_decref(want);
    } else {
        assert_null(errorj);
    }
    if (retval) {
        /* A broken stream stays broken. */
        assert_int_equal(jsonrpc_call(conn, "again", NULL,
                                      deadline_after(1000),
                                      &resultj, &errorj), retval);
        assert_null(resultj);
        assert_null(errorj);
    }
    json_decref(resultj);
    json_decref(errorj);
    jsonrpc_close(conn);
    finish_peer(f);
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f) {
        return -1;
    }
    fixture_tmpdir("test-jsonrpc", f->dir, sizeof f->dir);
    snprintf(f->path, sizeof f->path, "%s/peer.sock", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    if (f->peer_pid) {
        fixture_stop_pid(f->peer_pid, 0);
    }
    fixture_server_stop(&f->server);
    fixture_rmtree(f->dir);
    free(f);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Tests. */

/* The request's exact bytes, and a plain reply. */
static void
test_call_normal(void **state)
{
    static const struct script s = {
        .method = "ovsdb-server/sync-status", .params = "[]",
        .reply = "{\"id\":%ID%,\"result\":\"state: backup\\n\","
                 "\"error\":null}",
    };

    check_call(*state, &s, NULL, 0, "\"state: backup\\n\"", NULL);
}

/* A reply in small writes with pauses, with braces, brackets, quotes and
 * escapes inside strings and leading whitespace. */
static void
test_call_split(void **state)
{
    static const struct script s = {
        .method = "m", .params = "[\"a\",{\"b\":[1,null]}]",
        .reply = " \n\t{ \"id\" : %ID% , \"result\" : {\"s\":\"}{][\\\"\\\\\","
                 "\"u\":\"\\u00e9\\u007d\",\"a\":[[],{}]} , \"error\":null}",
        .chunk = 7, .delay_ms = 20,
    };

    check_call(*state, &s, "[\"a\",{\"b\":[1,null]}]", 0,
               "{\"s\":\"}{][\\\"\\\\\",\"u\":\"\\u00e9}\",\"a\":[[],{}]}",
               NULL);
}

/* The same, one byte at a time. */
static void
test_call_bytewise(void **state)
{
    static const struct script s = {
        .method = "m", .params = "[]",
        .reply = "\n{\"id\":%ID%,\"result\":\"x\\\"}\\\\\",\"error\":null}",
        .chunk = 1, .delay_ms = 1,
    };

    check_call(*state, &s, NULL, 0, "\"x\\\"}\\\\\"", NULL);
}

static void
play_two_in_one(int fd, const void *aux)
{
    long long id1, id2;
    char *text;

    (void) aux;

    id1 = peer_expect_request(fd, "first", "[1]");
    text = expand("{\"id\":%ID%,\"result\":\"one\",\"error\":null}"
                  "{\"id\":null,\"method\":\"update\",\"params\":[]}\n"
                  "{\"id\":%ID+1%,\"res", id1);
    peer_send(fd, text, 0, 0);
    free(text);

    id2 = peer_expect_request(fd, "second", "[2]");
    PEER_CHECK(id2 == id1 + 1);
    peer_send(fd, "ult\":\"two\",\"error\":null}", 0, 0);
    peer_expect_eof(fd);
}

/* The first reply, a notification and the start of the second reply arrive in
 * one write: the rest must be kept for the next call. */
static void
test_call_two_in_one_write(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *conn;
    json_t *result, *error;

    start_peer(f, play_two_in_one, NULL);
    conn = open_peer(f);

    assert_int_equal(jsonrpc_call(conn, "first", json_pack("[i]", 1),
                                  deadline_after(5000), &result, &error), 0);
    assert_null(error);
    assert_string_equal(json_string_value(result), "one");
    json_decref(result);

    assert_int_equal(jsonrpc_call(conn, "second", json_pack("[i]", 2),
                                  deadline_after(5000), &result, &error), 0);
    assert_null(error);
    assert_string_equal(json_string_value(result), "two");
    json_decref(result);

    jsonrpc_close(conn);
    finish_peer(f);
}

/* An error reply, with and without "result":null. */
static void
test_call_error_reply(void **state)
{
    static const struct script s1 = {
        .method = "nosuch", .params = "[]",
        .reply = "{\"id\":%ID%,\"error\":\"\\\"nosuch\\\" is not a valid "
                 "command\\n\"}",
    };
    static const struct script s2 = {
        .method = "transact", .params = "[]",
        .reply = "{\"id\":%ID%,\"result\":null,"
                 "\"error\":{\"error\":\"unknown database\"}}",
    };

    check_call(*state, &s1, NULL, 0, NULL,
               "\"\\\"nosuch\\\" is not a valid command\\n\"");
    check_call(*state, &s2, NULL, 0, NULL,
               "{\"error\":\"unknown database\"}");
}

static void
play_echo(int fd, const void *aux)
{
    long long id = peer_expect_request(fd, "transact",
                                       "[\"OVN_Northbound\"]");
    char *text;

    (void) aux;

    /* Notifications, with null and without id. */
    peer_send(fd, "{\"id\":null,\"method\":\"update\","
              "\"params\":[null,{\"x\":{}}]}"
              "{\"method\":\"update2\",\"params\":[]}", 0, 0);

    /* An echo request as ovsdb-server sends it. */
    peer_send(fd, "{\"id\":\"echo\",\"method\":\"echo\",\"params\":[]}", 0, 0);
    peer_expect_json(fd, "{\"id\":\"echo\",\"result\":[],\"error\":null}");

    /* One with an integer id and arguments, split in two writes. */
    peer_send(fd, "{\"id\":42,\"method\":\"echo\",\"params\":[\"x\",1,{}]}",
              20, 20);
    peer_expect_json(fd, "{\"id\":42,\"result\":[\"x\",1,{}],"
                     "\"error\":null}");

    text = expand("{\"id\":%ID%,\"result\":[{}],\"error\":null}", id);
    peer_send(fd, text, 0, 0);
    free(text);
    peer_expect_eof(fd);
}

/* Notifications are skipped and echo requests answered while waiting. */
static void
test_call_echo_and_notification(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *conn;
    json_t *result, *error;

    start_peer(f, play_echo, NULL);
    conn = open_peer(f);
    assert_int_equal(jsonrpc_call(conn, "transact",
                                  json_pack("[s]", "OVN_Northbound"),
                                  deadline_after(5000), &result, &error), 0);
    assert_null(error);
    assert_true(json_is_array(result));
    assert_int_equal(json_array_size(result), 1);
    assert_true(json_is_object(json_array_get(result, 0)));
    assert_int_equal(json_object_size(json_array_get(result, 0)), 0);
    json_decref(result);
    jsonrpc_close(conn);
    finish_peer(f);
}

/* Replies with other ids are skipped. */
static void
test_call_wrong_id(void **state)
{
    static const struct script s = {
        .method = "m", .params = "[]",
        .reply = "{\"id\":%ID+1%,\"result\":\"wrong\",\"error\":null}"
                 "{\"id\":\"%ID%\",\"result\":\"string id\",\"error\":null}"
                 "{\"id\":null,\"result\":null,\"error\":\"bad\"}"
                 "{\"result\":\"no id\",\"error\":null}"
                 "{\"id\":%ID%,\"result\":\"right\",\"error\":null}",
        .chunk = 30,
    };

    check_call(*state, &s, NULL, 0, "\"right\"", NULL);
}

/* Garbage and malformed messages give EPROTO. */
static void
test_call_garbage(void **state)
{
    static const char *const replies[] = {
        "xyz\n",
        "  \n}",
        "[{\"id\":%ID%,\"result\":1,\"error\":null}]",
        "\"string\"",
        "{not json}",
        "{\"id\":%ID%,\"result\":tru}",
        "{\"id\":%ID%,\"result\":\"\xff\",\"error\":null}",
        "{\"id\":%ID%,\"result\":null,\"error\":null}",
        "{\"id\":%ID%}",
        "{\"id\":1,\"method\":5,\"params\":[]}",
    };
    size_t i;

    for (i = 0; i < sizeof replies / sizeof *replies; i++) {
        struct script s = {
            .method = "m", .params = "[]", .reply = replies[i],
        };

        print_message("garbage case %zu\n", i);
        check_call(*state, &s, NULL, EPROTO, NULL, NULL);
    }
}

/* The peer closes the connection: before replying, or in mid-reply. */
static void
test_call_peer_closes(void **state)
{
    static const struct script s1 = {
        .method = "m", .params = "[]", .hang_up = true,
    };
    static const struct script s2 = {
        .method = "m", .params = "[]", .hang_up = true,
        .reply = " {\"id\":%ID%,\"result\":\"trunc",
    };

    check_call(*state, &s1, NULL, ECONNRESET, NULL, NULL);
    check_call(*state, &s2, NULL, ECONNRESET, NULL, NULL);
}

static void
play_silent(int fd, const void *aux)
{
    (void) aux;
    peer_expect_request(fd, "m", "[]");
    peer_expect_request(fd, "again", "[]");
    peer_expect_request(fd, "again", "[]");
    peer_expect_eof(fd);
}

/* A silent peer: ETIMEDOUT, on time. */
static void
test_call_timeout(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *conn;
    json_t *result, *error;
    long long start, elapsed;
    int i;

    start_peer(f, play_silent, NULL);
    conn = open_peer(f);
    start = clock_mono_ms();
    assert_int_equal(jsonrpc_call(conn, "m", NULL, start + 300,
                                  &result, &error), ETIMEDOUT);
    elapsed = clock_mono_ms() - start;
    assert_null(result);
    assert_null(error);
    assert_true(elapsed >= 300);
    assert_true(elapsed < 800);

    /* A timeout leaves the connection usable; an expired deadline times out
     * at once. */
    for (i = 0; i < 2; i++) {
        start = clock_mono_ms();
        assert_int_equal(jsonrpc_call(conn, "again", NULL, start - 1,
                                      &result, &error), ETIMEDOUT);
        assert_true(clock_mono_ms() - start < 200);
    }

    jsonrpc_close(conn);
    finish_peer(f);
}

/* A reply larger than the 64 MiB cap gives EMSGSIZE. */
static void
play_huge(int fd, const void *aux)
{
    static char block[1024 * 1024];
    long long id = peer_expect_request(fd, "m", "[]");
    char *text = expand("{\"id\":%ID%,\"result\":\"", id);
    int i;

    (void) aux;

    peer_send(fd, text, 0, 0);
    free(text);
    memset(block, 'x', sizeof block);
    for (i = 0; i < 80; i++) {
        if (peer_send_bytes(fd, block, sizeof block)) {
            return;
        }
    }
    peer_fail("client accepted 80 MiB");
}

static void
test_call_oversized(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *conn;
    json_t *result, *error;

    start_peer(f, play_huge, NULL);
    conn = open_peer(f);
    assert_int_equal(jsonrpc_call(conn, "m", NULL, deadline_after(20000),
                                  &result, &error), EMSGSIZE);
    assert_null(result);
    assert_null(error);
    jsonrpc_close(conn);
    finish_peer(f);
}

/* Bad arguments. */
static void
test_call_invalid(void **state)
{
    struct fixture *f = *state;
    static const struct script s = {
        .method = "m", .params = "[]",
        .reply = "{\"id\":%ID%,\"result\":\"ok\",\"error\":null}",
    };
    struct jsonrpc_conn *conn;
    json_t *result, *error;

    start_peer(f, play_script, &s);
    conn = open_peer(f);

    /* Params must be an array (and are freed anyway). */
    assert_int_equal(jsonrpc_call(conn, "m", json_object(),
                                  deadline_after(1000), &result, &error),
                     EINVAL);
    /* The method must be valid UTF-8. */
    assert_int_equal(jsonrpc_call(conn, "\xff", NULL,
                                  deadline_after(1000), &result, &error),
                     EINVAL);
    assert_null(result);
    assert_null(error);

    /* Neither disturbed the connection. */
    assert_int_equal(jsonrpc_call(conn, "m", json_array(),
                                  deadline_after(5000), &result, &error), 0);
    assert_string_equal(json_string_value(result), "ok");
    json_decref(result);
    jsonrpc_close(conn);
    jsonrpc_close(NULL);
    finish_peer(f);
}

/* Nobody listening. */
static void
test_open_unix_fails(void **state)
{
    struct fixture *f = *state;
    struct sockaddr_un sun;
    struct jsonrpc_conn *conn;
    char path[128];
    char longpath[200];
    char *reply, *err;
    int fd;

    /* No such file. */
    snprintf(path, sizeof path, "%s/nobody.sock", f->dir);
    conn = (struct jsonrpc_conn *) 1;
    assert_int_equal(jsonrpc_open_unix(path, deadline_after(1000), &conn),
                     ENOENT);
    assert_null(conn);
    reply = err = (char *) 1;
    assert_int_equal(unixctl_call(path, "version", NULL, 0,
                                     deadline_after(1000), &reply, &err),
                     ENOENT);
    assert_null(reply);
    assert_null(err);

    /* A socket that is bound but not listening. */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, path);
    assert_int_equal(bind(fd, (struct sockaddr *) &sun, sizeof sun), 0);
    assert_int_equal(jsonrpc_open_unix(path, deadline_after(1000), &conn),
                     ECONNREFUSED);
    assert_null(conn);
    close(fd);
    unlink(path);

    /* Too long for sun_path. */
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(jsonrpc_open_unix(longpath, deadline_after(1000),
                                       &conn), ENAMETOOLONG);
    assert_null(conn);
}

struct unixctl_case {
    struct script script;
    const char *const *args;
    size_t n_args;
    const char *reply;          /* Expected '*replyp', or NULL. */
    const char *err;            /* Expected '*errp', or NULL. */
};

/* unixctl_call() end to end. */
static void
test_unixctl(void **state)
{
    static const char *const args[] = { "tcp:192.0.2.1:6641", "a \"q\" b" };
    static const char *const one[] = { "DB" };
    static const struct unixctl_case cases[] = {
        {
            .script = {
                .method = "ovsdb-server/set-active-ovsdb-server",
                .params = "[\"tcp:192.0.2.1:6641\",\"a \\\"q\\\" b\"]",
                .reply = "{\"id\":%ID%,\"result\":\"\",\"error\":null}",
            },
            .args = args, .n_args = 2, .reply = "",
        },
        {
            .script = {
                .method = "ovsdb-server/sync-status", .params = "[]",
                .reply = "{\"id\":%ID%,\"result\":\"state: active\\n\","
                         "\"error\":null}",
                .chunk = 5, .delay_ms = 5,
            },
            .reply = "state: active\n",
        },
        {
            .script = {
                .method = "nosuch", .params = "[\"DB\"]",
                .reply = "{\"id\":%ID%,\"error\":\"\\\"nosuch\\\" is not "
                         "a valid command\\n\"}",
            },
            .args = one, .n_args = 1,
            .err = "\"nosuch\" is not a valid command\n",
        },
        {
            .script = {
                .method = "cluster/status", .params = "[]",
                .reply = "{\"id\":%ID%,\"result\":{\"role\":\"leader\","
                         "\"n\":[1,2]},\"error\":null}",
            },
            .reply = "{\"role\":\"leader\",\"n\":[1,2]}",
        },
        {
            .script = {
                .method = "x", .params = "[]",
                .reply = "{\"id\":%ID%,\"error\":{\"code\":1}}",
            },
            .err = "{\"code\":1}",
        },
        {
            .script = {
                .method = "version", .params = "[]",
                .reply = "{\"id\":%ID%,\"result\":\"no newline\","
                         "\"error\":null}",
            },
            .reply = "no newline",
        },
    };
    struct fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        const struct unixctl_case *c = &cases[i];
        char *reply, *err;

        print_message("unixctl case %zu\n", i);
        start_peer(f, play_script, &c->script);
        assert_int_equal(unixctl_call(f->path, c->script.method,
                                         c->args, c->n_args,
                                         deadline_after(5000),
                                         &reply, &err), 0);
        if (c->reply) {
            assert_non_null(reply);
            assert_string_equal(reply, c->reply);
        } else {
            assert_null(reply);
        }
        if (c->err) {
            assert_non_null(err);
            assert_string_equal(err, c->err);
        } else {
            assert_null(err);
        }
        free(reply);
        free(err);
        finish_peer(f);
    }
}

/* A unixctl call to a peer that never answers times out. */
static void
test_unixctl_timeout(void **state)
{
    static const struct script s = { .method = "m", .params = "[]" };
    struct fixture *f = *state;
    long long start, elapsed;
    char *reply, *err;

    start_peer(f, play_script, &s);
    start = clock_mono_ms();
    assert_int_equal(unixctl_call(f->path, "m", NULL, 0, start + 200,
                                     &reply, &err), ETIMEDOUT);
    elapsed = clock_mono_ms() - start;
    assert_null(reply);
    assert_null(err);
    assert_true(elapsed >= 200);
    assert_true(elapsed < 700);
    finish_peer(f);
}

/* TCP to 127.0.0.1, with an echo request in between. */
static void
test_tcp(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *conn;
    json_t *result, *error;
    int lfd;
    int port;

    lfd = listen_tcp(&port);
    start_peer_fd(f, lfd, play_echo, NULL);
    assert_int_equal(jsonrpc_open_tcp("127.0.0.1", port,
                                      deadline_after(5000), &conn), 0);
    assert_int_equal(jsonrpc_call(conn, "transact",
                                  json_pack("[s]", "OVN_Northbound"),
                                  deadline_after(5000), &result, &error), 0);
    assert_null(error);
    assert_int_equal(json_array_size(result), 1);
    json_decref(result);
    jsonrpc_close(conn);
    finish_peer(f);

    /* Nobody listens there any more. */
    conn = (struct jsonrpc_conn *) 1;
    assert_int_equal(jsonrpc_open_tcp("127.0.0.1", port,
                                      deadline_after(5000), &conn),
                     ECONNREFUSED);
    assert_null(conn);

    /* An IPv6 literal parses (whether ::1 is usable here or not, nobody
     * listens on it, so it must fail with some errno). */
    assert_true(jsonrpc_open_tcp("::1", port, deadline_after(5000),
                                 &conn) > 0);
    assert_null(conn);

    /* No name resolution, no brackets, valid ports only. */
    assert_int_equal(jsonrpc_open_tcp("localhost", port,
                                      deadline_after(1000), &conn), EINVAL);
    assert_int_equal(jsonrpc_open_tcp("[::1]", port,
                                      deadline_after(1000), &conn), EINVAL);
    assert_int_equal(jsonrpc_open_tcp("127.0.0.1", 0,
                                      deadline_after(1000), &conn), EINVAL);
    assert_int_equal(jsonrpc_open_tcp("127.0.0.1", 65536,
                                      deadline_after(1000), &conn), EINVAL);
    assert_null(conn);
}

/* Against a real ovsdb-server. */
static void
test_real_server(void **state)
{
    static const struct fixture_server_options opts = {
        .name = "s", .nb = true,
    };
    struct fixture *f = *state;
    struct jsonrpc_conn *conn;
    json_t *result, *error;
    const char *ctl, *sock;
    char *reply, *err;
    json_t *want;

    fixture_server_start(&f->server, f->dir, &opts);
    ctl = f->server.ctl;
    sock = f->server.sock;

    /* unixctl. */
    assert_int_equal(unixctl_call(ctl, "ovsdb-server/sync-status", NULL,
                                     0, deadline_after(5000), &reply, &err),
                     0);
    assert_null(err);
    assert_non_null(reply);
    assert_non_null(strstr(reply, "state: active"));
    free(reply);

    assert_int_equal(unixctl_call(ctl, "nosuch-command", NULL, 0,
                                     deadline_after(5000), &reply, &err), 0);
    assert_null(reply);
    assert_non_null(err);
    assert_non_null(strstr(err, "is not a valid command"));
    free(err);

    {
        static const char *const args[] = { "x" };

        assert_int_equal(unixctl_call(ctl, "ovsdb-server/sync-status",
                                         args, 1, deadline_after(5000),
                                         &reply, &err), 0);
        assert_null(reply);
        assert_non_null(err);
        assert_non_null(strstr(err, "at most 0 arguments"));
        free(err);
    }

    /* OVSDB protocol, two calls on one connection. */
    assert_int_equal(jsonrpc_open_unix(sock, deadline_after(5000), &conn),
                     0);
    assert_int_equal(jsonrpc_call(conn, "transact",
                                  json_pack("[s{sssb}]", "OVN_Northbound",
                                            "op", "commit",
                                            "durable", 0),
                                  deadline_after(5000), &result, &error), 0);
    assert_null(error);
    want = json_pack("[{}]");
    assert_true(json_equal(result, want));
    json_decref(want);
    json_decref(result);

    assert_int_equal(jsonrpc_call(conn, "echo", json_pack("[si]", "hi", 7),
                                  deadline_after(5000), &result, &error), 0);
    assert_null(error);
    want = json_pack("[si]", "hi", 7);
    assert_true(json_equal(result, want));
    json_decref(want);
    json_decref(result);

    assert_int_equal(jsonrpc_call(conn, "transact",
                                  json_pack("[s]", "No_Such_DB"),
                                  deadline_after(5000), &result, &error), 0);
    assert_null(result);
    assert_non_null(error);
    json_decref(error);
    jsonrpc_close(conn);

    /* It exits on SIGTERM. */
    assert_int_equal(fixture_server_stop(&f->server), 0);
}

/* Runs the tests; each gets a fresh temporary directory. */
int
main(void)
{
    const struct CMUnitTest tests[] = {
#define TEST(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
        TEST(test_call_normal),
        TEST(test_call_split),
        TEST(test_call_bytewise),
        TEST(test_call_two_in_one_write),
        TEST(test_call_error_reply),
        TEST(test_call_echo_and_notification),
        TEST(test_call_wrong_id),
        TEST(test_call_garbage),
        TEST(test_call_peer_closes),
        TEST(test_call_timeout),
        TEST(test_call_oversized),
        TEST(test_call_invalid),
        TEST(test_open_unix_fails),
        TEST(test_unixctl),
        TEST(test_unixctl_timeout),
        TEST(test_tcp),
        TEST(test_real_server),
#undef TEST
    };

    return cmocka_run_group_tests_name("jsonrpc", tests, NULL, NULL);
}
