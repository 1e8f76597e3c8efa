/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/handover.c.
 *
 * Against a real ovsdb-server holding a fresh NB and a fresh SB database
 * (started with fork and execvp of ovsdb-server --detach; this process is
 * its subreaper, so it reaps it; killed by pid at the end).  Each test
 * starts from global tables without rows and leaves the server active.
 * The backup case points the server at a port on 127.0.0.1 where nothing
 * listens, so that it keeps its data but turns read-only. */
#include "unit.h"
#include "handover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "jsonrpc.h"
#include "log.h"
#include "repl.h"

#define NB_SCHEMA "/usr/share/ovn/ovn-nb.ovsschema"
#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"
#define NB "OVN_Northbound"
#define SB "OVN_Southbound"

#define WAIT_MS 10000

struct group {
    char dir[64];
    char sock[128], ctl[128], pidfile[128];
    pid_t pid;
    bool ok;
};

static struct group group;

static bool
in_path(const char *prog)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL;
    bool found = false;

    copy = strdup(path ? path : "/usr/bin:/bin");
    assert_non_null(copy);
    for (dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char file[512];

        snprintf(file, sizeof file, "%s/%s", dir, prog);
        found = !access(file, X_OK);
    }
    free(copy);
    return found;
}

static int
free_port(void)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    int fd, port = -1;

    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!bind(fd, (struct sockaddr *) &sin, sizeof sin)
        && !getsockname(fd, (struct sockaddr *) &sin, &len)) {
        port = ntohs(sin.sin_port);
    }
    close(fd);
    return port;
}

/* Runs 'argv' (fork and execvp; stdout to /dev/null, stderr appended to
 * "commands.err" in the group directory) and returns its exit status, or
 * -1 if it did not exit within 'ms'. */
static int
run_wait(char *const argv[], int ms)
{
    long long deadline = deadline_after(ms);
    int status;
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (!pid) {
        int null = open("/dev/null", O_RDWR);
        char errfile[128];
        int err;

        snprintf(errfile, sizeof errfile, "%s/commands.err", group.dir);
        err = open(errfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
        }
        if (err >= 0) {
            dup2(err, STDERR_FILENO);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        if (r < 0 && errno != EINTR) {
            return -1;
        }
        if (deadline_expired(deadline)) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        deadline_sleep(10, deadline);
    }
}

static bool
process_gone(pid_t pid)
{
    char path[64], buf[512], *paren;
    ssize_t n;
    int fd;

    if (waitpid(pid, NULL, WNOHANG) == pid) {
        return true;
    }
    snprintf(path, sizeof path, "/proc/%ld/stat", (long) pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return true;
    }
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return true;
    }
    buf[n] = '\0';
    paren = strrchr(buf, ')');
    return !paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X';
}

/* Daemons started by this test, killed by a fatal signal that would skip
 * the teardown (a detached daemon would otherwise outlive the test). */
static pid_t guarded[8];

static void
guard_signal(int sig)
{
    size_t i;

    for (i = 0; i < sizeof guarded / sizeof guarded[0]; i++) {
        if (guarded[i] > 1) {
            kill(guarded[i], SIGKILL);
        }
    }
    raise(sig);                 /* SA_RESETHAND restored the default. */
}

static void
guard_pid(pid_t pid)
{
    static const int signals[] = {
        SIGHUP, SIGINT, SIGTERM, SIGABRT, SIGSEGV, SIGBUS,
    };
    static bool installed;
    size_t i;

    if (!installed) {
        struct sigaction sa;

        memset(&sa, 0, sizeof sa);
        sa.sa_handler = guard_signal;
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        for (i = 0; i < sizeof signals / sizeof signals[0]; i++) {
            sigaction(signals[i], &sa, NULL);
        }
        installed = true;
    }
    for (i = 0; pid > 1 && i < sizeof guarded / sizeof guarded[0]; i++) {
        if (!guarded[i]) {
            guarded[i] = pid;
            return;
        }
    }
}

