/* Unit tests for helper/decide.c.
 *
 * decide_monitor() is compared, for every combination of its inputs, with
 * an independent oracle written from the rules below (which mirror the order
 * of the checks in decide.c), and a few explicit rows spell the rules out
 * one by one, reason text included.
 *
 *   1. Nothing runs: a running ovn-northd is a failure; otherwise STOPPED,
 *      unless Pacemaker expects the promoted role (FAILED_PROMOTED).
 *   2. For NB then SB: a database that does not run while the other does is
 *      a failure, promoted if Pacemaker expects the promoted role or the
 *      other answered as active; one that runs but did not answer, or
 *      answered with an unknown role, is a failure (promoted if expected).
 *   3. Roles differ: failure (promoted if expected).
 *   4. Both active: ACTIVE with CLUSTER_SCORE_ACTIVE, unless northd is
 *      managed and not running (FAILED_PROMOTED).
 *   5. Both backup: BACKUP with CLUSTER_SCORE_BACKUP, unless Pacemaker
 *      expects the promoted role (FAILED_PROMOTED).
 *
 * Every failure has CLUSTER_SCORE_NONE and a non-empty reason; no other
 * verdict has a reason. */
#include "unit.h"
#include "decide.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cluster.h"

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
/* Observations of one database: running x answered x role x link. */
#define N_DB (2 * 2 * N_ROLES * N_LINKS)

static bool
is_failure(enum decide_state state)
{
    return state == DECIDE_FAILED || state == DECIDE_FAILED_PROMOTED;
}

/* The oracle: the expected state and score for 'in'. */
static void
oracle(const struct decide_input *in, enum decide_state *state, int *score)
{
    const struct decide_db *dbs[2] = { &in->nb, &in->sb };
    bool want_promoted = in->expect == DECIDE_EXPECT_PROMOTED;
    enum decide_state failed = want_promoted ? DECIDE_FAILED_PROMOTED
                                             : DECIDE_FAILED;
    int i;

    *score = CLUSTER_SCORE_NONE;

    /* Rule 1. */
    if (!in->nb.running && !in->sb.running) {
        if (in->northd_running) {
            *state = failed;
        } else if (want_promoted) {
            *state = DECIDE_FAILED_PROMOTED;
        } else {
            *state = DECIDE_STOPPED;
        }
        return;
    }

    /* Rule 2. */
    for (i = 0; i < 2; i++) {
        const struct decide_db *db = dbs[i], *other = dbs[1 - i];

        if (!db->running) {
            bool other_active = other->answered
                                && other->role == REPL_ROLE_ACTIVE;

            *state = want_promoted || other_active ? DECIDE_FAILED_PROMOTED
                                                   : DECIDE_FAILED;
            return;
        }
        if (!db->answered || db->role == REPL_ROLE_UNKNOWN) {
            *state = failed;
            return;
        }
    }

    /* Rule 3. */
    if (in->nb.role != in->sb.role) {
        *state = failed;
        return;
    }

    /* Rule 4. */
    if (in->nb.role == REPL_ROLE_ACTIVE) {
        if (in->northd_managed && !in->northd_running) {
            *state = DECIDE_FAILED_PROMOTED;
        } else {
            *state = DECIDE_ACTIVE;
            *score = CLUSTER_SCORE_ACTIVE;
        }
        return;
    }

    /* Rule 5. */
    if (want_promoted) {
        *state = DECIDE_FAILED_PROMOTED;
    } else {
        *state = DECIDE_BACKUP;
        *score = CLUSTER_SCORE_BACKUP;
    }
}

/* Fills 'db' with the 'idx'th of the N_DB possible observations. */
static void
db_from_index(size_t idx, struct decide_db *db)
{
    db->link = links[idx % N_LINKS];
    idx /= N_LINKS;
    db->role = roles[idx % N_ROLES];
    idx /= N_ROLES;
    db->answered = idx % 2;
    idx /= 2;
    db->running = idx % 2;
}

static void
print_input(const struct decide_input *in)
{
    print_message("nb{run=%d ans=%d role=%s link=%s} "
                  "sb{run=%d ans=%d role=%s link=%s} "
                  "northd{managed=%d running=%d} expect=%d\n",
                  in->nb.running, in->nb.answered,
                  repl_role_name(in->nb.role),
                  repl_link_name(in->nb.link), in->sb.running,
                  in->sb.answered, repl_role_name(in->sb.role),
                  repl_link_name(in->sb.link), in->northd_managed,
                  in->northd_running, (int) in->expect);
}

