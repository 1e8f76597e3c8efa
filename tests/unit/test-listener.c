/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/listener.c.
 *
 * listener_plan() is fed hand-written select results and its operations are
 * compared, as JSON, with the expected ones.  listener_ensure() runs against
 * a real ovsdb-server holding a fresh NB and an SB database (started with
 * fork and execvp, killed by pid at the end), and its effect is read back
 * with selects over jsonrpc. */
#include "unit.h"
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#define NB_SCHEMA "/usr/share/ovn/ovn-nb.ovsschema"
#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"
#define NB "OVN_Northbound"
#define SB "OVN_Southbound"

#define WAIT_MS 10000

#define G "11111111-1111-1111-1111-111111111111"
#define C0 "cccccccc-0000-0000-0000-000000000000"
#define C1 "cccccccc-1111-1111-1111-111111111111"
#define C2 "cccccccc-2222-2222-2222-222222222222"

#define TARGET "ptcp:6641:192.0.2.10"

/* ---------------------------------------------------------------------- */
/* listener_plan(). */

static json_t *
load(const char *text)
{
    json_error_t err;
    json_t *json = json_loads(text, 0, &err);

    if (!json) {
        fail_msg("bad JSON in test (%s): %s", err.text, text);
    }
    return json;
}

/* Checks that listener_plan() of the given rows (JSON texts) gives
 * 'expected' (JSON text), or NULL if 'expected' is NULL. */
static void
check_plan(const char *table, const char *globals, const char *conns,
           const char *target, long long probe, const char *expected)
{
    json_t *g = load(globals), *c = load(conns), *plan, *want;

    plan = listener_plan(table, g, c, target, probe);
    want = expected ? load(expected) : NULL;
    if (want ? !plan || !json_equal(plan, want) : plan != NULL) {
        char *got = plan ? json_dumps(plan, JSON_SORT_KEYS) : NULL;
        char *exp = want ? json_dumps(want, JSON_SORT_KEYS) : NULL;

        print_message("plan: %s\nexpected: %s\n", got ? got : "NULL",
                      exp ? exp : "NULL");
        free(got);
        free(exp);
        json_decref(plan);
        json_decref(want);
        json_decref(g);
        json_decref(c);
        fail();
    }
    json_decref(plan);
    json_decref(want);
    json_decref(g);
    json_decref(c);
}

/* Expected operations. */
#define INSERT_CONN(T, P)                                               \
    "{\"op\":\"insert\",\"table\":\"Connection\",\"uuid-name\":\"conn\"," \
    "\"row\":{\"target\":\"" T "\",\"inactivity_probe\":" #P "}}"
#define INSERT_GLOBAL(TABLE)                                            \
    "{\"op\":\"insert\",\"table\":\"" TABLE "\","                       \
    "\"row\":{\"connections\":[\"named-uuid\",\"conn\"]}}"
#define MUTATE_GLOBAL(TABLE, UUID)                                      \
    "{\"op\":\"mutate\",\"table\":\"" TABLE "\","                       \
    "\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" UUID "\"]]],"           \
    "\"mutations\":[[\"connections\",\"insert\","                       \
    "[\"named-uuid\",\"conn\"]]]}"
#define UPDATE_PROBE(UUID, P)                                           \
    "{\"op\":\"update\",\"table\":\"Connection\","                      \
    "\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" UUID "\"]]],"           \
    "\"row\":{\"inactivity_probe\":" #P "}}"
#define UPDATE_BOTH(UUID, T, P)                                         \
    "{\"op\":\"update\",\"table\":\"Connection\","                      \
    "\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"" UUID "\"]]],"           \
    "\"row\":{\"target\":\"" T "\",\"inactivity_probe\":" #P "}}"

/* Select results. */
#define GLOBAL(CONNS)                                                   \
    "[{\"_uuid\":[\"uuid\",\"" G "\"],\"connections\":" CONNS "}]"
#define REF(UUID) "[\"uuid\",\"" UUID "\"]"
#define SET0 "[\"set\",[]]"
#define SET1(A) "[\"set\",[" REF(A) "]]"
#define SET2(A, B) "[\"set\",[" REF(A) "," REF(B) "]]"
#define CONN(UUID, T, P)                                                \
    "{\"_uuid\":[\"uuid\",\"" UUID "\"],\"target\":\"" T "\","          \
    "\"inactivity_probe\":" P "}"

