/* SPDX-License-Identifier: Apache-2.0 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "deadline.h"
#include "log.h"
#include "params.h"
#include "proc.h"
#include "unixctl.h"

#define SERVER_COMM "ovsdb-server"

static int server_tool(const char *const argv[], long long deadline,
                       char *out, size_t out_size, char *msg, size_t size);
static int server_version_cmp(const char *a, const char *b);
static int server_check_db(const struct server *, struct stat *,
                           char *msg, size_t size);
static int server_create_db(const struct server *, long long deadline,
                            char *msg, size_t size);
static int server_copy_aside(const char *file, const char *version,
                             char *dst, size_t dst_size);

void
server_init(struct server *s, enum server_which which, const struct params *p)
{
    const char *pkgdata = getenv("OVN_PKGDATADIR");
    const char *base = which == SERVER_NB ? "ovnnb_db" : "ovnsb_db";
    const char *sfx = which == SERVER_NB ? "nb" : "sb";

    memset(s, 0, sizeof *s);
    s->db_name = which == SERVER_NB ? "OVN_Northbound" : "OVN_Southbound";
    s->tag = which == SERVER_NB ? "NB" : "SB";
    s->global_table = which == SERVER_NB ? "NB_Global" : "SB_Global";
    s->cfg = which == SERVER_NB ? &p->nb : &p->sb;
    snprintf(s->schema, sizeof s->schema, "%s/ovn-%s.ovsschema",
             pkgdata && pkgdata[0] ? pkgdata : "/usr/share/ovn", sfx);
    snprintf(s->db_file, sizeof s->db_file, "%s/%s.db", p->db_dir, base);
    snprintf(s->lockfile, sizeof s->lockfile, "%s/.%s.db.~lock~", p->db_dir,
             base);
    snprintf(s->sock, sizeof s->sock, "%s/%s.sock", p->run_dir, base);
    snprintf(s->ctl, sizeof s->ctl, "%s/%s.ctl", p->run_dir, base);
    snprintf(s->pidfile, sizeof s->pidfile, "%s/%s.pid", p->run_dir, base);
    snprintf(s->logfile, sizeof s->logfile, "%s/ovsdb-server-%s.log",
             p->log_dir, sfx);
    snprintf(s->name, sizeof s->name, "%s ovsdb-server", s->tag);
}

void
server_sync_target(const struct server *s, const struct params *p,
                   char *buf, size_t size)
{
    snprintf(buf, size, p->master_ip_v6 ? "%s:[%s]:%d" : "%s:%s:%d",
             s->cfg->ssl ? "ssl" : "tcp", p->master_ip, s->cfg->port);
}

void
server_source_target(const struct server *s, const char *addr, char *buf,
                     size_t size)
{
    snprintf(buf, size, strchr(addr, ':') ? "%s:[%s]:%d" : "%s:%s:%d",
             s->cfg->ssl ? "ssl" : "tcp", addr, s->cfg->port);
}

void
server_node_listen(const struct server *s, const char *addr, char *buf,
                   size_t size)
{
    snprintf(buf, size, strchr(addr, ':') ? "%s:%d:[%s]" : "%s:%d:%s",
             s->cfg->ssl ? "pssl" : "ptcp", s->cfg->port, addr);
}

void
server_listen_target(const struct server *s, const struct params *p,
                     char *buf, size_t size)
{
    const char *proto = s->cfg->ssl ? "pssl" : "ptcp";

    if (!p->listen_on_master_ip_only) {
        snprintf(buf, size, p->master_ip_v6 ? "%s:%d:[::]" : "%s:%d:0.0.0.0",
                 proto, s->cfg->port);
    } else {
        snprintf(buf, size, p->master_ip_v6 ? "%s:%d:[%s]" : "%s:%d:%s",
                 proto, s->cfg->port, p->master_ip);
    }
}

void
server_db_remote(const struct server *s, char *buf, size_t size)
{
    snprintf(buf, size, "db:%s,%s,connections", s->db_name,
             s->global_table);
}

int
server_build_argv(const struct server *s,
                  const char *sync_from, const char **argv, size_t max,
                  char *store, size_t store_size)
{
    size_t n = 0, used = 0;

#define ARG(...)                                                        \
    do {                                                                \
        int len_;                                                       \
        if (n + 2 > max || used >= store_size) {                        \
            return ENOSPC;                                              \
        }                                                               \
        len_ = snprintf(store + used, store_size - used, __VA_ARGS__);  \
        if (len_ < 0 || (size_t) len_ >= store_size - used) {           \
            return ENOSPC;                                              \
        }                                                               \
        argv[n++] = store + used;                                       \
        used += len_ + 1;                                               \
    } while (0)

    ARG("ovsdb-server");
    ARG("%s", s->db_file);
    ARG("-vconsole:off");
    ARG("-vfile:info");
    ARG("--log-file=%s", s->logfile);
    ARG("--remote=punix:%s", s->sock);
    ARG("--pidfile=%s", s->pidfile);
    ARG("--unixctl=%s", s->ctl);
    ARG("--detach");
    ARG("--no-chdir");
    /* No "--remote=db:DB,TABLE,connections" here: only the active listens
     * through its Connection row, which the agent attaches on promotion
     * and detaches on demotion.  A backup therefore never accepts clients,
     * and never serves as anyone's (or its own) replication source. */
    if (s->cfg->ssl) {
        ARG("--private-key=%s", s->cfg->privkey);
        ARG("--certificate=%s", s->cfg->cert);
        ARG("--ca-cert=%s", s->cfg->cacert);
    } else {
        ARG("--private-key=db:%s,SSL,private_key", s->db_name);
        ARG("--certificate=db:%s,SSL,certificate", s->db_name);
        ARG("--ca-cert=db:%s,SSL,ca_cert", s->db_name);
    }
    ARG("--ssl-protocols=db:%s,SSL,ssl_protocols", s->db_name);
    ARG("--ssl-ciphers=db:%s,SSL,ssl_ciphers", s->db_name);
    ARG("--sync-from=%s", sync_from);
