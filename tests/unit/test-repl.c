/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/repl.c.
 *
 * syncstat_parse() is tested against sync-status texts stored as files in
 * tests/fixtures/sync-status/ (OVS 3.1 and OVS >= 3.3 layouts), each also
 * with its trailing newlines removed and with extra ones.  The directory is
 * tests/fixtures/sync-status relative to the current directory (make runs
 * the tests from the top of the tree), or else $FIXTURES_DIR.
 *
 * repl_parse_target() is table-tested.
 *
 * The other functions are tested against two real ovsdb-servers with the NB
 * schema: A, active, listening on 127.0.0.1 on a port the kernel picks
 * (ptcp:0), and B, a backup of A.  They are the shared fixture's, started
 * once for the group and stopped by pid at the end.  Each test leaves them
 * as it found them: A active, B a backup of A, and no NB_Global row.  The
 * replication source checks also use a held TCP port where nothing
 * listens, and one of this process's own that never answers. */
#include "unit.h"
#include "unixctl.h"
#include "clock.h"
#include "repl.h"
#include "syncstat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "fixture.h"
#include "jsonrpc.h"
#include "log.h"

#define NB FIXTURE_NB
#define SB FIXTURE_SB

/* ---------------------------------------------------------------------- */
/* Parsing. */

static const char *
fixtures_dir(void)
{
    static const char local[] = "tests/fixtures/sync-status";
    const char *env = getenv("FIXTURES_DIR");
    struct stat st;

    if (!stat(local, &st) && S_ISDIR(st.st_mode)) {
        return local;
    }
    return env && env[0] ? env : local;
}

/* Returns the contents of fixture 'name' (malloc()'d). */
static char *
load_fixture(const char *name)
{
    char path[512];
    struct stat st;
    char *text;
    FILE *file;

    snprintf(path, sizeof path, "%s/%s", fixtures_dir(), name);
    file = fopen(path, "r");
    if (!file) {
        fail_msg("%s: %s (run from the top of the tree or set "
                 "FIXTURES_DIR)", path, strerror(errno));
    }
    assert_int_equal(fstat(fileno(file), &st), 0);
    text = calloc(1, st.st_size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, st.st_size, file), st.st_size);
    fclose(file);
    assert_null(strchr(text, '\r'));
    assert_int_equal(strlen(text), st.st_size);
    return text;
}

struct parse_case {
    const char *file;
    const char *db;
    int error;
    enum repl_role role;
    enum repl_link link;
    const char *target;
};

static void
check_parse(const char *what, const char *text, const struct parse_case *c)
{
    struct repl_status st;
    int error;

    memset(&st, 0x5a, sizeof st);
    error = syncstat_parse(text, c->db, &st);
    if (error != c->error
        || (!error && (st.role != c->role || st.link != c->link
                       || strcmp(st.target, c->target)))) {
        print_message("%s (%s) for %s: error %d role %s link %s "
                      "target '%.*s'\n", c->file, what, c->db, error,
                      repl_role_name(st.role), repl_link_name(st.link),
                      (int) sizeof st.target, st.target);
    }
    assert_int_equal(error, c->error);
    assert_non_null(memchr(st.target, '\0', sizeof st.target));
    if (!error) {
        assert_int_equal(st.role, c->role);
        assert_int_equal(st.link, c->link);
        assert_string_equal(st.target, c->target);
    } else {
        assert_int_equal(st.role, REPL_ROLE_UNKNOWN);
        assert_int_equal(st.link, REPL_LINK_NONE);
        assert_string_equal(st.target, "");
    }
}

/* Checks case 'c' on its fixture as stored, without trailing newline, and
 * with one and two trailing newlines. */
static void
check_fixture(const struct parse_case *c)
{
    char *text = load_fixture(c->file);
    size_t len = strlen(text);
    char *variant = malloc(len + 3);

    assert_non_null(variant);
    check_parse("as stored", text, c);

    while (len && text[len - 1] == '\n') {
        len--;
    }
    memcpy(variant, text, len);
    variant[len] = '\0';
    check_parse("no trailing newline", variant, c);
    strcpy(variant + len, "\n");
    check_parse("one trailing newline", variant, c);
    strcpy(variant + len, "\n\n");
    check_parse("blank line at the end", variant, c);

    free(variant);
    free(text);
}

#define ACTIVE REPL_ROLE_ACTIVE
#define BACKUP REPL_ROLE_BACKUP
#define NONE REPL_LINK_NONE
#define CONNECTING REPL_LINK_CONNECTING
#define REPLICATING REPL_LINK_REPLICATING
#define NOT_CONNECTED REPL_LINK_NOT_CONNECTED

static void
run_cases(const struct parse_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        check_fixture(&cases[i]);
    }
}

