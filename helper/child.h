/* SPDX-License-Identifier: Apache-2.0 */
/* Running other programs: the helper's only way to execute anything.
 *
 * Programs run from a fixed argv with posix_spawnp(), never through a shell,
 * with stdin on /dev/null and their stdout/stderr captured, and are killed
 * when the caller's deadline passes. */
#ifndef CHILD_H
#define CHILD_H 1

#include <stdbool.h>
#include <stddef.h>

/* Prepares this process to run programs; main() calls it first.  Resets
 * SIGCHLD to its default (a parent that ignores it would make every
 * child's exit invisible to waitpid()) and marks every inherited
 * descriptor from 3 up close-on-exec. */
void child_init(void);

struct child_result {
    int status;         /* Exit code, or 128 + signal number. */
    char *out;          /* Captured stdout, NUL-terminated, never NULL. */
    char *err;          /* Captured stderr, NUL-terminated, never NULL. */
};

/* Runs 'argv' (argv[0] is looked up in PATH) and waits for it to exit, at
 * most until 'deadline'.  Output is captured until the program exits, not
 * until its pipes close, so a program that daemonizes (ovsdb-server
 * --detach) returns as soon as its parent process exits; what is in the
 * pipes then is read, at most CHILD_MAX_OUTPUT (1 MiB) per stream and not
 * past 'deadline'.  At the deadline the program's process group (it and
 * whatever it started that did not leave the group) is killed.
 *
 * Returns 0 if the program ran and exited (whatever its status) and fills
 * 'result', which the caller releases with child_result_free().  Returns a
 * positive errno value if it could not be started (ENOENT if not found) or,
 * ETIMEDOUT, if it was killed at the deadline; 'result' is then empty. */
int child_run(const char *const argv[], long long deadline,
              struct child_result *result);

/* Starts 'argv' (argv[0] is an absolute path) in a session of its own,
 * with stdin, stdout and stderr on /dev/null, and does not wait for it:
 * it outlives the caller, and must bound its own run time.  Returns 0 or
 * a positive errno value. */
int child_spawn_detached(const char *const argv[]);

/* child_run() in two halves, so that several programs run at once:
 * child_start() starts 'argv' and stores a handle in '*cp' (NULL on
 * failure); child_finish() waits for it as child_run() does, fills
 * 'result' the same way and releases the handle, whatever it returns.
 * Each returns 0 or a positive errno value. */
struct child;
int child_start(const char *const argv[], struct child **cp);
int child_finish(struct child *c, long long deadline,
                 struct child_result *result);

/* Frees the buffers in 'result'.  Accepts a zeroed result. */
void child_result_free(struct child_result *result);

/* Returns a one-line summary of 'result' for logs and exit reasons: the
 * last non-empty line of stderr (or stdout), at most 'size' - 1 bytes,
 * written into 'buf'.  Returns 'buf'. */
char *child_result_line(const struct child_result *result, char *buf,
                        size_t size);

/* Returns true if an executable 'name' is in $PATH (or, without PATH, in
 * the usual system directories), as execvp() would find it. */
bool child_in_path(const char *name);

#endif /* child.h */
