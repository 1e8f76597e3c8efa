/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the sync-status parser (helper/repl.c), through its
 * public functions syncstat_parse() and repl_parse_target().  The input is the
 * text ovsdb-server/sync-status would answer. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "repl.h"
#include "syncstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct repl_status *st)
{
    if (st->role > REPL_ROLE_BACKUP || st->link > REPL_LINK_NOT_CONNECTED
        || !memchr(st->target, '\0', sizeof st->target)) {
        abort();
    }
    if (!repl_role_name(st->role) || !repl_link_name(st->link)) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const dbs[] = {
        "OVN_Northbound", "OVN_Southbound", "",
    };
    struct repl_status st;
    char *text = malloc(size + 1);
    char host[64];
    size_t i;

    if (!text) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    for (i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        int error;

        memset(&st, 0xa5, sizeof st);
        error = syncstat_parse(text, dbs[i], &st);
        if (error == 0) {
            fuzz_check(&st);
        } else if (error != EINVAL) {
            abort();
        }
    }

    /* The same bytes as a replication source ("tcp:IP:PORT"). */
    {
        int port = -1;
        bool ssl;

        memset(host, 0xa5, sizeof host);
        if (!repl_parse_target(text, host, sizeof host, &port, &ssl)) {
            if (!memchr(host, '\0', sizeof host) || port < 0
                || port > 65535) {
                abort();
            }
        }
    }
    free(text);
    return 0;
}
