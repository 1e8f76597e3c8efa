/* Pure decisions: from what the helper observed of the two databases (and
 * ovn-northd) and what Pacemaker expects, the state to report and the
 * promotion score to publish.  No I/O here; every case is table-tested.
 * See docs/state-table.md. */
#ifndef DECIDE_H
#define DECIDE_H 1

#include <stdbool.h>

#include "repl.h"

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
};

struct decide_input {
    struct decide_db nb, sb;
    bool northd_managed;        /* manage_northd=yes. */
    bool northd_running;
    enum decide_expect expect;
};

enum decide_state {
    DECIDE_STOPPED,             /* Cleanly stopped: nothing runs. */
    DECIDE_BACKUP,              /* Both read-only backups. */
    DECIDE_ACTIVE,              /* Both active and writable. */
    DECIDE_FAILED,              /* Half-running, inconsistent, hung. */
    DECIDE_FAILED_PROMOTED,     /* A promoted instance that is broken. */
};

struct decide_verdict {
    enum decide_state state;
    int score;                  /* A CLUSTER_SCORE_* value. */
    char reason[160];           /* Why, for a failure; "" otherwise. */
};

/* Decides the monitor verdict for 'in'. */
void decide_monitor(const struct decide_input *in, struct decide_verdict *v);

/* Returns a static name for 'state'. */
const char *decide_state_name(enum decide_state state);

#endif /* decide.h */
