/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/fresh.c.
 *
 * Each test works in its own temporary directory, removed at teardown. */
#include "unit.h"
#include "clock.h"
#include "fresh.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

#define FRESH_FILE "ovndb-servers.fresh"

struct fixture {
    char dir[64];
    char file[128];             /* dir/FRESH_FILE. */
    char tmp[136];              /* Its temporary file. */
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f) {
        return -1;
    }
    fixture_tmpdir("test-fresh", f->dir, sizeof f->dir);
    snprintf(f->file, sizeof f->file, "%s/" FRESH_FILE, f->dir);
    snprintf(f->tmp, sizeof f->tmp, "%s.tmp", f->file);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    chmod(f->dir, 0755);
    fixture_rmtree(f->dir);
    free(f);
    return 0;
}

static void
write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");

    assert_non_null(file);
    assert_true(fputs(text, file) >= 0);
    assert_int_equal(fclose(file), 0);
}

static bool
exists(const char *path)
{
    struct stat st;

    return !lstat(path, &st);
}

/* clock_wall_ms() is the wall clock, in ms. */
static void
test_now(void **state)
{
    long long a, b;
    time_t t;

    (void) state;
    t = time(NULL);
    a = clock_wall_ms();
    b = clock_wall_ms();
    assert_true(b >= a);
    assert_true(a >= (long long) t * 1000 - 1000);
    assert_true(a <= (long long) t * 1000 + 2000);
}

static void
test_read_missing(void **state)
{
    struct fixture *f = *state;
    char path[160];

    assert_int_equal(fresh_read(f->dir), 0);
    snprintf(path, sizeof path, "%s/no/such/dir", f->dir);
    assert_int_equal(fresh_read(path), 0);
}

static void
test_touch_read(void **state)
{
    struct fixture *f = *state;
    long long before, after, first, second;
    char text[64];
    FILE *file;

    before = clock_wall_ms();
    assert_int_equal(fresh_touch(f->dir), 0);
    after = clock_wall_ms();
    first = fresh_read(f->dir);
    assert_true(first >= before - 1000);
    assert_true(first <= after + 1000);
    assert_true(first > 0);

    /* One decimal number on a line; no temporary file left. */
    file = fopen(f->file, "r");
    assert_non_null(file);
    assert_non_null(fgets(text, sizeof text, file));
    fclose(file);
    assert_int_equal(strspn(text, "0123456789"), strlen(text) - 1);
    assert_int_equal(text[strlen(text) - 1], '\n');
    assert_int_equal(strtoll(text, NULL, 10), first);
    assert_false(exists(f->tmp));

    /* Again: replaced, never older. */
    assert_int_equal(fresh_touch(f->dir), 0);
    second = fresh_read(f->dir);
    assert_true(second >= first);
    assert_true(second <= clock_wall_ms() + 1000);
    assert_false(exists(f->tmp));
}

/* An old value is overwritten, and a leftover temporary file does not
 * matter. */
static void
test_touch_overwrites(void **state)
{
    struct fixture *f = *state;
    long long now;

    write_file(f->file, "1000\n");
    assert_int_equal(fresh_read(f->dir), 1000);
    write_file(f->tmp, "half-written garbage that is much longer than a "
               "number\n");
    assert_int_equal(fresh_touch(f->dir), 0);
    now = clock_wall_ms();
    assert_true(fresh_read(f->dir) > now - 1000);
    assert_true(fresh_read(f->dir) <= now + 1000);
    /* A file at the old fixed temporary name is someone else's now: the
     * write uses a unique name and leaves it alone. */
    assert_true(exists(f->tmp));
}

static ino_t
inode_of(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_ino;
}

/* A monitor's touch of a record of the same role and length rewrites it in
 * place (same inode, no rename); a change of role replaces the file. */
static void
test_touch_in_place(void **state)
{
    struct fixture *f = *state;
    bool active = true;
    ino_t ino;

    write_file(f->file, "1000000000000\n");
    ino = inode_of(f->file);
    assert_int_equal(fresh_touch(f->dir), 0);
    assert_true(fresh_read_role(f->dir, &active) > 1000000000000LL);
    assert_false(active);
    assert_true(inode_of(f->file) == ino);

    assert_int_equal(fresh_touch_active(f->dir), 0);
    assert_true(fresh_read_role(f->dir, &active) > 1000000000000LL);
    assert_true(active);
    assert_true(inode_of(f->file) != ino);

    ino = inode_of(f->file);
    write_file(f->file, "1000000000000 active\n");
    assert_int_equal(fresh_touch_active(f->dir), 0);
    assert_true(fresh_read_role(f->dir, &active) > 1000000000000LL);
    assert_true(active);
    assert_true(inode_of(f->file) == ino);

    /* Fewer digits: the record does not fit in place. */
    write_file(f->file, "1000 active\n");
    assert_int_equal(fresh_touch_active(f->dir), 0);
    assert_true(fresh_read(f->dir) > 1000000000000LL);
    assert_true(inode_of(f->file) != ino);
    assert_false(exists(f->tmp));
}

