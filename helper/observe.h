/* SPDX-License-Identifier: Apache-2.0 */
/* What this node's servers are doing now, as the input of decide.h: for
 * each database whether its ovsdb-server runs and answers, its role and
 * replication link, whether it replicates from the chosen source; for
 * backups, whether that source is alive, and what the score needs when
 * they are not in sync.  Changes nothing in the servers or the cluster;
 * writes only its own note of the replication sessions it found, in
 * run_dir, so that the next monitor can ask the kernel for them alone. */
#ifndef OBSERVE_H
#define OBSERVE_H 1

#include "decide.h"

struct rsc;

/* How long a server may take to answer its control socket, without using
 * any CPU meanwhile, before it counts as hung.  A healthy ovsdb-server
 * answers sync-status in about a millisecond; one that is late but works
 * (resynchronising a large database blocks it for seconds, using CPU all
 * along) gets the rest of the operation's time.  One that neither answers
 * nor runs for 3 s (SIGSTOPped, deadlocked, stuck in I/O) is hung: the
 * monitor says so in about 3 s instead of waiting out its timeout. */
#define OBSERVE_ANSWER_MS 3000

/* Time kept, after observing, for writing the promotion score. */
#define OBSERVE_RESERVE_MS 1000

/* How long the second server's reply is still awaited once the first
 * (hung) has used up the shared wait: enough to read a reply that is
 * already there, so that a healthy server is not taken for hung. */
#define OBSERVE_LATE_MS 50

/* How long reading the kernel's view of a replication session may take
 * (one netlink lookup when the session is the one the last monitor found;
 * otherwise a dump and a look at the server's descriptors: about a
 * millisecond on a backup). */
#define OBSERVE_DIAG_MS 500

/* Fills 'in' with what the servers of 'r' report, asking both at once so
 * that a hung one costs no more than its own wait.  'expect' is the role
 * Pacemaker expects (with backups expected, the source is asked ahead). */
void observe_servers(struct rsc *r, enum decide_expect expect,
                     struct decide_input *in);

/* Adds to 'in' what it takes to tell whether two backups are in sync:
 * whether the source answers (only while the backups say they replicate;
 * the text stays "replicating" after the source died) and whether the
 * session with it still carries data (a silently dropped flow keeps
 * "replicating" too), and if not in
 * sync, whether they hold data and whether this node was the last
 * active. */
void observe_sync(struct rsc *r, struct decide_input *in);

/* Forgets the replication sessions observe_sync() remembers in run_dir
 * from one monitor to the next (stop). */
void observe_forget_sessions(const struct rsc *r);

#endif /* observe.h */
