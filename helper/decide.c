/* SPDX-License-Identifier: Apache-2.0 */
#include "decide.h"

#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void decide_fail(bool promoted, struct decide_verdict *,
                        const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool decide_in_sync(const struct decide_db *);
static bool decide_resync(const struct decide_db *);
static long long decide_best_age(const struct decide_position *, int *k);

void
decide_monitor(const struct decide_input *in, struct decide_verdict *v)
{
    const struct decide_db *dbs[2] = { &in->nb, &in->sb };
    static const char *tags[2] = { "NB", "SB" };
    bool expect_promoted = in->expect == DECIDE_EXPECT_PROMOTED;
    bool any_active = (in->nb.answered && in->nb.role == REPL_ROLE_ACTIVE)
                      || (in->sb.answered && in->sb.role == REPL_ROLE_ACTIVE);
    /* A broken instance counts as promoted if Pacemaker thinks so, or, when
     * Pacemaker does not know (probe), if a database is active. */
    bool promoted = expect_promoted
                    || (in->expect == DECIDE_EXPECT_ANY && any_active);
    int i;

    memset(v, 0, sizeof *v);
    v->score = DECIDE_SCORE_NONE;

    /* 1. Nothing runs at all. */
    if (!in->nb.running && !in->sb.running) {
        if (in->northd_running) {
            decide_fail(expect_promoted, v, "ovn-northd runs without its "
                        "databases; stop the resource to clean up");
        } else if (expect_promoted) {
            decide_fail(true, v, "both ovsdb-servers of the promoted "
                        "instance are gone");
            /* Its files hold the newest data: recover it in place. */
            v->score = DECIDE_SCORE_FINAL;
        } else {
            v->state = DECIDE_STOPPED;
        }
        return;
    }

    /* 2. Half running, hung, or in an unknown state. */
    for (i = 0; i < 2; i++) {
        const struct decide_db *db = dbs[i];

        if (!db->running) {
            decide_fail(promoted || any_active, v, "%s ovsdb-server is not "
                        "running while %s runs", tags[i], tags[1 - i]);
            if (promoted || any_active) {
                v->score = DECIDE_SCORE_FINAL;
            }
            return;
        }
        if (!db->answered) {
            decide_fail(promoted, v, "%s ovsdb-server runs but does not "
                        "answer on its control socket", tags[i]);
            if (promoted) {
                v->score = DECIDE_SCORE_FINAL;
            }
            return;
        }
        if (db->role == REPL_ROLE_UNKNOWN) {
            decide_fail(promoted, v, "%s ovsdb-server reports an unknown "
                        "replication state", tags[i]);
            return;
        }
    }

    /* 3. The databases disagree. */
    if (in->nb.role != in->sb.role) {
        decide_fail(promoted, v, "NB is %s but SB is %s: the databases "
                    "disagree on their role", repl_role_name(in->nb.role),
                    repl_role_name(in->sb.role));
        if (in->expect == DECIDE_EXPECT_UNPROMOTED) {
            v->repair = DECIDE_REPAIR_REBACKUP;
        }
        return;
    }

    /* 4. Both active. */
    if (in->nb.role == REPL_ROLE_ACTIVE) {
        if (in->expect == DECIDE_EXPECT_UNPROMOTED) {
            /* ovsdb-server turns a backup active on any replication error;
             * two writable actives must not last. */
            decide_fail(false, v, "NB and SB turned active although not "
                        "promoted (replication error); made backups again");
            v->repair = DECIDE_REPAIR_REBACKUP;
            return;
        }
        if (in->northd_managed && !in->northd_running) {
            decide_fail(true, v, "ovn-northd is not running on the active "
                        "node");
            return;
        }
        v->state = DECIDE_ACTIVE;
        v->score = DECIDE_SCORE_ACTIVE;
        v->in_sync = true;
        return;
    }

    /* 5. Both backups. */
    if (expect_promoted) {
        decide_fail(true, v, "the promoted instance's databases are "
                    "read-only backups");
        return;
    }
    if (in->northd_running) {
        decide_fail(false, v, "ovn-northd runs on a backup node");
        return;
    }
    v->state = DECIDE_BACKUP;
    if (!in->nb.target_ok || !in->sb.target_ok) {
        /* Replicating from another source than the one chosen (after a
         * node rejoined, say): an ordinary fault, repaired by pointing it
         * back, not a failure.  Not in sync until then. */
        v->repair = DECIDE_REPAIR_REPOINT;
    } else if (decide_in_sync(&in->nb) && decide_in_sync(&in->sb)) {
        v->score = DECIDE_SCORE_BACKUP;
        v->in_sync = true;
        return;
    } else if (decide_resync(&in->nb) || decide_resync(&in->sb)) {
        /* Replicating from a live active, yet nothing arrives: the
         * session silently stopped passing packets.  Not in sync (it may
         * miss acknowledged writes), below every backup in sync whatever
         * this node was before (an active is alive), and replicated again
         * on a new session, which may work where the old one does not. */
        v->repair = DECIDE_REPAIR_RESYNC;
        v->score = in->nb.has_data || in->sb.has_data ? DECIDE_SCORE_STALE
                   : DECIDE_SCORE_EMPTY;
        return;
    }
    if (in->nb.has_data || in->sb.has_data) {
        v->score = !in->last_active ? DECIDE_SCORE_STALE
                   : in->final_active ? DECIDE_SCORE_FINAL
                   : DECIDE_SCORE_LAST_ACTIVE;
    } else {
        v->score = DECIDE_SCORE_EMPTY;
    }
}

