/* SPDX-License-Identifier: Apache-2.0 */
/* The unit tests' shared fixture: temporary directories, processes that a
 * test starts and stops by pid, TCP ports on 127.0.0.1 held for a test,
 * and real ovsdb-servers (from PATH) on fresh OVN databases.
 *
 * Everything here fails the running test (or group setup) through cmocka
 * when it cannot do its job, with a message that says why: a missing
 * ovsdb-server or ovsdb-tool is a broken test environment, never a reason
 * to skip.  Every wait is bounded (FIXTURE_WAIT_MS unless said). */
#ifndef FIXTURE_H
#define FIXTURE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define FIXTURE_NB_SCHEMA "/usr/share/ovn/ovn-nb.ovsschema"
#define FIXTURE_SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"
#define FIXTURE_NB "OVN_Northbound"
#define FIXTURE_SB "OVN_Southbound"

/* Bound on every wait for a process or a server to change. */
#define FIXTURE_WAIT_MS 10000

/* ---------------------------------------------------------------------- */
/* Temporary directories. */

/* Creates a fresh directory "/tmp/'name'.XXXXXX" and stores its path in
 * 'dir' ('size' bytes). */
void fixture_tmpdir(const char *name, char *dir, size_t size);

/* Removes 'dir' and everything in it (making read-only directories
 * writable first).  Does nothing if 'dir' is empty. */
void fixture_rmtree(const char *dir);

/* ---------------------------------------------------------------------- */
/* Processes. */

/* Runs 'argv' (fork and execvp: no shell), stdin and stdout on /dev/null,
 * stderr appended to 'errfile' (or /dev/null if NULL), and fails unless it
 * exits with status 0 within FIXTURE_WAIT_MS. */
void fixture_run_ok(const char *const argv[], const char *errfile);

/* Returns true if 'pid' is gone: reaped here if it is a child of this
 * process, otherwise absent or a zombie.  Once true, 'pid' may be reused:
 * never signal it again. */
bool fixture_process_gone(pid_t pid);

/* Processes killed (SIGKILL) by a fatal signal to this process, which
 * would skip the teardown that stops them. */
void fixture_guard_pid(pid_t pid);
void fixture_unguard_pid(pid_t pid);

/* Stops 'pid' (if > 1): SIGTERM and up to 'term_ms' for it to go, then, if
 * it is still there (or at once if 'term_ms' is 0), SIGKILL and up to
 * FIXTURE_WAIT_MS.  Unguards it.  Returns 0 if it went on the first
 * signal sent, ETIMEDOUT if it took SIGKILL after SIGTERM, ESRCH if it
 * never went. */
int fixture_stop_pid(pid_t pid, int term_ms);

/* ---------------------------------------------------------------------- */
/* TCP ports on 127.0.0.1. */

/* A port held by a socket bound to 127.0.0.1 with SO_REUSEADDR and not
 * listening: nothing else picks it (the kernel does not hand out a bound
 * port), a connection to it is refused, and an ovsdb-server can still
 * listen on it (OVS sets SO_REUSEADDR too).  No bind-close-reuse race. */
struct fixture_port {
    int fd;                     /* -1 once released. */
    int port;
};

void fixture_port_reserve(struct fixture_port *);
void fixture_port_release(struct fixture_port *);

/* Returns true if something accepts TCP connections on 127.0.0.1:'port'. */
bool fixture_port_accepts(int port);

/* Polls until fixture_port_accepts('port') is 'accepts', for at most
 * FIXTURE_WAIT_MS.  Returns false if it never was. */
bool fixture_port_wait(int port, bool accepts);

/* ---------------------------------------------------------------------- */
/* Real ovsdb-servers. */

/* The TCP remote of a server started with 'tcp': the kernel picks the
 * port, which the fixture reads back from the server's log. */
#define FIXTURE_TCP_REMOTE "ptcp:0:127.0.0.1"

struct fixture_server_options {
    const char *name;           /* Prefix of its files in the directory. */
    bool nb, sb;                /* Fresh NB, SB databases (ovsdb-tool
                                 * create from the OVN schemas). */
    bool tcp;                   /* Also listen on FIXTURE_TCP_REMOTE. */
    const char *sync_from;      /* --sync-from target (a backup), or NULL
                                 * (active). */
    const char *remote;         /* One more --remote, or NULL. */
};

struct fixture_server {
    char sock[160];             /* Its punix: remote. */
    char ctl[160];              /* Its unixctl socket. */
    char log[160];              /* Its log file. */
    char nb_db[160], sb_db[160];  /* Database files, "" if none. */
    pid_t pid;                  /* 0 once stopped. */
    int port;                   /* TCP port on 127.0.0.1, 0 if none. */
    char target[64];            /* "tcp:127.0.0.1:PORT", "" if none. */
};

/* Creates the databases in 'dir' and starts an ovsdb-server on them, a
 * child of this process (no --detach; it gets SIGKILL if this process
 * dies), and waits until it answers on its sockets and, with 'tcp', has
 * logged its port. */
void fixture_server_start(struct fixture_server *, const char *dir,
                          const struct fixture_server_options *);

/* Stops the server (SIGTERM, then SIGKILL after FIXTURE_WAIT_MS) and reaps
 * it.  Returns 0 if it exited on SIGTERM, otherwise a positive errno.
 * Does nothing if it is not running. */
int fixture_server_stop(struct fixture_server *);

/* Runs the transaction 'ops' (a JSON array, database first; the reference
 * is taken) on the OVSDB server at unix socket 'sock', fails unless every
 * operation succeeds, and returns the result (to be json_decref()'d). */
json_t *fixture_transact(const char *sock, json_t *ops);

#endif /* fixture.h */
