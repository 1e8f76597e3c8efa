/* SPDX-License-Identifier: Apache-2.0 */
#include "actions.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "clock.h"
#include "cluster.h"
#include "deadline.h"
#include "decide.h"
#include "fresh.h"
#include "handover.h"
#include "jsonrpc.h"
#include "listener.h"
#include "log.h"
#include "northd.h"
#include "unixctl.h"
#include "params.h"
#include "repl.h"
#include "server.h"

/* Time kept back from Pacemaker's timeout, so that the helper answers
 * before Pacemaker gives up on it. */
#define ACTIONS_MARGIN_MS 1500

/* Time kept for writing the promotion score after observing the servers. */
#define ACTIONS_RESERVE_MS 1000

/* How long a check of the replication source may take. */
#define ACTIONS_SOURCE_CHECK_MS 500

/* How long a new active waits for the demoted node's marker attribute. */
#define ACTIONS_MARKER_ATTR_WAIT_MS 3000

/* How long start and demote watch replication take, at most. */
#define ACTIONS_REPLICATION_WAIT_MS 3000

/* How long a new active waits, at most, for the old active's handover
 * marker (bounded by the promote timeout too). */
#define ACTIONS_HANDOVER_WAIT_MS 20000

/* How long the watcher that a promotion leaves waits for master_ip to come
 * up (IPaddr2 starts it once the promotion and its notifications are
 * done). */
#define ACTIONS_VIP_WAIT_MS 10000

struct actions_ctx {
    struct params p;
    struct server srv[2];       /* NB, SB. */
    struct cluster cl;
    long long deadline;
    char target[2][300];        /* Replication source of each database:
                                 * the active node's own address, or
                                 * master_ip while none is known. */
    char source_file[4096];     /* Remembers the active's address. */
    char self_addr[64];         /* This node's address ("" until needed). */
    int source_error[2];        /* Set once the source failed to answer:
                                 * not asked again in this action. */
    struct jsonrpc_conn *source_conn[2];    /* Source asked ahead. */
    int source_start_error[2];
    bool source_asked[2];
};

static enum ocf_exitcode actions_validate(struct actions_ctx *, bool full);
static enum ocf_exitcode actions_start(struct actions_ctx *);
static enum ocf_exitcode actions_stop(struct actions_ctx *);
static enum ocf_exitcode actions_monitor(struct actions_ctx *);
static enum ocf_exitcode actions_promote(struct actions_ctx *);
static enum ocf_exitcode actions_demote(struct actions_ctx *);
static enum ocf_exitcode actions_notify(struct actions_ctx *);
static enum ocf_exitcode actions_make_backups(struct actions_ctx *,
                                             bool keep_remote, bool watch);
static int actions_backup_db(struct actions_ctx *, int i, bool keep_remote,
                             char *msg, size_t size);
static void actions_observe(struct actions_ctx *, enum decide_expect,
                            struct decide_input *);
static void actions_observe_sync(struct actions_ctx *,
                                 struct decide_input *);
static long long actions_freshness(struct actions_ctx *, bool *active);
static long long actions_db_time(struct actions_ctx *, const char *key);
static void actions_record_promotion(struct actions_ctx *);
static int actions_election(struct actions_ctx *, const char *handed);
static int actions_await_handover(struct actions_ctx *, char *handed,
                                  size_t size);
static long long actions_write_handover(struct actions_ctx *);
static void actions_publish_freshness(struct actions_ctx *, bool final);
static bool actions_holds_marker(struct actions_ctx *, const char *node);
static void actions_spawn_vip_watcher(void);
static enum ocf_exitcode actions_watch_vip(struct actions_ctx *);
static int actions_source_id(struct actions_ctx *, int i, char *id);
static void actions_source_ask(struct actions_ctx *, int i);
static void actions_source_forget(struct actions_ctx *);
static void actions_set_source(struct actions_ctx *, const char *addr);
static void actions_follow(struct actions_ctx *, const char *node);
static const char *actions_self_addr(struct actions_ctx *);
static int actions_node_listener(struct actions_ctx *, int i, bool present);
static int actions_wait_replication(struct actions_ctx *, int i, char *msg,
                                    size_t size);
static const char *actions_lookup(const char *name, void *aux);
static bool actions_have_binary(const char *name);
static enum ocf_exitcode actions_code(enum decide_state);

enum ocf_exitcode
actions_run(enum ocf_action action)
{
    struct actions_ctx ctx;
    long long timeout = ocf_timeout_ms();
    enum ocf_exitcode rc;
    char reason[256];
    int i;

    memset(&ctx, 0, sizeof ctx);
    ctx.deadline = deadline_after(timeout > 2 * ACTIONS_MARGIN_MS
                                  ? timeout - ACTIONS_MARGIN_MS
                                  : timeout / 2);
    if (params_parse(actions_lookup, NULL, &ctx.p, reason, sizeof reason)) {
        ocf_exit_reason("%s", reason);
        return PCMK_OCF_NOT_CONFIGURED;
    }
    cluster_init(&ctx.cl, ocf_meta("on_node"), ocf_meta("physical_host"),
                 ocf_meta("container_attribute_target"),
                 getenv("OCF_RESOURCE_INSTANCE"), ctx.p.run_dir);
    snprintf(ctx.source_file, sizeof ctx.source_file,
             "%s/ovndb-servers.%s.source", ctx.p.run_dir, ctx.cl.instance);
    for (i = 0; i < 2; i++) {
        server_init(&ctx.srv[i], i == 0 ? SERVER_NB : SERVER_SB, &ctx.p);
    }
    {
        /* The source the agent chose last; master_ip if none. */
        char addr[64] = "";
        FILE *f = fopen(ctx.source_file, "re");

        if (f) {
            if (!fgets(addr, sizeof addr, f)) {
                addr[0] = '\0';
            }
            fclose(f);
            addr[strcspn(addr, "\n")] = '\0';
        }
        for (i = 0; i < 2; i++) {
            server_source_target(&ctx.srv[i], addr[0] ? addr
                                 : ctx.p.master_ip, ctx.target[i],
                                 sizeof ctx.target[i]);
        }
    }
    if (action != OCF_ACTION_MONITOR && action != OCF_ACTION_VALIDATE) {
        const char *notify = ocf_meta("notify");

        if (notify && !ocf_is_true(notify)) {
            ocf_exit_reason("the clone needs notify=true (set it with "
                            "'pcs resource meta <clone> notify=true')");
            return PCMK_OCF_NOT_CONFIGURED;
        }
    }

    switch (action) {
    case OCF_ACTION_VALIDATE:
        return actions_validate(&ctx, true);
    case OCF_ACTION_START:
        rc = actions_validate(&ctx, true);
        return rc == PCMK_OCF_OK ? actions_start(&ctx) : rc;
    case OCF_ACTION_STOP:
        return actions_stop(&ctx);
    case OCF_ACTION_MONITOR:
        return actions_monitor(&ctx);
    case OCF_ACTION_PROMOTE:
        rc = actions_validate(&ctx, true);
        return rc == PCMK_OCF_OK ? actions_promote(&ctx) : rc;
    case OCF_ACTION_DEMOTE:
        return actions_demote(&ctx);
    case OCF_ACTION_NOTIFY:
        return actions_notify(&ctx);
    case OCF_ACTION_WATCH_VIP:
        return actions_watch_vip(&ctx);
    case OCF_ACTION_META_DATA:
    case OCF_ACTION_USAGE:
    case OCF_ACTION_UNKNOWN:
    default:
        return PCMK_OCF_UNIMPLEMENT_FEATURE;
    }
}

