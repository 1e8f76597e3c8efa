/* SPDX-License-Identifier: Apache-2.0 */
#include "fresh.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"

#define FRESH_FILE "ovndb-servers.fresh"

static int fresh_write(const char *db_dir, long long ms, bool active);

long long
fresh_read(const char *db_dir)
{
    return fresh_read_role(db_dir, NULL);
}

long long
fresh_read_role(const char *db_dir, bool *active)
{
    char path[PATH_MAX], buf[64], *end;
    long long ms;
    ssize_t n;
    int fd;

    if (active) {
        *active = false;
    }
    snprintf(path, sizeof path, "%s/%s", db_dir, FRESH_FILE);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    errno = 0;
    ms = strtoll(buf, &end, 10);
    if (errno || end == buf
        || (*end && strcmp(end, "\n") && strcmp(end, " active\n"))) {
        return 0;
    }
    if (active) {
        *active = !strcmp(end, " active\n");
    }
    return ms > 0 ? ms : 0;
}

int
fresh_touch(const char *db_dir)
{
    return fresh_write(db_dir, clock_wall_ms(), false);
}

int
fresh_touch_active(const char *db_dir)
{
    return fresh_write(db_dir, clock_wall_ms(), true);
}

int
fresh_record(const char *db_dir, long long ms, bool active)
{
    return fresh_write(db_dir, ms, active);
}

/* Rewrites the record in place when the new one has the length of the
 * one in the file (the same role, the same number of digits): one write of
 * a few bytes into one block, which a monitor can afford every time.
 * Otherwise writes a new file and renames it over the old one. */
static int
fresh_write(const char *db_dir, long long ms, bool active)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8], buf[64], old[64];
    int fd, len, error = 0;
    ssize_t n;

    snprintf(path, sizeof path, "%s/%s", db_dir, FRESH_FILE);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    len = snprintf(buf, sizeof buf, "%lld%s\n", ms, active ? " active" : "");
    fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        size_t digits = strcspn(buf, " \n");

        n = read(fd, old, sizeof old - 1);
        old[n > 0 ? n : 0] = '\0';
        if (n == len && strcspn(old, " \n") == digits
            && !strcmp(old + digits, buf + digits)
            && pwrite(fd, buf, len, 0) == len) {
            close(fd);
            return 0;
        }
        close(fd);
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return errno;
    }
    if (write(fd, buf, len) != len) {
        error = errno ? errno : EIO;
    }
    close(fd);
    if (!error && rename(tmp, path)) {
        error = errno;
    }
    if (error) {
        unlink(tmp);
    }
    return error;
}
