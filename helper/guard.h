/* SPDX-License-Identifier: Apache-2.0 */
/* The active's guard: a small process that promote leaves behind, which
 * notices at once when an ovsdb-server of the active node exits (kill -9,
 * a crash).  It acts on this node only, for this resource only, and only
 * while a token file that promote writes in run_dir holds its token:
 * demote and stop remove the file before they touch the servers, so the
 * guard never acts on a planned stop.
 *
 * When one server of the active exits while the other still runs, the
 * guard restarts it in place as
 * the active itself, at once: the same database file, the command line of
 * start (server_start()), then what promote does to it
 * (roles_make_active(): active, writable, listening through its database's
 * Connection row and on the node's own address).  It checks that the
 * server answers, is active and accepts writes, records the restart in
 * run_dir (guard_last_restart(): `<rsc>-status` then reads "active (NB
 * ovsdb-server restarted by the guard at TIME)"), logs it, and keeps
 * guarding the new process.  Bounds:
 *
 *   - at most one self-restart per database per GUARD_RESTART_WINDOW_MS
 *     (10 minutes, remembered in run_dir across guards): a second death
 *     within the window is a crash loop, reported to Pacemaker
 *     (crm_resource --fail on this node) as before the guard could
 *     restart anything;
 *   - only one server dead: if both are (within GUARD_SETTLE_MS), it is
 *     reported the same way;
 *   - the restart takes GUARD_RESTART_MS at most; if it fails or is late,
 *     the server it started is stopped again and the death is reported
 *     the same way;
 *   - never once the token is gone.  The guard holds a lock (flock on a
 *     file in run_dir) while it decides and restarts; stop and demote take
 *     the same lock before they remove the token, and the monitor while it
 *     looks at the servers, each waiting GUARD_LOCK_WAIT_MS at most.  So a
 *     restart is never racing a demote or stop (they wait for it to end,
 *     then the guard finds its token gone), and a Promoted monitor that
 *     runs during a restart sees its end rather than a dead server.
 *
 * The guard ends when it has reported, when the token is gone, or when the
 * node is no longer the active. */
#ifndef GUARD_H
#define GUARD_H 1

#include <stdbool.h>

struct rsc;

/* How often the guard checks that it is still wanted. */
#define GUARD_CHECK_MS 1000

/* How long the report to Pacemaker may take. */
#define GUARD_REPORT_MS 10000

/* How long a self-restart of one server may take, at most. */
#define GUARD_RESTART_MS 3000

/* At most one self-restart per database within this window. */
#define GUARD_RESTART_WINDOW_MS (10 * 60 * 1000)

/* How long the guard lets a death settle before it looks whether the
 * other server died too (one kill of both, a node going down). */
#define GUARD_SETTLE_MS 20

/* How long the guard, stop, demote and the monitor wait for the lock. */
#define GUARD_LOCK_WAIT_MS (GUARD_RESTART_MS + 1000)

/* What the guard does when a server of the active exits. */
enum guard_action {
    GUARD_QUIT,                 /* The token is gone: nothing. */
    GUARD_RESTART,              /* Restart it in place. */
    GUARD_REPORT,               /* Tell Pacemaker (crm_resource --fail). */
};

/* Decides what to do about a server that exited at 'now_ms' (wall clock)
 * whose database was last restarted by a guard at 'last_ms' (0 if never),
 * while the token is 'wanted' or not and the other server is
 * 'other_alive' or not (both dead is no longer a server's crash: it is
 * reported).  Pure. */
enum guard_action guard_decide(bool wanted, bool other_alive,
                               long long last_ms, long long now_ms);

/* Writes a new token and starts the guard, detached.  Failures are logged
 * only (the Promoted monitor still finds a dead server). */
void guard_spawn(struct rsc *r);

/* Dismisses the guard: removes its token, so that it does nothing more
 * and ends within GUARD_CHECK_MS.  Called under guard_lock(). */
void guard_dismiss(struct rsc *r);

/* Takes the guard's lock, waiting until 'deadline' at most.  Returns 0
 * and the lock's file descriptor in '*fdp' (close-on-exec), or a positive
 * errno value (ETIMEDOUT if it is still held at 'deadline'). */
int guard_lock(const struct rsc *r, long long deadline, int *fdp);

/* Releases a lock that guard_lock() took ('fd' < 0: nothing). */
void guard_unlock(int fd);

/* The last self-restart of a guard within GUARD_RESTART_WINDOW_MS of
 * 'now_ms': returns true with the server's name ("NB ovsdb-server") in
 * '*what' and its time in '*at_ms', false if there was none. */
bool guard_last_restart(const struct rsc *r, long long now_ms,
                        const char **what, long long *at_ms);

/* The guard itself (action "guard"). */
void guard_run(struct rsc *r);

#endif /* guard.h */
