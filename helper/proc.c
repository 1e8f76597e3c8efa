/* SPDX-License-Identifier: Apache-2.0 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "log.h"

static bool proc_gone(pid_t, const char *comm);

/* Reads the file at 'path' (a pidfile, or a small file of /proc) into
 * 'buf', NUL-terminated, at most 'size' - 1 bytes.  Returns the number of
 * bytes read (0 for an empty file), or -1 with errno set. */
static ssize_t
proc_read(const char *path, char *buf, size_t size)
{
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return -1;
    }
    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, size - 1 - len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        len += (size_t) n;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t) len;
}

/* Reads /proc/PID/'what' of 'pid' into 'buf' likewise. */
static ssize_t
proc_read_pid(pid_t pid, const char *what, char *buf, size_t size)
{
    char path[64];

    snprintf(path, sizeof path, "/proc/%ld/%s", (long) pid, what);
    return proc_read(path, buf, size);
}

int
proc_pidfile_pid(const char *pidfile, const char *comm, pid_t *pidp)
{
    char buf[64], name[32];
    ssize_t n;
    long pid;

    *pidp = 0;
    n = proc_read(pidfile, buf, sizeof buf);
    if (n < 0) {
        return errno == ENOENT ? ESRCH : errno;
    }
    if (!n) {
        return ESRCH;
    }
    pid = strtol(buf, NULL, 10);
    if (pid <= 1) {
        return ESRCH;
    }

    if (proc_read_pid((pid_t) pid, "comm", name, sizeof name) <= 0) {
        return ESRCH;
    }
    name[strcspn(name, "\n")] = '\0';
    if (strcmp(name, comm) || proc_gone((pid_t) pid, comm)) {
        return ESRCH;
    }
    *pidp = (pid_t) pid;
    return 0;
}

/* Returns true if 'pid' no longer runs 'comm' (gone, zombie, or reused). */
static bool
proc_gone(pid_t pid, const char *comm)
{
    char buf[512], *p;

    if (proc_read_pid(pid, "stat", buf, sizeof buf) <= 0) {
        return true;
    }
    /* "pid (comm) S ..." */
    p = strchr(buf, '(');
    if (!p || strncmp(p + 1, comm, strlen(comm))) {
        return true;
    }
    p = strrchr(buf, ')');
    return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
}

int
proc_cpu_ticks(pid_t pid, unsigned long long *ticks)
{
    unsigned long long utime, stime;
    char buf[1024], *p;

    *ticks = 0;
    if (proc_read_pid(pid, "stat", buf, sizeof buf) <= 0) {
        return ESRCH;
    }
    /* "pid (comm) S ppid ... utime stime": fields 14 and 15; the comm may
     * hold spaces, so count from its closing parenthesis. */
    p = strrchr(buf, ')');
    if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                     "%llu %llu", &utime, &stime) != 2) {
        return ESRCH;
    }
    *ticks = utime + stime;
    return 0;
}

/* Adds 'pid' to 'pids' (of 'n', room for 'max') unless it is there, is
 * not a real process, or does not run 'comm'.  Returns the new count. */
static int
proc_add(pid_t *pids, int n, int max, pid_t pid, const char *comm)
{
    int i;

    if (pid <= 1 || pid == getpid() || proc_gone(pid, comm)) {
        return n;
    }
    for (i = 0; i < n; i++) {
        if (pids[i] == pid) {
            return n;
        }
    }
    if (n < max) {
        pids[n++] = pid;
    }
    return n;
}

/* Finds the holders of POSIX locks on the file at 'path' in /proc/locks. */
static int
proc_find_lock(const char *path, const char *comm, pid_t *pids, int n,
               int max)
{
    struct stat st;
    char line[256];
    FILE *f;

    if (!path || stat(path, &st)) {
        return n;
    }
    f = fopen("/proc/locks", "re");
    if (!f) {
        return n;
    }
    /* "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; a blocked
     * waiter's line has "->" after the number. */
    while (fgets(line, sizeof line, f)) {
        unsigned int major, minor;
        unsigned long long ino;
        char kind[16];
        long pid;

        if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%llu", kind, &pid,
                   &major, &minor, &ino) == 5
            && !strcmp(kind, "POSIX") && ino == (unsigned long long) st.st_ino
            && makedev(major, minor) == st.st_dev) {
            n = proc_add(pids, n, max, (pid_t) pid, comm);
        }
    }
    fclose(f);
    return n;
}

