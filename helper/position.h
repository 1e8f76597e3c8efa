/* SPDX-License-Identifier: Apache-2.0 */
/* Where this node's copy stands by what it holds (struct decide_position):
 * for each database, how long ago data last reached it, from the database
 * file itself (its modification time, which every transaction the server
 * commits moves, replicated or local) and, while the backup still has its
 * replication session, from the kernel's view of that session, whichever
 * is older (a stalled session receives nothing, even if the file was
 * rewritten meanwhile by a compaction); and which promotion the data comes
 * from.  Measured at the pre-promote notification, when every node of the
 * transition measures its own, and kept in run_dir for the promote that
 * follows on this node. */
#ifndef POSITION_H
#define POSITION_H 1

#include <stdbool.h>

#include "decide.h"

struct rsc;

/* A kept position older than this (ms, monotonic) is from another round
 * and is measured again. */
#define POSITION_KEEP_MS 120000

/* Measures the position of the copy of 'r', with 'epoch' the time in the
 * promotion record it holds (0 if none), into 'pos'. */
void position_measure(struct rsc *r, long long epoch,
                      struct decide_position *pos);

/* Keeps 'pos', measured for the notification round 'round' (a key of its
 * node lists), in run_dir.  Failures are logged only. */
void position_keep(struct rsc *r, const struct decide_position *pos,
                   unsigned long long round);

/* Reads back, once (it is removed), the position kept by position_keep()
 * within the last POSITION_KEEP_MS.  Returns false if there is none. */
bool position_kept(struct rsc *r, struct decide_position *pos);

/* Like position_kept(), but leaves the position kept (for a look before
 * the promote that will use it). */
bool position_peek(struct rsc *r, struct decide_position *pos);

/* Returns true if a position is kept, not read yet, for round 'round'
 * within the last POSITION_KEEP_MS: the round was notified again
 * (Pacemaker recomputes a transition that a cluster write aborted, and
 * notifies it anew), and publishing again would only abort it again. */
bool position_kept_for(struct rsc *r, unsigned long long round);

/* Returns the age (ms) of the last transaction in the database file at
 * 'path': now less its modification time, if the file holds a
 * transaction after its first two records (a schema and a snapshot, as
 * ovsdb-server's compaction leaves it, whose time is that of the
 * compaction, not of data); -1 otherwise or on error. */
long long position_file_age(const char *path);

#endif /* position.h */
