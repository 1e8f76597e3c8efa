/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/server.c.
 *
 * Parameters come from params_parse() with a small lookup table.  The
 * process tests use real ovsdb-server and ovsdb-tool, and stand-ins: forked
 * children of this process that rename themselves (PR_SET_NAME) to
 * "ovsdb-server" or "ovn-northd".  Everything lives in a fresh temporary
 * directory per test; every process started is killed by pid at the end. */
#include "unit.h"
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "deadline.h"
#include "fixture.h"
#include "jsonrpc.h"
#include "northd.h"
#include "proc.h"
#include "unixctl.h"
#include "log.h"
#include "params.h"

#define NB_SCHEMA FIXTURE_NB_SCHEMA

struct fixture {
    char dir[64];
    char db_dir[128], run_dir[128], log_dir[128];
    pid_t pids[4];              /* Processes to kill at teardown. */
};

/* ---------------------------------------------------------------------- */
/* Helpers. */

struct kv {
    const char *name;
    const char *value;
};

static const char *
lookup(const char *name, void *aux)
{
    const struct kv *kv;

    for (kv = aux; kv && kv->name; kv++) {
        if (!strcmp(kv->name, name)) {
            return kv->value;
        }
    }
    return NULL;
}

static void
parse(const struct kv *kv, struct params *p)
{
    char reason[256] = "";

    if (params_parse(lookup, (void *) kv, p, reason, sizeof reason)) {
        fail_msg("params_parse: %s", reason);
    }
}

/* Parameters for the fixture's directories. */
static void
parse_dirs(const struct fixture *f, struct params *p)
{
    const struct kv kv[] = {
        { .name = "master_ip", .value = "127.0.0.1" },
        { .name = "db_dir", .value = f->db_dir },
        { .name = "run_dir", .value = f->run_dir },
        { .name = "log_dir", .value = f->log_dir },
        { .name = NULL, .value = NULL },
    };

    parse(kv, p);
}

static void
remember_pid(struct fixture *f, pid_t pid)
{
    size_t i;

    for (i = 0; i < sizeof f->pids / sizeof f->pids[0]; i++) {
        if (!f->pids[i]) {
            f->pids[i] = pid;
            fixture_guard_pid(pid);
            return;
        }
    }
    fail_msg("too many processes");
}

/* Forgets 'pid' once it has been reaped, so that the teardown does not
 * signal a pid that may have been reused. */
static void
forget_pid(struct fixture *f, pid_t pid)
{
    size_t i;

    for (i = 0; i < sizeof f->pids / sizeof f->pids[0]; i++) {
        if (f->pids[i] == pid) {
            f->pids[i] = 0;
        }
    }
    fixture_unguard_pid(pid);
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char logfile[128];

    if (!f) {
        return -1;
    }
    fixture_tmpdir("test-server", f->dir, sizeof f->dir);
    snprintf(f->db_dir, sizeof f->db_dir, "%s/lib/ovn", f->dir);
    snprintf(f->run_dir, sizeof f->run_dir, "%s/run/ovn", f->dir);
    snprintf(f->log_dir, sizeof f->log_dir, "%s/log/ovn", f->dir);
    snprintf(logfile, sizeof logfile, "%s/helper.log", f->dir);
    setenv("HA_LOGFILE", logfile, 1);
    log_init("test-server");
    unsetenv("OVN_PKGDATADIR");
    /* Detached daemons become our children, so that we reap them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof f->pids / sizeof f->pids[0]; i++) {
        fixture_stop_pid(f->pids[i], 0);
    }
    fixture_rmtree(f->dir);
    unsetenv("OVN_PKGDATADIR");
    unsetenv("HA_LOGFILE");
    free(f);
    return 0;
}

/* Forks a child that calls itself 'comm' and waits for a signal (ignoring
 * SIGTERM if 'stubborn'), holding a POSIX lock on 'lockfile' if not NULL,
 * as a real daemon holds one on its database or pidfile.  Returns its pid
 * once the name is set and the lock taken. */
static pid_t
spawn_locked(struct fixture *f, const char *comm, bool stubborn,
             const char *lockfile)
{
    long long deadline;
    int p[2];
    pid_t pid;
    char c;

    assert_int_equal(pipe(p), 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        close(p[0]);
        if (stubborn) {
            signal(SIGTERM, SIG_IGN);
        }
        prctl(PR_SET_NAME, comm, 0L, 0L, 0L);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0L, 0L, 0L);
        if (lockfile) {
            struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
            int fd = open(lockfile, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

            if (fd < 0 || fcntl(fd, F_SETLK, &fl)) {
                _exit(1);
            }
        }
        if (write(p[1], "x", 1) != 1) {
            _exit(1);
        }
        for (;;) {
            pause();
        }
    }
    close(p[1]);
    remember_pid(f, pid);
    deadline = deadline_after(5000);
    while (read(p[0], &c, 1) < 0 && errno == EINTR
           && !deadline_expired(deadline)) {
        continue;
    }
    close(p[0]);
    return pid;
}

static pid_t
spawn_named(struct fixture *f, const char *comm, bool stubborn)
{
    return spawn_locked(f, comm, stubborn, NULL);
}

static void
write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");

    assert_non_null(file);
    fputs(text, file);
    assert_int_equal(fclose(file), 0);
}

static void
write_pid(const char *path, long pid)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%ld\n", pid);
    write_file(path, buf);
}

