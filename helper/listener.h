/* SPDX-License-Identifier: Apache-2.0 */
/* The active database's listener: the Connection row, referenced from
 * NB_Global (SB_Global), through which the active ovsdb-server listens on
 * master_ip (or on every address in load-balancer mode) with the configured
 * inactivity probe.  Kept up to date on every promotion, so that a changed
 * master_ip or probe interval takes effect. */
#ifndef LISTENER_H
#define LISTENER_H 1

#include <jansson.h>

/* Plans the operations that make the global row of 'table' (in database
 * 'db') reference a Connection row with 'target' and 'probe_ms', given the
 * rows of 'table' ('globals', with columns _uuid and connections) and of
 * Connection ('conns', with _uuid, target and inactivity_probe) as a select
 * returns them.  A row of ours listening on the same port with another
 * address is updated rather than duplicated.  Pure.  Returns a new JSON
 * array of transact operations, or NULL if nothing needs to change. */
json_t *listener_plan(const char *table, const json_t *globals,
                      const json_t *conns, const char *target,
                      long long probe_ms);

/* Applies listener_plan() to the database 'db' behind the OVSDB socket
 * 'sock' (the active's).  Returns 0 or a positive errno value. */
int listener_ensure(const char *sock, const char *db, const char *table,
                    const char *target, long long probe_ms,
                    long long deadline);

#endif /* listener.h */