/* Runs decide_monitor() on 'in' with a verdict full of garbage, so that a
 * field it forgets to set shows. */
static void
run_decide(const struct decide_input *in, struct decide_verdict *v)
{
    memset(v, 0xa5, sizeof *v);
    decide_monitor(in, v);
}

/* Every combination of inputs against the oracle. */
static void
test_exhaustive(void **state)
{
    size_t nb, sb, nm, nr, e, n = 0, bad = 0;

    (void) state;
    for (nb = 0; nb < N_DB; nb++) {
        for (sb = 0; sb < N_DB; sb++) {
            for (nm = 0; nm < 2; nm++) {
                for (nr = 0; nr < 2; nr++) {
                    for (e = 0; e < N_EXPECTS; e++) {
                        struct decide_input in;
                        struct decide_verdict v;
                        enum decide_state want;
                        int want_score;
                        bool ok;

                        memset(&in, 0, sizeof in);
                        db_from_index(nb, &in.nb);
                        db_from_index(sb, &in.sb);
                        in.northd_managed = nm;
                        in.northd_running = nr;
                        in.expect = expects[e];
                        oracle(&in, &want, &want_score);
                        run_decide(&in, &v);
                        n++;

                        ok = v.state == want && v.score == want_score
                             && memchr(v.reason, '\0', sizeof v.reason)
                             && (is_failure(want) == (v.reason[0] != '\0'));
                        if (!ok && bad++ < 10) {
                            print_message("got %s/%d reason '%.*s', "
                                          "expected %s/%d for ",
                                          decide_state_name(v.state),
                                          v.score, (int) sizeof v.reason,
                                          v.reason,
                                          decide_state_name(want),
                                          want_score);
                            print_input(&in);
                        }
                    }
                }
            }
        }
    }
    assert_int_equal(n, N_DB * N_DB * 2 * 2 * N_EXPECTS);
    assert_int_equal(bad, 0);
}

/* Observations used by the explicit rows. */
#define DOWN { false, false, REPL_ROLE_UNKNOWN, REPL_LINK_NONE }
#define HUNG { true, false, REPL_ROLE_UNKNOWN, REPL_LINK_NONE }
#define ODD { true, true, REPL_ROLE_UNKNOWN, REPL_LINK_NONE }
#define ACT { true, true, REPL_ROLE_ACTIVE, REPL_LINK_NONE }
#define BAK { true, true, REPL_ROLE_BACKUP, REPL_LINK_REPLICATING }

#define ANY DECIDE_EXPECT_ANY
#define UNPROM DECIDE_EXPECT_UNPROMOTED
#define PROM DECIDE_EXPECT_PROMOTED

#define NONE CLUSTER_SCORE_NONE

struct row {
    struct decide_input in;
    enum decide_state state;
    int score;
    const char *reason;         /* Expected substring, or NULL for none. */
};

static void
check_rows(const struct row *rows, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        struct decide_verdict v;

        run_decide(&r->in, &v);
        if (v.state != r->state || v.score != r->score) {
            print_message("row %zu: got %s/%d, expected %s/%d\n", i,
                          decide_state_name(v.state), v.score,
                          decide_state_name(r->state), r->score);
        }
        assert_int_equal(v.state, r->state);
        assert_int_equal(v.score, r->score);
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
    }
}