#undef ARG
    argv[n] = NULL;
    return 0;
}

int
server_pid(const struct server *s, pid_t *pidp)
{
    return proc_pidfile_pid(s->pidfile, SERVER_COMM, pidp);
}

int
server_prepare_db(const struct server *s, const struct params *p,
                  long long deadline, char *msg, size_t size)
{
    char db_version[64], schema_version[64], answer[64], aside[PATH_MAX];
    struct stat st;
    int error, cmp;

    error = server_make_dirs(p, msg, size);
    if (error) {
        return error;
    }
    if (access(s->schema, R_OK)) {
        snprintf(msg, size, "schema %s is missing: install ovn-central",
                 s->schema);
        return ENOENT;
    }
    error = server_check_db(s, &st, msg, size);
    if (error == ENOENT) {
        return server_create_db(s, deadline, msg, size);
    }
    if (error) {
        return error;
    }

    {
        const char *argv[] = { "ovsdb-tool", "db-is-clustered", s->db_file,
                               NULL };
        struct child_result r;

        error = child_run(argv, deadline, &r);
        if (!error && r.status == 0) {
            child_result_free(&r);
            snprintf(msg, size, "%s is a clustered (RAFT) database: "
                     "active/backup needs a standalone one", s->db_file);
            return EINVAL;
        }
        child_result_free(&r);
    }
    {
        const char *argv[] = { "ovsdb-tool", "needs-conversion", s->db_file,
                               s->schema, NULL };

        error = server_tool(argv, deadline, answer, sizeof answer, msg,
                            size);
        if (error || strncmp(answer, "yes", 3)) {
            return error;
        }
    }
    {
        const char *argv1[] = { "ovsdb-tool", "db-version", s->db_file,
                                NULL };
        const char *argv2[] = { "ovsdb-tool", "schema-version", s->schema,
                                NULL };

        error = server_tool(argv1, deadline, db_version, sizeof db_version,
                            msg, size);
        if (!error) {
            error = server_tool(argv2, deadline, schema_version,
                                sizeof schema_version, msg, size);
        }
        if (error) {
            return error;
        }
    }
    cmp = server_version_cmp(schema_version, db_version);
    if (cmp < 0) {
        snprintf(msg, size, "%s has schema %s, newer than the installed %s: "
                 "upgrade ovn-central on this node", s->db_file, db_version,
                 schema_version);
        return EINVAL;
    }
    if (cmp == 0) {
        log_warn("%s: %s differs from the installed schema of the same "
                 "version %s; not converting", s->tag, s->db_file,
                 db_version);
        return 0;
    }

    error = server_copy_aside(s->db_file, db_version, aside, sizeof aside);
    if (error) {
        snprintf(msg, size, "cannot copy %s aside before converting it: %s",
                 s->db_file, strerror(error));
        return error;
    }
    log_info("%s: converting %s from schema %s to %s (copy kept in %s)",
             s->tag, s->db_file, db_version, schema_version, aside);
    {
        const char *argv[] = { "ovsdb-tool", "convert", s->db_file,
                               s->schema, NULL };

        return server_tool(argv, deadline, NULL, 0, msg, size);
    }
}

