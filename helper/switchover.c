/* SPDX-License-Identifier: Apache-2.0 */
#include "switchover.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "handover.h"
#include "log.h"
#include "ocf.h"
#include "rsc.h"

static bool switchover_copy_holds(struct rsc *r, const char *marker,
                                  long long deadline);

long long
switchover_write_marker(struct rsc *r)
{
    long long now = clock_wall_ms();
    char marker[HANDOVER_VALUE_MAX];
    int i, error = 0;

    snprintf(marker, sizeof marker, "%s:%lld:%ld", r->cl.node, now,
             (long) getpid());
    for (i = 0; i < 2 && !error; i++) {
        const struct server *s = &r->srv[i];

        error = handover_write(s->sock, s->db_name, s->global_table, marker,
                               r->deadline);
        if (error) {
            log_warn("%s: cannot write the handover marker: %s", s->tag,
                     strerror(error));
        }
    }
    cluster_set_attr(&r->cl, r->cl.node, "handover", false,
                     error ? NULL : marker, r->deadline);
    return now;
}

int
switchover_await(struct rsc *r, char *handed, size_t handed_size, char *msg,
                 size_t size)
{
    const char *p = ocf_meta("notify_demote_uname");
    char node[NODELIST_NAME_MAX], marker[HANDOVER_VALUE_MAX];

    while (nodelist_next(&p, node, sizeof node)) {
        long long until = deadline_after(SWITCHOVER_ATTR_WAIT_MS);
        long long wait, deadline;
        int error;

        if (!strcmp(node, r->cl.node)) {
            continue;
        }
        /* The demoted node published its marker just before: give the
         * attribute a moment to propagate. */
        for (;;) {
            error = cluster_get_attr(&r->cl, node, "handover", false, marker,
                                     sizeof marker, r->deadline);
            if (!error || r->cl.no_cluster || deadline_expired(until)) {
                break;
            }
            deadline_sleep(100, until);
        }
        if (error) {
            continue;
        }

        wait = deadline_left(r->deadline);
        deadline = deadline_after(wait < SWITCHOVER_WAIT_MS
                                  ? wait : SWITCHOVER_WAIT_MS);
        while (!switchover_copy_holds(r, marker, deadline)) {
            if (deadline_expired(deadline)) {
                snprintf(msg, size, "switchover: the last writes of %s did "
                         "not reach this node; refusing promotion", node);
                return EAGAIN;
            }
            deadline_sleep(10, deadline);
        }
        log_info("switchover: %s's last writes are here (%s)", node,
                 marker);
        snprintf(handed, handed_size, "%s", node);
    }
    return 0;
}

bool
switchover_holds_marker(struct rsc *r, const char *node, bool *published)
{
    char marker[HANDOVER_VALUE_MAX];

    *published = !cluster_get_attr(&r->cl, node, "handover", false, marker,
                                   sizeof marker, r->deadline);
    if (!*published) {
        return false;
    }
    return switchover_copy_holds(r, marker, r->deadline);
}

/* Returns true if both local databases hold 'marker'. */
static bool
switchover_copy_holds(struct rsc *r, const char *marker, long long deadline)
{
    bool nb = false, sb = false;

    handover_check(r->srv[0].sock, r->srv[0].db_name,
                   r->srv[0].global_table, marker, deadline, &nb);
    handover_check(r->srv[1].sock, r->srv[1].db_name,
                   r->srv[1].global_table, marker, deadline, &sb);
    return nb && sb;
}
