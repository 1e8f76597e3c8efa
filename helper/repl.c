/* SPDX-License-Identifier: Apache-2.0 */
#include "repl.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "jsonrpc.h"
#include "log.h"
#include "ovsdb.h"
#include "syncstat.h"
#include "unixctl.h"

/* unixctl commands of ovsdb-server used by the agent. */
#define REPL_CMD_SYNC_STATUS "ovsdb-server/sync-status"
#define REPL_CMD_SET_ACTIVE "ovsdb-server/set-active-ovsdb-server"
#define REPL_CMD_GET_ACTIVE "ovsdb-server/get-active-ovsdb-server"
#define REPL_CMD_CONNECT "ovsdb-server/connect-active-ovsdb-server"
#define REPL_CMD_DISCONNECT "ovsdb-server/disconnect-active-ovsdb-server"
#define REPL_CMD_PROBE "ovsdb-server/set-active-ovsdb-server-probe-interval"
#define REPL_CMD_ADD_REMOTE "ovsdb-server/add-remote"
#define REPL_CMD_REMOVE_REMOTE "ovsdb-server/remove-remote"
#define REPL_CMD_LIST_REMOTES "ovsdb-server/list-remotes"

/* A source that no server can be: connecting to it fails at once (ENOTDIR)
 * and ovsdb-server keeps retrying it, so a backup pointed there stays a
 * read-only backup.  repl_make_backup() passes through it. */
#define REPL_VIA_SOURCE "unix:/dev/null/ovndb-servers-repoint"

static int repl_command(const char *ctl, const char *cmd, const char *arg,
                        long long deadline, char **replyp);
static bool repl_reply_is_failure(const char *reply);
static int repl_server_id(struct jsonrpc_conn *, long long deadline,
                          char *id);

const char *
repl_role_name(enum repl_role role)
{
    return role == REPL_ROLE_ACTIVE ? "active"
           : role == REPL_ROLE_BACKUP ? "backup" : "unknown";
}

const char *
repl_link_name(enum repl_link link)
{
    switch (link) {
    case REPL_LINK_CONNECTING:
        return "connecting";
    case REPL_LINK_REPLICATING:
        return "replicating";
    case REPL_LINK_NOT_CONNECTED:
        return "not connected";
    case REPL_LINK_NONE:
    default:
        return "none";
    }
}

int
repl_status_start(const char *ctl, long long deadline,
                  struct jsonrpc_conn **connp)
{
    int error = jsonrpc_open_unix(ctl, deadline, connp);

    if (!error) {
        error = jsonrpc_send(*connp, REPL_CMD_SYNC_STATUS, NULL, deadline);
        if (error) {
            jsonrpc_close(*connp);
            *connp = NULL;
        }
    }
    return error;
}

int
repl_status_finish(struct jsonrpc_conn *conn, int start_error,
                   const char *db_name, long long deadline,
                   struct repl_status *st)
{
    json_t *result = NULL, *err = NULL;
    int error;

    memset(st, 0, sizeof *st);
    if (!conn) {
        return start_error ? start_error : EINVAL;
    }
    error = jsonrpc_wait(conn, deadline, &result, &err);
    jsonrpc_close(conn);
    if (!error) {
        if (err || !json_is_string(result)) {
            error = EPROTO;
        } else if (syncstat_parse(json_string_value(result), db_name, st)) {
            log_warn("unexpected sync-status reply '%s'",
                     json_string_value(result));
            error = EPROTO;
        }
    }
    json_decref(result);
    json_decref(err);
    return error;
}

int
repl_source_id_start(const char *target, long long deadline,
                     struct jsonrpc_conn **connp)
{
    char host[128];
    bool ssl;
    int port, error;

    *connp = NULL;
    error = repl_parse_target(target, host, sizeof host, &port, &ssl);
    if (error) {
        return error;
    }
    if (ssl) {
        return ENOTSUP;
    }
    error = jsonrpc_open_tcp(host, port, deadline, connp);
    if (!error) {
        error = jsonrpc_send(*connp, "get_server_id", NULL, deadline);
        if (error) {
            jsonrpc_close(*connp);
            *connp = NULL;
        }
    }
    return error;
}

int
repl_source_id_finish(struct jsonrpc_conn *conn, int start_error,
                      long long deadline, char *id)
{
    json_t *result = NULL, *err = NULL;
    int error;

    id[0] = '\0';
    if (!conn) {
        return start_error ? start_error : EINVAL;
    }
    error = jsonrpc_wait(conn, deadline, &result, &err);
    jsonrpc_close(conn);
    if (!error && (err || !json_is_string(result))) {
        error = EPROTO;
    }
    if (!error) {
        snprintf(id, 40, "%s", json_string_value(result));
    }
    json_decref(result);
    json_decref(err);
    return error;
}

