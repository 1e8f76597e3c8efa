/* SPDX-License-Identifier: Apache-2.0 */
#include "listener.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "log.h"
#include "ovsdb.h"

static bool listener_references(const json_t *set, const char *uuid);
static long long listener_probe(const json_t *row);
static bool listener_same_port(const char *a, const char *b);

json_t *
listener_plan(const char *table, const json_t *globals, const json_t *conns,
              const char *target, long long probe_ms)
{
    const json_t *global, *conn, *refs, *match = NULL, *ours = NULL;
    const char *global_uuid;
    size_t i;

    if (!json_array_size(globals)) {
        /* A fresh database: create the global row, as "ovn-nbctl init"
         * would, with the listener in it. */
        return json_pack("[{s:s,s:s,s:s,s:{s:s,s:I}},"
                         "{s:s,s:s,s:{s:[s,s]}}]",
                         "op", "insert", "table", "Connection",
                         "uuid-name", "conn", "row", "target", target,
                         "inactivity_probe", (json_int_t) probe_ms,
                         "op", "insert", "table", table,
                         "row", "connections", "named-uuid", "conn");
    }

    global = json_array_get(globals, 0);
    global_uuid = json_string_value(
        json_array_get(json_object_get(global, "_uuid"), 1));
    refs = json_object_get(global, "connections");
    if (!global_uuid) {
        return NULL;
    }
    json_array_foreach (conns, i, conn) {
        const char *uuid = json_string_value(
            json_array_get(json_object_get(conn, "_uuid"), 1));
        const char *t = json_string_value(json_object_get(conn, "target"));

        if (!uuid || !t || !listener_references(refs, uuid)) {
            continue;
        }
        if (!strcmp(t, target)) {
            match = conn;
            break;
        }
        if (!ours && listener_same_port(t, target)) {
            ours = conn;
        }
    }

    if (match) {
        if (listener_probe(match) == probe_ms) {
            return NULL;
        }
        return json_pack("[{s:s,s:s,s:[[s,s,O]],s:{s:I}}]",
                         "op", "update", "table", "Connection",
                         "where", "_uuid", "==",
                         json_object_get(match, "_uuid"),
                         "row", "inactivity_probe", (json_int_t) probe_ms);
    }
    if (ours) {
        return json_pack("[{s:s,s:s,s:[[s,s,O]],s:{s:s,s:I}}]",
                         "op", "update", "table", "Connection",
                         "where", "_uuid", "==",
                         json_object_get(ours, "_uuid"),
                         "row", "target", target,
                         "inactivity_probe", (json_int_t) probe_ms);
    }
    return json_pack("[{s:s,s:s,s:s,s:{s:s,s:I}},"
                     "{s:s,s:s,s:[[s,s,[s,s]]],s:[[s,s,[s,s]]]}]",
                     "op", "insert", "table", "Connection",
                     "uuid-name", "conn", "row", "target", target,
                     "inactivity_probe", (json_int_t) probe_ms,
                     "op", "mutate", "table", table,
                     "where", "_uuid", "==", "uuid", global_uuid,
                     "mutations", "connections", "insert", "named-uuid",
                     "conn");
}

int
listener_ensure(const char *sock, const char *db, const char *table,
                const char *target, long long probe_ms, long long deadline)
{
    struct jsonrpc_conn *conn;
    json_t *result, *ops;
    int error;

    error = jsonrpc_open_unix(sock, deadline, &conn);
    if (error) {
        return error;
    }
    error = ovsdb_transact_on(conn, db,
                              json_pack("[{s:s,s:s,s:[],s:[s,s]},"
                                        "{s:s,s:s,s:[],s:[s,s,s]}]",
                                        "op", "select", "table", table,
                                        "where", "columns", "_uuid",
                                        "connections",
                                        "op", "select",
                                        "table", "Connection",
                                        "where", "columns", "_uuid",
                                        "target", "inactivity_probe"),
                              deadline, &result);
    if (!error && json_array_size(result) != 2) {
        error = EPROTO;
    }
    if (error) {
        json_decref(result);
        jsonrpc_close(conn);
        return error;
    }
    ops = listener_plan(table, ovsdb_rows(result, 0), ovsdb_rows(result, 1),
                        target, probe_ms);
    json_decref(result);
    if (ops) {
        log_info("%s: setting the listener to %s (inactivity probe %lld "
                 "ms)", db, target, probe_ms);
        error = ovsdb_transact_on(conn, db, ops, deadline, &result);
        json_decref(result);
        if (error) {
            log_err("%s: listener update failed: %s", db, strerror(error));
        }
    }
    jsonrpc_close(conn);
    return error;
}

/* Returns true if the OVSDB set (or single uuid) 'set' holds 'uuid'. */
static bool
listener_references(const json_t *set, const char *uuid)
{
    const json_t *elems, *e;
    size_t i;

    if (!json_is_array(set)) {
        return false;
    }
    if (!strcmp(json_string_value(json_array_get(set, 0)) ?: "", "uuid")) {
        return !strcmp(json_string_value(json_array_get(set, 1)) ?: "",
                       uuid);
    }
    elems = json_array_get(set, 1);
    json_array_foreach (elems, i, e) {
        if (!strcmp(json_string_value(json_array_get(e, 1)) ?: "", uuid)) {
            return true;
        }
    }
    return false;
}

/* Returns the row's inactivity_probe, or -1 if unset. */
static long long
listener_probe(const json_t *row)
{
    const json_t *v = json_object_get(row, "inactivity_probe");

    return json_is_integer(v) ? (long long) json_integer_value(v) : -1;
}

/* Returns true if the passive targets 'a' and 'b' ("ptcp:PORT:ADDR",
 * "pssl:PORT:ADDR") listen on the same port, whatever their protocol and
 * address: two such rows would fight over the port. */
static bool
listener_same_port(const char *a, const char *b)
{
    const char *ca = strchr(a, ':'), *cb = strchr(b, ':');

    if (a[0] != 'p' || b[0] != 'p' || !ca || !cb) {
        return false;
    }
    return strtol(ca + 1, NULL, 10) == strtol(cb + 1, NULL, 10);
}
