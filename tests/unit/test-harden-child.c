/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/child.c's hardening (issue 11): a parent that
 * ignores SIGCHLD, descriptors inherited from the parent, a timed-out
 * program's descendants, and output that never stops.
 *
 * Each test that could hang without the fix runs under alarm(): SIGALRM
 * then kills the test program, which fails. */
#include "unit.h"
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"

struct fixture {
    char dir[64];
    char pidfile[128];          /* A descendant's pid, if any. */
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f) {
        return -1;
    }
    strcpy(f->dir, "/tmp/test-harden-child.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->pidfile, sizeof f->pidfile, "%s/bg.pid", f->dir);
    /* Orphans become our children: a killed descendant is a zombie of
     * ours, which gone() reaps. */
    prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L);
    *state = f;
    return 0;
}

/* Reads the pid in 'file', or 0. */
static pid_t
read_pid(const char *file)
{
    FILE *f = fopen(file, "r");
    long pid = 0;

    if (f) {
        if (fscanf(f, "%ld", &pid) != 1) {
            pid = 0;
        }
        fclose(f);
    }
    return (pid_t) pid;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    pid_t pid = read_pid(f->pidfile);
    char cmd[128];

    alarm(0);
    signal(SIGCHLD, SIG_DFL);
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    unlink(f->pidfile);
    snprintf(cmd, sizeof cmd, "%s/fd7", f->dir);
    unlink(cmd);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Returns true once 'pid' no longer runs (reaping it if it is our
 * zombie), polling for up to 'ms' milliseconds. */
static bool
gone(pid_t pid, int ms)
{
    long long until = deadline_after(ms);

    do {
        if (waitpid(pid, NULL, WNOHANG) == pid
            || (kill(pid, 0) && errno == ESRCH)) {
            return true;
        }
        deadline_sleep(10, until);
    } while (!deadline_expired(until));
    return false;
}

/* A parent that ignores SIGCHLD (the helper inherits that through exec)
 * makes the kernel reap children at once: waitpid() never sees them exit,
 * and child_run() used to spin until its deadline, then report a timeout.
 * With child_init() (what main() calls first), it is immediate. */
static void
test_sigchld_ignored(void **state)
{
    static const char *const argv[] = {
        "sh", "-c", "echo out; exit 3", NULL
    };
    struct child_result r;
    long long start;
    int error;

    (void) state;
    alarm(30);
    signal(SIGCHLD, SIG_IGN);
    child_init();
    start = clock_mono_ms();
    error = child_run(argv, deadline_after(5000), &r);
    if (error) {
        fail_msg("child_run() with SIGCHLD ignored by the parent: %s "
                 "after %lld ms", strerror(error), clock_mono_ms() - start);
    }
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "out\n");
    assert_true(clock_mono_ms() - start < 2000);
    child_result_free(&r);
}

/* child_run() resets SIGCHLD itself too (for programs other than the
 * helper that link child.c and never call child_init()). */
static void
test_sigchld_ignored_no_init(void **state)
{
    static const char *const argv[] = { "true", NULL };
    struct child_result r;
    long long start;

    (void) state;
    alarm(30);
    signal(SIGCHLD, SIG_IGN);
    start = clock_mono_ms();
    assert_int_equal(child_run(argv, deadline_after(5000), &r), 0);
    assert_int_equal(r.status, 0);
    assert_true(clock_mono_ms() - start < 2000);
    child_result_free(&r);
}

/* A program that times out dies with everything it started that stayed
 * in its process group: here a grandchild that ignores nothing. */
static void
test_timeout_kills_group(void **state)
{
    struct fixture *f = *state;
    char script[256];
    const char *argv[] = { "sh", "-c", script, NULL };
    struct child_result r;
    pid_t grandchild;

    alarm(30);
    snprintf(script, sizeof script,
             "sleep 300 & echo $! > %s; sleep 300", f->pidfile);
    assert_int_equal(child_run(argv, deadline_after(500), &r), ETIMEDOUT);
    grandchild = read_pid(f->pidfile);
    assert_true(grandchild > 0);
    if (!gone(grandchild, 2000)) {
        fail_msg("grandchild %ld survived its parent's timeout",
                 (long) grandchild);
    }
}