/* The offset (ms) of peer 'p''s clock from ours, as the 'at' values of
 * positions measured in the same round show it; 0 if unknown or if 'p'
 * is not up (its value comes from another round). */
static long long
decide_offset(const struct decide_position *mine_pos,
              const struct decide_peer *p)
{
    if (!mine_pos || !p->up || mine_pos->at <= 0 || p->pos.at <= 0) {
        return 0;
    }
    return p->pos.at - mine_pos->at;
}

int
decide_election(const char *me, long long mine,
                const struct decide_position *mine_pos,
                const struct decide_peer *peers, int n,
                const char *last_active, char *reason, size_t size)
{
    int best = -1, newer = -1, i;
    bool last_active_up = false;

    if (size) {
        reason[0] = '\0';
    }
    if (mine < 0) {
        mine = 0;
    }

    for (i = 0; i < n; i++) {
        const struct decide_peer *p = &peers[i];
        enum decide_order order = DECIDE_ORDER_UNKNOWN;
        long long theirs;

        if (!strcmp(p->node, me)) {
            continue;
        }
        if (last_active && !strcmp(p->node, last_active) && p->up) {
            last_active_up = true;
        }
        if (mine_pos && p->up && !p->active) {
            order = decide_order(&p->pos, mine_pos);
        }
        if (order == DECIDE_ORDER_NEWER) {
            if (newer < 0 || decide_best_age(&p->pos, NULL)
                             < decide_best_age(&peers[newer].pos, NULL)) {
                newer = i;
            }
            continue;
        }
        if (order != DECIDE_ORDER_UNKNOWN) {
            /* The data says: it holds nothing this copy lacks. */
            continue;
        }
        /* Its freshness on this node's clock. */
        theirs = p->freshness - decide_offset(mine_pos, p);
        if (theirs > mine
            && (p->active || theirs - mine > DECIDE_FRESHNESS_SLACK_MS)
            && (best < 0 || theirs > peers[best].freshness
                                     - decide_offset(mine_pos,
                                                     &peers[best]))) {
            best = i;
        }
    }
    if (newer >= 0) {
        const struct decide_peer *p = &peers[newer];
        int k = 0;
        long long theirs = decide_best_age(&p->pos, &k);

        /* Short: Pacemaker keeps 128 bytes of an exit reason. */
        snprintf(reason, size, "%s holds newer data than %s (%s by %lld "
                 "ms); refusing promotion so that %s is promoted", p->node,
                 me, k ? "SB" : "NB",
                 decide_best_age(mine_pos, NULL) - theirs, p->node);
        return newer;
    }
    if (best >= 0 && !peers[best].up) {
        snprintf(reason, size, "%s, which is down, holds newer data than "
                 "%s; refusing promotion: start %s (or clear its "
                 "freshness attribute to accept this copy)",
                 peers[best].node, me, peers[best].node);
        return n;
    }
    if (best >= 0) {
        snprintf(reason, size, "%s holds newer data than %s; refusing "
                 "promotion so that %s is promoted", peers[best].node, me,
                 peers[best].node);
        return best;
    }
    if (mine == 0 && last_active && last_active[0]
        && strcmp(last_active, me) && !last_active_up) {
        snprintf(reason, size, "%s never synchronised and %s, the last "
                 "active node, is down: start %s (or clear OVN_REPL_INFO "
                 "to accept this copy)", me, last_active, last_active);
        return n;
    }
    return -1;
}

