/* SPDX-License-Identifier: Apache-2.0 */
#include "actions.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "clock.h"
#include "cluster.h"
#include "deadline.h"
#include "decide.h"
#include "election.h"
#include "fresh.h"
#include "guard.h"
#include "log.h"
#include "nodelist.h"
#include "northd.h"
#include "observe.h"
#include "rsc.h"
#include "roles.h"
#include "server.h"
#include "status.h"
#include "switchover.h"
#include "tls.h"
#include "vipwatch.h"

/* Room for an exit reason (Pacemaker keeps 128 characters of it). */
#define ACTIONS_REASON_MAX 256

_Static_assert(DECIDE_SCORE_NONE == CLUSTER_SCORE_DELETE,
               "decide.h's 'no score' must delete the score attribute");

static enum ocf_exitcode actions_validate(struct rsc *);
static enum ocf_exitcode actions_start(struct rsc *);
static enum ocf_exitcode actions_stop(struct rsc *);
static enum ocf_exitcode actions_monitor(struct rsc *);
static enum ocf_exitcode actions_promote(struct rsc *);
static enum ocf_exitcode actions_demote(struct rsc *);
static enum ocf_exitcode actions_notify(struct rsc *);
static enum ocf_exitcode actions_reload(struct rsc *);
static enum ocf_exitcode actions_backups(struct rsc *,
                                         const struct decide_input *,
                                         bool keep_remote, bool watch);
static enum ocf_exitcode actions_code(enum decide_state);
static void actions_status_followed(struct rsc *);
static void actions_status(struct rsc *, const struct decide_input *,
                           const struct decide_verdict *, bool force);
static int actions_lock(struct rsc *);

enum ocf_exitcode
actions_run(enum ocf_action action)
{
    char reason[ACTIONS_REASON_MAX];
    enum ocf_exitcode rc;
    struct rsc r;

    if (action == OCF_ACTION_STOP) {
        /* Stop always stops: with parameters it cannot use, it stops what
         * runs at the paths they name (or the defaults). */
        rsc_init_for_stop(&r, ocf_timeout_ms());
        return actions_stop(&r);
    }
    if (rsc_init(&r, ocf_timeout_ms(), reason, sizeof reason)) {
        ocf_exit_reason("%s", reason);
        return PCMK_OCF_NOT_CONFIGURED;
    }
    if (action == OCF_ACTION_START || action == OCF_ACTION_PROMOTE) {
        /* Only these need the notifications (stop, demote and monitor do
         * their job without them). */
        const char *notify = ocf_meta("notify");

        if (notify && !ocf_is_true(notify)) {
            ocf_exit_reason("the clone needs notify=true (set it with "
                            "'pcs resource meta <clone> notify=true')");
            return PCMK_OCF_NOT_CONFIGURED;
        }
    }

    switch (action) {
    case OCF_ACTION_VALIDATE:
        return actions_validate(&r);
    case OCF_ACTION_START:
        rc = actions_validate(&r);
        return rc == PCMK_OCF_OK ? actions_start(&r) : rc;
    case OCF_ACTION_MONITOR:
        return actions_monitor(&r);
    case OCF_ACTION_PROMOTE:
        rc = actions_validate(&r);
        return rc == PCMK_OCF_OK ? actions_promote(&r) : rc;
    case OCF_ACTION_DEMOTE:
        return actions_demote(&r);
    case OCF_ACTION_NOTIFY:
        return actions_notify(&r);
    case OCF_ACTION_WATCH_VIP:
        vipwatch_run(&r);
        return PCMK_OCF_OK;
    case OCF_ACTION_GUARD:
        guard_run(&r);
        return PCMK_OCF_OK;
    case OCF_ACTION_RELOAD:
        return actions_reload(&r);
    case OCF_ACTION_META_DATA:
    case OCF_ACTION_USAGE:
    case OCF_ACTION_UNKNOWN:
    default:
        return PCMK_OCF_UNIMPLEMENT_FEATURE;
    }
}

/* validate-all: the parameters were parsed already (rsc_init()); checks
 * this node's installation. */
