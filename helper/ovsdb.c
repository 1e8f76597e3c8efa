/* SPDX-License-Identifier: Apache-2.0 */
#include "ovsdb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "log.h"

int
ovsdb_transact_on(struct jsonrpc_conn *conn, const char *db, json_t *ops,
                  long long deadline, json_t **resultp)
{
    json_t *result = NULL, *err = NULL, *op;
    size_t i;
    int error;

    *resultp = NULL;
    if (!json_is_array(ops) || json_array_insert_new(ops, 0,
                                                     json_string(db))) {
        json_decref(ops);
        return ENOMEM;
    }
    error = jsonrpc_call(conn, "transact", ops, deadline, &result, &err);
    if (!error && (err || !json_is_array(result))) {
        error = EPROTO;
    }
    json_array_foreach (result, i, op) {
        const char *e = json_string_value(json_object_get(op, "error"));

        if (error) {
            break;
        }
        if (!json_is_object(op)) {
            error = EPROTO;
        } else if (json_object_get(op, "error")) {
            if (e && !strcmp(e, "not allowed")) {
                error = EROFS;
            } else {
                char *text = json_dumps(op, JSON_COMPACT);

                log_warn("%s: transaction failed: %s", db,
                         text ? text : "?");
                free(text);
                error = EPROTO;
            }
        }
    }
    json_decref(err);
    if (error) {
        json_decref(result);
        return error;
    }
    *resultp = result;
    return 0;
}

int
ovsdb_transact(const char *sock, const char *db, json_t *ops,
               long long deadline, json_t **resultp)
{
    struct jsonrpc_conn *conn;
    int error;

    *resultp = NULL;
    error = jsonrpc_open_unix(sock, deadline, &conn);
    if (error) {
        json_decref(ops);
        return error;
    }
    error = ovsdb_transact_on(conn, db, ops, deadline, resultp);
    jsonrpc_close(conn);
    return error;
}

json_t *
ovsdb_rows(const json_t *result, size_t i)
{
    json_t *rows = json_object_get(json_array_get(result, i), "rows");

    return json_is_array(rows) ? rows : NULL;
}
