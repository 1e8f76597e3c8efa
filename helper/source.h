/* SPDX-License-Identifier: Apache-2.0 */
/* The replication source of this node's backups: the active node's own
 * address, which that node publishes as a node attribute, or master_ip
 * while no active is known; remembered in run_dir from one action to the
 * next.  And the check that a server answers there (so that the active is
 * alive, and is not this very server), asked ahead so that it overlaps the
 * rest of a monitor, and asked at most once per action. */
#ifndef SOURCE_H
#define SOURCE_H 1

#include <limits.h>
#include <stdbool.h>

#include "nodelist.h"

struct jsonrpc_conn;
struct rsc;

/* Room for a replication source or listener ("tcp:ADDR:PORT", "ssl:[ADDR6]:
 * PORT", "db:DB,TABLE,connections"). */
#define SOURCE_TARGET_MAX 300

/* How long a check of the replication source may take. */
#define SOURCE_CHECK_MS 500

struct source {
    char target[2][SOURCE_TARGET_MAX];  /* Of NB and SB. */
    char file[PATH_MAX];        /* Remembers the active's address. */
    char node[NODELIST_NAME_MAX];   /* The active node followed, or "". */

    /* The check of each database's source. */
    int error[2];               /* Set once it failed to answer: not asked
                                 * again in this action. */
    struct jsonrpc_conn *conn[2];   /* Asked ahead, answer not read yet. */
    int start_error[2];         /* Error of asking ahead. */
    bool asked[2];              /* Asked ahead. */
};

/* Sets the source of 'r' to the one the agent chose last (master_ip if
 * none).  Called by rsc_init(). */
void source_init(struct rsc *r);

/* Sets the replication source of both databases to the server at 'addr'
 * (NULL: master_ip) and remembers the choice for later actions. */
void source_set(struct rsc *r, const char *addr);

/* Makes the active node 'node' the replication source, through the address
 * it published; keeps master_ip if it published none. */
void source_follow(struct rsc *r, const char *node);

/* Asks the server at the source of database 'i' for its ID (see
 * repl_source_id()), within SOURCE_CHECK_MS, collecting the answer to the
 * question source_ask() sent ahead if there is one.  Returns 0 and fills
 * 'id' (at least 40 bytes), or a positive errno value; a source that did
 * not answer is not asked again during this action. */
int source_id(struct rsc *r, int i, char *id);

/* Sends the question of source_id() for database 'i' ahead. */
void source_ask(struct rsc *r, int i);

/* Closes the questions asked ahead and never collected. */
void source_forget(struct rsc *r);

#endif /* source.h */
