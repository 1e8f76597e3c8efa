/* SPDX-License-Identifier: Apache-2.0 */
#include "election.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "deadline.h"
#include "decide.h"
#include "fresh.h"
#include "handover.h"
#include "log.h"
#include "ocf.h"
#include "position.h"
#include "repl.h"
#include "rsc.h"
#include "switchover.h"

/* Room for a published freshness: "MS", "MS:active", or "MS" and a
 * position (see decide_format_freshness()). */
#define ELECTION_FRESHNESS_MAX 160

/* Room for an election's reason (Pacemaker keeps 128 bytes of it). */
#define ELECTION_REASON_MAX 512

/* How long a candidate stepping aside waits for the CIB to show it (ms):
 * attrd writes a transient attribute within a few hundred milliseconds. */
#define ELECTION_ASIDE_WAIT_MS 3000

static long long election_db_time(struct rsc *r, const char *key);

long long
election_freshness(struct rsc *r, bool *active)
{
    bool nb = false, sb = false, fresh_active = false;
    long long fresh, promoted, handed;

    *active = false;
    repl_has_data(r->srv[0].sock, r->srv[0].db_name, r->srv[0].global_table,
                  r->deadline, &nb);
    repl_has_data(r->srv[1].sock, r->srv[1].db_name, r->srv[1].global_table,
                  r->deadline, &sb);
    if (!nb && !sb) {
        return 0;
    }
    fresh = fresh_read_role(r->p.db_dir, &fresh_active);
    promoted = election_db_time(r, HANDOVER_PROMOTED_KEY);
    handed = election_db_time(r, HANDOVER_KEY);
    return decide_freshness(true, fresh, fresh_active, promoted, handed,
                            active);
}

/* Returns the time (ms since the epoch) that both local databases record
 * under external_ids:'key' of their global row: that of the promotion
 * record (HANDOVER_PROMOTED_KEY) or of the handover marker (HANDOVER_KEY).
 * 0 if either lacks it or they differ. */
static long long
election_db_time(struct rsc *r, const char *key)
{
    char value[2][HANDOVER_VALUE_MAX];
    int i;

    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];

        if (handover_get(s->sock, s->db_name, s->global_table, key,
                         value[i], sizeof value[i], r->deadline)) {
            return 0;
        }
    }
    if (strcmp(value[0], value[1])) {
        return 0;
    }
    return decide_record_time(value[0], !strcmp(key, HANDOVER_KEY));
}

/* A key of the notification round: its node lists (FNV-1a). */
static unsigned long long
election_round(void)
{
    static const char *lists[] = {
        "notify_promote_uname", "notify_demote_uname", "notify_start_uname",
        "notify_stop_uname", "notify_active_uname", "notify_all_uname",
    };
    unsigned long long h = 14695981039346656037ULL;
    size_t i;

    for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const char *v = ocf_meta(lists[i]);
        const char *p;

        for (p = v ? v : ""; *p; p++) {
            h = (h ^ (unsigned char) *p) * 1099511628211ULL;
        }
        h = (h ^ '|') * 1099511628211ULL;
    }
    return h;
}

bool
election_publish(struct rsc *r, bool final)
{
    char value[ELECTION_FRESHNESS_MAX];
    struct decide_position pos;
    bool active;
    long long fresh = election_freshness(r, &active);

    if (final && !active) {
        /* The pre-promote notification of an election (a stopping or
         * demoted active's copy is final, and says so instead). */
        unsigned long long round = election_round();

        if (position_kept_for(r, round)) {
            /* This round was published: its write aborted the transition
             * and Pacemaker notifies the same round again.  A new value
             * (the ages have grown) would abort it again, for ever. */
            log_info("position already published for this round");
            return true;
        }
        position_measure(r, election_db_time(r, HANDOVER_PROMOTED_KEY),
                         &pos);
        position_keep(r, &pos, round);
    }
    decide_format_freshness(fresh, final && active,
                            final && !active ? &pos : NULL, value,
                            sizeof value);
    cluster_set_attr(&r->cl, r->cl.node, "freshness", true, value,
                     r->deadline);
    return false;
}

void
election_record_promotion(struct rsc *r)
{
    char value[HANDOVER_VALUE_MAX];
    int i;

    snprintf(value, sizeof value, "%s:%lld", r->cl.node, clock_wall_ms());
    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];
        int error = handover_set(s->sock, s->db_name, s->global_table,
                                 HANDOVER_PROMOTED_KEY, value, r->deadline);

        if (error) {
            log_warn("%s: cannot record the promotion: %s", s->tag,
                     strerror(error));
        }
    }
}

/* The peers of an election and their names. */
struct election_ballot {
    struct decide_peer peers[DECIDE_MAX_PEERS];
    char names[DECIDE_MAX_PEERS][NODELIST_NAME_MAX];
    int n;
    long long mine;             /* This copy's freshness. */
};

/* Counts the election of this node, not counting 'handed', with this
 * node's kept position (left kept if 'peek', and then without the last
 * active's record): fills 'b' and returns
 * decide_election()'s verdict (-1: this node may be promoted), or -2 if
 * there are too many nodes, with the reason in 'msg'. */
