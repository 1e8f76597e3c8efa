/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/decide.c.
 *
 * decide_monitor() is compared, for every combination of its inputs, with
 * an independent oracle written from the rules below, and explicit rows
 * spell the rules out one by one, reason text included.
 *
 *   1. Nothing runs: a running ovn-northd (managed or not) is a failure,
 *      promoted if Pacemaker expects the promoted role; otherwise
 *      FAILED_PROMOTED with DECIDE_SCORE_FINAL if Pacemaker expects the
 *      promoted role, else STOPPED.
 *
 *   Let any_active be "some database answered with role active", and
 *   promoted be "Pacemaker expects the promoted role, or it expects any
 *   role and any_active".
 *
 *   2. For NB then SB: a database that does not run (while the other runs)
 *      is a failure, promoted if promoted or any_active; one that runs but
 *      did not answer, or answered with an unknown role, is a failure,
 *      promoted if promoted.  A promoted failure of the first two kinds
 *      (a process gone or hung) keeps DECIDE_SCORE_FINAL.
 *   3. Roles differ: failure, promoted if promoted; repair REBACKUP only if
 *      Pacemaker expects the unpromoted role.
 *   4. Both active: if Pacemaker expects the unpromoted role, FAILED with
 *      repair REBACKUP; else, with ovn-northd managed and not running,
 *      FAILED_PROMOTED; else ACTIVE, DECIDE_SCORE_ACTIVE, in sync.
 *   5. Both backup: if Pacemaker expects the promoted role, FAILED_PROMOTED;
 *      else a running ovn-northd, or a database whose target is not
 *      master_ip, is FAILED; else BACKUP, with DECIDE_SCORE_BACKUP and in
 *      sync if both replicate from a live source on a session that did
 *      not stall; else, if a database replicates from a live source on
 *      a stalled session, repair RESYNC with DECIDE_SCORE_STALE (or
 *      DECIDE_SCORE_EMPTY without data); else, if either holds
 *      data, if this was the last active node, DECIDE_SCORE_FINAL if its
 *      freshness record was made as the active, else
 *      DECIDE_SCORE_LAST_ACTIVE; else DECIDE_SCORE_STALE; else
 *      DECIDE_SCORE_EMPTY.
 *
 * Every failure has DECIDE_SCORE_NONE unless stated, is not in sync, and
 * has a non-empty reason; no other verdict has a reason.  The repair is
 * NONE except where stated.
 *
 * decide_election() is table-tested. */
#include "unit.h"
#include "decide.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>


static const enum repl_role roles[] = {
    REPL_ROLE_UNKNOWN, REPL_ROLE_ACTIVE, REPL_ROLE_BACKUP,
};
static const enum repl_link links[] = {
    REPL_LINK_NONE, REPL_LINK_CONNECTING, REPL_LINK_REPLICATING,
    REPL_LINK_NOT_CONNECTED,
};
static const enum decide_expect expects[] = {
    DECIDE_EXPECT_ANY, DECIDE_EXPECT_UNPROMOTED, DECIDE_EXPECT_PROMOTED,
};

#define N_ROLES (sizeof roles / sizeof roles[0])
#define N_LINKS (sizeof links / sizeof links[0])
#define N_EXPECTS (sizeof expects / sizeof expects[0])
/* Observations of one database: running x answered x role x link x
 * target_ok x source_alive x has_data x stalled. */
#define N_DB (2 * 2 * N_ROLES * N_LINKS * 2 * 2 * 2 * 2)

/* What decide_monitor() should answer. */
struct expected {
    enum decide_state state;
    int score;
    bool in_sync;
    enum decide_repair repair;
};

static bool
is_failure(enum decide_state state)
{
    return state == DECIDE_FAILED || state == DECIDE_FAILED_PROMOTED;
}

static void
expect_failure(struct expected *x, bool promoted)
{
    x->state = promoted ? DECIDE_FAILED_PROMOTED : DECIDE_FAILED;
    x->score = DECIDE_SCORE_NONE;
    x->in_sync = false;
    x->repair = DECIDE_REPAIR_NONE;
}

static void
expect_ok(struct expected *x, enum decide_state state, int score,
          bool in_sync)
{
    x->state = state;
    x->score = score;
    x->in_sync = in_sync;
    x->repair = DECIDE_REPAIR_NONE;
}

static bool
answered_active(const struct decide_db *db)
{
    return db->answered && db->role == REPL_ROLE_ACTIVE;
}

static bool
backup_in_sync(const struct decide_db *db)
{
    return db->link == REPL_LINK_REPLICATING && db->source_alive
           && !db->stalled;
}

static bool
backup_stalled(const struct decide_db *db)
{
    return db->link == REPL_LINK_REPLICATING && db->source_alive
           && db->stalled;
}

