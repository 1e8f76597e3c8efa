/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's meta-data (OCF resource-agent XML), written from the
 * parameter table of params.h: what meta-data prints, what pcs and crmsh
 * read, what the man page is built from.  OCF 1.1 managers also get
 * reload-agent and the reloadable parameters. */
#ifndef METADATA_H
#define METADATA_H 1

#include <stdbool.h>
#include <stdio.h>

/* Returns true if reload-agent applies parameter 'name' to the running
 * servers (reloadable="1" in the meta-data). */
bool metadata_is_reloadable(const char *name);

/* Writes the meta-data to 'out'; with 'ocf11' (see ocf_speaks_1_1()) the
 * OCF 1.1 parts too. */
void metadata_write(FILE *out, bool ocf11);

#endif /* metadata.h */
