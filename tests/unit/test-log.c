/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/log.c.
 *
 * stdout and stderr are redirected to temporary files around each call to
 * the module, and restored before any assertion. */
#include "unit.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

struct fixture {
    char dir[64];
    char logfile[128];
};

/* Output of the standard streams while captured. */
struct capture {
    int saved[2];               /* Saved stdout, stderr. */
    FILE *files[2];             /* Where they went. */
};

static void
capture_start(struct capture *c)
{
    int i;

    fflush(stdout);
    fflush(stderr);
    for (i = 0; i < 2; i++) {
        c->files[i] = tmpfile();
        assert_non_null(c->files[i]);
        c->saved[i] = dup(i + 1);
        assert_true(c->saved[i] >= 0);
        assert_true(dup2(fileno(c->files[i]), i + 1) >= 0);
    }
}

/* Restores the streams and returns what was written to them in 'out' and
 * 'err' (malloc()'d). */
static void
capture_end(struct capture *c, char **out, char **err)
{
    char **dst[2] = { out, err };
    int i;

    fflush(stdout);
    fflush(stderr);
    for (i = 0; i < 2; i++) {
        long size;

        dup2(c->saved[i], i + 1);
        close(c->saved[i]);
        fseek(c->files[i], 0, SEEK_END);
        size = ftell(c->files[i]);
        rewind(c->files[i]);
        *dst[i] = calloc(1, size + 1);
        assert_non_null(*dst[i]);
        assert_int_equal(fread(*dst[i], 1, size, c->files[i]), size);
        fclose(c->files[i]);
    }
}

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long size;

    if (!f) {
        return strdup("");
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    buf = calloc(1, size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, size, f), size);
    fclose(f);
    return buf;
}

static size_t
count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f) {
        return -1;
    }
    fixture_tmpdir("test-log", f->dir, sizeof f->dir);
    snprintf(f->logfile, sizeof f->logfile, "%s/ha.log", f->dir);
    unsetenv("HA_LOGFILE");
    unsetenv("HA_LOGFACILITY");
    unsetenv("HA_debug");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    fixture_rmtree(f->dir);
    unsetenv("HA_LOGFILE");
    unsetenv("HA_LOGFACILITY");
    unsetenv("HA_debug");
    free(f);
    return 0;
}

/* Logs one message of each level, capturing stdout and stderr. */
static void
log_all(char **out, char **err)
{
    struct capture c;

    capture_start(&c);
    log_debug("debug message %d", 1);
    log_info("info message %s", "two");
    log_warn("warn message %d", 3);
    log_err("err message %d", 4);
    capture_end(&c, out, err);
}

/* HA_LOGFILE: every message but debug goes to the file, with the tag and
 * the level; nothing to stdout or stderr. */
static void
test_logfile(void **state)
{
    struct fixture *f = *state;
    char *out, *err, *text;

    setenv("HA_LOGFILE", f->logfile, 1);
    log_init("ovndb_servers:1");
    log_all(&out, &err);

    text = read_file(f->logfile);
    assert_string_equal(out, "");
    assert_string_equal(err, "");
    assert_int_equal(count_lines(text), 3);
    assert_null(strstr(text, "debug message"));
    assert_non_null(strstr(text, "ovndb-servers(ovndb_servers:1)"));
    assert_non_null(strstr(text, "INFO: info message two\n"));
    assert_non_null(strstr(text, "WARNING: warn message 3\n"));
    assert_non_null(strstr(text, "ERROR: err message 4\n"));
    free(out);
    free(err);
    free(text);

    /* Appends. */
    log_all(&out, &err);
    text = read_file(f->logfile);
    assert_int_equal(count_lines(text), 6);
    free(out);
    free(err);
    free(text);
}

/* Debug messages only with HA_debug=1. */
static void
test_debug(void **state)
{
    static const char *const off[] = { "0", "", "yes", "true" };
    struct fixture *f = *state;
    char *out, *err, *text;
    size_t i;

    setenv("HA_LOGFILE", f->logfile, 1);
    for (i = 0; i < sizeof off / sizeof off[0]; i++) {
        setenv("HA_debug", off[i], 1);
        log_init("x");
        log_all(&out, &err);
        free(out);
        free(err);
    }
    unsetenv("HA_debug");
    log_init("x");
    log_all(&out, &err);
    free(out);
    free(err);
    text = read_file(f->logfile);
    assert_null(strstr(text, "DEBUG"));
    assert_null(strstr(text, "debug message"));
    free(text);
    unlink(f->logfile);

    setenv("HA_debug", "1", 1);
    log_init("x");
    log_all(&out, &err);
    text = read_file(f->logfile);
    assert_string_equal(out, "");
    assert_string_equal(err, "");
    assert_int_equal(count_lines(text), 4);
    assert_non_null(strstr(text, "DEBUG: debug message 1\n"));
    free(out);
    free(err);
    free(text);
}

/* Neither a file nor syslog: stderr, never stdout. */
static void
test_stderr(void **state)
{
    char *out, *err;

    (void) state;
    log_init("inst");
    log_all(&out, &err);
    assert_string_equal(out, "");
    assert_int_equal(count_lines(err), 3);
    assert_non_null(strstr(err, "ovndb-servers(inst) INFO: info message "
                           "two\n"));
    assert_non_null(strstr(err, "ERROR: err message 4\n"));
    free(out);
    free(err);

    /* HA_LOGFACILITY=none means no syslog, so stderr still. */
    setenv("HA_LOGFACILITY", "none", 1);
    log_init("inst");
    log_all(&out, &err);
    assert_string_equal(out, "");
    assert_int_equal(count_lines(err), 3);
    free(out);
    free(err);
}

/* An empty HA_LOGFILE is no file. */
static void
test_empty_logfile(void **state)
{
    struct fixture *f = *state;
    char *out, *err;

    (void) f;
    setenv("HA_LOGFILE", "", 1);
    log_init("inst");
    log_all(&out, &err);
    assert_string_equal(out, "");
    assert_int_equal(count_lines(err), 3);
    free(out);
    free(err);
}

/* An unwritable log file loses the message but never falls back to
 * stdout. */
static void
test_unwritable_logfile(void **state)
{
    struct fixture *f = *state;
    char path[192], *out, *err;

    snprintf(path, sizeof path, "%s/no/such/dir/ha.log", f->dir);
    setenv("HA_LOGFILE", path, 1);
    log_init("inst");
    log_all(&out, &err);
    assert_string_equal(out, "");
    free(out);
    free(err);
}

/* Long messages are cut, not overflowed. */
static void
test_long_message(void **state)
{
    struct fixture *f = *state;
    char *big, *out, *err, *text;

    big = malloc(5000);
    assert_non_null(big);
    memset(big, 'z', 4999);
    big[4999] = '\0';
    setenv("HA_LOGFILE", f->logfile, 1);
    log_init("inst");
    {
        struct capture c;

        capture_start(&c);
        log_info("%s", big);
        capture_end(&c, &out, &err);
    }
    text = read_file(f->logfile);
    assert_string_equal(out, "");
    assert_int_equal(count_lines(text), 1);
    assert_true(strlen(text) < 2000);
    assert_non_null(strstr(text, "zzzzzzzzzz"));
    free(big);
    free(out);
    free(err);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_logfile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stderr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_logfile, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_logfile, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_message, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