static int
election_count(struct rsc *r, const char *handed, bool peek,
               struct election_ballot *b, char *msg, size_t size)
{
    const struct decide_lists lists = {
        .active = ocf_meta("notify_active_uname"),
        .start = ocf_meta("notify_start_uname"),
        .promote = ocf_meta("notify_promote_uname"),
        .all = ocf_meta("notify_all_uname"),
        .stopping = ocf_meta("notify_stop_uname"),
    };
    const char *demoting = ocf_meta("notify_demote_uname");
    char last[NODELIST_NAME_MAX], value[ELECTION_FRESHNESS_MAX];
    struct decide_position mine_pos;
    bool mine_active, own_active;
    long long mine = election_freshness(r, &mine_active);
    int j;

    b->mine = mine;

    /* Where this copy stood when every node measured its own, at the
     * pre-promote notification; measured now if that was not kept. */
    if (!(peek ? position_peek(r, &mine_pos)
               : position_kept(r, &mine_pos))) {
        position_measure(r, election_db_time(r, HANDOVER_PROMOTED_KEY),
                         &mine_pos);
    }

    /* Before the promote ('peek'), only a backup that is up can be
     * stepped aside for: the last active's record, which matters only for
     * a copy that never synchronised, is left to the promote. */
    if (peek || cluster_get_last_active(&r->cl, last, sizeof last,
                                        r->deadline)) {
        last[0] = '\0';
    }
    /* Nodes taking part in this transition, then the others (down, or
     * standby), which count with the freshness they last published, when
     * they stopped or were demoted. */
    b->n = decide_peers(r->cl.node, handed, &lists, b->peers, b->names);
    if (b->n < 0) {
        b->n = 0;
        snprintf(msg, size, "more than %d nodes run this resource; "
                 "refusing promotion", DECIDE_MAX_PEERS);
        return -2;
    }
    for (j = 0; j < b->n; j++) {
        struct decide_peer *p = &b->peers[j];
        bool final;

        if (cluster_get_attr(&r->cl, p->node, "freshness", true,
                             value, sizeof value, r->deadline)) {
            continue;
        }
        decide_parse_freshness(value, &p->freshness, &final, &p->pos);
        log_info("election: %s%s published %s", p->node,
                 p->up ? "" : " (down)", value);
        /* A node demoted in this transition handed over (or is handing
         * over) to the new active: its final record must not veto the
         * promotion it is part of. */
        p->active = final && !nodelist_has(demoting, p->node)
                    && !switchover_holds_marker(r, p->node,
                                                &p->handing_over);
    }

    log_info("election: this copy %lld%s, position NB %lld ms, SB %lld "
             "ms, promotion record %lld, measured at %lld", mine,
             mine_active ? ":active" : "", mine_pos.age[0], mine_pos.age[1],
             mine_pos.epoch, mine_pos.at);
    /* A copy this node recorded as the active's (it was the active) is
     * current until the active stopped, not only until its last
     * transaction: its position says less than its record, which
     * decides.  (A backup's copy that holds a handover marker is final
     * too, but it is a backup's: its position compares with the other
     * backups'.) */
    fresh_read_role(r->p.db_dir, &own_active);
    return decide_election(r->cl.node, mine,
                           own_active ? NULL : &mine_pos, b->peers, b->n,
                           last[0] ? last : NULL, msg, size);
}

/* Lowers this node's promotion score (its copy's freshness 'mine' tells
 * stale from empty) and raises that of 'better' (NULL: none), after a lost
 * election. */
static void
election_step_aside(struct rsc *r, long long mine, const char *better)
{
    cluster_set_score(&r->cl, mine ? DECIDE_SCORE_STALE : DECIDE_SCORE_EMPTY,
                      true, r->deadline);
    if (better) {
        cluster_set_node_score(&r->cl, better, DECIDE_SCORE_ELECTED,
                               r->deadline);
    }
}

int
election_run(struct rsc *r, const char *handed, char *msg, size_t size)
{
    struct election_ballot b;
    int best = election_count(r, handed, false, &b, msg, size);

    if (best == -1) {
        return 0;
    }
    log_err("promotion refused: %s", msg);
    if (best >= 0) {
        election_step_aside(r, b.mine,
                            best < b.n ? b.peers[best].node : NULL);
    }
    return EAGAIN;
}

void
election_pre_promote(struct rsc *r, bool candidate)
{
    char msg[ELECTION_REASON_MAX];
    struct election_ballot b;
    long long until;
    int best;

    if (!election_publish(r, true) || !candidate) {
        return;
    }
    /* The round is notified again: the positions every node published at
     * its first notification are known.  A candidate that would refuse
     * its promotion in favour of a node that is up steps aside now:
     * the score change aborts the transition before its promote runs, and
     * Pacemaker promotes the better node instead, leaving no failed
     * promote behind.  It waits (briefly) until the CIB holds the change,
     * so that the abort comes before this notification's result. */
    best = election_count(r, "", true, &b, msg, sizeof msg);
    if (!decide_defers(b.peers, b.n, best)) {
        return;
    }
    log_warn("stepping aside before promote: %s", msg);
    election_step_aside(r, b.mine, b.peers[best].node);
    until = deadline_after(ELECTION_ASIDE_WAIT_MS);
    if (until > r->deadline) {
        until = r->deadline;
    }
    if (cluster_wait_score(&r->cl, b.peers[best].node, DECIDE_SCORE_ELECTED,
                           until)) {
        log_warn("the CIB does not show %s's raised score yet; its "
                 "promote will refuse if it runs", b.peers[best].node);
    }
}
