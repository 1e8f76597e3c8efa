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

        decide_parse_freshness(row->value, &ms, &final, NULL);
        if (ms != row->want || final != row->want_final) {
            fail_msg("\"%s\": got %lld%s", row->value, ms,
                     final ? ":active" : "");
        }
    }
}

/* decide_format_freshness() and decide_parse_freshness() with positions:
 * what one writes the other reads back; anything else is no position. */
static void
test_position_text(void **state)
{
    static const struct decide_position pos = {
        .age = { 250, 8400 }, .epoch = 1764860000123LL,
        .at = 1764860400456LL,
    };
    static const struct {
        const char *value;
        bool known;
    } rows[] = {
        { .value = "1764860399000 age=250,8400 epoch=1764860000123 "
                   "at=1764860400456", .known = true },
        { .value = "1764860399000 age=-1,8400 epoch=1764860000123 "
                   "at=1764860400456", .known = true },
        { .value = "1764860399000" },
        { .value = "1764860399000 age=250,8400 epoch=1764860000123" },
        { .value = "1764860399000 age=250 epoch=1 at=1" },
        { .value = "1764860399000 age=250,8400 epoch=1 at=1 " },
        { .value = "1764860399000 age=250,8400 epoch=1 at=1x" },
        { .value = "1764860399000 age=-2,8400 epoch=1 at=1" },
        { .value = "1764860399000 age=,8400 epoch=1 at=1" },
        { .value = "1764860399000 age=1,99999999999999999999 epoch=1 at=1" },
        { .value = "1764860399000 epoch=1 age=250,8400 at=1" },
        { .value = "1764860399000  age=250,8400 epoch=1 at=1" },
    };
    struct decide_position got;
    char buf[160];
    long long ms;
    bool final;
    size_t i;

    (void) state;
    decide_format_freshness(1764860399000LL, false, &pos, buf, sizeof buf);
    assert_string_equal(buf, rows[0].value);
    decide_format_freshness(1764860399000LL, true, &pos, buf, sizeof buf);
    assert_string_equal(buf, "1764860399000:active");
    decide_format_freshness(1764860399000LL, false, NULL, buf, sizeof buf);
    assert_string_equal(buf, "1764860399000");

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memset(&got, 0x5a, sizeof got);
        decide_parse_freshness(rows[i].value, &ms, &final, &got);
        assert_int_equal(ms, 1764860399000LL);
        assert_false(final);
        if (!rows[i].known) {
            if (got.age[0] != -1 || got.age[1] != -1 || got.epoch
                || got.at) {
                fail_msg("\"%s\": read a position", rows[i].value);
            }
            continue;
        }
        assert_int_equal(got.age[1], 8400);
        assert_int_equal(got.epoch, 1764860000123LL);
        assert_int_equal(got.at, 1764860400456LL);
    }
    /* "MS:active" stays final, with no position. */
    decide_parse_freshness("12:active", &ms, &final, &got);
    assert_true(final);
    assert_int_equal(got.age[0], -1);
}

