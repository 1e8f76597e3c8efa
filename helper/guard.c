/* SPDX-License-Identifier: Apache-2.0 */
#include "guard.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "deadline.h"
#include "log.h"
#include "proc.h"
#include "repl.h"
#include "rsc.h"
#include "statefile.h"

/* The environment variable that passes the token to the guard. */
#define GUARD_TOKEN_ENV "OVNDB_SERVERS_GUARD_TOKEN"

/* Room for a token: "PID:MS". */
#define GUARD_TOKEN_MAX 48

/* How often the guard asks whether the node is still the active. */
#define GUARD_ROLE_EVERY 5

static void
guard_file(const struct rsc *r, char *path, size_t size)
{
    snprintf(path, size, "%s/ovndb-servers.%s.guard", r->p.run_dir,
             r->cl.instance);
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

void
guard_run(struct rsc *r)
{
    const char *token = getenv(GUARD_TOKEN_ENV);
    struct pollfd pfds[2];
    pid_t pids[2];
    int i, round;

    if (!token || !guard_wanted(r, token)) {
        return;
    }
    for (i = 0; i < 2; i++) {
        struct proc_daemon d;

        server_daemon(&r->srv[i], &d);
        if (proc_find(&d, &pids[i], 1) != 1) {
            return;             /* Already gone: the monitor's business. */
        }
        pfds[i].fd = syscall(SYS_pidfd_open, pids[i], 0);
        pfds[i].events = POLLIN;
        if (pfds[i].fd < 0) {
            log_warn("cannot guard the active: pidfd_open: %s",
                     strerror(errno));
            return;
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
            guard_report(r, pfds[0].revents ? r->srv[0].name
                         : r->srv[1].name);
            guard_dismiss(r);
            break;
        }
        if (!(round % GUARD_ROLE_EVERY) && !guard_still_active(r)) {
            break;
        }
    }
    for (i = 0; i < 2; i++) {
        close(pfds[i].fd);
    }
}
