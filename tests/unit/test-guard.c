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
    long long last_ms;
    long long now_ms;
    enum guard_action want;
};

static const struct decide_row decide_rows[] = {
    { "the first death: restarted in place", true, 0, T0, GUARD_RESTART },
    { "token gone (demote, stop): nothing", false, 0, T0, GUARD_QUIT },
    { "token gone, even in a crash loop: nothing", false, T0 - 1, T0,
      GUARD_QUIT },
    { "a second death a second later: reported", true, T0 - 1000, T0,
      GUARD_REPORT },
    { "a second death just within the window: reported", true,
      T0 - WINDOW + 1, T0, GUARD_REPORT },
    { "a death exactly one window later: restarted", true, T0 - WINDOW, T0,
      GUARD_RESTART },
    { "a death long after the last restart: restarted", true,
      T0 - 3 * WINDOW, T0, GUARD_RESTART },
    { "the same millisecond: reported", true, T0, T0, GUARD_REPORT },
    { "a clock that went back (restart 'in the future'): reported", true,
      T0 + 60000, T0, GUARD_REPORT },
    { "no record (0): restarted", true, 0, 5, GUARD_RESTART },
    { "a damaged record (negative): restarted", true, -7, T0,
      GUARD_RESTART },
};

static void
test_decide(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof decide_rows / sizeof decide_rows[0]; i++) {
        const struct decide_row *row = &decide_rows[i];
        enum guard_action got = guard_decide(row->wanted, row->last_ms,
                                             row->now_ms);

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