static enum ocf_exitcode
actions_validate(struct rsc *r)
{
    static const char *binaries[] = { "ovsdb-server", "ovsdb-tool",
                                      "crm_attribute" };
    size_t i;

    for (i = 0; i < sizeof binaries / sizeof binaries[0]; i++) {
        if (!child_in_path(binaries[i])) {
            ocf_exit_reason("%s not found in PATH: install %s", binaries[i],
                            i < 2 ? "openvswitch-switch"
                            : "pacemaker-cli-utils");
            return PCMK_OCF_NOT_INSTALLED;
        }
    }
    if (r->p.manage_northd && !child_in_path("ovn-northd")) {
        ocf_exit_reason("manage_northd=yes but ovn-northd is not in PATH: "
                        "install ovn-central");
        return PCMK_OCF_NOT_INSTALLED;
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &r->srv[i];
        char msg[ACTIONS_REASON_MAX];
        int error;

        if (access(s->schema, R_OK)) {
            ocf_exit_reason("schema %s is missing: install ovn-central",
                            s->schema);
            return PCMK_OCF_NOT_INSTALLED;
        }
        error = !s->cfg->ssl ? 0
                : tls_check_files(s->cfg->privkey, s->cfg->cert,
                                  s->cfg->cacert, r->deadline, msg,
                                  sizeof msg);
        if (error) {
            ocf_exit_reason("%s ssl: %s", s->tag, msg);
            return error == ENOPKG ? PCMK_OCF_NOT_INSTALLED
                   : error == ETIMEDOUT ? PCMK_OCF_UNKNOWN_ERROR
                   : PCMK_OCF_INVALID_PARAM;
        }
    }
    return PCMK_OCF_OK;
}

