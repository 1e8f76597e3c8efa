/* SPDX-License-Identifier: Apache-2.0 */
/* Absolute deadlines on the monotonic clock (see clock.h), in
 * milliseconds.
 *
 * Every wait in the helper (socket I/O, child processes, polling a server
 * until it changes role) is bounded by a deadline taken from this module,
 * so that no action can outlive Pacemaker's operation timeout. */
#ifndef DEADLINE_H
#define DEADLINE_H 1

/* Returns the absolute deadline 'ms' milliseconds from now. */
long long deadline_after(long long ms);

/* Returns the milliseconds left until 'deadline', clamped to [0, INT_MAX],
 * suitable as a poll() timeout. */
int deadline_left(long long deadline);

/* Returns true if 'deadline' has passed. */
int deadline_expired(long long deadline);

/* Sleeps for 'ms' milliseconds, but never past 'deadline'. */
void deadline_sleep(int ms, long long deadline);

#endif /* deadline.h */
