/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/status.c: the text an operator reads in
 * `crm_mon -A`, and when it is written (only when it changes). */
#include "unit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "status.h"

/* 2026-12-04 14:02:10 UTC and 14:00:00 UTC, in ms. */
#define T0 1796392930000LL
#define T_FRESH 1796392800000LL

struct text_row {
    const char *what;
    struct status_input in;
    const char *want;
};

static const struct text_row text_rows[] = {
    { .what = "the active",
      .in = { .state = DECIDE_ACTIVE, .in_sync = true },
      .want = "active" },
    { .what = "an active whose NB server the guard restarted says so",
      .in = { .state = DECIDE_ACTIVE, .in_sync = true,
              .restarted = "NB ovsdb-server", .restarted_ms = T_FRESH },
      .want = "active (NB ovsdb-server restarted by the guard at "
              "2026-12-04 14:00:00 UTC)" },
    { .what = "a restart without a time is not shown",
      .in = { .state = DECIDE_ACTIVE, .restarted = "SB ovsdb-server" },
      .want = "active" },
    { .what = "only an active shows a restart",
      .in = { .state = DECIDE_BACKUP, .in_sync = true, .source = "node2",
              .restarted = "NB ovsdb-server", .restarted_ms = T_FRESH },
      .want = "replicating from node2" },
    { .what = "a backup in sync names the node it follows",
      .in = { .state = DECIDE_BACKUP, .in_sync = true, .source = "node2" },
      .want = "replicating from node2" },
    { .what = "without a known active, master_ip",
      .in = { .state = DECIDE_BACKUP, .in_sync = true, .source = "" },
      .want = "replicating from master_ip" },
    { .what = "reconnecting, with data",
      .in = { .state = DECIDE_BACKUP, .connecting = true, .has_data = true,
              .source = "node2", .fresh_ms = T_FRESH },
      .want = "connecting to node2 since 2026-12-04 14:02:10 UTC; last "
              "current 2026-12-04 14:00:00 UTC" },
    { .what = "not in sync (the active is gone), with data",
      .in = { .state = DECIDE_BACKUP, .has_data = true, .source = "node2",
              .fresh_ms = T_FRESH },
      .want = "stale: not in sync since 2026-12-04 14:02:10 UTC; last "
              "current 2026-12-04 14:00:00 UTC" },
    { .what = "a stalled session, even with the link still replicating",
      .in = { .state = DECIDE_BACKUP, .stalled = true, .has_data = true,
              .source = "node2", .fresh_ms = T_FRESH },
      .want = "stalled: nothing arrives from node2 on the replication "
              "session since 2026-12-04 14:02:10 UTC; replicating again; "
              "last current 2026-12-04 14:00:00 UTC" },
    { .what = "never current",
      .in = { .state = DECIDE_BACKUP, .has_data = true, .source = "node2" },
      .want = "stale: not in sync since 2026-12-04 14:02:10 UTC; last "
              "current an unknown time" },
    { .what = "no data at all",
      .in = { .state = DECIDE_BACKUP, .connecting = true,
              .source = "node2" },
      .want = "never synchronised (no data; connecting to node2)" },
    { .what = "a failure says why",
      .in = { .state = DECIDE_FAILED_PROMOTED,
              .reason = "NB ovsdb-server runs but does not answer" },
      .want = "failed: NB ovsdb-server runs but does not answer" },
    { .what = "stopped",
      .in = { .state = DECIDE_STOPPED },
      .want = "stopped" },
};

static void
test_text(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof text_rows / sizeof text_rows[0]; i++) {
        const struct text_row *row = &text_rows[i];
        struct status_cache prev = { .key = "" }, next;

        assert_true(status_next(&row->in, &prev, T0, &next));
        if (strcmp(next.text, row->want)) {
            fail_msg("%s: got \"%s\", want \"%s\"", row->what, next.text,
                     row->want);
        }
        assert_int_equal(next.since_ms, T0);
    }
}

/* A steady state writes nothing; the start time of a state carries over
 * while it holds; a change of state or of source writes. */
static void
test_when_written(void **state)
{
    const struct status_input stale = {
        .state = DECIDE_BACKUP, .has_data = true, .source = "node2",
        .fresh_ms = T_FRESH,
    };
    const struct status_input synced = {
        .state = DECIDE_BACKUP, .in_sync = true, .source = "node2",
    };
    const struct status_input other = {
        .state = DECIDE_BACKUP, .in_sync = true, .source = "node3",
    };
    struct status_cache none = { .key = "" }, a, b, c;

    (void) state;
    assert_true(status_next(&stale, &none, T0, &a));
    /* Ten monitors later: the same text, nothing to write. */
    assert_false(status_next(&stale, &a, T0 + 100000, &b));
    assert_int_equal(b.since_ms, T0);
    assert_string_equal(b.text, a.text);
    /* In sync again: written; then steady. */
    assert_true(status_next(&synced, &b, T0 + 200000, &c));
    assert_int_equal(c.since_ms, T0 + 200000);
    assert_false(status_next(&synced, &c, T0 + 300000, &a));
    /* Another active: written. */
    assert_true(status_next(&other, &a, T0 + 400000, &b));
    assert_string_equal(b.text, "replicating from node3");
    /* Stale again later: a new start time. */
    assert_true(status_next(&stale, &b, T0 + 500000, &c));
    assert_int_equal(c.since_ms, T0 + 500000);
}

/* The guard's restart note is written when it appears and when it goes
 * (the window ended), and the state's start time carries over. */
static void
test_restart_note(void **state)
{
    const struct status_input plain = { .state = DECIDE_ACTIVE };
    const struct status_input noted = {
        .state = DECIDE_ACTIVE, .restarted = "SB ovsdb-server",
        .restarted_ms = T0 + 1000,
    };
    struct status_cache none = { .key = "" }, a, b, c;

    (void) state;
    assert_true(status_next(&plain, &none, T0, &a));
    assert_true(status_next(&noted, &a, T0 + 2000, &b));
    assert_string_equal(b.text, "active (SB ovsdb-server restarted by the "
                        "guard at 2026-12-04 14:02:11 UTC)");
    assert_int_equal(b.since_ms, T0);
    assert_false(status_next(&noted, &b, T0 + 12000, &c));
    assert_true(status_next(&plain, &c, T0 + 700000, &a));
    assert_string_equal(a.text, "active");
}

/* The cache file round-trips, and garbage is no cache. */
static void
test_cache(void **state)
{
    static const char *garbage[] = {
        "", "key", "key\n", "key\n12\n", "key\nx\ntext\n", "key\n0\ntext\n",
        "key\n-5\ntext\n",
    };
    struct status_cache c = { .key = "stale node2", .since_ms = T0,
                              .text = "stale: not in sync" }, d;
    char buf[512];
    size_t i;

    (void) state;
    status_format(&c, buf, sizeof buf);
    assert_true(status_parse(buf, &d));
    assert_string_equal(d.key, c.key);
    assert_int_equal(d.since_ms, c.since_ms);
    assert_string_equal(d.text, c.text);
    for (i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        if (status_parse(garbage[i], &d)) {
            fail_msg("\"%s\" parsed as a cache", garbage[i]);
        }
        assert_string_equal(d.key, "");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_when_written),
        cmocka_unit_test(test_restart_note),
        cmocka_unit_test(test_cache),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
