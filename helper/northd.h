/* SPDX-License-Identifier: Apache-2.0 */
/* ovn-northd, which the active node runs with manage_northd=yes: its pid,
 * starting it against the local NB and SB sockets, and stopping it. */
#ifndef NORTHD_H
#define NORTHD_H 1

#include <stddef.h>
#include <sys/types.h>

struct params;

/* Returns 0 and the pid of the ovn-northd of run_dir in '*pidp' if it
 * runs; ESRCH if not (see proc_pidfile_pid()). */
int northd_pid(const struct params *p, pid_t *pidp);

/* Starts ovn-northd unless it runs.  Returns 0 or a positive errno value
 * with an explanation in 'msg'. */
int northd_start(const struct params *p, long long deadline, char *msg,
                 size_t size);

/* Stops ovn-northd if it runs.  Returns 0, or ETIMEDOUT if it still runs
 * at 'deadline'. */
int northd_stop(const struct params *p, long long deadline);

#endif /* northd.h */
