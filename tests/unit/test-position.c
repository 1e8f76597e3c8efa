/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/position.c: the age of the last transaction in a
 * real database file, made and changed by ovsdb-tool. */
#include "unit.h"
#include "fixture.h"
#include "position.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The NB_Global row inserted (n = 1) or updated through the server at
 * 'sock': a record appended to its file. */
static void
transact(const char *sock, int n)
{
    char value[16];

    snprintf(value, sizeof value, "%d", n);
    json_decref(fixture_transact(sock, n == 1
        ? json_pack("[s, {s:s, s:s, s:{s:[s, [[s, s]]]}}]", FIXTURE_NB,
                    "op", "insert", "table", "NB_Global", "row",
                    "external_ids", "map", "n", value)
        : json_pack("[s, {s:s, s:s, s:[], s:{s:[s, [[s, s]]]}}]",
                    FIXTURE_NB, "op", "update", "table", "NB_Global",
                    "where", "row", "external_ids", "map", "n", value)));
}

/* Sets the modification time of 'path' to 'ago_ms' in the past. */
static void
age_file(const char *path, long long ago_ms)
{
    struct timespec ts[2];

    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= ago_ms / 1000;
    ts[1] = ts[0];
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void
test_file_age(void **state)
{
    const struct fixture_server_options opts = { .name = "a", .nb = true };
    struct fixture_server srv;
    char dir[PATH_MAX], path[PATH_MAX + 8];
    long long age;

    (void) state;
    fixture_tmpdir("ovndb-position", dir, sizeof dir);

    /* No file, an empty file, a directory. */
    snprintf(path, sizeof path, "%s/none.db", dir);
    assert_int_equal(position_file_age(path), -1);
    fclose(fopen(path, "w"));
    assert_int_equal(position_file_age(path), -1);
    assert_int_equal(position_file_age(dir), -1);

    /* A new database holds its schema only. */
    fixture_server_start(&srv, dir, &opts);
    assert_int_equal(position_file_age(srv.nb_db), -1);

    /* The schema and one transaction: written whole, as a compaction
     * leaves it: no transaction time known. */
    transact(srv.sock, 1);
    assert_int_equal(position_file_age(srv.nb_db), -1);

    /* A transaction after those: its time is the file's. */
    transact(srv.sock, 2);
    age = position_file_age(srv.nb_db);
    assert_true(age >= 0 && age < 5000);
    age_file(srv.nb_db, 600000);
    age = position_file_age(srv.nb_db);
    assert_true(age >= 600000 && age < 605000);
    transact(srv.sock, 3);
    age = position_file_age(srv.nb_db);
    assert_true(age >= 0 && age < 5000);
    assert_int_equal(fixture_server_stop(&srv), 0);

    /* Compacted: schema and snapshot again, the time is the
     * compaction's, not data's. */
    {
        const char *compact[] = { "ovsdb-tool", "compact", srv.nb_db,
                                  NULL };

        fixture_run_ok(compact, NULL);
    }
    assert_int_equal(position_file_age(srv.nb_db), -1);

    /* A truncated record header. */
    assert_int_equal(truncate(srv.nb_db, 20), 0);
    assert_int_equal(position_file_age(srv.nb_db), -1);
    fixture_rmtree(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_age),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
