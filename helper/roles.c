/* SPDX-License-Identifier: Apache-2.0 */
#include "roles.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "deadline.h"
#include "decide.h"
#include "listener.h"
#include "log.h"
#include "northd.h"
#include "observe.h"
#include "proc.h"
#include "repl.h"
#include "rsc.h"

static int roles_wait_replication(struct rsc *r, int i, char *msg,
                                  size_t size);

int
roles_start_servers(struct rsc *r, const struct decide_input *in, char *msg,
                    size_t size)
{
    int i, error;

    if (in->northd_running) {
        northd_stop(&r->p, r->deadline);
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        if (db->running && !db->answered) {
            snprintf(msg, size, "%s ovsdb-server runs but does not answer "
                     "on %s; stop the resource", s->tag, s->ctl);
            return ETIMEDOUT;
        }
        if (!db->running) {
            error = server_prepare_db(s, &r->p, r->deadline, msg, size);
            if (!error) {
                error = server_start(s, r->src.target[i], false,
                                     r->deadline, msg, size);
            }
            if (error) {
                return error;
            }
        }
    }
    return 0;
}

int
roles_make_backups(struct rsc *r, bool keep_remote, bool watch, char *msg,
                   size_t size)
{
    int i, error;

    for (i = 0; i < 2; i++) {
        error = roles_backup_db(r, i, keep_remote, msg, size);
        if (!error && watch) {
            error = roles_wait_replication(r, i, msg, size);
        }
        if (error) {
            return error;
        }
    }
    return 0;
}

/* If an active answers at the source, waits (a few seconds at most) to see
 * replication of database 'i' take.  A copy still receiving a large
 * initial dump when the wait ends is fine. */
static int
roles_wait_replication(struct rsc *r, int i, char *msg, size_t size)
{
    const struct server *s = &r->srv[i];
    long long until = deadline_after(ROLES_REPLICATION_WAIT_MS);
    struct repl_status st;
    char id[40];

    if (source_id(r, i, id)) {
        return 0;               /* No active to replicate from yet. */
    }
    if (until > r->deadline) {
        until = r->deadline;
    }
    for (;;) {
        if (!repl_get_status(s->ctl, s->db_name, r->deadline, &st)) {
            if (st.role == REPL_ROLE_ACTIVE) {
                snprintf(msg, size, "%s: replication from %s failed and "
                         "ovsdb-server turned active (schema mismatch? see "
                         "%s)", s->tag, r->src.target[i], s->logfile);
                return EPROTO;
            }
            if (st.link == REPL_LINK_REPLICATING) {
                return 0;
            }
        }
        if (deadline_expired(until)) {
            return 0;
        }
        deadline_sleep(20, until);
    }
}

/* Returns true if the source of database 'i' is a local address. */
static bool
roles_source_is_local(const struct rsc *r, int i)
{
    char host[128];
    bool ssl;
    int port;

    return !repl_parse_target(r->src.target[i], host, sizeof host, &port,
                              &ssl)
           && addr_is_local(host);
}

/* Returns true if the server at the source of database 'i' is the one
 * whose server ID is 'self'. */
static bool
roles_source_is(struct rsc *r, int i, const char *self)
{
    char there[40];

    return !source_id(r, i, there) && !strcmp(self, there);
}

