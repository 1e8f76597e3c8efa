/* SPDX-License-Identifier: Apache-2.0 */
/* The promotion election, at the action level: how fresh this node's copy
 * is (from what the copy holds and its freshness record; the rules are
 * decide_freshness()), publishing that for the other nodes, the promotion
 * record a new active writes into both databases, and the check at
 * promote that no peer holds a newer copy (decide_election()). */
#ifndef ELECTION_H
#define ELECTION_H 1

#include <stdbool.h>
#include <stddef.h>

struct rsc;

/* Returns the freshness of this node's copy (see decide_freshness()) and
 * sets '*active' to whether it is an active's final copy. */
long long election_freshness(struct rsc *r, bool *active);

/* Publishes this node's freshness as a permanent node attribute, so that
 * it is known even while the node is down.  With 'final', a record made as
 * the active stopped being one (demote, stop) says so: that copy was final
 * then, and any copy it outdates loses to it, whatever the slack.  Once a
 * node is promoted its record is published plain again: its copy changes
 * from then on.  At a pre-promote notification ('final' on a backup) it
 * publishes the copy's position once per notification round, and returns
 * true if the round was published already (notified again); otherwise
 * false. */
bool election_publish(struct rsc *r, bool final);

/* The pre-promote notification on a node that holds data: publishes this
 * node's position (election_publish()).  When the round is notified again
 * and this node is the 'candidate' for promotion, runs the election with
 * what every node published, and if a node that is up holds newer data (a
 * backup, or an active's final copy with no handover in flight: see
 * decide_defers()), lowers this node's score and raises that node's before
 * the promote. */
void election_pre_promote(struct rsc *r, bool candidate);

/* Records this node's promotion in both databases (see
 * HANDOVER_PROMOTED_KEY): the backups that replicate it know that they
 * were current at that time.  Failures are logged only. */
void election_record_promotion(struct rsc *r);

/* Decides whether this node may be promoted, not counting 'handed' (a
 * node whose handover marker reached this copy; "" for none).  Returns 0
 * if it may; otherwise lowers this node's score, raises the better node's,
 * and returns EAGAIN with the reason in 'msg'. */
int election_run(struct rsc *r, const char *handed, char *msg, size_t size);

#endif /* election.h */