/* Rule 1: nothing runs. */
static void
test_nothing_runs(void **state)
{
    static const struct row rows[] = {
        { { DOWN, DOWN, false, false, ANY }, DECIDE_STOPPED, NONE, NULL },
        { { DOWN, DOWN, true, false, UNPROM }, DECIDE_STOPPED, NONE,
          NULL },
        { { DOWN, DOWN, false, false, PROM }, DECIDE_FAILED_PROMOTED, NONE,
          "gone" },
        { { DOWN, DOWN, true, true, ANY }, DECIDE_FAILED, NONE,
          "ovn-northd" },
        /* Even when the agent does not manage it. */
        { { DOWN, DOWN, false, true, UNPROM }, DECIDE_FAILED, NONE,
          "ovn-northd" },
        { { DOWN, DOWN, true, true, PROM }, DECIDE_FAILED_PROMOTED, NONE,
          "ovn-northd" },
    };

    (void) state;
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Rule 2: one database down while the other runs. */
static void
test_half_running(void **state)
{
    static const struct row rows[] = {
        { { DOWN, BAK, false, false, ANY }, DECIDE_FAILED, NONE, "NB" },
        { { DOWN, BAK, false, false, UNPROM }, DECIDE_FAILED, NONE, "NB" },
        { { DOWN, BAK, false, false, PROM }, DECIDE_FAILED_PROMOTED, NONE,
          "NB" },
        /* The other answered as active: this was a promoted instance. */
        { { DOWN, ACT, false, false, ANY }, DECIDE_FAILED_PROMOTED, NONE,
          "NB" },
        { { ACT, DOWN, false, false, UNPROM }, DECIDE_FAILED_PROMOTED, NONE,
          "SB" },
        { { BAK, DOWN, false, false, UNPROM }, DECIDE_FAILED, NONE, "SB" },
        /* The other runs but is hung: not known to be active. */
        { { DOWN, HUNG, false, false, ANY }, DECIDE_FAILED, NONE, "NB" },
    };

    (void) state;
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Rule 2: a running database that does not answer, or answers oddly. */
static void
test_hung_or_unknown(void **state)
{
    static const struct row rows[] = {
        { { HUNG, BAK, false, false, UNPROM }, DECIDE_FAILED, NONE, "NB" },
        { { HUNG, ACT, false, false, ANY }, DECIDE_FAILED, NONE, "NB" },
        { { BAK, HUNG, false, false, PROM }, DECIDE_FAILED_PROMOTED, NONE,
          "SB" },
        { { HUNG, HUNG, false, false, ANY }, DECIDE_FAILED, NONE, "NB" },
        { { ODD, ACT, false, false, ANY }, DECIDE_FAILED, NONE, "NB" },
        { { ACT, ODD, false, false, UNPROM }, DECIDE_FAILED, NONE, "SB" },
        { { ACT, ODD, false, false, PROM }, DECIDE_FAILED_PROMOTED, NONE,
          "SB" },
    };

    (void) state;
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Rule 3: the databases disagree. */
static void
test_roles_differ(void **state)
{
    static const struct row rows[] = {
        { { ACT, BAK, false, false, ANY }, DECIDE_FAILED, NONE, "active" },
        { { BAK, ACT, false, false, UNPROM }, DECIDE_FAILED, NONE,
          "backup" },
        { { ACT, BAK, true, true, PROM }, DECIDE_FAILED_PROMOTED, NONE,
          "disagree" },
    };

    (void) state;
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Rule 4: both active. */
static void
test_both_active(void **state)
{
    static const struct row rows[] = {
        { { ACT, ACT, false, false, ANY }, DECIDE_ACTIVE,
          CLUSTER_SCORE_ACTIVE, NULL },
        { { ACT, ACT, false, false, UNPROM }, DECIDE_ACTIVE,
          CLUSTER_SCORE_ACTIVE, NULL },
        { { ACT, ACT, false, false, PROM }, DECIDE_ACTIVE,
          CLUSTER_SCORE_ACTIVE, NULL },
        { { ACT, ACT, true, true, PROM }, DECIDE_ACTIVE,
          CLUSTER_SCORE_ACTIVE, NULL },
        { { ACT, ACT, false, true, ANY }, DECIDE_ACTIVE,
          CLUSTER_SCORE_ACTIVE, NULL },
        { { ACT, ACT, true, false, PROM }, DECIDE_FAILED_PROMOTED, NONE,
          "ovn-northd" },
        { { ACT, ACT, true, false, UNPROM }, DECIDE_FAILED_PROMOTED, NONE,
          "ovn-northd" },
    };

    (void) state;
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Rule 5: both backups. */
static void
test_both_backup(void **state)
{
    static const struct row rows[] = {
        { { BAK, BAK, false, false, ANY }, DECIDE_BACKUP,
          CLUSTER_SCORE_BACKUP, NULL },
        { { BAK, BAK, true, false, UNPROM }, DECIDE_BACKUP,
          CLUSTER_SCORE_BACKUP, NULL },
        { { BAK, BAK, false, false, PROM }, DECIDE_FAILED_PROMOTED, NONE,
          "backup" },
    };

    (void) state;
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

/* The link phase does not change the verdict. */
static void
test_link_ignored(void **state)
{
    size_t i, j;

    (void) state;
    for (i = 0; i < N_LINKS; i++) {
        for (j = 0; j < N_LINKS; j++) {
            struct row r = {
                { BAK, BAK, false, false, UNPROM }, DECIDE_BACKUP,
                CLUSTER_SCORE_BACKUP, NULL
            };

            r.in.nb.link = links[i];
            r.in.sb.link = links[j];
            check_rows(&r, 1);
        }
    }
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
        cmocka_unit_test(test_both_backup),
        cmocka_unit_test(test_link_ignored),
        cmocka_unit_test(test_state_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
