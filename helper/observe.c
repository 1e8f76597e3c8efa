/* SPDX-License-Identifier: Apache-2.0 */
#include "observe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
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
#include "statefile.h"
#include "tcpdiag.h"

static const char *const observe_db_key[2] = { "nb", "sb" };

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

static void
observe_sessions_file(const struct rsc *r, char *path, size_t size)
{
    snprintf(path, size, "%s/ovndb-servers.%s.session", r->p.run_dir,
             r->cl.instance);
}

/* Reads the replication sessions the last monitor found into 's' (zeroed
 * where none is known). */
static void
observe_sessions_load(const struct rsc *r, struct tcpdiag_conn s[2])
{
    char path[PATH_MAX], buf[2 * (TCPDIAG_CONN_TEXT_MAX + 4)];
    const char *line;
    int i;

    memset(s, 0, 2 * sizeof *s);
    observe_sessions_file(r, path, sizeof path);
    if (statefile_read(path, buf, sizeof buf)) {
        return;
    }
    for (line = buf; *line; line = strchr(line, '\n') + 1) {
        for (i = 0; i < 2; i++) {
            size_t len = strlen(observe_db_key[i]);

            if (!strncmp(line, observe_db_key[i], len)
                && line[len] == ' '
                && tcpdiag_conn_parse(line + len + 1, &s[i])) {
                memset(&s[i], 0, sizeof s[i]);
            }
        }
        if (!strchr(line, '\n')) {
            break;
        }
    }
}

/* Remembers the sessions 's' for the next monitor (removes the file when
 * none is known). */
static void
observe_sessions_save(const struct rsc *r, const struct tcpdiag_conn s[2])
{
    char path[PATH_MAX], buf[2 * (TCPDIAG_CONN_TEXT_MAX + 4)];
    char text[TCPDIAG_CONN_TEXT_MAX];
    size_t len = 0;
    int i;

    observe_sessions_file(r, path, sizeof path);
    for (i = 0; i < 2; i++) {
        if (s[i].inode) {
            tcpdiag_conn_format(&s[i], text, sizeof text);
            len += snprintf(buf + len, sizeof buf - len, "%s %s\n",
                            observe_db_key[i], text);
        }
    }
    if (len) {
        statefile_write(path, buf, len);
    } else {
        statefile_remove(path);
    }
}

void
observe_forget_sessions(const struct rsc *r)
{
    char path[PATH_MAX];

    observe_sessions_file(r, path, sizeof path);
    statefile_remove(path);
}

/* Sets 'db->stalled' and 'db->idle_ms' for database 'i', a backup
 * replicating from a live source: how long its session with that source
 * carried no data, against the stall bound.  '*known' is the session the
 * last monitor found (inode 0: none): asked for alone, it answers in a
 * few microseconds; only a look at every connection and at the server's
 * descriptors (a millisecond or more) may find a stall, or the session
 * when it changed, and then updates '*known'.  Returns 'db->stalled'. */
static bool
observe_stalled(struct rsc *r, int i, struct decide_db *db,
                struct tcpdiag_conn *known)
{
    long long bound = rsc_stall_bound(r, i);
    long long deadline = clock_mono_ms() + OBSERVE_DIAG_MS;
    pid_t pid;
    int error = ENOENT;

    db->idle_ms = -1;
    if (!bound) {
        return false;
    }
    if (known->inode) {
        error = tcpdiag_idle_known(known, r->src.target[i], deadline,
                                   &db->idle_ms);
        if (!error && decide_stalled(db->idle_ms, bound)) {
            error = ESTALE;
        }
    }
    if (error) {
        error = server_pid(&r->srv[i], &pid);
        if (!error) {
            error = tcpdiag_idle_ms(pid, r->src.target[i], deadline, known,
                                    &db->idle_ms);
        }
        if (error) {
            memset(known, 0, sizeof *known);
        }
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
    struct tcpdiag_conn known[2], before[2];
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
    observe_sessions_load(r, known);
    memcpy(before, known, sizeof before);
    for (i = 0; i < 2; i++) {
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        char id[40];
        int error;

        if (db->link != REPL_LINK_REPLICATING || !db->target_ok) {
            memset(&known[i], 0, sizeof known[i]);
            synced = false;
            continue;
        }
        error = source_id(r, i, id);
        db->source_alive = !error || error == ENOTSUP;
        if (!db->source_alive) {
            log_info("%s: the active at %s does not answer: %s",
                     r->srv[i].tag, r->src.target[i], strerror(error));
            synced = false;
        } else if (observe_stalled(r, i, db, &known[i])) {
            synced = false;
        }
    }
    if (memcmp(before, known, sizeof before)) {
        observe_sessions_save(r, known);
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
