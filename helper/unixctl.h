/* SPDX-License-Identifier: Apache-2.0 */
/* unixctl client: runs one command (ovsdb-server/sync-status, exit...) on
 * a daemon's control socket (ovnnb_db.ctl), the way ovs-appctl does, over
 * the JSON-RPC client of jsonrpc.h. */
#ifndef UNIXCTL_H
#define UNIXCTL_H 1

#include <stddef.h>

/* Runs the command 'cmd' with the 'n_args' string arguments 'args' on the
 * control socket at 'path', on a fresh connection, before 'deadline'.
 *
 * On success returns 0 and sets exactly one of '*replyp' (the server's reply
 * text) and '*errp' (the server's error text), both malloc()'d strings owned
 * by the caller.  On failure returns a positive errno value and sets both to
 * NULL. */
int unixctl_call(const char *path, const char *cmd, const char *const *args,
                 size_t n_args, long long deadline, char **replyp,
                 char **errp);

#endif /* unixctl.h */
