/* SPDX-License-Identifier: Apache-2.0 */
/* The VIP watcher.  master_ip is not on this node at promotion: IPaddr2
 * adds it only after the promotion and its notifications.  ovsdb-server
 * could not listen on it then, and retries only when something wakes it up
 * (up to 2.5 s later if nothing does).  Promote leaves a watcher (this
 * helper, action "watch-vip") that wakes both servers as soon as the
 * address is there. */
#ifndef VIPWATCH_H
#define VIPWATCH_H 1

struct rsc;

/* How long the watcher waits for master_ip to come up, at most. */
#define VIPWATCH_WAIT_MS 10000

/* Starts the watcher, detached.  Failures are logged only. */
void vipwatch_spawn(void);

/* The watcher itself: waits for master_ip, then wakes both ovsdb-servers
 * (any request does; they then bind the listeners they could not) until a
 * client can connect to both on master_ip.  Bounded by VIPWATCH_WAIT_MS;
 * gives up quietly if the servers stopped meanwhile. */
void vipwatch_run(struct rsc *r);

#endif /* vipwatch.h */
