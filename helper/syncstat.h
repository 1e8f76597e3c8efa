/* SPDX-License-Identifier: Apache-2.0 */
/* The text of ovsdb-server/sync-status, parsed by key, for the OVS <= 3.2
 * layout (the state first, databases after it) and the OVS >= 3.3 one
 * ("database:" first, one block per database).  Pure; the fixtures in
 * tests/fixtures/sync-status are real outputs of OVS 3.1, 3.3 and 3.5. */
#ifndef SYNCSTAT_H
#define SYNCSTAT_H 1

#include <stdbool.h>

#include "repl.h"

/* Parses the text of ovsdb-server/sync-status for database 'db_name' into
 * 'st'.  Pure.  Returns 0, or EINVAL if the text has no "state:" for it. */
int syncstat_parse(const char *text, const char *db_name,
                   struct repl_status *st);

/* Returns true if the sync-status 'text' shows every database it lists as
 * a backup whose replication (connecting, replicating or not connected)
 * uses 'target': what the databases do, not what the server was told.
 * Pure. */
bool syncstat_uses_source(const char *text, const char *target);

#endif /* syncstat.h */