static enum ocf_exitcode
actions_start(struct rsc *r)
{
    const char *promoted = ocf_meta("notify_promoted_uname");
    const char *demoting = ocf_meta("notify_demote_uname");
    char node[NODELIST_NAME_MAX], msg[ACTIONS_REASON_MAX];
    struct decide_input in;
    enum ocf_exitcode rc;
    bool active = false;
    const char *p;

    /* run_dir first: it keeps the choice of source (a node that rebooted
     * has an empty /run). */
    if (server_make_dirs(&r->p, msg, sizeof msg)) {
        ocf_exit_reason("%s", msg);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    /* Replicate from the promoted node, if there is one that stays. */
    if (!promoted) {
        promoted = ocf_meta("notify_master_uname");
    }
    /* Without notify lists (a manual start), an active may answer at
     * master_ip: watch replication as if one did.  (An empty list is
     * NULL for ocf_meta(): look at the variables themselves.) */
    active = !ocf_reskey("CRM_meta_notify_promoted_uname")
             && !ocf_reskey("CRM_meta_notify_master_uname");
    source_set(r, NULL);
    for (p = promoted; nodelist_next(&p, node, sizeof node); ) {
        if (strcmp(node, r->cl.node) && !nodelist_has(demoting, node)) {
            source_follow(r, node);
            active = true;
            break;
        }
    }
    cluster_set_attr(&r->cl, r->cl.node, "addr", false, rsc_self_addr(r),
                     r->deadline);
    /* With no active to replicate from (none promoted, or only one being
     * demoted, as in the recovery of a failed active), there is no
     * replication to watch: do not wait on master_ip. */
    observe_servers(r, DECIDE_EXPECT_ANY, &in);
    rc = actions_backups(r, &in, false, active);

    if (rc == PCMK_OCF_OK) {
        /* Not in sync yet: the monitor raises the score once it is.  (Not
         * "expect unpromoted": that asks the source ahead, for nothing,
         * since a backup that just started is not replicating yet.) */
        struct decide_verdict v;

        observe_servers(r, DECIDE_EXPECT_ANY, &in);
        observe_sync(r, &in);
        decide_monitor(&in, &v);
        cluster_set_score(&r->cl, v.state == DECIDE_BACKUP ? v.score
                          : DECIDE_SCORE_EMPTY, true, r->deadline);
        actions_status(r, &in, &v, true);
    }
    return rc;
}

static enum ocf_exitcode
actions_stop(struct rsc *r)
{
    char msg[ACTIONS_REASON_MAX];
    struct decide_input in;
    int error, lock;

    /* The guard must not report this stop as a failure, nor restart a
     * server it stops: a restart in progress ends first. */
    lock = actions_lock(r);
    guard_dismiss(r);
    guard_unlock(lock);
    /* An active copy is the newest there is until it stops.  The cluster
     * writes run while the servers stop. */
    cluster_batch_begin(&r->cl);
    observe_servers(r, DECIDE_EXPECT_ANY, &in);
    if (in.nb.answered && in.sb.answered && in.nb.role == REPL_ROLE_ACTIVE
        && in.sb.role == REPL_ROLE_ACTIVE) {
        fresh_touch_active(r->p.db_dir);
        election_publish(r, true);
    }
    error = roles_stop(r, &in, msg, sizeof msg);
    if (error) {
        cluster_batch_end(&r->cl, r->deadline);
        ocf_exit_reason("%s", msg);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    cluster_set_score(&r->cl, DECIDE_SCORE_NONE, true, r->deadline);
    status_clear(r);
    observe_forget_sessions(r);
    cluster_batch_end(&r->cl, r->deadline);
    return PCMK_OCF_OK;
}

static enum ocf_exitcode
actions_monitor(struct rsc *r)
{
    const char *role = ocf_meta("role");
    bool probe = ocf_is_probe();
    enum decide_expect expect = DECIDE_EXPECT_ANY;
    struct decide_input in;
    struct decide_verdict v;
    int lock;

    if (!probe && role) {
        expect = !strcmp(role, "Promoted") || !strcmp(role, "Master")
                 ? DECIDE_EXPECT_PROMOTED : DECIDE_EXPECT_UNPROMOTED;
    }
    /* A server the guard is restarting is seen once it is back. */
    lock = actions_lock(r);
    observe_servers(r, expect, &in);
    guard_unlock(lock);
    observe_sync(r, &in);
    decide_monitor(&in, &v);
    if (v.state == DECIDE_ACTIVE) {
        fresh_touch_active(r->p.db_dir);
    } else if (v.in_sync && fresh_touch(r->p.db_dir)
               && v.score > DECIDE_SCORE_STALE) {
        /* A copy whose freshness cannot be recorded must not look current
         * to Pacemaker: the election would see the older record. */
        v.score = DECIDE_SCORE_STALE;
    }
    if (v.repair == DECIDE_REPAIR_REBACKUP) {
        roles_rebackup(r, &in);
    } else if (v.repair == DECIDE_REPAIR_REPOINT) {
        roles_repoint(r);
    } else if (v.repair == DECIDE_REPAIR_RESYNC) {
        roles_resync(r, &in);
    }
    if (v.state != DECIDE_STOPPED || probe) {
        /* A probe always writes: the cluster may have restarted and lost
         * its transient attributes since the last write. */
        cluster_set_score(&r->cl, v.score, probe, r->deadline);
    }
    if (v.state != DECIDE_STOPPED) {
        actions_status(r, &in, &v, probe);
    }
    source_forget(r);
    if (v.reason[0]) {
        log_err("monitor: %s", v.reason);
        ocf_exit_reason("%s", v.reason);
    }
    return actions_code(v.state);
}

static enum ocf_exitcode
actions_promote(struct rsc *r)
{
    char msg[ACTIONS_REASON_MAX];
    struct decide_input in;

    observe_servers(r, DECIDE_EXPECT_ANY, &in);
    if (!in.nb.running || !in.sb.running) {
        ocf_exit_reason("cannot promote: %s ovsdb-server is not running",
                        in.nb.running ? "SB" : "NB");
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    if (!in.nb.answered || !in.sb.answered) {
        ocf_exit_reason("cannot promote: %s ovsdb-server does not answer",
                        in.nb.answered ? "SB" : "NB");
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    if (in.nb.role != REPL_ROLE_ACTIVE || in.sb.role != REPL_ROLE_ACTIVE) {
        char handed[NODELIST_NAME_MAX] = "";

        /* A node whose handover marker reached this copy has nothing newer
         * than it: it does not count in the election. */
        if (switchover_await(r, handed, sizeof handed, msg, sizeof msg)
            || election_run(r, handed, msg, sizeof msg)) {
            ocf_exit_reason("%s", msg);
            return PCMK_OCF_UNKNOWN_ERROR;
        }
    }
    if (roles_make_active(r, &in, msg, sizeof msg)) {
        ocf_exit_reason("%s", msg);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    election_record_promotion(r);
    if (r->p.manage_northd
        && northd_start(&r->p, r->deadline, msg, sizeof msg)) {
        ocf_exit_reason("%s", msg);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    fresh_touch_active(r->p.db_dir);
    guard_spawn(r);
    if (r->p.listen_on_master_ip_only && !addr_is_local(r->p.master_ip)) {
        vipwatch_spawn();
    }
    /* Five cluster writes, at once. */
    cluster_batch_begin(&r->cl);
    election_publish(r, false);
    cluster_set_attr(&r->cl, r->cl.node, "addr", false, rsc_self_addr(r),
                     r->deadline);
    cluster_record_active(&r->cl, r->deadline);
    cluster_set_score(&r->cl, DECIDE_SCORE_ACTIVE, true, r->deadline);
    {
        struct status_input s = { .state = DECIDE_ACTIVE };

        guard_last_restart(r, clock_wall_ms(), &s.restarted,
                           &s.restarted_ms);
        status_publish(r, &s, true);
    }
    cluster_batch_end(&r->cl, r->deadline);
    log_info("promoted: NB and SB are active on %s", r->cl.node);
    return PCMK_OCF_OK;
}

static enum ocf_exitcode
actions_demote(struct rsc *r)
{
    struct decide_input in;
    enum ocf_exitcode rc;
    int lock;

    /* Demoting what is not running at all would hide a crashed promoted
     * instance: report it, as OVN's agent does, and let Pacemaker recover
     * it.  A half-running instance is brought back to two backups.  A
     * restart by the guard in progress ends first. */
    lock = actions_lock(r);
    guard_dismiss(r);
    guard_unlock(lock);
    observe_servers(r, DECIDE_EXPECT_ANY, &in);
    if (!in.nb.running && !in.sb.running) {
        ocf_exit_reason("cannot demote: neither ovsdb-server is running");
        return PCMK_OCF_NOT_RUNNING;
    }
    if ((in.nb.running && !in.nb.answered)
        || (in.sb.running && !in.sb.answered)) {
        /* Hung: nothing to hand over; fail now, and stop follows. */
        const struct server *s = &r->srv[in.nb.running && !in.nb.answered
                                         ? 0 : 1];

        ocf_exit_reason("cannot demote: %s ovsdb-server runs but does not "
                        "answer on %s; stop the resource", s->tag, s->ctl);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    if (r->p.manage_northd && northd_stop(&r->p, r->deadline)) {
        ocf_exit_reason("ovn-northd does not stop");
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    /* The cluster writes run while the servers become backups. */
    cluster_batch_begin(&r->cl);
    if (in.nb.answered && in.sb.answered && in.nb.role == REPL_ROLE_ACTIVE
        && in.sb.role == REPL_ROLE_ACTIVE) {
        /* Clients no longer reach this node (the VIP went first) and
         * ovn-northd is stopped: mark the end of this node's writes.  The
         * final record has the marker's time: a copy holding the marker is
         * as fresh as this one (see decide_freshness()), not older, even
         * after a restart of the whole cluster, when the transient
         * handover attribute is gone. */
        fresh_record(r->p.db_dir, switchover_write_marker(r), true);
        election_publish(r, true);
    }
    /* Keep serving the backups that replicate from this node until the
     * new active is promoted, so that the marker reaches them.  The new
     * active is not known yet: wait for it at master_ip. */
    source_set(r, NULL);
    rc = actions_backups(r, &in, true, false);
    if (rc == PCMK_OCF_OK) {
        cluster_set_score(&r->cl, DECIDE_SCORE_BACKUP, true, r->deadline);
        log_info("demoted: NB and SB are backups of %s", r->src.target[0]);
    }
    cluster_batch_end(&r->cl, r->deadline);
    return rc;
}

static enum ocf_exitcode
actions_notify(struct rsc *r)
{
    const char *type = ocf_meta("notify_type");
    const char *op = ocf_meta("notify_operation");
    const char *promoting = ocf_meta("notify_promote_uname");
    char node[NODELIST_NAME_MAX];
    struct decide_input in;
    const char *p;

    if (type && op && !strcmp(type, "pre") && !strcmp(op, "promote")) {
        /* The election: publish how fresh this node's copy is; a
         * candidate with an older copy than a node that is up steps
         * aside. */
        observe_servers(r, DECIDE_EXPECT_ANY, &in);
        if (in.nb.answered && in.sb.answered) {
            election_pre_promote(r, nodelist_has(promoting, r->cl.node)
                                    && (in.nb.role != REPL_ROLE_ACTIVE
                                        || in.sb.role != REPL_ROLE_ACTIVE));
        }
        return PCMK_OCF_OK;
    }
    if (!type || !op || strcmp(type, "post") || strcmp(op, "promote")) {
        return PCMK_OCF_OK;
    }
    if (nodelist_has(promoting, r->cl.node)) {
        cluster_record_active(&r->cl, r->deadline);
        return PCMK_OCF_OK;
    }

    /* Another node became active: replicate from its own address, at
     * once rather than after a reconnection back-off. */
    if (r->p.manage_northd) {
        northd_stop(&r->p, r->deadline);
    }
    source_set(r, NULL);
    p = promoting;
    if (nodelist_next(&p, node, sizeof node)) {
        source_follow(r, node);
    }
    observe_servers(r, DECIDE_EXPECT_ANY, &in);
    roles_follow_source(r, &in);
    actions_status_followed(r);
    return PCMK_OCF_OK;
}

/* After a backup re-pointed its servers at the new active (post-promote
 * notification): publishes whom it follows now, replicating or connecting,
 * rather than leaving the old active's name in its status until the next
 * monitor (up to its interval, 30 s by default).  Leaves anything else to
 * that monitor. */
static void
actions_status_followed(struct rsc *r)
{
    struct decide_verdict v = { .state = DECIDE_BACKUP };
    struct decide_input in;
    int i;

    observe_servers(r, DECIDE_EXPECT_ANY, &in);
    v.in_sync = true;
    for (i = 0; i < 2; i++) {
        struct decide_db *db = i == 0 ? &in.nb : &in.sb;

        if (!db->answered || db->role != REPL_ROLE_BACKUP || !db->target_ok
            || (db->link != REPL_LINK_REPLICATING
                && db->link != REPL_LINK_CONNECTING)) {
            return;
        }
        v.in_sync = v.in_sync && db->link == REPL_LINK_REPLICATING;
        /* The copy holds what it held a moment ago: connecting, not
         * empty, unless the monitor finds otherwise. */
        db->has_data = true;
    }
    actions_status(r, &in, &v, false);
}

/* reload-agent (OCF 1.1): Pacemaker runs it instead of a restart when
 * only reloadable parameters changed; the servers keep running and the
 * active stays where it is. */
static enum ocf_exitcode
actions_reload(struct rsc *r)
{
    char msg[ACTIONS_REASON_MAX];
    struct decide_input in;

    observe_servers(r, DECIDE_EXPECT_ANY, &in);
    if (roles_reload(r, &in, msg, sizeof msg)) {
        ocf_exit_reason("%s", msg);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    return PCMK_OCF_OK;
}

/* Brings both databases up as read-only backups of their source, starting
 * whichever is not running and demoting whichever is active (see
 * roles_make_backups() for 'keep_remote' and 'watch'). */
static enum ocf_exitcode
actions_backups(struct rsc *r, const struct decide_input *in,
                bool keep_remote, bool watch)
{
    char msg[ACTIONS_REASON_MAX];
    int error;

    error = roles_start_servers(r, in, msg, sizeof msg);
    if (error) {
        ocf_exit_reason("%s", msg);
        return error == ENOENT ? PCMK_OCF_NOT_INSTALLED
               : PCMK_OCF_UNKNOWN_ERROR;
    }
    if (roles_make_backups(r, keep_remote, watch, msg, sizeof msg)) {
        ocf_exit_reason("%s", msg);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    return PCMK_OCF_OK;
}

static enum ocf_exitcode
actions_code(enum decide_state state)
{
    switch (state) {
    case DECIDE_STOPPED:
        return PCMK_OCF_NOT_RUNNING;
    case DECIDE_BACKUP:
        return PCMK_OCF_OK;
    case DECIDE_ACTIVE:
        return PCMK_OCF_RUNNING_PROMOTED;
    case DECIDE_FAILED_PROMOTED:
        return PCMK_OCF_FAILED_PROMOTED;
    case DECIDE_FAILED:
    default:
        return PCMK_OCF_UNKNOWN_ERROR;
    }
}

/* Publishes what the observation 'in' and verdict 'v' say of this copy
 * (see status.h). */
static void
actions_status(struct rsc *r, const struct decide_input *in,
               const struct decide_verdict *v, bool force)
{
    struct status_input s = {
        .state = v->state,
        .in_sync = v->in_sync,
        .connecting = in->nb.link == REPL_LINK_CONNECTING
                      || in->sb.link == REPL_LINK_CONNECTING,
        .has_data = in->nb.has_data || in->sb.has_data,
        .stalled = in->nb.stalled || in->sb.stalled,
        .source = r->src.node[0] ? r->src.node : "master_ip",
        .reason = v->reason,
        .fresh_ms = fresh_read(r->p.db_dir),
    };

    if (v->state == DECIDE_ACTIVE) {
        guard_last_restart(r, clock_wall_ms(), &s.restarted,
                           &s.restarted_ms);
    }
    status_publish(r, &s, force);
}

/* Takes the guard's lock (see guard.h), waiting GUARD_LOCK_WAIT_MS at
 * most and never more than a quarter of the action's time left.  Returns
 * its descriptor, or -1 if it could not be taken (the action goes on). */
static int
actions_lock(struct rsc *r)
{
    long long until = deadline_after(GUARD_LOCK_WAIT_MS);
    long long quarter = deadline_after(deadline_left(r->deadline) / 4);
    int fd, error;

    error = guard_lock(r, until < quarter ? until : quarter, &fd);
    if (error && error != ENOENT) {
        log_warn("the guard's lock: %s", strerror(error));
    }
    return fd;
}