static void
test_plan_no_global(void **state)
{
    (void) state;
    check_plan("NB_Global", "[]", "[]", TARGET, 5000,
               "[" INSERT_CONN(TARGET, 5000) ","
               INSERT_GLOBAL("NB_Global") "]");
    check_plan("SB_Global", "[]", "[]", "pssl:6642:[fd00::1]", 0,
               "[" INSERT_CONN("pssl:6642:[fd00::1]", 0) ","
               INSERT_GLOBAL("SB_Global") "]");
    /* Connection rows without a global row do not matter. */
    check_plan("NB_Global", "[]",
               "[" CONN(C1, TARGET, "5000") "]", TARGET, 5000,
               "[" INSERT_CONN(TARGET, 5000) ","
               INSERT_GLOBAL("NB_Global") "]");
}

/* Up to date: nothing to do, however the reference is spelled. */
static void
test_plan_up_to_date(void **state)
{
    static const char *const refs[] = {
        REF(C1), SET1(C1), SET2(C0, C1), SET2(C1, C0),
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        char globals[512];

        snprintf(globals, sizeof globals, GLOBAL("%s"), refs[i]);
        check_plan("NB_Global", globals,
                   "[" CONN(C0, "ptcp:6642:192.0.2.10", "5000") ","
                   CONN(C1, TARGET, "5000") "]", TARGET, 5000, NULL);
    }
}

/* Same target, another probe: update the probe only. */
static void
test_plan_probe_changed(void **state)
{
    (void) state;
    check_plan("NB_Global", GLOBAL(REF(C1)),
               "[" CONN(C1, TARGET, "5000") "]", TARGET, 60000,
               "[" UPDATE_PROBE(C1, 60000) "]");
    check_plan("NB_Global", GLOBAL(SET2(C0, C1)),
               "[" CONN(C0, "ptcp:6699:192.0.2.10", "5000") ","
               CONN(C1, TARGET, "0") "]", TARGET, 5000,
               "[" UPDATE_PROBE(C1, 5000) "]");
    /* No probe set in the row. */
    check_plan("NB_Global", GLOBAL(SET1(C1)),
               "[" CONN(C1, TARGET, SET0) "]", TARGET, 5000,
               "[" UPDATE_PROBE(C1, 5000) "]");
}

/* Our row on the same port with another address (master_ip changed):
 * update it rather than add one that fights for the port. */
static void
test_plan_address_changed(void **state)
{
    (void) state;
    check_plan("NB_Global", GLOBAL(REF(C1)),
               "[" CONN(C1, "ptcp:6641:192.0.2.99", "5000") "]", TARGET,
               5000, "[" UPDATE_BOTH(C1, TARGET, 5000) "]");
    check_plan("NB_Global", GLOBAL(SET2(C0, C1)),
               "[" CONN(C0, "ptcp:6642:192.0.2.99", "5000") ","
               CONN(C1, "ptcp:6641:192.0.2.99", "7000") "]", TARGET,
               5000, "[" UPDATE_BOTH(C1, TARGET, 5000) "]");
    /* Load-balancer mode and back. */
    check_plan("NB_Global", GLOBAL(SET1(C1)),
               "[" CONN(C1, TARGET, "5000") "]", "ptcp:6641:0.0.0.0",
               5000, "[" UPDATE_BOTH(C1, "ptcp:6641:0.0.0.0", 5000) "]");
    check_plan("NB_Global", GLOBAL(SET1(C1)),
               "[" CONN(C1, "ptcp:6641:0.0.0.0", "5000") "]", TARGET,
               5000, "[" UPDATE_BOTH(C1, TARGET, 5000) "]");
    /* IPv6. */
    check_plan("SB_Global", GLOBAL(REF(C2)),
               "[" CONN(C2, "pssl:6642:[fd00::1]", "5000") "]",
               "pssl:6642:[fd00::2]", 5000,
               "[" UPDATE_BOTH(C2, "pssl:6642:[fd00::2]", 5000) "]");
}

/* BUG: a change of protocol on the same port (nb_master_protocol tcp ->
 * ssl, or back) is planned as an insert + mutate, so that the global row
 * references both "ptcp:6641:IP" and "pssl:6641:IP": ovsdb-server then
 * binds the port for one of them and fails with "Address already in use"
 * for the other, and which one clients get depends on hash order.  The row
 * of ours on the same port should be updated whatever passive protocol it
 * uses.  Fix: in listener_same_port(), compare only the port of two passive
 * targets (both starting with 'p'), not their protocol. */
