/* SPDX-License-Identifier: Apache-2.0 */
/* Pure decisions: from what the helper observed of the two databases (and
 * ovn-northd) and what Pacemaker expects, the state to report and the
 * promotion score to publish.  No I/O here; every case is table-tested.
 * See docs/state-table.md. */
#ifndef DECIDE_H
#define DECIDE_H 1

#include <stdbool.h>
#include <stddef.h>

#include "nodelist.h"
#include "repl.h"

/* Promotion scores, highest first.  The active keeps the highest; a backup
 * whose copy is current comes next; copies that may be behind come after,
 * the last active node's first; a copy that was never synchronised is the
 * last resort (and refuses promotion while a peer has data). */
#define DECIDE_SCORE_ACTIVE 10
#define DECIDE_SCORE_ELECTED 7     /* Chosen by a refusing candidate. */
#define DECIDE_SCORE_FINAL 6       /* The last active's own copy, which
                                     * nothing replicated into since it
                                     * stopped being active (it failed, or
                                     * stepped down): nothing is newer. */
#define DECIDE_SCORE_BACKUP 5      /* Replicating from a live active. */
#define DECIDE_SCORE_LAST_ACTIVE 4 /* Not in sync, was the last active. */
#define DECIDE_SCORE_STALE 3       /* Not in sync, holds data. */
#define DECIDE_SCORE_EMPTY 1       /* Never synchronised, no data. */
/* Means "no score": the attribute is deleted (see CLUSTER_SCORE_DELETE). */
#define DECIDE_SCORE_NONE (-1000001)

/* The role Pacemaker expects from this monitor. */
enum decide_expect {
    DECIDE_EXPECT_ANY,          /* Probe, or an action's own check. */
    DECIDE_EXPECT_UNPROMOTED,
    DECIDE_EXPECT_PROMOTED,
};

/* What was observed of one database's ovsdb-server. */
struct decide_db {
    bool running;               /* A live ovsdb-server owns the pidfile. */
    bool answered;              /* It answered sync-status. */
    enum repl_role role;
    enum repl_link link;
    bool target_ok;             /* Backup: it replicates from the chosen
                                 * source (the active node's own address,
                                 * or master_ip while none is known). */
    bool source_alive;          /* Backup: the server at that source answered
                                 * (looked at only while "replicating"). */
    bool has_data;              /* It holds its NB_Global/SB_Global row
                                 * (looked at only when not in sync). */
    bool stalled;               /* Backup: its established session with a
                                 * live source carried no data for longer
                                 * than the stall bound (see
                                 * decide_stalled()). */
    long long idle_ms;          /* Backup: how long that session carried
                                 * no data, -1 if not known. */
};

struct decide_input {
    struct decide_db nb, sb;
    bool northd_managed;        /* manage_northd=yes. */
    bool northd_running;        /* The caller reports it only with
                                 * manage_northd. */
    enum decide_expect expect;
    bool last_active;           /* OVN_REPL_INFO names this node (looked at
                                 * only when not in sync). */
    bool final_active;          /* This node's freshness record was made
                                 * while it was the active (looked at only
                                 * when not in sync). */
};

enum decide_state {
    DECIDE_STOPPED,             /* Cleanly stopped: nothing runs. */
    DECIDE_BACKUP,              /* Both read-only backups of the source. */
    DECIDE_ACTIVE,              /* Both active and writable. */
    DECIDE_FAILED,              /* Half-running, inconsistent, hung. */
    DECIDE_FAILED_PROMOTED,     /* A promoted instance that is broken. */
};

/* What the action layer should do besides reporting. */
enum decide_repair {
    DECIDE_REPAIR_NONE,
    DECIDE_REPAIR_REBACKUP,     /* A backup made itself active: point it
                                 * back at its source at once. */
    DECIDE_REPAIR_REPOINT,      /* A backup replicates from another source
                                 * than the chosen one: point it there. */
    DECIDE_REPAIR_RESYNC,       /* A backup's session with its live source
                                 * stalled: replicate again, on a new
                                 * session. */
};

