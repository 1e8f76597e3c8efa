/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's parameters: one table that gives each parameter its name,
 * type, default and documentation, and drives parsing, validate-all and the
 * meta-data XML.  Names, defaults and meanings of the parameters of OVN's
 * ovndb-servers.ocf are kept unchanged. */
#ifndef PARAMS_H
#define PARAMS_H 1

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The longest file name, with its slash, that the agent appends to db_dir
 * or log_dir: "/ovnnb_db.db.backup-VERSION.NN" (server.c; VERSION comes
 * from ovsdb-tool and is kept to 63 bytes) takes 86 bytes, "/ovsdb-server-
 * nb.log" 20.  The rest of the 128 is room for temporary names. */
#define PARAMS_DIR_SUFFIX_MAX 128

/* Longest db_dir and log_dir, so that every path built from them fits in
 * PATH_MAX (with its NUL) and nothing is truncated. */
#define PARAMS_DIR_MAX (PATH_MAX - 1 - PARAMS_DIR_SUFFIX_MAX)

/* Longest run_dir: it holds Unix sockets ("/ovn-northd.ctl" and the like),
 * whose paths must fit in sockaddr_un's 108 bytes. */
#define PARAMS_RUN_DIR_MAX 80

/* Longest node name (Pacemaker's node names are host names). */
#define PARAMS_NODE_MAX 255

/* Largest CRM_meta_interval, in milliseconds (Pacemaker's limit: 32 bits). */
#define PARAMS_INTERVAL_MAX 4294967295ULL

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
    long long replication_stall_timeout;            /* ms, 0: automatic */
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
 * in 'p' point into the lookup's storage or the table.
 *
 * The rules, strict on purpose (a value that is refused changes nothing):
 *   - no value holds a control character (0x00-0x1f, 0x7f);
 *   - numbers are decimal digits only: no sign, no space, no unit, no
 *     trailing character; out-of-range values (overflowing ones
 *     included) are refused;
 *   - master_ip is a unicast address a host can hold: not unspecified
 *     (0.0.0.0/8, ::), broadcast (255.255.255.255) or multicast
 *     (224.0.0.0/4, ff00::/8), also when IPv4-mapped;
 *   - db_dir, run_dir and log_dir are absolute; db_dir and log_dir at most
 *     PARAMS_DIR_MAX bytes, run_dir at most PARAMS_RUN_DIR_MAX, and no
 *     component longer than NAME_MAX; the other paths less than PATH_MAX.
 *
 * It also checks the CRM_meta_* variables the helper reads, which 'lookup'
 * gives for names "CRM_meta_<name>":
 *   - CRM_meta_timeout: digits only.  0 means the default; larger than
 *     OCF_TIMEOUT_MAX_MS is accepted and clamped (see ocf_timeout_ms());
 *   - CRM_meta_interval: digits only, at most PARAMS_INTERVAL_MAX;
 *   - CRM_meta_on_node and CRM_meta_physical_host: a node name (no space,
 *     no control character, at most PARAMS_NODE_MAX bytes); the notify
 *     lists: node names separated by spaces; the other words: no control
 *     character. */
int params_parse(params_lookup_func *lookup, void *aux, struct params *p,
                 char *reason, size_t reason_size);

/* Returns the default value of parameter 'name', or NULL. */
const char *params_default(const char *name);

/* A parameter of the agent, as the meta-data describes it. */
enum params_type {
    PARAMS_STRING,
    PARAMS_INTEGER,
    PARAMS_BOOLEAN,
};

struct params_def {
    const char *name;
    enum params_type type;
    const char *def;            /* Default, or NULL for none. */
    bool required;
    const char *shortdesc;
    const char *longdesc;
};

/* Returns the 'i'th parameter, or NULL past the last. */
const struct params_def *params_def_at(size_t i);


#endif /* params.h */