/* validate-all: the parameters were parsed already; 'full' adds the checks
 * of this node's installation. */
static enum ocf_exitcode
actions_validate(struct actions_ctx *ctx, bool full)
{
    static const char *binaries[] = { "ovsdb-server", "ovsdb-tool",
                                      "crm_attribute" };
    size_t i;

    if (!full) {
        return PCMK_OCF_OK;
    }
    for (i = 0; i < sizeof binaries / sizeof binaries[0]; i++) {
        if (!actions_have_binary(binaries[i])) {
            ocf_exit_reason("%s not found in PATH: install %s", binaries[i],
                            i < 2 ? "openvswitch-switch"
                            : "pacemaker-cli-utils");
            return PCMK_OCF_NOT_INSTALLED;
        }
    }
    if (ctx->p.manage_northd && !actions_have_binary("ovn-northd")) {
        ocf_exit_reason("manage_northd=yes but ovn-northd is not in PATH: "
                        "install ovn-central");
        return PCMK_OCF_NOT_INSTALLED;
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];
        const char *files[3] = { s->cfg->privkey, s->cfg->cert,
                                 s->cfg->cacert };
        size_t j;

        if (access(s->schema, R_OK)) {
            ocf_exit_reason("schema %s is missing: install ovn-central",
                            s->schema);
            return PCMK_OCF_NOT_INSTALLED;
        }
        for (j = 0; s->cfg->ssl && j < 3; j++) {
            if (access(files[j], R_OK)) {
                ocf_exit_reason("%s protocol is ssl but %s is not readable",
                                s->tag, files[j]);
                return PCMK_OCF_INVALID_PARAM;
            }
        }
    }
    return PCMK_OCF_OK;
}

static enum ocf_exitcode
actions_start(struct actions_ctx *ctx)
{
    const char *promoted = ocf_meta("notify_promoted_uname");
    const char *demoting = ocf_meta("notify_demote_uname");
    enum ocf_exitcode rc;
    bool active = false;
    char node[256];
    const char *p;

    /* Replicate from the promoted node, if there is one that stays. */
    if (!promoted) {
        promoted = ocf_meta("notify_master_uname");
    }
    /* Without notify lists (a manual start), an active may answer at
     * master_ip: watch replication as if one did.  (An empty list is
     * NULL for ocf_meta(): look at the variables themselves.) */
    active = !ocf_reskey("CRM_meta_notify_promoted_uname")
             && !ocf_reskey("CRM_meta_notify_master_uname");
    actions_set_source(ctx, NULL);
    for (p = promoted; nodelist_next(&p, node, sizeof node); ) {
        if (strcmp(node, ctx->cl.node)
            && !nodelist_has(demoting, node)) {
            actions_follow(ctx, node);
            active = true;
            break;
        }
    }
    cluster_set_attr(&ctx->cl, ctx->cl.node, "addr", false,
                     actions_self_addr(ctx), ctx->deadline);
    /* With no active to replicate from (none promoted, or only one being
     * demoted, as in the recovery of a failed active), there is no
     * replication to watch: do not wait on master_ip. */
    rc = actions_make_backups(ctx, false, active);

    if (rc == PCMK_OCF_OK) {
        /* Not in sync yet: the monitor raises the score once it is.  (Not
         * "expect unpromoted": that asks the source ahead, for nothing,
         * since a backup that just started is not replicating yet.) */
        struct decide_input in;
        struct decide_verdict v;

        actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
        actions_observe_sync(ctx, &in);
        decide_monitor(&in, &v);
        cluster_set_score(&ctx->cl, v.state == DECIDE_BACKUP ? v.score
                          : DECIDE_SCORE_EMPTY, true, ctx->deadline);
    }
    return rc;
}