struct decide_verdict {
    enum decide_state state;
    int score;                  /* A DECIDE_SCORE_* value. */
    bool in_sync;               /* Active, or a backup replicating from a
                                 * live active: its data is current. */
    enum decide_repair repair;
    char reason[160];           /* Why, for a failure; "" otherwise. */
};

/* Where a copy stands by what it holds, measured by each node at the
 * pre-promote notification of a transition: how long ago data last
 * reached each database, by the node's own clock (a difference of two
 * readings of one clock, which an offset between nodes' clocks does not
 * change), and which promotion that data comes from. */
struct decide_position {
    long long age[2];           /* NB, SB: ms since data last reached the
                                 * copy, when measured; -1 if unknown. */
    long long epoch;            /* The time in the promotion record the copy
                                 * holds (it names a promotion; compared
                                 * for equality only); 0 if none. */
    long long at;               /* The measuring node's wall clock then
                                 * (ms since the epoch), 0 if unknown: the
                                 * difference between two nodes' values is
                                 * their clocks' offset, within the
                                 * notification round's spread. */
};

/* Ages that differ by less than this are taken as equal: the nodes of a
 * transition measure them at slightly different times, and a backup
 * writes what it receives a little after the other. */
#define DECIDE_AGE_TOLERANCE_MS 1000

/* How two positions compare. */
enum decide_order {
    DECIDE_ORDER_UNKNOWN,       /* Not comparable: the data comes from
                                 * different promotions, or a side knows
                                 * no age. */
    DECIDE_ORDER_SAME,          /* Within the tolerance on both. */
    DECIDE_ORDER_NEWER,         /* The first was last known current after
                                 * the second. */
    DECIDE_ORDER_OLDER,
};

/* Compares position 'a' with 'b' by the smallest known age of each (the
 * latest time each copy is known to have been current).  Pure. */
enum decide_order decide_order(const struct decide_position *a,
                               const struct decide_position *b);

/* A peer in the promotion election. */
struct decide_peer {
    const char *node;
    long long freshness;        /* Published freshness, 0 if none. */
    bool up;                    /* Running an instance in this transition. */
    bool active;                /* The freshness was recorded while the
                                 * peer was the active: its copy was final
                                 * then, and any newer one beats ours. */
    bool handing_over;          /* An active that publishes a handover
                                 * marker (a switchover in flight), which
                                 * this copy does not hold (yet). */
    struct decide_position pos; /* Published with the freshness (ages -1
                                 * and epoch 0 if not). */
};

/* How much older (ms) a candidate's data may look than a peer's before
 * the candidate refuses promotion.  Freshness advances at monitors, which
 * run every 10 s (active) or 30 s (backups), so two copies that were both
 * current differ by up to that much. */
#define DECIDE_FRESHNESS_SLACK_MS 60000

/* The stall bound (ms) of a backup's replication session: 'configured' if
 * positive (replication_stall_timeout), else twice the shortest nonzero
 * inactivity probe on the session plus DECIDE_STALL_MARGIN_MS, since a
 * healthy idle session carries nothing but those probes and their replies:
 * 'probe_source' is the one the active runs on it, 'probe_backup' the one
 * the backup runs (inactive_probe_interval_to_master).  A configured bound
 * below that is raised to it.  0 (no probe at all): stalls cannot be told
 * from silence, and none is reported. */
long long decide_stall_bound(long long configured, long long probe_source,
                             long long probe_backup);
#define DECIDE_STALL_MARGIN_MS 1000

/* Returns true if a session idle for 'idle_ms' (negative: unknown) has
 * stalled under 'bound' (see decide_stall_bound()). */
bool decide_stalled(long long idle_ms, long long bound);

/* Decides the monitor verdict for 'in'. */
void decide_monitor(const struct decide_input *in, struct decide_verdict *v);

