/* SPDX-License-Identifier: Apache-2.0 */
/* Lossless planned switchover.  When the active is demoted, it writes a
 * marker (a unique value under external_ids:ovndb-servers-handover of the
 * NB_Global and SB_Global rows) as its very last transaction, after it has
 * stopped taking client writes.  The backup about to be promoted waits
 * until the marker has reached its own copy: everything the old active
 * committed before it is then there too, since replication is ordered. */
#ifndef HANDOVER_H
#define HANDOVER_H 1

#include <stdbool.h>
#include <stddef.h>

/* Room for a marker or a promotion record, with its NUL: a node name
 * (NODELIST_NAME_MAX), two colons, a time in ms and a PID. */
#define HANDOVER_VALUE_MAX 320

/* The external_ids key of the marker. */
#define HANDOVER_KEY "ovndb-servers-handover"

/* The external_ids key of the promotion record: "NODE:MS", written by each
 * node promoted, as its first transaction as the active, at MS (ms since
 * the epoch).  A copy that holds it has everything up to that promotion:
 * it was current at MS at least. */
#define HANDOVER_PROMOTED_KEY "ovndb-servers-promoted"

/* Sets external_ids:'key' to 'value' in the global row(s) of 'table' in
 * database 'db' behind 'sock'.  Returns 0, ENOENT if the table has no row,
 * or another positive errno value. */
int handover_set(const char *sock, const char *db, const char *table,
                 const char *key, const char *value, long long deadline);

/* Copies external_ids:'key' of the global row of 'table' into 'buf'.
 * Returns 0, ENODATA if there is no such row or key, or another positive
 * errno value (ENOENT: no server at 'sock'). */
int handover_get(const char *sock, const char *db, const char *table,
                 const char *key, char *buf, size_t size, long long deadline);

/* Writes 'marker' into the global row(s) of 'table' in database 'db'
 * behind 'sock'.  Returns 0, ENOENT if the table has no row, or another
 * positive errno value. */
int handover_write(const char *sock, const char *db, const char *table,
                   const char *marker, long long deadline);

/* Sets '*present' to whether the marker in the global row of 'table' is
 * 'marker'.  Returns 0 or a positive errno value. */
int handover_check(const char *sock, const char *db, const char *table,
                   const char *marker, long long deadline, bool *present);

#endif /* handover.h */
