/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the election's pure rules in helper/decide.c: the
 * freshness of a copy from what it holds, the record parsers, and which
 * nodes take part in an election. */
#include "unit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "decide.h"

/* decide_freshness(). */
struct freshness_row {
    const char *what;
    bool has_data;
    long long fresh;
    bool fresh_active;
    long long promoted;
    long long handed;
    long long want;
    bool want_active;
};

static const struct freshness_row freshness_rows[] = {
    { .what = "no data: 0, whatever the records say",
      .has_data = false, .fresh = 5000, .fresh_active = true,
      .promoted = 7000, .handed = 8000, .want = 0, .want_active = false },
    { .what = "data never seen current: 1",
      .has_data = true, .want = 1 },
    { .what = "own record only",
      .has_data = true, .fresh = 5000, .want = 5000 },
    { .what = "own record made as the active",
      .has_data = true, .fresh = 5000, .fresh_active = true,
      .want = 5000, .want_active = true },
    { .what = "a newer promotion record: current then, not final",
      .has_data = true, .fresh = 5000, .fresh_active = true,
      .promoted = 6000, .want = 6000, .want_active = false },
    { .what = "an older promotion record changes nothing",
      .has_data = true, .fresh = 5000, .fresh_active = true,
      .promoted = 4000, .want = 5000, .want_active = true },
    { .what = "a promotion record equal to the own record changes nothing",
      .has_data = true, .fresh = 5000, .fresh_active = true,
      .promoted = 5000, .want = 5000, .want_active = true },
    { .what = "the handover marker, newer: that active's final copy",
      .has_data = true, .fresh = 5000, .handed = 6000,
      .want = 6000, .want_active = true },
    { .what = "the handover marker at the same time: final",
      .has_data = true, .fresh = 5000, .handed = 5000,
      .want = 5000, .want_active = true },
    { .what = "an older handover marker: newer data came after it",
      .has_data = true, .fresh = 5000, .handed = 4000, .want = 5000 },
    { .what = "marker newer than the promotion record, which is newer "
              "than the own record",
      .has_data = true, .fresh = 3000, .promoted = 4000, .handed = 4500,
      .want = 4500, .want_active = true },
    { .what = "promotion record newer than the marker: a later active's",
      .has_data = true, .fresh = 3000, .handed = 4000, .promoted = 4500,
      .want = 4500, .want_active = false },
    { .what = "only a marker, no own record",
      .has_data = true, .handed = 4000, .want = 4000, .want_active = true },
};

static void
test_freshness(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof freshness_rows / sizeof freshness_rows[0]; i++) {
        const struct freshness_row *row = &freshness_rows[i];
        bool active = !row->want_active;
        long long got = decide_freshness(row->has_data, row->fresh,
                                         row->fresh_active, row->promoted,
                                         row->handed, &active);

        if (got != row->want || active != row->want_active) {
            fail_msg("%s: got %lld%s, want %lld%s", row->what, got,
                     active ? " (final)" : "", row->want,
                     row->want_active ? " (final)" : "");
        }
    }
}

/* decide_record_time(). */
struct record_row {
    const char *value;
    bool marker;
    long long want;
};

static const struct record_row record_rows[] = {
    { .value = "node1:1700000000123", .want = 1700000000123LL },
    { .value = "node1:1700000000123:4242", .marker = true,
      .want = 1700000000123LL },
    { .value = "node1:1700000000123:4242", .marker = false, .want = 4242 },
    { .value = "node1:1700000000123", .marker = true, .want = 0 },
    { .value = "a:b:c:77", .want = 77 },
    { .value = "a:b:77:9", .marker = true, .want = 77 },
    { .value = "", .want = 0 },
    { .value = "", .marker = true, .want = 0 },
    { .value = "node1", .want = 0 },
    { .value = "node1:", .want = 0 },
    { .value = "node1:0", .want = 0 },
    { .value = "node1:-5", .want = 0 },
    { .value = "node1:12x", .want = 0 },
    { .value = "node1: 12", .want = 12 },
    { .value = "node1:99999999999999999999", .want = 0 },
    { .value = "node1:123456789012345678901234567890123", .want = 0 },
    { .value = ":5", .want = 5 },
    { .value = "::5", .marker = true, .want = 0 },
};

static void
test_record_time(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof record_rows / sizeof record_rows[0]; i++) {
        const struct record_row *row = &record_rows[i];
        long long got = decide_record_time(row->value, row->marker);

        if (got != row->want) {
            fail_msg("\"%s\"%s: got %lld, want %lld", row->value,
                     row->marker ? " (marker)" : "", got, row->want);
        }
    }
}

/* decide_parse_freshness(). */
struct parse_row {
    const char *value;
    long long want;
    bool want_final;
};

static const struct parse_row parse_rows[] = {
    { .value = "1700000000123", .want = 1700000000123LL },
    { .value = "1700000000123:active", .want = 1700000000123LL,
      .want_final = true },
    { .value = "1:active", .want = 1, .want_final = true },
    { .value = "0", .want = 0 },
    { .value = "", .want = 0 },
    { .value = "abc", .want = 0 },
    { .value = "12:Active", .want = 12 },
    { .value = "12:active ", .want = 12 },
    { .value = "12:activex", .want = 12 },
};

