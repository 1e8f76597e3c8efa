/* SPDX-License-Identifier: Apache-2.0 */
/* Daemons known by their pidfile (ovsdb-server, ovn-northd): finding the
 * live process a pidfile names, and stopping it within a deadline.  A pid
 * counts only while /proc says it runs the expected program, so that a
 * stale pidfile or a reused pid never gets a signal. */
#ifndef PROC_H
#define PROC_H 1

#include <sys/types.h>

/* Reads the pid of a live process called 'comm' from 'pidfile'.  Returns 0
 * and stores it in '*pidp' if it runs; ESRCH if there is no pidfile, or it
 * names a process that is gone, a zombie, or not 'comm'; another positive
 * errno value if the pidfile cannot be read. */
int proc_pidfile_pid(const char *pidfile, const char *comm, pid_t *pidp);

/* Stores in '*ticks' the CPU time (user and system, in clock ticks) that
 * 'pid' has used.  Returns 0, or ESRCH if it is gone. */
int proc_cpu_ticks(pid_t pid, unsigned long long *ticks);

/* A daemon of this resource, with every way to find its processes. */
struct proc_daemon {
    const char *name;           /* For messages: "NB ovsdb-server". */
    const char *comm;           /* Its program name in /proc. */
    const char *pidfile;
    const char *lockfile;       /* A file it holds a POSIX lock on, or
                                 * NULL. */
    const char *ctl;            /* Its unixctl socket, or NULL. */
};

/* Finds the live processes of 'd': the holder of the lock on its lock
 * file, the owners of its control socket (even when the pidfile is gone or
 * lies), and the pid in its pidfile if that process was started with that
 * pidfile; each only if it runs d->comm; never by a match on the name
 * alone.  Stores up to 'max' distinct pids in 'pids' and
 * returns how many. */
int proc_find(const struct proc_daemon *d, pid_t *pids, int max);

/* A process to stop, and what it is, for messages. */
struct proc_victim {
    pid_t pid;
    const char *comm;
    const char *name;
};

/* Stops the 'n' processes of 'v' together: SIGTERM at once (with SIGCONT,
 * so that a stopped process handles it), SIGKILL to those left after
 * 'grace_ms', then waits for them until 'deadline'.  Returns 0 once all
 * are gone, or ETIMEDOUT with the survivors named in 'msg'. */
int proc_kill_all(const struct proc_victim *v, int n, int grace_ms,
                  long long deadline, char *msg, size_t size);

#endif /* proc.h */