static void
test_plan_protocol_changed(void **state)
{
    (void) state;
    check_plan("NB_Global", GLOBAL(REF(C1)),
               "[" CONN(C1, TARGET, "5000") "]", "pssl:6641:192.0.2.10",
               5000, "[" UPDATE_BOTH(C1, "pssl:6641:192.0.2.10", 5000) "]");
    check_plan("NB_Global", GLOBAL(REF(C1)),
               "[" CONN(C1, "pssl:6641:192.0.2.10", "5000") "]", TARGET,
               5000, "[" UPDATE_BOTH(C1, TARGET, 5000) "]");
}

/* Only unrelated rows: insert ours and add it to the global row. */
static void
test_plan_unrelated(void **state)
{
    static const char *const plan =
        "[" INSERT_CONN(TARGET, 5000) ","
        MUTATE_GLOBAL("NB_Global", G) "]";

    (void) state;
    /* No connections at all. */
    check_plan("NB_Global", GLOBAL(SET0), "[]", TARGET, 5000, plan);
    /* Another port. */
    check_plan("NB_Global", GLOBAL(REF(C1)),
               "[" CONN(C1, "ptcp:6642:192.0.2.10", "5000") "]", TARGET,
               5000, plan);
    check_plan("NB_Global", GLOBAL(SET1(C1)),
               "[" CONN(C1, "ptcp:16641:192.0.2.10", "5000") "]", TARGET,
               5000, plan);
    check_plan("NB_Global", GLOBAL(SET1(C1)),
               "[" CONN(C1, "ptcp:664:192.0.2.10", "5000") "]", TARGET,
               5000, plan);
    /* An active (outgoing) connection, not a listener. */
    check_plan("NB_Global", GLOBAL(SET1(C1)),
               "[" CONN(C1, "tcp:192.0.2.10:6641", "5000") "]", TARGET,
               5000, plan);
    /* Rows with our target that the global row does not reference. */
    check_plan("NB_Global", GLOBAL(SET1(C0)),
               "[" CONN(C1, TARGET, "5000") "]", TARGET, 5000, plan);
    check_plan("NB_Global", GLOBAL(SET0),
               "[" CONN(C1, TARGET, "5000") ","
               CONN(C2, "ptcp:6641:192.0.2.99", "5000") "]", TARGET, 5000,
               plan);
}

/* Ill-formed select results do not crash the planner. */
static void
test_plan_malformed(void **state)
{
    json_t *g, *c, *plan;

    (void) state;
    g = load(GLOBAL(REF(C1)));
    c = load("[{\"_uuid\":\"not-a-uuid\",\"target\":1},"
             "{\"target\":\"" TARGET "\"}, 42, null]");
    plan = listener_plan("NB_Global", g, c, TARGET, 5000);
    json_decref(plan);
    json_decref(c);
    c = load("{}");
    plan = listener_plan("NB_Global", g, c, TARGET, 5000);
    json_decref(plan);
    json_decref(c);
    json_decref(g);
}

/* ---------------------------------------------------------------------- */
/* listener_ensure() against a real ovsdb-server. */

