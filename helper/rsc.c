/* SPDX-License-Identifier: Apache-2.0 */
#include "rsc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "deadline.h"
#include "decide.h"
#include "log.h"
#include "ocf.h"
#include "repl.h"
#include "tcpdiag.h"

/* Longest db_dir, run_dir or log_dir that stop uses as given. */
#define RSC_STOP_PATH_MAX 200

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

/* Returns the value of the path parameter 'name' if it is usable (an
 * absolute path of a sane length, no control characters), else its
 * default. */
static const char *
rsc_path_or_default(const char *name)
{
    const char *value = ocf_reskey(name);
    const char *c;

    if (!value || value[0] != '/' || strlen(value) > RSC_STOP_PATH_MAX) {
        return params_default(name);
    }
    for (c = value; *c; c++) {
        if ((unsigned char) *c < 0x20 || *c == 0x7f) {
            return params_default(name);
        }
    }
    return value;
}

void
rsc_init_for_stop(struct rsc *r, long long timeout_ms)
{
    char msg[256];
    const char *northd;
    int i;

    if (!rsc_init(r, timeout_ms, msg, sizeof msg)) {
        return;
    }
    log_warn("stop: %s; stopping what runs at the paths given", msg);
    memset(&r->p, 0, sizeof r->p);
    r->p.master_ip = "";
    r->p.db_dir = rsc_path_or_default("db_dir");
    r->p.run_dir = rsc_path_or_default("run_dir");
    r->p.log_dir = rsc_path_or_default("log_dir");
    northd = ocf_reskey("manage_northd");
    r->p.manage_northd = northd && ocf_is_true(northd);
    cluster_init(&r->cl, ocf_meta("on_node"), ocf_meta("physical_host"),
                 ocf_meta("container_attribute_target"),
                 getenv("OCF_RESOURCE_INSTANCE"), r->p.run_dir);
    for (i = 0; i < 2; i++) {
        server_init(&r->srv[i], i == 0 ? SERVER_NB : SERVER_SB, &r->p);
    }
    /* No source: stop replicates from nothing. */
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

long long
rsc_stall_bound(const struct rsc *r, int i)
{
    char addr[SOURCE_TARGET_MAX];
    long long probe_source = r->p.inactive_probe_interval;
    int port;

    if (r->p.listen_on_master_ip_only
        && !tcpdiag_parse_remote(r->src.target[i], addr, sizeof addr, &port)
        && strcmp(addr, r->p.master_ip)) {
        probe_source = RSC_REMOTE_PROBE_MS;
    }
    return decide_stall_bound(r->p.replication_stall_timeout, probe_source,
                              r->p.inactive_probe_interval_to_master);
}

static const char *
rsc_lookup(const char *name, void *aux)
{
    (void) aux;
    return ocf_reskey(name);
}