/* Decides whether node 'me', whose data has freshness 'mine' (0 if it has
 * never been current), may become active given the 'n' peers in 'peers'
 * (up: taking part in this transition, with the freshness published at
 * pre-promote; down: with the freshness they last published) and the last
 * active node 'last_active' recorded in OVN_REPL_INFO (NULL if none).
 * It may not if a peer's copy is newer by more than the slack, or if it
 * never synchronised while the last active node is down.  Between this
 * node, at position 'mine_pos' (NULL if unknown), and a peer up in this
 * transition whose position compares with it (see decide_order()), the
 * positions decide instead of the freshness times and their slack: a
 * copy that missed data another holds loses, and two that hold the same
 * are equal.  With other up peers, the freshness times are compared after
 * removing the clock offset the positions' 'at' values measure.  Returns
 * -1 if it may; otherwise the index of the up peer to promote instead, or
 * 'n' if the newer copy is on a node that is down, with an explanation in
 * 'reason'. */
int decide_election(const char *me, long long mine,
                    const struct decide_position *mine_pos,
                    const struct decide_peer *peers, int n,
                    const char *last_active, char *reason, size_t size);

/* The freshness of this node's copy, from what it holds: 'has_data'
 * whether it holds its global rows; 'fresh' its own freshness record (0 if
 * none) and 'fresh_active' whether that record was made as the active;
 * 'promoted' the time in the promotion record the copy holds and 'handed'
 * the time in the handover marker it holds (0 for none or malformed).
 * Returns 0 without data, 1 for data never seen current, else the time
 * (ms since the epoch) until which the copy is known current, and sets
 * '*active' to whether that makes it an active's final copy. */
long long decide_freshness(bool has_data, long long fresh, bool fresh_active,
                           long long promoted, long long handed,
                           bool *active);

/* Returns the time (ms since the epoch) in a promotion record "NODE:MS",
 * or, with 'marker', in a handover marker "NODE:MS:PID"; 0 if 'value' is
 * not of that form or the time is not positive. */
long long decide_record_time(const char *value, bool marker);

/* Formats a freshness for publication: "MS:active" for an active's final
 * copy ('final'); otherwise "MS", followed, if 'pos' is not NULL, by
 * " age=NB,SB epoch=E at=W" (older versions read the leading "MS" only).
 * Returns what snprintf() returns. */
int decide_format_freshness(long long ms, bool final,
                            const struct decide_position *pos, char *buf,
                            size_t size);

/* Parses a published freshness into '*ms', '*final' (the ":active"
 * suffix: recorded as the active stepped down) and, if 'pos' is not NULL,
 * '*pos' (unknown unless the value carries a well-formed position).  A
 * value without digits gives 0. */
void decide_parse_freshness(const char *value, long long *ms, bool *final,
                            struct decide_position *pos);

/* Most peers an election looks at. */
#define DECIDE_MAX_PEERS 32

/* The node lists of a promotion (Pacemaker's notify_*_uname variables). */
struct decide_lists {
    const char *active, *start, *promote;   /* Up in this transition. */
    const char *all;            /* Every node with an instance. */
    const char *stopping;       /* Stopping in this transition. */
};

/* Whether a candidate that decide_election() refused in favour of peer
 * 'best' (its return value, with 'n' peers) may step aside before its
 * promote runs, at the pre-promote notification: only for a peer that is up
 * in this transition: a backup whose position is newer, or an active's
 * final copy with no switchover in flight (a cold restart).  A node that
 * is down, or a demoted active whose handover marker may still be on its
 * way to this copy, is left to the promote, which waits for the marker
 * first. */
bool decide_defers(const struct decide_peer *peers, int n, int best);

/* Fills 'peers' (names stored in 'names') with the nodes of 'lists' that
 * count in the election of 'me': those up in this transition (active,
 * starting or being promoted), except those stopping, then the others
 * (down, or standby, with up = false); each once, never 'me' among the
 * others, never 'handed' (a node whose handover marker reached this copy).
 * Freshness and active are left 0 and false for the caller.  Returns the
 * number of peers, or -1 if there are more than DECIDE_MAX_PEERS. */
int decide_peers(const char *me, const char *handed,
                 const struct decide_lists *lists,
                 struct decide_peer peers[DECIDE_MAX_PEERS],
                 char names[DECIDE_MAX_PEERS][NODELIST_NAME_MAX]);

/* Returns a static name for 'state'. */
const char *decide_state_name(enum decide_state state);

#endif /* decide.h */
