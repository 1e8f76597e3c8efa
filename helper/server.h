/* SPDX-License-Identifier: Apache-2.0 */
/* ovsdb-server process control.
 *
 * Knows ovn-ctl's file layout (ovnnb_db.db, .sock, .ctl, .pid and the SB
 * equivalents), creates a missing database from the installed schema,
 * upgrades an existing one when the installed schema is newer (never
 * deletes one), builds ovsdb-server's command line, and starts and stops
 * the daemons within a deadline. */
#ifndef SERVER_H
#define SERVER_H 1

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct params;
struct params_db;
struct proc_daemon;

/* Most processes of one server found at once (normally one). */
#define SERVER_MAX_PROCS 4

/* How long a server that answers is given to exit when asked. */
#define SERVER_EXIT_ASK_MS 1000

enum server_which {
    SERVER_NB,
    SERVER_SB,
};

struct server {
    const char *db_name;        /* "OVN_Northbound" or "OVN_Southbound". */
    const char *tag;            /* "NB" or "SB", for messages. */
    const char *global_table;   /* "NB_Global" or "SB_Global". */
    const struct params_db *cfg;
    char schema[PATH_MAX];
    char db_file[PATH_MAX];
    char sock[PATH_MAX];        /* Local OVSDB client socket. */
    char ctl[PATH_MAX];         /* unixctl socket. */
    char pidfile[PATH_MAX];
    char lockfile[PATH_MAX];    /* ovsdb-server's lock on db_file. */
    char name[24];              /* "NB ovsdb-server", for messages. */
    char logfile[PATH_MAX];
};

/* Fills 's' for database 'which' from 'p'.  The schema directory is
 * $OVN_PKGDATADIR, by default /usr/share/ovn. */
void server_init(struct server *s, enum server_which which,
                 const struct params *p);

/* Formats the replication source of 's' ("tcp:IP:PORT", "ssl:[IP6]:PORT")
 * into 'buf'. */
void server_sync_target(const struct server *s, const struct params *p,
                        char *buf, size_t size);

/* Formats the replication source "tcp:ADDR:PORT" (or ssl; IPv6 in
 * brackets) of 's' for a server at address 'addr' into 'buf'. */
void server_source_target(const struct server *s, const char *addr,
                          char *buf, size_t size);

/* Formats the listener "ptcp:PORT:ADDR" (or pssl) of 's' on this node's own
 * address 'addr', through which the active serves its backups. */
void server_node_listen(const struct server *s, const char *addr,
                        char *buf, size_t size);

/* Formats the listener the active uses ("ptcp:PORT:IP", "pssl:PORT:[IP6]",
 * or on all addresses when listen_on_master_ip_only is no) into 'buf'. */
void server_listen_target(const struct server *s, const struct params *p,
                          char *buf, size_t size);

/* Returns the "db:DB,TABLE,connections" remote of 's' in 'buf'. */
void server_db_remote(const struct server *s, char *buf, size_t size);

/* Builds ovsdb-server's argv to start 's' as a backup of 'sync_from' into
 * 'argv' (room for 'max' pointers, NULL-terminated), using 'store' (of
 * 'store_size' bytes) for the option strings.  Pure.  Returns 0, or ENOSPC
 * if 'argv' or 'store' is too small. */
int server_build_argv(const struct server *s, const char *sync_from,
                      const char **argv, size_t max, char *store,
                      size_t store_size);

/* Returns 0 and the pid of 's' in '*pidp' if its ovsdb-server runs; ESRCH if
 * not; see proc_pidfile_pid(). */
int server_pid(const struct server *s, pid_t *pidp);

/* Creates db_dir, run_dir and log_dir (and their parents) if missing.
 * Returns 0 or a positive errno value with an explanation in 'msg'. */
int server_make_dirs(const struct params *p, char *msg, size_t size);

/* Makes sure the directories exist and the database file of 's' is usable:
 * creates it from the schema if absent, converts it (after copying it aside)
 * if the installed schema is newer, refuses one whose schema is newer than
 * the installed one or that is clustered.  Returns 0 or a positive errno
 * value with an explanation in 'msg'. */
int server_prepare_db(const struct server *s, const struct params *p,
                      long long deadline, char *msg, size_t size);

/* Starts ovsdb-server for 's' as a backup of 'sync_from', or with 'active'
 * as the active (writable, replicating from nobody: the guard's in-place
 * restart of a dead active), and returns once it has daemonized (its
 * control socket then answers).  Returns 0 or a positive errno value with
 * an explanation in 'msg'. */
int server_start(const struct server *s, const char *sync_from, bool active,
                 long long deadline, char *msg, size_t size);

/* Describes the ovsdb-server of 's' as a daemon to find (see proc.h). */
void server_daemon(const struct server *s, struct proc_daemon *d);

/* Asks the ovsdb-server of 's' to exit, through its control socket, and
 * waits for its answer until 'deadline' at most. */
void server_ask_exit(const struct server *s, long long deadline);

/* Stops every ovsdb-server process of 's' (found by pidfile, database
 * lock or control socket): asks it to exit, then SIGTERM, then SIGKILL
 * after a third of the time left.  Returns 0 once none is left (or none
 * was running), or ETIMEDOUT if one still runs at 'deadline'. */
int server_stop(const struct server *s, long long deadline);

/* Removes the pidfile of 's' if no live ovsdb-server owns it (one killed
 * by SIGKILL leaves it behind). */
void server_forget_pidfile(const struct server *s);

#endif /* server.h */
