/* SPDX-License-Identifier: Apache-2.0 */
/* The unit tests' shared fixture (see fixture.h). */
#include "unit.h"
#include "fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "jsonrpc.h"

/* ---------------------------------------------------------------------- */
/* Temporary directories. */

void
fixture_tmpdir(const char *name, char *dir, size_t size)
{
    int n = snprintf(dir, size, "/tmp/%s.XXXXXX", name);

    if (n < 0 || (size_t) n >= size) {
        fail_msg("temporary directory name for %s too long", name);
    }
    if (!mkdtemp(dir)) {
        fail_msg("mkdtemp(%s): %s", dir, strerror(errno));
    }
}

static int
open_up(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) ftw;
    if (flag == FTW_D || flag == FTW_DNR) {
        chmod(path, (st->st_mode & 07777) | 0700);
    }
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

void
fixture_rmtree(const char *dir)
{
    if (dir[0]) {
        /* Directories a test made read-only first become readable,
         * searchable and writable (top down), so that their contents can
         * go (bottom up). */
        chmod(dir, 0700);
        nftw(dir, open_up, 16, FTW_PHYS);
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    }
}

/* ---------------------------------------------------------------------- */
/* Processes. */

/* In a forked child: stdin and stdout to /dev/null, stderr appended to
 * 'errfile' (or /dev/null). */
static void
child_redirect(const char *errfile)
{
    int null = open("/dev/null", O_RDWR);
    int err = -1;

    if (errfile) {
        err = open(errfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
    }
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(err >= 0 ? err : null, STDERR_FILENO);
    }
}

/* Forks and execs 'argv' (execvp); the child gets SIGKILL if this process
 * dies first.  Returns the child's pid. */
static pid_t
spawn(const char *const argv[], const char *errfile)
{
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        fail_msg("fork: %s", strerror(errno));
    }
    if (!pid) {
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0L, 0L, 0L);
        child_redirect(errfile);
        execvp(argv[0], (char *const *) argv);
        _exit(127);
    }
    return pid;
}

/* Waits up to 'ms' for child 'pid' to exit and stores its status in
 * '*status'.  Returns 0 or ETIMEDOUT (the child is left running). */
static int
wait_child(pid_t pid, int ms, int *status)
{
    long long deadline = deadline_after(ms);

    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);

        if (r == pid) {
            return 0;
        }
        if (r < 0 && errno != EINTR) {
            return errno;
        }
        if (deadline_expired(deadline)) {
            return ETIMEDOUT;
        }
        deadline_sleep(10, deadline);
    }
}

void
fixture_run_ok(const char *const argv[], const char *errfile)
{
    pid_t pid = spawn(argv, errfile);
    int status = 0;

    if (wait_child(pid, FIXTURE_WAIT_MS, &status)) {
        fixture_stop_pid(pid, 0);
        fail_msg("%s %s: did not exit within %d ms", argv[0],
                 argv[1] ? argv[1] : "", FIXTURE_WAIT_MS);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        fail_msg("%s %s: failed (status %#x; see %s)", argv[0],
                 argv[1] ? argv[1] : "", status,
                 errfile ? errfile : "its stderr, discarded");
    }
}

bool
fixture_process_gone(pid_t pid)
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

static pid_t guarded[16];

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

void
fixture_guard_pid(pid_t pid)
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
    if (pid > 1) {
        fail_msg("more than %zu guarded processes",
                 sizeof guarded / sizeof guarded[0]);
    }
}

void
fixture_unguard_pid(pid_t pid)
{
    size_t i;

    for (i = 0; i < sizeof guarded / sizeof guarded[0]; i++) {
        if (guarded[i] == pid) {
            guarded[i] = 0;
        }
    }
}

/* Polls until 'pid' is gone, for at most 'ms'. */
static bool
wait_gone(pid_t pid, int ms)
{
    long long deadline = deadline_after(ms);

    for (;;) {
        if (fixture_process_gone(pid)) {
            return true;
        }
        if (deadline_expired(deadline)) {
            return false;
        }
        deadline_sleep(10, deadline);
    }
}