/* Runs 'argv' with child_run() and returns its stdout's first line in
 * 'buf', failing unless it exits with 0. */
static void
run_ok(const char *const argv[], char *buf, size_t size)
{
    struct child_result r;

    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    if (r.status) {
        print_message("%s %s: %s", argv[0], argv[1], r.err);
    }
    assert_int_equal(r.status, 0);
    if (buf) {
        snprintf(buf, size, "%.*s", (int) strcspn(r.out, "\n"), r.out);
    }
    child_result_free(&r);
}

/* Writes the installed NB schema to 'path' with version 'version', and, if
 * 'drop_table', without that table. */
static void
write_schema(const char *path, const char *version, const char *drop_table)
{
    json_error_t err;
    json_t *schema = json_load_file(NB_SCHEMA, 0, &err);

    assert_non_null(schema);
    json_object_set_new(schema, "version", json_string(version));
    if (drop_table) {
        assert_int_equal(json_object_del(json_object_get(schema, "tables"),
                                         drop_table), 0);
    }
    assert_int_equal(json_dump_file(schema, path, JSON_INDENT(1)), 0);
    json_decref(schema);
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_size == b->st_size
           && a->st_mtim.tv_sec == b->st_mtim.tv_sec
           && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Counts the files in 'dir' called 'name' or 'name.N' (N < 100). */
static size_t
count_files(const char *dir, const char *name)
{
    struct stat st;
    char path[512];
    size_t n = 0;
    int i;

    for (i = -1; i < 100; i++) {
        if (i < 0) {
            snprintf(path, sizeof path, "%s/%s", dir, name);
        } else {
            snprintf(path, sizeof path, "%s/%s.%d", dir, name, i);
        }
        n += !stat(path, &st);
    }
    return n;
}

/* ---------------------------------------------------------------------- */
/* Names and paths. */

static void
test_init_nb(void **state)
{
    static const struct kv kv[] = {
        { .name = "master_ip", .value = "192.0.2.10" },
        { .name = "db_dir", .value = "/d/db" },
        { .name = "run_dir", .value = "/r/run" },
        { .name = "log_dir", .value = "/l/log" },
        { .name = NULL, .value = NULL },
    };
    struct server s;
    struct params p;

    (void) state;
    parse(kv, &p);
    server_init(&s, SERVER_NB, &p);
    assert_string_equal(s.db_name, "OVN_Northbound");
    assert_string_equal(s.tag, "NB");
    assert_string_equal(s.global_table, "NB_Global");
    assert_ptr_equal(s.cfg, &p.nb);
    assert_string_equal(s.schema, "/usr/share/ovn/ovn-nb.ovsschema");
    assert_string_equal(s.db_file, "/d/db/ovnnb_db.db");
    assert_string_equal(s.sock, "/r/run/ovnnb_db.sock");
    assert_string_equal(s.ctl, "/r/run/ovnnb_db.ctl");
    assert_string_equal(s.pidfile, "/r/run/ovnnb_db.pid");
    assert_string_equal(s.logfile, "/l/log/ovsdb-server-nb.log");
}

static void
test_init_sb(void **state)
{
    static const struct kv kv[] = {
        { .name = "master_ip", .value = "192.0.2.10" },
        { .name = NULL, .value = NULL },
    };
    struct server s;
    struct params p;

    (void) state;
    parse(kv, &p);
    server_init(&s, SERVER_SB, &p);
    assert_string_equal(s.db_name, "OVN_Southbound");
    assert_string_equal(s.tag, "SB");
    assert_string_equal(s.global_table, "SB_Global");
    assert_ptr_equal(s.cfg, &p.sb);
    assert_string_equal(s.schema, "/usr/share/ovn/ovn-sb.ovsschema");
    assert_string_equal(s.db_file, "/var/lib/ovn/ovnsb_db.db");
    assert_string_equal(s.sock, "/var/run/ovn/ovnsb_db.sock");
    assert_string_equal(s.ctl, "/var/run/ovn/ovnsb_db.ctl");
    assert_string_equal(s.pidfile, "/var/run/ovn/ovnsb_db.pid");
    assert_string_equal(s.logfile, "/var/log/ovn/ovsdb-server-sb.log");
}

static void
test_init_pkgdatadir(void **state)
{
    static const struct kv kv[] = {
        { .name = "master_ip", .value = "192.0.2.10" },
        { .name = NULL, .value = NULL },
    };
    struct server s;
    struct params p;

    (void) state;
    parse(kv, &p);
    setenv("OVN_PKGDATADIR", "/opt/ovn/share", 1);
    server_init(&s, SERVER_NB, &p);
    assert_string_equal(s.schema, "/opt/ovn/share/ovn-nb.ovsschema");
    server_init(&s, SERVER_SB, &p);
    assert_string_equal(s.schema, "/opt/ovn/share/ovn-sb.ovsschema");
    setenv("OVN_PKGDATADIR", "", 1);
    server_init(&s, SERVER_SB, &p);
    assert_string_equal(s.schema, "/usr/share/ovn/ovn-sb.ovsschema");
    unsetenv("OVN_PKGDATADIR");
}

struct target_case {
    const char *ip;
    const char *nb_proto, *sb_proto;
    const char *nb_port, *sb_port;
    const char *only;           /* listen_on_master_ip_only. */
    const char *nb_sync, *sb_sync;
    const char *nb_listen, *sb_listen;
};

static void
test_targets(void **state)
{
    static const struct target_case cases[] = {
        { .ip = "192.0.2.10", .nb_proto = "tcp", .sb_proto = "tcp",
          .nb_port = "6641", .sb_port = "6642", .only = "yes",
          .nb_sync = "tcp:192.0.2.10:6641", .sb_sync = "tcp:192.0.2.10:6642",
          .nb_listen = "ptcp:6641:192.0.2.10",
          .sb_listen = "ptcp:6642:192.0.2.10" },
        { .ip = "fd00::10", .nb_proto = "tcp", .sb_proto = "tcp",
          .nb_port = "6641", .sb_port = "6642", .only = "yes",
          .nb_sync = "tcp:[fd00::10]:6641", .sb_sync = "tcp:[fd00::10]:6642",
          .nb_listen = "ptcp:6641:[fd00::10]",
          .sb_listen = "ptcp:6642:[fd00::10]" },
        { .ip = "192.0.2.10", .nb_proto = "ssl", .sb_proto = "tcp",
          .nb_port = "16641", .sb_port = "16642", .only = "yes",
          .nb_sync = "ssl:192.0.2.10:16641", .sb_sync = "tcp:192.0.2.10:16642",
          .nb_listen = "pssl:16641:192.0.2.10",
          .sb_listen = "ptcp:16642:192.0.2.10" },
        { .ip = "2001:db8::1", .nb_proto = "ssl", .sb_proto = "ssl",
          .nb_port = "6641", .sb_port = "6642", .only = "yes",
          .nb_sync = "ssl:[2001:db8::1]:6641",
          .sb_sync = "ssl:[2001:db8::1]:6642",
          .nb_listen = "pssl:6641:[2001:db8::1]",
          .sb_listen = "pssl:6642:[2001:db8::1]" },
        /* Load-balancer mode: listen everywhere, replicate from the VIP
         * all the same. */
        { .ip = "192.0.2.10", .nb_proto = "tcp", .sb_proto = "ssl",
          .nb_port = "6641", .sb_port = "6642", .only = "no",
          .nb_sync = "tcp:192.0.2.10:6641", .sb_sync = "ssl:192.0.2.10:6642",
          .nb_listen = "ptcp:6641:0.0.0.0", .sb_listen = "pssl:6642:0.0.0.0" },
        { .ip = "fd00::10", .nb_proto = "tcp", .sb_proto = "tcp",
          .nb_port = "6641", .sb_port = "6642", .only = "no",
          .nb_sync = "tcp:[fd00::10]:6641", .sb_sync = "tcp:[fd00::10]:6642",
          .nb_listen = "ptcp:6641:[::]", .sb_listen = "ptcp:6642:[::]" },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct target_case *c = &cases[i];
        const struct kv kv[] = {
            { .name = "master_ip", .value = c->ip },
            { .name = "nb_master_protocol", .value = c->nb_proto },
            { .name = "sb_master_protocol", .value = c->sb_proto },
            { .name = "nb_master_port", .value = c->nb_port },
            { .name = "sb_master_port", .value = c->sb_port },
            { .name = "listen_on_master_ip_only", .value = c->only },
            { .name = NULL, .value = NULL },
        };
        struct server nb, sb;
        struct params p;
        char buf[128];

        parse(kv, &p);
        server_init(&nb, SERVER_NB, &p);
        server_init(&sb, SERVER_SB, &p);
        server_sync_target(&nb, &p, buf, sizeof buf);
        assert_string_equal(buf, c->nb_sync);
        server_sync_target(&sb, &p, buf, sizeof buf);
        assert_string_equal(buf, c->sb_sync);
        server_listen_target(&nb, &p, buf, sizeof buf);
        assert_string_equal(buf, c->nb_listen);
        server_listen_target(&sb, &p, buf, sizeof buf);
        assert_string_equal(buf, c->sb_listen);

        /* Small buffers are cut, not overflowed. */
        {
            char *tiny = malloc(5);

            assert_non_null(tiny);
            server_sync_target(&nb, &p, tiny, 5);
            assert_int_equal(strlen(tiny), 4);
            server_listen_target(&nb, &p, tiny, 5);
            assert_int_equal(strlen(tiny), 4);
            free(tiny);
        }
    }
}

static void
test_db_remote(void **state)
{
    static const struct kv kv[] = {
        { .name = "master_ip", .value = "192.0.2.10" },
        { .name = NULL, .value = NULL },
    };
    struct server s;
    struct params p;
    char buf[128];

    (void) state;
    parse(kv, &p);
    server_init(&s, SERVER_NB, &p);
    server_db_remote(&s, buf, sizeof buf);
    assert_string_equal(buf, "db:OVN_Northbound,NB_Global,connections");
    server_init(&s, SERVER_SB, &p);
    server_db_remote(&s, buf, sizeof buf);
    assert_string_equal(buf, "db:OVN_Southbound,SB_Global,connections");
}

/* ---------------------------------------------------------------------- */
/* server_build_argv(). */

static size_t
argv_count(const char **argv, const char *arg)
{
    size_t n = 0;

    for (; *argv; argv++) {
        n += !strcmp(*argv, arg);
    }
    return n;
}

static size_t
argv_count_prefix(const char **argv, const char *prefix)
{
    size_t n = 0;

    for (; *argv; argv++) {
        n += !strncmp(*argv, prefix, strlen(prefix));
    }
    return n;
}

static void
test_build_argv(void **state)
{
    static const struct kv kv[] = {
        { .name = "master_ip", .value = "192.0.2.10" },
        { .name = "db_dir", .value = "/d/db" },
        { .name = "run_dir", .value = "/r/run" },
        { .name = "log_dir", .value = "/l/log" },
        { .name = NULL, .value = NULL },
    };
    const char *argv[64];
    char store[8192];
    struct server s;
    struct params p;
    size_t n;

    (void) state;
    parse(kv, &p);
    server_init(&s, SERVER_NB, &p);
    assert_int_equal(server_build_argv(&s, "tcp:192.0.2.10:6641", argv, 64,
                                       store, sizeof store), 0);
    for (n = 0; argv[n]; n++) {
        assert_true(n < 63);
    }
    assert_string_equal(argv[0], "ovsdb-server");
    assert_int_equal(argv_count(argv, "/d/db/ovnnb_db.db"), 1);
    assert_int_equal(argv_count(argv, "--sync-from=tcp:192.0.2.10:6641"),
                     1);
    assert_int_equal(argv_count(argv, "--pidfile=/r/run/ovnnb_db.pid"), 1);
    assert_int_equal(argv_count(argv, "--unixctl=/r/run/ovnnb_db.ctl"), 1);
    assert_int_equal(argv_count(argv,
                                "--remote=punix:/r/run/ovnnb_db.sock"), 1);
    assert_int_equal(argv_count(argv,
                                "--log-file=/l/log/ovsdb-server-nb.log"), 1);
    assert_int_equal(argv_count(argv, "--detach"), 1);
    assert_int_equal(argv_count(argv, "--no-chdir"), 1);
    /* A backup must not listen: no remote but the local socket. */
    assert_int_equal(argv_count_prefix(argv, "--remote="), 1);
    assert_int_equal(argv_count_prefix(argv, "--remote=db:"), 0);
    assert_int_equal(argv_count_prefix(argv, "--remote=ptcp"), 0);
    assert_int_equal(argv_count_prefix(argv, "--remote=pssl"), 0);
    /* Not replicating from itself or reusing the SB files. */
    assert_int_equal(argv_count_prefix(argv, "--sync-from="), 1);
    assert_int_equal(argv_count_prefix(argv, "--pidfile="), 1);
    assert_int_equal(argv_count_prefix(argv, "--unixctl="), 1);
    assert_int_equal(argv_count(argv, "--active"), 0);
}

static void
test_build_argv_ssl(void **state)
{
    static const struct kv kv[] = {
        { .name = "master_ip", .value = "fd00::10" },
        { .name = "sb_master_protocol", .value = "ssl" },
        { .name = "ovn_sb_db_privkey", .value = "/k/sb.key" },
        { .name = "ovn_sb_db_cert", .value = "/k/sb.crt" },
        { .name = "ovn_sb_db_cacert", .value = "/k/ca.crt" },
        { .name = NULL, .value = NULL },
    };
    const char *argv[64];
    char store[8192], sync[128];
    struct server s;
    struct params p;

    (void) state;
    parse(kv, &p);
    server_init(&s, SERVER_SB, &p);
    server_sync_target(&s, &p, sync, sizeof sync);
    assert_string_equal(sync, "ssl:[fd00::10]:6642");
    assert_int_equal(server_build_argv(&s, sync, argv, 64, store,
                                       sizeof store), 0);
    assert_string_equal(argv[0], "ovsdb-server");
    assert_int_equal(argv_count(argv, "/var/lib/ovn/ovnsb_db.db"), 1);
    assert_int_equal(argv_count(argv, "--sync-from=ssl:[fd00::10]:6642"),
                     1);
    assert_int_equal(argv_count(argv, "--private-key=/k/sb.key"), 1);
    assert_int_equal(argv_count(argv, "--certificate=/k/sb.crt"), 1);
    assert_int_equal(argv_count(argv, "--ca-cert=/k/ca.crt"), 1);
    assert_int_equal(argv_count_prefix(argv, "--private-key="), 1);
    assert_int_equal(argv_count_prefix(argv, "--certificate="), 1);
    assert_int_equal(argv_count_prefix(argv, "--ca-cert="), 1);
    assert_int_equal(argv_count(argv,
                                "--remote=punix:/var/run/ovn/ovnsb_db.sock"),
                     1);
    assert_int_equal(argv_count_prefix(argv, "--remote="), 1);
    assert_int_equal(argv_count(argv, "--detach"), 1);
}

/* ENOSPC exactly when the arrays are too small, never an overflow: the
 * buffers are allocated at their exact sizes for the sanitizers. */
static void
test_build_argv_enospc(void **state)
{
    static const struct kv kv[] = {
        { .name = "master_ip", .value = "192.0.2.10" },
        { .name = NULL, .value = NULL },
    };
    const char *argv[64], **small_argv;
    char store[8192], *small_store;
    size_t n, bytes, i;
    struct server s;
    struct params p;

    (void) state;
    parse(kv, &p);
    server_init(&s, SERVER_NB, &p);
    assert_int_equal(server_build_argv(&s, "tcp:192.0.2.10:6641", argv, 64,
                                       store, sizeof store), 0);
    for (n = 0, bytes = 0; argv[n]; n++) {
        bytes += strlen(argv[n]) + 1;
    }

    /* Exactly enough. */
    small_argv = malloc((n + 1) * sizeof *small_argv);
    small_store = malloc(bytes);
    assert_non_null(small_argv);
    assert_non_null(small_store);
    assert_int_equal(server_build_argv(&s, "tcp:192.0.2.10:6641",
                                       small_argv, n + 1, small_store,
                                       bytes), 0);
    for (i = 0; i < n; i++) {
        assert_string_equal(small_argv[i], argv[i]);
    }
    assert_null(small_argv[n]);

    /* One pointer or one byte short. */
    assert_int_equal(server_build_argv(&s, "tcp:192.0.2.10:6641",
                                       small_argv, n, small_store, bytes),
                     ENOSPC);
    assert_int_equal(server_build_argv(&s, "tcp:192.0.2.10:6641",
                                       small_argv, n + 1, small_store,
                                       bytes - 1), ENOSPC);
    /* Tiny. */
    assert_int_equal(server_build_argv(&s, "tcp:192.0.2.10:6641",
                                       small_argv, 1, small_store, bytes),
                     ENOSPC);
    assert_int_equal(server_build_argv(&s, "tcp:192.0.2.10:6641",
                                       small_argv, n + 1, small_store, 8),
                     ENOSPC);
    assert_int_equal(server_build_argv(&s, "tcp:192.0.2.10:6641",
                                       small_argv, 0, small_store, 0),
                     ENOSPC);
    free(small_argv);
    free(small_store);
}

/* ---------------------------------------------------------------------- */
/* proc_pidfile_pid(). */

static void
own_comm(char *buf, size_t size)
{
    FILE *file = fopen("/proc/self/comm", "r");

    assert_non_null(file);
    assert_non_null(fgets(buf, size, file));
    fclose(file);
    buf[strcspn(buf, "\n")] = '\0';
}

static void
test_pidfile_pid(void **state)
{
    static const char *const garbage[] = {
        "", "\n", "hello\n", "0\n", "1\n", "-5\n", "   \n", "99999999999\n",
    };
    struct fixture *f = *state;
    char path[160], comm[32];
    pid_t pid, dead;
    size_t i;

    snprintf(path, sizeof path, "%s/test.pid", f->dir);

    /* No pidfile. */
    pid = 42;
    assert_int_equal(proc_pidfile_pid(path, "ovsdb-server", &pid), ESRCH);
    assert_int_equal(pid, 0);

    for (i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        write_file(path, garbage[i]);
        assert_int_equal(proc_pidfile_pid(path, "ovsdb-server", &pid),
                         ESRCH);
    }

    /* A live process that is not an ovsdb-server: ourselves. */
    write_pid(path, (long) getpid());
    assert_int_equal(proc_pidfile_pid(path, "ovsdb-server", &pid), ESRCH);
    own_comm(comm, sizeof comm);
    assert_int_equal(proc_pidfile_pid(path, comm, &pid), 0);
    assert_int_equal(pid, getpid());

    /* Without a newline. */
    {
        char buf[32];

        snprintf(buf, sizeof buf, "%ld", (long) getpid());
        write_file(path, buf);
        assert_int_equal(proc_pidfile_pid(path, comm, &pid), 0);
        assert_int_equal(pid, getpid());
    }

    /* A process that is gone. */
    fflush(stdout);
    fflush(stderr);
    dead = fork();
    assert_true(dead >= 0);
    if (!dead) {
        _exit(0);
    }
    assert_int_equal(waitpid(dead, NULL, 0), dead);
    write_pid(path, (long) dead);
    assert_int_equal(proc_pidfile_pid(path, comm, &pid), ESRCH);

    /* A directory where the pidfile should be. */
    unlink(path);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_not_equal(proc_pidfile_pid(path, "ovsdb-server", &pid), 0);
    rmdir(path);
}

/* A live process called ovsdb-server counts; once a zombie, no more. */
static void
test_pidfile_pid_named(void **state)
{
    struct fixture *f = *state;
    char path[160];
    pid_t child, pid;
    long long deadline;

    snprintf(path, sizeof path, "%s/fake.pid", f->dir);
    child = spawn_named(f, "ovsdb-server", false);
    write_pid(path, (long) child);
    assert_int_equal(proc_pidfile_pid(path, "ovsdb-server", &pid), 0);
    assert_int_equal(pid, child);
    assert_int_equal(proc_pidfile_pid(path, "ovn-northd", &pid), ESRCH);

    /* Killed but not reaped: a zombie. */
    kill(child, SIGKILL);
    deadline = deadline_after(5000);
    for (;;) {
        char stat_path[64], buf[512], *paren;
        FILE *file;

        snprintf(stat_path, sizeof stat_path, "/proc/%ld/stat",
                 (long) child);
        file = fopen(stat_path, "r");
        assert_non_null(file);
        assert_non_null(fgets(buf, sizeof buf, file));
        fclose(file);
        paren = strrchr(buf, ')');
        if (paren && paren[2] == 'Z') {
            break;
        }
        assert_false(deadline_expired(deadline));
        deadline_sleep(5, deadline);
    }
    assert_int_equal(proc_pidfile_pid(path, "ovsdb-server", &pid), ESRCH);
}

/* ---------------------------------------------------------------------- */
/* server_prepare_db(). */

static void
prepare(const struct fixture *f, struct server *s, struct params *p,
        int expect, char *msg, size_t size)
{
    int error;

    parse_dirs(f, p);
    server_init(s, SERVER_NB, p);
    msg[0] = '\0';
    error = server_prepare_db(s, p, deadline_after(20000), msg, size);
    if (error != expect) {
        print_message("server_prepare_db: %d (%s)\n", error, msg);
    }
    assert_int_equal(error, expect);
    if (expect) {
        assert_true(strlen(msg) > 0);
    }
}

static void
test_prepare_creates(void **state)
{
    struct fixture *f = *state;
    char msg[512], version[64], schema_version[64];
    struct stat st1, st2, dir;
    struct server s;
    struct params p;

    prepare(f, &s, &p, 0, msg, sizeof msg);
    assert_int_equal(stat(f->db_dir, &dir), 0);
    assert_true(S_ISDIR(dir.st_mode));
    assert_int_equal(stat(f->run_dir, &dir), 0);
    assert_int_equal(stat(f->log_dir, &dir), 0);
    assert_int_equal(stat(s.db_file, &st1), 0);
    assert_true(st1.st_size > 0);
    {
        const char *argv1[] = { "ovsdb-tool", "db-name", s.db_file, NULL };
        const char *argv2[] = { "ovsdb-tool", "db-version", s.db_file,
                                NULL };
        const char *argv3[] = { "ovsdb-tool", "schema-version", NB_SCHEMA,
                                NULL };

        run_ok(argv1, version, sizeof version);
        assert_string_equal(version, "OVN_Northbound");
        run_ok(argv2, version, sizeof version);
        run_ok(argv3, schema_version, sizeof schema_version);
        assert_string_equal(version, schema_version);
    }

    /* Again: untouched. */
    prepare(f, &s, &p, 0, msg, sizeof msg);
    assert_int_equal(stat(s.db_file, &st2), 0);
    assert_true(same_file(&st1, &st2));
}

static void
test_prepare_no_schema(void **state)
{
    struct fixture *f = *state;
    char msg[512], empty[160];
    struct server s;
    struct params p;
    struct stat st;

    snprintf(empty, sizeof empty, "%s/empty", f->dir);
    assert_int_equal(mkdir(empty, 0755), 0);
    setenv("OVN_PKGDATADIR", empty, 1);
    prepare(f, &s, &p, ENOENT, msg, sizeof msg);
    assert_non_null(strstr(msg, s.schema));
    assert_int_not_equal(stat(s.db_file, &st), 0);
}

/* A file that is not a database: an error, and the file stays. */
static void
test_prepare_garbage_db(void **state)
{
    struct fixture *f = *state;
    struct stat st1, st2;
    struct server s;
    struct params p;
    char msg[512];

    parse_dirs(f, &p);
    server_init(&s, SERVER_NB, &p);
    {
        char lib[160];

        snprintf(lib, sizeof lib, "%s/lib", f->dir);
        mkdir(lib, 0755);
        mkdir(f->db_dir, 0755);
    }
    write_file(s.db_file, "this is not an OVSDB file\n");
    assert_int_equal(stat(s.db_file, &st1), 0);
    msg[0] = '\0';
    assert_int_not_equal(server_prepare_db(&s, &p, deadline_after(20000),
                                           msg, sizeof msg), 0);
    assert_true(strlen(msg) > 0);
    assert_int_equal(stat(s.db_file, &st2), 0);
    assert_true(same_file(&st1, &st2));
}

/* Creates the fixture's NB database from a copy of the installed schema
 * with 'version' (and without 'drop_table'). */
static void
create_db_with(const struct fixture *f, const struct server *s,
               const char *version, const char *drop_table)
{
    char schema[160], lib[160];

    snprintf(lib, sizeof lib, "%s/lib", f->dir);
    mkdir(lib, 0755);
    mkdir(f->db_dir, 0755);
    snprintf(schema, sizeof schema, "%s/custom.ovsschema", f->dir);
    write_schema(schema, version, drop_table);
    {
        const char *argv[] = { "ovsdb-tool", "create", s->db_file, schema,
                               NULL };

        run_ok(argv, NULL, 0);
    }
}

/* An older database is converted, with a copy kept aside. */
static void
test_prepare_converts_older(void **state)
{
    struct fixture *f = *state;
    char msg[512], version[64], schema_version[64], aside[256];
    struct server s;
    struct params p;
    struct stat st;

    parse_dirs(f, &p);
    server_init(&s, SERVER_NB, &p);
    create_db_with(f, &s, "1.0.0", NULL);

    prepare(f, &s, &p, 0, msg, sizeof msg);
    {
        const char *argv1[] = { "ovsdb-tool", "db-version", s.db_file,
                                NULL };
        const char *argv2[] = { "ovsdb-tool", "schema-version", NB_SCHEMA,
                                NULL };

        run_ok(argv1, version, sizeof version);
        run_ok(argv2, schema_version, sizeof schema_version);
        assert_string_equal(version, schema_version);
    }
    snprintf(aside, sizeof aside, "%s.backup-1.0.0", s.db_file);
    assert_int_equal(stat(aside, &st), 0);
    {
        const char *argv[] = { "ovsdb-tool", "db-version", aside, NULL };

        run_ok(argv, version, sizeof version);
        assert_string_equal(version, "1.0.0");
    }

    /* Up to date now: no second copy. */
    prepare(f, &s, &p, 0, msg, sizeof msg);
    {
        char name[64];

        snprintf(name, sizeof name, "ovnnb_db.db.backup-1.0.0");
        assert_int_equal(count_files(f->db_dir, name), 1);
    }
}

/* A newer database is refused and left alone. */
static void
test_prepare_refuses_newer(void **state)
{
    struct fixture *f = *state;
    struct stat st1, st2;
    char msg[512], aside[256];
    struct server s;
    struct params p;

    parse_dirs(f, &p);
    server_init(&s, SERVER_NB, &p);
    create_db_with(f, &s, "999.0.0", NULL);
    assert_int_equal(stat(s.db_file, &st1), 0);

    prepare(f, &s, &p, EINVAL, msg, sizeof msg);
    assert_non_null(strstr(msg, "999.0.0"));
    assert_int_equal(stat(s.db_file, &st2), 0);
    assert_true(same_file(&st1, &st2));
    snprintf(aside, sizeof aside, "%s.backup-999.0.0", s.db_file);
    assert_int_not_equal(stat(aside, &st2), 0);
}

/* Same version, different schema: left alone. */
static void
test_prepare_same_version_differs(void **state)
{
    struct fixture *f = *state;
    char msg[512], version[64];
    struct stat st1, st2;
    struct server s;
    struct params p;

    parse_dirs(f, &p);
    server_init(&s, SERVER_NB, &p);
    {
        const char *argv[] = { "ovsdb-tool", "schema-version", NB_SCHEMA,
                               NULL };

        run_ok(argv, version, sizeof version);
    }
    create_db_with(f, &s, version, "Static_MAC_Binding");
    assert_int_equal(stat(s.db_file, &st1), 0);
    prepare(f, &s, &p, 0, msg, sizeof msg);
    assert_int_equal(stat(s.db_file, &st2), 0);
    assert_true(same_file(&st1, &st2));
}

/* A clustered database is refused and left alone. */
static void
test_prepare_refuses_clustered(void **state)
{
    struct fixture *f = *state;
    struct stat st1, st2;
    char msg[512], lib[160];
    struct server s;
    struct params p;

    parse_dirs(f, &p);
    server_init(&s, SERVER_NB, &p);
    snprintf(lib, sizeof lib, "%s/lib", f->dir);
    mkdir(lib, 0755);
    mkdir(f->db_dir, 0755);
    {
        const char *argv[] = { "ovsdb-tool", "create-cluster", s.db_file,
                               NB_SCHEMA, "tcp:127.0.0.1:6643", NULL };

        run_ok(argv, NULL, 0);
    }
    assert_int_equal(stat(s.db_file, &st1), 0);
    prepare(f, &s, &p, EINVAL, msg, sizeof msg);
    assert_non_null(strstr(msg, "clustered"));
    assert_int_equal(stat(s.db_file, &st2), 0);
    assert_true(same_file(&st1, &st2));
}

/* ---------------------------------------------------------------------- */
/* Starting and stopping. */

static void
test_start_stop(void **state)
{
    struct fixture *f = *state;
    char msg[512], sync[64], *reply, *err;
    struct server s;
    struct params p;
    struct stat st;
    struct fixture_port port;
    pid_t pid, pid2;

    fixture_port_reserve(&port);
    snprintf(sync, sizeof sync, "tcp:127.0.0.1:%d", port.port);
    prepare(f, &s, &p, 0, msg, sizeof msg);

    assert_int_equal(server_pid(&s, &pid), ESRCH);
    msg[0] = '\0';
    if (server_start(&s, sync, false, deadline_after(20000), msg,
                     sizeof msg)) {
        fail_msg("server_start: %s", msg);
    }
    assert_int_equal(server_pid(&s, &pid), 0);
    remember_pid(f, pid);
    assert_int_equal(proc_pidfile_pid(s.pidfile, "ovsdb-server", &pid2),
                     0);
    assert_int_equal(pid, pid2);
    assert_int_equal(stat(s.sock, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(stat(s.logfile, &st), 0);

    /* It answers, as a backup of 'sync', listening on nothing but its
     * local socket. */
    assert_int_equal(unixctl_call(s.ctl,
                                     "ovsdb-server/get-active-ovsdb-server",
                                     NULL, 0, deadline_after(5000), &reply,
                                     &err), 0);
    assert_non_null(reply);
    reply[strcspn(reply, "\n")] = '\0';
    assert_string_equal(reply, sync);
    free(reply);
    assert_int_equal(unixctl_call(s.ctl, "ovsdb-server/list-remotes",
                                     NULL, 0, deadline_after(5000), &reply,
                                     &err), 0);
    assert_non_null(reply);
    {
        char want[200];

        snprintf(want, sizeof want, "punix:%s", s.sock);
        reply[strcspn(reply, "\n")] = '\0';
        assert_string_equal(reply, want);
    }
    free(reply);
    assert_int_equal(unixctl_call(s.ctl, "ovsdb-server/sync-status",
                                     NULL, 0, deadline_after(5000), &reply,
                                     &err), 0);
    assert_non_null(strstr(reply, "state: backup"));
    free(reply);

    /* Stop: gone, pidfile removed. */
    assert_int_equal(server_stop(&s, deadline_after(10000)), 0);
    assert_true(fixture_process_gone(pid));
    forget_pid(f, pid);
    assert_int_not_equal(stat(s.pidfile, &st), 0);
    assert_int_equal(server_pid(&s, &pid2), ESRCH);

    /* Stopping a stopped server. */
    assert_int_equal(server_stop(&s, deadline_after(10000)), 0);
    fixture_port_release(&port);
}

/* A database that cannot be opened: an error with an explanation. */
static void
test_start_fails(void **state)
{
    struct fixture *f = *state;
    struct server s;
    struct params p;
    char msg[512];
    pid_t pid;

    parse_dirs(f, &p);
    server_init(&s, SERVER_NB, &p);
    {
        char d[160];

        snprintf(d, sizeof d, "%s/run", f->dir);
        mkdir(d, 0755);
        mkdir(f->run_dir, 0755);
        snprintf(d, sizeof d, "%s/log", f->dir);
        mkdir(d, 0755);
        mkdir(f->log_dir, 0755);
    }
    msg[0] = '\0';
    assert_int_not_equal(server_start(&s, "tcp:127.0.0.1:1", false,
                                      deadline_after(20000), msg,
                                      sizeof msg), 0);
    assert_true(strlen(msg) > 0);
    assert_int_equal(server_pid(&s, &pid), ESRCH);
}

/* A server that ignores "exit" and SIGTERM is killed. */
static void
test_stop_escalates(void **state)
{
    struct fixture *f = *state;
    struct server s;
    struct params p;
    struct stat st;
    long long start;
    pid_t child, pid;
    char msg[256];

    parse_dirs(f, &p);
    server_init(&s, SERVER_NB, &p);
    {
        char d[160];

        snprintf(d, sizeof d, "%s/run", f->dir);
        mkdir(d, 0755);
        mkdir(f->run_dir, 0755);
    }
    assert_int_equal(server_make_dirs(&p, msg, sizeof msg), 0);
    child = spawn_locked(f, "ovsdb-server", true, s.lockfile);
    write_pid(s.pidfile, (long) child);
    assert_int_equal(server_pid(&s, &pid), 0);
    assert_int_equal(pid, child);

    start = clock_mono_ms();
    assert_int_equal(server_stop(&s, deadline_after(1500)), 0);
    assert_true(clock_mono_ms() - start <= 1500 + 300);
    assert_true(fixture_process_gone(child));
    forget_pid(f, child);
    assert_int_not_equal(stat(s.pidfile, &st), 0);
}

/* A server that exits on SIGTERM is not kept waiting for SIGKILL. */
static void
test_stop_sigterm(void **state)
{
    struct fixture *f = *state;
    struct server s;
    struct params p;
    long long start;
    pid_t child;
    char msg[256];
    int status;

    parse_dirs(f, &p);
    server_init(&s, SERVER_NB, &p);
    {
        char d[160];

        snprintf(d, sizeof d, "%s/run", f->dir);
        mkdir(d, 0755);
        mkdir(f->run_dir, 0755);
    }
    assert_int_equal(server_make_dirs(&p, msg, sizeof msg), 0);
    child = spawn_locked(f, "ovsdb-server", false, s.lockfile);
    write_pid(s.pidfile, (long) child);
    start = clock_mono_ms();
    assert_int_equal(server_stop(&s, deadline_after(6000)), 0);
    assert_true(clock_mono_ms() - start < 4000);
    assert_int_equal(waitpid(child, &status, 0), child);
    forget_pid(f, child);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
}

/* ovn-northd's pidfile and stop. */
static void
test_northd_pid_stop(void **state)
{
    struct fixture *f = *state;
    char pidfile[192];
    struct params p;
    pid_t child, pid;

    parse_dirs(f, &p);
    {
        char d[160];

        snprintf(d, sizeof d, "%s/run", f->dir);
        mkdir(d, 0755);
        mkdir(f->run_dir, 0755);
    }
    assert_int_equal(northd_pid(&p, &pid), ESRCH);
    assert_int_equal(northd_stop(&p, deadline_after(2000)), 0);

    snprintf(pidfile, sizeof pidfile, "%s/ovn-northd.pid", f->run_dir);
    child = spawn_named(f, "ovsdb-server", false);
    write_pid(pidfile, (long) child);
    assert_int_equal(northd_pid(&p, &pid), ESRCH);
    fixture_stop_pid(child, 0);
    forget_pid(f, child);

    child = spawn_locked(f, "ovn-northd", false, pidfile);
    write_pid(pidfile, (long) child);
    assert_int_equal(northd_pid(&p, &pid), 0);
    assert_int_equal(pid, child);
    assert_int_equal(northd_stop(&p, deadline_after(6000)), 0);
    assert_true(fixture_process_gone(child));
    forget_pid(f, child);
    assert_int_equal(northd_pid(&p, &pid), ESRCH);
}

int
main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_init_nb),
        T(test_init_sb),
        T(test_init_pkgdatadir),
        T(test_targets),
        T(test_db_remote),
        T(test_build_argv),
        T(test_build_argv_ssl),
        T(test_build_argv_enospc),
        T(test_pidfile_pid),
        T(test_pidfile_pid_named),
        T(test_prepare_creates),
        T(test_prepare_no_schema),
        T(test_prepare_garbage_db),
        T(test_prepare_converts_older),
        T(test_prepare_refuses_newer),
        T(test_prepare_same_version_differs),
        T(test_prepare_refuses_clustered),
        T(test_start_stop),
        T(test_start_fails),
        T(test_stop_escalates),
        T(test_stop_sigterm),
        T(test_northd_pid_stop),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
