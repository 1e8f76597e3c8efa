/* SPDX-License-Identifier: Apache-2.0 */
/* The lossless planned switchover, at the action level: the demoted active
 * writes the handover marker (handover.h) as its last transaction and
 * publishes it as a node attribute; the node being promoted waits until
 * its own copy holds that marker, and so everything written before it. */
#ifndef SWITCHOVER_H
#define SWITCHOVER_H 1

#include <stdbool.h>
#include <stddef.h>

struct rsc;

/* How long a new active waits for the demoted node's marker attribute. */
#define SWITCHOVER_ATTR_WAIT_MS 3000

/* How long a new active waits, at most, for the old active's marker to
 * reach its copy (bounded by the promote timeout too). */
#define SWITCHOVER_WAIT_MS 20000

/* Writes the handover marker into both databases of this (demoted) node
 * and publishes it for the node to be promoted.  Returns the time in the
 * marker (ms since the epoch). */
long long switchover_write_marker(struct rsc *r);

/* At promote: if a node demoted in this transition left a handover marker,
 * waits until this node's copy holds it, and then stores that node's name
 * in 'handed'.  Returns 0, or EAGAIN with the reason in 'msg' if the
 * marker did not arrive in time. */
int switchover_await(struct rsc *r, char *handed, size_t handed_size,
                     char *msg, size_t size);

/* Returns true if this node's copy holds the handover marker that 'node'
 * wrote when it was last demoted: it then has everything 'node' had.
 * Sets '*published' to whether 'node' publishes a marker at all (a
 * transient attribute: none after the whole cluster restarted). */
bool switchover_holds_marker(struct rsc *r, const char *node,
                             bool *published);

#endif /* switchover.h */
