/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/child.c.
 *
 * The programs run are sh, sleep, cat and the like; each test that leaves a
 * background process behind has it write its pid to a file in the test's
 * temporary directory and kills it at teardown. */
#include "unit.h"
#include "clock.h"
#include "child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "fixture.h"

struct fixture {
    char dir[64];
    char pidfile[128];          /* Background process's pid, if any. */
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f) {
        return -1;
    }
    fixture_tmpdir("test-child", f->dir, sizeof f->dir);
    snprintf(f->pidfile, sizeof f->pidfile, "%s/bg.pid", f->dir);
    /* Orphaned background processes become our children, so that we reap
     * them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
    *state = f;
    return 0;
}

/* Reads a pid from 'path', waiting up to 'ms' for it to appear. */
static pid_t
read_pid(const char *path, int ms)
{
    long long deadline = deadline_after(ms);

    for (;;) {
        FILE *file = fopen(path, "r");
        long pid = 0;

        if (file) {
            if (fscanf(file, "%ld", &pid) != 1) {
                pid = 0;
            }
            fclose(file);
        }
        if (pid > 1) {
            return (pid_t) pid;
        }
        if (deadline_expired(deadline)) {
            return 0;
        }
        deadline_sleep(10, deadline);
    }
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    pid_t pid = read_pid(f->pidfile, 0);

    fixture_stop_pid(pid, 0);
    fixture_rmtree(f->dir);
    free(f);
    return 0;
}

static void
test_output_and_status(void **state)
{
    static const char *const argv[] = {
        "sh", "-c", "echo out1; echo err1 >&2; printf out2; exit 3", NULL
    };
    struct child_result r;

    (void) state;
    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "out1\nout2");
    assert_string_equal(r.err, "err1\n");
    child_result_free(&r);
    assert_null(r.out);
    assert_null(r.err);
}

static void
test_success_no_output(void **state)
{
    static const char *const argv[] = { "true", NULL };
    struct child_result r;

    (void) state;
    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    assert_int_equal(r.status, 0);
    assert_non_null(r.out);
    assert_non_null(r.err);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    child_result_free(&r);
}

/* Arguments are passed as they are, without a shell. */
static void
test_argv_verbatim(void **state)
{
    static const char *const argv[] = {
        "printf", "%s|", "a b", "$HOME", "'q'", "*", "", NULL
    };
    struct child_result r;

    (void) state;
    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "a b|$HOME|'q'|*||");
    child_result_free(&r);
}

/* stdin is /dev/null, even when ours is a pipe nobody writes to: cat
 * ends at once. */
static void
test_stdin_null(void **state)
{
    static const char *const argv[] = { "cat", NULL };
    struct child_result r;
    long long start = clock_mono_ms();
    int p[2], saved, error;

    (void) state;
    assert_int_equal(pipe(p), 0);
    saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(p[0], STDIN_FILENO) >= 0);
    error = child_run(argv, deadline_after(3000), &r);
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(p[0]);
    close(p[1]);

    assert_int_equal(error, 0);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_true(clock_mono_ms() - start < 2000);
    child_result_free(&r);
}

static void
test_signal_status(void **state)
{
    static const char *const term[] = { "sh", "-c", "kill -TERM $$", NULL };
    static const char *const kill9[] = { "sh", "-c", "kill -KILL $$", NULL };
    struct child_result r;

    (void) state;
    assert_int_equal(child_run(term, deadline_after(10000), &r), 0);
    assert_int_equal(r.status, 128 + SIGTERM);
    child_result_free(&r);
    assert_int_equal(child_run(kill9, deadline_after(10000), &r), 0);
    assert_int_equal(r.status, 128 + SIGKILL);
    child_result_free(&r);
}

static void
test_missing_program(void **state)
{
    static const char *const argv1[] = { "no-such-program-xyzzy", NULL };
    static const char *const argv2[] = { "/nonexistent/prog", NULL };
    struct child_result r;

    (void) state;
    memset(&r, 0x5a, sizeof r);
    assert_int_equal(child_run(argv1, deadline_after(5000), &r), ENOENT);
    assert_null(r.out);
    assert_null(r.err);
    child_result_free(&r);
    assert_int_equal(child_run(argv2, deadline_after(5000), &r), ENOENT);
    assert_null(r.out);
    assert_null(r.err);
}

/* At the deadline the program is killed: ETIMEDOUT, on time. */
static void
test_timeout(void **state)
{
    static const char *const argv[] = { "sleep", "10", NULL };
    struct child_result r;
    long long start, deadline, end;

    (void) state;
    start = clock_mono_ms();
    deadline = deadline_after(200);
    assert_int_equal(child_run(argv, deadline, &r), ETIMEDOUT);
    end = clock_mono_ms();
    assert_true(end >= deadline);
    assert_true(end <= deadline + 300);
    assert_true(end - start >= 200);
    assert_null(r.out);
    assert_null(r.err);
}

