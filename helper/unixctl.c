/* SPDX-License-Identifier: Apache-2.0 */
#include "unixctl.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"

static int unixctl_text(const json_t *json, char **textp);

int
unixctl_call(const char *path, const char *cmd, const char *const *args,
             size_t n_args, long long deadline, char **replyp, char **errp)
{
    struct jsonrpc_conn *conn;
    json_t *params;
    json_t *result;
    json_t *error_json;
    int error;
    size_t i;

    *replyp = NULL;
    *errp = NULL;
    if (!cmd || (n_args && !args)) {
        return EINVAL;
    }

    params = json_array();
    if (!params) {
        return ENOMEM;
    }
    for (i = 0; i < n_args; i++) {
        if (!args[i]) {
            json_decref(params);
            return EINVAL;
        }
        if (json_array_append_new(params, json_string(args[i]))) {
            json_decref(params);
            return ENOMEM;
        }
    }

    error = jsonrpc_open_unix(path, deadline, &conn);
    if (error) {
        json_decref(params);
        return error;
    }
    error = jsonrpc_call(conn, cmd, params, deadline, &result, &error_json);
    jsonrpc_close(conn);
    if (error) {
        return error;
    }

    if (result) {
        error = unixctl_text(result, replyp);
    } else {
        error = unixctl_text(error_json, errp);
    }
    json_decref(result);
    json_decref(error_json);
    return error;
}

/* Stores in '*textp' a malloc()'d copy of 'json' if it is a string, otherwise
 * its compact serialization.  Returns 0 or ENOMEM. */
static int
unixctl_text(const json_t *json, char **textp)
{
    if (json_is_string(json)) {
        *textp = strdup(json_string_value(json));
    } else {
        *textp = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    }
    return *textp ? 0 : ENOMEM;
}
