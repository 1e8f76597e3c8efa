/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/guard.c: what the active's guard does when a
 * server of the active exits (restart it in place, report it to
 * Pacemaker, or nothing). */
#include "unit.h"

#include <stdbool.h>

#include "guard.h"

/* 2026-12-04 14:02:10 UTC, in ms. */
#define T0 1796392930000LL
#define WINDOW GUARD_RESTART_WINDOW_MS

struct decide_row {
    const char *what;
    bool wanted;
    bool other_alive;
    long long last_ms;
    long long now_ms;
    enum guard_action want;
};

static const struct decide_row decide_rows[] = {
    { .what = "the first death: restarted in place",
      .wanted = true, .other_alive = true, .last_ms = 0,
      .now_ms = T0, .want = GUARD_RESTART },
    { .what = "token gone (demote, stop): nothing",
      .wanted = false, .other_alive = true, .last_ms = 0,
      .now_ms = T0, .want = GUARD_QUIT },
    { .what = "token gone, even in a crash loop: nothing",
      .wanted = false, .other_alive = true, .last_ms = T0 - 1,
      .now_ms = T0, .want = GUARD_QUIT },
    { .what = "a second death a second later: reported",
      .wanted = true, .other_alive = true, .last_ms = T0 - 1000,
      .now_ms = T0, .want = GUARD_REPORT },
    { .what = "a second death just within the window: reported",
      .wanted = true, .other_alive = true, .last_ms = T0 - WINDOW + 1,
      .now_ms = T0, .want = GUARD_REPORT },
    { .what = "a death exactly one window later: restarted",
      .wanted = true, .other_alive = true, .last_ms = T0 - WINDOW,
      .now_ms = T0, .want = GUARD_RESTART },
    { .what = "a death long after the last restart: restarted",
      .wanted = true, .other_alive = true, .last_ms = T0 - 3 * WINDOW,
      .now_ms = T0, .want = GUARD_RESTART },
    { .what = "the same millisecond: reported",
      .wanted = true, .other_alive = true, .last_ms = T0,
      .now_ms = T0, .want = GUARD_REPORT },
    { .what = "a clock that went back (restart 'in the future'): reported",
      .wanted = true, .other_alive = true, .last_ms = T0 + 60000,
      .now_ms = T0, .want = GUARD_REPORT },
    { .what = "both servers dead (one kill of both): reported",
      .wanted = true, .other_alive = false, .last_ms = 0,
      .now_ms = T0, .want = GUARD_REPORT },
    { .what = "both dead, in a crash loop: reported",
      .wanted = true, .other_alive = false, .last_ms = T0 - 1000,
      .now_ms = T0, .want = GUARD_REPORT },
    { .what = "both dead, token gone: nothing",
      .wanted = false, .other_alive = false, .last_ms = 0,
      .now_ms = T0, .want = GUARD_QUIT },
    { .what = "no record (0): restarted",
      .wanted = true, .other_alive = true, .last_ms = 0,
      .now_ms = 5, .want = GUARD_RESTART },
    { .what = "a damaged record (negative): restarted",
      .wanted = true, .other_alive = true, .last_ms = -7,
      .now_ms = T0, .want = GUARD_RESTART },
};

static void
test_decide(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof decide_rows / sizeof decide_rows[0]; i++) {
        const struct decide_row *row = &decide_rows[i];
        enum guard_action got = guard_decide(row->wanted, row->other_alive,
                                             row->last_ms, row->now_ms);

        if (got != row->want) {
            fail_msg("%s: got %d, want %d", row->what, (int) got,
                     (int) row->want);
        }
    }
}

/* The bounds hold together: a waiter outlasts a restart. */
static void
test_bounds(void **state)
{
    (void) state;
    assert_true(GUARD_LOCK_WAIT_MS > GUARD_RESTART_MS);
    assert_int_equal(GUARD_RESTART_WINDOW_MS, 600000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
