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

/* Waits for 'pid' (running 'comm') to go away, sending SIGTERM after a
 * third of the time left until 'deadline' and SIGKILL after two thirds,
 * then removes 'pidfile' if it is left.  Returns 0 once it is gone, or
 * ETIMEDOUT if it still runs at 'deadline'. */
int proc_stop_wait(pid_t pid, const char *comm, const char *pidfile,
                   long long deadline);

#endif /* proc.h */