static enum ocf_exitcode
actions_stop(struct actions_ctx *ctx)
{
    long long half = clock_mono_ms()
                     + deadline_left(ctx->deadline) / 2;
    struct decide_input in;
    int error = 0;

    /* An active copy is the newest there is until it stops.  The cluster
     * writes run while the servers stop. */
    cluster_batch_begin(&ctx->cl);
    actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
    if (in.nb.answered && in.sb.answered && in.nb.role == REPL_ROLE_ACTIVE
        && in.sb.role == REPL_ROLE_ACTIVE) {
        fresh_touch_active(ctx->p.db_dir);
        actions_publish_freshness(ctx, true);
    }

    if (ctx->p.manage_northd && northd_stop(&ctx->p, half)) {
        error = ETIMEDOUT;
    }
    /* Ask both servers to exit before waiting for either. */
    if (server_stop(&ctx->srv[0], half)) {
        error = ETIMEDOUT;
    }
    if (server_stop(&ctx->srv[1], ctx->deadline)) {
        error = ETIMEDOUT;
    }
    if (error) {
        cluster_batch_end(&ctx->cl, ctx->deadline);
        ocf_exit_reason("ovsdb-server still runs after SIGKILL; see the "
                        "logs in %s", ctx->p.log_dir);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    cluster_set_score(&ctx->cl, DECIDE_SCORE_NONE, true, ctx->deadline);
    cluster_batch_end(&ctx->cl, ctx->deadline);
    return PCMK_OCF_OK;
}

static enum ocf_exitcode
actions_monitor(struct actions_ctx *ctx)
{
    const char *role = ocf_meta("role");
    bool probe = ocf_is_probe();
    enum decide_expect expect = DECIDE_EXPECT_ANY;
    struct decide_input in;
    struct decide_verdict v;

    if (!probe && role) {
        expect = !strcmp(role, "Promoted") || !strcmp(role, "Master")
                 ? DECIDE_EXPECT_PROMOTED : DECIDE_EXPECT_UNPROMOTED;
    }
    actions_observe(ctx, expect, &in);
    actions_observe_sync(ctx, &in);
    decide_monitor(&in, &v);
    if (v.state == DECIDE_ACTIVE) {
        fresh_touch_active(ctx->p.db_dir);
    } else if (v.in_sync) {
        fresh_touch(ctx->p.db_dir);
    }
    if (v.repair == DECIDE_REPAIR_REBACKUP) {
        int i;

        for (i = 0; i < 2; i++) {
            const struct decide_db *db = i == 0 ? &in.nb : &in.sb;
            char msg[256];

            if (db->role == REPL_ROLE_ACTIVE
                && actions_backup_db(ctx, i, false, msg, sizeof msg)) {
                log_err("%s", msg);
            }
        }
    }
    if (v.state != DECIDE_STOPPED || probe) {
        /* A probe always writes: the cluster may have restarted and lost
         * its transient attributes since the last write. */
        cluster_set_score(&ctx->cl, v.score, probe, ctx->deadline);
    }
    actions_source_forget(ctx);
    if (v.reason[0]) {
        log_err("monitor: %s", v.reason);
        ocf_exit_reason("%s", v.reason);
    }
    return actions_code(v.state);
}

static enum ocf_exitcode
actions_promote(struct actions_ctx *ctx)
{
    struct decide_input in;
    char msg[256], listen[300], remote[300];
    int i, error;

    actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
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
        char handed[256] = "";

        /* A node whose handover marker reached this copy has nothing newer
         * than it: it does not count in the election. */
        if (actions_await_handover(ctx, handed, sizeof handed)
            || actions_election(ctx, handed)) {
            return PCMK_OCF_UNKNOWN_ERROR;
        }
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];
        const struct decide_db *db = i == 0 ? &in.nb : &in.sb;
        bool writable = false;

        if (!db->answered) {
            ocf_exit_reason("cannot promote: %s ovsdb-server does not "
                            "answer on %s", s->tag, s->ctl);
            return PCMK_OCF_UNKNOWN_ERROR;
        }
        if (db->role != REPL_ROLE_ACTIVE) {
            log_info("%s: becoming active", s->tag);
            error = repl_make_active(s->ctl, ctx->deadline);
            if (error) {
                ocf_exit_reason("cannot make %s active: %s", s->tag,
                                strerror(error));
                return PCMK_OCF_UNKNOWN_ERROR;
            }
        }
        /* Return only once the database really accepts writes. */
        while (!(error = repl_probe_writable(s->sock, s->db_name,
                                             ctx->deadline, &writable))
               && !writable && !deadline_expired(ctx->deadline)) {
            deadline_sleep(10, ctx->deadline);
        }
        if (error || !writable) {
            ocf_exit_reason("%s did not become writable after promotion%s%s",
                            s->tag, error ? ": " : "",
                            error ? strerror(error) : "");
            return PCMK_OCF_UNKNOWN_ERROR;
        }

        server_listen_target(s, &ctx->p, listen, sizeof listen);
        error = listener_ensure(s->sock, s->db_name, s->global_table,
                                listen, ctx->p.inactive_probe_interval,
                                ctx->deadline);
        if (!error) {
            server_db_remote(s, remote, sizeof remote);
            error = repl_set_remote(s->ctl, remote, true, ctx->deadline);
        }
        if (!error) {
            error = actions_node_listener(ctx, i, true);
        }
        if (error) {
            ocf_exit_reason("%s is active but cannot listen on %s: %s",
                            s->tag, listen, strerror(error));
            return PCMK_OCF_UNKNOWN_ERROR;
        }
    }
    actions_record_promotion(ctx);
    if (ctx->p.manage_northd) {
        error = northd_start(&ctx->p, ctx->deadline, msg, sizeof msg);
        if (error) {
            ocf_exit_reason("%s", msg);
            return PCMK_OCF_UNKNOWN_ERROR;
        }
    }
    fresh_touch_active(ctx->p.db_dir);
    if (ctx->p.listen_on_master_ip_only && !addr_is_local(ctx->p.master_ip)) {
        actions_spawn_vip_watcher();
    }
    /* Four cluster writes, at once. */
    cluster_batch_begin(&ctx->cl);
    actions_publish_freshness(ctx, false);
    cluster_set_attr(&ctx->cl, ctx->cl.node, "addr", false,
                     actions_self_addr(ctx), ctx->deadline);
    cluster_record_active(&ctx->cl, ctx->deadline);
    cluster_set_score(&ctx->cl, DECIDE_SCORE_ACTIVE, true, ctx->deadline);
    cluster_batch_end(&ctx->cl, ctx->deadline);
    log_info("promoted: NB and SB are active on %s", ctx->cl.node);
    return PCMK_OCF_OK;
}