int
roles_backup_db(struct rsc *r, int i, bool keep_remote, char *msg,
                size_t size)
{
    const struct server *s = &r->srv[i];
    const char *target = r->src.target[i];
    char remote[SOURCE_TARGET_MAX];
    struct repl_status st;
    bool writable = true;
    int error;

    server_db_remote(s, remote, sizeof remote);
    if (!keep_remote) {
        error = repl_set_remote(s->ctl, remote, false, r->deadline);
        if (!error) {
            error = rsc_node_listener(r, i, false);
        }
        if (error) {
            goto fail;
        }
    }
    error = repl_get_status(s->ctl, s->db_name, r->deadline, &st);
    if (error) {
        goto fail;
    }
    if (st.role != REPL_ROLE_BACKUP || strcmp(st.target, target)) {
        char self[40];

        /* Never replicate from oneself: ovsdb-server would refuse, turn
         * active and writable, and stay so.  Only a local address can be
         * oneself. */
        if (roles_source_is_local(r, i)
            && !repl_local_id(s->sock, r->deadline, self)
            && roles_source_is(r, i, self)) {
            log_warn("%s: %s is this server itself; closing its listener",
                     s->tag, target);
            error = repl_set_remote(s->ctl, remote, false, r->deadline);
            if (!error) {
                error = rsc_node_listener(r, i, false);
            }
            r->src.error[i] = 0;
            if (!error && roles_source_is(r, i, self)) {
                snprintf(msg, size, "%s: master_ip %s is served by this "
                         "node's own ovsdb-server; refusing to replicate "
                         "from itself", s->tag, target);
                return ELOOP;
            }
        }
        log_info("%s: making it a backup of %s", s->tag, target);
        error = repl_make_backup(s->ctl, target,
                                 r->p.inactive_probe_interval_to_master,
                                 r->deadline);
    }
    if (!error) {
        error = repl_probe_writable(s->sock, s->db_name, r->deadline,
                                    &writable);
    }
    if (!error && !writable) {
        error = repl_get_status(s->ctl, s->db_name, r->deadline, &st);
    }
    if (!error && !writable && st.role == REPL_ROLE_BACKUP) {
        return 0;
    }

fail:
    snprintf(msg, size, "%s could not be made a read-only backup of %s%s%s",
             s->tag, target, error ? ": " : "",
             error ? strerror(error) : "");
    return error ? error : EPROTO;
}

int
roles_make_active(struct rsc *r, const struct decide_input *in, char *msg,
                  size_t size)
{
    char listen[SOURCE_TARGET_MAX], remote[SOURCE_TARGET_MAX];
    int i, error;

    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        bool writable = false;

        if (!db->answered) {
            snprintf(msg, size, "cannot promote: %s ovsdb-server does not "
                     "answer on %s", s->tag, s->ctl);
            return ETIMEDOUT;
        }
        if (db->role != REPL_ROLE_ACTIVE) {
            log_info("%s: becoming active", s->tag);
            error = repl_make_active(s->ctl, r->deadline);
            if (error) {
                snprintf(msg, size, "cannot make %s active: %s", s->tag,
                         strerror(error));
                return error;
            }
        }
        /* Return only once the database really accepts writes. */
        for (;;) {
            error = repl_probe_writable(s->sock, s->db_name, r->deadline,
                                        &writable);
            if (error || writable || deadline_expired(r->deadline)) {
                break;
            }
            deadline_sleep(10, r->deadline);
        }
        if (error || !writable) {
            snprintf(msg, size, "%s did not become writable after "
                     "promotion%s%s", s->tag, error ? ": " : "",
                     error ? strerror(error) : "");
            return error ? error : ETIMEDOUT;
        }

        server_listen_target(s, &r->p, listen, sizeof listen);
        error = listener_ensure(s->sock, s->db_name, s->global_table,
                                listen, r->p.inactive_probe_interval,
                                r->deadline);
        if (!error) {
            server_db_remote(s, remote, sizeof remote);
            error = repl_set_remote(s->ctl, remote, true, r->deadline);
        }
        if (!error) {
            error = rsc_node_listener(r, i, true);
        }
        if (error) {
            snprintf(msg, size, "%s is active but cannot listen on %s: %s",
                     s->tag, listen, strerror(error));
            return error;
        }
    }
    return 0;
}

void
roles_follow_source(struct rsc *r, const struct decide_input *in)
{
    int i;

    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        char remote[SOURCE_TARGET_MAX];
        int error;

        if (!db->answered || db->role != REPL_ROLE_BACKUP) {
            continue;
        }
        server_db_remote(s, remote, sizeof remote);
        error = repl_set_remote(s->ctl, remote, false, r->deadline);
        if (!error) {
            error = rsc_node_listener(r, i, false);
        }
        if (!error) {
            error = repl_make_backup(s->ctl, r->src.target[i],
                                     r->p.inactive_probe_interval_to_master,
                                     r->deadline);
        }
        if (error) {
            log_warn("%s: cannot reconnect to the new active: %s", s->tag,
                     strerror(error));
        }
    }
}

void
roles_rebackup(struct rsc *r, const struct decide_input *in)
{
    int i;

    for (i = 0; i < 2; i++) {
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        char msg[256];

        if (db->role == REPL_ROLE_ACTIVE
            && roles_backup_db(r, i, false, msg, sizeof msg)) {
            log_err("%s", msg);
        }
    }
}

