/* SPDX-License-Identifier: Apache-2.0 */
/* Role changes of this node's two databases: starting them as read-only
 * backups, pointing backups at their source and checking that replication
 * takes (never from the server itself), re-pointing them at a new active,
 * and making them active, writable and listening.  A failure returns a
 * positive errno value with its explanation in 'msg'. */
#ifndef ROLES_H
#define ROLES_H 1

#include <stdbool.h>
#include <stddef.h>

struct decide_input;
struct rsc;

/* How long start and demote watch replication take, at most. */
#define ROLES_REPLICATION_WAIT_MS 3000

/* Starts whichever ovsdb-server of 'r' is not running in 'in' (as
 * observe_servers() saw them), as a backup of its source (creating or
 * upgrading its database first), and stops an ovn-northd left running.
 * Returns 0; ENOENT if something needed is not installed; ETIMEDOUT if a
 * server runs but does not answer; another positive errno value
 * otherwise. */
int roles_start_servers(struct rsc *r, const struct decide_input *in,
                        char *msg, size_t size);

/* Makes both running databases read-only backups of their source.
 * 'keep_remote' keeps the listeners of a demoted active for the backups
 * that still replicate from it; 'watch' then waits a few seconds to see
 * replication take (a database that ovsdb-server turned active because
 * replication failed, a schema it cannot use for one, fails here rather
 * than stay a second writable copy). */
int roles_make_backups(struct rsc *r, bool keep_remote, bool watch,
                       char *msg, size_t size);

/* Makes database 'i' a read-only backup of its source (see
 * roles_make_backups()).  Re-pointing a backup that already replicates
 * from that source is skipped: it would cost a full resync. */
int roles_backup_db(struct rsc *r, int i, bool keep_remote, char *msg,
                    size_t size);

/* Makes both databases (observed in 'in', both answering) active and
 * writable, listening for clients and for the backups. */
int roles_make_active(struct rsc *r, const struct decide_input *in,
                      char *msg, size_t size);

/* Points the backups observed in 'in' at the current source at once
 * (rather than after a reconnection back-off), closing the listeners of
 * an active.  Failures are logged only: the next monitor reports them. */
void roles_follow_source(struct rsc *r, const struct decide_input *in);

/* Points back at their source the databases of 'in' that made themselves
 * active while backups were expected.  Failures are logged only. */
void roles_rebackup(struct rsc *r, const struct decide_input *in);

/* Points both backups at their chosen source (each only if it replicates
 * from another).  Failures are logged only. */
void roles_repoint(struct rsc *r);

/* Replicates again, on a new session, the databases of 'in' whose session
 * stalled.  Failures are logged only. */
void roles_resync(struct rsc *r, const struct decide_input *in);

/* reload-agent: applies the reloadable parameters (the probe intervals,
 * see metadata_is_reloadable()) to the servers observed in 'in' without
 * restarting them: an active's Connection rows, a backup's replication
 * probe.  Returns 0 or a positive errno value with the reason in 'msg'. */
int roles_reload(struct rsc *r, const struct decide_input *in, char *msg,
                 size_t size);

/* How long a server may take to exit after SIGTERM before SIGKILL. */
#define ROLES_STOP_GRACE_MS 3000

/* Stops ovn-northd (if managed) and every process of both servers
 * (observed in 'in'), whatever their state: asked to exit if they answer,
 * then SIGTERM, then SIGKILL after ROLES_STOP_GRACE_MS.  Returns 0 once
 * none is left, or ETIMEDOUT with the survivors named in 'msg'. */
int roles_stop(struct rsc *r, const struct decide_input *in, char *msg,
               size_t size);

#endif /* roles.h */
