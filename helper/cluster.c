/* SPDX-License-Identifier: Apache-2.0 */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "log.h"
#include "statefile.h"
#include "child.h"
#include "deadline.h"

/* crm_attribute's exit code when it cannot reach a cluster. */
#define CLUSTER_EXIT_DISCONNECT 102

/* crm_attribute's exit code (Pacemaker 2.1 and 3.0) for an attribute that
 * is not set, or, with "Could not map name=NODE to a UUID" on its standard
 * error, for a node the cluster does not know. */
#define CLUSTER_EXIT_NOSUCH 105

static int cluster_run(struct cluster *, const char *const argv[],
                       long long deadline);
static int cluster_run_score(struct cluster *, const char *const argv[],
                             long long deadline, bool has_score, int score);
static int cluster_result(struct cluster *, const char *what, int error,
                          struct child_result *);
static int cluster_query(struct cluster *, const char *const argv[],
                         char *buf, size_t size, long long deadline);
static bool cluster_cache_matches(const struct cluster *, int score);
static void cluster_cache_store(const struct cluster *, int score);

void
cluster_init(struct cluster *c, const char *on_node,
             const char *physical_host, const char *attribute_target,
             const char *instance, const char *run_dir)
{
    memset(c, 0, sizeof *c);
    if (physical_host && attribute_target
        && !strcmp(attribute_target, "host")) {
        snprintf(c->node, sizeof c->node, "%s", physical_host);
    } else if (on_node) {
        snprintf(c->node, sizeof c->node, "%s", on_node);
    } else {
        struct utsname u;

        if (!uname(&u)) {
            snprintf(c->node, sizeof c->node, "%s", u.nodename);
        }
    }
    snprintf(c->instance, sizeof c->instance, "%s",
             instance && instance[0] ? instance : "ovndb_servers");
    snprintf(c->cache, sizeof c->cache, "%s/ovndb-servers.%s.score",
             run_dir, c->instance);
}

int
cluster_set_score(struct cluster *c, int score, bool force,
                  long long deadline)
{
    char promotion[300], value[32];
    int error;

    if (!force && cluster_cache_matches(c, score)) {
        return 0;
    }
    snprintf(promotion, sizeof promotion, "--promotion=%s", c->instance);
    snprintf(value, sizeof value, "%d", score);
    if (score == CLUSTER_SCORE_DELETE) {
        const char *argv[] = { "crm_attribute", promotion, "-N", c->node,
                               "-D", NULL };

        error = cluster_run_score(c, argv, deadline, true, score);
    } else {
        const char *argv[] = { "crm_attribute", promotion, "-N", c->node,
                               "-v", value, NULL };

        error = cluster_run_score(c, argv, deadline, true, score);
    }
    if (!error && (!c->batching || c->no_cluster)) {
        /* Without a cluster there is nothing to write; remember the score
         * all the same, since a cluster that starts probes first and a
         * probe always writes. */
        log_debug("promotion score of %s set to %s", c->node,
                  score == CLUSTER_SCORE_DELETE ? "(none)" : value);
        cluster_cache_store(c, score);
    }
    return error;
}

int
cluster_set_node_score(struct cluster *c, const char *node, int score,
                       long long deadline)
{
    char promotion[300], value[32];
    const char *argv[] = { "crm_attribute", promotion, "-N", node, "-v",
                           value, NULL };

    snprintf(promotion, sizeof promotion, "--promotion=%s", c->instance);
    snprintf(value, sizeof value, "%d", score);
    return cluster_run(c, argv, deadline);
}

int
cluster_wait_score(struct cluster *c, const char *node, int score,
                   long long deadline)
{
    char promotion[300], want[32], buf[64];
    const char *argv[] = { "crm_attribute", promotion, "-N", node, "-G",
                           "-q", NULL };

    snprintf(promotion, sizeof promotion, "--promotion=%s", c->instance);
    snprintf(want, sizeof want, "%d", score);
    for (;;) {
        if (!cluster_query(c, argv, buf, sizeof buf, deadline)
            && !strcmp(buf, want)) {
            return 0;
        }
        if (c->no_cluster) {
            return ENOENT;
        }
        if (deadline_left(deadline) < 100) {
            return ETIMEDOUT;
        }
        deadline_sleep(100, deadline);
    }
}

