/* SPDX-License-Identifier: Apache-2.0 */
/* The resource instance on this node, as one action sees it: its
 * parameters, its two ovsdb-servers (NB and SB), the Pacemaker side, the
 * action's deadline and the replication source of its backups.  Set up
 * once per action from the environment Pacemaker passes; every module of
 * the action layer (observe, roles, election, switchover, vipwatch,
 * actions) works on it. */
#ifndef RSC_H
#define RSC_H 1

#include <stdbool.h>
#include <stddef.h>

#include "cluster.h"
#include "params.h"
#include "server.h"
#include "source.h"

/* Time kept back from Pacemaker's timeout, so that the helper answers
 * before Pacemaker gives up on it. */
#define RSC_MARGIN_MS 1500

/* Room for an IPv4 or IPv6 address in text form. */
#define RSC_ADDR_MAX 64

struct rsc {
    struct params p;
    struct server srv[2];       /* NB, SB. */
    struct cluster cl;
    long long deadline;         /* The action's, RSC_MARGIN_MS before
                                 * Pacemaker's timeout. */
    struct source src;
    char self_addr[RSC_ADDR_MAX];   /* This node's own address on
                                     * master_ip's network ("" until
                                     * needed). */
};

/* Sets up 'r' from the environment for an action whose timeout is
 * 'timeout_ms'.  Returns 0, or EINVAL with an explanation in 'msg' if the
 * parameters are not valid. */
int rsc_init(struct rsc *r, long long timeout_ms, char *msg, size_t size);

/* Sets up 'r' for stop, which always stops: as rsc_init() if the
 * parameters are valid; otherwise with what can be used of them (db_dir,
 * run_dir and log_dir where they are absolute paths, their defaults where
 * not; manage_northd only if it says yes), logging why. */
void rsc_init_for_stop(struct rsc *r, long long timeout_ms);

/* Returns this node's own address on master_ip's network (master_ip itself
 * if none is found). */
const char *rsc_self_addr(struct rsc *r);

/* The probe interval (ms) that ovsdb-server runs on a passive remote
 * without a Connection row, such as the active node's own listener. */
#define RSC_REMOTE_PROBE_MS 5000

/* The stall bound (ms) of database 'i''s replication session from its
 * current source (see decide_stall_bound()): the active runs
 * inactive_probe_interval on it, unless the source is the active node's
 * own listener, which runs ovsdb-server's default. */
long long rsc_stall_bound(const struct rsc *r, int i);

/* Adds or removes the listener of database 'i' on this node's own address,
 * through which an active serves its backups (none is needed when that
 * address is master_ip itself, or in load-balancer mode, which listens on
 * every address).  Returns 0 or a positive errno value. */
int rsc_node_listener(struct rsc *r, int i, bool present);

#endif /* rsc.h */
