/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/proc.c: CPU time (how a busy server is told from
 * a hung one) and stopping processes that do not want to stop. */
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "proc.h"

static void
test_cpu_ticks(void **state)
{
    unsigned long long before, after;
    long long until;
    volatile unsigned long spin = 0;
    pid_t child;
    int status;

    (void) state;
    assert_int_equal(proc_cpu_ticks(getpid(), &before), 0);
    /* Burn 300 ms of CPU: at least a few ticks (100 per second). */
    until = clock_mono_ms() + 300;
    while (clock_mono_ms() < until) {
        spin++;
    }
    assert_int_equal(proc_cpu_ticks(getpid(), &after), 0);
    assert_true(after > before);

    /* A stopped process uses none. */
    child = fork();
    assert_true(child >= 0);
    if (!child) {
        for (;;) {
            spin++;
        }
    }
    assert_int_equal(kill(child, SIGSTOP), 0);
    assert_int_equal(waitpid(child, &status, WUNTRACED), child);
    assert_int_equal(proc_cpu_ticks(child, &before), 0);
    deadline_sleep(200, deadline_after(200));
    assert_int_equal(proc_cpu_ticks(child, &after), 0);
    assert_true(after == before);

    /* A gone one: ESRCH. */
    assert_int_equal(kill(child, SIGKILL), 0);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_int_equal(proc_cpu_ticks(child, &after), ESRCH);
}

/* A stopped process that ignores SIGTERM still goes, within the grace and
 * the deadline, and the survivors of nothing are named in nothing. */
static void
test_kill_all(void **state)
{
    struct proc_victim v[2];
    char msg[128];
    long long start;
    pid_t kids[2];
    int i, status;

    (void) state;
    /* Ignored before the fork, so that no SIGTERM can come too early. */
    signal(SIGTERM, SIG_IGN);
    for (i = 0; i < 2; i++) {
        kids[i] = fork();
        assert_true(kids[i] >= 0);
        if (!kids[i]) {
            for (;;) {
                pause();
            }
        }
    }
    signal(SIGTERM, SIG_DFL);
    kill(kids[0], SIGSTOP);
    for (i = 0; i < 2; i++) {
        v[i] = (struct proc_victim) {
            .pid = kids[i], .comm = "test-proc", .name = "kid",
        };
    }
    start = clock_mono_ms();
    /* A killed child stays a zombie until reaped: proc_gone() counts a
     * zombie as gone. */
    assert_int_equal(proc_kill_all(v, 2, 300, deadline_after(5000), msg,
                                   sizeof msg), 0);
    assert_true(clock_mono_ms() - start < 2000);
    for (i = 0; i < 2; i++) {
        assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), SIGKILL);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_ticks),
        cmocka_unit_test(test_kill_all),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