static enum ocf_exitcode
actions_demote(struct actions_ctx *ctx)
{
    struct decide_input in;
    enum ocf_exitcode rc;

    /* Demoting what is not running at all would hide a crashed promoted
     * instance: report it, as OVN's agent does, and let Pacemaker recover
     * it.  A half-running instance is brought back to two backups. */
    actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
    if (!in.nb.running && !in.sb.running) {
        ocf_exit_reason("cannot demote: neither ovsdb-server is running");
        return PCMK_OCF_NOT_RUNNING;
    }
    if (ctx->p.manage_northd && northd_stop(&ctx->p, ctx->deadline)) {
        ocf_exit_reason("ovn-northd does not stop");
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    /* The cluster writes run while the servers become backups. */
    cluster_batch_begin(&ctx->cl);
    if (in.nb.answered && in.sb.answered && in.nb.role == REPL_ROLE_ACTIVE
        && in.sb.role == REPL_ROLE_ACTIVE) {
        /* Clients no longer reach this node (the VIP went first) and
         * ovn-northd is stopped: mark the end of this node's writes. */
        /* The final record has the marker's time: a copy holding the
         * marker is as fresh as this one (see actions_freshness()), not
         * older, even after a restart of the whole cluster, when the
         * transient handover attribute is gone. */
        fresh_record(ctx->p.db_dir, actions_write_handover(ctx), true);
        actions_publish_freshness(ctx, true);
    }
    /* Keep serving the backups that replicate from this node until the
     * new active is promoted, so that the marker reaches them.  The new
     * active is not known yet: wait for it at master_ip. */
    actions_set_source(ctx, NULL);
    rc = actions_make_backups(ctx, true, false);
    if (rc == PCMK_OCF_OK) {
        cluster_set_score(&ctx->cl, DECIDE_SCORE_BACKUP, true,
                          ctx->deadline);
        log_info("demoted: NB and SB are backups of %s", ctx->target[0]);
    }
    cluster_batch_end(&ctx->cl, ctx->deadline);
    return rc;
}

static enum ocf_exitcode
actions_notify(struct actions_ctx *ctx)
{
    const char *type = ocf_meta("notify_type");
    const char *op = ocf_meta("notify_operation");
    struct decide_input in;
    int i;

    if (type && op && !strcmp(type, "pre") && !strcmp(op, "promote")) {
        /* The election: publish how fresh this node's copy is. */
        actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
        if (in.nb.answered && in.sb.answered) {
            actions_publish_freshness(ctx, true);
        }
        return PCMK_OCF_OK;
    }
    if (!type || !op || strcmp(type, "post") || strcmp(op, "promote")) {
        return PCMK_OCF_OK;
    }
    if (nodelist_has(ocf_meta("notify_promote_uname"), ctx->cl.node)) {
        cluster_record_active(&ctx->cl, ctx->deadline);
        return PCMK_OCF_OK;
    }

    /* Another node became active: replicate from its own address, at
     * once rather than after a reconnection back-off. */
    if (ctx->p.manage_northd) {
        northd_stop(&ctx->p, ctx->deadline);
    }
    {
        const char *p = ocf_meta("notify_promote_uname");
        char node[256];

        actions_set_source(ctx, NULL);
        if (nodelist_next(&p, node, sizeof node)) {
            actions_follow(ctx, node);
        }
    }
    actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
    for (i = 0; i < 2; i++) {
        const struct decide_db *db = i == 0 ? &in.nb : &in.sb;
        char remote[300];

        if (db->answered && db->role == REPL_ROLE_BACKUP) {
            int error;

            server_db_remote(&ctx->srv[i], remote, sizeof remote);
            error = repl_set_remote(ctx->srv[i].ctl, remote, false,
                                    ctx->deadline);
            if (!error) {
                error = actions_node_listener(ctx, i, false);
            }
            if (!error) {
                error = repl_make_backup(ctx->srv[i].ctl, ctx->target[i],
                                   ctx->p.inactive_probe_interval_to_master,
                                   ctx->deadline);
            }
            if (error) {
                log_warn("%s: cannot reconnect to the new active: %s",
                         ctx->srv[i].tag, strerror(error));
            }
        }
    }
    return PCMK_OCF_OK;
}

/* Brings both databases up as read-only backups of their source, starting
 * whichever is not running and demoting whichever is active.  Used by start
 * and demote; 'keep_remote' keeps the listeners of a demoted active for the
 * backups that still replicate from it; 'watch' checks that replication
 * takes (see actions_wait_replication()). */
static enum ocf_exitcode
actions_make_backups(struct actions_ctx *ctx, bool keep_remote, bool watch)
{
    struct decide_input in;
    char msg[256];
    int i, error;

    actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
    if (in.northd_running) {
        northd_stop(&ctx->p, ctx->deadline);
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];
        struct decide_db *db = i == 0 ? &in.nb : &in.sb;

        if (db->running && !db->answered) {
            ocf_exit_reason("%s ovsdb-server runs but does not answer on "
                            "%s; stop the resource", s->tag, s->ctl);
            return PCMK_OCF_UNKNOWN_ERROR;
        }
        if (!db->running) {
            error = server_prepare_db(s, &ctx->p, ctx->deadline, msg,
                                      sizeof msg);
            if (!error) {
                error = server_start(s, ctx->target[i], ctx->deadline, msg,
                                     sizeof msg);
            }
            if (error) {
                ocf_exit_reason("%s", msg);
                return error == ENOENT ? PCMK_OCF_NOT_INSTALLED
                       : PCMK_OCF_UNKNOWN_ERROR;
            }
        }
    }
    for (i = 0; i < 2; i++) {
        if (actions_backup_db(ctx, i, keep_remote, msg, sizeof msg)
            || (watch && actions_wait_replication(ctx, i, msg,
                                                  sizeof msg))) {
            ocf_exit_reason("%s", msg);
            return PCMK_OCF_UNKNOWN_ERROR;
        }
    }
    return PCMK_OCF_OK;
}

/* If an active answers at master_ip, waits (a few seconds at most) to see
 * replication of database 'i' take.  ovsdb-server turns a backup active and
 * writable when replication fails (a schema it cannot use, for one): that
 * must fail the action rather than leave a second writable copy.  A copy
 * still receiving a large initial dump when the wait ends is fine. */