/* The oracle: what decide_monitor() should answer for 'in'. */
static void
oracle(const struct decide_input *in, struct expected *x)
{
    const struct decide_db *nb = &in->nb, *sb = &in->sb;
    bool want_promoted = in->expect == DECIDE_EXPECT_PROMOTED;
    bool want_unpromoted = in->expect == DECIDE_EXPECT_UNPROMOTED;
    bool any_active = answered_active(nb) || answered_active(sb);
    bool promoted = want_promoted
                    || (in->expect == DECIDE_EXPECT_ANY && any_active);

    /* Rule 1. */
    if (!nb->running && !sb->running) {
        if (in->northd_running || want_promoted) {
            expect_failure(x, want_promoted);
            if (!in->northd_running) {
                x->score = DECIDE_SCORE_FINAL;
            }
        } else {
            expect_ok(x, DECIDE_STOPPED, DECIDE_SCORE_NONE, false);
        }
        return;
    }

    /* Rule 2, NB then SB. */
    if (!nb->running) {
        expect_failure(x, promoted || any_active);
        x->score = promoted || any_active ? DECIDE_SCORE_FINAL
                                          : DECIDE_SCORE_NONE;
        return;
    }
    if (!nb->answered || nb->role == REPL_ROLE_UNKNOWN) {
        expect_failure(x, promoted);
        x->score = promoted && !nb->answered ? DECIDE_SCORE_FINAL
                                             : DECIDE_SCORE_NONE;
        return;
    }
    if (!sb->running) {
        expect_failure(x, promoted || any_active);
        x->score = promoted || any_active ? DECIDE_SCORE_FINAL
                                          : DECIDE_SCORE_NONE;
        return;
    }
    if (!sb->answered || sb->role == REPL_ROLE_UNKNOWN) {
        expect_failure(x, promoted);
        x->score = promoted && !sb->answered ? DECIDE_SCORE_FINAL
                                             : DECIDE_SCORE_NONE;
        return;
    }

    /* Rule 3. */
    if (nb->role != sb->role) {
        expect_failure(x, promoted);
        if (want_unpromoted) {
            x->repair = DECIDE_REPAIR_REBACKUP;
        }
        return;
    }

    /* Rule 4. */
    if (nb->role == REPL_ROLE_ACTIVE) {
        if (want_unpromoted) {
            expect_failure(x, false);
            x->repair = DECIDE_REPAIR_REBACKUP;
        } else if (in->northd_managed && !in->northd_running) {
            expect_failure(x, true);
        } else {
            expect_ok(x, DECIDE_ACTIVE, DECIDE_SCORE_ACTIVE, true);
        }
        return;
    }

    /* Rule 5. */
    if (want_promoted) {
        expect_failure(x, true);
    } else if (in->northd_running) {
        expect_failure(x, false);
    } else if (!nb->target_ok || !sb->target_ok) {
        expect_ok(x, DECIDE_BACKUP, nb->has_data || sb->has_data
                  ? (!in->last_active ? DECIDE_SCORE_STALE
                     : in->final_active ? DECIDE_SCORE_FINAL
                     : DECIDE_SCORE_LAST_ACTIVE)
                  : DECIDE_SCORE_EMPTY, false);
        x->repair = DECIDE_REPAIR_REPOINT;
    } else if (backup_in_sync(nb) && backup_in_sync(sb)) {
        expect_ok(x, DECIDE_BACKUP, DECIDE_SCORE_BACKUP, true);
    } else if (backup_stalled(nb) || backup_stalled(sb)) {
        expect_ok(x, DECIDE_BACKUP, nb->has_data || sb->has_data
                  ? DECIDE_SCORE_STALE : DECIDE_SCORE_EMPTY, false);
        x->repair = DECIDE_REPAIR_RESYNC;
    } else if (nb->has_data || sb->has_data) {
        expect_ok(x, DECIDE_BACKUP, !in->last_active ? DECIDE_SCORE_STALE
                  : in->final_active ? DECIDE_SCORE_FINAL
                  : DECIDE_SCORE_LAST_ACTIVE, false);
    } else {
        expect_ok(x, DECIDE_BACKUP, DECIDE_SCORE_EMPTY, false);
    }
}

/* Fills 'db' with the 'idx'th of the N_DB possible observations. */
static void
db_from_index(size_t idx, struct decide_db *db)
{
    db->stalled = idx % 2;
    idx /= 2;
    db->has_data = idx % 2;
    idx /= 2;
    db->source_alive = idx % 2;
    idx /= 2;
    db->target_ok = idx % 2;
    idx /= 2;
    db->link = links[idx % N_LINKS];
    idx /= N_LINKS;
    db->role = roles[idx % N_ROLES];
    idx /= N_ROLES;
    db->answered = idx % 2;
    idx /= 2;
    db->running = idx % 2;
}

static void
print_db(const char *tag, const struct decide_db *db)
{
    print_message("%s{run=%d ans=%d role=%s link=%s target_ok=%d "
                  "source_alive=%d has_data=%d stalled=%d} ", tag,
                  db->running, db->answered, repl_role_name(db->role),
                  repl_link_name(db->link), db->target_ok,
                  db->source_alive, db->has_data, db->stalled);
}

static void
print_input(const struct decide_input *in)
{
    print_db("nb", &in->nb);
    print_db("sb", &in->sb);
    print_message("northd{managed=%d running=%d} expect=%d "
                  "last_active=%d final_active=%d\n", in->northd_managed,
                  in->northd_running, (int) in->expect, in->last_active,
                  in->final_active);
}

/* Runs decide_monitor() on 'in' with a verdict full of garbage, so that a
 * field it forgets to set shows. */
static void
run_decide(const struct decide_input *in, struct decide_verdict *v)
{
    memset(v, 0xa5, sizeof *v);
    decide_monitor(in, v);
}

/* Returns true if 'v' is what 'x' says, reason included. */
static bool
verdict_matches(const struct decide_verdict *v, const struct expected *x)
{
    return v->state == x->state && v->score == x->score
           && v->in_sync == x->in_sync && v->repair == x->repair
           && memchr(v->reason, '\0', sizeof v->reason)
           && is_failure(x->state) == (v->reason[0] != '\0');
}

static void
print_mismatch(const struct decide_input *in, const struct decide_verdict *v,
               const struct expected *x)
{
    print_message("got %s/%d in_sync=%d repair=%d reason '%.*s', "
                  "expected %s/%d in_sync=%d repair=%d for ",
                  decide_state_name(v->state), v->score, (int) v->in_sync,
                  (int) v->repair, (int) sizeof v->reason, v->reason,
                  decide_state_name(x->state), x->score, (int) x->in_sync,
                  (int) x->repair);
    print_input(in);
}

/* Every combination of inputs against the oracle. */
static void
test_exhaustive(void **state)
{
    size_t nb, sb, k, n = 0, bad = 0;
    size_t seen[DECIDE_FAILED_PROMOTED + 1];

    (void) state;
    memset(seen, 0, sizeof seen);
    for (nb = 0; nb < N_DB; nb++) {
        for (sb = 0; sb < N_DB; sb++) {
            /* northd_managed x northd_running x last_active x
             * final_active x expect. */
            for (k = 0; k < 2 * 2 * 2 * 2 * N_EXPECTS; k++) {
                struct decide_input in;
                struct decide_verdict v;
                struct expected x;

                memset(&in, 0, sizeof in);
                db_from_index(nb, &in.nb);
                db_from_index(sb, &in.sb);
                in.northd_managed = k & 1;
                in.northd_running = (k >> 1) & 1;
                in.last_active = (k >> 2) & 1;
                in.final_active = (k >> 3) & 1;
                in.expect = expects[(k >> 4) % N_EXPECTS];
                oracle(&in, &x);
                run_decide(&in, &v);
                n++;
                seen[x.state]++;
                if (!verdict_matches(&v, &x) && bad++ < 10) {
                    print_mismatch(&in, &v, &x);
                }
            }
        }
    }
    assert_int_equal(n, N_DB * N_DB * 2 * 2 * 2 * 2 * N_EXPECTS);
    assert_int_equal(bad, 0);
    /* The table reaches every state. */
    for (k = 0; k < sizeof seen / sizeof seen[0]; k++) {
        assert_true(seen[k] > 0);
    }
}

/* Observations used by the explicit rows (the fields not named are
 * false). */
#define DOWN { .role = REPL_ROLE_UNKNOWN, .link = REPL_LINK_NONE }
#define HUNG { .running = true, .role = REPL_ROLE_UNKNOWN,                    \
               .link = REPL_LINK_NONE }
