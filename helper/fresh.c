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
#include "statefile.h"

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

    if (active) {
        *active = false;
    }
    snprintf(path, sizeof path, "%s/%s", db_dir, FRESH_FILE);
    if (statefile_read(path, buf, sizeof buf)) {
        return 0;
    }
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
 * a few bytes into one block, which a monitor can afford every time; a
 * crash may lose it, which leaves the record older, so the copy looks
 * staler than it is, never fresher.  Otherwise writes a new file, durably
 * (see statefile.h). */
static int
fresh_write(const char *db_dir, long long ms, bool active)
{
    char path[PATH_MAX], buf[64];
    int len;

    snprintf(path, sizeof path, "%s/%s", db_dir, FRESH_FILE);
    len = snprintf(buf, sizeof buf, "%lld%s\n", ms, active ? " active" : "");
    if (statefile_rewrite(path, buf, len)) {
        return 0;
    }
    return statefile_write(path, buf, len);
}