int
server_start(const struct server *s, const char *sync_from, bool active,
             long long deadline, char *msg, size_t size)
{
    const char *argv[40];
    char store[8192], line[200];
    struct child_result r;
    size_t n;
    int error;

    /* One pointer kept back for "--active". */
    error = server_build_argv(s, sync_from, argv, 39, store, sizeof store);
    if (error) {
        snprintf(msg, size, "%s: ovsdb-server command line too long",
                 s->tag);
        return error;
    }
    if (active) {
        for (n = 0; argv[n]; n++) {
            continue;
        }
        argv[n++] = "--active";
        argv[n] = NULL;
        log_info("%s: starting ovsdb-server as the active", s->tag);
    } else {
        log_info("%s: starting ovsdb-server as a backup of %s", s->tag,
                 sync_from);
    }
    error = child_run(argv, deadline, &r);
    if (error) {
        snprintf(msg, size, "%s ovsdb-server did not start: %s", s->tag,
                 error == ENOENT ? "ovsdb-server not found in PATH"
                 : strerror(error));
        return error;
    }
    if (r.status != 0) {
        snprintf(msg, size, "%s ovsdb-server exited with %d: %s (see %s)",
                 s->tag, r.status, child_result_line(&r, line, sizeof line),
                 s->logfile);
        child_result_free(&r);
        return EIO;
    }
    child_result_free(&r);
    return 0;
}

void
server_daemon(const struct server *s, struct proc_daemon *d)
{
    d->name = s->name;
    d->comm = SERVER_COMM;
    d->pidfile = s->pidfile;
    d->lockfile = s->lockfile;
    d->ctl = s->ctl;
}

void
server_ask_exit(const struct server *s, long long deadline)
{
    char *reply = NULL, *err = NULL;

    if (!unixctl_call(s->ctl, "exit", NULL, 0, deadline, &reply, &err)) {
        free(reply);
        free(err);
    }
}

int
server_stop(const struct server *s, long long deadline)
{
    struct proc_victim victims[SERVER_MAX_PROCS];
    pid_t pids[SERVER_MAX_PROCS];
    struct proc_daemon d;
    char msg[256];
    int n, i;

    server_daemon(s, &d);
    n = proc_find(&d, pids, SERVER_MAX_PROCS);
    if (!n) {
        return 0;
    }
    /* Ask politely first: ovsdb-server then removes its pidfile and
     * sockets itself.  A hung one gets a short bound only. */
    server_ask_exit(s, deadline_after(deadline_left(deadline) / 4
                                      < SERVER_EXIT_ASK_MS
                                      ? deadline_left(deadline) / 4
                                      : SERVER_EXIT_ASK_MS));
    for (i = 0; i < n; i++) {
        victims[i] = (struct proc_victim) {
            .pid = pids[i], .comm = SERVER_COMM, .name = s->name,
        };
    }
    if (proc_kill_all(victims, n, deadline_left(deadline) / 3, deadline,
                      msg, sizeof msg)) {
        return ETIMEDOUT;
    }
    server_forget_pidfile(s);
    return 0;
}

void
server_forget_pidfile(const struct server *s)
{
    pid_t pid;

    if (server_pid(s, &pid) && unlink(s->pidfile) && errno != ENOENT) {
        log_warn("cannot remove %s: %s", s->pidfile, strerror(errno));
    }
}

int
server_make_dirs(const struct params *p, char *msg, size_t size)
{
    const char *dirs[] = { p->db_dir, p->run_dir, p->log_dir };
    size_t i;

    for (i = 0; i < 3; i++) {
        char path[PATH_MAX], *slash;

        snprintf(path, sizeof path, "%s", dirs[i]);
        for (slash = strchr(path + 1, '/'); ; slash = strchr(slash + 1, '/')) {
            if (slash) {
                *slash = '\0';
            }
            if (mkdir(path, 0755) && errno != EEXIST) {
                int error = errno;

                snprintf(msg, size, "cannot create directory %s: %s", path,
                         strerror(error));
                return error;
            }
            if (!slash) {
                break;
            }
            *slash = '/';
        }
    }
    return 0;
}

/* Runs an ovsdb-tool command that must succeed; its first output line goes
 * to 'out' if not NULL. */
static int
server_tool(const char *const argv[], long long deadline, char *out,
            size_t out_size, char *msg, size_t size)
{
    struct child_result r;
    char line[200];
    int error;

    error = child_run(argv, deadline, &r);
    if (error) {
        snprintf(msg, size, "%s %s failed: %s", argv[0], argv[1],
                 error == ENOENT ? "not found in PATH" : strerror(error));
        return error;
    }
    if (r.status != 0) {
        snprintf(msg, size, "%s %s %s failed: %s", argv[0], argv[1],
                 argv[2], child_result_line(&r, line, sizeof line));
        child_result_free(&r);
        return EIO;
    }
    if (out) {
        snprintf(out, out_size, "%.*s", (int) strcspn(r.out, "\n"), r.out);
    }
    child_result_free(&r);
    return 0;
}

/* Compares dotted version numbers: <0, 0 or >0 as 'a' is older, equal or
 * newer than 'b'. */