int
cluster_record_active(struct cluster *c, long long deadline)
{
    const char *argv[] = { "crm_attribute", "--type", "crm_config",
                           "--name", "OVN_REPL_INFO",
                           "-s", "ovn_ovsdb_master_server",
                           "-v", c->node, NULL };

    return cluster_run(c, argv, deadline);
}

int
cluster_set_attr(struct cluster *c, const char *node, const char *name,
                 bool forever, const char *value, long long deadline)
{
    const char *lifetime = forever ? "forever" : "reboot";
    char attr[512];

    snprintf(attr, sizeof attr, "%s-%s", c->instance, name);
    if (value) {
        const char *argv[] = { "crm_attribute", "-N", node, "-n", attr,
                               "-l", lifetime, "-v", value, NULL };

        return cluster_run(c, argv, deadline);
    } else {
        const char *argv[] = { "crm_attribute", "-N", node, "-n", attr,
                               "-l", lifetime, "-D", NULL };

        return cluster_run(c, argv, deadline);
    }
}

int
cluster_get_attr(struct cluster *c, const char *node, const char *name,
                 bool forever, char *buf, size_t size, long long deadline)
{
    char attr[512];
    const char *argv[] = { "crm_attribute", "-N", node, "-n", attr,
                           "-l", forever ? "forever" : "reboot", "-G", "-q",
                           NULL };

    snprintf(attr, sizeof attr, "%s-%s", c->instance, name);
    if (!forever && !getenv("CIB_file") && !c->no_cluster) {
        /* A transient attribute just set on another node may not be in the
         * CIB yet (attrd writes it there later): ask attrd itself. */
        const char *q[] = { "attrd_updater", "-Q", "-n", attr, "-N", node,
                            NULL };
        struct child_result r;

        if (!child_run(q, deadline, &r)) {
            const char *v = r.status == 0 ? strstr(r.out, "value=\"") : NULL;

            if (v) {
                v += 7;
                snprintf(buf, size, "%.*s", (int) strcspn(v, "\"\n"), v);
                child_result_free(&r);
                return buf[0] ? 0 : ENOENT;
            }
            child_result_free(&r);
        }
    }
    return cluster_query(c, argv, buf, size, deadline);
}

int
cluster_get_last_active(struct cluster *c, char *buf, size_t size,
                        long long deadline)
{
    const char *argv[] = { "crm_attribute", "--type", "crm_config",
                           "--name", "OVN_REPL_INFO",
                           "-s", "ovn_ovsdb_master_server", "-G", "-q",
                           NULL };

    return cluster_query(c, argv, buf, size, deadline);
}

void
cluster_batch_begin(struct cluster *c)
{
    /* A CIB file (CIB_file, offline tools and tests) is read, changed and
     * written back by each program: writes to it must not overlap.  A
     * live CIB serialises them itself. */
    c->batching = !getenv("CIB_file");
    c->n_pending = 0;
}

int
cluster_batch_end(struct cluster *c, long long deadline)
{
    int i, first = 0;

    for (i = 0; i < c->n_pending; i++) {
        struct child_result r;
        int error;

        error = child_finish(c->pending[i].child, deadline, &r);
        error = cluster_result(c, c->pending[i].what, error, &r);
        if (!error && c->pending[i].has_score) {
            cluster_cache_store(c, c->pending[i].score);
        }
        if (error && !first) {
            first = error;
        }
    }
    c->n_pending = 0;
    c->batching = false;
    return first;
}

/* Runs a crm_attribute command (or, in a batch, starts it).  Exit 102 (no
 * cluster) is logged once and is not an error. */