static int
actions_wait_replication(struct actions_ctx *ctx, int i, char *msg,
                         size_t size)
{
    const struct server *s = &ctx->srv[i];
    long long until = deadline_after(ACTIONS_REPLICATION_WAIT_MS);
    struct repl_status st;
    char id[40];

    if (actions_source_id(ctx, i, id)) {
        return 0;               /* No active to replicate from yet. */
    }
    if (until > ctx->deadline) {
        until = ctx->deadline;
    }
    for (;;) {
        if (!repl_get_status(s->ctl, s->db_name, ctx->deadline, &st)) {
            if (st.role == REPL_ROLE_ACTIVE) {
                snprintf(msg, size, "%s: replication from %s failed and "
                         "ovsdb-server turned active (schema mismatch? see "
                         "%s)", s->tag, ctx->target[i], s->logfile);
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

/* Makes database 'i' a read-only backup of master_ip and checks that it is
 * one, never pointing it at itself.  Re-pointing a backup that replicates
 * from master_ip already is skipped: it would cost a full resync. */
static int
actions_backup_db(struct actions_ctx *ctx, int i, bool keep_remote,
                  char *msg, size_t size)
{
    const struct server *s = &ctx->srv[i];
    struct repl_status st;
    bool writable = true;
    char remote[300];
    int error;

    server_db_remote(s, remote, sizeof remote);
    if (!keep_remote) {
        error = repl_set_remote(s->ctl, remote, false, ctx->deadline);
        if (!error) {
            error = actions_node_listener(ctx, i, false);
        }
        if (error) {
            goto fail;
        }
    }
    error = repl_get_status(s->ctl, s->db_name, ctx->deadline, &st);
    if (error) {
        goto fail;
    }
    if (st.role != REPL_ROLE_BACKUP || strcmp(st.target, ctx->target[i])) {
        char self[40], there[40];

        char host[128];
        int port;
        bool ssl;

        /* Never replicate from oneself: ovsdb-server would refuse, turn
         * active and writable, and stay so.  Only a local address can be
         * oneself. */
        if (!repl_parse_target(ctx->target[i], host, sizeof host, &port,
                               &ssl)
            && addr_is_local(host)
            && !repl_local_id(s->sock, ctx->deadline, self)
            && !actions_source_id(ctx, i, there)
            && !strcmp(self, there)) {
            log_warn("%s: %s is this server itself; closing its listener",
                     s->tag, ctx->target[i]);
            error = repl_set_remote(s->ctl, remote, false, ctx->deadline);
            if (!error) {
                error = actions_node_listener(ctx, i, false);
            }
            ctx->source_error[i] = 0;
            if (!error && !actions_source_id(ctx, i, there)
                && !strcmp(self, there)) {
                snprintf(msg, size, "%s: master_ip %s is served by this "
                         "node's own ovsdb-server; refusing to replicate "
                         "from itself", s->tag, ctx->target[i]);
                return ELOOP;
            }
        }
        log_info("%s: making it a backup of %s", s->tag, ctx->target[i]);
        error = repl_make_backup(s->ctl, ctx->target[i],
                                 ctx->p.inactive_probe_interval_to_master,
                                 ctx->deadline);
    }
    if (!error) {
        error = repl_probe_writable(s->sock, s->db_name, ctx->deadline,
                                    &writable);
    }
    if (!error && !writable) {
        error = repl_get_status(s->ctl, s->db_name, ctx->deadline, &st);
    }
    if (!error && !writable && st.role == REPL_ROLE_BACKUP) {
        return 0;
    }

fail:
    snprintf(msg, size, "%s could not be made a read-only backup of %s%s%s",
             s->tag, ctx->target[i], error ? ": " : "",
             error ? strerror(error) : "");
    return error ? error : EPROTO;
}

static void
actions_observe(struct actions_ctx *ctx, enum decide_expect expect,
                struct decide_input *in)
{
    struct jsonrpc_conn *conns[2] = { NULL, NULL };
    int start_errors[2] = { 0, 0 };
    long long left, deadline;
    pid_t pid;
    int i;

    memset(in, 0, sizeof *in);
    in->expect = expect;
    in->northd_managed = ctx->p.manage_northd;
    /* An ovn-northd the agent does not manage is none of its business. */
    in->northd_running = ctx->p.manage_northd
                         && !northd_pid(&ctx->p, &pid);

    /* Both servers are asked at once, so that a hung one costs no more
     * than its own wait and the score can still be written after it. */
    left = deadline_left(ctx->deadline) - ACTIONS_RESERVE_MS;
    deadline = clock_mono_ms() + (left > 0 ? left : 0);
    for (i = 0; i < 2; i++) {
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        db->running = !server_pid(&ctx->srv[i], &pid);
        if (db->running) {
            start_errors[i] = repl_status_start(ctx->srv[i].ctl, deadline,
                                                &conns[i]);
        }
    }
    if (expect == DECIDE_EXPECT_UNPROMOTED && in->nb.running
        && in->sb.running) {
        /* Backups are expected: ask the active at master_ip whether it is
         * alive while the local servers answer. */
        actions_source_ask(ctx, 0);
        actions_source_ask(ctx, 1);
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        struct repl_status st;
        int error;

        if (!db->running) {
            continue;
        }
        error = repl_status_finish(conns[i], start_errors[i], s->db_name,
                                   deadline, &st);
        if (error) {
            log_warn("%s: no answer from %s: %s", s->tag, s->ctl,
                     strerror(error));
            continue;
        }
        db->answered = true;
        db->role = st.role;
        db->link = st.link;
        db->target_ok = !strcmp(st.target, ctx->target[i]);
    }
}

/* Adds what it takes to tell whether two backups are in sync: whether the
 * source answers (only while the backups say they replicate; the text
 * stays "replicating" after the source died), and if not in sync, whether
 * they hold data and whether this node was the last active. */
static void
actions_observe_sync(struct actions_ctx *ctx, struct decide_input *in)
{
    bool synced = true;
    char buf[256];
    int i;

    if (!in->nb.answered || !in->sb.answered
        || in->nb.role != REPL_ROLE_BACKUP
        || in->sb.role != REPL_ROLE_BACKUP) {
        return;
    }
    for (i = 0; i < 2; i++) {
        const struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        if (db->link == REPL_LINK_REPLICATING) {
            actions_source_ask(ctx, i);
        }
    }
    for (i = 0; i < 2; i++) {
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        char id[40];
        int error;

        if (db->link != REPL_LINK_REPLICATING) {
            synced = false;
            continue;
        }
        error = actions_source_id(ctx, i, id);
        db->source_alive = !error || error == ENOTSUP;
        if (!db->source_alive) {
            log_info("%s: the active at %s does not answer: %s",
                     ctx->srv[i].tag, ctx->target[i], strerror(error));
            synced = false;
        }
    }
    if (synced) {
        return;
    }
    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;

        repl_has_data(s->sock, s->db_name, s->global_table, ctx->deadline,
                      &db->has_data);
    }
    in->last_active = !cluster_get_last_active(&ctx->cl, buf, sizeof buf,
                                               ctx->deadline)
                      && !strcmp(buf, ctx->cl.node);
    fresh_read_role(ctx->p.db_dir, &in->final_active);
}

/* Returns the freshness of this node's copy: 0 if it holds no data, 1 if
 * it holds data but was never seen current (it synchronised after its last
 * monitor, say). */
static long long
actions_freshness(struct actions_ctx *ctx, bool *active)
{
    bool nb = false, sb = false;
    long long fresh, promoted, handed;

    *active = false;
    repl_has_data(ctx->srv[0].sock, ctx->srv[0].db_name,
                  ctx->srv[0].global_table, ctx->deadline, &nb);
    repl_has_data(ctx->srv[1].sock, ctx->srv[1].db_name,
                  ctx->srv[1].global_table, ctx->deadline, &sb);
    if (!nb && !sb) {
        return 0;
    }
    fresh = fresh_read_role(ctx->p.db_dir, active);
    promoted = actions_db_time(ctx, HANDOVER_PROMOTED_KEY);
    if (promoted > fresh) {
        /* The copy replicated the last promotion's record since its own
         * record was made: it was current then, at least. */
        fresh = promoted;
        *active = false;
    }
    handed = actions_db_time(ctx, HANDOVER_KEY);
    if (handed && handed >= fresh) {
        /* It holds the handover marker, the last transaction of an active
         * that stepped down, and nothing newer: it is that active's final
         * copy, as final as the active's own record. */
        fresh = handed;
        *active = true;
    }
    return fresh > 0 ? fresh : 1;
}

/* Returns the time (ms since the epoch) that both local databases record
 * under external_ids:'key' of their global row: the last field of the
 * promotion record ("NODE:MS", HANDOVER_PROMOTED_KEY) or the one before
 * the last of the handover marker ("NODE:MS:PID", HANDOVER_KEY).  0 if
 * either lacks it or they differ. */
static long long
actions_db_time(struct actions_ctx *ctx, const char *key)
{
    bool marker = !strcmp(key, HANDOVER_KEY);
    char value[2][300], *colon, *end;
    long long ms;
    int i;

    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];

        if (handover_get(s->sock, s->db_name, s->global_table, key,
                         value[i], sizeof value[i], ctx->deadline)) {
            return 0;
        }
    }
    if (strcmp(value[0], value[1])) {
        return 0;
    }
    if (marker && (colon = strrchr(value[0], ':'))) {
        *colon = '\0';             /* Drop the PID. */
    }
    colon = strrchr(value[0], ':');
    if (!colon) {
        return 0;
    }
    errno = 0;
    ms = strtoll(colon + 1, &end, 10);
    return errno || *end || ms <= 0 ? 0 : ms;
}

/* Records this node's promotion in both databases (see
 * HANDOVER_PROMOTED_KEY): the backups that replicate it know that they
 * were current at that time. */
static void
actions_record_promotion(struct actions_ctx *ctx)
{
    char value[300];
    int i;

    snprintf(value, sizeof value, "%s:%lld", ctx->cl.node, clock_wall_ms());
    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];
        int error = handover_set(s->sock, s->db_name, s->global_table,
                                 HANDOVER_PROMOTED_KEY, value, ctx->deadline);

        if (error) {
            log_warn("%s: cannot record the promotion: %s", s->tag,
                     strerror(error));
        }
    }
}