int
repl_get_status(const char *ctl, const char *db_name, long long deadline,
                struct repl_status *st)
{
    char *reply;
    int error;

    memset(st, 0, sizeof *st);
    error = repl_command(ctl, REPL_CMD_SYNC_STATUS, NULL, deadline, &reply);
    if (error) {
        return error;
    }
    error = syncstat_parse(reply, db_name, st);
    if (error) {
        log_warn("%s: unexpected sync-status reply '%s'", ctl, reply);
        error = EPROTO;
    }
    free(reply);
    return error;
}

int
repl_probe_writable(const char *sock, const char *db_name,
                    long long deadline, bool *writable)
{
    json_t *result;
    int error;

    *writable = false;
    error = ovsdb_transact(sock, db_name,
                           json_pack("[{s:s,s:b}]", "op", "commit",
                                     "durable", 0),
                           deadline, &result);
    if (error == EROFS) {
        return 0;               /* "not allowed": a read-only backup. */
    }
    if (!error) {
        *writable = json_array_size(result) > 0;
        error = *writable ? 0 : EPROTO;
    }
    json_decref(result);
    return error;
}

int
repl_make_active(const char *ctl, long long deadline)
{
    char *reply;
    int error;

    error = repl_command(ctl, REPL_CMD_DISCONNECT, NULL, deadline, &reply);
    free(reply);
    return error;
}

/* Points the server at 'source': set-active, connect-active (which makes
 * active databases backups) and the probe interval (which, on OVS >= 3.3,
 * applies a changed source to databases that were backups already). */
static int
repl_point_at(const char *ctl, const char *source, const char *probe,
              long long deadline)
{
    char *reply = NULL;
    int error;

    error = repl_command(ctl, REPL_CMD_SET_ACTIVE, source, deadline, &reply);
    free(reply);
    if (!error) {
        error = repl_command(ctl, REPL_CMD_CONNECT, NULL, deadline, &reply);
        free(reply);
    }
    if (!error) {
        error = repl_command(ctl, REPL_CMD_PROBE, probe, deadline, &reply);
        free(reply);
    }
    return error;
}

int
repl_make_backup(const char *ctl, const char *target, long long probe_ms,
                 long long deadline)
{
    char probe[32], *reply = NULL;
    int error;

    if (!strcmp(target, REPL_VIA_SOURCE)) {
        return EINVAL;
    }
    snprintf(probe, sizeof probe, "%lld", probe_ms);

    /* A fresh replication session on every OVS version: OVS >= 3.3 keeps
     * the session (and its reconnection back-off, up to 8 s) of a backup
     * pointed again at its current source, so the server goes through a
     * source that is certainly another one.  On OVS 3.1 connect-active
     * opens a new session each time anyway.  The server stays a read-only
     * backup throughout: the way-point never answers, which ovsdb-server
     * retries rather than turning active (it turns active on a source
     * that answers as itself, or on a replication error). */
    error = repl_point_at(ctl, REPL_VIA_SOURCE, probe, deadline);
    if (!error) {
        error = repl_point_at(ctl, target, probe, deadline);
    }

    /* The source took when the databases themselves report it (OVS 3.5's
     * get-active-ovsdb-server answers with the new source before the
     * databases use it). */
    while (!error) {
        error = repl_command(ctl, REPL_CMD_SYNC_STATUS, NULL, deadline,
                             &reply);
        if (!error && syncstat_uses_source(reply, target)) {
            free(reply);
            break;
        }
        if (!error && deadline_expired(deadline)) {
            log_err("%s: the databases do not replicate from %s: '%s'",
                    ctl, target, reply);
            error = EPROTO;
        }
        free(reply);
        reply = NULL;
        if (!error) {
            deadline_sleep(10, deadline);
        }
    }
    return error;
}

int
repl_set_remote(const char *ctl, const char *remote, bool present,
                long long deadline)
{
    char *reply;
    bool listed;
    int error;

    error = repl_command(ctl, REPL_CMD_LIST_REMOTES, NULL, deadline, &reply);
    if (error) {
        return error;
    }
    {
        const char *p = strstr(reply, remote);
        size_t n = strlen(remote);

        listed = p && (p == reply || p[-1] == '\n')
                 && (p[n] == '\n' || p[n] == '\0');
    }
    free(reply);
    if (listed == present) {
        return 0;
    }
    error = repl_command(ctl, present ? REPL_CMD_ADD_REMOTE
                         : REPL_CMD_REMOVE_REMOTE, remote, deadline, &reply);
    free(reply);
    return error;
}

