/* SPDX-License-Identifier: Apache-2.0 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "log.h"

static bool proc_gone(pid_t, const char *comm);

int
proc_pidfile_pid(const char *pidfile, const char *comm, pid_t *pidp)
{
    char buf[64], path[64], name[32];
    long pid;
    ssize_t n;
    int fd;

    *pidp = 0;
    fd = open(pidfile, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? ESRCH : errno;
    }
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return ESRCH;
    }
    buf[n] = '\0';
    pid = strtol(buf, NULL, 10);
    if (pid <= 1) {
        return ESRCH;
    }

    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return ESRCH;
    }
    n = read(fd, name, sizeof name - 1);
    close(fd);
    if (n <= 0) {
        return ESRCH;
    }
    name[n] = '\0';
    name[strcspn(name, "\n")] = '\0';
    if (strcmp(name, comm) || proc_gone((pid_t) pid, comm)) {
        return ESRCH;
    }
    *pidp = (pid_t) pid;
    return 0;
}

int
proc_stop_wait(pid_t pid, const char *comm, const char *pidfile,
               long long deadline)
{
    long long start = clock_mono_ms();
    long long span = deadline - start;
    long long term_at = start + span / 3;
    long long kill_at = start + span * 2 / 3;
    bool termed = false, killed = false;

    while (!proc_gone(pid, comm)) {
        long long now = clock_mono_ms();

        if (now >= deadline) {
            log_err("process %ld (%s) still runs after SIGKILL",
                    (long) pid, comm);
            return ETIMEDOUT;
        }
        if (!termed && now >= term_at) {
            log_warn("%s (pid %ld) did not exit; sending SIGTERM", comm,
                     (long) pid);
            kill(pid, SIGTERM);
            termed = true;
        } else if (!killed && now >= kill_at) {
            log_warn("%s (pid %ld) did not exit; sending SIGKILL", comm,
                     (long) pid);
            kill(pid, SIGKILL);
            killed = true;
        }
        deadline_sleep(10, deadline);
    }
    if (unlink(pidfile) && errno != ENOENT) {
        log_warn("cannot remove %s: %s", pidfile, strerror(errno));
    }
    return 0;
}

/* Returns true if 'pid' no longer runs 'comm' (gone, zombie, or reused). */
static bool
proc_gone(pid_t pid, const char *comm)
{
    char path[64], buf[512], *p;
    ssize_t n;
    int fd;

    snprintf(path, sizeof path, "/proc/%ld/stat", (long) pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return true;
    }
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return true;
    }
    buf[n] = '\0';
    /* "pid (comm) S ..." */
    p = strchr(buf, '(');
    if (!p || strncmp(p + 1, comm, strlen(comm))) {
        return true;
    }
    p = strrchr(buf, ')');
    return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
}
