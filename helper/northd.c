/* SPDX-License-Identifier: Apache-2.0 */
#include "northd.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "deadline.h"
#include "log.h"
#include "params.h"
#include "proc.h"

#define NORTHD_COMM "ovn-northd"

/* Most ovn-northd processes found at once (normally one). */
#define NORTHD_MAX_PROCS 4

int
northd_pid(const struct params *p, pid_t *pidp)
{
    char pidfile[PATH_MAX];

    snprintf(pidfile, sizeof pidfile, "%s/ovn-northd.pid", p->run_dir);
    return proc_pidfile_pid(pidfile, NORTHD_COMM, pidp);
}

int
northd_start(const struct params *p, long long deadline, char *msg,
                    size_t size)
{
    char pidfile[PATH_MAX + 16], logfile[PATH_MAX + 16], ctl[PATH_MAX + 16];
    char nb[PATH_MAX + 32], sb[PATH_MAX + 32], line[200];
    struct child_result r;
    pid_t pid;
    int error;

    if (!northd_pid(p, &pid)) {
        return 0;
    }
    snprintf(pidfile, sizeof pidfile, "--pidfile=%s/ovn-northd.pid",
             p->run_dir);
    snprintf(logfile, sizeof logfile, "--log-file=%s/ovn-northd.log",
             p->log_dir);
    snprintf(ctl, sizeof ctl, "--unixctl=%s/ovn-northd.ctl", p->run_dir);
    snprintf(nb, sizeof nb, "--ovnnb-db=unix:%s/ovnnb_db.sock", p->run_dir);
    snprintf(sb, sizeof sb, "--ovnsb-db=unix:%s/ovnsb_db.sock", p->run_dir);
    {
        const char *argv[] = { "ovn-northd", "-vconsole:off", "-vfile:info",
                               logfile, pidfile, ctl, nb, sb, "--detach",
                               "--no-chdir", NULL };

        log_info("starting ovn-northd");
        error = child_run(argv, deadline, &r);
    }
    if (error) {
        snprintf(msg, size, "ovn-northd did not start: %s",
                 error == ENOENT ? "ovn-northd not found in PATH"
                 : strerror(error));
        return error;
    }
    if (r.status != 0) {
        snprintf(msg, size, "ovn-northd exited with %d: %s", r.status,
                 child_result_line(&r, line, sizeof line));
        child_result_free(&r);
        return EIO;
    }
    child_result_free(&r);
    return 0;
}

int
northd_stop(const struct params *p, long long deadline)
{
    char pidfile[PATH_MAX + 16], ctl[PATH_MAX + 16], msg[256];
    struct proc_victim victims[NORTHD_MAX_PROCS];
    pid_t pids[NORTHD_MAX_PROCS];
    struct proc_daemon d = {
        .name = NORTHD_COMM, .comm = NORTHD_COMM, .pidfile = pidfile,
        .lockfile = pidfile, .ctl = ctl,
    };
    int n, i;

    snprintf(pidfile, sizeof pidfile, "%s/ovn-northd.pid", p->run_dir);
    snprintf(ctl, sizeof ctl, "%s/ovn-northd.ctl", p->run_dir);
    n = proc_find(&d, pids, NORTHD_MAX_PROCS);
    for (i = 0; i < n; i++) {
        victims[i] = (struct proc_victim) {
            .pid = pids[i], .comm = NORTHD_COMM, .name = NORTHD_COMM,
        };
    }
    if (!n || !proc_kill_all(victims, n, deadline_left(deadline) / 2,
                             deadline, msg, sizeof msg)) {
        if (unlink(pidfile) && errno != ENOENT) {
            log_warn("cannot remove %s: %s", pidfile, strerror(errno));
        }
        return 0;
    }
    return ETIMEDOUT;
}
