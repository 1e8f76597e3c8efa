/* SPDX-License-Identifier: Apache-2.0 */
/* The node lists Pacemaker passes to notifications and to the election
 * (OCF_RESKEY_CRM_meta_notify_*_uname): node names separated by spaces or
 * tabs.  Pure. */
#ifndef NODELIST_H
#define NODELIST_H 1

#include <stdbool.h>
#include <stddef.h>

/* Room for a node name and its terminating NUL. */
#define NODELIST_NAME_MAX 256

/* Copies the next node name of the list at '*p' (which may be NULL) into
 * 'buf' and advances '*p' past it.  Returns false at the end of the list.
 * A name too long for 'buf' is skipped. */
bool nodelist_next(const char **p, char *buf, size_t size);

/* Returns true if the list 'list' (may be NULL) contains exactly 'node'. */
bool nodelist_has(const char *list, const char *node);

#endif /* nodelist.h */