int
repl_parse_target(const char *target, char *host, size_t host_size,
                  int *portp, bool *sslp)
{
    const char *p, *colon;
    size_t len;
    char *end;
    long port;

    if (!strncmp(target, "tcp:", 4)) {
        *sslp = false;
    } else if (!strncmp(target, "ssl:", 4)) {
        *sslp = true;
    } else {
        return EINVAL;
    }
    p = target + 4;
    if (*p == '[') {
        const char *close = strchr(p, ']');

        if (!close || close[1] != ':') {
            return EINVAL;
        }
        len = close - p - 1;
        p++;
        colon = close + 1;
    } else {
        colon = strrchr(p, ':');
        if (!colon) {
            return EINVAL;
        }
        len = colon - p;
    }
    if (len == 0 || len >= host_size) {
        return EINVAL;
    }
    memcpy(host, p, len);
    host[len] = '\0';
    port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) {
        return EINVAL;
    }
    *portp = (int) port;
    return 0;
}

int
repl_local_id(const char *sock, long long deadline, char *id)
{
    struct jsonrpc_conn *conn;
    int error;

    error = jsonrpc_open_unix(sock, deadline, &conn);
    if (!error) {
        error = repl_server_id(conn, deadline, id);
        jsonrpc_close(conn);
    }
    return error;
}

int
repl_source_id(const char *target, long long deadline, char *id)
{
    struct jsonrpc_conn *conn;
    char host[128];
    bool ssl;
    int port, error;

    id[0] = '\0';
    error = repl_parse_target(target, host, sizeof host, &port, &ssl);
    if (error) {
        return error;
    }
    if (ssl) {
        return ENOTSUP;
    }
    error = jsonrpc_open_tcp(host, port, deadline, &conn);
    if (!error) {
        error = repl_server_id(conn, deadline, id);
        jsonrpc_close(conn);
    }
    return error;
}

int
repl_has_data(const char *sock, const char *db, const char *table,
              long long deadline, bool *has_data)
{
    json_t *result, *rows;
    int error;

    *has_data = false;
    error = ovsdb_transact(sock, db,
                           json_pack("[{s:s,s:s,s:[],s:[s]}]", "op", "select",
                                     "table", table, "where", "columns",
                                     "_uuid"),
                           deadline, &result);
    if (!error) {
        rows = ovsdb_rows(result, 0);
        if (!rows) {
            error = EPROTO;
        } else {
            *has_data = json_array_size(rows) > 0;
        }
    }
    json_decref(result);
    return error;
}

/* Reads the server ID through 'conn' into 'id'. */
static int
repl_server_id(struct jsonrpc_conn *conn, long long deadline, char *id)
{
    json_t *result = NULL, *err = NULL;
    int error;

    error = jsonrpc_call(conn, "get_server_id", NULL, deadline, &result,
                         &err);
    if (!error && (err || !json_is_string(result))) {
        error = EPROTO;
    }
    if (!error) {
        snprintf(id, 40, "%s", json_string_value(result));
    }
    json_decref(result);
    json_decref(err);
    return error;
}

/* Runs unixctl 'cmd' with optional argument 'arg'.  An error reply, or a
 * reply text that reports a failure, is EPROTO (logged). */
static int
repl_command(const char *ctl, const char *cmd, const char *arg,
             long long deadline, char **replyp)
{
    const char *args[1] = { arg };
    char *err = NULL;
    int error;

    *replyp = NULL;
    error = unixctl_call(ctl, cmd, args, arg ? 1 : 0, deadline, replyp,
                            &err);
    if (error) {
        log_debug("%s: %s: %s", ctl, cmd, strerror(error));
        return error;
    }
    if (err || repl_reply_is_failure(*replyp)) {
        log_err("%s: %s failed: %s", ctl, cmd, err ? err : *replyp);
        free(err);
        free(*replyp);
        *replyp = NULL;
        return EPROTO;
    }
    return 0;
}

/* Some failures come back as success replies (OVS 3.1). */
static bool
repl_reply_is_failure(const char *reply)
{
    return !strncmp(reply, "Unable to connect", 17)
           || !strncmp(reply, "Invalid probe interval", 22);
}

int
repl_set_probe(const char *ctl, long long probe_ms, long long deadline)
{
    char probe[32], *reply = NULL;
    int error;

    snprintf(probe, sizeof probe, "%lld", probe_ms);
    error = repl_command(ctl, REPL_CMD_PROBE, probe, deadline, &reply);
    free(reply);
    return error;
}
