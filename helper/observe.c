/* SPDX-License-Identifier: Apache-2.0 */
#include "observe.h"

#include <errno.h>
#include <string.h>

#include "clock.h"
#include "deadline.h"
#include "fresh.h"
#include "jsonrpc.h"
#include "log.h"
#include "northd.h"
#include "proc.h"
#include "repl.h"
#include "rsc.h"
#include "tcpdiag.h"

/* Returns true if 'pid' used CPU time since it had used 'before' ticks. */
static bool
observe_busy(pid_t pid, unsigned long long before)
{
    unsigned long long now;

    return !proc_cpu_ticks(pid, &now) && now > before;
}

void
observe_servers(struct rsc *r, enum decide_expect expect,
                struct decide_input *in)
{
    struct jsonrpc_conn *conns[2] = { NULL, NULL };
    int start_errors[2] = { 0, 0 };
    unsigned long long cpu[2] = { 0, 0 };
    long long left, deadline, until;
    pid_t pids[2] = { 0, 0 };
    pid_t pid;
    int i;

    memset(in, 0, sizeof *in);
    in->expect = expect;
    in->northd_managed = r->p.manage_northd;
    /* An ovn-northd the agent does not manage is none of its business. */
    in->northd_running = r->p.manage_northd && !northd_pid(&r->p, &pid);

    /* Both servers are asked at once, so that a hung one costs no more
     * than its own wait, and no more than OBSERVE_ANSWER_MS, whatever the
     * operation timeout: the score can still be written after it. */
    left = deadline_left(r->deadline) - OBSERVE_RESERVE_MS;
    if (left > OBSERVE_ANSWER_MS) {
        left = OBSERVE_ANSWER_MS;
    }
    deadline = clock_mono_ms() + (left > 0 ? left : 0);
    for (i = 0; i < 2; i++) {
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        db->running = !server_pid(&r->srv[i], &pids[i]);
        if (db->running) {
            proc_cpu_ticks(pids[i], &cpu[i]);
            start_errors[i] = repl_status_start(r->srv[i].ctl, deadline,
                                                &conns[i]);
        }
    }
    if (expect == DECIDE_EXPECT_UNPROMOTED && in->nb.running
        && in->sb.running) {
        /* Backups are expected: ask the active whether it is alive while
         * the local servers answer. */
        source_ask(r, 0);
        source_ask(r, 1);
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        struct repl_status st;
        int error;

        if (!db->running) {
            continue;
        }
        /* A reply that came while the other server was awaited (hung,
         * until 'deadline') is read still. */
        until = deadline;
        if (until < clock_mono_ms() + OBSERVE_LATE_MS) {
            until = clock_mono_ms() + OBSERVE_LATE_MS;
        }
        error = repl_status_finish(conns[i], start_errors[i], s->db_name,
                                   until, &st);
        if (error == ETIMEDOUT && observe_busy(pids[i], cpu[i])) {
            /* Late but working (resynchronising a large database blocks
             * a server for seconds): not hung.  Give it the rest. */
            log_info("%s: busy; waiting longer for its answer", s->tag);
            error = repl_get_status(s->ctl, s->db_name, r->deadline
                                    - OBSERVE_RESERVE_MS, &st);
        }
        if (error) {
            log_warn("%s: no answer from %s: %s", s->tag, s->ctl,
                     strerror(error));
            continue;
        }
        db->answered = true;
        db->role = st.role;
        db->link = st.link;
        db->target_ok = !strcmp(st.target, r->src.target[i]);
    }
}

/* Sets 'db->stalled' and 'db->idle_ms' for database 'i', a backup
 * replicating from a live source: how long its session with that source
 * carried no data, against the stall bound.  Returns 'db->stalled'. */
static bool
observe_stalled(struct rsc *r, int i, struct decide_db *db)
{
    long long bound = rsc_stall_bound(r, i);
    long long deadline = clock_mono_ms() + OBSERVE_DIAG_MS;
    pid_t pid;
    int error;

    db->idle_ms = -1;
    if (!bound) {
        return false;
    }
    error = server_pid(&r->srv[i], &pid);
    if (!error) {
        error = tcpdiag_idle_ms(pid, r->src.target[i], deadline,
                                &db->idle_ms);
    }
    if (error) {
        /* No established session (reconnecting) is no stall; the link
         * state says the rest. */
        if (error != ENOENT) {
            log_warn("%s: cannot read the replication session: %s",
                     r->srv[i].tag, strerror(error));
        }
        return false;
    }
    db->stalled = decide_stalled(db->idle_ms, bound);
    if (db->stalled) {
        log_warn("%s: nothing arrived from the active at %s for %lld ms "
                 "(bound %lld ms): replication stalled", r->srv[i].tag,
                 r->src.target[i], db->idle_ms, bound);
    }
    return db->stalled;
}

void
observe_sync(struct rsc *r, struct decide_input *in)
{
    char buf[NODELIST_NAME_MAX];
    bool synced = true;
    int i;

    if (!in->nb.answered || !in->sb.answered
        || in->nb.role != REPL_ROLE_BACKUP
        || in->sb.role != REPL_ROLE_BACKUP) {
        return;
    }
    for (i = 0; i < 2; i++) {
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        if (db->link == REPL_LINK_REPLICATING) {
            source_ask(r, i);
        }
    }
    for (i = 0; i < 2; i++) {
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        char id[40];
        int error;

        if (db->link != REPL_LINK_REPLICATING || !db->target_ok) {
            synced = false;
            continue;
        }
        error = source_id(r, i, id);
        db->source_alive = !error || error == ENOTSUP;
        if (!db->source_alive) {
            log_info("%s: the active at %s does not answer: %s",
                     r->srv[i].tag, r->src.target[i], strerror(error));
            synced = false;
        } else if (observe_stalled(r, i, db)) {
            synced = false;
        }
    }
    if (synced) {
        return;
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        repl_has_data(s->sock, s->db_name, s->global_table, r->deadline,
                      &db->has_data);
    }
    in->last_active = !cluster_get_last_active(&r->cl, buf, sizeof buf,
                                               r->deadline)
                      && !strcmp(buf, r->cl.node);
    fresh_read_role(r->p.db_dir, &in->final_active);
}