static void
test_parse_ovs31(void **state)
{
    static const struct parse_case cases[] = {
        { .file = "ovs31-active.txt", .db = NB, .error = 0, .role = ACTIVE,
          .link = NONE, .target = "" },
        /* An active 3.1 server names no database: it speaks for all. */
        { .file = "ovs31-active.txt", .db = SB, .error = 0, .role = ACTIVE,
          .link = NONE, .target = "" },
        { .file = "ovs31-backup-connecting.txt", .db = NB, .error = 0,
          .role = BACKUP, .link = CONNECTING,
          .target = "tcp:127.0.0.1:16699" },
        { .file = "ovs31-backup-connecting.txt", .db = SB, .error = 0,
          .role = BACKUP, .link = CONNECTING,
          .target = "tcp:127.0.0.1:16699" },
        { .file = "ovs31-backup-replicating.txt", .db = NB, .error = 0,
          .role = BACKUP, .link = REPLICATING,
          .target = "tcp:127.0.0.1:16641" },
        { .file = "ovs31-backup-exclude.txt", .db = NB, .error = 0,
          .role = BACKUP, .link = REPLICATING,
          .target = "tcp:127.0.0.1:16641" },
        { .file = "ovs31-not-connected.txt", .db = NB, .error = 0,
          .role = BACKUP, .link = NOT_CONNECTED,
          .target = "tcp:127.0.0.1:16641" },
        /* Replicating another database than the one asked for. */
        { .file = "ovs31-backup-replicating.txt", .db = SB, .error = EINVAL,
          .role = 0, .link = 0, .target = "" },
        { .file = "ovs31-backup-exclude.txt", .db = SB, .error = EINVAL,
          .role = 0, .link = 0, .target = "" },
    };

    (void) state;
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void
test_parse_ovs33(void **state)
{
    static const struct parse_case cases[] = {
        { .file = "ovs33-active.txt", .db = NB, .error = 0, .role = ACTIVE,
          .link = NONE, .target = "" },
        { .file = "ovs33-backup-replicating.txt", .db = NB, .error = 0,
          .role = BACKUP, .link = REPLICATING,
          .target = "tcp:192.0.2.10:6641" },
        { .file = "ovs33-backup-connecting.txt", .db = NB, .error = 0,
          .role = BACKUP, .link = CONNECTING,
          .target = "tcp:192.0.2.10:6641" },
        { .file = "ovs33-not-connected.txt", .db = NB, .error = 0,
          .role = BACKUP, .link = NOT_CONNECTED,
          .target = "tcp:192.0.2.10:6641" },
        /* The asked-for database is the second block. */
        { .file = "ovs33-two-dbs.txt", .db = NB, .error = 0, .role = BACKUP,
          .link = REPLICATING, .target = "tcp:[fd00::10]:6641" },
        { .file = "ovs33-two-dbs.txt", .db = SB, .error = 0, .role = ACTIVE,
          .link = NONE, .target = "" },
        { .file = "ovs33-no-ab-db.txt", .db = NB, .error = 0, .role = ACTIVE,
          .link = NONE, .target = "" },
        { .file = "ovs33-no-ab-db.txt", .db = SB, .error = 0, .role = ACTIVE,
          .link = NONE, .target = "" },
        /* 3.4: no trailing newline. */
        { .file = "ovs34-backup-replicating.txt", .db = SB, .error = 0,
          .role = BACKUP, .link = REPLICATING,
          .target = "tcp:192.0.2.10:6642" },
        /* Databases the text does not name. */
        { .file = "ovs33-active.txt", .db = SB, .error = EINVAL, .role = 0,
          .link = 0, .target = "" },
        { .file = "ovs33-backup-replicating.txt", .db = SB, .error = EINVAL,
          .role = 0, .link = 0, .target = "" },
        { .file = "ovs33-two-dbs.txt", .db = "OVN_IC_Northbound",
          .error = EINVAL, .role = 0, .link = 0, .target = "" },
        { .file = "ovs34-backup-replicating.txt", .db = NB, .error = EINVAL,
          .role = 0, .link = 0, .target = "" },
    };

    (void) state;
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

/* Real OVS 3.5.0 output (Debian 13) of one server holding both databases:
 * while connecting, no blank line separates the blocks. */
static void
test_parse_ovs35(void **state)
{
    static const struct parse_case cases[] = {
        { "ovs35-two-dbs-connecting.txt", NB, 0, BACKUP, CONNECTING,
          "unix:/run/ovn/nobody.sock" },
        { "ovs35-two-dbs-connecting.txt", SB, 0, BACKUP, CONNECTING,
          "unix:/run/ovn/nobody.sock" },
        { "ovs35-two-dbs-replicating.txt", NB, 0, BACKUP, REPLICATING,
          "unix:/run/ovn/a.sock" },
        { "ovs35-two-dbs-replicating.txt", SB, 0, BACKUP, REPLICATING,
          "unix:/run/ovn/a.sock" },
        { "ovs35-two-dbs-connecting.txt", "OVN_IC_Northbound", EINVAL, 0, 0,
          "" },
    };

    (void) state;
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

/* syncstat_uses_source(): every database listed uses the source. */
static void
test_uses_source(void **state)
{
    static const struct {
        const char *file;
        const char *target;
        bool uses;
    } cases[] = {
        { "ovs31-backup-connecting.txt", "tcp:127.0.0.1:16699", true },
        { "ovs31-backup-replicating.txt", "tcp:127.0.0.1:16641", true },
        { "ovs31-not-connected.txt", "tcp:127.0.0.1:16641", true },
        { "ovs31-backup-replicating.txt", "tcp:127.0.0.1:1664", false },
        { "ovs31-active.txt", "tcp:127.0.0.1:16641", false },
        { "ovs33-backup-replicating.txt", "tcp:192.0.2.10:6641", true },
        { "ovs33-backup-connecting.txt", "tcp:192.0.2.10:6641", true },
        { "ovs33-backup-replicating.txt", "tcp:192.0.2.11:6641", false },
        /* One database backup, the other active. */
        { "ovs33-two-dbs.txt", "tcp:[fd00::10]:6641", false },
        { "ovs33-no-ab-db.txt", "tcp:192.0.2.10:6641", false },
        { "ovs35-two-dbs-connecting.txt", "unix:/run/ovn/nobody.sock",
          true },
        { "ovs35-two-dbs-replicating.txt", "unix:/run/ovn/a.sock", true },
        { "ovs35-two-dbs-replicating.txt", "unix:/run/ovn/nobody.sock",
          false },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = load_fixture(cases[i].file);

        if (syncstat_uses_source(text, cases[i].target) != cases[i].uses) {
            print_message("%s, %s: expected %d\n", cases[i].file,
                          cases[i].target, cases[i].uses);
        }
        assert_int_equal(syncstat_uses_source(text, cases[i].target),
                         cases[i].uses);
        free(text);
    }
    /* The second database still uses the old source. */
    assert_false(syncstat_uses_source("database: A\nstate: backup\n"
                                  "replicating: tcp:1.2.3.4:1\n"
                                  "database: B\nstate: backup\n"
                                  "connecting: tcp:1.2.3.5:1\n",
                                  "tcp:1.2.3.4:1"));
    assert_false(syncstat_uses_source("", "tcp:1.2.3.4:1"));
    assert_false(syncstat_uses_source("state: backup\n", "tcp:1.2.3.4:1"));
}

/* Texts given inline, for what needs no fixture. */
static void
check_text(const char *text, const char *db, int error, enum repl_role role,
           enum repl_link link, const char *target)
{
    struct parse_case c = {
        .file = "(inline)", .db = db, .error = error, .role = role,
          .link = link, .target = target
    };

    check_parse(text, text, &c);
}

static void
test_parse_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "\n",
        "\n\n\n",
        "garbage",
        "hello world\nthis is not\nsync-status\n",
        "\x01\x02\x03\xff\xfe",
        "state:active\n",
        "State: active\n",
        " state: active\n",
        "database: OVN_Northbound\n",
        "database: OVN_Northbound\nreplicating: tcp:1.2.3.4:6641\n",
        "replicating: tcp:1.2.3.4:6641\n",
        "{\"error\":\"state: active\"}",
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        check_text(bad[i], NB, EINVAL, 0, 0, "");
    }
}

static void
test_parse_unknown_state(void **state)
{
    (void) state;
    /* A state that is neither active nor backup is still a state. */
    check_text("state: standby\n", NB, 0, REPL_ROLE_UNKNOWN, NONE, "");
    check_text("database: OVN_Northbound\nstate: passive\n", NB, 0,
               REPL_ROLE_UNKNOWN, NONE, "");
}

/* The state line of another block does not leak into the one asked for,
 * in either order. */
static void
test_parse_block_isolation(void **state)
{
    (void) state;
    check_text("database: OVN_Northbound\nstate: backup\n"
               "replicating: tcp:192.0.2.1:6641\n\n"
               "database: OVN_Southbound\nstate: active\n", SB, 0,
               ACTIVE, NONE, "");
    check_text("database: OVN_Northbound\nstate: backup\n"
               "replicating: tcp:192.0.2.1:6641\n\n"
               "database: OVN_Southbound\nstate: active\n", NB, 0,
               BACKUP, REPLICATING, "tcp:192.0.2.1:6641");
    /* A database name that is a prefix of another. */
    check_text("database: OVN_Northbound_2\nstate: active\n\n"
               "database: OVN_Northbound\nstate: backup\n"
               "connecting: tcp:192.0.2.1:6641\n", NB, 0, BACKUP,
               CONNECTING, "tcp:192.0.2.1:6641");
    check_text("database: OVN_Northbound_2\nstate: active\n", NB, EINVAL,
               0, 0, "");
    /* Trailing spaces are not part of values. */
    check_text("state: backup  \nconnecting: tcp:192.0.2.1:6641  \n", NB, 0,
               BACKUP, CONNECTING, "tcp:192.0.2.1:6641");
}

/* Overlong lines are cut, never overflowed. */
static void
test_parse_long_lines(void **state)
{
    char text[2048], name[1100];
    struct repl_status st;

    (void) state;
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(text, sizeof text, "state: backup\nreplicating: tcp:%s\n",
             name);
    assert_int_equal(syncstat_parse(text, NB, &st), 0);
    assert_int_equal(st.role, BACKUP);
    assert_int_equal(st.link, REPLICATING);
    assert_true(strlen(st.target) < sizeof st.target);
    assert_true(!strncmp(st.target, "tcp:xxx", 7));

    snprintf(text, sizeof text, "database: %s\nstate: active\n", name);
    assert_int_equal(syncstat_parse(text, NB, &st), EINVAL);
    assert_int_equal(syncstat_parse(text, name, &st), EINVAL);
}

static void
test_names(void **state)
{
    (void) state;
    assert_string_equal(repl_role_name(REPL_ROLE_UNKNOWN), "unknown");
    assert_string_equal(repl_role_name(REPL_ROLE_ACTIVE), "active");
    assert_string_equal(repl_role_name(REPL_ROLE_BACKUP), "backup");
    assert_string_equal(repl_role_name((enum repl_role) 42), "unknown");
    assert_string_equal(repl_link_name(REPL_LINK_NONE), "none");
    assert_string_equal(repl_link_name(REPL_LINK_CONNECTING), "connecting");
    assert_string_equal(repl_link_name(REPL_LINK_REPLICATING),
                        "replicating");
    assert_string_equal(repl_link_name(REPL_LINK_NOT_CONNECTED),
                        "not connected");
    assert_string_equal(repl_link_name((enum repl_link) 42), "none");
}

struct target_case {
    const char *target;
    int error;
    const char *host;
    int port;
    bool ssl;
};

static void
test_parse_target(void **state)
{
    static const struct target_case cases[] = {
        { .target = "tcp:127.0.0.1:6641", .error = 0, .host = "127.0.0.1",
          .port = 6641, .ssl = false },
        { .target = "ssl:192.0.2.10:6642", .error = 0, .host = "192.0.2.10",
          .port = 6642, .ssl = true },
        { .target = "tcp:192.0.2.10:1", .error = 0, .host = "192.0.2.10",
          .port = 1, .ssl = false },
        { .target = "tcp:192.0.2.10:65535", .error = 0, .host = "192.0.2.10",
          .port = 65535, .ssl = false },
        { .target = "tcp:[fd00::10]:6641", .error = 0, .host = "fd00::10",
          .port = 6641, .ssl = false },
        { .target = "ssl:[::1]:6642", .error = 0, .host = "::1", .port = 6642,
          .ssl = true },
        { .target = "tcp:[fe80::1%eth0]:6641", .error = 0,
          .host = "fe80::1%eth0", .port = 6641, .ssl = false },
        /* Bad forms. */
        { .target = "", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
        { .target = "tcp:", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
        { .target = "ssl:", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
        { .target = "tcp:127.0.0.1", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
        { .target = "tcp:127.0.0.1:", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
        { .target = "tcp:127.0.0.1:0", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "tcp:127.0.0.1:65536", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "tcp:127.0.0.1:-1", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "tcp:127.0.0.1:66x", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "tcp:127.0.0.1:99999999999999999999", .error = EINVAL,
          .host = NULL, .port = 0, .ssl = false },
        { .target = "tcp::6641", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
        { .target = "tcp:[]:6641", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
        { .target = "tcp:[fd00::10]", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
        { .target = "tcp:[fd00::10]6641", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "tcp:[fd00::10:6641", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "tcp:[fd00::10]:", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "tcp:[fd00::10]:0", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "unix:/run/ovn/ovnnb_db.sock", .error = EINVAL,
          .host = NULL, .port = 0, .ssl = false },
        { .target = "ptcp:6641:127.0.0.1", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "pssl:6641:127.0.0.1", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "TCP:127.0.0.1:6641", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "udp:127.0.0.1:6641", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "tcp127.0.0.1:6641", .error = EINVAL, .host = NULL,
          .port = 0, .ssl = false },
        { .target = "127.0.0.1:6641", .error = EINVAL, .host = NULL, .port = 0,
          .ssl = false },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct target_case *c = &cases[i];
        char host[64];
        bool ssl = !c->ssl;
        int port = -7, error;

        memset(host, 'x', sizeof host);
        error = repl_parse_target(c->target, host, sizeof host, &port,
                                  &ssl);
        if (error != c->error
            || (!error && (strcmp(host, c->host) || port != c->port
                           || ssl != c->ssl))) {
            print_message("'%s': error %d host '%.*s' port %d ssl %d\n",
                          c->target, error, (int) sizeof host, host, port,
                          (int) ssl);
        }
        assert_int_equal(error, c->error);
        if (!error) {
            assert_string_equal(host, c->host);
            assert_int_equal(port, c->port);
            assert_int_equal(ssl, c->ssl);
        }
    }
}

/* A host that does not fit the buffer is an error, not a truncation. */
static void
test_parse_target_host_size(void **state)
{
    char host[10];
    bool ssl;
    int port;

    (void) state;
    assert_int_equal(repl_parse_target("tcp:192.0.2.1:6641", host,
                                       sizeof host, &port, &ssl), 0);
    assert_string_equal(host, "192.0.2.1");
    assert_int_equal(repl_parse_target("tcp:192.0.2.10:6641", host,
                                       sizeof host, &port, &ssl), EINVAL);
    assert_int_equal(repl_parse_target("tcp:[fd00::1234]:6641", host,
                                       sizeof host, &port, &ssl), EINVAL);
    assert_int_equal(repl_parse_target("tcp:[fd00::123]:6641", host,
                                       sizeof host, &port, &ssl), 0);
    assert_string_equal(host, "fd00::123");
}

/* ---------------------------------------------------------------------- */
/* Real servers. */

struct group {
    char dir[64];
    struct fixture_server a;    /* Active, listening on TCP. */
    struct fixture_server b;    /* A backup of A. */
};

static struct group group;

static int
group_setup(void **state)
{
    static const struct fixture_server_options a = {
        .name = "a", .nb = true, .tcp = true,
    };
    struct fixture_server_options b = { .name = "b", .nb = true };
    char logfile[128];

    (void) state;
    memset(&group, 0, sizeof group);
    fixture_tmpdir("test-repl", group.dir, sizeof group.dir);
    snprintf(logfile, sizeof logfile, "%s/helper.log", group.dir);
    setenv("HA_LOGFILE", logfile, 1);
    log_init("test-repl");
    fixture_server_start(&group.a, group.dir, &a);
    b.sync_from = group.a.target;
    fixture_server_start(&group.b, group.dir, &b);
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    fixture_server_stop(&group.b);
    fixture_server_stop(&group.a);
    fixture_rmtree(group.dir);
    unsetenv("HA_LOGFILE");
    return 0;
}

/* Polls 'ctl' until its status is 'role', 'link' and (unless NULL)
 * 'target', for at most FIXTURE_WAIT_MS.  Returns the last status in '*st'. */
static bool
wait_status(const char *ctl, enum repl_role role, enum repl_link link,
            const char *target, struct repl_status *st)
{
    long long deadline = deadline_after(FIXTURE_WAIT_MS);

    for (;;) {
        int error = repl_get_status(ctl, NB, deadline_after(2000), st);

        if (!error && st->role == role && st->link == link
            && (!target || !strcmp(st->target, target))) {
            return true;
        }
        if (deadline_expired(deadline)) {
            print_message("%s: error %d, role %s, link %s, target '%s'\n",
                          ctl, error, repl_role_name(st->role),
                          repl_link_name(st->link), st->target);
            return false;
        }
        deadline_sleep(20, deadline);
    }
}

static bool
writable(const struct fixture_server *s)
{
    bool w = true;

    assert_int_equal(repl_probe_writable(s->sock, NB, deadline_after(5000),
                                         &w), 0);
    return w;
}

/* The server's own idea of its source. */
static char *
get_active(const struct fixture_server *s)
{
    char *reply = NULL, *err = NULL;

    assert_int_equal(unixctl_call(s->ctl,
                                     "ovsdb-server/get-active-ovsdb-server",
                                     NULL, 0, deadline_after(5000), &reply,
                                     &err), 0);
    assert_null(err);
    assert_non_null(reply);
    reply[strcspn(reply, "\n")] = '\0';
    return reply;
}

static void
test_real_active(void **state)
{
    struct repl_status st;

    (void) state;
    memset(&st, 0x5a, sizeof st);
    assert_int_equal(repl_get_status(group.a.ctl, NB, deadline_after(5000),
                                     &st), 0);
    assert_int_equal(st.role, REPL_ROLE_ACTIVE);
    assert_int_equal(st.link, REPL_LINK_NONE);
    assert_string_equal(st.target, "");
    assert_true(writable(&group.a));
}

static void
test_real_backup(void **state)
{
    struct repl_status st;
    bool w = true;

    (void) state;
    assert_int_equal(repl_get_status(group.b.ctl, NB, deadline_after(5000),
                                     &st), 0);
    assert_int_equal(st.role, REPL_ROLE_BACKUP);
    assert_true(wait_status(group.b.ctl, REPL_ROLE_BACKUP,
                            REPL_LINK_REPLICATING, group.a.target, &st));
    /* Read-only: the probe answers, and says no. */
    assert_int_equal(repl_probe_writable(group.b.sock, NB,
                                         deadline_after(5000), &w), 0);
    assert_false(w);
}

/* Promotion of the backup, and back. */
static void
test_real_make_active_and_backup(void **state)
{
    struct repl_status st;
    char *active;

    (void) state;
    assert_true(wait_status(group.b.ctl, REPL_ROLE_BACKUP,
                            REPL_LINK_REPLICATING, group.a.target, &st));

    assert_int_equal(repl_make_active(group.b.ctl, deadline_after(5000)), 0);
    assert_int_equal(repl_get_status(group.b.ctl, NB, deadline_after(5000),
                                     &st), 0);
    assert_int_equal(st.role, REPL_ROLE_ACTIVE);
    assert_int_equal(st.link, REPL_LINK_NONE);
    assert_true(writable(&group.b));

    /* Idempotent. */
    assert_int_equal(repl_make_active(group.b.ctl, deadline_after(5000)), 0);
    assert_true(writable(&group.b));

    assert_int_equal(repl_make_backup(group.b.ctl, group.a.target, 60000,
                                      deadline_after(FIXTURE_WAIT_MS)), 0);
    assert_int_equal(repl_get_status(group.b.ctl, NB, deadline_after(5000),
                                     &st), 0);
    assert_int_equal(st.role, REPL_ROLE_BACKUP);
    active = get_active(&group.b);
    assert_string_equal(active, group.a.target);
    free(active);
    assert_true(wait_status(group.b.ctl, REPL_ROLE_BACKUP,
                            REPL_LINK_REPLICATING, group.a.target, &st));
    assert_false(writable(&group.b));

    /* A was never touched. */
    assert_true(writable(&group.a));
}

/* A backup re-pointed to another source follows it, and back. */
static void
test_real_make_backup_repoints(void **state)
{
    struct fixture_port port;
    char dead[64], *active;
    struct repl_status st;

    (void) state;
    fixture_port_reserve(&port);
    snprintf(dead, sizeof dead, "tcp:127.0.0.1:%d", port.port);

    assert_int_equal(repl_make_backup(group.b.ctl, dead, 5000,
                                      deadline_after(FIXTURE_WAIT_MS)), 0);
    active = get_active(&group.b);
    assert_string_equal(active, dead);
    free(active);
    assert_int_equal(repl_get_status(group.b.ctl, NB, deadline_after(5000),
                                     &st), 0);
    assert_int_equal(st.role, REPL_ROLE_BACKUP);
    assert_string_equal(st.target, dead);
    assert_true(st.link == REPL_LINK_CONNECTING
                || st.link == REPL_LINK_NOT_CONNECTED);
    assert_false(writable(&group.b));

    assert_int_equal(repl_make_backup(group.b.ctl, group.a.target, 60000,
                                      deadline_after(FIXTURE_WAIT_MS)), 0);
    assert_true(wait_status(group.b.ctl, REPL_ROLE_BACKUP,
                            REPL_LINK_REPLICATING, group.a.target, &st));
    fixture_port_release(&port);
}

/* Counts the lines of list-remotes on 'ctl' equal to 'remote'. */
static int
count_remote(const char *ctl, const char *remote)
{
    char *reply = NULL, *err = NULL, *line, *save = NULL;
    int n = 0;

    assert_int_equal(unixctl_call(ctl, "ovsdb-server/list-remotes", NULL,
                                     0, deadline_after(5000), &reply, &err),
                     0);
    assert_null(err);
    assert_non_null(reply);
    for (line = strtok_r(reply, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        n += !strcmp(line, remote);
    }
    free(reply);
    return n;
}

static void
test_real_set_remote(void **state)
{
    struct fixture_port held;
    char remote[64];
    int port;

    (void) state;
    fixture_port_reserve(&held);
    port = held.port;
    snprintf(remote, sizeof remote, "ptcp:%d:127.0.0.1", port);
    assert_false(fixture_port_accepts(port));

    assert_int_equal(repl_set_remote(group.a.ctl, remote, true,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, remote), 1);
    assert_true(fixture_port_wait(port, true));

    /* Again: nothing changes. */
    assert_int_equal(repl_set_remote(group.a.ctl, remote, true,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, remote), 1);
    assert_true(fixture_port_accepts(port));

    assert_int_equal(repl_set_remote(group.a.ctl, remote, false,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, remote), 0);
    assert_true(fixture_port_wait(port, false));

    /* Removing what is not there is no error. */
    assert_int_equal(repl_set_remote(group.a.ctl, remote, false,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, remote), 0);

    /* The other remotes were left alone. */
    {
        char punix[200];

        snprintf(punix, sizeof punix, "punix:%s", group.a.sock);
        assert_int_equal(count_remote(group.a.ctl, punix), 1);
        assert_int_equal(count_remote(group.a.ctl, FIXTURE_TCP_REMOTE), 1);
    }
    fixture_port_release(&held);
}

/* The remote the agent really uses, and a remote whose text is a prefix
 * of one that is configured. */
static void
test_real_set_remote_db(void **state)
{
    static const char db_remote[] = "db:" NB ",NB_Global,connections";
    char longer[64], shorter[64];
    struct fixture_port port;

    (void) state;
    assert_int_equal(repl_set_remote(group.a.ctl, db_remote, true,
                                     deadline_after(5000)), 0);
    assert_int_equal(repl_set_remote(group.a.ctl, db_remote, true,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, db_remote), 1);
    assert_int_equal(repl_set_remote(group.a.ctl, db_remote, false,
                                     deadline_after(5000)), 0);
    assert_int_equal(repl_set_remote(group.a.ctl, db_remote, false,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, db_remote), 0);

    /* "ptcp:PORT:127.0.0.10" is configured; "ptcp:PORT:127.0.0.1" is not,
     * though it is a prefix of the former. */
    fixture_port_reserve(&port);
    snprintf(longer, sizeof longer, "ptcp:%d:127.0.0.10", port.port);
    snprintf(shorter, sizeof shorter, "ptcp:%d:127.0.0.1", port.port);
    assert_int_equal(repl_set_remote(group.a.ctl, longer, true,
                                     deadline_after(5000)), 0);
    assert_int_equal(repl_set_remote(group.a.ctl, shorter, true,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, shorter), 1);
    assert_int_equal(count_remote(group.a.ctl, longer), 1);
    assert_int_equal(repl_set_remote(group.a.ctl, shorter, false,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, shorter), 0);
    assert_int_equal(count_remote(group.a.ctl, longer), 1);
    assert_int_equal(repl_set_remote(group.a.ctl, longer, false,
                                     deadline_after(5000)), 0);
    assert_int_equal(count_remote(group.a.ctl, longer), 0);
    fixture_port_release(&port);
}

/* Nobody at the sockets. */
static void
test_real_errors(void **state)
{
    char ctl[160], sock[160];
    struct repl_status st;
    bool w = true;

    (void) state;
    snprintf(ctl, sizeof ctl, "%s/nobody.ctl", group.dir);
    snprintf(sock, sizeof sock, "%s/nobody.sock", group.dir);
    assert_int_not_equal(repl_get_status(ctl, NB, deadline_after(1000),
                                         &st), 0);
    assert_int_not_equal(repl_probe_writable(sock, NB, deadline_after(1000),
                                             &w), 0);
    assert_false(w);
    assert_int_not_equal(repl_make_active(ctl, deadline_after(1000)), 0);
    assert_int_not_equal(repl_make_backup(ctl, "tcp:127.0.0.1:1", 1000,
                                          deadline_after(1000)), 0);
    assert_int_not_equal(repl_set_remote(ctl, "ptcp:1:127.0.0.1", true,
                                         deadline_after(1000)), 0);
}

/* The probe on a database the server does not have is an error, not
 * "read-only". */
static void
test_real_probe_wrong_db(void **state)
{
    bool w = true;

    (void) state;
    assert_int_not_equal(repl_probe_writable(group.a.sock, SB,
                                             deadline_after(5000), &w), 0);
    assert_false(w);
}

/* Runs the transaction 'ops' (a JSON array, database first) on 'sock',
 * every operation of which must succeed. */
static void
transact(const char *sock, json_t *ops)
{
    json_decref(fixture_transact(sock, ops));
}

static bool
is_uuid(const char *s)
{
    size_t i;

    if (strlen(s) != 36) {
        return false;
    }
    for (i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i])) {
            return false;
        }
    }
    return true;
}

/* The server IDs, locally and through the TCP listener of the replication
 * source. */
static void
test_real_server_ids(void **state)
{
    char id_a[64], id_a2[64], id_b[64], id_src[64];
    struct repl_status st;

    (void) state;
    memset(id_a, 'x', sizeof id_a);
    assert_int_equal(repl_local_id(group.a.sock, deadline_after(5000),
                                   id_a), 0);
    assert_true(is_uuid(id_a));
    assert_int_equal(repl_local_id(group.a.sock, deadline_after(5000),
                                   id_a2), 0);
    assert_string_equal(id_a, id_a2);
    assert_int_equal(repl_local_id(group.b.sock, deadline_after(5000),
                                   id_b), 0);
    assert_true(is_uuid(id_b));
    assert_string_not_equal(id_a, id_b);

    /* A's listener is B's source: the same server. */
    memset(id_src, 'x', sizeof id_src);
    assert_int_equal(repl_source_id(group.a.target, deadline_after(5000),
                                    id_src), 0);
    assert_string_equal(id_src, id_a);
    assert_true(wait_status(group.b.ctl, REPL_ROLE_BACKUP,
                            REPL_LINK_REPLICATING, group.a.target, &st));
    assert_int_equal(repl_source_id(st.target, deadline_after(5000),
                                    id_src), 0);
    assert_string_equal(id_src, id_a);
    assert_string_not_equal(id_src, id_b);
}

static void
test_real_source_id_errors(void **state)
{
    struct fixture_port port;
    char target[64], id[64];
    long long start;
    int error;

    (void) state;
    /* ssl: not checked. */
    memset(id, 'x', sizeof id);
    snprintf(target, sizeof target, "ssl:127.0.0.1:%d", group.a.port);
    assert_int_equal(repl_source_id(target, deadline_after(5000), id),
                     ENOTSUP);
    assert_string_equal(id, "");

    /* Not a target. */
    memset(id, 'x', sizeof id);
    assert_int_equal(repl_source_id("punix:/nowhere", deadline_after(5000),
                                    id), EINVAL);
    assert_string_equal(id, "");

    /* Nothing listens. */
    fixture_port_reserve(&port);
    snprintf(target, sizeof target, "tcp:127.0.0.1:%d", port.port);
    memset(id, 'x', sizeof id);
    start = clock_mono_ms();
    error = repl_source_id(target, deadline_after(2000), id);
    if (error != ECONNREFUSED) {
        print_message("%s: %s\n", target, strerror(error));
    }
    assert_true(error > 0);
    assert_int_not_equal(error, ENOTSUP);
    assert_true(clock_mono_ms() - start < 2000 + 500);
    assert_string_equal(id, "");
    fixture_port_release(&port);

    /* No server socket. */
    {
        char sock[160];

        snprintf(sock, sizeof sock, "%s/nobody.sock", group.dir);
        assert_true(repl_local_id(sock, deadline_after(1000), id) > 0);
    }
}

/* A source that accepts the connection but never answers: the deadline
 * holds. */
static void
test_real_source_id_silent(void **state)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    char target[64], id[64];
    long long start, took;
    int fd, error;

    (void) state;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *) &sin, sizeof sin), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
    snprintf(target, sizeof target, "tcp:127.0.0.1:%d",
             (int) ntohs(sin.sin_port));

    start = clock_mono_ms();
    error = repl_source_id(target, deadline_after(300), id);
    took = clock_mono_ms() - start;
    close(fd);
    assert_int_equal(error, ETIMEDOUT);
    assert_true(took >= 250);
    assert_true(took < 300 + 500);
    assert_string_equal(id, "");
}

/* Polls repl_has_data() on 'sock' until it is 'want', for at most
 * FIXTURE_WAIT_MS. */
static bool
wait_has_data(const char *sock, bool want)
{
    long long deadline = deadline_after(FIXTURE_WAIT_MS);

    for (;;) {
        bool has = !want;
        int error = repl_has_data(sock, NB, "NB_Global",
                                  deadline_after(2000), &has);

        if (!error && has == want) {
            return true;
        }
        if (deadline_expired(deadline)) {
            print_message("%s: error %d, has_data %d\n", sock, error,
                          (int) has);
            return false;
        }
        deadline_sleep(20, deadline);
    }
}

/* A backup whose source came back after its reconnection back-off grew:
 * repl_make_backup() pointing it at that same source gets it replicating at
 * once.  OVS 3.1's connect-active always opened a fresh session; OVS >= 3.3
 * keeps the session of a backup pointed again at its current source, with
 * its back-off (1, 2, 4, 8 s), unless the server is made to change source.
 * The source is a third server, C, stopped and started again on its port
 * (removing a listener does not close the sessions it accepted). */
static void
test_real_make_backup_fresh_session(void **state)
{
    struct fixture_server_options opts = { .name = "c", .nb = true };
    char remote[64], target[64];
    struct fixture_server c;
    struct fixture_port port;
    struct repl_status st;
    long long start, took;

    (void) state;
    fixture_port_reserve(&port);
    snprintf(remote, sizeof remote, "ptcp:%d:127.0.0.1", port.port);
    snprintf(target, sizeof target, "tcp:127.0.0.1:%d", port.port);
    opts.remote = remote;
    fixture_server_start(&c, group.dir, &opts);
    assert_true(fixture_port_wait(port.port, true));
    assert_int_equal(repl_make_backup(group.b.ctl, target, 60000,
                                      deadline_after(FIXTURE_WAIT_MS)), 0);
    assert_true(wait_status(group.b.ctl, REPL_ROLE_BACKUP,
                            REPL_LINK_REPLICATING, target, &st));

    /* The source goes away: B retries after 1, 2 then 4 s.  3.5 s after the
     * loss its next try is about 3.5 s away.  (sync-status still says
     * "replicating" meanwhile, on 3.1 and 3.5: replication is proven by
     * the data, a row written in the new C.) */
    fixture_server_stop(&c);
    deadline_sleep(3500, deadline_after(3500));
    assert_int_equal(unlink(c.nb_db), 0);
    fixture_server_start(&c, group.dir, &opts);
    assert_true(fixture_port_wait(port.port, true));
    json_decref(fixture_transact(c.sock,
                                 json_pack("[s{s:s,s:s,s:{s:[s,[[s,s]]]}}]",
                                           NB, "op", "insert", "table",
                                           "NB_Global", "row",
                                           "external_ids", "map", "test",
                                           "fresh-session")));

    start = clock_mono_ms();
    assert_int_equal(repl_make_backup(group.b.ctl, target, 60000,
                                      deadline_after(FIXTURE_WAIT_MS)), 0);
    assert_true(wait_has_data(group.b.sock, true));
    took = clock_mono_ms() - start;
    print_message("B has C's row %lld ms after repl_make_backup()\n", took);
    assert_true(took < 1500);
    assert_false(writable(&group.b));

    /* Back to A. */
    assert_int_equal(repl_make_backup(group.b.ctl, group.a.target, 60000,
                                      deadline_after(FIXTURE_WAIT_MS)), 0);
    assert_true(wait_status(group.b.ctl, REPL_ROLE_BACKUP,
                            REPL_LINK_REPLICATING, group.a.target, &st));
    assert_true(wait_has_data(group.b.sock, false));
    fixture_server_stop(&c);
    fixture_port_release(&port);
}

static void
test_real_has_data(void **state)
{
    bool has = true;

    (void) state;
    /* A fresh database. */
    assert_int_equal(repl_has_data(group.a.sock, NB, "NB_Global",
                                   deadline_after(5000), &has), 0);
    assert_false(has);
    assert_true(wait_has_data(group.b.sock, false));

    transact(group.a.sock,
             json_pack("[s{s:s,s:s,s:{s:[s,[[s,s]]]}}]", NB, "op",
                       "insert", "table", "NB_Global", "row",
                       "external_ids", "map", "test", "has-data"));
    assert_int_equal(repl_has_data(group.a.sock, NB, "NB_Global",
                                   deadline_after(5000), &has), 0);
    assert_true(has);
    /* It replicates to the backup, which answers while read-only. */
    assert_true(wait_has_data(group.b.sock, true));

    /* Another table of the schema is empty. */
    has = true;
    assert_int_equal(repl_has_data(group.a.sock, NB, "Logical_Switch",
                                   deadline_after(5000), &has), 0);
    assert_false(has);

    /* Leave the servers as they were. */
    transact(group.a.sock,
             json_pack("[s{s:s,s:s,s:[]}]", NB, "op", "delete", "table",
                       "NB_Global", "where"));
    assert_true(wait_has_data(group.a.sock, false));
    assert_true(wait_has_data(group.b.sock, false));
}

static void
test_real_has_data_errors(void **state)
{
    char sock[160];
    bool has = true;

    (void) state;
    /* A table or a database the server does not have. */
    assert_true(repl_has_data(group.a.sock, NB, "SB_Global",
                              deadline_after(5000), &has) > 0);
    assert_false(has);
    has = true;
    assert_true(repl_has_data(group.a.sock, SB, "SB_Global",
                              deadline_after(5000), &has) > 0);
    assert_false(has);
    /* Nobody at the socket. */
    snprintf(sock, sizeof sock, "%s/nobody.sock", group.dir);
    has = true;
    assert_true(repl_has_data(sock, NB, "NB_Global", deadline_after(1000),
                              &has) > 0);
    assert_false(has);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ovs31),
        cmocka_unit_test(test_parse_ovs33),
        cmocka_unit_test(test_parse_ovs35),
        cmocka_unit_test(test_uses_source),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_unknown_state),
        cmocka_unit_test(test_parse_block_isolation),
        cmocka_unit_test(test_parse_long_lines),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse_target),
        cmocka_unit_test(test_parse_target_host_size),
        cmocka_unit_test(test_real_active),
        cmocka_unit_test(test_real_backup),
        cmocka_unit_test(test_real_make_active_and_backup),
        cmocka_unit_test(test_real_make_backup_repoints),
        cmocka_unit_test(test_real_make_backup_fresh_session),
        cmocka_unit_test(test_real_set_remote),
        cmocka_unit_test(test_real_set_remote_db),
        cmocka_unit_test(test_real_errors),
        cmocka_unit_test(test_real_probe_wrong_db),
        cmocka_unit_test(test_real_server_ids),
        cmocka_unit_test(test_real_source_id_errors),
        cmocka_unit_test(test_real_source_id_silent),
        cmocka_unit_test(test_real_has_data),
        cmocka_unit_test(test_real_has_data_errors),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