/* A deadline already passed. */
static void
test_deadline_passed(void **state)
{
    static const char *const argv[] = { "sleep", "10", NULL };
    struct child_result r;
    long long start = clock_mono_ms();

    (void) state;
    assert_int_equal(child_run(argv, start - 1, &r), ETIMEDOUT);
    assert_true(clock_mono_ms() - start < 300);
}

/* The timed-out program is gone, not left behind. */
static void
test_timeout_kills(void **state)
{
    struct fixture *f = *state;
    char script[256];
    const char *argv[] = { "sh", "-c", script, NULL };
    struct child_result r;
    long long deadline;
    pid_t pid;

    /* exec so that the pid written is the process child_run waits on. */
    snprintf(script, sizeof script, "echo $$ > %s; exec sleep 10",
             f->pidfile);
    assert_int_equal(child_run(argv, deadline_after(300), &r), ETIMEDOUT);
    pid = read_pid(f->pidfile, 0);
    assert_true(pid > 1);
    /* child_run() reaped it: forget the pid before it can be reused. */
    unlink(f->pidfile);
    deadline = deadline_after(2000);
    while (!fixture_process_gone(pid)) {
        assert_false(deadline_expired(deadline));
        deadline_sleep(10, deadline);
    }
}

/* A program that leaves a background process holding its stdout and
 * stderr returns as soon as it exits. */
static void
test_daemonizes(void **state)
{
    struct fixture *f = *state;
    char script[256];
    const char *argv[] = { "sh", "-c", script, NULL };
    struct child_result r;
    long long start, elapsed;
    pid_t bg;

    snprintf(script, sizeof script, "sleep 5 & echo $! > %s; echo started; "
             "echo note >&2; exit 0", f->pidfile);
    start = clock_mono_ms();
    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    elapsed = clock_mono_ms() - start;
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "started\n");
    assert_string_equal(r.err, "note\n");
    child_result_free(&r);
    assert_true(elapsed < 1000);

    /* The background process really held the pipes. */
    bg = read_pid(f->pidfile, 2000);
    assert_true(bg > 1);
    assert_false(fixture_process_gone(bg));
}

/* Output beyond what fits in a pipe is read while the program runs. */
static void
test_large_output(void **state)
{
    static const char *const argv[] = {
        "sh", "-c", "head -c 300000 /dev/zero | tr '\\0' a; "
        "head -c 100000 /dev/zero | tr '\\0' b >&2", NULL
    };
    struct child_result r;
    size_t i;

    (void) state;
    assert_int_equal(child_run(argv, deadline_after(20000), &r), 0);
    assert_int_equal(r.status, 0);
    assert_int_equal(strlen(r.out), 300000);
    assert_int_equal(strlen(r.err), 100000);
    for (i = 0; i < 300000; i++) {
        if (r.out[i] != 'a') {
            fail_msg("byte %zu is %d", i, r.out[i]);
        }
    }
    child_result_free(&r);
}

/* Output beyond the limit is dropped, and the program is not blocked. */
static void
test_huge_output(void **state)
{
    static const char *const argv[] = {
        "sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' a; exit 7", NULL
    };
    struct child_result r;

    (void) state;
    assert_int_equal(child_run(argv, deadline_after(20000), &r), 0);
    assert_int_equal(r.status, 7);
    assert_true(strlen(r.out) > 0);
    assert_true(strlen(r.out) <= 1024 * 1024);
    child_result_free(&r);
}

/* The environment is passed on. */
static void
test_environment(void **state)
{
    static const char *const argv[] = {
        "sh", "-c", "printf %s \"$TEST_CHILD_VAR\"", NULL
    };
    struct child_result r;

    (void) state;
    setenv("TEST_CHILD_VAR", "value 42", 1);
    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    unsetenv("TEST_CHILD_VAR");
    assert_string_equal(r.out, "value 42");
    child_result_free(&r);
}

