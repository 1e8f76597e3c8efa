#include "decide.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cluster.h"

static void decide_fail(const struct decide_input *, bool promoted,
                        struct decide_verdict *, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void
decide_monitor(const struct decide_input *in, struct decide_verdict *v)
{
    const struct decide_db *dbs[2] = { &in->nb, &in->sb };
    static const char *tags[2] = { "NB", "SB" };
    bool expect_promoted = in->expect == DECIDE_EXPECT_PROMOTED;
    int i;

    memset(v, 0, sizeof *v);
    v->score = CLUSTER_SCORE_NONE;

    /* Nothing runs at all. */
    if (!in->nb.running && !in->sb.running) {
        if (in->northd_running) {
            decide_fail(in, expect_promoted, v, "ovn-northd runs without "
                        "its databases; stop the resource to clean up");
            return;
        }
        if (expect_promoted) {
            decide_fail(in, true, v, "both ovsdb-servers of the promoted "
                        "instance are gone");
            return;
        }
        v->state = DECIDE_STOPPED;
        return;
    }

    /* Half running, or hung. */
    for (i = 0; i < 2; i++) {
        const struct decide_db *db = dbs[i], *other = dbs[1 - i];
        bool promoted = expect_promoted
                        || (other->answered
                            && other->role == REPL_ROLE_ACTIVE);

        if (!db->running) {
            decide_fail(in, promoted, v, "%s ovsdb-server is not running "
                        "while %s runs", tags[i], tags[1 - i]);
            return;
        }
        if (!db->answered) {
            decide_fail(in, expect_promoted, v, "%s ovsdb-server runs but "
                        "does not answer on its control socket", tags[i]);
            return;
        }
        if (db->role == REPL_ROLE_UNKNOWN) {
            decide_fail(in, expect_promoted, v, "%s ovsdb-server reports "
                        "an unknown replication state", tags[i]);
            return;
        }
    }

    if (in->nb.role != in->sb.role) {
        decide_fail(in, expect_promoted, v, "NB is %s but SB is %s: the "
                    "databases disagree on their role",
                    repl_role_name(in->nb.role),
                    repl_role_name(in->sb.role));
        return;
    }

    if (in->nb.role == REPL_ROLE_ACTIVE) {
        if (in->northd_managed && !in->northd_running) {
            decide_fail(in, true, v, "ovn-northd is not running on the "
                        "active node");
            return;
        }
        v->state = DECIDE_ACTIVE;
        v->score = CLUSTER_SCORE_ACTIVE;
        return;
    }

    /* Both backups. */
    if (expect_promoted) {
        decide_fail(in, true, v, "the promoted instance's databases are "
                    "read-only backups");
        return;
    }
    v->state = DECIDE_BACKUP;
    v->score = CLUSTER_SCORE_BACKUP;
}

const char *
decide_state_name(enum decide_state state)
{
    switch (state) {
    case DECIDE_STOPPED:
        return "stopped";
    case DECIDE_BACKUP:
        return "backup";
    case DECIDE_ACTIVE:
        return "active";
    case DECIDE_FAILED:
        return "failed";
    case DECIDE_FAILED_PROMOTED:
    default:
        return "failed promoted";
    }
}

static void
decide_fail(const struct decide_input *in, bool promoted,
            struct decide_verdict *v, const char *fmt, ...)
{
    va_list args;

    (void) in;
    v->state = promoted ? DECIDE_FAILED_PROMOTED : DECIDE_FAILED;
    v->score = CLUSTER_SCORE_NONE;
    va_start(args, fmt);
    vsnprintf(v->reason, sizeof v->reason, fmt, args);
    va_end(args);
}
