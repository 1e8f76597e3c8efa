/* SPDX-License-Identifier: Apache-2.0 */
/* Freshness of this node's copy of the databases: the wall-clock time (ms
 * since the epoch) at which the agent last saw it current, that is active,
 * or a backup replicating from a live active.  Kept in a small file next to
 * the databases, so that it survives restarts and lets a cold-started
 * cluster promote the newest copy.  0 means never current. */
#ifndef FRESH_H
#define FRESH_H 1

#include <stdbool.h>

/* Returns the recorded freshness of the copy in 'db_dir', or 0.  If
 * 'active' is not NULL, sets it to whether the record was made while the
 * copy was the active one (its content was then final at that time, not
 * merely caught up with some active). */
long long fresh_read(const char *db_dir);
long long fresh_read_role(const char *db_dir, bool *active);

/* Records that the copy in 'db_dir' is current now: as a backup in sync
 * (fresh_touch()) or as the active (fresh_touch_active()).  Returns 0 or a
 * positive errno value. */
int fresh_touch(const char *db_dir);
int fresh_touch_active(const char *db_dir);

/* Records that the copy in 'db_dir' was current at 'ms' (ms since the
 * epoch), as the active if 'active'.  Returns 0 or a positive errno. */
int fresh_record(const char *db_dir, long long ms, bool active);

#endif /* fresh.h */