static void
unguard_pid(pid_t pid)
{
    size_t i;

    for (i = 0; i < sizeof guarded / sizeof guarded[0]; i++) {
        if (guarded[i] == pid) {
            guarded[i] = 0;
        }
    }
}

static void
kill_pid(pid_t pid)
{
    long long deadline;
    bool gone;

    if (pid <= 1) {
        return;
    }
    /* Once process_gone() is true the pid may be reaped and reused: never
     * signal it again. */
    kill(pid, SIGTERM);
    deadline = deadline_after(5000);
    while (!(gone = process_gone(pid)) && !deadline_expired(deadline)) {
        deadline_sleep(10, deadline);
    }
    if (!gone) {
        kill(pid, SIGKILL);
        deadline = deadline_after(5000);
        while (!process_gone(pid) && !deadline_expired(deadline)) {
            deadline_sleep(10, deadline);
        }
    }
    unguard_pid(pid);
}

static pid_t
read_pidfile(const char *path)
{
    FILE *file = fopen(path, "r");
    long pid = 0;

    if (file) {
        if (fscanf(file, "%ld", &pid) != 1) {
            pid = 0;
        }
        fclose(file);
    }
    return (pid_t) pid;
}

static bool
start_server(void)
{
    char nb_db[128], sb_db[128], o_pid[160], o_ctl[160], o_sock[160];
    char o_log[160];

    snprintf(nb_db, sizeof nb_db, "%s/nb.db", group.dir);
    snprintf(sb_db, sizeof sb_db, "%s/sb.db", group.dir);
    snprintf(group.sock, sizeof group.sock, "%s/db.sock", group.dir);
    snprintf(group.ctl, sizeof group.ctl, "%s/db.ctl", group.dir);
    snprintf(group.pidfile, sizeof group.pidfile, "%s/db.pid", group.dir);
    snprintf(o_pid, sizeof o_pid, "--pidfile=%s", group.pidfile);
    snprintf(o_ctl, sizeof o_ctl, "--unixctl=%s", group.ctl);
    snprintf(o_sock, sizeof o_sock, "--remote=punix:%s", group.sock);
    snprintf(o_log, sizeof o_log, "--log-file=%s/db.log", group.dir);
    {
        char *const create_nb[] = {
            "ovsdb-tool", "create", nb_db, NB_SCHEMA, NULL
        };
        char *const create_sb[] = {
            "ovsdb-tool", "create", sb_db, SB_SCHEMA, NULL
        };
        char *const start[] = {
            "ovsdb-server", nb_db, sb_db, "--detach", "--no-chdir", o_pid,
            o_ctl, o_sock, o_log, "-vconsole:off", NULL
        };

        if (run_wait(create_nb, WAIT_MS) || run_wait(create_sb, WAIT_MS)
            || run_wait(start, WAIT_MS)) {
            return false;
        }
    }
    group.pid = read_pidfile(group.pidfile);
    guard_pid(group.pid);
    return group.pid > 1;
}

static int
group_setup(void **state)
{
    char logfile[128];

    (void) state;
    memset(&group, 0, sizeof group);
    strcpy(group.dir, "/tmp/test-handover.XXXXXX");
    if (!mkdtemp(group.dir)) {
        return -1;
    }
    snprintf(logfile, sizeof logfile, "%s/helper.log", group.dir);
    setenv("HA_LOGFILE", logfile, 1);
    log_init("test-handover");
    if (!in_path("ovsdb-server") || !in_path("ovsdb-tool")
        || access(NB_SCHEMA, R_OK) || access(SB_SCHEMA, R_OK)) {
        print_message("ovsdb-server, ovsdb-tool or the OVN schemas are "
                      "missing: real-server tests fail\n");
        return 0;
    }
    /* The detached server becomes our child, so that we reap it. */
    prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
    group.ok = start_server();
    return 0;
}