/* The promotion election (see decide_election()).  Returns 0 if this node
 * may be promoted; otherwise records the exit reason, lowers this node's
 * score, raises the better node's, and returns EAGAIN. */
static int
actions_election(struct actions_ctx *ctx, const char *handed)
{
    const char *lists[] = { ocf_meta("notify_active_uname"),
                            ocf_meta("notify_start_uname"),
                            ocf_meta("notify_promote_uname") };
    const char *stopping = ocf_meta("notify_stop_uname");
    const char *demoting = ocf_meta("notify_demote_uname");
    struct decide_peer peers[32];
    char names[32][256], last[256], value[64], reason[256];
    bool mine_active;
    long long mine = actions_freshness(ctx, &mine_active);
    const char *p;
    int n = 0, j, best;
    size_t k;

    if (cluster_get_last_active(&ctx->cl, last, sizeof last,
                                ctx->deadline)) {
        last[0] = '\0';
    }
    /* Nodes taking part in this transition, then the others (down, or
     * standby), which count with the freshness they last published, when
     * they stopped or were demoted. */
    for (k = 0; k <= sizeof lists / sizeof lists[0]; k++) {
        bool up = k < sizeof lists / sizeof lists[0];

        p = up ? lists[k] : ocf_meta("notify_all_uname");
        while (n < 32 && nodelist_next(&p, names[n], sizeof names[n])) {
            for (j = 0; j < n && strcmp(names[j], names[n]); j++) {
                continue;
            }
            if (j < n || !strcmp(names[n], handed)
                || (up && nodelist_has(stopping, names[n]))
                || (!up && !strcmp(names[n], ctx->cl.node))) {
                continue;
            }
            peers[n].node = names[n];
            peers[n].up = up;
            peers[n].freshness = 0;
            peers[n].active = false;
            if (!cluster_get_attr(&ctx->cl, names[n], "freshness", true,
                                  value, sizeof value, ctx->deadline)) {
                char *end;

                peers[n].freshness = strtoll(value, &end, 10);
                /* A node demoted in this transition handed over (or is
                 * handing over) to the new active: its final record must
                 * not veto the promotion it is part of. */
                peers[n].active = !strcmp(end, ":active")
                                  && !nodelist_has(demoting, names[n])
                                  && !actions_holds_marker(ctx, names[n]);
            }
            n++;
        }
    }

    best = decide_election(ctx->cl.node, mine, peers, n,
                           last[0] ? last : NULL, reason, sizeof reason);
    if (best < 0) {
        return 0;
    }
    log_err("promotion refused: %s", reason);
    ocf_exit_reason("%s", reason);
    cluster_set_score(&ctx->cl, mine ? DECIDE_SCORE_STALE
                      : DECIDE_SCORE_EMPTY, true, ctx->deadline);
    if (best < n) {
        cluster_set_node_score(&ctx->cl, peers[best].node,
                               DECIDE_SCORE_ELECTED, ctx->deadline);
    }
    return EAGAIN;
}

/* Planned switchover: if a node demoted in this transition left a handover
 * marker, waits until this node's copy holds it, and then stores that
 * node's name in 'handed'.  Returns 0, or EAGAIN with the exit reason
 * recorded. */