int
fixture_stop_pid(pid_t pid, int term_ms)
{
    int error;

    if (pid <= 1) {
        return 0;
    }
    if (term_ms > 0) {
        kill(pid, SIGTERM);
        if (wait_gone(pid, term_ms)) {
            fixture_unguard_pid(pid);
            return 0;
        }
    }
    kill(pid, SIGKILL);
    error = (!wait_gone(pid, FIXTURE_WAIT_MS) ? ESRCH
             : term_ms > 0 ? ETIMEDOUT
             : 0);
    fixture_unguard_pid(pid);
    return error;
}

/* ---------------------------------------------------------------------- */
/* TCP ports. */

static void
loopback(struct sockaddr_in *sin, int port)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin->sin_port = htons(port);
}

void
fixture_port_reserve(struct fixture_port *p)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    int one = 1;

    p->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    p->port = 0;
    if (p->fd < 0) {
        fail_msg("socket: %s", strerror(errno));
    }
    loopback(&sin, 0);
    if (setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)
        || bind(p->fd, (struct sockaddr *) &sin, sizeof sin)
        || getsockname(p->fd, (struct sockaddr *) &sin, &len)) {
        int error = errno;

        close(p->fd);
        p->fd = -1;
        fail_msg("cannot hold a TCP port on 127.0.0.1: %s",
                 strerror(error));
    }
    p->port = ntohs(sin.sin_port);
}

void
fixture_port_release(struct fixture_port *p)
{
    if (p->fd >= 0) {
        close(p->fd);
        p->fd = -1;
    }
}

bool
fixture_port_accepts(int port)
{
    struct sockaddr_in sin;
    bool ok;
    int fd;

    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    loopback(&sin, port);
    ok = !connect(fd, (struct sockaddr *) &sin, sizeof sin);
    close(fd);
    return ok;
}