int
roles_stop(struct rsc *r, const struct decide_input *in, char *msg,
           size_t size)
{
    struct proc_victim victims[2 * SERVER_MAX_PROCS];
    long long left = deadline_left(r->deadline);
    long long grace = left / 3 < ROLES_STOP_GRACE_MS ? left / 3
                      : ROLES_STOP_GRACE_MS;
    int error = 0, n = 0, i;

    /* ovn-northd first: it is a client of the databases. */
    if (r->p.manage_northd
        && northd_stop(&r->p, deadline_after(left / 3))) {
        snprintf(msg, size, "ovn-northd still runs after SIGKILL; see the "
                 "logs in %s", r->p.log_dir);
        error = ETIMEDOUT;
    }
    /* Servers that answer are asked to exit: they then remove their
     * pidfiles and sockets themselves.  One that does not answer is not
     * asked: it would only cost the wait. */
    for (i = 0; i < 2; i++) {
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        if (db->answered) {
            server_ask_exit(&r->srv[i], deadline_after(
                                left / 4 < SERVER_EXIT_ASK_MS ? left / 4
                                : SERVER_EXIT_ASK_MS));
        }
    }
    /* Then every process of either server, found every way there is,
     * stopped together, so that each gets the whole time left. */
    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];
        pid_t pids[SERVER_MAX_PROCS];
        struct proc_daemon d;
        int j, found;

        server_daemon(s, &d);
        found = proc_find(&d, pids, SERVER_MAX_PROCS);
        for (j = 0; j < found; j++) {
            victims[n++] = (struct proc_victim) {
                .pid = pids[j], .comm = d.comm, .name = s->name,
            };
        }
    }
    if (n && proc_kill_all(victims, n, grace, r->deadline, msg, size)) {
        size_t len = strlen(msg);

        snprintf(msg + len, len < size ? size - len : 0,
                 " still running after SIGKILL; see the logs in %s",
                 r->p.log_dir);
        return ETIMEDOUT;
    }
    for (i = 0; i < 2; i++) {
        server_forget_pidfile(&r->srv[i]);
    }
    return error;
}

void
roles_repoint(struct rsc *r)
{
    int i;

    for (i = 0; i < 2; i++) {
        char msg[256];

        if (roles_backup_db(r, i, false, msg, sizeof msg)) {
            log_err("%s", msg);
        }
    }
}

void
roles_resync(struct rsc *r, const struct decide_input *in)
{
    int i;

    for (i = 0; i < 2; i++) {
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        int error;

        if (!db->stalled) {
            continue;
        }
        /* Already a backup of that source: only a new session helps. */
        log_warn("%s: replicating again from %s on a new session",
                 r->srv[i].tag, r->src.target[i]);
        error = repl_make_backup(r->srv[i].ctl, r->src.target[i],
                                 r->p.inactive_probe_interval_to_master,
                                 r->deadline);
        if (error) {
            log_err("%s: cannot replicate again from %s: %s", r->srv[i].tag,
                    r->src.target[i], strerror(error));
        }
    }
}

int
roles_reload(struct rsc *r, const struct decide_input *in, char *msg,
             size_t size)
{
    char listen[SOURCE_TARGET_MAX];
    int i, error = 0;

    for (i = 0; i < 2 && !error; i++) {
        const struct server *s = &r->srv[i];
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        if (!db->answered) {
            continue;           /* Applied when it starts. */
        }
        if (db->role == REPL_ROLE_ACTIVE) {
            /* The clients' probe lives in the Connection row. */
            server_listen_target(s, &r->p, listen, sizeof listen);
            error = listener_ensure(s->sock, s->db_name, s->global_table,
                                    listen, r->p.inactive_probe_interval,
                                    r->deadline);
        } else {
            error = repl_set_probe(s->ctl,
                                   r->p.inactive_probe_interval_to_master,
                                   r->deadline);
        }
        if (error) {
            snprintf(msg, size, "%s: cannot apply the new probe interval: "
                     "%s", s->tag, strerror(error));
        } else {
            log_info("%s: probe interval %lld ms applied", s->tag,
                     db->role == REPL_ROLE_ACTIVE
                     ? r->p.inactive_probe_interval
                     : r->p.inactive_probe_interval_to_master);
        }
    }
    return error;
}
