/* SPDX-License-Identifier: Apache-2.0 */
/* Replication state of one ovsdb-server: reading it (sync-status, parsed
 * by syncstat.h, and the writability probe) and changing it (active, or
 * backup of a source) over the server's unixctl and OVSDB sockets. */
#ifndef REPL_H
#define REPL_H 1

#include <stdbool.h>
#include <stddef.h>

enum repl_role {
    REPL_ROLE_UNKNOWN,
    REPL_ROLE_ACTIVE,
    REPL_ROLE_BACKUP,
};

/* Phase of a backup's replication connection, as the server reports it.
 * "replicating" is not proof that the source is alive. */
enum repl_link {
    REPL_LINK_NONE,             /* Active, or no replication line. */
    REPL_LINK_CONNECTING,
    REPL_LINK_REPLICATING,
    REPL_LINK_NOT_CONNECTED,
};

struct repl_status {
    enum repl_role role;
    enum repl_link link;
    char target[256];           /* Replication source, or "". */
};

/* Returns a static name for 'role' / 'link' ("active", "replicating"...). */
const char *repl_role_name(enum repl_role role);
const char *repl_link_name(enum repl_link link);

struct jsonrpc_conn;

/* repl_get_status() and repl_source_id() in two halves, to ask several
 * servers at once: the *_start() functions send the request and store the
 * connection in '*connp' (NULL on failure, with a positive errno value
 * returned); the *_finish() functions wait for the reply, close the
 * connection (which may be NULL: the start's error is then returned again,
 * as 'start_error') and return what the one-call versions return. */
int repl_status_start(const char *ctl, long long deadline,
                      struct jsonrpc_conn **connp);
int repl_status_finish(struct jsonrpc_conn *conn, int start_error,
                       const char *db_name, long long deadline,
                       struct repl_status *st);
int repl_source_id_start(const char *target, long long deadline,
                         struct jsonrpc_conn **connp);
int repl_source_id_finish(struct jsonrpc_conn *conn, int start_error,
                          long long deadline, char *id);

/* Reads the replication state of the server whose unixctl socket is 'ctl'.
 * Returns 0 or a positive errno value (ETIMEDOUT if it does not answer). */
int repl_get_status(const char *ctl, const char *db_name, long long deadline,
                    struct repl_status *st);

/* Probes whether the database 'db_name' behind the OVSDB socket 'sock'
 * accepts writes, with a commit that changes nothing.  Returns 0 and sets
 * '*writable', or a positive errno value. */
int repl_probe_writable(const char *sock, const char *db_name,
                        long long deadline, bool *writable);

/* Makes the server active (disconnect-active-ovsdb-server).  Returns 0 or a
 * positive errno value. */
int repl_make_active(const char *ctl, long long deadline);

/* Makes the server a backup of 'target' with a replication inactivity probe
 * of 'probe_ms' milliseconds, in a fresh replication session (connecting at
 * once, whatever back-off an earlier session had reached, even when
 * 'target' is the current source: this costs a full resync), and checks
 * that the databases use 'target' (sync-status).  Works on an active
 * server and re-points a backup, on OVS 3.1 and >= 3.3; the server never
 * turns active on the way.  Returns 0 or a positive errno value. */
int repl_make_backup(const char *ctl, const char *target, long long probe_ms,
                     long long deadline);

/* Sets the inactivity probe of a backup's replication connection to
 * 'probe_ms' milliseconds, without changing its source.  Returns 0 or a
 * positive errno value. */
int repl_set_probe(const char *ctl, long long probe_ms, long long deadline);

/* Adds or removes the remote 'remote' (e.g. "db:OVN_Northbound,NB_Global,
 * connections") on a running server, idempotently.  Returns 0 or a positive
 * errno value. */
int repl_set_remote(const char *ctl, const char *remote, bool present,
                    long long deadline);

/* Splits the replication source 'target' ("tcp:IP:PORT", "ssl:IP:PORT",
 * IPv6 in brackets) into 'host' (without brackets), '*portp' and '*sslp'.
 * Pure.  Returns 0 or EINVAL. */
int repl_parse_target(const char *target, char *host, size_t host_size,
                      int *portp, bool *sslp);

/* Reads the server ID (a per-process UUID) of the ovsdb-server behind the
 * OVSDB socket 'sock' into 'id' (at least 40 bytes).  Returns 0 or a
 * positive errno value. */
int repl_local_id(const char *sock, long long deadline, char *id);

/* Asks the server at replication source 'target' for its ID, to learn
 * whether it is alive (and who it is).  Returns 0 and fills 'id', ENOTSUP
 * for an ssl source (not checked), or a positive errno value if nothing
 * answers before 'deadline'. */
int repl_source_id(const char *target, long long deadline, char *id);

/* Sets '*has_data' to whether database 'db' behind 'sock' holds a row in
 * its global table 'table' (a database that never synchronised has none).
 * Returns 0 or a positive errno value. */
int repl_has_data(const char *sock, const char *db, const char *table,
                  long long deadline, bool *has_data);

#endif /* repl.h */