static void
test_read_values(void **state)
{
    struct fixture *f = *state;

    write_file(f->file, "1700000000000\n");
    assert_int_equal(fresh_read(f->dir), 1700000000000LL);
    write_file(f->file, "1700000000000");
    assert_int_equal(fresh_read(f->dir), 1700000000000LL);
}

static void
test_read_garbage(void **state)
{
    static const char *const bad[] = {
        "",
        "\n",
        "garbage\n",
        "x1700000000000\n",
        "-1700000000000\n",
        "0\n",
        "-0\n",
        "\x01\x02\x03\xff",
    };
    struct fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long long ms;

        write_file(f->file, bad[i]);
        ms = fresh_read(f->dir);
        if (ms) {
            print_message("'%s' reads as %lld\n", bad[i], ms);
        }
        assert_int_equal(ms, 0);
    }

    /* A directory in the file's place. */
    assert_int_equal(unlink(f->file), 0);
    assert_int_equal(mkdir(f->file, 0755), 0);
    assert_int_equal(fresh_read(f->dir), 0);
}

/* BUG: a number too large for a long long (a corrupted file) reads as
 * LLONG_MAX instead of 0: strtoll() saturates and fresh_read() only
 * rejects values <= 0.  The node then publishes the largest possible
 * freshness, every other node defers to it forever, and its own
 * decide_election() computes 'mine + DECIDE_FRESHNESS_SLACK_MS', a signed
 * overflow (undefined behaviour; in practice it wraps negative and the
 * node refuses promotion in favour of any peer).  Fix: in fresh_read(),
 * set errno = 0 before strtoll(), keep its end pointer, and return 0 if
 * errno == ERANGE, or if no digit was read, or if anything but a newline
 * follows the digits. */
static void
test_read_out_of_range(void **state)
{
    struct fixture *f = *state;

    write_file(f->file, "99999999999999999999999\n");
    assert_int_equal(fresh_read(f->dir), 0);
}

/* A directory that cannot be written: a positive errno, and nothing left
 * behind. */
static void
test_touch_unwritable(void **state)
{
    struct fixture *f = *state;
    char path[160];
    int error;

    /* No such directory. */
    snprintf(path, sizeof path, "%s/missing", f->dir);
    assert_int_equal(fresh_touch(path), ENOENT);
    assert_false(exists(path));

    /* Not a directory. */
    snprintf(path, sizeof path, "%s/plain", f->dir);
    write_file(path, "x\n");
    assert_int_equal(fresh_touch(path), ENOTDIR);

    /* A directory in the way of the file: the rename fails and the
     * temporary file is removed. */
    assert_int_equal(mkdir(f->file, 0755), 0);
    snprintf(path, sizeof path, "%s/keep", f->file);
    write_file(path, "x\n");
    error = fresh_touch(f->dir);
    assert_true(error > 0);
    assert_false(exists(f->tmp));
    assert_int_equal(fresh_read(f->dir), 0);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(f->file), 0);

    /* A directory at the old fixed temporary name is in nobody's way. */
    assert_int_equal(mkdir(f->tmp, 0755), 0);
    assert_int_equal(fresh_touch(f->dir), 0);
    assert_true(exists(f->file));
    assert_int_equal(rmdir(f->tmp), 0);
    assert_int_equal(unlink(f->file), 0);

    /* Permissions (root ignores them). */
    if (geteuid() != 0) {
        assert_int_equal(chmod(f->dir, 0555), 0);
        assert_int_equal(fresh_touch(f->dir), EACCES);
        assert_int_equal(chmod(f->dir, 0755), 0);
        assert_false(exists(f->file));
    }

    /* Writable again. */
    assert_int_equal(fresh_touch(f->dir), 0);
    assert_true(fresh_read(f->dir) > 0);
}

int
main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_now),
        T(test_read_missing),
        T(test_touch_read),
        T(test_touch_overwrites),
        T(test_touch_in_place),
        T(test_read_values),
        T(test_read_garbage),
        T(test_read_out_of_range),
        T(test_touch_unwritable),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
