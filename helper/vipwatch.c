/* SPDX-License-Identifier: Apache-2.0 */
#include "vipwatch.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "deadline.h"
#include "jsonrpc.h"
#include "log.h"
#include "rsc.h"
#include "unixctl.h"

/* How long one wake-up request or connection attempt may take. */
#define VIPWATCH_TRY_MS 200

void
vipwatch_spawn(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *argv[] = { exe, "watch-vip", NULL };
    int error;

    if (n <= 0) {
        log_warn("cannot find this program to watch master_ip: %s",
                 strerror(errno));
        return;
    }
    exe[n] = '\0';
    error = child_spawn_detached(argv);
    if (error) {
        log_warn("cannot start the watcher of master_ip: %s",
                 strerror(error));
    }
}

/* Wakes the server of database 'i' and returns true if a client can
 * connect to it on master_ip. */
static bool
vipwatch_try(struct rsc *r, int i)
{
    const struct params_db *db = i == 0 ? &r->p.nb : &r->p.sb;
    struct jsonrpc_conn *conn;
    char *reply = NULL, *err = NULL;

    unixctl_call(r->srv[i].ctl, "version", NULL, 0,
                 deadline_after(VIPWATCH_TRY_MS), &reply, &err);
    free(reply);
    free(err);
    if (jsonrpc_open_tcp(r->p.master_ip, db->port,
                         deadline_after(VIPWATCH_TRY_MS), &conn)) {
        return false;
    }
    jsonrpc_close(conn);
    return true;
}

void
vipwatch_run(struct rsc *r)
{
    long long until = deadline_after(VIPWATCH_WAIT_MS);
    bool logged = false;

    while (!deadline_expired(until)) {
        pid_t pid;

        if (server_pid(&r->srv[0], &pid) || server_pid(&r->srv[1], &pid)) {
            return;             /* Stopped meanwhile. */
        }
        if (addr_is_local(r->p.master_ip)) {
            /* Both are tried each time: each try wakes its server. */
            bool nb = vipwatch_try(r, 0);
            bool sb = vipwatch_try(r, 1);

            if (nb && sb) {
                log_info("master_ip %s is up: NB and SB listen on it",
                         r->p.master_ip);
                return;
            }
        } else if (!logged) {
            log_info("waiting for master_ip %s to come up on this node",
                     r->p.master_ip);
            logged = true;
        }
        deadline_sleep(20, until);
    }
    log_info("master_ip %s did not come up with NB and SB listening on it "
             "within %d s", r->p.master_ip, VIPWATCH_WAIT_MS / 1000);
}