static int
actions_await_handover(struct actions_ctx *ctx, char *handed, size_t size)
{
    const char *demoted = ocf_meta("notify_demote_uname");
    char node[256], marker[256];
    long long wait, deadline;
    const char *p = demoted;

    while (nodelist_next(&p, node, sizeof node)) {
        long long until = deadline_after(ACTIONS_MARKER_ATTR_WAIT_MS);
        int error;

        if (!strcmp(node, ctx->cl.node)) {
            continue;
        }
        /* The demoted node published its marker just before: give the
         * attribute a moment to propagate. */
        while ((error = cluster_get_attr(&ctx->cl, node, "handover", false,
                                         marker, sizeof marker,
                                         ctx->deadline))
               && !ctx->cl.no_cluster && !deadline_expired(until)) {
            deadline_sleep(100, until);
        }
        if (error) {
            continue;
        }

        wait = deadline_left(ctx->deadline);
        deadline = deadline_after(wait < ACTIONS_HANDOVER_WAIT_MS
                                  ? wait : ACTIONS_HANDOVER_WAIT_MS);
        for (;;) {
            bool nb = false, sb = false;

            handover_check(ctx->srv[0].sock, ctx->srv[0].db_name,
                           ctx->srv[0].global_table, marker, deadline, &nb);
            handover_check(ctx->srv[1].sock, ctx->srv[1].db_name,
                           ctx->srv[1].global_table, marker, deadline, &sb);
            if (nb && sb) {
                log_info("switchover: %s's last writes are here (%s)", node,
                         marker);
                snprintf(handed, size, "%s", node);
                break;
            }
            if (deadline_expired(deadline)) {
                ocf_exit_reason("switchover: the last writes of %s did not "
                                "reach this node; refusing promotion", node);
                return EAGAIN;
            }
            deadline_sleep(10, deadline);
        }
    }
    return 0;
}

/* Writes the handover marker as the last transaction of a demoted active
 * and publishes it for the node to be promoted.  Returns the time in the
 * marker (ms since the epoch). */
static long long
actions_write_handover(struct actions_ctx *ctx)
{
    long long now = clock_wall_ms();
    char marker[300];
    int i, error = 0;

    snprintf(marker, sizeof marker, "%s:%lld:%ld", ctx->cl.node, now,
             (long) getpid());
    for (i = 0; i < 2 && !error; i++) {
        const struct server *s = &ctx->srv[i];

        error = handover_write(s->sock, s->db_name, s->global_table, marker,
                               ctx->deadline);
        if (error) {
            log_warn("%s: cannot write the handover marker: %s", s->tag,
                     strerror(error));
        }
    }
    cluster_set_attr(&ctx->cl, ctx->cl.node, "handover", false,
                     error ? NULL : marker, ctx->deadline);
    return now;
}

static const char *
actions_lookup(const char *name, void *aux)
{
    (void) aux;
    return ocf_reskey(name);
}