/* decide_order(). */
static void
test_order(void **state)
{
#define POS(NB, SB, E) { .age = { NB, SB }, .epoch = E, .at = 1 }
    static const struct {
        struct decide_position a, b;
        enum decide_order want;
    } rows[] = {
        /* Same data, measured a little apart. */
        { .a = POS(300, 7200000, 5), .b = POS(900, 7200400, 5),
          .want = DECIDE_ORDER_SAME },
        { .a = POS(300, 50, 5), .b = POS(1300, 1049, 5),
          .want = DECIDE_ORDER_SAME },
        /* Both sessions of b stalled 8 s ago: a is newer. */
        { .a = POS(200, 7200000, 5), .b = POS(8200, 7200000, 5),
          .want = DECIDE_ORDER_NEWER },
        { .a = POS(8200, 9000, 5), .b = POS(200, 300, 5),
          .want = DECIDE_ORDER_OLDER },
        /* The best bound of each counts: b's SB resynchronised later
         * than a's last SB change, which tells nothing about NB (seen in
         * the lab: a stalled backup that had resynchronised its SB). */
        { .a = POS(2495, 35232, 5), .b = POS(10017, 23143, 5),
          .want = DECIDE_ORDER_NEWER },
        { .a = POS(100, 5000, 5), .b = POS(5000, 100, 5),
          .want = DECIDE_ORDER_SAME },
        /* Data from different promotions, or no age known on a side:
         * not comparable by age. */
        { .a = POS(100, 100, 5), .b = POS(9000, 9000, 6),
          .want = DECIDE_ORDER_UNKNOWN },
        { .a = POS(100, 100, 0), .b = POS(9000, 9000, 0),
          .want = DECIDE_ORDER_UNKNOWN },
        { .a = POS(-1, -1, 5), .b = POS(9000, 9000, 5),
          .want = DECIDE_ORDER_UNKNOWN },
        { .a = POS(-1, -1, 5), .b = POS(-1, -1, 5),
          .want = DECIDE_ORDER_UNKNOWN },
        /* An unknown age leaves the other. */
        { .a = POS(-1, 100, 5), .b = POS(-1, 9000, 5),
          .want = DECIDE_ORDER_NEWER },
        { .a = POS(-1, 100, 5), .b = POS(9000, -1, 5),
          .want = DECIDE_ORDER_NEWER },
        { .a = POS(100, -1, 5), .b = POS(9000, 300, 5),
          .want = DECIDE_ORDER_SAME },
        { .a = POS(9000, 3000, 5), .b = POS(100, -1, 5),
          .want = DECIDE_ORDER_OLDER },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum decide_order got = decide_order(&rows[i].a, &rows[i].b);

        if (got != rows[i].want) {
            fail_msg("row %zu: %d, want %d", i, (int) got,
                     (int) rows[i].want);
        }
    }
#undef POS
}

/* decide_election() with positions: the data decides between nodes of
 * the transition, whatever their clocks say. */