/* Finds the owners of the listening Unix socket bound at 'path'. */
static int
proc_find_socket(const char *path, const char *comm, pid_t *pids, int n,
                 int max)
{
    unsigned long inodes[8];
    int n_inodes = 0, i;
    char line[512];
    struct dirent *de;
    DIR *proc;
    FILE *f;

    if (!path) {
        return n;
    }
    f = fopen("/proc/net/unix", "re");
    if (!f) {
        return n;
    }
    /* "Num RefCount Protocol Flags Type St Inode Path" */
    while (fgets(line, sizeof line, f) && n_inodes < 8) {
        unsigned long inode;
        int len = 0;

        line[strcspn(line, "\n")] = '\0';
        if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %n", &inode, &len) == 1
            && len && !strcmp(line + len, path)) {
            inodes[n_inodes++] = inode;
        }
    }
    fclose(f);
    if (!n_inodes) {
        return n;
    }
    proc = opendir("/proc");
    if (!proc) {
        return n;
    }
    for (de = readdir(proc); de; de = readdir(proc)) {
        char dir[64], fd_path[320], target[64];
        struct dirent *fde;
        long pid = strtol(de->d_name, NULL, 10);
        DIR *fds;

        if (pid <= 1 || proc_gone((pid_t) pid, comm)) {
            continue;
        }
        snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
        fds = opendir(dir);
        if (!fds) {
            continue;
        }
        for (fde = readdir(fds); fde; fde = readdir(fds)) {
            ssize_t len;

            snprintf(fd_path, sizeof fd_path, "%s/%s", dir, fde->d_name);
            len = readlink(fd_path, target, sizeof target - 1);
            if (len <= 0) {
                continue;
            }
            target[len] = '\0';
            for (i = 0; i < n_inodes; i++) {
                char want[32];

                snprintf(want, sizeof want, "socket:[%lu]", inodes[i]);
                if (!strcmp(target, want)) {
                    n = proc_add(pids, n, max, (pid_t) pid, comm);
                }
            }
        }
        closedir(fds);
    }
    closedir(proc);
    return n;
}

/* Returns true if the command line of 'pid' has an argument that
 * contains 'needle'. */
static bool
proc_cmdline_has(pid_t pid, const char *needle)
{
    char buf[8192];
    ssize_t len = proc_read_pid(pid, "cmdline", buf, sizeof buf);
    ssize_t i;

    /* The arguments, each ended by a NUL. */
    for (i = 0; i < len; i += strlen(buf + i) + 1) {
        if (strstr(buf + i, needle)) {
            return true;
        }
    }
    return false;
}

int
proc_find(const struct proc_daemon *d, pid_t *pids, int max)
{
    pid_t pid;
    int n;

    n = proc_find_lock(d->lockfile, d->comm, pids, 0, max);
    n = proc_find_socket(d->ctl, d->comm, pids, n, max);
    /* A pidfile may lie (it may name another resource's server): its pid
     * counts only if the process was started with that pidfile. */
    if (!proc_pidfile_pid(d->pidfile, d->comm, &pid)
        && proc_cmdline_has(pid, d->pidfile)) {
        n = proc_add(pids, n, max, pid, d->comm);
    }
    return n;
}

int
proc_kill_all(const struct proc_victim *v, int n, int grace_ms,
              long long deadline, char *msg, size_t size)
{
    long long kill_at = deadline_after(grace_ms);
    bool killed = false;
    int i, left;

    for (i = 0; i < n; i++) {
        log_info("stopping %s (pid %ld)", v[i].name, (long) v[i].pid);
        kill(v[i].pid, SIGTERM);
        kill(v[i].pid, SIGCONT);
    }
    for (;;) {
        left = 0;
        for (i = 0; i < n; i++) {
            left += !proc_gone(v[i].pid, v[i].comm);
        }
        if (!left || deadline_expired(deadline)) {
            break;
        }
        if (!killed && deadline_expired(kill_at)) {
            for (i = 0; i < n; i++) {
                if (!proc_gone(v[i].pid, v[i].comm)) {
                    log_warn("%s (pid %ld) did not exit after SIGTERM; "
                             "sending SIGKILL", v[i].name, (long) v[i].pid);
                    kill(v[i].pid, SIGKILL);
                }
            }
            killed = true;
        }
        deadline_sleep(10, killed ? deadline : kill_at);
    }
    if (!left) {
        return 0;
    }
    msg[0] = '\0';
    for (i = 0; i < n; i++) {
        size_t len = strlen(msg);

        if (!proc_gone(v[i].pid, v[i].comm) && len < size) {
            snprintf(msg + len, size - len, "%s%s (pid %ld)",
                     len ? ", " : "", v[i].name, (long) v[i].pid);
        }
    }
    log_err("%s still run%s after SIGKILL", msg, left > 1 ? "" : "s");
    return ETIMEDOUT;
}