static void
test_parse_freshness(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof parse_rows / sizeof parse_rows[0]; i++) {
        const struct parse_row *row = &parse_rows[i];
        bool final = !row->want_final;
        long long ms = -1;

        decide_parse_freshness(row->value, &ms, &final);
        if (ms != row->want || final != row->want_final) {
            fail_msg("\"%s\": got %lld%s", row->value, ms,
                     final ? ":active" : "");
        }
    }
}

/* decide_peers(): the expected peers, "name" for an up one and "name-" for
 * one that is down, in order, separated by spaces. */
struct peers_row {
    const char *what;
    const char *me;
    const char *handed;
    struct decide_lists lists;
    const char *want;
};

static const struct peers_row peers_rows[] = {
    { .what = "no lists", .me = "n1", .want = "" },
    { .what = "the promoted node itself counts among the up ones",
      .me = "n1",
      .lists = { .active = "n1 n2 n3", .promote = "n1",
                 .all = "n1 n2 n3" },
      .want = "n1 n2 n3" },
    { .what = "up lists in order, each node once",
      .me = "n1",
      .lists = { .active = "n2", .start = "n3 n2", .promote = "n1 n3",
                 .all = "n1 n2 n3" },
      .want = "n2 n3 n1" },
    { .what = "nodes of all that are not up count as down",
      .me = "n1",
      .lists = { .active = "n1", .promote = "n1",
                 .all = "n1 n2 n3" },
      .want = "n1 n2- n3-" },
    { .what = "a stopping node is not up; it counts as down",
      .me = "n1",
      .lists = { .active = "n1 n2", .promote = "n1", .stopping = "n2",
                 .all = "n1 n2" },
      .want = "n1 n2-" },
    { .what = "me never counts as a down peer",
      .me = "n1",
      .lists = { .active = "n2", .all = "n1 n2" },
      .want = "n2" },
    { .what = "the node that handed over does not count, up or down",
      .me = "n1", .handed = "n2",
      .lists = { .active = "n1 n2 n3", .promote = "n1",
                 .all = "n1 n2 n3 n4" },
      .want = "n1 n3 n4-" },
    { .what = "an empty handed name filters nothing",
      .me = "n1", .handed = "",
      .lists = { .active = "n2", .all = "n2 n3" },
      .want = "n2 n3-" },
    { .what = "tabs and repeated blanks separate names",
      .me = "n1",
      .lists = { .active = " n2\tn3  ", .all = "\tn4 " },
      .want = "n2 n3 n4-" },
    { .what = "a name that only starts like another is another",
      .me = "n1",
      .lists = { .active = "n10 n1", .stopping = "n100",
                 .all = "n11" },
      .want = "n10 n1 n11-" },
};

static void
format_peers(const struct decide_peer *peers, int n, char *buf,
             size_t size)
{
    size_t len = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; i < n && len < size; i++) {
        len += snprintf(buf + len, size - len, "%s%s%s", i ? " " : "",
                        peers[i].node, peers[i].up ? "" : "-");
    }
}

static void
test_peers(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof peers_rows / sizeof peers_rows[0]; i++) {
        const struct peers_row *row = &peers_rows[i];
        struct decide_peer peers[DECIDE_MAX_PEERS];
        char names[DECIDE_MAX_PEERS][NODELIST_NAME_MAX];
        char got[1024];
        int n, j;

        n = decide_peers(row->me, row->handed, &row->lists, peers, names);
        assert_true(n >= 0);
        for (j = 0; j < n; j++) {
            assert_int_equal(peers[j].freshness, 0);
            assert_false(peers[j].active);
        }
        format_peers(peers, n, got, sizeof got);
        if (strcmp(got, row->want)) {
            fail_msg("%s: got \"%s\", want \"%s\"", row->what, got,
                     row->want);
        }
    }
}

/* More peers than DECIDE_MAX_PEERS: refused, never silently dropped. */
static void
test_peers_overflow(void **state)
{
    struct decide_peer peers[DECIDE_MAX_PEERS];
    char names[DECIDE_MAX_PEERS][NODELIST_NAME_MAX];
    char list[DECIDE_MAX_PEERS * 8 + 16];
    struct decide_lists lists = { .all = list };
    size_t len = 0;
    int i;

    (void) state;
    list[0] = '\0';
    for (i = 0; i < DECIDE_MAX_PEERS; i++) {
        len += snprintf(list + len, sizeof list - len, "n%d ", i);
    }
    assert_int_equal(decide_peers("me", NULL, &lists, peers, names),
                     DECIDE_MAX_PEERS);
    /* One more, even a down one, is one too many... */
    snprintf(list + len, sizeof list - len, "extra");
    assert_int_equal(decide_peers("me", NULL, &lists, peers, names), -1);
    /* ...but not when it is this node itself, which is not a peer. */
    snprintf(list + len, sizeof list - len, "me");
    assert_int_equal(decide_peers("me", NULL, &lists, peers, names),
                     DECIDE_MAX_PEERS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_freshness),
        cmocka_unit_test(test_record_time),
        cmocka_unit_test(test_parse_freshness),
        cmocka_unit_test(test_peers),
        cmocka_unit_test(test_peers_overflow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
