/* SPDX-License-Identifier: Apache-2.0 */
/* The Pacemaker side: which node this is, the promotion score (through
 * "crm_attribute --promotion", written only when it changes), the
 * OVN_REPL_INFO record of the active node, and node attributes.
 * Only public Pacemaker interfaces are used.  Without a cluster
 * (crm_attribute exits 102) the writes are skipped and logged once. */
#ifndef CLUSTER_H
#define CLUSTER_H 1

#include <stdbool.h>
#include <stddef.h>

#include "nodelist.h"

/* The score value that deletes the promotion score attribute: below
 * -INFINITY, so no real score is ever this.  decide.h's DECIDE_SCORE_NONE
 * is the same value. */
#define CLUSTER_SCORE_DELETE (-1000001)

struct child;

/* Most writes queued between cluster_batch_begin() and _end(). */
#define CLUSTER_MAX_PENDING 8

struct cluster {
    char node[NODELIST_NAME_MAX];   /* Node the attributes belong to. */
    char instance[256];         /* OCF_RESOURCE_INSTANCE. */
    char cache[4096];           /* File remembering the last score set. */
    bool no_cluster;            /* crm_attribute reported 102. */
    bool known;                 /* Some crm_attribute answered: whether
                                 * there is a cluster is known. */

    /* Writes running at once (see cluster_batch_begin()). */
    bool batching;
    int n_pending;
    struct {
        struct child *child;
        char what[64];          /* For logs: program and first option. */
        bool has_score;         /* A score write: cache it on success. */
        int score;
    } pending[CLUSTER_MAX_PENDING];
};

/* Works out the node name ('on_node', or 'physical_host' inside a bundle
 * with container-attribute-target=host, or the local host name) and the
 * cache file under 'run_dir'.  Pure apart from uname(). */
void cluster_init(struct cluster *c, const char *on_node,
                  const char *physical_host, const char *attribute_target,
                  const char *instance, const char *run_dir);

/* From cluster_batch_begin() to cluster_batch_end(), the writes below
 * (scores, attributes, OVN_REPL_INFO) start their program and return 0 at
 * once, so that they run at the same time; cluster_batch_end() waits for
 * them all (at most until 'deadline') and returns 0 or the first error.
 * Queries still run one at a time.  Until some program has told whether
 * there is a cluster at all, the first write runs alone; a batch starts
 * nothing once a program reported that there is none.  With a CIB file
 * (CIB_file set), which concurrent writers would corrupt, writes run one
 * at a time. */
void cluster_batch_begin(struct cluster *c);
int cluster_batch_end(struct cluster *c, long long deadline);

/* Sets the promotion score of this node to 'score', or deletes it for
 * CLUSTER_SCORE_DELETE.  Skips the write if the cache says the cluster has
 * that value already, unless 'force'.  Returns 0 or a positive errno value;
 * no cluster is not an error. */
int cluster_set_score(struct cluster *c, int score, bool force,
                      long long deadline);

/* Sets the promotion score of another node 'node' (no cache).  Returns 0
 * or a positive errno value. */
int cluster_set_node_score(struct cluster *c, const char *node, int score,
                           long long deadline);

/* Waits until the CIB holds 'score' as the promotion score of 'node',
 * polling every 100 ms until 'deadline'.  Returns 0, ETIMEDOUT, or ENOENT
 * without a cluster. */
int cluster_wait_score(struct cluster *c, const char *node, int score,
                       long long deadline);

/* Records this node as the active one in the OVN_REPL_INFO cluster
 * property.  Returns 0 or a positive errno value. */
int cluster_record_active(struct cluster *c, long long deadline);

/* Sets (or, with 'value' NULL, deletes) the node attribute
 * '<instance>-<name>' of 'node': a permanent one if 'forever', else a
 * transient one.  Returns 0 or a positive errno value. */
int cluster_set_attr(struct cluster *c, const char *node, const char *name,
                     bool forever, const char *value, long long deadline);

/* Reads the node attribute '<instance>-<name>' of 'node' (permanent if
 * 'forever', else transient) into 'buf'.  Returns 0, ENOENT if it is not
 * set (or there is no cluster), ENXIO if the cluster has no node 'node',
 * EIO if crm_attribute failed otherwise, or another positive errno
 * value. */
int cluster_get_attr(struct cluster *c, const char *node, const char *name,
                     bool forever, char *buf, size_t size,
                     long long deadline);

/* Reads the node recorded in OVN_REPL_INFO into 'buf'.  Returns 0, ENOENT
 * if none is recorded (or there is no cluster), or a positive errno. */
int cluster_get_last_active(struct cluster *c, char *buf, size_t size,
                            long long deadline);

#endif /* cluster.h */
