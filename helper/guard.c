/* SPDX-License-Identifier: Apache-2.0 */
#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "deadline.h"
#include "decide.h"
#include "log.h"
#include "observe.h"
#include "proc.h"
#include "repl.h"
#include "roles.h"
#include "rsc.h"
#include "statefile.h"
#include "status.h"

/* The environment variable that passes the token to the guard. */
#define GUARD_TOKEN_ENV "OVNDB_SERVERS_GUARD_TOKEN"

/* Room for a token: "PID:MS". */
#define GUARD_TOKEN_MAX 48

/* How often the guard asks whether the node is still the active. */
#define GUARD_ROLE_EVERY 5

/* Room for the restart record: two times in ms. */
#define GUARD_RECORD_MAX 64

/* The path of this resource's file 'what' in run_dir ("guard": the token,
 * "lock": the lock, "restarts": the restart record). */
static void
guard_path(const struct rsc *r, const char *what, char *path, size_t size)
{
    snprintf(path, size, "%s/ovndb-servers.%s.%s", r->p.run_dir,
             r->cl.instance, what);
}

static void
guard_file(const struct rsc *r, char *path, size_t size)
{
    guard_path(r, "guard", path, size);
}

enum guard_action
guard_decide(bool wanted, bool other_alive, long long last_ms,
             long long now_ms)
{
    if (!wanted) {
        return GUARD_QUIT;
    }
    if (!other_alive) {
        return GUARD_REPORT;
    }
    /* A clock that went back puts 'last_ms' in the future: within the
     * window, as the safe reading. */
    if (last_ms > 0 && now_ms - last_ms < GUARD_RESTART_WINDOW_MS) {
        return GUARD_REPORT;
    }
    return GUARD_RESTART;
}

int
guard_lock(const struct rsc *r, long long deadline, int *fdp)
{
    char path[PATH_MAX];
    int fd;

    *fdp = -1;
    guard_path(r, "lock", path, sizeof path);
    fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return errno;
    }
    for (;;) {
        int error = flock(fd, LOCK_EX | LOCK_NB) ? errno : 0;

        if (!error) {
            *fdp = fd;
            return 0;
        }
        if ((error != EWOULDBLOCK && error != EINTR)
            || deadline_expired(deadline)) {
            close(fd);
            return error == EWOULDBLOCK ? ETIMEDOUT : error;
        }
        deadline_sleep(5, deadline);
    }
}

void
guard_unlock(int fd)
{
    if (fd >= 0) {
        close(fd);              /* Releases the flock. */
    }
}

/* Reads the times of the last self-restart of NB and SB into 'last' (0:
 * none). */
static void
guard_read_restarts(const struct rsc *r, long long last[2])
{
    char path[PATH_MAX], buf[GUARD_RECORD_MAX];

    last[0] = last[1] = 0;
    guard_path(r, "restarts", path, sizeof path);
    if (!statefile_read(path, buf, sizeof buf)
        && sscanf(buf, "%lld %lld", &last[0], &last[1]) != 2) {
        last[0] = last[1] = 0;
    }
}

static int
guard_write_restarts(const struct rsc *r, const long long last[2])
{
    char path[PATH_MAX], buf[GUARD_RECORD_MAX];
    int len;

    guard_path(r, "restarts", path, sizeof path);
    len = snprintf(buf, sizeof buf, "%lld %lld\n", last[0], last[1]);
    return statefile_write(path, buf, len);
}

bool
guard_last_restart(const struct rsc *r, long long now_ms, const char **what,
                   long long *at_ms)
{
    long long last[2];
    int i = -1, j;

    guard_read_restarts(r, last);
    for (j = 0; j < 2; j++) {
        if (last[j] > 0 && now_ms - last[j] < GUARD_RESTART_WINDOW_MS
            && (i < 0 || last[j] > last[i])) {
            i = j;
        }
    }
    if (i < 0) {
        return false;
    }
    *what = r->srv[i].name;
    *at_ms = last[i];
    return true;
}