struct group {
    char dir[64];
    char sock[128], ctl[128], pidfile[128];
    char nb_db[128], sb_db[128];
    pid_t pid;
    bool ok;
    /* A backup server, for the read-only case. */
    char b_sock[128], b_pidfile[128];
    pid_t b_pid;
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

static bool
port_accepts(int port)
{
    struct sockaddr_in sin;
    bool ok;
    int fd;

    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(port);
    ok = !connect(fd, (struct sockaddr *) &sin, sizeof sin);
    close(fd);
    return ok;
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
start_servers(void)
{
    char o_pid[160], o_ctl[160], o_sock[160], o_log[160], b_db[128];
    char b_pid[160], b_ctl[160], b_sock[160], b_log[160], b_sync[64];
    int dead_port = free_port();

    snprintf(group.nb_db, sizeof group.nb_db, "%s/nb.db", group.dir);
    snprintf(group.sb_db, sizeof group.sb_db, "%s/sb.db", group.dir);
    snprintf(group.sock, sizeof group.sock, "%s/a.sock", group.dir);
    snprintf(group.ctl, sizeof group.ctl, "%s/a.ctl", group.dir);
    snprintf(group.pidfile, sizeof group.pidfile, "%s/a.pid", group.dir);
    snprintf(o_pid, sizeof o_pid, "--pidfile=%s", group.pidfile);
    snprintf(o_ctl, sizeof o_ctl, "--unixctl=%s", group.ctl);
    snprintf(o_sock, sizeof o_sock, "--remote=punix:%s", group.sock);
    snprintf(o_log, sizeof o_log, "--log-file=%s/a.log", group.dir);

    snprintf(b_db, sizeof b_db, "%s/b.db", group.dir);
    snprintf(group.b_sock, sizeof group.b_sock, "%s/b.sock", group.dir);
    snprintf(group.b_pidfile, sizeof group.b_pidfile, "%s/b.pid",
             group.dir);
    snprintf(b_pid, sizeof b_pid, "--pidfile=%s", group.b_pidfile);
    snprintf(b_ctl, sizeof b_ctl, "--unixctl=%s/b.ctl", group.dir);
    snprintf(b_sock, sizeof b_sock, "--remote=punix:%s", group.b_sock);
    snprintf(b_log, sizeof b_log, "--log-file=%s/b.log", group.dir);
    snprintf(b_sync, sizeof b_sync, "--sync-from=tcp:127.0.0.1:%d",
             dead_port);
    {
        char *const create_nb[] = {
            "ovsdb-tool", "create", group.nb_db, NB_SCHEMA, NULL
        };
        char *const create_sb[] = {
            "ovsdb-tool", "create", group.sb_db, SB_SCHEMA, NULL
        };
        char *const create_b[] = {
            "ovsdb-tool", "create", b_db, NB_SCHEMA, NULL
        };
        char *const start[] = {
            "ovsdb-server", group.nb_db, group.sb_db, "--detach",
            "--no-chdir", o_pid, o_ctl, o_sock, o_log, "-vconsole:off",
            "--remote=db:" NB ",NB_Global,connections", NULL
        };
        char *const start_b[] = {
            "ovsdb-server", b_db, "--detach", "--no-chdir", b_pid, b_ctl,
            b_sock, b_log, "-vconsole:off", b_sync, NULL
        };

        if (dead_port <= 0
            || run_wait(create_nb, WAIT_MS) || run_wait(create_sb, WAIT_MS)
            || run_wait(create_b, WAIT_MS) || run_wait(start, WAIT_MS)) {
            return false;
        }
        group.pid = read_pidfile(group.pidfile);
        guard_pid(group.pid);
        if (run_wait(start_b, WAIT_MS)) {
            return false;
        }
        group.b_pid = read_pidfile(group.b_pidfile);
        guard_pid(group.b_pid);
    }
    return group.pid > 1 && group.b_pid > 1;
}

static int
group_setup(void **state)
{
    char logfile[128];

    (void) state;
    memset(&group, 0, sizeof group);
    strcpy(group.dir, "/tmp/test-listener.XXXXXX");
    if (!mkdtemp(group.dir)) {
        return -1;
    }
    snprintf(logfile, sizeof logfile, "%s/helper.log", group.dir);
    setenv("HA_LOGFILE", logfile, 1);
    log_init("test-listener");
    if (!in_path("ovsdb-server") || !in_path("ovsdb-tool")
        || access(NB_SCHEMA, R_OK) || access(SB_SCHEMA, R_OK)) {
        print_message("ovsdb-server, ovsdb-tool or the OVN schemas are "
                      "missing: real-server tests fail\n");
        return 0;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
    group.ok = start_servers();
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
    kill_pid(group.b_pid);
    nftw(group.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("HA_LOGFILE");
    return 0;
}

static void
require_servers(void)
{
    if (!group.ok) {
        fail_msg("the test ovsdb-servers did not start (see %s)",
                 group.dir);
    }
}

/* Runs the transaction 'ops' (a JSON array, database first) on 'sock' and
 * returns its result. */
static json_t *
transact(const char *sock, json_t *ops)
{
    struct jsonrpc_conn *conn;
    json_t *result = NULL, *error = NULL;
    size_t i;
    json_t *op;

    assert_int_equal(jsonrpc_open_unix(sock, deadline_after(5000), &conn),
                     0);
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

/* What a database's listener configuration looks like. */
struct seen {
    size_t n_globals;
    char global_uuid[64];
    size_t n_refs;              /* Connections the global row references. */
    char refs[4][64];
    size_t n_conns;
    struct {
        char uuid[64];
        char target[64];
        long long probe;        /* -1 if unset. */
    } conns[4];
};

static void
read_uuid(const json_t *ref, char *buf, size_t size)
{
    const char *s = json_string_value(json_array_get(ref, 1));

    assert_non_null(s);
    assert_string_equal(json_string_value(json_array_get(ref, 0)), "uuid");
    snprintf(buf, size, "%s", s);
}

static void
look(const char *db, const char *table, struct seen *seen)
{
    json_t *result, *rows, *row, *refs;
    size_t i;

    result = transact(group.sock,
                      json_pack("[s{s:s,s:s,s:[]}{s:s,s:s,s:[]}]", db,
                                "op", "select", "table", table, "where",
                                "op", "select", "table", "Connection",
                                "where"));
    memset(seen, 0, sizeof *seen);

    rows = json_object_get(json_array_get(result, 0), "rows");
    seen->n_globals = json_array_size(rows);
    if (seen->n_globals) {
        row = json_array_get(rows, 0);
        read_uuid(json_object_get(row, "_uuid"), seen->global_uuid,
                  sizeof seen->global_uuid);
        refs = json_object_get(row, "connections");
        if (!strcmp(json_string_value(json_array_get(refs, 0)), "uuid")) {
            seen->n_refs = 1;
            read_uuid(refs, seen->refs[0], sizeof seen->refs[0]);
        } else {
            json_t *elems = json_array_get(refs, 1), *e;

            json_array_foreach (elems, i, e) {
                assert_true(i < 4);
                read_uuid(e, seen->refs[i], sizeof seen->refs[i]);
                seen->n_refs++;
            }
        }
    }

    rows = json_object_get(json_array_get(result, 1), "rows");
    seen->n_conns = json_array_size(rows);
    assert_true(seen->n_conns <= 4);
    json_array_foreach (rows, i, row) {
        json_t *probe = json_object_get(row, "inactivity_probe");

        read_uuid(json_object_get(row, "_uuid"), seen->conns[i].uuid,
                  sizeof seen->conns[i].uuid);
        snprintf(seen->conns[i].target, sizeof seen->conns[i].target, "%s",
                 json_string_value(json_object_get(row, "target")));
        seen->conns[i].probe = json_is_integer(probe)
                               ? json_integer_value(probe) : -1;
    }
    json_decref(result);
}

/* Returns the index of the connection with 'target' in 'seen', failing if
 * there is none; checks that the global row references it. */
static size_t
find_conn(const struct seen *seen, const char *target)
{
    size_t i, j;

    for (i = 0; i < seen->n_conns; i++) {
        if (!strcmp(seen->conns[i].target, target)) {
            for (j = 0; j < seen->n_refs; j++) {
                if (!strcmp(seen->refs[j], seen->conns[i].uuid)) {
                    return i;
                }
            }
            fail_msg("%s is not referenced", target);
        }
    }
    fail_msg("no connection with target %s", target);
    return 0;
}

static off_t
file_size(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static bool
wait_port(int port, bool accepts)
{
    long long deadline = deadline_after(WAIT_MS);

    while (port_accepts(port) != accepts) {
        if (deadline_expired(deadline)) {
            return false;
        }
        deadline_sleep(20, deadline);
    }
    return true;
}

/* A fresh NB database: the first call creates NB_Global and the listener,
 * the second changes nothing, later ones follow the probe, the address and
 * the port. */
static void
test_ensure_nb(void **state)
{
    char t1[64], t1b[64], t2[64], uuid[64], global[64];
    struct seen seen;
    size_t i;
    int p1, p2;
    off_t size;

    (void) state;
    require_servers();
    p1 = free_port();
    p2 = free_port();
    assert_true(p1 > 0 && p2 > 0 && p1 != p2);
    snprintf(t1, sizeof t1, "ptcp:%d:127.0.0.1", p1);
    snprintf(t1b, sizeof t1b, "ptcp:%d:127.0.0.2", p1);
    snprintf(t2, sizeof t2, "ptcp:%d:127.0.0.1", p2);

    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_globals, 0);
    assert_int_equal(seen.n_conns, 0);

    assert_int_equal(listener_ensure(group.sock, NB, "NB_Global", t1, 5000,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_int_equal(seen.n_refs, 1);
    assert_int_equal(seen.n_conns, 1);
    i = find_conn(&seen, t1);
    assert_int_equal(seen.conns[i].probe, 5000);
    snprintf(uuid, sizeof uuid, "%s", seen.conns[i].uuid);
    snprintf(global, sizeof global, "%s", seen.global_uuid);
    /* The server listens through it. */
    assert_true(wait_port(p1, true));

    /* Second call: a no-op, nothing written to the database file. */
    size = file_size(group.nb_db);
    assert_int_equal(listener_ensure(group.sock, NB, "NB_Global", t1, 5000,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_int_equal(seen.n_conns, 1);
    assert_string_equal(seen.conns[find_conn(&seen, t1)].uuid, uuid);
    assert_string_equal(seen.global_uuid, global);
    assert_int_equal(file_size(group.nb_db), size);

    /* Another probe: the same row, updated. */
    assert_int_equal(listener_ensure(group.sock, NB, "NB_Global", t1, 60000,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_conns, 1);
    i = find_conn(&seen, t1);
    assert_string_equal(seen.conns[i].uuid, uuid);
    assert_int_equal(seen.conns[i].probe, 60000);

    /* Another address on the same port: the same row, updated. */
    assert_int_equal(listener_ensure(group.sock, NB, "NB_Global", t1b, 0,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_conns, 1);
    i = find_conn(&seen, t1b);
    assert_string_equal(seen.conns[i].uuid, uuid);
    assert_int_equal(seen.conns[i].probe, 0);

    /* Another port: a second listener. */
    assert_int_equal(listener_ensure(group.sock, NB, "NB_Global", t2, 5000,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_string_equal(seen.global_uuid, global);
    assert_int_equal(seen.n_conns, 2);
    assert_int_equal(seen.n_refs, 2);
    assert_int_equal(seen.conns[find_conn(&seen, t2)].probe, 5000);
    assert_string_equal(seen.conns[find_conn(&seen, t1b)].uuid, uuid);
    assert_true(wait_port(p2, true));
}

/* An SB database that "ovn-sbctl init" set up already: the global row is
 * kept and gets the listener. */
static void
test_ensure_sb_existing_global(void **state)
{
    char target[64], global[64];
    struct seen seen;
    json_t *result;
    int port;

    (void) state;
    require_servers();
    port = free_port();
    assert_true(port > 0);
    snprintf(target, sizeof target, "ptcp:%d:127.0.0.1", port);

    result = transact(group.sock,
                      json_pack("[s{s:s,s:s,s:{}}]", SB, "op", "insert",
                                "table", "SB_Global", "row"));
    json_decref(result);
    look(SB, "SB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_int_equal(seen.n_refs, 0);
    snprintf(global, sizeof global, "%s", seen.global_uuid);

    assert_int_equal(listener_ensure(group.sock, SB, "SB_Global", target,
                                     30000, deadline_after(5000)), 0);
    look(SB, "SB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_string_equal(seen.global_uuid, global);
    assert_int_equal(seen.n_conns, 1);
    assert_int_equal(seen.conns[find_conn(&seen, target)].probe, 30000);

    assert_int_equal(listener_ensure(group.sock, SB, "SB_Global", target,
                                     30000, deadline_after(5000)), 0);
    look(SB, "SB_Global", &seen);
    assert_int_equal(seen.n_conns, 1);
}

/* A backup refuses the write: an error, not success. */
static void
test_ensure_backup_fails(void **state)
{
    (void) state;
    require_servers();
    assert_int_not_equal(listener_ensure(group.b_sock, NB, "NB_Global",
                                         "ptcp:6641:127.0.0.1", 5000,
                                         deadline_after(5000)), 0);
}

static void
test_ensure_no_server(void **state)
{
    char sock[160];

    (void) state;
    snprintf(sock, sizeof sock, "%s/nobody.sock", group.dir);
    assert_int_not_equal(listener_ensure(sock, NB, "NB_Global",
                                         "ptcp:6641:127.0.0.1", 5000,
                                         deadline_after(1000)), 0);
}

/* A database the server does not have. */
static void
test_ensure_wrong_db(void **state)
{
    (void) state;
    require_servers();
    assert_int_not_equal(listener_ensure(group.sock, "OVN_IC_Northbound",
                                         "IC_NB_Global",
                                         "ptcp:6645:127.0.0.1", 5000,
                                         deadline_after(5000)), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_no_global),
        cmocka_unit_test(test_plan_up_to_date),
        cmocka_unit_test(test_plan_probe_changed),
        cmocka_unit_test(test_plan_address_changed),
        cmocka_unit_test(test_plan_protocol_changed),
        cmocka_unit_test(test_plan_unrelated),
        cmocka_unit_test(test_plan_malformed),
        cmocka_unit_test(test_ensure_nb),
        cmocka_unit_test(test_ensure_sb_existing_global),
        cmocka_unit_test(test_ensure_backup_fails),
        cmocka_unit_test(test_ensure_no_server),
        cmocka_unit_test(test_ensure_wrong_db),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