/* The program runs in a process group of its own (and not in ours). */
static void
test_own_process_group(void **state)
{
    static const char *const argv[] = {
        "sh", "-c", "ps -o pgid= -p $$", NULL
    };
    struct child_result r;
    char mine[32];

    (void) state;
    alarm(30);
    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    assert_int_equal(r.status, 0);
    snprintf(mine, sizeof mine, "%ld", (long) getpgrp());
    /* The child's group is not ours. */
    assert_true(atol(r.out) > 0);
    assert_int_not_equal(atol(r.out), atol(mine));
    child_result_free(&r);
}

/* A descriptor this process inherited without close-on-exec (here fd 7,
 * as a parent could leave it) does not reach the programs it runs. */
static void
test_inherited_fd_closed(void **state)
{
    struct fixture *f = *state;
    static const char *const argv[] = {
        "readlink", "/proc/self/fd/7", NULL
    };
    struct child_result r;
    char path[128];
    int fd;

    alarm(30);
    snprintf(path, sizeof path, "%s/fd7", f->dir);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(dup2(fd, 7), 7);
    close(fd);
    assert_int_equal(fcntl(7, F_GETFD) & FD_CLOEXEC, 0);

    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    if (r.status == 0) {
        fail_msg("fd 7 reached the child: %s", r.out);
    }
    assert_int_equal(r.status, 1);
    child_result_free(&r);

    /* And child_init() marks it close-on-exec here. */
    child_init();
    assert_int_equal(fcntl(7, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    close(7);
}

/* A program started by a parent that ignores or blocks signals gets them
 * all at their defaults, unblocked. */
static void
test_signals_default(void **state)
{
    static const char *const argv[] = {
        "sh", "-c", "grep -E '^Sig(Ign|Blk):' /proc/self/status", NULL
    };
    struct child_result r;
    sigset_t block, old;

    (void) state;
    alarm(30);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    assert_int_equal(child_run(argv, deadline_after(10000), &r), 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    /* grep itself ignores and blocks nothing.  Only the standard signals
     * (1-31, the low 31 bits) count: posix_spawn() sets glibc's own
     * real-time signals (32, 33) to ignored in every child. */
    {
        unsigned long long blk, ign;

        if (sscanf(r.out, "SigBlk:\t%llx\nSigIgn:\t%llx", &blk, &ign)
            != 2) {
            fail_msg("unexpected output: %s", r.out);
        }
        if ((blk | ign) & 0x7fffffffULL) {
            fail_msg("signals blocked or ignored in the child:\n%s", r.out);
        }
    }
    child_result_free(&r);
}

/* A program that exits at once but leaves behind a descendant writing to
 * its stdout without end: child_run() returns, having kept at most 1 MiB,
 * and reads no more than that after the exit.  (Whether the unbounded
 * drain this replaced ever found the pipe empty was a race between reader
 * and writer: this test checks the bound, it cannot force the race.) */
static void
test_drain_bounded(void **state)
{
    struct fixture *f = *state;
    char script[256];
    const char *argv[] = { "sh", "-c", script, NULL };
    struct child_result r;
    long long start;
    pid_t writer;

    alarm(30);
    snprintf(script, sizeof script,
             "yes & echo $! > %s; sleep 0.3; exit 4", f->pidfile);
    start = clock_mono_ms();
    assert_int_equal(child_run(argv, deadline_after(20000), &r), 0);
    assert_int_equal(r.status, 4);
    assert_true(strlen(r.out) > 0);
    assert_true(strlen(r.out) <= 1024 * 1024);
    if (clock_mono_ms() - start > 5000) {
        fail_msg("drained for %lld ms", clock_mono_ms() - start);
    }
    child_result_free(&r);
    writer = read_pid(f->pidfile);
    assert_true(writer > 0);
    kill(writer, SIGKILL);
    assert_true(gone(writer, 2000));
}

int
main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_sigchld_ignored),
        T(test_sigchld_ignored_no_init),
        T(test_timeout_kills_group),
        T(test_own_process_group),
        T(test_inherited_fd_closed),
        T(test_signals_default),
        T(test_drain_bounded),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
