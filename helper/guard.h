/* SPDX-License-Identifier: Apache-2.0 */
/* The active's guard: a small process that promote leaves behind, which
 * notices at once when an ovsdb-server of the active node exits (kill -9,
 * a crash) and tells Pacemaker through its public interface
 * (crm_resource --fail on this node), instead of waiting for the next
 * Promoted monitor.  It acts on this node only, and only while a token
 * file that promote writes in run_dir holds its token: demote and stop
 * remove the file before they touch the servers, so the guard never
 * reports a planned stop.  It ends when it has reported, when the token is
 * gone, or when the node is no longer the active. */
#ifndef GUARD_H
#define GUARD_H 1

struct rsc;

/* How often the guard checks that it is still wanted. */
#define GUARD_CHECK_MS 1000

/* How long the report to Pacemaker may take. */
#define GUARD_REPORT_MS 10000

/* Writes a new token and starts the guard, detached.  Failures are logged
 * only (the Promoted monitor still finds a dead server). */
void guard_spawn(struct rsc *r);

/* Dismisses the guard: removes its token, so that it reports nothing and
 * ends within GUARD_CHECK_MS. */
void guard_dismiss(struct rsc *r);

/* The guard itself (action "guard"). */
void guard_run(struct rsc *r);

#endif /* guard.h */
