/* SPDX-License-Identifier: Apache-2.0 */
/* What this node's copy is, in words an operator reads in `crm_mon -A`:
 * "active", "replicating from node2", "connecting to node2 since ...",
 * "stale: not in sync since ...", "stalled: nothing arrives from node2
 * ...", "never synchronised", "failed: ...", "active (NB ovsdb-server
 * restarted by the guard at ...)".
 * Published as the transient node attribute <resource>-status, written
 * only when the text changes (a cache in run_dir remembers the last one
 * and since when its state holds), so that a steady monitor writes
 * nothing; cleared on stop.  The text and the decision to write are
 * pure, and table-tested. */
#ifndef STATUS_H
#define STATUS_H 1

#include <stdbool.h>
#include <stddef.h>

#include "decide.h"

/* Room for the text. */
#define STATUS_TEXT_MAX 200

/* Room for the state key: a class and a node name. */
#define STATUS_KEY_MAX (NODELIST_NAME_MAX + 16)

struct status_input {
    enum decide_state state;
    bool in_sync;               /* See struct decide_verdict. */
    bool connecting;            /* A backup's link is (re)connecting. */
    bool has_data;              /* Looked at only when not in sync. */
    bool stalled;               /* A backup's session with its live
                                 * source carries no data (see
                                 * decide_stalled()). */
    const char *source;         /* The active node a backup follows, or
                                 * its address, or "master_ip". */
    const char *reason;         /* Of a failure. */
    long long fresh_ms;         /* The copy's freshness record, 0 if
                                 * none. */
    const char *restarted;      /* Active: the server the guard restarted
                                 * in place lately ("NB ovsdb-server"), or
                                 * NULL. */
    long long restarted_ms;     /* When. */
};

/* What was last published. */
struct status_cache {
    char key[STATUS_KEY_MAX];   /* The state it describes. */
    long long since_ms;         /* Since when that state holds. */
    char text[STATUS_TEXT_MAX]; /* The text published. */
};

/* Computes in 'next' what to publish for 'in' at wall-clock time 'now_ms',
 * given what was published last ('prev', zeroed if nothing): the state's
 * start time carries over while the state holds.  Returns true if the
 * text changed and must be written.  Pure. */
bool status_next(const struct status_input *in, const struct status_cache
                 *prev, long long now_ms, struct status_cache *next);

/* Parses a cache file's content into 'c'; false if it is not one. */
bool status_parse(const char *text, struct status_cache *c);

/* Formats 'c' as a cache file's content into 'buf'; returns its length. */
int status_format(const struct status_cache *c, char *buf, size_t size);

struct rsc;

/* Publishes the status of this node for 'in' if it changed since the last
 * publication (always if 'force': a probe, after which the cluster may
 * have lost its transient attributes).  Failures are logged only. */
void status_publish(struct rsc *r, const struct status_input *in,
                    bool force);

/* Clears the attribute and the cache (stop). */
void status_clear(struct rsc *r);

#endif /* status.h */
