/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/handover.c.
 *
 * Against a real ovsdb-server holding a fresh NB and a fresh SB database
 * (the shared fixture's, started once for the group and stopped by pid at
 * the end).  Each test starts from global tables without rows and leaves
 * the server active.  The backup case points the server at a port on
 * 127.0.0.1 where nothing listens, so that it keeps its data but turns
 * read-only. */
#include "unit.h"
#include "handover.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "fixture.h"
#include "log.h"
#include "repl.h"

#define NB FIXTURE_NB
#define SB FIXTURE_SB

struct group {
    char dir[64];
    struct fixture_server s;    /* NB and SB, active. */
};

static struct group group;

static int
group_setup(void **state)
{
    static const struct fixture_server_options opts = {
        .name = "db", .nb = true, .sb = true,
    };
    char logfile[128];

    (void) state;
    memset(&group, 0, sizeof group);
    fixture_tmpdir("test-handover", group.dir, sizeof group.dir);
    snprintf(logfile, sizeof logfile, "%s/helper.log", group.dir);
    setenv("HA_LOGFILE", logfile, 1);
    log_init("test-handover");
    fixture_server_start(&group.s, group.dir, &opts);
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    fixture_server_stop(&group.s);
    fixture_rmtree(group.dir);
    unsetenv("HA_LOGFILE");
    return 0;
}

static json_t *
transact(json_t *ops)
{
    return fixture_transact(group.s.sock, ops);
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

    assert_int_equal(handover_check(group.s.sock, db, table, marker,
                                    deadline_after(5000), &p), 0);
    return p;
}

/* Starts a test from global tables without rows. */
static void
require_server(void)
{
    clear_table(NB, "NB_Global");
    clear_table(SB, "SB_Global");
}

/* Polls until the server's NB is (not) writable, for at most
 * FIXTURE_WAIT_MS. */
static bool
wait_writable(bool want)
{
    long long deadline = deadline_after(FIXTURE_WAIT_MS);

    for (;;) {
        bool w = !want;

        if (!repl_probe_writable(group.s.sock, NB, deadline_after(2000), &w)
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
    assert_int_equal(handover_write(group.s.sock, NB, "NB_Global", "m1",
                                    deadline_after(5000)), ENOENT);
    assert_int_equal(handover_write(group.s.sock, SB, "SB_Global", "m1",
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
    assert_int_equal(handover_write(group.s.sock, NB, "NB_Global", "m1",
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

    assert_int_equal(handover_write(group.s.sock, db, table, m1,
                                    deadline_after(5000)), 0);
    assert_true(present(db, table, m1));
    assert_false(present(db, table, m2));
    assert_false(present(db, table, "node1"));
    assert_false(present(db, table, ""));
    assert_false(present(db, table, "me"));
    expect_ids(db, table, "{\"keep\":\"me\",\"other\":\"x\",\""
               HANDOVER_KEY "\":\"node1:1700000000000:4242\"}");

    /* The second marker replaces the first. */
    assert_int_equal(handover_write(group.s.sock, db, table, m2,
                                    deadline_after(5000)), 0);
    assert_true(present(db, table, m2));
    assert_false(present(db, table, m1));
    expect_ids(db, table, "{\"keep\":\"me\",\"other\":\"x\",\""
               HANDOVER_KEY "\":\"node1:1700000001234:4243\"}");

    /* The same marker again changes nothing. */
    assert_int_equal(handover_write(group.s.sock, db, table, m2,
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
    assert_int_equal(handover_write(group.s.sock, NB, "NB_Global", odd,
                                    deadline_after(5000)), 0);
    assert_true(present(NB, "NB_Global", odd));
    assert_false(present(NB, "NB_Global", "n\"1\\:"));
}

/* A backup is read-only: EROFS, and the marker it holds stays readable. */
static void
test_write_backup(void **state)
{
    struct fixture_port dead_port;
    char dead[64];

    (void) state;
    require_server();
    insert_row(NB, "NB_Global", NULL, 0);
    assert_int_equal(handover_write(group.s.sock, NB, "NB_Global", "m1",
                                    deadline_after(5000)), 0);

    fixture_port_reserve(&dead_port);
    snprintf(dead, sizeof dead, "tcp:127.0.0.1:%d", dead_port.port);
    assert_int_equal(repl_make_backup(group.s.ctl, dead, 60000,
                                      deadline_after(FIXTURE_WAIT_MS)), 0);
    assert_true(wait_writable(false));

    assert_int_equal(handover_write(group.s.sock, NB, "NB_Global", "m2",
                                    deadline_after(5000)), EROFS);
    /* No row: read-only all the same. */
    assert_int_equal(handover_write(group.s.sock, SB, "SB_Global", "m2",
                                    deadline_after(5000)), EROFS);
    assert_true(present(NB, "NB_Global", "m1"));
    assert_false(present(NB, "NB_Global", "m2"));

    /* Active again: writable again. */
    assert_int_equal(repl_make_active(group.s.ctl, deadline_after(5000)), 0);
    assert_true(wait_writable(true));
    assert_int_equal(handover_write(group.s.sock, NB, "NB_Global", "m2",
                                    deadline_after(5000)), 0);
    assert_true(present(NB, "NB_Global", "m2"));
    fixture_port_release(&dead_port);
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
    assert_int_equal(handover_get(group.s.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, buf, sizeof buf,
                                  deadline_after(5000)), ENODATA);
    assert_string_equal(buf, "");
    assert_int_equal(handover_write(group.s.sock, NB, "NB_Global", "m1",
                                    deadline_after(5000)), 0);
    assert_int_equal(handover_set(group.s.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, "node1:1700000000000",
                                  deadline_after(5000)), 0);
    assert_int_equal(handover_get(group.s.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, buf, sizeof buf,
                                  deadline_after(5000)), 0);
    assert_string_equal(buf, "node1:1700000000000");
    assert_true(present(NB, "NB_Global", "m1"));
    assert_int_equal(handover_set(group.s.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, "node2:1700000000001",
                                  deadline_after(5000)), 0);
    assert_int_equal(handover_get(group.s.sock, NB, "NB_Global",
                                  HANDOVER_PROMOTED_KEY, buf, sizeof buf,
                                  deadline_after(5000)), 0);
    assert_string_equal(buf, "node2:1700000000001");
    /* No row at all. */
    assert_int_equal(handover_get(group.s.sock, SB, "SB_Global",
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
    assert_true(handover_write(group.s.sock, NB, "SB_Global", "m1",
                               deadline_after(5000)) > 0);
    assert_int_not_equal(handover_write(group.s.sock, NB, "SB_Global", "m1",
                                        deadline_after(5000)), ENOENT);
    assert_true(handover_write(group.s.sock, "OVN_IC_Northbound", "NB_Global",
                               "m1", deadline_after(5000)) > 0);
    p = true;
    assert_true(handover_check(group.s.sock, NB, "SB_Global", "m1",
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
