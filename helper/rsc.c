/* SPDX-License-Identifier: Apache-2.0 */
#include "rsc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "deadline.h"
#include "ocf.h"
#include "repl.h"

static const char *rsc_lookup(const char *name, void *aux);

int
rsc_init(struct rsc *r, long long timeout_ms, char *msg, size_t size)
{
    int i;

    memset(r, 0, sizeof *r);
    r->deadline = deadline_after(timeout_ms > 2 * RSC_MARGIN_MS
                                 ? timeout_ms - RSC_MARGIN_MS
                                 : timeout_ms / 2);
    if (params_parse(rsc_lookup, NULL, &r->p, msg, size)) {
        return EINVAL;
    }
    cluster_init(&r->cl, ocf_meta("on_node"), ocf_meta("physical_host"),
                 ocf_meta("container_attribute_target"),
                 getenv("OCF_RESOURCE_INSTANCE"), r->p.run_dir);
    for (i = 0; i < 2; i++) {
        server_init(&r->srv[i], i == 0 ? SERVER_NB : SERVER_SB, &r->p);
    }
    source_init(r);
    return 0;
}

const char *
rsc_self_addr(struct rsc *r)
{
    if (!r->self_addr[0]
        && addr_local(r->p.master_ip, r->self_addr, sizeof r->self_addr)) {
        snprintf(r->self_addr, sizeof r->self_addr, "%s", r->p.master_ip);
    }
    return r->self_addr;
}

int
rsc_node_listener(struct rsc *r, int i, bool present)
{
    const char *addr = rsc_self_addr(r);
    char remote[SOURCE_TARGET_MAX];

    if (!r->p.listen_on_master_ip_only || !strcmp(addr, r->p.master_ip)) {
        return 0;
    }
    server_node_listen(&r->srv[i], addr, remote, sizeof remote);
    return repl_set_remote(r->srv[i].ctl, remote, present, r->deadline);
}

static const char *
rsc_lookup(const char *name, void *aux)
{
    (void) aux;
    return ocf_reskey(name);
}