/* Did not answer, but what is left in the struct says active. */
#define HUNG_ACT { .running = true, .role = REPL_ROLE_ACTIVE,                 \
                   .link = REPL_LINK_NONE, .has_data = true }
#define ODD { .running = true, .answered = true, .role = REPL_ROLE_UNKNOWN,   \
              .link = REPL_LINK_NONE, .has_data = true }
#define ACT { .running = true, .answered = true, .role = REPL_ROLE_ACTIVE,    \
              .link = REPL_LINK_NONE, .has_data = true }
/* A backup replicating from a live master_ip. */
#define BAK { .running = true, .answered = true, .role = REPL_ROLE_BACKUP,    \
              .link = REPL_LINK_REPLICATING, .target_ok = true,               \
              .source_alive = true, .has_data = true }
/* "replicating", but the source does not answer. */
#define BAK_DEAD { .running = true, .answered = true,                         \
                   .role = REPL_ROLE_BACKUP, .link = REPL_LINK_REPLICATING,   \
                   .target_ok = true, .has_data = true }
/* Not connected, with data. */
#define BAK_OLD { .running = true, .answered = true,                          \
                  .role = REPL_ROLE_BACKUP, .link = REPL_LINK_NOT_CONNECTED,  \
                  .target_ok = true, .has_data = true }
/* Connecting, never synchronised: no data. */
#define BAK_NEW { .running = true, .answered = true,                          \
                  .role = REPL_ROLE_BACKUP, .link = REPL_LINK_CONNECTING,     \
                  .target_ok = true }
/* "replicating" from a live source, but the session carries nothing. */
#define BAK_STALL { .running = true, .answered = true,                        \
                    .role = REPL_ROLE_BACKUP, .link = REPL_LINK_REPLICATING,  \
                    .target_ok = true, .source_alive = true,                  \
                    .has_data = true, .stalled = true }
/* Replicating from another source than master_ip. */
#define BAK_ELSE { .running = true, .answered = true,                         \
                   .role = REPL_ROLE_BACKUP, .link = REPL_LINK_REPLICATING,   \
                   .source_alive = true, .has_data = true }

#define ANY DECIDE_EXPECT_ANY
#define UNPROM DECIDE_EXPECT_UNPROMOTED
#define PROM DECIDE_EXPECT_PROMOTED

#define STOPPED DECIDE_STOPPED
#define BACKUP DECIDE_BACKUP
#define ACTIVE DECIDE_ACTIVE
#define FAILED DECIDE_FAILED
#define FAILED_P DECIDE_FAILED_PROMOTED

#define NONE DECIDE_SCORE_NONE
#define FINAL DECIDE_SCORE_FINAL
#define REBACKUP DECIDE_REPAIR_REBACKUP
#define REPOINT DECIDE_REPAIR_REPOINT
#define RESYNC DECIDE_REPAIR_RESYNC
#define NO_REPAIR DECIDE_REPAIR_NONE

struct row {
    struct decide_input in;     /* nb, sb, northd_managed, northd_running,
                                 * expect, last_active, final_active. */
    enum decide_state state;
    int score;
    bool in_sync;
    enum decide_repair repair;
    const char *reason;         /* Expected substring, or NULL for none. */
};

static void
check_rows(const struct row *rows, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        struct expected x = {
            .state = r->state, .score = r->score, .in_sync = r->in_sync,
            .repair = r->repair,
        };
        struct decide_verdict v;

        run_decide(&r->in, &v);
        if (!verdict_matches(&v, &x)) {
            print_message("row %zu: ", i);
            print_mismatch(&r->in, &v, &x);
        }
        assert_int_equal(v.state, r->state);
        assert_int_equal(v.score, r->score);
        assert_int_equal(v.in_sync, r->in_sync);
        assert_int_equal(v.repair, r->repair);
        assert_non_null(memchr(v.reason, '\0', sizeof v.reason));
        if (r->reason) {
            assert_true(is_failure(v.state));
            assert_true(strlen(v.reason) > 0);
            if (!strstr(v.reason, r->reason)) {
                print_message("row %zu: reason '%s' lacks '%s'\n", i,
                              v.reason, r->reason);
            }
            assert_non_null(strstr(v.reason, r->reason));
        } else {
            assert_false(is_failure(v.state));
            assert_string_equal(v.reason, "");
        }

        /* The oracle agrees with the row. */
        oracle(&r->in, &x);
        assert_int_equal(x.state, r->state);
        assert_int_equal(x.score, r->score);
        assert_int_equal(x.in_sync, r->in_sync);
        assert_int_equal(x.repair, r->repair);
    }
}

#define CHECK_ROWS(ROWS) check_rows(ROWS, sizeof ROWS / sizeof ROWS[0])

