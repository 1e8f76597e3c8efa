#include "actions.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "deadline.h"
#include "decide.h"
#include "listener.h"
#include "log.h"
#include "params.h"
#include "repl.h"
#include "server.h"

/* Time kept back from Pacemaker's timeout, so that the helper answers
 * before Pacemaker gives up on it. */
#define ACTIONS_MARGIN_MS 1500

/* Time kept for writing the promotion score after observing the servers. */
#define ACTIONS_RESERVE_MS 1000

struct actions_ctx {
    struct params p;
    struct server srv[2];       /* NB, SB. */
    struct cluster cl;
    long long deadline;
    char target[2][300];        /* Replication source of each database. */
};

static enum ocf_exitcode actions_validate(struct actions_ctx *, bool full);
static enum ocf_exitcode actions_start(struct actions_ctx *);
static enum ocf_exitcode actions_stop(struct actions_ctx *);
static enum ocf_exitcode actions_monitor(struct actions_ctx *);
static enum ocf_exitcode actions_promote(struct actions_ctx *);
static enum ocf_exitcode actions_demote(struct actions_ctx *);
static enum ocf_exitcode actions_notify(struct actions_ctx *);
static enum ocf_exitcode actions_make_backups(struct actions_ctx *);
static void actions_observe(struct actions_ctx *, enum decide_expect,
                            struct decide_input *);
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
    for (i = 0; i < 2; i++) {
        server_init(&ctx.srv[i], i == 0 ? SERVER_NB : SERVER_SB, &ctx.p);
        server_sync_target(&ctx.srv[i], &ctx.p, ctx.target[i],
                           sizeof ctx.target[i]);
    }
    cluster_init(&ctx.cl, ocf_meta("on_node"), ocf_meta("physical_host"),
                 ocf_meta("container_attribute_target"),
                 getenv("OCF_RESOURCE_INSTANCE"), ctx.p.run_dir);

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
    enum ocf_exitcode rc = actions_make_backups(ctx);

    if (rc == PCMK_OCF_OK) {
        cluster_set_score(&ctx->cl, CLUSTER_SCORE_BACKUP, true,
                          ctx->deadline);
    }
    return rc;
}

static enum ocf_exitcode
actions_stop(struct actions_ctx *ctx)
{
    long long half = deadline_now()
                     + deadline_left(ctx->deadline) / 2;
    int error = 0;

    if (ctx->p.manage_northd && server_northd_stop(&ctx->p, half)) {
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
        ocf_exit_reason("ovsdb-server still runs after SIGKILL; see the "
                        "logs in %s", ctx->p.log_dir);
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    cluster_set_score(&ctx->cl, CLUSTER_SCORE_NONE, true, ctx->deadline);
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
    decide_monitor(&in, &v);
    if (v.state != DECIDE_STOPPED || probe) {
        /* A probe always writes: the cluster may have restarted and lost
         * its transient attributes since the last write. */
        cluster_set_score(&ctx->cl, v.score, probe, ctx->deadline);
    }
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
        if (error) {
            ocf_exit_reason("%s is active but cannot listen on %s: %s",
                            s->tag, listen, strerror(error));
            return PCMK_OCF_UNKNOWN_ERROR;
        }
    }
    if (ctx->p.manage_northd) {
        error = server_northd_start(&ctx->p, ctx->deadline, msg, sizeof msg);
        if (error) {
            ocf_exit_reason("%s", msg);
            return PCMK_OCF_UNKNOWN_ERROR;
        }
    }
    cluster_record_active(&ctx->cl, ctx->deadline);
    cluster_set_score(&ctx->cl, CLUSTER_SCORE_ACTIVE, true, ctx->deadline);
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
    if (ctx->p.manage_northd && server_northd_stop(&ctx->p, ctx->deadline)) {
        ocf_exit_reason("ovn-northd does not stop");
        return PCMK_OCF_UNKNOWN_ERROR;
    }
    rc = actions_make_backups(ctx);
    if (rc == PCMK_OCF_OK) {
        cluster_set_score(&ctx->cl, CLUSTER_SCORE_BACKUP, true,
                          ctx->deadline);
        log_info("demoted: NB and SB are backups of %s", ctx->target[0]);
    }
    return rc;
}