static void
test_election_by_position(void **state)
{
    /* 2026-12-04 17:00 UTC, node3's clock right; node2's five minutes
     * ahead or behind. */
    const long long t = 1796403600000LL, skew = 5 * 60 * 1000;
    const struct decide_position fresh = {
        .age = { 300, 4000 }, .epoch = 77, .at = t,
    };
    const struct decide_position stalled = {
        .age = { 8300, 12000 }, .epoch = 77, .at = t,
    };
    struct {
        const char *what;
        long long mine;
        const struct decide_position *mine_pos;
        struct decide_peer peer;
        int want;
        const char *reason;
    } rows[] = {
        { .what = "a stalled candidate refuses, a fresh peer is elected",
          .mine = t - 20000, .mine_pos = &stalled,
          .peer = { .node = "node3", .freshness = t - 25000, .up = true,
                    .pos = fresh },
          .want = 0,
          .reason = "node3 holds newer data than node2 (NB by 8000 ms); "
                    "refusing promotion so that node3 is promoted" },
        { .what = "the fresh candidate accepts against a stalled peer",
          .mine = t - 25000, .mine_pos = &fresh,
          .peer = { .node = "node3", .freshness = t - 20000, .up = true,
                    .pos = stalled },
          .want = -1 },
        { .what = "a stalled peer whose clock is 5 min ahead does not win",
          .mine = t - 25000, .mine_pos = &fresh,
          .peer = { .node = "node3", .freshness = t + skew - 20000,
                    .up = true,
                    .pos = { .age = { 8300, 12000 }, .epoch = 77,
                             .at = t + skew } },
          .want = -1 },
        { .what = "a stalled candidate whose clock is 5 min ahead refuses",
          .mine = t + skew - 20000,
          .mine_pos = &(const struct decide_position) {
              .age = { 8300, 12000 }, .epoch = 77, .at = t + skew },
          .peer = { .node = "node3", .freshness = t - 25000, .up = true,
                    .pos = fresh },
          .want = 0 },
        { .what = "a fresh peer whose clock is 5 min behind still wins",
          .mine = t - 20000, .mine_pos = &stalled,
          .peer = { .node = "node3", .freshness = t - skew - 25000,
                    .up = true,
                    .pos = { .age = { 300, 4000 }, .epoch = 77,
                             .at = t - skew } },
          .want = 0 },
        { .what = "the same data: accepted, even 59 s apart in freshness",
          .mine = t - 59000, .mine_pos = &fresh,
          .peer = { .node = "node3", .freshness = t, .up = true,
                    .pos = { .age = { 900, 4500 }, .epoch = 77,
                             .at = t } },
          .want = -1 },
        { .what = "the same data: accepted, even 5 min apart in freshness",
          .mine = t - skew, .mine_pos = &fresh,
          .peer = { .node = "node3", .freshness = t, .up = true,
                    .pos = fresh },
          .want = -1 },
        /* Without comparable positions, the freshness times decide,
         * with the measured clock offset taken out. */
        { .what = "other promotion: a skewed clock is corrected",
          .mine = t - 30000, .mine_pos = &fresh,
          .peer = { .node = "node3", .freshness = t + skew - 20000,
                    .up = true,
                    .pos = { .age = { 300, 300 }, .epoch = 78,
                             .at = t + skew } },
          .want = -1 },
        { .what = "other promotion: newer by more than the slack",
          .mine = t - 200000, .mine_pos = &fresh,
          .peer = { .node = "node3", .freshness = t + skew - 20000,
                    .up = true,
                    .pos = { .age = { 300, 300 }, .epoch = 78,
                             .at = t + skew } },
          .want = 0,
          .reason = "node3 holds newer data than node2; refusing "
                    "promotion so that node3 is promoted" },
        { .what = "a peer's final active copy still wins",
          .mine = t - 1000, .mine_pos = &fresh,
          .peer = { .node = "node3", .freshness = t, .up = true,
                    .active = true, .pos = { .age = { -1, -1 } } },
          .want = 0 },
        /* A peer that is down: its record is from another round. */
        { .what = "a down peer's position is not used",
          .mine = t - 20000, .mine_pos = &stalled,
          .peer = { .node = "node3", .freshness = t - 25000,
                    .pos = fresh },
          .want = -1 },
    };
    char reason[256];
    size_t i;

    (void) state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int got = decide_election("node2", rows[i].mine, rows[i].mine_pos,
                                  &rows[i].peer, 1, NULL, reason,
                                  sizeof reason);

        if (got != rows[i].want) {
            fail_msg("%s: %d, want %d (%s)", rows[i].what, got,
                     rows[i].want, reason);
        }
        if (rows[i].reason) {
            assert_string_equal(reason, rows[i].reason);
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

/* decide_defers(): which lost elections step aside before the promote. */
struct defers_row {
    const char *what;
    struct decide_peer peers[3];
    int n;
    int best;
    bool want;
};

static const struct defers_row defers_rows[] = {
    { .what = "a backup up in this transition holds newer data",
      .peers = { { .node = "n2", .up = true },
                 { .node = "n3", .up = true } },
      .n = 2, .best = 1, .want = true },
    { .what = "the candidate may be promoted",
      .peers = { { .node = "n2", .up = true } },
      .n = 1, .best = -1, .want = false },
    { .what = "too many nodes",
      .peers = { { .node = "n2", .up = true } },
      .n = 0, .best = -2, .want = false },
    { .what = "the newer copy is on a node that is down",
      .peers = { { .node = "n2", .up = true },
                 { .node = "n3", .up = false } },
      .n = 2, .best = 2, .want = false },
    { .what = "a down peer's index (best is never one, but still no)",
      .peers = { { .node = "n3", .up = false } },
      .n = 1, .best = 0, .want = false },
    { .what = "a demoted active whose marker is not here yet: the promote "
              "waits for it",
      .peers = { { .node = "n2", .up = true, .active = true,
                   .handing_over = true } },
      .n = 1, .best = 0, .want = false },
    { .what = "an active's final copy, up again after a cold restart (no "
              "marker published)",
      .peers = { { .node = "n2", .up = true, .active = true } },
      .n = 1, .best = 0, .want = true },
    { .what = "an active's final copy on a node that is down",
      .peers = { { .node = "n2", .up = false, .active = true } },
      .n = 1, .best = 0, .want = false },
};

static void
test_defers(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < sizeof defers_rows / sizeof defers_rows[0]; i++) {
        const struct defers_row *row = &defers_rows[i];

        if (decide_defers(row->peers, row->n, row->best) != row->want) {
            fail_msg("%s: want %s", row->what, row->want ? "true" : "false");
        }
    }
}

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
        cmocka_unit_test(test_position_text),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_election_by_position),
        cmocka_unit_test(test_peers),
        cmocka_unit_test(test_peers_overflow),
        cmocka_unit_test(test_defers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