static int
server_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        char *ea, *eb;
        long x = strtol(a, &ea, 10);
        long y = strtol(b, &eb, 10);

        if (x != y) {
            return x < y ? -1 : 1;
        }
        if (ea == a && eb == b) {
            break;              /* Neither advanced: not a number. */
        }
        a = *ea == '.' ? ea + 1 : ea;
        b = *eb == '.' ? eb + 1 : eb;
    }
    return 0;
}

static int
server_copy_aside(const char *file, const char *version, char *dst,
                  size_t dst_size)
{
    char buf[65536];
    int in, out = -1, error = 0, i;
    ssize_t n;

    /* The version comes from the database file: it names a file only if
     * it is digits and dots. */
    if (!version[0] || version[strspn(version, "0123456789.")]) {
        return EINVAL;
    }
    in = open(file, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        return errno;
    }
    for (i = 0; i < 100 && out < 0; i++) {
        snprintf(dst, dst_size, i ? "%s.backup-%s.%d" : "%s.backup-%s",
                 file, version, i);
        out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (out < 0 && errno != EEXIST) {
            error = errno;
            break;
        }
    }
    if (out < 0) {
        close(in);
        return error ? error : EEXIST;
    }
    for (;;) {
        n = read(in, buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        if (write(out, buf, n) != n) {
            error = errno ? errno : EIO;
            break;
        }
    }
    if (n < 0) {
        error = errno;
    }
    if (!error && fsync(out)) {
        error = errno;
    }
    close(in);
    close(out);
    return error;
}

/* Checks that the database file of 's' is there and usable, following a
 * symlink only to a plain file.  Returns 0 (with its status in '*st'),
 * ENOENT only if there is nothing at all at its path, or another positive
 * errno value with an explanation in 'msg'. */
static int
server_check_db(const struct server *s, struct stat *st, char *msg,
                size_t size)
{
    int error;

    if (lstat(s->db_file, st)) {
        error = errno;
        if (error == ENOENT) {
            return ENOENT;
        }
        snprintf(msg, size, "cannot look at %s: %s", s->db_file,
                 strerror(error));
        return error;
    }
    if (stat(s->db_file, st)) {
        error = errno;
        snprintf(msg, size, "%s is a symlink to %s: fix or remove the link "
                 "(the agent never replaces it)", s->db_file,
                 error == ENOENT ? "nothing (dangling)"
                 : error == ELOOP ? "itself (a loop)" : strerror(error));
        return error == ENOENT ? ENOLINK : error;
    }
    if (!S_ISREG(st->st_mode)) {
        snprintf(msg, size, "%s is not a regular file: move it away",
                 s->db_file);
        return EINVAL;
    }
    if (st->st_size == 0) {
        snprintf(msg, size, "%s is empty (0 bytes): restore it from a "
                 "backup, or remove it to start with an empty database",
                 s->db_file);
        return EINVAL;
    }
    if (access(s->db_file, R_OK | W_OK)) {
        error = errno;
        snprintf(msg, size, "%s is not readable and writable: %s",
                 s->db_file, strerror(error));
        return error;
    }
    return 0;
}

/* Creates the database of 's' from its schema in a private directory
 * made for it next to the database (nothing can be planted in it), then
 * moves it into place only if nothing appeared there meanwhile: a failed
 * create (a full disk) leaves nothing behind. */
static int
server_create_db(const struct server *s, long long deadline, char *msg,
                 size_t size)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 16], lock[PATH_MAX + 16];
    const char *argv[] = { "ovsdb-tool", "create", tmp, s->schema, NULL };
    int error;

    if (snprintf(dir, sizeof dir, "%s.new.XXXXXX", s->db_file)
        >= (int) sizeof dir) {
        snprintf(msg, size, "%s: path too long", s->db_file);
        return ENAMETOOLONG;
    }
    if (!mkdtemp(dir)) {
        error = errno;
        snprintf(msg, size, "cannot create %s: %s", s->db_file,
                 strerror(error));
        return error;
    }
    snprintf(tmp, sizeof tmp, "%s/db", dir);
    snprintf(lock, sizeof lock, "%s/.db.~lock~", dir);
    log_info("%s: creating %s from %s", s->tag, s->db_file, s->schema);
    error = server_tool(argv, deadline, NULL, 0, msg, size);
    if (!error && renameat2(AT_FDCWD, tmp, AT_FDCWD, s->db_file,
                            RENAME_NOREPLACE)) {
        error = errno;
        snprintf(msg, size, "cannot move the new database into place at "
                 "%s: %s", s->db_file, strerror(error));
    }
    unlink(tmp);
    unlink(lock);
    if (rmdir(dir)) {
        log_warn("cannot remove %s: %s", dir, strerror(errno));
    }
    return error;
}