/* The smallest known age of 'pos' (the best bound on how current the
 * copy is) and its database in '*k'; -1 if none is known. */
static long long
decide_best_age(const struct decide_position *pos, int *k)
{
    long long best = -1;
    int i;

    for (i = 0; i < 2; i++) {
        if (pos->age[i] >= 0 && (best < 0 || pos->age[i] < best)) {
            best = pos->age[i];
            if (k) {
                *k = i;
            }
        }
    }
    return best;
}

enum decide_order
decide_order(const struct decide_position *a, const struct decide_position *b)
{
    long long a_age, b_age;

    if (a->epoch <= 0 || a->epoch != b->epoch) {
        return DECIDE_ORDER_UNKNOWN;
    }
    /* Each age says how long ago the copy was last known current (its
     * last data, or its session's last bytes): a bound, which a resync
     * or a probe improves without new data.  The best bound of each copy
     * is compared: a stalled copy has none later than the stall. */
    a_age = decide_best_age(a, NULL);
    b_age = decide_best_age(b, NULL);
    if (a_age < 0 || b_age < 0) {
        return DECIDE_ORDER_UNKNOWN;
    }
    return a_age + DECIDE_AGE_TOLERANCE_MS < b_age ? DECIDE_ORDER_NEWER
           : b_age + DECIDE_AGE_TOLERANCE_MS < a_age ? DECIDE_ORDER_OLDER
           : DECIDE_ORDER_SAME;
}

long long
decide_freshness(bool has_data, long long fresh, bool fresh_active,
                 long long promoted, long long handed, bool *active)
{
    *active = false;
    if (!has_data) {
        return 0;
    }
    *active = fresh_active;
    if (promoted > fresh) {
        /* The copy replicated the last promotion's record since its own
         * record was made: it was current then, at least. */
        fresh = promoted;
        *active = false;
    }
    if (handed && handed >= fresh) {
        /* It holds the handover marker, the last transaction of an active
         * that stepped down, and nothing newer: it is that active's final
         * copy, as final as the active's own record. */
        fresh = handed;
        *active = true;
    }
    return fresh > 0 ? fresh : 1;
}

long long
decide_record_time(const char *value, bool marker)
{
    const char *colon, *start;
    char digits[32], *end;
    size_t len = strlen(value);
    long long ms;

    if (marker) {
        /* Drop the PID. */
        colon = memrchr(value, ':', len);
        if (colon) {
            len = colon - value;
        }
    }
    colon = memrchr(value, ':', len);
    if (!colon) {
        return 0;
    }
    start = colon + 1;
    len -= start - value;
    if (len >= sizeof digits) {
        return 0;
    }
    memcpy(digits, start, len);
    digits[len] = '\0';
    errno = 0;
    ms = strtoll(digits, &end, 10);
    return errno || *end || ms <= 0 ? 0 : ms;
}

/* Most a published age, epoch or time may be: beyond it, the value is
 * not one this agent wrote (ages of up to a century, times up to the
 * year 5138). */
#define DECIDE_POS_MAX 99999999999999LL

int
decide_format_freshness(long long ms, bool final,
                        const struct decide_position *pos, char *buf,
                        size_t size)
{
    if (final) {
        return snprintf(buf, size, "%lld:active", ms);
    }
    if (!pos) {
        return snprintf(buf, size, "%lld", ms);
    }
    return snprintf(buf, size, "%lld age=%lld,%lld epoch=%lld at=%lld", ms,
                    pos->age[0], pos->age[1], pos->epoch, pos->at);
}

/* Parses "NAME=" followed by a number (or, with 'two', "N,N") at '*p',
 * within [-1, DECIDE_POS_MAX]; advances '*p' past it.  Returns false if
 * it is not there. */
