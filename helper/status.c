/* SPDX-License-Identifier: Apache-2.0 */
#include "status.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "cluster.h"
#include "rsc.h"
#include "statefile.h"

/* Formats 'ms' (since the epoch) as "2026-12-04 14:02:10 UTC". */
static void
status_time(long long ms, char *buf, size_t size)
{
    time_t t = (time_t) (ms / 1000);
    struct tm tm;

    if (ms <= 0 || !gmtime_r(&t, &tm)
        || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm)) {
        snprintf(buf, size, "an unknown time");
    }
}

/* The state 'in' describes, as a key ("class node"), and its text
 * without the times, into 'key'; returns the class. */
static const char *
status_class(const struct status_input *in)
{
    switch (in->state) {
    case DECIDE_ACTIVE:
        return "active";
    case DECIDE_BACKUP:
        if (in->in_sync) {
            return "replicating";
        }
        if (in->stalled) {
            return "stalled";
        }
        if (!in->has_data) {
            return "empty";
        }
        return in->connecting ? "connecting" : "stale";
    case DECIDE_FAILED:
    case DECIDE_FAILED_PROMOTED:
        return "failed";
    case DECIDE_STOPPED:
    default:
        return "stopped";
    }
}

bool
status_next(const struct status_input *in, const struct status_cache *prev,
            long long now_ms, struct status_cache *next)
{
    const char *class = status_class(in);
    const char *source = in->source && in->source[0] ? in->source
                         : "master_ip";
    char since[40], fresh[40];

    memset(next, 0, sizeof *next);
    snprintf(next->key, sizeof next->key, "%s %s", class,
             !strcmp(class, "failed") ? (in->reason ? in->reason : "")
             : source);
    next->since_ms = strcmp(prev->key, next->key) ? now_ms : prev->since_ms;
    status_time(next->since_ms, since, sizeof since);
    status_time(in->fresh_ms, fresh, sizeof fresh);

    if (!strcmp(class, "active") && in->restarted && in->restarted_ms) {
        char at[40];

        status_time(in->restarted_ms, at, sizeof at);
        snprintf(next->text, sizeof next->text, "active (%s restarted by "
                 "the guard at %s)", in->restarted, at);
    } else if (!strcmp(class, "active")) {
        snprintf(next->text, sizeof next->text, "active");
    } else if (!strcmp(class, "replicating")) {
        snprintf(next->text, sizeof next->text, "replicating from %s",
                 source);
    } else if (!strcmp(class, "empty")) {
        snprintf(next->text, sizeof next->text, "never synchronised "
                 "(no data; connecting to %s)", source);
    } else if (!strcmp(class, "connecting")) {
        snprintf(next->text, sizeof next->text, "connecting to %s since "
                 "%s; last current %s", source, since, fresh);
    } else if (!strcmp(class, "stalled")) {
        snprintf(next->text, sizeof next->text, "stalled: nothing arrives "
                 "from %s on the replication session since %s; "
                 "replicating again; last current %s", source, since, fresh);
    } else if (!strcmp(class, "stale")) {
        snprintf(next->text, sizeof next->text, "stale: not in sync since "
                 "%s; last current %s", since, fresh);
    } else if (!strcmp(class, "failed")) {
        snprintf(next->text, sizeof next->text, "failed: %s",
                 in->reason ? in->reason : "see the logs");
    } else {
        snprintf(next->text, sizeof next->text, "stopped");
    }
    return strcmp(prev->text, next->text) != 0;
}

bool
status_parse(const char *text, struct status_cache *c)
{
    const char *nl1 = strchr(text, '\n');
    const char *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    const char *nl3 = nl2 ? strchr(nl2 + 1, '\n') : NULL;
    char *end;

    memset(c, 0, sizeof *c);
    if (!nl3 || (size_t) (nl1 - text) >= sizeof c->key
        || (size_t) (nl3 - nl2 - 1) >= sizeof c->text) {
        return false;
    }
    memcpy(c->key, text, nl1 - text);
    c->since_ms = strtoll(nl1 + 1, &end, 10);
    if (end != nl2 || c->since_ms <= 0) {
        memset(c, 0, sizeof *c);
        return false;
    }
    memcpy(c->text, nl2 + 1, nl3 - nl2 - 1);
    return true;
}

int
status_format(const struct status_cache *c, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s\n%lld\n%s\n", c->key, c->since_ms,
                     c->text);

    return n < 0 ? 0 : n >= (int) size ? (int) size - 1 : n;
}

static void
status_file(const struct rsc *r, char *path, size_t size)
{
    snprintf(path, size, "%s/ovndb-servers.%s.status", r->p.run_dir,
             r->cl.instance);
}

void
status_publish(struct rsc *r, const struct status_input *in, bool force)
{
    char path[PATH_MAX], buf[STATUS_KEY_MAX + STATUS_TEXT_MAX + 32];
    struct status_cache prev, next;
    int len;

    status_file(r, path, sizeof path);
    if (statefile_read(path, buf, sizeof buf) || !status_parse(buf, &prev)) {
        memset(&prev, 0, sizeof prev);
    }
    if (!status_next(in, &prev, clock_wall_ms(), &next) && !force) {
        return;
    }
    if (!cluster_set_attr(&r->cl, r->cl.node, "status", false, next.text,
                          r->deadline)) {
        len = status_format(&next, buf, sizeof buf);
        statefile_write(path, buf, len);
    }
}

void
status_clear(struct rsc *r)
{
    char path[PATH_MAX];

    status_file(r, path, sizeof path);
    statefile_remove(path);
    cluster_set_attr(&r->cl, r->cl.node, "status", false, NULL,
                     r->deadline);
}
