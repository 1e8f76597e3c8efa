/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/deadline.c. */
#include "unit.h"
#include "clock.h"
#include "deadline.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* Slack allowed for the scheduler when checking elapsed times. */
#define SLACK_MS 100

static long long
real_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_now_monotonic(void **state)
{
    long long a, b, r;
    int i;

    (void) state;
    a = clock_mono_ms();
    r = real_now();
    /* Milliseconds of CLOCK_MONOTONIC. */
    assert_true(r - a >= 0 && r - a <= 1000);
    for (i = 0; i < 1000; i++) {
        b = clock_mono_ms();
        assert_true(b >= a);
        a = b;
    }
}

static void
test_after(void **state)
{
    long long before, d, after;

    (void) state;
    before = clock_mono_ms();
    d = deadline_after(1500);
    after = clock_mono_ms();
    assert_true(d >= before + 1500 && d <= after + 1500);

    /* Negative and zero delays give "now". */
    before = clock_mono_ms();
    d = deadline_after(-5000);
    after = clock_mono_ms();
    assert_true(d >= before && d <= after);
    d = deadline_after(0);
    assert_true(d >= before && d <= clock_mono_ms());
}

static void
test_left_clamps(void **state)
{
    long long now;
    int left;

    (void) state;
    now = clock_mono_ms();
    assert_int_equal(deadline_left(now - 1), 0);
    assert_int_equal(deadline_left(now - 100000), 0);
    assert_int_equal(deadline_left(LLONG_MIN / 2), 0);
    assert_int_equal(deadline_left(now + 4LL * INT_MAX), INT_MAX);
    assert_int_equal(deadline_left(LLONG_MAX / 2), INT_MAX);

    left = deadline_left(deadline_after(1000));
    assert_true(left > 1000 - SLACK_MS && left <= 1000);
}

static void
test_expired(void **state)
{
    long long d;

    (void) state;
    assert_true(deadline_expired(clock_mono_ms() - 1));
    assert_true(deadline_expired(deadline_after(0)));
    assert_false(deadline_expired(deadline_after(10000)));

    /* Becomes true once the time has come (polled, bounded). */
    d = deadline_after(20);
    while (!deadline_expired(d)) {
        assert_true(real_now() < d + 1000);
    }
    assert_true(real_now() >= d);
}

/* Sleeping for less than the time left sleeps that long. */
static void
test_sleep_short(void **state)
{
    long long start, elapsed;

    (void) state;
    start = real_now();
    deadline_sleep(50, deadline_after(10000));
    elapsed = real_now() - start;
    assert_true(elapsed >= 50 && elapsed < 50 + 500);
}

/* Sleeping for more than the time left stops at the deadline, never
 * later. */
static void
test_sleep_stops_at_deadline(void **state)
{
    long long start, d, end;

    (void) state;
    start = real_now();
    d = deadline_after(60);
    deadline_sleep(5000, d);
    end = real_now();
    assert_true(end >= d - 1);
    assert_true(end - start < 60 + 500);
    assert_true(end <= d + SLACK_MS);
}

/* A passed deadline, a zero or negative duration: no sleep at all. */
static void
test_sleep_nothing(void **state)
{
    long long start;

    (void) state;
    start = real_now();
    deadline_sleep(3000, clock_mono_ms() - 10);
    deadline_sleep(0, deadline_after(3000));
    deadline_sleep(-5, deadline_after(3000));
    assert_true(real_now() - start < 2 * SLACK_MS);
}

static volatile sig_atomic_t alarms;

static void
on_alarm(int sig)
{
    (void) sig;
    alarms++;
}

/* A signal does not cut the sleep short. */
static void
test_sleep_signal(void **state)
{
    struct itimerval it;
    struct sigaction sa, old;
    long long start, elapsed;

    (void) state;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 20000;
    it.it_interval.tv_usec = 20000;
    alarms = 0;
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);

    start = real_now();
    deadline_sleep(150, deadline_after(10000));
    elapsed = real_now() - start;

    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, NULL);
    sigaction(SIGALRM, &old, NULL);
    assert_true(alarms > 0);
    assert_true(elapsed >= 150 && elapsed < 150 + 500);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_now_monotonic),
        cmocka_unit_test(test_after),
        cmocka_unit_test(test_left_clamps),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_sleep_short),
        cmocka_unit_test(test_sleep_stops_at_deadline),
        cmocka_unit_test(test_sleep_nothing),
        cmocka_unit_test(test_sleep_signal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
