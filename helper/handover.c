/* SPDX-License-Identifier: Apache-2.0 */
#include "handover.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "ovsdb.h"

int
handover_set(const char *sock, const char *db, const char *table,
             const char *key, const char *value, long long deadline)
{
    json_t *result, *count;
    int error;

    error = ovsdb_transact(
        sock, db,
        json_pack("[{s:s,s:s,s:[],s:[[s,s,[s,[s]]],[s,s,[s,[[s,s]]]]]}]",
                  "op", "mutate", "table", table, "where", "mutations",
                  "external_ids", "delete", "set", key,
                  "external_ids", "insert", "map", key, value),
        deadline, &result);
    if (error) {
        return error;
    }
    count = json_object_get(json_array_get(result, 0), "count");
    if (!json_is_integer(count)) {
        error = EPROTO;
    } else if (json_integer_value(count) == 0) {
        error = ENOENT;
    }
    json_decref(result);
    return error;
}

int
handover_get(const char *sock, const char *db, const char *table,
             const char *key, char *buf, size_t size, long long deadline)
{
    json_t *result, *rows, *ids, *pair;
    size_t i;
    int error;

    if (size) {
        buf[0] = '\0';
    }
    error = ovsdb_transact(
        sock, db,
        json_pack("[{s:s,s:s,s:[],s:[s]}]", "op", "select",
                  "table", table, "where", "columns", "external_ids"),
        deadline, &result);
    if (error) {
        return error;
    }
    error = ENODATA;
    rows = ovsdb_rows(result, 0);
    ids = json_array_get(json_object_get(json_array_get(rows, 0),
                                         "external_ids"), 1);
    json_array_foreach (ids, i, pair) {
        const char *k = json_string_value(json_array_get(pair, 0));
        const char *v = json_string_value(json_array_get(pair, 1));

        if (k && v && !strcmp(k, key)) {
            snprintf(buf, size, "%s", v);
            error = 0;
        }
    }
    json_decref(result);
    return error;
}

int
handover_write(const char *sock, const char *db, const char *table,
               const char *marker, long long deadline)
{
    return handover_set(sock, db, table, HANDOVER_KEY, marker, deadline);
}

int
handover_check(const char *sock, const char *db, const char *table,
               const char *marker, long long deadline, bool *present)
{
    char value[HANDOVER_VALUE_MAX];
    int error;

    *present = false;
    error = handover_get(sock, db, table, HANDOVER_KEY, value, sizeof value,
                         deadline);
    if (error == ENODATA) {
        return 0;
    }
    if (!error) {
        *present = !strcmp(value, marker);
    }
    return error;
}
