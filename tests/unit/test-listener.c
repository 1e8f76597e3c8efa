/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/listener.c.
 *
 * listener_plan() is fed hand-written select results and its operations are
 * compared, as JSON, with the expected ones.  listener_ensure() runs against
 * a real ovsdb-server holding a fresh NB and an SB database (the shared
 * fixture's, started once for the group and stopped by pid at the end),
 * and its effect is read back with selects over jsonrpc; a second server,
 * a backup of a port where nothing listens, is the read-only case. */
#include "unit.h"
#include "listener.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "deadline.h"
#include "fixture.h"
#include "log.h"

#define NB FIXTURE_NB
#define SB FIXTURE_SB

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

/* A change of protocol on the same port (nb_master_protocol tcp -> ssl, or
 * back) updates our row.  Were it planned as an insert + mutate, the
 * global row would reference both "ptcp:6641:IP" and "pssl:6641:IP":
 * ovsdb-server would bind the port for one of them and fail with "Address
 * already in use" for the other, and which one clients got would depend on
 * hash order.  listener_same_port() compares only the ports of two
 * passive targets, not their protocols. */
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
    struct fixture_port dead;   /* The backup's source: nothing listens. */
    struct fixture_server a;    /* NB and SB, active. */
    struct fixture_server b;    /* NB, a backup: read-only. */
};

static struct group group;

static int
group_setup(void **state)
{
    const struct fixture_server_options a = {
        .name = "a", .nb = true, .sb = true,
        .remote = "db:" NB ",NB_Global,connections",
    };
    struct fixture_server_options b = { .name = "b", .nb = true };
    char logfile[128], sync[64];

    (void) state;
    memset(&group, 0, sizeof group);
    group.dead.fd = -1;
    fixture_tmpdir("test-listener", group.dir, sizeof group.dir);
    snprintf(logfile, sizeof logfile, "%s/helper.log", group.dir);
    setenv("HA_LOGFILE", logfile, 1);
    log_init("test-listener");
    fixture_port_reserve(&group.dead);
    snprintf(sync, sizeof sync, "tcp:127.0.0.1:%d", group.dead.port);
    b.sync_from = sync;
    fixture_server_start(&group.a, group.dir, &a);
    fixture_server_start(&group.b, group.dir, &b);
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    fixture_server_stop(&group.a);
    fixture_server_stop(&group.b);
    fixture_port_release(&group.dead);
    fixture_rmtree(group.dir);
    unsetenv("HA_LOGFILE");
    return 0;
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

    result = fixture_transact(group.a.sock,
                              json_pack("[s{s:s,s:s,s:[]}{s:s,s:s,s:[]}]",
                                        db, "op", "select", "table", table,
                                        "where", "op", "select", "table",
                                        "Connection", "where"));
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

/* A fresh NB database: the first call creates NB_Global and the listener,
 * the second changes nothing, later ones follow the probe, the address and
 * the port. */
static void
test_ensure_nb(void **state)
{
    char t1[64], t1b[64], t2[64], uuid[64], global[64];
    struct fixture_port r1, r2;
    struct seen seen;
    size_t i;
    int p1, p2;
    off_t size;

    (void) state;
    fixture_port_reserve(&r1);
    fixture_port_reserve(&r2);
    p1 = r1.port;
    p2 = r2.port;
    snprintf(t1, sizeof t1, "ptcp:%d:127.0.0.1", p1);
    snprintf(t1b, sizeof t1b, "ptcp:%d:127.0.0.2", p1);
    snprintf(t2, sizeof t2, "ptcp:%d:127.0.0.1", p2);

    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_globals, 0);
    assert_int_equal(seen.n_conns, 0);

    assert_int_equal(listener_ensure(group.a.sock, NB, "NB_Global", t1, 5000,
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
    assert_true(fixture_port_wait(p1, true));

    /* Second call: a no-op, nothing written to the database file. */
    size = file_size(group.a.nb_db);
    assert_int_equal(listener_ensure(group.a.sock, NB, "NB_Global", t1, 5000,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_int_equal(seen.n_conns, 1);
    assert_string_equal(seen.conns[find_conn(&seen, t1)].uuid, uuid);
    assert_string_equal(seen.global_uuid, global);
    assert_int_equal(file_size(group.a.nb_db), size);

    /* Another probe: the same row, updated. */
    assert_int_equal(listener_ensure(group.a.sock, NB, "NB_Global", t1, 60000,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_conns, 1);
    i = find_conn(&seen, t1);
    assert_string_equal(seen.conns[i].uuid, uuid);
    assert_int_equal(seen.conns[i].probe, 60000);

    /* Another address on the same port: the same row, updated. */
    assert_int_equal(listener_ensure(group.a.sock, NB, "NB_Global", t1b, 0,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_conns, 1);
    i = find_conn(&seen, t1b);
    assert_string_equal(seen.conns[i].uuid, uuid);
    assert_int_equal(seen.conns[i].probe, 0);

    /* Another port: a second listener. */
    assert_int_equal(listener_ensure(group.a.sock, NB, "NB_Global", t2, 5000,
                                     deadline_after(5000)), 0);
    look(NB, "NB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_string_equal(seen.global_uuid, global);
    assert_int_equal(seen.n_conns, 2);
    assert_int_equal(seen.n_refs, 2);
    assert_int_equal(seen.conns[find_conn(&seen, t2)].probe, 5000);
    assert_string_equal(seen.conns[find_conn(&seen, t1b)].uuid, uuid);
    assert_true(fixture_port_wait(p2, true));
    fixture_port_release(&r1);
    fixture_port_release(&r2);
}

/* An SB database that "ovn-sbctl init" set up already: the global row is
 * kept and gets the listener. */
static void
test_ensure_sb_existing_global(void **state)
{
    char target[64], global[64];
    struct seen seen;
    struct fixture_port port;
    json_t *result;

    (void) state;
    fixture_port_reserve(&port);
    snprintf(target, sizeof target, "ptcp:%d:127.0.0.1", port.port);

    result = fixture_transact(group.a.sock,
                              json_pack("[s{s:s,s:s,s:{}}]", SB, "op",
                                        "insert", "table", "SB_Global",
                                        "row"));
    json_decref(result);
    look(SB, "SB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_int_equal(seen.n_refs, 0);
    snprintf(global, sizeof global, "%s", seen.global_uuid);

    assert_int_equal(listener_ensure(group.a.sock, SB, "SB_Global", target,
                                     30000, deadline_after(5000)), 0);
    look(SB, "SB_Global", &seen);
    assert_int_equal(seen.n_globals, 1);
    assert_string_equal(seen.global_uuid, global);
    assert_int_equal(seen.n_conns, 1);
    assert_int_equal(seen.conns[find_conn(&seen, target)].probe, 30000);

    assert_int_equal(listener_ensure(group.a.sock, SB, "SB_Global", target,
                                     30000, deadline_after(5000)), 0);
    look(SB, "SB_Global", &seen);
    assert_int_equal(seen.n_conns, 1);
    fixture_port_release(&port);
}

/* A backup refuses the write: an error, not success. */
static void
test_ensure_backup_fails(void **state)
{
    (void) state;
    assert_int_not_equal(listener_ensure(group.b.sock, NB, "NB_Global",
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
    assert_int_not_equal(listener_ensure(group.a.sock, "OVN_IC_Northbound",
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