static enum ocf_exitcode
actions_notify(struct actions_ctx *ctx)
{
    const char *type = ocf_meta("notify_type");
    const char *op = ocf_meta("notify_operation");
    struct decide_input in;
    int i;

    if (!type || !op || strcmp(type, "post") || strcmp(op, "promote")) {
        return PCMK_OCF_OK;
    }
    if (cluster_list_has(ocf_meta("notify_promote_uname"), ctx->cl.node)) {
        cluster_record_active(&ctx->cl, ctx->deadline);
        return PCMK_OCF_OK;
    }

    /* Another node became active: reconnect the backups to it at once
     * rather than after their reconnection back-off. */
    if (ctx->p.manage_northd) {
        server_northd_stop(&ctx->p, ctx->deadline);
    }
    actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
    for (i = 0; i < 2; i++) {
        const struct decide_db *db = i == 0 ? &in.nb : &in.sb;

        if (db->answered && db->role == REPL_ROLE_BACKUP) {
            int error = repl_make_backup(ctx->srv[i].ctl, ctx->target[i],
                                   ctx->p.inactive_probe_interval_to_master,
                                   ctx->deadline);
            if (error) {
                log_warn("%s: cannot reconnect to the new active: %s",
                         ctx->srv[i].tag, strerror(error));
            }
        }
    }
    return PCMK_OCF_OK;
}

/* Brings both databases up as read-only backups of master_ip, starting
 * whichever is not running and demoting whichever is active.  Used by start
 * and demote. */
static enum ocf_exitcode
actions_make_backups(struct actions_ctx *ctx)
{
    struct decide_input in;
    char msg[256];
    int i, error;

    actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
    if (in.northd_running) {
        server_northd_stop(&ctx->p, ctx->deadline);
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
                error = server_start(s, ctx->target[i],
                                     ctx->deadline, msg, sizeof msg);
            }
            if (error) {
                ocf_exit_reason("%s", msg);
                return error == ENOENT ? PCMK_OCF_NOT_INSTALLED
                       : PCMK_OCF_UNKNOWN_ERROR;
            }
        }
    }

    /* Point each database at master_ip, unless it is already a backup of
     * it: re-connecting a replicating backup would cost a full resync. */
    actions_observe(ctx, DECIDE_EXPECT_ANY, &in);
    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];
        struct decide_db *db = i == 0 ? &in.nb : &in.sb;
        struct repl_status st;
        bool writable = true;
        char remote[300];

        if (!db->answered) {
            ocf_exit_reason("%s ovsdb-server does not answer on %s after "
                            "start; see %s", s->tag, s->ctl, s->logfile);
            return PCMK_OCF_UNKNOWN_ERROR;
        }
        server_db_remote(s, remote, sizeof remote);
        error = repl_set_remote(s->ctl, remote, false, ctx->deadline);
        if (!error) {
            error = repl_get_status(s->ctl, s->db_name, ctx->deadline, &st);
        }
        if (!error && (st.role != REPL_ROLE_BACKUP
                       || strcmp(st.target, ctx->target[i]))) {
            log_info("%s: making it a backup of %s", s->tag,
                     ctx->target[i]);
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
        if (error || writable || st.role != REPL_ROLE_BACKUP) {
            ocf_exit_reason("%s could not be made a read-only backup of %s%s"
                            "%s", s->tag, ctx->target[i],
                            error ? ": " : "", error ? strerror(error) : "");
            return PCMK_OCF_UNKNOWN_ERROR;
        }
    }
    return PCMK_OCF_OK;
}

static void
actions_observe(struct actions_ctx *ctx, enum decide_expect expect,
                struct decide_input *in)
{
    pid_t pid;
    int i;

    memset(in, 0, sizeof *in);
    in->expect = expect;
    in->northd_managed = ctx->p.manage_northd;
    /* An ovn-northd the agent does not manage is none of its business. */
    in->northd_running = ctx->p.manage_northd
                         && !server_northd_pid(&ctx->p, &pid);
    for (i = 0; i < 2; i++) {
        const struct server *s = &ctx->srv[i];
        struct decide_db *db = i == 0 ? &in->nb : &in->sb;
        struct repl_status st;
        long long left, deadline;
        int error;

        db->running = !server_pid(s, &pid);
        if (!db->running) {
            continue;
        }
        /* A hung NB must not leave SB unchecked, and the score must still
         * be written after both: NB gets half of the time left after a
         * reserve, SB the rest. */
        left = deadline_left(ctx->deadline) - ACTIONS_RESERVE_MS;
        deadline = deadline_now() + (left > 0 ? left / (2 - i) : 0);
        error = repl_get_status(s->ctl, s->db_name, deadline, &st);
        if (error) {
            log_warn("%s: no answer from %s: %s", s->tag, s->ctl,
                     strerror(error));
            continue;
        }
        db->answered = true;
        db->role = st.role;
        db->link = st.link;
    }
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
