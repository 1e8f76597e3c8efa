/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/statefile.c: state files are never written or
 * read through a symlink, and are replaced whole or not at all. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "statefile.h"

struct files {
    char dir[128];
    char file[192];             /* The state file. */
    char victim[192];           /* What a planted symlink points at. */
};

static int
setup(void **state)
{
    static struct files f;

    fixture_tmpdir("statefile", f.dir, sizeof f.dir);
    snprintf(f.file, sizeof f.file, "%s/state", f.dir);
    snprintf(f.victim, sizeof f.victim, "%s/victim.db", f.dir);
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct files *f = *state;

    fixture_rmtree(f->dir);
    return 0;
}

static void
put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

static void
assert_content(const char *path, const char *want)
{
    char buf[256];

    assert_int_equal(statefile_read(path, buf, sizeof buf), 0);
    assert_string_equal(buf, want);
}

/* Only the state file and nothing else is left in the directory. */
static int
count_entries(const char *dir)
{
    char cmd_dir[256];
    struct stat st;
    int n = 0, i;
    static const char *names[] = { "state", "victim.db", "link" };

    for (i = 0; i < 3; i++) {
        snprintf(cmd_dir, sizeof cmd_dir, "%s/%s", dir, names[i]);
        n += !lstat(cmd_dir, &st);
    }
    return n;
}

static void
test_write_read(void **state)
{
    struct files *f = *state;
    char buf[8];

    assert_int_equal(statefile_read(f->file, buf, sizeof buf), ENOENT);
    assert_int_equal(statefile_write(f->file, "one\n", 4), 0);
    assert_content(f->file, "one\n");
    assert_int_equal(statefile_write(f->file, "second\n", 7), 0);
    assert_content(f->file, "second\n");
    /* A short buffer gets the start, NUL-terminated. */
    put(f->file, "0123456789");
    assert_int_equal(statefile_read(f->file, buf, sizeof buf), 0);
    assert_string_equal(buf, "0123456");
    assert_int_equal(statefile_remove(f->file), 0);
    assert_int_equal(statefile_remove(f->file), 0);
    assert_int_equal(count_entries(f->dir), 0);
}

/* A symlink planted at the state file: never followed, never replaced. */
static void
test_symlink_at_file(void **state)
{
    struct files *f = *state;
    char buf[64];

    put(f->victim, "the only copy of the database\n");
    assert_int_equal(symlink(f->victim, f->file), 0);
    assert_int_equal(statefile_write(f->file, "1000\n", 5), ELOOP);
    assert_false(statefile_rewrite(f->file, "1000\n", 5));
    assert_int_equal(statefile_read(f->file, buf, sizeof buf), ELOOP);
    assert_content(f->victim, "the only copy of the database\n");
    /* The link is still there: the operator sees what was planted. */
    assert_int_equal(readlink(f->file, buf, sizeof buf),
                     (ssize_t) strlen(f->victim));

    /* A dangling one: nothing is created at its target. */
    assert_int_equal(unlink(f->victim), 0);
    assert_int_equal(statefile_write(f->file, "1000\n", 5), ELOOP);
    assert_int_equal(access(f->victim, F_OK), -1);
}

/* Symlinks planted at every name a temporary file might take are never
 * written through: a temporary file is created with O_EXCL|O_NOFOLLOW. */
static void
test_symlink_at_temporary(void **state)
{
    struct files *f = *state;
    char tmp[256];
    int i;

    put(f->victim, "victim\n");
    for (i = 0; i < 8; i++) {
        snprintf(tmp, sizeof tmp, "%s/.state.%ld.%d.tmp", f->dir,
                 (long) getpid(), i);
        assert_int_equal(symlink(f->victim, tmp), 0);
    }
    assert_int_equal(statefile_write(f->file, "1000\n", 5), EEXIST);
    assert_content(f->victim, "victim\n");
    assert_int_equal(access(f->file, F_OK), -1);
    /* With one name free, the write goes through that one. */
    assert_int_equal(unlink(tmp), 0);
    assert_int_equal(statefile_write(f->file, "1000\n", 5), 0);
    assert_content(f->file, "1000\n");
    assert_content(f->victim, "victim\n");
}

/* Something else than a plain file at the name: left alone. */
static void
test_not_a_file(void **state)
{
    struct files *f = *state;

    assert_int_equal(mkdir(f->file, 0755), 0);
    assert_int_equal(statefile_write(f->file, "1\n", 2), EEXIST);
    assert_false(statefile_rewrite(f->file, "1\n", 2));
    assert_int_equal(rmdir(f->file), 0);
    assert_int_equal(mkfifo(f->file, 0600), 0);
    /* Neither blocks on a FIFO. */
    assert_false(statefile_rewrite(f->file, "1\n", 2));
    assert_int_equal(statefile_write(f->file, "1\n", 2), EEXIST);
    assert_int_equal(unlink(f->file), 0);
}

/* In place: only a plain file of the same length. */
static void
test_rewrite(void **state)
{
    struct files *f = *state;
    struct stat before, after;

    assert_false(statefile_rewrite(f->file, "1000\n", 5));
    put(f->file, "1000\n");
    assert_int_equal(stat(f->file, &before), 0);
    assert_true(statefile_rewrite(f->file, "2000\n", 5));
    assert_int_equal(stat(f->file, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    assert_content(f->file, "2000\n");
    assert_false(statefile_rewrite(f->file, "30000\n", 6));
    assert_content(f->file, "2000\n");
}

int
main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_write_read),
        T(test_symlink_at_file),
        T(test_symlink_at_temporary),
        T(test_not_a_file),
        T(test_rewrite),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