bool
fixture_port_wait(int port, bool accepts)
{
    long long deadline = deadline_after(FIXTURE_WAIT_MS);

    while (fixture_port_accepts(port) != accepts) {
        if (deadline_expired(deadline)) {
            return false;
        }
        deadline_sleep(20, deadline);
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* ovsdb-server. */

/* Fails unless 'prog' is an executable file in a directory of $PATH. */
static void
require_in_path(const char *prog)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL;
    bool found = false;

    copy = strdup(path ? path : "/usr/bin:/bin");
    assert_non_null(copy);
    for (dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char file[512];

        snprintf(file, sizeof file, "%s/%s", *dir ? dir : ".", prog);
        found = !access(file, X_OK);
    }
    free(copy);
    if (!found) {
        fail_msg("%s is not in PATH (%s): the unit tests need Open "
                 "vSwitch's ovsdb-server and ovsdb-tool (make deps)", prog,
                 path ? path : "unset");
    }
}

static void
require_file(const char *file)
{
    if (access(file, R_OK)) {
        fail_msg("%s: %s: the unit tests need OVN's schemas (make deps)",
                 file, strerror(errno));
    }
}

/* Returns true if a unix socket at 'path' accepts a connection. */
static bool
unix_accepts(const char *path)
{
    struct sockaddr_un sun;
    bool ok;
    int fd;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path) {
        return false;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    ok = !connect(fd, (struct sockaddr *) &sun, sizeof sun);
    close(fd);
    return ok;
}

/* Returns the port that the server logged for FIXTURE_TCP_REMOTE
 * ("0:127.0.0.1: listening on port N", from OVS's socket-util, as OVS's
 * own tests read it), or 0 if it has not logged it yet. */
static int
logged_port(const char *log)
{
    static const char needle[] = "0:127.0.0.1: listening on port ";
    FILE *file = fopen(log, "r");
    char line[512];
    int port = 0;

    if (!file) {
        return 0;
    }
    while (!port && fgets(line, sizeof line, file)) {
        const char *p = strstr(line, needle);

        if (p) {
            port = atoi(p + strlen(needle));
            if (port <= 0 || port > 65535) {
                port = 0;
            }
        }
    }
    fclose(file);
    return port;
}

static void
create_db(const char *db, const char *schema, const char *errfile)
{
    const char *const argv[] = { "ovsdb-tool", "create", db, schema, NULL };

    require_file(schema);
    fixture_run_ok(argv, errfile);
}

#define SERVER_ARGS 16

void
fixture_server_start(struct fixture_server *s, const char *dir,
                     const struct fixture_server_options *o)
{
    char o_ctl[200], o_sock[200], o_log[200], o_sync[200], o_remote[200];
    char errfile[160];
    const char *argv[SERVER_ARGS];
    long long deadline;
    size_t n = 0;

    memset(s, 0, sizeof *s);
    require_in_path("ovsdb-tool");
    require_in_path("ovsdb-server");
    snprintf(s->sock, sizeof s->sock, "%s/%s.sock", dir, o->name);
    snprintf(s->ctl, sizeof s->ctl, "%s/%s.ctl", dir, o->name);
    snprintf(s->log, sizeof s->log, "%s/%s.log", dir, o->name);
    snprintf(errfile, sizeof errfile, "%s/%s.err", dir, o->name);

    argv[n++] = "ovsdb-server";
    if (o->nb) {
        snprintf(s->nb_db, sizeof s->nb_db, "%s/%s-nb.db", dir, o->name);
        create_db(s->nb_db, FIXTURE_NB_SCHEMA, errfile);
        argv[n++] = s->nb_db;
    }
    if (o->sb) {
        snprintf(s->sb_db, sizeof s->sb_db, "%s/%s-sb.db", dir, o->name);
        create_db(s->sb_db, FIXTURE_SB_SCHEMA, errfile);
        argv[n++] = s->sb_db;
    }
    snprintf(o_ctl, sizeof o_ctl, "--unixctl=%s", s->ctl);
    snprintf(o_sock, sizeof o_sock, "--remote=punix:%s", s->sock);
    snprintf(o_log, sizeof o_log, "--log-file=%s", s->log);
    argv[n++] = "--no-chdir";
    argv[n++] = o_ctl;
    argv[n++] = o_sock;
    argv[n++] = o_log;
    argv[n++] = "-vconsole:off";
    if (o->tcp) {
        argv[n++] = "--remote=" FIXTURE_TCP_REMOTE;
    }
    if (o->sync_from) {
        snprintf(o_sync, sizeof o_sync, "--sync-from=%s", o->sync_from);
        argv[n++] = o_sync;
    }
    if (o->remote) {
        snprintf(o_remote, sizeof o_remote, "--remote=%s", o->remote);
        argv[n++] = o_remote;
    }
    argv[n] = NULL;
    assert_true(n < SERVER_ARGS);

    s->pid = spawn(argv, errfile);
    fixture_guard_pid(s->pid);

    /* Ready: both sockets answer, and the TCP port is known. */
    deadline = deadline_after(FIXTURE_WAIT_MS);
    for (;;) {
        int status;

        if (o->tcp && !s->port) {
            s->port = logged_port(s->log);
        }
        if ((!o->tcp || s->port) && unix_accepts(s->ctl)
            && unix_accepts(s->sock)) {
            break;
        }
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            fixture_unguard_pid(s->pid);
            s->pid = 0;
            fail_msg("ovsdb-server %s exited at start-up (status %#x; see "
                     "%s and %s)", o->name, status, errfile, s->log);
        }
        if (deadline_expired(deadline)) {
            fixture_server_stop(s);
            fail_msg("ovsdb-server %s not ready within %d ms (see %s and "
                     "%s)", o->name, FIXTURE_WAIT_MS, errfile, s->log);
        }
        deadline_sleep(10, deadline);
    }
    if (s->port) {
        snprintf(s->target, sizeof s->target, "tcp:127.0.0.1:%d", s->port);
    }
}

int
fixture_server_stop(struct fixture_server *s)
{
    pid_t pid = s->pid;

    if (pid <= 1) {
        return 0;
    }
    s->pid = 0;
    return fixture_stop_pid(pid, FIXTURE_WAIT_MS);
}

json_t *
fixture_transact(const char *sock, json_t *ops)
{
    struct jsonrpc_conn *conn;
    json_t *result = NULL, *error = NULL, *op;
    size_t i;

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
