/* SPDX-License-Identifier: Apache-2.0 */
/* The small state files the agent keeps next to the databases and in
 * run_dir (the freshness record, the score cache, the replication source):
 * never through a symlink, and written whole or not at all.  A write goes
 * to a temporary file with a unique name, created relative to the
 * directory with O_CREAT | O_EXCL | O_NOFOLLOW, then fsync, rename over
 * the file, fsync of the directory.  Failures are logged once, with the
 * path and the error, and returned. */
#ifndef STATEFILE_H
#define STATEFILE_H 1

#include <stdbool.h>
#include <stddef.h>

/* Replaces the file at 'path' with the 'len' bytes of 'data'.  Returns 0
 * or a positive errno value (ELOOP: 'path' is a symlink, left alone). */
int statefile_write(const char *path, const char *data, size_t len);

/* Rewrites the file at 'path' in place with the 'len' bytes of 'data' if
 * it is a regular file (not a symlink) of exactly 'len' bytes: one open
 * and one small write into one block, no fsync, which a monitor can afford
 * every time (the caller accepts that a crash may lose the last rewrite).
 * Returns true if it did; otherwise the caller writes the file with
 * statefile_write(). */
bool statefile_rewrite(const char *path, const char *data, size_t len);

/* Reads the file at 'path' into 'buf' (NUL-terminated, at most 'size' - 1
 * bytes).  Returns 0, ENOENT if there is none, ELOOP if it is a symlink,
 * or another positive errno value. */
int statefile_read(const char *path, char *buf, size_t size);

/* Removes the file at 'path'.  Returns 0 (also if there was none) or a
 * positive errno value. */
int statefile_remove(const char *path);

#endif /* statefile.h */