static int
count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    for (de = readdir(d); de; de = readdir(d)) {
        n += de->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

/* No descriptor leaks, whatever the outcome; none reaches the child. */
static void
test_no_fd_leak(void **state)
{
    static const char *const ok[] = { "true", NULL };
    static const char *const missing[] = { "no-such-program-xyzzy", NULL };
    static const char *const slow[] = { "sleep", "5", NULL };
    static const char *const fds[] = {
        "sh", "-c", "ls /proc/$$/fd", NULL
    };
    struct child_result r;
    int before;

    (void) state;
    before = count_fds();
    assert_int_equal(child_run(ok, deadline_after(5000), &r), 0);
    child_result_free(&r);
    assert_int_equal(child_run(missing, deadline_after(5000), &r), ENOENT);
    assert_int_equal(child_run(slow, deadline_after(50), &r), ETIMEDOUT);
    assert_int_equal(count_fds(), before);

    /* The shell holds 0, 1, 2 and only what this process itself lets
     * every program inherit: none of child_run()'s pipes. */
    assert_int_equal(child_run(fds, deadline_after(5000), &r), 0);
    assert_int_equal(r.status, 0);
    {
        const char *p = r.out;
        int n = 0;

        while (*p) {
            int fd = atoi(p);

            if (fd > 2) {
                int flags = fcntl(fd, F_GETFD);

                if (flags < 0 || flags & FD_CLOEXEC) {
                    print_message("descriptors in the child:\n%s", r.out);
                    fail_msg("descriptor %d leaked into the child", fd);
                }
            }
            n++;
            p += strcspn(p, "\n");
            p += *p == '\n';
        }
        assert_true(n >= 3);
    }
    child_result_free(&r);
}

static void
test_result_free_zeroed(void **state)
{
    struct child_result r;

    (void) state;
    memset(&r, 0, sizeof r);
    child_result_free(&r);
    child_result_free(&r);
    assert_null(r.out);
}

static void
check_line(const char *out, const char *err, size_t size, const char *want)
{
    struct child_result r;
    char buf[256];

    assert_true(size <= sizeof buf);
    r.status = 1;
    r.out = (char *) out;
    r.err = (char *) err;
    memset(buf, 'x', sizeof buf);
    assert_ptr_equal(child_result_line(&r, buf, size), buf);
    if (strcmp(buf, want)) {
        print_message("out '%s' err '%s': got '%s', expected '%s'\n",
                      out ? out : "(null)", err ? err : "(null)", buf,
                      want);
    }
    assert_string_equal(buf, want);
}

static void
test_result_line(void **state)
{
    (void) state;
    check_line("", "first\nlast\n", 256, "last");
    check_line("", "first\nlast", 256, "last");
    check_line("", "first\nlast\n\n\n", 256, "last");
    check_line("", "first\nlast  \n \n", 256, "last");
    check_line("", "only", 256, "only");
    check_line("out line\n", "err 1\nerr 2\n", 256, "err 2");
    /* stderr empty: stdout's last line. */
    check_line("o1\no2\n", "", 256, "o2");
    check_line("o1\no2\n", NULL, 256, "o2");
    /* stderr only blank: still stderr (nothing) or stdout, never junk. */
    check_line("", "", 256, "");
    check_line(NULL, NULL, 256, "");
    check_line("", "\n\n", 256, "");
    /* Truncated to size - 1. */
    check_line("", "abcdefghij\n", 5, "abcd");
    check_line("", "abc\n", 4, "abc");
    check_line("", "abc\n", 1, "");
}

/* child_start() and child_finish(): programs run at the same time.  The
 * first waits for a file that only the second creates: it finishes only
 * if the second runs while the first is being waited for. */
static void
test_start_finish_concurrent(void **state)
{
    struct fixture *f = *state;
    char flag[300], script_a[400], script_b[400];
    const char *argv_a[] = { "sh", "-c", script_a, NULL };
    const char *argv_b[] = { "sh", "-c", script_b, NULL };
    struct child *a, *b;
    struct child_result r;

    snprintf(flag, sizeof flag, "%s/flag", f->dir);
    snprintf(script_a, sizeof script_a,
             "while [ ! -e '%s' ]; do sleep 0.01; done; echo A", flag);
    snprintf(script_b, sizeof script_b, "touch '%s'; echo B; exit 4", flag);
    assert_int_equal(child_start(argv_a, &a), 0);
    assert_non_null(a);
    assert_int_equal(child_start(argv_b, &b), 0);
    assert_non_null(b);

    assert_int_equal(child_finish(a, deadline_after(10000), &r), 0);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "A\n");
    child_result_free(&r);
    assert_int_equal(child_finish(b, deadline_after(10000), &r), 0);
    assert_int_equal(r.status, 4);
    assert_string_equal(r.out, "B\n");
    child_result_free(&r);
    unlink(flag);
}

/* A program that cannot start leaves no handle; a NULL handle is an
 * error, not a crash. */
static void
test_start_missing(void **state)
{
    static const char *const argv[] = { "/nonexistent/program", NULL };
    struct child *c = (struct child *) 1;
    struct child_result r;

    (void) state;
    assert_int_equal(child_start(argv, &c), ENOENT);
    assert_null(c);
    assert_int_equal(child_finish(NULL, deadline_after(1000), &r), EINVAL);
    assert_null(r.out);
}

int
main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_output_and_status),
        T(test_success_no_output),
        T(test_argv_verbatim),
        T(test_stdin_null),
        T(test_signal_status),
        T(test_missing_program),
        T(test_timeout),
        T(test_deadline_passed),
        T(test_timeout_kills),
        T(test_daemonizes),
        T(test_large_output),
        T(test_huge_output),
        T(test_environment),
        T(test_no_fd_leak),
        T(test_result_free_zeroed),
        T(test_result_line),
        T(test_start_finish_concurrent),
        T(test_start_missing),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