static int
remove_one(const char *path, const struct stat *st, int flag,
           struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    remove(path);
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    kill_pid(group.pid);
    nftw(group.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("HA_LOGFILE");
    return 0;
}

/* Runs the transaction 'ops' (a JSON array, database first), every
 * operation of which must succeed, and returns its result. */
static json_t *
transact(json_t *ops)
{
    struct jsonrpc_conn *conn;
    json_t *result = NULL, *error = NULL, *op;
    size_t i;

    assert_int_equal(jsonrpc_open_unix(group.sock, deadline_after(5000),
                                       &conn), 0);
    assert_int_equal(jsonrpc_call(conn, "transact", ops,
                                  deadline_after(5000), &result, &error),
                     0);
    jsonrpc_close(conn);
    assert_null(error);
    assert_true(json_is_array(result));
    json_array_foreach (result, i, op) {
        assert_null(json_object_get(op, "error"));
    }
    return result;
}

/* Deletes every row of 'table' in 'db'. */
static void
clear_table(const char *db, const char *table)
{
    json_decref(transact(json_pack("[s{s:s,s:s,s:[]}]", db, "op", "delete",
                                   "table", table, "where")));
}

/* Inserts a row in 'table' of 'db' whose external_ids hold the 'n' pairs
 * of 'kv' (key, value, key, value...). */
static void
insert_row(const char *db, const char *table, const char *const *kv,
           size_t n)
{
    json_t *pairs = json_array(), *row;
    size_t i;

    for (i = 0; i < n; i++) {
        json_array_append_new(pairs, json_pack("[ss]", kv[2 * i],
                                               kv[2 * i + 1]));
    }
    row = json_pack("{s:[s,o]}", "external_ids", "map", pairs);
    json_decref(transact(json_pack("[s{s:s,s:s,s:o}]", db, "op", "insert",
                                   "table", table, "row", row)));
}

/* Returns the number of rows of 'table' and stores the external_ids of the
 * first, as a JSON object (new reference, {} if none), in '*ids'. */
static size_t
read_ids(const char *db, const char *table, json_t **ids)
{
    json_t *result, *rows, *pairs, *pair;
    size_t i, n;

    result = transact(json_pack("[s{s:s,s:s,s:[],s:[s]}]", db, "op",
                                "select", "table", table, "where",
                                "columns", "external_ids"));
    rows = json_object_get(json_array_get(result, 0), "rows");
    assert_true(json_is_array(rows));
    n = json_array_size(rows);
    *ids = json_object();
    pairs = json_array_get(json_object_get(json_array_get(rows, 0),
                                           "external_ids"), 1);
    json_array_foreach (pairs, i, pair) {
        json_object_set(*ids, json_string_value(json_array_get(pair, 0)),
                        json_array_get(pair, 1));
    }
    json_decref(result);
    return n;
}

/* Checks that the external_ids of the row of 'table' are exactly the JSON
 * object text 'want'. */
static void
expect_ids(const char *db, const char *table, const char *want)
{
    json_t *ids, *w = json_loads(want, 0, NULL);

    assert_non_null(w);
    assert_int_equal(read_ids(db, table, &ids), 1);
    if (!json_equal(ids, w)) {
        char *got = json_dumps(ids, JSON_SORT_KEYS);

        print_message("%s external_ids: %s, expected %s\n", table, got,
                      want);
        free(got);
    }
    assert_true(json_equal(ids, w));
    json_decref(ids);
    json_decref(w);
}

static bool
present(const char *db, const char *table, const char *marker)
{
    bool p = true;

    assert_int_equal(handover_check(group.sock, db, table, marker,
                                    deadline_after(5000), &p), 0);
    return p;
}

static void
require_server(void)
{
    if (!group.ok) {
        fail_msg("the test ovsdb-server did not start (see %s)", group.dir);
    }
    clear_table(NB, "NB_Global");
    clear_table(SB, "SB_Global");
}

/* Polls until the server's NB is (not) writable, for at most WAIT_MS. */
static bool
wait_writable(bool want)
{
    long long deadline = deadline_after(WAIT_MS);

    for (;;) {
        bool w = !want;

        if (!repl_probe_writable(group.sock, NB, deadline_after(2000), &w)
            && w == want) {
            return true;
        }
        if (deadline_expired(deadline)) {
            return false;
        }
        deadline_sleep(20, deadline);
    }
}

/* ---------------------------------------------------------------------- */

/* No global row: nothing to write the marker into. */
static void
test_write_no_row(void **state)
{
    json_t *ids;

    (void) state;
    require_server();
    assert_int_equal(handover_write(group.sock, NB, "NB_Global", "m1",
                                    deadline_after(5000)), ENOENT);
    assert_int_equal(handover_write(group.sock, SB, "SB_Global", "m1",
                                    deadline_after(5000)), ENOENT);
    assert_false(present(NB, "NB_Global", "m1"));
    assert_false(present(SB, "SB_Global", "m1"));
    /* And none was created. */
    assert_int_equal(read_ids(NB, "NB_Global", &ids), 0);
    json_decref(ids);
}

/* A row without external_ids: the marker is not there, then it is. */
static void
test_write_empty_row(void **state)
{
    (void) state;
    require_server();
    insert_row(NB, "NB_Global", NULL, 0);
    assert_false(present(NB, "NB_Global", "m1"));
    assert_false(present(NB, "NB_Global", ""));
    assert_int_equal(handover_write(group.sock, NB, "NB_Global", "m1",
                                    deadline_after(5000)), 0);
    assert_true(present(NB, "NB_Global", "m1"));
    expect_ids(NB, "NB_Global", "{\"" HANDOVER_KEY "\":\"m1\"}");
}

static void
check_write_overwrite(const char *db, const char *table)
{
    static const char *const kv[] = { "keep", "me", "other", "x" };
    static const char m1[] = "node1:1700000000000:4242";
    static const char m2[] = "node1:1700000001234:4243";

    insert_row(db, table, kv, 2);
    assert_false(present(db, table, m1));

    assert_int_equal(handover_write(group.sock, db, table, m1,
                                    deadline_after(5000)), 0);
    assert_true(present(db, table, m1));
    assert_false(present(db, table, m2));
    assert_false(present(db, table, "node1"));
    assert_false(present(db, table, ""));
    assert_false(present(db, table, "me"));
    expect_ids(db, table, "{\"keep\":\"me\",\"other\":\"x\",\""
               HANDOVER_KEY "\":\"node1:1700000000000:4242\"}");

    /* The second marker replaces the first. */
    assert_int_equal(handover_write(group.sock, db, table, m2,
                                    deadline_after(5000)), 0);
    assert_true(present(db, table, m2));
    assert_false(present(db, table, m1));
    expect_ids(db, table, "{\"keep\":\"me\",\"other\":\"x\",\""
               HANDOVER_KEY "\":\"node1:1700000001234:4243\"}");

    /* The same marker again changes nothing. */
    assert_int_equal(handover_write(group.sock, db, table, m2,
                                    deadline_after(5000)), 0);
    assert_true(present(db, table, m2));
    expect_ids(db, table, "{\"keep\":\"me\",\"other\":\"x\",\""
               HANDOVER_KEY "\":\"node1:1700000001234:4243\"}");
}

static void
test_write_overwrite_nb(void **state)
{
    (void) state;
    require_server();
    check_write_overwrite(NB, "NB_Global");
}

static void
test_write_overwrite_sb(void **state)
{
    (void) state;
    require_server();
    check_write_overwrite(SB, "SB_Global");
}

/* A marker that needs JSON escaping comes back as it went. */
static void
test_write_odd_marker(void **state)
{
    static const char odd[] = "n\"1\\:\xc3\xa9:{}[],";

    (void) state;
    require_server();
    insert_row(NB, "NB_Global", NULL, 0);
    assert_int_equal(handover_write(group.sock, NB, "NB_Global", odd,
                                    deadline_after(5000)), 0);
    assert_true(present(NB, "NB_Global", odd));
    assert_false(present(NB, "NB_Global", "n\"1\\:"));
}

/* A backup is read-only: EROFS, and the marker it holds stays readable. */
static void
test_write_backup(void **state)
{
    char dead[64];
    int port;

    (void) state;
    require_server();
    insert_row(NB, "NB_Global", NULL, 0);
    assert_int_equal(handover_write(group.sock, NB, "NB_Global", "m1",
                                    deadline_after(5000)), 0);

    port = free_port();
    assert_true(port > 0);
    snprintf(dead, sizeof dead, "tcp:127.0.0.1:%d", port);
    assert_int_equal(repl_make_backup(group.ctl, dead, 60000,
                                      deadline_after(WAIT_MS)), 0);
    assert_true(wait_writable(false));

    assert_int_equal(handover_write(group.sock, NB, "NB_Global", "m2",
                                    deadline_after(5000)), EROFS);
    /* No row: read-only all the same. */
    assert_int_equal(handover_write(group.sock, SB, "SB_Global", "m2",
                                    deadline_after(5000)), EROFS);
    assert_true(present(NB, "NB_Global", "m1"));
    assert_false(present(NB, "NB_Global", "m2"));

    /* Active again: writable again. */
    assert_int_equal(repl_make_active(group.ctl, deadline_after(5000)), 0);
    assert_true(wait_writable(true));
    assert_int_equal(handover_write(group.sock, NB, "NB_Global", "m2",
                                    deadline_after(5000)), 0);
    assert_true(present(NB, "NB_Global", "m2"));
}

/* handover_set() and handover_get(): another key, next to the marker and
 * the operator's own external_ids; a missing row or key is ENODATA. */
static void
test_set_get_key(void **state)
{
    char buf[64];

    (void) state;
    require_server();
    insert_row(NB, "NB_Global", NULL, 0);
    assert_int_equal(handover_get(group.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, buf, sizeof buf,
                                  deadline_after(5000)), ENODATA);
    assert_string_equal(buf, "");
    assert_int_equal(handover_write(group.sock, NB, "NB_Global", "m1",
                                    deadline_after(5000)), 0);
    assert_int_equal(handover_set(group.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, "node1:1700000000000",
                                  deadline_after(5000)), 0);
    assert_int_equal(handover_get(group.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, buf, sizeof buf,
                                  deadline_after(5000)), 0);
    assert_string_equal(buf, "node1:1700000000000");
    assert_true(present(NB, "NB_Global", "m1"));
    assert_int_equal(handover_set(group.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, "node2:1700000000001",
                                  deadline_after(5000)), 0);
    assert_int_equal(handover_get(group.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, buf, sizeof buf,
                                  deadline_after(5000)), 0);
    assert_string_equal(buf, "node2:1700000000001");
    /* No row at all. */
    assert_int_equal(handover_get(group.sock, SB, "SB_Global",
                                  HANDOVER_PROMOTED_KEY, buf, sizeof buf,
                                  deadline_after(5000)), ENODATA);
}

static void
test_errors(void **state)
{
    char sock[160];
    bool p;

    (void) state;
    require_server();
    insert_row(NB, "NB_Global", NULL, 0);

    /* A table or a database the server does not have. */
    assert_true(handover_write(group.sock, NB, "SB_Global", "m1",
                               deadline_after(5000)) > 0);
    assert_int_not_equal(handover_write(group.sock, NB, "SB_Global", "m1",
                                        deadline_after(5000)), ENOENT);
    assert_true(handover_write(group.sock, "OVN_IC_Northbound", "NB_Global",
                               "m1", deadline_after(5000)) > 0);
    p = true;
    assert_true(handover_check(group.sock, NB, "SB_Global", "m1",
                               deadline_after(5000), &p) > 0);
    assert_false(p);

    /* Nobody at the socket. */
    snprintf(sock, sizeof sock, "%s/nobody.sock", group.dir);
    assert_true(handover_write(sock, NB, "NB_Global", "m1",
                               deadline_after(1000)) > 0);
    p = true;
    assert_true(handover_check(sock, NB, "NB_Global", "m1",
                               deadline_after(1000), &p) > 0);
    assert_false(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_no_row),
        cmocka_unit_test(test_write_empty_row),
        cmocka_unit_test(test_write_overwrite_nb),
        cmocka_unit_test(test_write_overwrite_sb),
        cmocka_unit_test(test_write_odd_marker),
        cmocka_unit_test(test_write_backup),
        cmocka_unit_test(test_set_get_key),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