static bool
actions_have_binary(const char *name)
{
    const char *path = getenv("PATH");
    char file[PATH_MAX];

    if (!path) {
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }
    while (*path) {
        size_t len = strcspn(path, ":");

        snprintf(file, sizeof file, "%.*s/%s", (int) len, path, name);
        if (len && !access(file, X_OK)) {
            return true;
        }
        path += len + (path[len] == ':');
    }
    return false;
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

/* Publishes this node's freshness as a permanent node attribute, so that
 * it is known even while the node is down.  With 'final', a record made as
 * the active stopped being one (demote, stop) says so: that copy was final
 * then, and any copy it outdates loses to it, whatever the slack.  Once a
 * node is promoted its record is published plain again: its copy changes
 * from then on. */
static void
actions_publish_freshness(struct actions_ctx *ctx, bool final)
{
    char value[48];
    bool active;
    long long fresh = actions_freshness(ctx, &active);

    snprintf(value, sizeof value, "%lld%s", fresh,
             final && active ? ":active" : "");
    cluster_set_attr(&ctx->cl, ctx->cl.node, "freshness", true, value,
                     ctx->deadline);
}

/* Asks the server at the replication source of database 'i' for its ID
 * (see repl_source_id()), within a short bound, collecting the answer to
 * a question asked ahead by actions_source_ask() if there is one.  A source
 * that did not answer is not asked again during this action. */
static int
actions_source_id(struct actions_ctx *ctx, int i, char *id)
{
    long long check = deadline_after(ACTIONS_SOURCE_CHECK_MS);

    if (check > ctx->deadline) {
        check = ctx->deadline;
    }
    id[0] = '\0';
    if (ctx->source_asked[i]) {
        ctx->source_asked[i] = false;
        ctx->source_error[i] = repl_source_id_finish(
            ctx->source_conn[i], ctx->source_start_error[i], check, id);
        ctx->source_conn[i] = NULL;
        return ctx->source_error[i];
    }
    if (ctx->source_error[i]) {
        return ctx->source_error[i];
    }
    ctx->source_error[i] = repl_source_id(ctx->target[i], check, id);
    return ctx->source_error[i];
}

/* Sends the question of actions_source_id() for database 'i' ahead. */
static void
actions_source_ask(struct actions_ctx *ctx, int i)
{
    long long check = deadline_after(ACTIONS_SOURCE_CHECK_MS);

    if (ctx->source_asked[i] || ctx->source_error[i]) {
        return;
    }
    if (i == 1 && ctx->source_asked[0] && !ctx->source_conn[0]
        && (ctx->source_start_error[0] == ETIMEDOUT
            || ctx->source_start_error[0] == EHOSTUNREACH
            || ctx->source_start_error[0] == ENETUNREACH)) {
        char host0[128], host1[128];
        int port;
        bool ssl;

        /* NB's source could not even be reached: SB's, on the same host,
         * would cost the same wait for the same answer. */
        if (!repl_parse_target(ctx->target[0], host0, sizeof host0, &port,
                               &ssl)
            && !repl_parse_target(ctx->target[1], host1, sizeof host1,
                                  &port, &ssl)
            && !strcmp(host0, host1)) {
            ctx->source_start_error[1] = ctx->source_start_error[0];
            ctx->source_asked[1] = true;
            return;
        }
    }
    ctx->source_start_error[i] = repl_source_id_start(
        ctx->target[i], check < ctx->deadline ? check : ctx->deadline,
        &ctx->source_conn[i]);
    ctx->source_asked[i] = true;
}

/* Closes questions asked ahead and never collected. */
static void
actions_source_forget(struct actions_ctx *ctx)
{
    int i;

    for (i = 0; i < 2; i++) {
        jsonrpc_close(ctx->source_conn[i]);
        ctx->source_conn[i] = NULL;
        ctx->source_asked[i] = false;
    }
}

/* Sets the replication source of both databases to the server at 'addr'
 * (NULL: master_ip) and remembers the choice for later actions. */
static void
actions_set_source(struct actions_ctx *ctx, const char *addr)
{
    int i;

    for (i = 0; i < 2; i++) {
        server_source_target(&ctx->srv[i], addr ? addr : ctx->p.master_ip,
                             ctx->target[i], sizeof ctx->target[i]);
        ctx->source_error[i] = 0;
    }
    if (!addr) {
        unlink(ctx->source_file);
    } else {
        FILE *f = fopen(ctx->source_file, "we");

        if (f) {
            fprintf(f, "%s\n", addr);
            fclose(f);
        }
    }
}

/* Makes the active node 'node' the replication source, through the
 * address it published; keeps master_ip if it published none. */
static void
actions_follow(struct actions_ctx *ctx, const char *node)
{
    char addr[64];
    unsigned char raw[16];

    if (cluster_get_attr(&ctx->cl, node, "addr", false, addr, sizeof addr,
                         ctx->deadline)
        || (inet_pton(AF_INET, addr, raw) != 1
            && inet_pton(AF_INET6, addr, raw) != 1)) {
        log_info("no address known for %s; replicating from master_ip",
                 node);
        return;
    }
    log_info("replicating from %s at its own address %s", node, addr);
    actions_set_source(ctx, addr);
}

/* Returns this node's own address on master_ip's network. */
static const char *
actions_self_addr(struct actions_ctx *ctx)
{
    if (!ctx->self_addr[0]
        && addr_local(ctx->p.master_ip, ctx->self_addr,
                      sizeof ctx->self_addr)) {
        snprintf(ctx->self_addr, sizeof ctx->self_addr, "%s",
                 ctx->p.master_ip);
    }
    return ctx->self_addr;
}

/* Adds or removes the listener of database 'i' on this node's own address,
 * through which an active serves its backups (none is needed when that
 * address is master_ip itself, or in load-balancer mode, which listens on
 * every address). */
static int
actions_node_listener(struct actions_ctx *ctx, int i, bool present)
{
    const char *addr = actions_self_addr(ctx);
    char remote[300];

    if (!ctx->p.listen_on_master_ip_only
        || !strcmp(addr, ctx->p.master_ip)) {
        return 0;
    }
    server_node_listen(&ctx->srv[i], addr, remote, sizeof remote);
    return repl_set_remote(ctx->srv[i].ctl, remote, present, ctx->deadline);
}

/* Returns true if this node's copy holds the handover marker that 'node'
 * wrote when it was last demoted: it then has everything 'node' had. */
static bool
actions_holds_marker(struct actions_ctx *ctx, const char *node)
{
    char marker[256];
    bool nb = false, sb = false;

    if (cluster_get_attr(&ctx->cl, node, "handover", false, marker,
                         sizeof marker, ctx->deadline)) {
        return false;
    }
    handover_check(ctx->srv[0].sock, ctx->srv[0].db_name,
                   ctx->srv[0].global_table, marker, ctx->deadline, &nb);
    handover_check(ctx->srv[1].sock, ctx->srv[1].db_name,
                   ctx->srv[1].global_table, marker, ctx->deadline, &sb);
    return nb && sb;
}

/* master_ip is not on this node at promotion: IPaddr2 adds it only after
 * the promotion and its notifications.  ovsdb-server could not listen on
 * it, and retries only when something wakes it up (up to 2.5 s later if
 * nothing does).  Leaves a watcher (this helper, "watch-vip") that wakes
 * it up as soon as the address is there. */
static void
actions_spawn_vip_watcher(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *argv[] = { exe, "watch-vip", NULL };
    int error;

    if (n <= 0) {
        log_warn("cannot find this program to watch master_ip: %s",
                 strerror(errno));
        return;
    }
    exe[n] = '\0';
    error = child_spawn_detached(argv);
    if (error) {
        log_warn("cannot start the watcher of master_ip: %s",
                 strerror(error));
    }
}

/* The watcher: waits for master_ip, then wakes both ovsdb-servers (any
 * request does; they then bind the listeners they could not) until a
 * client can connect to both on master_ip.  Bounded by
 * ACTIONS_VIP_WAIT_MS; gives up quietly if this node is no longer the
 * active. */
static enum ocf_exitcode
actions_watch_vip(struct actions_ctx *ctx)
{
    long long until = deadline_after(ACTIONS_VIP_WAIT_MS);
    bool logged = false;

    while (!deadline_expired(until)) {
        pid_t pid;

        if (server_pid(&ctx->srv[0], &pid) || server_pid(&ctx->srv[1], &pid)) {
            return PCMK_OCF_OK;     /* Stopped meanwhile. */
        }
        if (addr_is_local(ctx->p.master_ip)) {
            int i, up = 0;

            for (i = 0; i < 2; i++) {
                const struct params_db *db = i == 0 ? &ctx->p.nb
                                                    : &ctx->p.sb;
                struct jsonrpc_conn *conn;
                char *reply = NULL, *err = NULL;

                unixctl_call(ctx->srv[i].ctl, "version", NULL, 0,
                                deadline_after(200), &reply, &err);
                free(reply);
                free(err);
                if (!jsonrpc_open_tcp(ctx->p.master_ip, db->port,
                                      deadline_after(200), &conn)) {
                    jsonrpc_close(conn);
                    up++;
                }
            }
            if (up == 2) {
                log_info("master_ip %s is up: NB and SB listen on it",
                         ctx->p.master_ip);
                return PCMK_OCF_OK;
            }
        } else if (!logged) {
            log_info("waiting for master_ip %s to come up on this node",
                     ctx->p.master_ip);
            logged = true;
        }
        deadline_sleep(20, until);
    }
    log_info("master_ip %s did not come up with NB and SB listening on it "
             "within %d s", ctx->p.master_ip, ACTIONS_VIP_WAIT_MS / 1000);
    return PCMK_OCF_OK;
}
