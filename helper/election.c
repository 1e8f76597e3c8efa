/* SPDX-License-Identifier: Apache-2.0 */
#include "election.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
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

void
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
            return;
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

int
election_run(struct rsc *r, const char *handed, char *msg, size_t size)
{
    const struct decide_lists lists = {
        .active = ocf_meta("notify_active_uname"),
        .start = ocf_meta("notify_start_uname"),
        .promote = ocf_meta("notify_promote_uname"),
        .all = ocf_meta("notify_all_uname"),
        .stopping = ocf_meta("notify_stop_uname"),
    };
    const char *demoting = ocf_meta("notify_demote_uname");
    struct decide_peer peers[DECIDE_MAX_PEERS];
    char names[DECIDE_MAX_PEERS][NODELIST_NAME_MAX];
    char last[NODELIST_NAME_MAX], value[ELECTION_FRESHNESS_MAX];
    struct decide_position mine_pos;
    bool mine_active, own_active;
    long long mine = election_freshness(r, &mine_active);
    int n, j, best;

    /* Where this copy stood when every node measured its own, at the
     * pre-promote notification; measured now if that was not kept. */
    if (!position_kept(r, &mine_pos)) {
        position_measure(r, election_db_time(r, HANDOVER_PROMOTED_KEY),
                         &mine_pos);
    }

    if (cluster_get_last_active(&r->cl, last, sizeof last, r->deadline)) {
        last[0] = '\0';
    }
    /* Nodes taking part in this transition, then the others (down, or
     * standby), which count with the freshness they last published, when
     * they stopped or were demoted. */
    n = decide_peers(r->cl.node, handed, &lists, peers, names);
    if (n < 0) {
        snprintf(msg, size, "more than %d nodes run this resource; "
                 "refusing promotion", DECIDE_MAX_PEERS);
        log_err("promotion refused: %s", msg);
        return EAGAIN;
    }
    for (j = 0; j < n; j++) {
        bool final;

        if (cluster_get_attr(&r->cl, peers[j].node, "freshness", true,
                             value, sizeof value, r->deadline)) {
            continue;
        }
        decide_parse_freshness(value, &peers[j].freshness, &final,
                               &peers[j].pos);
        log_info("election: %s%s published %s", peers[j].node,
                 peers[j].up ? "" : " (down)", value);
        /* A node demoted in this transition handed over (or is handing
         * over) to the new active: its final record must not veto the
         * promotion it is part of. */
        peers[j].active = final && !nodelist_has(demoting, peers[j].node)
                          && !switchover_holds_marker(r, peers[j].node);
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
    best = decide_election(r->cl.node, mine,
                           own_active ? NULL : &mine_pos, peers, n,
                           last[0] ? last : NULL, msg, size);
    if (best < 0) {
        return 0;
    }
    log_err("promotion refused: %s", msg);
    cluster_set_score(&r->cl, mine ? DECIDE_SCORE_STALE : DECIDE_SCORE_EMPTY,
                      true, r->deadline);
    if (best < n) {
        cluster_set_node_score(&r->cl, peers[best].node,
                               DECIDE_SCORE_ELECTED, r->deadline);
    }
    return EAGAIN;
}