static int
cluster_run(struct cluster *c, const char *const argv[], long long deadline)
{
    return cluster_run_score(c, argv, deadline, false, 0);
}

static int
cluster_run_score(struct cluster *c, const char *const argv[],
                  long long deadline, bool has_score, int score)
{
    char what[64];
    struct child_result r;
    int error;

    if (c->no_cluster) {
        return 0;
    }
    snprintf(what, sizeof what, "%s %s", argv[0], argv[1] ? argv[1] : "");
    if (c->batching && c->known && c->n_pending < CLUSTER_MAX_PENDING) {
        struct child *child;

        error = child_start(argv, &child);
        if (error) {
            log_err("%s failed: %s", argv[0], strerror(error));
            return error;
        }
        c->pending[c->n_pending].child = child;
        snprintf(c->pending[c->n_pending].what,
                 sizeof c->pending[c->n_pending].what, "%s", what);
        c->pending[c->n_pending].has_score = has_score;
        c->pending[c->n_pending].score = score;
        c->n_pending++;
        return 0;
    }
    error = child_run(argv, deadline, &r);
    return cluster_result(c, what, error, &r);
}

/* The outcome of a crm_attribute write that ran with 'error' and 'r';
 * frees 'r'. */
static int
cluster_result(struct cluster *c, const char *what, int error,
               struct child_result *r)
{
    char line[200];

    if (error) {
        log_err("%s failed: %s", what, strerror(error));
        return error;
    }
    c->known = true;
    if (r->status == CLUSTER_EXIT_DISCONNECT) {
        if (!c->no_cluster) {
            log_info("no cluster to record attributes in (%s); going on "
                     "without", child_result_line(r, line, sizeof line));
        }
        c->no_cluster = true;
        error = 0;
    } else if (r->status != 0) {
        log_err("%s failed (%d): %s", what, r->status,
                child_result_line(r, line, sizeof line));
        error = EIO;
    }
    child_result_free(r);
    return error;
}

/* Runs a crm_attribute query; its first output line goes to 'buf'.
 * Returns 0, ENOENT (not set, or no cluster), ENXIO (no such node) or EIO
 * (crm_attribute failed otherwise; logged). */
static int
cluster_query(struct cluster *c, const char *const argv[], char *buf,
              size_t size, long long deadline)
{
    struct child_result r;
    char line[200];
    int error;

    buf[0] = '\0';
    if (c->no_cluster) {
        return ENOENT;
    }
    error = child_run(argv, deadline, &r);
    if (error) {
        return error;
    }
    c->known = true;
    if (r.status == CLUSTER_EXIT_DISCONNECT) {
        c->no_cluster = true;
        error = ENOENT;
    } else if (r.status == CLUSTER_EXIT_NOSUCH) {
        error = r.err && strstr(r.err, "Could not map name") ? ENXIO
                : ENOENT;
        if (error == ENXIO) {
            log_warn("%s %s: %s", argv[0], argv[1],
                     child_result_line(&r, line, sizeof line));
        }
    } else if (r.status != 0) {
        log_err("%s %s failed (%d): %s", argv[0], argv[1], r.status,
                child_result_line(&r, line, sizeof line));
        error = EIO;
    }
    if (!error) {
        snprintf(buf, size, "%.*s", (int) strcspn(r.out, "\n"), r.out);
        error = buf[0] ? 0 : ENOENT;
    }
    child_result_free(&r);
    return error;
}

static bool
cluster_cache_matches(const struct cluster *c, int score)
{
    char buf[512], want[512];

    if (statefile_read(c->cache, buf, sizeof buf)) {
        return false;
    }
    snprintf(want, sizeof want, "%s %d\n", c->node, score);
    return !strcmp(buf, want);
}

static void
cluster_cache_store(const struct cluster *c, int score)
{
    char buf[512];
    int len;

    len = snprintf(buf, sizeof buf, "%s %d\n", c->node, score);
    statefile_write(c->cache, buf, len);
}
