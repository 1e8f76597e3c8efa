/* SPDX-License-Identifier: Apache-2.0 */
#include "position.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "observe.h"
#include "rsc.h"
#include "statefile.h"
#include "tcpdiag.h"

/* Longest record header line looked at ("OVSDB JSON <len> <sha1>\n"). */
#define POSITION_HEADER_MAX 128

/* Reads the record header at 'offset' of 'fd' and returns the offset of
 * the next record, or -1 if there is no well-formed header there. */
static off_t
position_next_record(int fd, off_t offset)
{
    char buf[POSITION_HEADER_MAX + 1], *nl, *end;
    unsigned long long len;
    ssize_t got;

    got = pread(fd, buf, POSITION_HEADER_MAX, offset);
    if (got <= 0) {
        return -1;
    }
    buf[got] = '\0';
    nl = memchr(buf, '\n', got);
    if (!nl || strncmp(buf, "OVSDB JSON ", 11)) {
        return -1;
    }
    errno = 0;
    len = strtoull(buf + 11, &end, 10);
    if (errno || end == buf + 11 || *end != ' '
        || len > (unsigned long long) (INT64_MAX / 2)) {
        return -1;
    }
    return offset + (nl - buf) + 1 + (off_t) len;
}

long long
position_file_age(const char *path)
{
    struct stat st;
    off_t next;
    int fd, k;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return -1;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    /* Past the schema and the first data record: anything more is a
     * transaction committed since the file was written whole. */
    next = 0;
    for (k = 0; k < 2 && next >= 0 && next < st.st_size; k++) {
        next = position_next_record(fd, next);
    }
    close(fd);
    if (k < 2 || next < 0 || next >= st.st_size) {
        return -1;
    }
    return clock_real_ms() - ((long long) st.st_mtim.tv_sec * 1000
                              + st.st_mtim.tv_nsec / 1000000);
}

void
position_measure(struct rsc *r, long long epoch, struct decide_position *pos)
{
    int i;

    pos->epoch = epoch;
    pos->at = clock_wall_ms();
    for (i = 0; i < 2; i++) {
        long long age = position_file_age(r->srv[i].db_file), idle;
        pid_t pid;

        if (r->src.target[i][0] && !server_pid(&r->srv[i], &pid)
            && !tcpdiag_idle_ms(pid, r->src.target[i],
                                clock_mono_ms() + OBSERVE_DIAG_MS, NULL,
                                &idle)
            && idle > age) {
            /* The session with the active is still there, and nothing
             * arrived on it since the file's time (or the file's time is
             * not a transaction's: written whole at the last resync, or
             * compacted): the copy holds what the active sent until the
             * session's last bytes, which arrive in order, and nothing
             * after. */
            age = idle;
        }
        pos->age[i] = age < 0 ? -1 : age;
    }
    log_info("position: NB %lld ms, SB %lld ms since data last arrived; "
             "promotion record %lld", pos->age[0], pos->age[1], pos->epoch);
}

/* The file that keeps the position: run_dir/ovndb-servers.INST.position. */
static void
position_path(const struct rsc *r, char *path, size_t size)
{
    snprintf(path, size, "%s/ovndb-servers.%s.position", r->p.run_dir,
             r->cl.instance);
}

void
position_keep(struct rsc *r, const struct decide_position *pos,
              unsigned long long round)
{
    char path[PATH_MAX], buf[200];
    int len;

    position_path(r, path, sizeof path);
    /* A write that fails must not leave an older position to be taken
     * for this round's. */
    statefile_remove(path);
    len = snprintf(buf, sizeof buf, "%lld %llu %lld %lld %lld %lld\n",
                   clock_mono_ms(), round, pos->age[0], pos->age[1],
                   pos->epoch, pos->at);
    statefile_write(path, buf, len);
}

/* Reads the kept position; returns false if there is none, or it is older
 * than POSITION_KEEP_MS. */
static bool
position_read(struct rsc *r, struct decide_position *pos,
              unsigned long long *round)
{
    char path[PATH_MAX], buf[200], extra;
    long long when;

    position_path(r, path, sizeof path);
    if (statefile_read(path, buf, sizeof buf)
        || sscanf(buf, "%lld %llu %lld %lld %lld %lld%c", &when, round,
                  &pos->age[0], &pos->age[1], &pos->epoch, &pos->at,
                  &extra) != 7
        || extra != '\n') {
        return false;
    }
    when = clock_mono_ms() - when;
    return when >= 0 && when <= POSITION_KEEP_MS;
}

bool
position_kept(struct rsc *r, struct decide_position *pos)
{
    char path[PATH_MAX];
    unsigned long long round;
    bool ok = position_read(r, pos, &round);

    /* Used once: a later promote measures again unless a pre-promote
     * notification kept a new one. */
    position_path(r, path, sizeof path);
    statefile_remove(path);
    return ok;
}

bool
position_peek(struct rsc *r, struct decide_position *pos)
{
    unsigned long long round;

    return position_read(r, pos, &round);
}

bool
position_kept_for(struct rsc *r, unsigned long long round)
{
    struct decide_position pos;
    unsigned long long kept;

    return position_read(r, &pos, &kept) && kept == round;
}
