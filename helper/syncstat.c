/* SPDX-License-Identifier: Apache-2.0 */
#include "syncstat.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Databases one sync-status text may list, at most. */
#define SYNCSTAT_MAX_BLOCKS 16

/* One block of sync-status output. */
struct syncstat_block {
    char database[128];
    bool has_state;
    struct repl_status st;
};

static void syncstat_block_line(struct syncstat_block *,
                                const char *line, size_t len);

/* Adds 'block' to 'blocks' if it has a "state:" line, and empties it. */
static void
syncstat_flush(struct syncstat_block *block, struct syncstat_block *blocks,
               size_t max, size_t *n)
{
    if (block->has_state) {
        if (*n < max) {
            blocks[*n] = *block;
        }
        (*n)++;
    }
    memset(block, 0, sizeof *block);
}

/* Splits sync-status 'text' into its blocks, one per database: a block
 * ends at a blank line or, in a block that began with "database:" (OVS
 * 3.3+), at the next "database:" line (OVS 3.3+ puts no blank line after a
 * "connecting:" line).  OVS 3.1 lists its "database:" lines after the
 * state, in the one block.  Stores up to 'max' blocks
 * that have a "state:" line in 'blocks' and returns how many it found. */
static size_t
syncstat_split(const char *text, struct syncstat_block *blocks, size_t max)
{
    struct syncstat_block block;
    const char *p = text;
    bool db_first = false;      /* The block began with "database:". */
    size_t n = 0;

    memset(&block, 0, sizeof block);
    for (;;) {
        size_t len = strcspn(p, "\n");
        bool end = p[len] == '\0';
        bool db_line = !strncmp(p, "database: ", 10);

        if (len == 0 || (db_line && db_first && block.has_state)) {
            syncstat_flush(&block, blocks, max, &n);
            db_first = false;
        }
        if (db_line && !block.has_state && !block.database[0]) {
            db_first = true;
        }
        if (len) {
            syncstat_block_line(&block, p, len);
        }
        if (end) {
            syncstat_flush(&block, blocks, max, &n);
            break;
        }
        p += len + 1;
    }
    return n;
}

int
syncstat_parse(const char *text, const char *db_name, struct repl_status *st)
{
    struct syncstat_block blocks[SYNCSTAT_MAX_BLOCKS];
    size_t i, n;

    memset(st, 0, sizeof *st);
    n = syncstat_split(text, blocks, SYNCSTAT_MAX_BLOCKS);
    if (n > SYNCSTAT_MAX_BLOCKS) {
        n = SYNCSTAT_MAX_BLOCKS;
    }
    for (i = 0; i < n; i++) {
        if (!strcmp(blocks[i].database, db_name)) {
            *st = blocks[i].st;
            return 0;
        }
    }
    /* No block names the database: OVS <= 3.2 when active or not yet
     * replicating, or a server with no active/backup database. */
    if (n && !blocks[0].database[0]) {
        *st = blocks[0].st;
        return 0;
    }
    return EINVAL;
}

bool
syncstat_uses_source(const char *text, const char *target)
{
    struct syncstat_block blocks[SYNCSTAT_MAX_BLOCKS];
    size_t i, n;

    n = syncstat_split(text, blocks, SYNCSTAT_MAX_BLOCKS);
    if (!n || n > SYNCSTAT_MAX_BLOCKS) {
        return false;
    }
    for (i = 0; i < n; i++) {
        const struct repl_status *st = &blocks[i].st;

        if (st->role != REPL_ROLE_BACKUP || st->link == REPL_LINK_NONE
            || strcmp(st->target, target)) {
            return false;
        }
    }
    return true;
}

static void
syncstat_block_line(struct syncstat_block *b, const char *line, size_t len)
{
    static const struct {
        const char *key;
        enum repl_link link;
    } links[] = {
        { "replicating: ", REPL_LINK_REPLICATING },
        { "connecting: ", REPL_LINK_CONNECTING },
        { "not connected to ", REPL_LINK_NOT_CONNECTED },
    };
    char buf[512];
    size_t i;

    snprintf(buf, sizeof buf, "%.*s", (int) len, line);
    len = strlen(buf);
    while (len && (buf[len - 1] == '\r' || buf[len - 1] == ' ')) {
        buf[--len] = '\0';
    }
    if (!strncmp(buf, "state: ", 7)) {
        b->has_state = true;
        b->st.role = !strcmp(buf + 7, "active") ? REPL_ROLE_ACTIVE
                     : !strcmp(buf + 7, "backup") ? REPL_ROLE_BACKUP
                     : REPL_ROLE_UNKNOWN;
        return;
    }
    if (!strncmp(buf, "database: ", 10)) {
        snprintf(b->database, sizeof b->database, "%s", buf + 10);
        return;
    }
    for (i = 0; i < sizeof links / sizeof links[0]; i++) {
        size_t n = strlen(links[i].key);

        if (!strncmp(buf, links[i].key, n)) {
            b->st.link = links[i].link;
            snprintf(b->st.target, sizeof b->st.target, "%s", buf + n);
            return;
        }
    }
}