/* Rule 1: nothing runs. */
static void
test_nothing_runs(void **state)
{
    static const struct row rows[] = {
        { .in = { .nb = DOWN, .sb = DOWN, .expect = ANY },
          .state = STOPPED, .score = NONE, .repair = NO_REPAIR },
        { .in = { .nb = DOWN, .sb = DOWN, .northd_managed = true,
                  .expect = UNPROM },
          .state = STOPPED, .score = NONE, .repair = NO_REPAIR },
        { .in = { .nb = DOWN, .sb = DOWN, .northd_managed = true,
                  .expect = ANY, .last_active = true },
          .state = STOPPED, .score = NONE, .repair = NO_REPAIR },
        /* The promoted instance's files hold the newest data: it keeps a
         * score above the backups', to be recovered in place. */
        { .in = { .nb = DOWN, .sb = DOWN, .expect = PROM },
          .state = FAILED_P, .score = FINAL, .repair = NO_REPAIR,
          .reason = "gone" },
        { .in = { .nb = DOWN, .sb = DOWN, .northd_managed = true,
                  .northd_running = true, .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd" },
        /* Even when the agent does not manage it. */
        { .in = { .nb = DOWN, .sb = DOWN, .northd_running = true,
                  .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd" },
        { .in = { .nb = DOWN, .sb = DOWN, .northd_managed = true,
                  .northd_running = true, .expect = PROM },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd" },
        { .in = { .nb = DOWN, .sb = DOWN, .northd_running = true,
                  .expect = PROM, .last_active = true },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd" },
    };

    (void) state;
    CHECK_ROWS(rows);
}

/* Rule 2: one database down while the other runs. */
static void
test_half_running(void **state)
{
    static const struct row rows[] = {
        { .in = { .nb = DOWN, .sb = BAK, .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB ovsdb-server is not running" },
        { .in = { .nb = DOWN, .sb = BAK, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = DOWN, .sb = BAK, .expect = PROM },
          .state = FAILED_P, .score = FINAL, .repair = NO_REPAIR,
          .reason = "NB" },
        /* The other answered as active: this was a promoted instance,
         * whatever Pacemaker expects. */
        { .in = { .nb = DOWN, .sb = ACT, .expect = ANY },
          .state = FAILED_P, .score = FINAL, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = DOWN, .sb = ACT, .northd_managed = true,
                  .northd_running = true, .expect = UNPROM },
          .state = FAILED_P, .score = FINAL, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = ACT, .sb = DOWN, .expect = UNPROM },
          .state = FAILED_P, .score = FINAL, .repair = NO_REPAIR,
          .reason = "SB ovsdb-server is not running" },
        { .in = { .nb = BAK, .sb = DOWN, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "SB" },
        { .in = { .nb = BAK, .sb = DOWN, .expect = ANY, .last_active = true },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "SB" },
        /* The other runs but is hung: not known to be active, whatever
         * its role field holds. */
        { .in = { .nb = DOWN, .sb = HUNG, .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = DOWN, .sb = HUNG_ACT, .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB" },
        /* NB is checked first: hung. */
        { .in = { .nb = HUNG_ACT, .sb = DOWN, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB ovsdb-server runs but does not answer" },
    };

    (void) state;
    CHECK_ROWS(rows);
}

/* Rule 2: a running database that does not answer, or answers oddly. */
static void
test_hung_or_unknown(void **state)
{
    static const struct row rows[] = {
        { .in = { .nb = HUNG, .sb = BAK, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB ovsdb-server runs but does not answer" },
        { .in = { .nb = BAK, .sb = HUNG, .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "SB ovsdb-server runs but does not answer" },
        /* The other answered as active: promoted for a probe. */
        { .in = { .nb = HUNG, .sb = ACT, .expect = ANY },
          .state = FAILED_P, .score = FINAL, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = HUNG, .sb = ACT, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = BAK, .sb = HUNG, .expect = PROM },
          .state = FAILED_P, .score = FINAL, .repair = NO_REPAIR,
          .reason = "SB" },
        { .in = { .nb = HUNG, .sb = HUNG, .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = ODD, .sb = ACT, .expect = ANY },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB ovsdb-server reports an unknown" },
        { .in = { .nb = ODD, .sb = BAK, .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = ACT, .sb = ODD, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "SB ovsdb-server reports an unknown" },
        { .in = { .nb = ACT, .sb = ODD, .expect = PROM },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "SB" },
        /* NB is checked first. */
        { .in = { .nb = ODD, .sb = HUNG, .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB" },
        { .in = { .nb = ACT, .sb = HUNG, .northd_managed = true,
                  .northd_running = true, .expect = ANY },
          .state = FAILED_P, .score = FINAL, .repair = NO_REPAIR,
          .reason = "SB" },
    };

    (void) state;
    CHECK_ROWS(rows);
}

/* Rule 3: the databases disagree. */
static void
test_roles_differ(void **state)
{
    static const struct row rows[] = {
        /* A probe that sees an active database: promoted. */
        { .in = { .nb = ACT, .sb = BAK, .expect = ANY },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB is active but SB is backup" },
        { .in = { .nb = BAK, .sb = ACT, .expect = ANY, .last_active = true },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "NB is backup but SB is active" },
        /* An unpromoted instance: made backups again. */
        { .in = { .nb = BAK, .sb = ACT, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = REBACKUP,
          .reason = "disagree" },
        { .in = { .nb = ACT, .sb = BAK_OLD, .northd_managed = true,
                  .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = REBACKUP,
          .reason = "disagree" },
        { .in = { .nb = ACT, .sb = BAK, .northd_managed = true,
                  .northd_running = true, .expect = PROM },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "disagree" },
        { .in = { .nb = BAK_NEW, .sb = ACT, .expect = PROM,
                  .last_active = true },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "disagree" },
    };

    (void) state;
    CHECK_ROWS(rows);
}

/* Rule 4: both active. */
static void
test_both_active(void **state)
{
    static const struct row rows[] = {
        { .in = { .nb = ACT, .sb = ACT, .expect = ANY },
          .state = ACTIVE, .score = DECIDE_SCORE_ACTIVE, .in_sync = true,
          .repair = NO_REPAIR },
        { .in = { .nb = ACT, .sb = ACT, .expect = PROM },
          .state = ACTIVE, .score = DECIDE_SCORE_ACTIVE, .in_sync = true,
          .repair = NO_REPAIR },
        { .in = { .nb = ACT, .sb = ACT, .northd_managed = true,
                  .northd_running = true, .expect = PROM },
          .state = ACTIVE, .score = DECIDE_SCORE_ACTIVE, .in_sync = true,
          .repair = NO_REPAIR },
        { .in = { .nb = ACT, .sb = ACT, .northd_managed = true,
                  .northd_running = true, .expect = ANY, .last_active = true },
          .state = ACTIVE, .score = DECIDE_SCORE_ACTIVE, .in_sync = true,
          .repair = NO_REPAIR },
        /* An unmanaged ovn-northd does not matter. */
        { .in = { .nb = ACT, .sb = ACT, .northd_running = true,
                  .expect = ANY },
          .state = ACTIVE, .score = DECIDE_SCORE_ACTIVE, .in_sync = true,
          .repair = NO_REPAIR },
        { .in = { .nb = ACT, .sb = ACT, .northd_managed = true,
                  .expect = PROM },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd is not running" },
        { .in = { .nb = ACT, .sb = ACT, .northd_managed = true, .expect = ANY,
                  .last_active = true },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd" },
        /* Not promoted: a replication error turned them active. */
        { .in = { .nb = ACT, .sb = ACT, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = REBACKUP,
          .reason = "active" },
        { .in = { .nb = ACT, .sb = ACT, .northd_managed = true,
                  .northd_running = true, .expect = UNPROM,
                  .last_active = true },
          .state = FAILED, .score = NONE, .repair = REBACKUP,
          .reason = "active" },
        { .in = { .nb = ACT, .sb = ACT, .northd_managed = true,
                  .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = REBACKUP,
          .reason = "active" },
    };

    (void) state;
    CHECK_ROWS(rows);
}

/* Rule 5: both backups, the failures. */
static void
test_both_backup_failures(void **state)
{
    static const struct row rows[] = {
        { .in = { .nb = BAK, .sb = BAK, .expect = PROM },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "read-only backups" },
        { .in = { .nb = BAK_NEW, .sb = BAK_NEW, .northd_managed = true,
                  .northd_running = true, .expect = PROM,
                  .last_active = true },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "backups" },
        /* ovn-northd runs on a backup, managed or not. */
        { .in = { .nb = BAK, .sb = BAK, .northd_managed = true,
                  .northd_running = true, .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd runs on a backup" },
        { .in = { .nb = BAK, .sb = BAK, .northd_running = true,
                  .expect = ANY },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd" },
    };

    (void) state;
    CHECK_ROWS(rows);
}

/* Rule 5: a backup replicating from another source than the chosen one
 * (after a node rejoined, say) is pointed back, not failed: an ordinary
 * fault must leave no failed action.  Not in sync until then. */
static void
test_backup_other_source(void **state)
{
    static const struct row rows[] = {
        { .in = { .nb = BAK_ELSE, .sb = BAK, .expect = UNPROM },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = REPOINT },
        { .in = { .nb = BAK, .sb = BAK_ELSE, .expect = ANY,
                  .last_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_LAST_ACTIVE,
          .repair = REPOINT },
        { .in = { .nb = BAK_ELSE, .sb = BAK_ELSE, .northd_managed = true,
                  .expect = UNPROM, .last_active = true,
                  .final_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_FINAL, .repair = REPOINT },
        /* ovn-northd running on a backup is still a failure. */
        { .in = { .nb = BAK_ELSE, .sb = BAK, .northd_running = true,
                  .expect = UNPROM },
          .state = FAILED, .score = NONE, .repair = NO_REPAIR,
          .reason = "ovn-northd runs on a backup" },
        /* A promoted instance with backups is a failure, whatever the
         * source. */
        { .in = { .nb = BAK_ELSE, .sb = BAK_ELSE, .expect = PROM },
          .state = FAILED_P, .score = NONE, .repair = NO_REPAIR,
          .reason = "read-only backups" },
    };

    (void) state;
    CHECK_ROWS(rows);
}

/* Rule 5: both backups, the scores. */
static void
test_both_backup_scores(void **state)
{
    static const struct row rows[] = {
        /* A stalled session: not in sync, whatever its link says, and
         * replicated again; either database's stall is enough. */
        { .in = { .nb = BAK_STALL, .sb = BAK, .expect = UNPROM },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = RESYNC },
        /* An active is alive: below every backup in sync, whatever this
         * node was before. */
        { .in = { .nb = BAK, .sb = BAK_STALL, .expect = UNPROM,
                  .last_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = RESYNC },
        { .in = { .nb = BAK_STALL, .sb = BAK, .expect = UNPROM,
                  .last_active = true, .final_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = RESYNC },
        { .in = { .nb = BAK_STALL, .sb = BAK_STALL, .expect = ANY },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = RESYNC },
        /* Replicating from another source comes first: re-pointing it
         * makes a new session anyway. */
        { .in = { .nb = BAK_STALL, .sb = BAK_ELSE, .expect = UNPROM },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = REPOINT },
        /* In sync: last_active does not matter. */
        { .in = { .nb = BAK, .sb = BAK, .expect = ANY },
          .state = BACKUP, .score = DECIDE_SCORE_BACKUP, .in_sync = true,
          .repair = NO_REPAIR },
        { .in = { .nb = BAK, .sb = BAK, .northd_managed = true,
                  .expect = UNPROM, .last_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_BACKUP, .in_sync = true,
          .repair = NO_REPAIR },
        /* "replicating" from a source that does not answer. */
        { .in = { .nb = BAK_DEAD, .sb = BAK, .expect = UNPROM },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = NO_REPAIR },
        { .in = { .nb = BAK, .sb = BAK_DEAD, .expect = UNPROM,
                  .last_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_LAST_ACTIVE,
          .repair = NO_REPAIR },
        /* Not connected. */
        { .in = { .nb = BAK_OLD, .sb = BAK_OLD, .expect = ANY },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = NO_REPAIR },
        { .in = { .nb = BAK_OLD, .sb = BAK_OLD, .northd_managed = true,
                  .expect = ANY, .last_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_LAST_ACTIVE,
          .repair = NO_REPAIR },
        /* The last active, restarted with the copy it had as the active
         * (a record another node replicated into would say backup). */
        { .in = { .nb = BAK_OLD, .sb = BAK_OLD, .expect = UNPROM,
                  .last_active = true, .final_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_FINAL, .repair = NO_REPAIR },
        { .in = { .nb = BAK_NEW, .sb = BAK_OLD, .expect = ANY,
                  .last_active = true, .final_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_FINAL, .repair = NO_REPAIR },
        /* An active record, but another node was active since. */
        { .in = { .nb = BAK_OLD, .sb = BAK_OLD, .expect = UNPROM,
                  .final_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = NO_REPAIR },
        /* In sync, or without data, the record does not matter. */
        { .in = { .nb = BAK, .sb = BAK, .expect = UNPROM, .last_active = true,
                  .final_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_BACKUP, .in_sync = true,
          .repair = NO_REPAIR },
        { .in = { .nb = BAK_NEW, .sb = BAK_NEW, .expect = UNPROM,
                  .last_active = true, .final_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_EMPTY, .repair = NO_REPAIR },
        /* One of the two holds data. */
        { .in = { .nb = BAK_NEW, .sb = BAK_OLD, .expect = UNPROM },
          .state = BACKUP, .score = DECIDE_SCORE_STALE, .repair = NO_REPAIR },
        { .in = { .nb = BAK_OLD, .sb = BAK_NEW, .expect = UNPROM,
                  .last_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_LAST_ACTIVE,
          .repair = NO_REPAIR },
        /* Neither: never synchronised, last active or not. */
        { .in = { .nb = BAK_NEW, .sb = BAK_NEW, .expect = UNPROM },
          .state = BACKUP, .score = DECIDE_SCORE_EMPTY, .repair = NO_REPAIR },
        { .in = { .nb = BAK_NEW, .sb = BAK_NEW, .northd_managed = true,
                  .expect = ANY, .last_active = true },
          .state = BACKUP, .score = DECIDE_SCORE_EMPTY, .repair = NO_REPAIR },
    };

    (void) state;
    CHECK_ROWS(rows);
}

/* A backup is in sync only if it is "replicating" and its source is
 * alive: every other link phase, or a dead source, is not in sync. */
static void
test_backup_link(void **state)
{
    size_t i, j, alive;

    (void) state;
    for (i = 0; i < N_LINKS; i++) {
        for (j = 0; j < N_LINKS; j++) {
            for (alive = 0; alive < 4; alive++) {
                struct row r = {
                    .in = { .nb = BAK, .sb = BAK, .expect = UNPROM },
                      .state = BACKUP, .score = DECIDE_SCORE_STALE,
                      .repair = NO_REPAIR
                };

                r.in.nb.link = links[i];
                r.in.sb.link = links[j];
                r.in.nb.source_alive = alive & 1;
                r.in.sb.source_alive = alive >> 1;
                if (links[i] == REPL_LINK_REPLICATING
                    && links[j] == REPL_LINK_REPLICATING && alive == 3) {
                    r.score = DECIDE_SCORE_BACKUP;
                    r.in_sync = true;
                }
                check_rows(&r, 1);
            }
        }
    }
}

/* The backup-only inputs do not change an active verdict. */
static void
test_active_ignores_backup_fields(void **state)
{
    size_t k;

    (void) state;
    for (k = 0; k < 64; k++) {
        struct row r = {
            .in = { .nb = ACT, .sb = ACT, .northd_managed = true,
                    .northd_running = true, .expect = PROM },
              .state = ACTIVE, .score = DECIDE_SCORE_ACTIVE, .in_sync = true,
              .repair = NO_REPAIR
        };

        r.in.nb.target_ok = k & 1;
        r.in.sb.target_ok = (k >> 1) & 1;
        r.in.nb.source_alive = (k >> 2) & 1;
        r.in.sb.source_alive = (k >> 3) & 1;
        r.in.nb.has_data = (k >> 4) & 1;
        r.in.sb.has_data = (k >> 4) & 1;
        r.in.last_active = (k >> 5) & 1;
        r.in.nb.link = links[k % N_LINKS];
        r.in.sb.link = links[(k / N_LINKS) % N_LINKS];
        check_rows(&r, 1);
    }
}

/* The stall bound: twice the shortest probe on the session plus a
 * margin, never below it, none without a probe. */
static void
test_stall_bound(void **state)
{
    static const struct {
        long long configured, probe_source, probe_backup, want;
    } cases[] = {
        /* The defaults: the active's 5 s probe, the backup's 60 s. */
        { .configured = 0, .probe_source = 5000, .probe_backup = 60000,
          .want = 11000 },
        { .configured = 0, .probe_source = 60000, .probe_backup = 2000,
          .want = 5000 },
        /* One side without a probe: the other's counts. */
        { .configured = 0, .probe_source = 0, .probe_backup = 60000,
          .want = 121000 },
        { .configured = 0, .probe_source = 5000, .probe_backup = 0,
          .want = 11000 },
        /* No probe at all: no stall can be told from silence. */
        { .configured = 0, .probe_source = 0, .probe_backup = 0,
          .want = 0 },
        { .configured = 30000, .probe_source = 0, .probe_backup = 0,
          .want = 0 },
        /* A configured bound counts when above the least one... */
        { .configured = 30000, .probe_source = 5000,
          .probe_backup = 60000, .want = 30000 },
        /* ...and is raised to it when below. */
        { .configured = 3000, .probe_source = 5000, .probe_backup = 60000,
          .want = 11000 },
        { .configured = 0, .probe_source = 2147483647,
          .probe_backup = 2147483647, .want = 2 * 2147483647LL + 1000 },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long got = decide_stall_bound(cases[i].configured,
                                           cases[i].probe_source,
                                           cases[i].probe_backup);

        if (got != cases[i].want) {
            fail_msg("case %zu: %lld, expected %lld", i, got, cases[i].want);
        }
    }
    assert_false(decide_stalled(11000, 11000));
    assert_true(decide_stalled(11001, 11000));
    assert_false(decide_stalled(-1, 11000));
    assert_false(decide_stalled(1000000, 0));
}

static void
test_state_names(void **state)
{
    static const enum decide_state states[] = {
        DECIDE_STOPPED, DECIDE_BACKUP, DECIDE_ACTIVE, DECIDE_FAILED,
        DECIDE_FAILED_PROMOTED,
    };
    size_t i, j;

    (void) state;
    assert_string_equal(decide_state_name(DECIDE_STOPPED), "stopped");
    assert_string_equal(decide_state_name(DECIDE_BACKUP), "backup");
    assert_string_equal(decide_state_name(DECIDE_ACTIVE), "active");
    assert_string_equal(decide_state_name(DECIDE_FAILED), "failed");
    for (i = 0; i < sizeof states / sizeof states[0]; i++) {
        const char *a = decide_state_name(states[i]);

        assert_non_null(a);
        assert_true(strlen(a) > 0);
        for (j = 0; j < i; j++) {
            assert_string_not_equal(a, decide_state_name(states[j]));
        }
    }
}

/* ---------------------------------------------------------------------- */
/* decide_election(). */

/* A realistic freshness (ms since the epoch) and offsets from it. */
#define T0 1700000000000LL
#define SLACK DECIDE_FRESHNESS_SLACK_MS
#define MINUTE (60 * 1000LL)

#define MAX_PEERS 4

/* Expected results besides a peer index. */
#define ALLOWED (-1)
#define DOWN_N (-2)             /* Refused: 'n', the data is on a down
                                 * node. */

struct election {
    const char *what;
    const char *me;
    long long mine;
    int n;
    struct decide_peer peers[MAX_PEERS];
    const char *last_active;
    int expected;               /* ALLOWED, DOWN_N or a peer index. */
    const char *mention;        /* A node the reason must name, or NULL. */
};

static void
check_elections(const struct election *cases, size_t n_cases)
{
    size_t i;

    for (i = 0; i < n_cases; i++) {
        const struct election *c = &cases[i];
        int want = c->expected == DOWN_N ? c->n : c->expected;
        /* A canary after the reason buffer catches an overflow. */
        struct {
            char reason[200];
            char canary[8];
        } buf;
        int got;

        memset(&buf, 0, sizeof buf);
        memset(buf.canary, 'C', sizeof buf.canary);
        got = decide_election(c->me, c->mine, NULL, c->peers, c->n,
                              c->last_active, buf.reason,
                              sizeof buf.reason);
        if (got != want
            || (want == ALLOWED) != (buf.reason[0] == '\0')
            || (c->mention && !strstr(buf.reason, c->mention))) {
            print_message("election '%s': got %d reason '%.*s', expected "
                          "%d%s%s\n", c->what, got,
                          (int) sizeof buf.reason, buf.reason, want,
                          c->mention ? " naming " : "",
                          c->mention ? c->mention : "");
        }
        assert_int_equal(got, want);
        assert_non_null(memchr(buf.reason, '\0', sizeof buf.reason));
        assert_memory_equal(buf.canary, "CCCCCCCC", sizeof buf.canary);
        if (want == ALLOWED) {
            assert_string_equal(buf.reason, "");
        } else {
            assert_true(strlen(buf.reason) > 0);
            if (c->mention) {
                assert_non_null(strstr(buf.reason, c->mention));
            }
        }
        if (want >= 0 && want < c->n) {
            /* Only an up peer is ever elected instead. */
            assert_true(c->peers[want].up);
        }
    }
}

#define CHECK_ELECTIONS(CASES) \
    check_elections(CASES, sizeof CASES / sizeof CASES[0])

/* Newer data elsewhere. */
static void
test_election_fresher_peer(void **state)
{
    static const struct election cases[] = {
        { .what = "never synchronised vs an up peer with data",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n2", .freshness = T0, .up = true } },
          .expected = 0, .mention = "n2" },
        { .what = "never synchronised vs the second peer",
          .me = "n1", .mine = 0, .n = 2,
          .peers = { { .node = "n2", .freshness = 0, .up = true },
                     { .node = "n3", .freshness = T0, .up = true } },
          .expected = 1, .mention = "n3" },
        { .what = "both never synchronised",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n2", .freshness = 0, .up = true } },
          .expected = ALLOWED },
        { .what = "same freshness",
          .me = "n1", .mine = T0, .n = 1,
          .peers = { { .node = "n2", .freshness = T0, .up = true } },
          .expected = ALLOWED },
        { .what = "peer newer by exactly the slack",
          .me = "n1", .mine = T0, .n = 1,
          .peers = { { .node = "n2", .freshness = T0 + SLACK, .up = true } },
          .expected = ALLOWED },
        { .what = "peer newer by less than the slack",
          .me = "n1", .mine = T0, .n = 2,
          .peers = { { .node = "n2", .freshness = T0 + SLACK / 2, .up = true },
                     { .node = "n3", .freshness = T0 - MINUTE, .up = true } },
          .expected = ALLOWED },
        { .what = "peer newer by just more than the slack",
          .me = "n1", .mine = T0, .n = 1,
          .peers = { { .node = "n2", .freshness = T0 + SLACK + 1,
                       .up = true } },
          .expected = 0, .mention = "n2" },
        { .what = "peer older",
          .me = "n1", .mine = T0, .n = 1,
          .peers = { { .node = "n2", .freshness = T0 - 10 * MINUTE,
                       .up = true } },
          .expected = ALLOWED },
        { .what = "peer much newer",
          .me = "n1", .mine = T0, .n = 3,
          .peers = { { .node = "n2", .freshness = T0, .up = true },
                     { .node = "n3", .freshness = T0 + 10 * MINUTE,
                       .up = true },
                     { .node = "n4", .freshness = T0 - MINUTE, .up = true } },
          .expected = 1, .mention = "n3" },
        { .what = "the freshest of several",
          .me = "n1", .mine = T0, .n = 4,
          .peers = { { .node = "n2", .freshness = T0 + 2 * MINUTE,
                       .up = true },
                     { .node = "n3", .freshness = T0 + 5 * MINUTE,
                       .up = true },
                     { .node = "n4", .freshness = T0 + 3 * MINUTE,
                       .up = true },
                     { .node = "n5", .freshness = T0 + 4 * MINUTE,
                       .up = true } },
          .expected = 1, .mention = "n3" },
        { .what = "the freshest of several, last",
          .me = "n1", .mine = 0, .n = 3,
          .peers = { { .node = "n2", .freshness = T0, .up = true },
                     { .node = "n3", .freshness = T0 + MINUTE, .up = true },
                     { .node = "n4", .freshness = T0 + 2 * MINUTE,
                       .up = true } },
          .expected = 2, .mention = "n4" },
        { .what = "a tie goes to the first",
          .me = "n1", .mine = T0, .n = 3,
          .peers = { { .node = "n2", .freshness = T0, .up = true },
                     { .node = "n3", .freshness = T0 + 5 * MINUTE,
                       .up = true },
                     { .node = "n4", .freshness = T0 + 5 * MINUTE,
                       .up = true } },
          .expected = 1, .mention = "n3" },
        { .what = "no peers",
          .me = "n1", .mine = T0, .n = 0,
          .peers = { { .node = NULL, .freshness = 0, .up = false } },
          .expected = ALLOWED },
        { .what = "no peers, never synchronised",
          .me = "n1", .mine = 0, .n = 0,
          .peers = { { .node = NULL, .freshness = 0, .up = false } },
          .expected = ALLOWED },
    };

    (void) state;
    CHECK_ELECTIONS(cases);
}

/* Newer data on a node that is down. */
/* A record made as an active stopped being one (demote, stop) beats any
 * older copy, however small the difference; a plain record only beyond the
 * slack. */
static void
test_election_active_record(void **state)
{
    struct decide_peer up[] = {
        { .node = "node1", .freshness = 100000, .up = true,
          .active = true },
    };
    struct decide_peer down[] = {
        { .node = "node1", .freshness = 100000, .up = false,
          .active = true },
    };
    struct decide_peer plain[] = {
        { .node = "node1", .freshness = 100000, .up = true,
          .active = false },
    };
    char reason[256];

    (void) state;
    assert_int_equal(decide_election("node3", 95000, NULL, up, 1, NULL,
                                     reason, sizeof reason), 0);
    assert_non_null(strstr(reason, "node1"));
    assert_int_equal(decide_election("node3", 95000, NULL, down, 1, NULL,
                                     reason, sizeof reason), 1);
    assert_int_equal(decide_election("node3", 95000, NULL, plain, 1, NULL,
                                     reason, sizeof reason), -1);
    assert_int_equal(decide_election("node3", 100000, NULL, up, 1, NULL,
                                     reason, sizeof reason), -1);
}

static void
test_election_down_peer(void **state)
{
    static const struct election cases[] = {
        { .what = "a down peer newer by more than the slack",
          .me = "n1", .mine = T0, .n = 1,
          .peers = { { .node = "n2", .freshness = T0 + 5 * MINUTE,
                       .up = false } },
          .expected = DOWN_N, .mention = "n2" },
        { .what = "a down peer with data, never synchronised",
          .me = "n1", .mine = 0, .n = 2,
          .peers = { { .node = "n2", .freshness = 0, .up = true },
                     { .node = "n3", .freshness = T0, .up = false } },
          .expected = DOWN_N, .mention = "n3" },
        { .what = "a down peer within the slack",
          .me = "n1", .mine = T0, .n = 1,
          .peers = { { .node = "n2", .freshness = T0 + SLACK, .up = false } },
          .expected = ALLOWED },
        { .what = "a down peer older",
          .me = "n1", .mine = T0, .n = 2,
          .peers = { { .node = "n2", .freshness = T0 - MINUTE, .up = true },
                     { .node = "n3", .freshness = T0 - 10 * MINUTE,
                       .up = false } },
          .expected = ALLOWED },
        /* The freshest is down: nobody up may take over. */
        { .what = "the freshest is down, an up peer newer too",
          .me = "n1", .mine = T0, .n = 2,
          .peers = { { .node = "n2", .freshness = T0 + 2 * MINUTE,
                       .up = true },
                     { .node = "n3", .freshness = T0 + 5 * MINUTE,
                       .up = false } },
          .expected = DOWN_N, .mention = "n3" },
        /* The freshest is up: it is elected. */
        { .what = "the freshest is up, a down peer newer too",
          .me = "n1", .mine = T0, .n = 2,
          .peers = { { .node = "n2", .freshness = T0 + 2 * MINUTE,
                       .up = false },
                     { .node = "n3", .freshness = T0 + 5 * MINUTE,
                       .up = true } },
          .expected = 1, .mention = "n3" },
    };

    (void) state;
    CHECK_ELECTIONS(cases);
}

/* The last active node of OVN_REPL_INFO. */
static void
test_election_last_active(void **state)
{
    static const struct election cases[] = {
        { .what = "last active down, not listed, never synchronised",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n2", .freshness = 0, .up = true } },
          .last_active = "n3", .expected = DOWN_N, .mention = "n3" },
        { .what = "last active listed as down, never synchronised",
          .me = "n1", .mine = 0, .n = 2,
          .peers = { { .node = "n2", .freshness = 0, .up = true },
                     { .node = "n3", .freshness = 0, .up = false } },
          .last_active = "n3", .expected = DOWN_N, .mention = "n3" },
        { .what = "last active down, no peers, never synchronised",
          .me = "n1", .mine = 0, .n = 0,
          .peers = { { .node = NULL, .freshness = 0, .up = false } },
          .last_active = "n3", .expected = DOWN_N, .mention = "n3" },
        { .what = "last active down, but this copy was current",
          .me = "n1", .mine = T0, .n = 2,
          .peers = { { .node = "n2", .freshness = T0, .up = true },
                     { .node = "n3", .freshness = T0, .up = false } },
          .last_active = "n3", .expected = ALLOWED },
        { .what = "last active down, not listed, this copy was current",
          .me = "n1", .mine = 1, .n = 1,
          .peers = { { .node = "n2", .freshness = 0, .up = true } },
          .last_active = "n3", .expected = ALLOWED },
        { .what = "last active up, never synchronised",
          .me = "n1", .mine = 0, .n = 2,
          .peers = { { .node = "n2", .freshness = 0, .up = true },
                     { .node = "n3", .freshness = 0, .up = true } },
          .last_active = "n3", .expected = ALLOWED },
        /* Up with newer data: the ordinary refusal, in its favour. */
        { .what = "last active up with data",
          .me = "n1", .mine = 0, .n = 2,
          .peers = { { .node = "n2", .freshness = 0, .up = true },
                     { .node = "n3", .freshness = T0, .up = true } },
          .last_active = "n3", .expected = 1, .mention = "n3" },
        { .what = "last active is this node",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n2", .freshness = 0, .up = true } },
          .last_active = "n1", .expected = ALLOWED },
        { .what = "last active is empty",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n2", .freshness = 0, .up = true } },
          .last_active = "", .expected = ALLOWED },
        { .what = "no last active",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n2", .freshness = 0, .up = false } },
          .expected = ALLOWED },
        /* A name that merely starts like the last active one. */
        { .what = "a prefix of the last active is up",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n3x", .freshness = 0, .up = true } },
          .last_active = "n3", .expected = DOWN_N, .mention = "n3" },
    };

    (void) state;
    CHECK_ELECTIONS(cases);
}

/* The candidate itself among the peers is ignored. */
static void
test_election_ignores_me(void **state)
{
    static const struct election cases[] = {
        { .what = "me listed with newer data",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n1", .freshness = T0, .up = true } },
          .expected = ALLOWED },
        { .what = "me listed down with newer data",
          .me = "n1", .mine = T0, .n = 2,
          .peers = { { .node = "n2", .freshness = T0, .up = true },
                     { .node = "n1", .freshness = T0 + 10 * MINUTE,
                       .up = false } },
          .expected = ALLOWED },
        { .what = "me listed twice",
          .me = "n1", .mine = 0, .n = 3,
          .peers = { { .node = "n1", .freshness = T0, .up = true },
                     { .node = "n2", .freshness = 0, .up = true },
                     { .node = "n1", .freshness = T0 + MINUTE, .up = false } },
          .expected = ALLOWED },
        { .what = "me listed, and a newer peer",
          .me = "n1", .mine = T0, .n = 2,
          .peers = { { .node = "n1", .freshness = T0 + 10 * MINUTE,
                       .up = true },
                     { .node = "n2", .freshness = T0 + 5 * MINUTE,
                       .up = true } },
          .expected = 1, .mention = "n2" },
        /* Being listed as up does not make this node "the last active
         * node is up" when it is not the last active one. */
        { .what = "me listed, last active down",
          .me = "n1", .mine = 0, .n = 1,
          .peers = { { .node = "n1", .freshness = 0, .up = true } },
          .last_active = "n2", .expected = DOWN_N, .mention = "n2" },
    };

    (void) state;
    CHECK_ELECTIONS(cases);
}

/* A small reason buffer is truncated, never overflowed. */
static void
test_election_short_reason(void **state)
{
    static const struct decide_peer peers[] = {
        { .node = "a-rather-long-node-name", .freshness = T0 + 10 * MINUTE,
          .up = true },
    };
    struct {
        char reason[8];
        char canary[8];
    } buf;

    (void) state;
    memset(&buf, 'x', sizeof buf.reason);
    memset(buf.canary, 'C', sizeof buf.canary);
    assert_int_equal(decide_election("n1", T0, NULL, peers, 1, NULL,
                                     buf.reason, sizeof buf.reason), 0);
    assert_int_equal(strlen(buf.reason), sizeof buf.reason - 1);
    assert_memory_equal(buf.canary, "CCCCCCCC", sizeof buf.canary);

    memset(&buf, 'x', sizeof buf.reason);
    assert_int_equal(decide_election("n1", 0, NULL, NULL, 0, "n2",
                                     buf.reason, sizeof buf.reason), 0);
    assert_int_equal(strlen(buf.reason), sizeof buf.reason - 1);
    assert_memory_equal(buf.canary, "CCCCCCCC", sizeof buf.canary);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exhaustive),
        cmocka_unit_test(test_nothing_runs),
        cmocka_unit_test(test_half_running),
        cmocka_unit_test(test_hung_or_unknown),
        cmocka_unit_test(test_roles_differ),
        cmocka_unit_test(test_both_active),
        cmocka_unit_test(test_both_backup_failures),
        cmocka_unit_test(test_backup_other_source),
        cmocka_unit_test(test_both_backup_scores),
        cmocka_unit_test(test_backup_link),
        cmocka_unit_test(test_stall_bound),
        cmocka_unit_test(test_active_ignores_backup_fields),
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_election_fresher_peer),
        cmocka_unit_test(test_election_down_peer),
        cmocka_unit_test(test_election_active_record),
        cmocka_unit_test(test_election_last_active),
        cmocka_unit_test(test_election_ignores_me),
        cmocka_unit_test(test_election_short_reason),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
