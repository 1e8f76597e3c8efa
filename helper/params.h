/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's parameters: one table that gives each parameter its name,
 * type, default and documentation, and drives parsing, validate-all and the
 * meta-data XML.  Names, defaults and meanings of the parameters of OVN's
 * ovndb-servers.ocf are kept unchanged. */
#ifndef PARAMS_H
#define PARAMS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Settings of one database (NB or SB). */
struct params_db {
    int port;                   /* nb_master_port / sb_master_port. */
    bool ssl;                   /* Protocol is "ssl" rather than "tcp". */
    const char *privkey;        /* ovn_{nb,sb}_db_privkey. */
    const char *cert;           /* ovn_{nb,sb}_db_cert. */
    const char *cacert;         /* ovn_{nb,sb}_db_cacert. */
};

struct params {
    const char *ovn_ctl;
    const char *master_ip;      /* As given (IPv4 or IPv6 literal). */
    bool master_ip_v6;
    struct params_db nb, sb;
    bool manage_northd;
    long long inactive_probe_interval;              /* ms */
    long long inactive_probe_interval_to_master;    /* ms */
    bool listen_on_master_ip_only;
    const char *db_dir;
    const char *run_dir;
    const char *log_dir;
};

/* Looks up parameter 'name'; returns NULL when unset or empty. */
typedef const char *params_lookup_func(const char *name, void *aux);

/* Parses and checks every parameter, taking values from 'lookup' and
 * defaults from the table.  Pure: touches no file.  Returns 0 on success or
 * EINVAL with a one-line explanation for an operator in 'reason'.  Strings
 * in 'p' point into the lookup's storage or the table. */
int params_parse(params_lookup_func *lookup, void *aux, struct params *p,
                 char *reason, size_t reason_size);

/* Returns the default value of parameter 'name', or NULL. */
const char *params_default(const char *name);

/* Returns true if reload-agent applies parameter 'name' to the running
 * servers (reloadable="1" in the meta-data). */
bool params_is_reloadable(const char *name);

/* Writes the agent's meta-data XML to 'out'. */
void params_write_metadata(FILE *out, bool ocf11);

#endif /* params.h */