void
guard_spawn(struct rsc *r)
{
    char exe[PATH_MAX], path[PATH_MAX], token[GUARD_TOKEN_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *argv[] = { exe, "guard", NULL };
    int len, error;

    if (n <= 0) {
        log_warn("cannot find this program to guard the active: %s",
                 strerror(errno));
        return;
    }
    exe[n] = '\0';
    guard_file(r, path, sizeof path);
    len = snprintf(token, sizeof token, "%ld:%lld", (long) getpid(),
                   clock_wall_ms());
    if (statefile_write(path, token, len)) {
        return;
    }
    if (setenv(GUARD_TOKEN_ENV, token, 1)) {
        log_warn("cannot pass the guard its token: %s", strerror(errno));
        return;
    }
    error = child_spawn_detached(argv);
    if (error) {
        log_warn("cannot start the guard of the active: %s",
                 strerror(error));
    }
}

void
guard_dismiss(struct rsc *r)
{
    char path[PATH_MAX];

    guard_file(r, path, sizeof path);
    statefile_remove(path);
}

/* Returns true while the token file holds 'token'. */
static bool
guard_wanted(const struct rsc *r, const char *token)
{
    char path[PATH_MAX], buf[GUARD_TOKEN_MAX];

    guard_file(r, path, sizeof path);
    return !statefile_read(path, buf, sizeof buf) && !strcmp(buf, token);
}

/* Returns true if both servers still answer as the active (a bounded
 * question; a hung server is the monitor's business). */
static bool
guard_still_active(const struct rsc *r)
{
    int i;

    for (i = 0; i < 2; i++) {
        struct repl_status st;

        if (!repl_get_status(r->srv[i].ctl, r->srv[i].db_name,
                             deadline_after(GUARD_CHECK_MS), &st)
            && st.role != REPL_ROLE_ACTIVE) {
            return false;
        }
    }
    return true;
}

/* Tells Pacemaker that the resource failed on this node. */
static void
guard_report(const struct rsc *r, const char *what)
{
    char name[sizeof r->cl.instance], line[200];
    const char *argv[] = { "crm_resource", "--fail", "--resource", name,
                           "--node", r->cl.node, NULL };
    struct child_result res;
    int error;

    /* The primitive, not the clone instance ("ovndb_servers:0"). */
    snprintf(name, sizeof name, "%s", r->cl.instance);
    name[strcspn(name, ":")] = '\0';
    log_err("%s exited on the active node %s: telling Pacemaker now", what,
            r->cl.node);
    error = child_run(argv, deadline_after(GUARD_REPORT_MS), &res);
    if (error || res.status) {
        log_err("crm_resource --fail: %s", error ? strerror(error)
                : child_result_line(&res, line, sizeof line));
    }
    if (!error) {
        child_result_free(&res);
    }
}

/* Finds the running ovsdb-server of database 'i' and opens a pidfd on it
 * into '*fdp'.  Returns 0 or a positive errno value. */
static int
guard_watch(const struct rsc *r, int i, pid_t *pidp, int *fdp)
{
    struct proc_daemon d;

    server_daemon(&r->srv[i], &d);
    if (proc_find(&d, pidp, 1) != 1) {
        return ESRCH;
    }
    *fdp = syscall(SYS_pidfd_open, *pidp, 0);
    return *fdp < 0 ? errno : 0;
}

/* Restarts the dead ovsdb-server of database 'i' in place as the active,
 * within GUARD_RESTART_MS, and watches the new process ('*pidp', '*fdp').
 * Returns 0 once it answers, is active and accepts writes; otherwise a
 * positive errno value with the reason in 'msg'. */
static int
guard_restart(struct rsc *r, int i, pid_t *pidp, int *fdp, char *msg,
              size_t size)
{
    const struct server *s = &r->srv[i];
    char sync_from[SOURCE_TARGET_MAX];
    struct decide_input in;
    struct repl_status st;
    bool writable = false;
    int error;

    r->deadline = deadline_after(GUARD_RESTART_MS);
    /* kill -9 leaves the pidfile behind. */
    server_forget_pidfile(s);
    server_sync_target(s, &r->p, sync_from, sizeof sync_from);
    error = server_start(s, sync_from, true, r->deadline, msg, size);
    if (error) {
        return error;
    }
    /* What promote does: active, writable, listening through the
     * database's Connection row and on this node's own address. */
    observe_servers(r, DECIDE_EXPECT_ANY, &in);
    error = roles_make_active(r, &in, msg, size);
    if (error) {
        return error;
    }
    error = repl_get_status(s->ctl, s->db_name, r->deadline, &st);
    if (!error) {
        error = repl_probe_writable(s->sock, s->db_name, r->deadline,
                                    &writable);
    }
    if (error || st.role != REPL_ROLE_ACTIVE || !writable) {
        snprintf(msg, size, "%s is not an active writable database after "
                 "its restart%s%s", s->name, error ? ": " : "",
                 error ? strerror(error) : "");
        return error ? error : EPROTO;
    }
    error = guard_watch(r, i, pidp, fdp);
    if (error) {
        snprintf(msg, size, "cannot watch the restarted %s: %s", s->name,
                 strerror(error));
    }
    return error;
}

/* Publishes the restart of 'what' at 'at_ms' in <rsc>-status. */
static void
guard_publish(struct rsc *r, const char *what, long long at_ms)
{
    const struct status_input s = {
        .state = DECIDE_ACTIVE,
        .restarted = what,
        .restarted_ms = at_ms,
    };

    r->deadline = deadline_after(GUARD_REPORT_MS);
    status_publish(r, &s, true);
}

/* Deals with the servers whose pidfd in 'pfds' fired: restarts them, or
 * reports them.  Returns true if the guard must end. */
static bool
guard_on_exit(struct rsc *r, const char *token, struct pollfd pfds[2],
              pid_t pids[2])
{
    const char *dead = NULL, *restarted = NULL;
    long long t0 = clock_mono_ms(), at = 0;
    int lock, i, error;
    bool end = false;

    /* Did the other server die too?  Let one kill of both land, then
     * look again. */
    deadline_sleep(GUARD_SETTLE_MS, deadline_after(GUARD_SETTLE_MS));
    if (poll(pfds, 2, 0) < 0) {
        pfds[0].revents = pfds[1].revents = POLLIN;
    }
    /* Demote, stop and the monitor wait while this holds the lock. */
    error = guard_lock(r, deadline_after(GUARD_LOCK_WAIT_MS), &lock);
    if (error) {
        log_warn("guard: cannot take its lock: %s", strerror(error));
    }
    for (i = 0; i < 2 && !end; i++) {
        long long last[2], now = clock_wall_ms();
        enum guard_action what;
        char msg[256];

        if (!pfds[i].revents) {
            continue;
        }
        guard_read_restarts(r, last);
        what = guard_decide(guard_wanted(r, token), !pfds[1 - i].revents,
                            last[i], now);
        if (what == GUARD_RESTART && error) {
            what = GUARD_REPORT;
        }
        if (what == GUARD_QUIT) {
            end = true;         /* Demoted or stopped: nothing to say. */
        } else if (what == GUARD_REPORT) {
            if (pfds[1 - i].revents) {
                log_err("both servers exited on the active node %s",
                        r->cl.node);
            } else if (last[i] > 0) {
                log_err("%s exited again within %d minutes of its restart "
                        "by the guard", r->srv[i].name,
                        GUARD_RESTART_WINDOW_MS / 60000);
            }
            dead = r->srv[i].name;
            end = true;
        } else {
            /* Recorded first: a restart that kills the guard still
             * counts. */
            last[i] = now;
            guard_write_restarts(r, last);
            log_warn("%s exited on the active node %s: the guard restarts "
                     "it in place", r->srv[i].name, r->cl.node);
            close(pfds[i].fd);
            pfds[i].fd = -1;
            if (guard_restart(r, i, &pids[i], &pfds[i].fd, msg,
                              sizeof msg)) {
                log_err("guard: the restart of %s failed: %s",
                        r->srv[i].name, msg);
                /* Left as it was found, for Pacemaker to recover. */
                server_stop(&r->srv[i], deadline_after(GUARD_RESTART_MS));
                dead = r->srv[i].name;
                end = true;
            } else {
                log_info("%s restarted by the guard as the active (pid "
                         "%ld) in %lld ms", r->srv[i].name, (long) pids[i],
                         clock_mono_ms() - t0);
                restarted = r->srv[i].name;
                at = now;
            }
        }
    }
    if (dead) {
        /* Reporting ends this guard: its token goes (if still its own,
         * under the lock, so that a new promotion's is never removed). */
        if (guard_wanted(r, token)) {
            guard_dismiss(r);
        } else {
            dead = NULL;
        }
    }
    guard_unlock(lock);
    if (dead) {
        guard_report(r, dead);
    } else if (restarted) {
        guard_publish(r, restarted, at);
    }
    return end;
}

void
guard_run(struct rsc *r)
{
    const char *token = getenv(GUARD_TOKEN_ENV);
    struct pollfd pfds[2] = { { .fd = -1 }, { .fd = -1 } };
    pid_t pids[2];
    int i, round;

    if (!token || !guard_wanted(r, token)) {
        return;
    }
    for (i = 0; i < 2; i++) {
        int error = guard_watch(r, i, &pids[i], &pfds[i].fd);

        pfds[i].events = POLLIN;
        if (error == ESRCH) {
            goto out;           /* Already gone: the monitor's business. */
        } else if (error) {
            log_warn("cannot guard the active: pidfd_open: %s",
                     strerror(error));
            goto out;
        }
    }
    log_info("guarding NB (pid %ld) and SB (pid %ld) on the active node",
             (long) pids[0], (long) pids[1]);
    for (round = 1; ; round++) {
        int n = poll(pfds, 2, GUARD_CHECK_MS);

        if (n < 0 && errno != EINTR) {
            log_warn("guard: poll: %s", strerror(errno));
            break;
        }
        if (!guard_wanted(r, token)) {
            break;              /* Demoted or stopped: nothing to say. */
        }
        if (n > 0) {
            if (guard_on_exit(r, token, pfds, pids)) {
                break;
            }
            continue;
        }
        if (!(round % GUARD_ROLE_EVERY) && !guard_still_active(r)) {
            break;
        }
    }
out:
    for (i = 0; i < 2; i++) {
        if (pfds[i].fd >= 0) {
            close(pfds[i].fd);
        }
    }
}
