/* SPDX-License-Identifier: Apache-2.0 */
#include "source.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "jsonrpc.h"
#include "log.h"
#include "repl.h"
#include "rsc.h"
#include "statefile.h"

static void source_set_targets(struct rsc *r, const char *addr);

void
source_init(struct rsc *r)
{
    char line[RSC_ADDR_MAX + NODELIST_NAME_MAX + 2] = "";
    char *node;

    snprintf(r->src.file, sizeof r->src.file, "%s/ovndb-servers.%s.source",
             r->p.run_dir, r->cl.instance);
    statefile_read(r->src.file, line, sizeof line);
    line[strcspn(line, "\n")] = '\0';
    /* "ADDR NODE", or "ADDR" as older versions wrote it. */
    node = strchr(line, ' ');
    if (node) {
        *node++ = '\0';
        snprintf(r->src.node, sizeof r->src.node, "%s", node);
    }
    if (strlen(line) >= RSC_ADDR_MAX) {
        line[0] = '\0';
    }
    source_set_targets(r, line[0] ? line : r->p.master_ip);
}

/* Sets the source to 'addr' (NULL: master_ip), the address of 'node'
 * ("" if unknown), and remembers it. */
static void
source_set_node(struct rsc *r, const char *addr, const char *node)
{
    int i;

    source_set_targets(r, addr ? addr : r->p.master_ip);
    snprintf(r->src.node, sizeof r->src.node, "%s", node);
    for (i = 0; i < 2; i++) {
        r->src.error[i] = 0;
    }
    if (!addr) {
        statefile_remove(r->src.file);
    } else {
        char line[RSC_ADDR_MAX + NODELIST_NAME_MAX + 3];
        int len = snprintf(line, sizeof line, "%s%s%s\n", addr,
                           node[0] ? " " : "", node);

        statefile_write(r->src.file, line, len);
    }
}

void
source_set(struct rsc *r, const char *addr)
{
    source_set_node(r, addr, "");
}

void
source_follow(struct rsc *r, const char *node)
{
    char addr[RSC_ADDR_MAX];
    unsigned char raw[16];

    if (cluster_get_attr(&r->cl, node, "addr", false, addr, sizeof addr,
                         r->deadline)
        || (inet_pton(AF_INET, addr, raw) != 1
            && inet_pton(AF_INET6, addr, raw) != 1)) {
        log_info("no address known for %s; replicating from master_ip",
                 node);
        return;
    }
    log_info("replicating from %s at its own address %s", node, addr);
    source_set_node(r, addr, node);
}

int
source_id(struct rsc *r, int i, char *id)
{
    struct source *s = &r->src;
    long long check = deadline_after(SOURCE_CHECK_MS);

    if (check > r->deadline) {
        check = r->deadline;
    }
    id[0] = '\0';
    if (s->asked[i]) {
        s->asked[i] = false;
        s->error[i] = repl_source_id_finish(s->conn[i], s->start_error[i],
                                            check, id);
        s->conn[i] = NULL;
        return s->error[i];
    }
    if (s->error[i]) {
        return s->error[i];
    }
    s->error[i] = repl_source_id(s->target[i], check, id);
    return s->error[i];
}

void
source_ask(struct rsc *r, int i)
{
    struct source *s = &r->src;
    long long check = deadline_after(SOURCE_CHECK_MS);

    if (s->asked[i] || s->error[i]) {
        return;
    }
    if (i == 1 && s->asked[0] && !s->conn[0]
        && (s->start_error[0] == ETIMEDOUT
            || s->start_error[0] == EHOSTUNREACH
            || s->start_error[0] == ENETUNREACH)) {
        char host0[128], host1[128];
        int port;
        bool ssl;

        /* NB's source could not even be reached: SB's, on the same host,
         * would cost the same wait for the same answer. */
        if (!repl_parse_target(s->target[0], host0, sizeof host0, &port,
                               &ssl)
            && !repl_parse_target(s->target[1], host1, sizeof host1, &port,
                                  &ssl)
            && !strcmp(host0, host1)) {
            s->start_error[1] = s->start_error[0];
            s->asked[1] = true;
            return;
        }
    }
    s->start_error[i] = repl_source_id_start(
        s->target[i], check < r->deadline ? check : r->deadline, &s->conn[i]);
    s->asked[i] = true;
}

void
source_forget(struct rsc *r)
{
    int i;

    for (i = 0; i < 2; i++) {
        jsonrpc_close(r->src.conn[i]);
        r->src.conn[i] = NULL;
        r->src.asked[i] = false;
    }
}

static void
source_set_targets(struct rsc *r, const char *addr)
{
    int i;

    for (i = 0; i < 2; i++) {
        server_source_target(&r->srv[i], addr, r->src.target[i],
                             sizeof r->src.target[i]);
    }
}