static bool
decide_parse_field(const char **p, const char *name, long long *v, bool two)
{
    size_t len = strlen(name);
    int k;

    if (strncmp(*p, name, len) || (*p)[len] != '=') {
        return false;
    }
    *p += len + 1;
    for (k = 0; k < (two ? 2 : 1); k++) {
        char *end;

        if (k && *(*p)++ != ',') {
            return false;
        }
        if (!(**p >= '0' && **p <= '9') && **p != '-') {
            return false;
        }
        errno = 0;
        v[k] = strtoll(*p, &end, 10);
        if (errno || end == *p || v[k] < -1 || v[k] > DECIDE_POS_MAX) {
            return false;
        }
        *p = end;
    }
    return true;
}

void
decide_parse_freshness(const char *value, long long *ms, bool *final,
                       struct decide_position *pos)
{
    struct decide_position got;
    const char *p;
    char *end;

    if (pos) {
        pos->age[0] = pos->age[1] = -1;
        pos->epoch = pos->at = 0;
    }
    *ms = strtoll(value, &end, 10);
    *final = !strcmp(end, ":active");
    if (!pos || *end != ' ') {
        return;
    }
    p = end + 1;
    if (decide_parse_field(&p, "age", got.age, true) && *p++ == ' '
        && decide_parse_field(&p, "epoch", &got.epoch, false) && *p++ == ' '
        && decide_parse_field(&p, "at", &got.at, false) && !*p) {
        *pos = got;
    }
}

int
decide_peers(const char *me, const char *handed,
             const struct decide_lists *lists,
             struct decide_peer peers[DECIDE_MAX_PEERS],
             char names[DECIDE_MAX_PEERS][NODELIST_NAME_MAX])
{
    const char *up_lists[] = { lists->active, lists->start, lists->promote };
    size_t n_up = sizeof up_lists / sizeof up_lists[0];
    char name[NODELIST_NAME_MAX];
    int n = 0, j;
    size_t k;

    for (k = 0; k <= n_up; k++) {
        bool up = k < n_up;
        const char *p = up ? up_lists[k] : lists->all;

        while (nodelist_next(&p, name, sizeof name)) {
            for (j = 0; j < n && strcmp(names[j], name); j++) {
                continue;
            }
            if (j < n || (handed && !strcmp(name, handed))
                || (up && nodelist_has(lists->stopping, name))
                || (!up && !strcmp(name, me))) {
                continue;
            }
            if (n == DECIDE_MAX_PEERS) {
                return -1;
            }
            memcpy(names[n], name, sizeof name);
            peers[n] = (struct decide_peer) {
                .node = names[n],
                .up = up,
                .pos = { .age = { -1, -1 } },
            };
            n++;
        }
    }
    return n;
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
decide_fail(bool promoted, struct decide_verdict *v, const char *fmt, ...)
{
    va_list args;

    v->state = promoted ? DECIDE_FAILED_PROMOTED : DECIDE_FAILED;
    v->score = DECIDE_SCORE_NONE;
    v->in_sync = false;
    va_start(args, fmt);
    vsnprintf(v->reason, sizeof v->reason, fmt, args);
    va_end(args);
}

/* A backup is in sync if it replicates and its source answers. */
static bool
decide_in_sync(const struct decide_db *db)
{
    return db->link == REPL_LINK_REPLICATING && db->source_alive
           && !db->stalled;
}

static bool
decide_resync(const struct decide_db *db)
{
    return db->link == REPL_LINK_REPLICATING && db->source_alive
           && db->stalled;
}

long long
decide_stall_bound(long long configured, long long probe_source,
                   long long probe_backup)
{
    long long probe, least;

    probe = probe_source > 0 && (probe_backup <= 0
                                 || probe_source < probe_backup)
            ? probe_source : probe_backup;
    if (probe <= 0) {
        return 0;
    }
    least = probe > (LLONG_MAX - DECIDE_STALL_MARGIN_MS) / 2
            ? LLONG_MAX : 2 * probe + DECIDE_STALL_MARGIN_MS;
    return configured > least ? configured : least;
}

bool
decide_stalled(long long idle_ms, long long bound)
{
    return bound > 0 && idle_ms > bound;
}

bool
decide_defers(const struct decide_peer *peers, int n, int best)
{
    return best >= 0 && best < n && peers[best].up
           && !(peers[best].active && peers[best].handing_over);
}
