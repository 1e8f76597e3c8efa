/* SPDX-License-Identifier: Apache-2.0 */
#include "nodelist.h"

#include <string.h>

bool
nodelist_next(const char **p, char *buf, size_t size)
{
    while (*p && **p) {
        size_t len;

        *p += strspn(*p, " \t");
        len = strcspn(*p, " \t");
        if (len && len < size) {
            memcpy(buf, *p, len);
            buf[len] = '\0';
            *p += len;
            return true;
        }
        *p += len;
    }
    return false;
}

bool
nodelist_has(const char *list, const char *node)
{
    size_t n = strlen(node);
    const char *p = list;

    while (p && *p) {
        size_t len;

        p += strspn(p, " \t");
        len = strcspn(p, " \t");
        if (len == n && n && !strncmp(p, node, n)) {
            return true;
        }
        p += len;
    }
    return false;
}
