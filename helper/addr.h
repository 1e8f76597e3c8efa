/* SPDX-License-Identifier: Apache-2.0 */
/* This node's own address on master_ip's network.  Backups replicate from
 * the active node's own address rather than from master_ip, so that
 * replication does not depend on where the VIP is: when Pacemaker removes
 * the VIP from the old active before demoting it, the kernel stops sending
 * on connections bound to the VIP, and whatever the old active still had
 * to send (its last acknowledged writes, the handover marker) would never
 * arrive. */
#ifndef ADDR_H
#define ADDR_H 1

#include <stdbool.h>
#include <stddef.h>

struct ifaddrs;

/* Picks, among the interface addresses 'ifa', one in the same subnet as
 * 'master_ip' that is not 'master_ip' itself, and writes it to 'buf'.  Pure
 * (works on the list it is given).  Returns 0, or ENOENT if there is none
 * (master_ip is then its own best source, as on a single machine). */
int addr_pick(const struct ifaddrs *ifa, const char *master_ip,
              char *buf, size_t size);

/* addr_pick() on this node's interfaces (getifaddrs()), falling back to
 * 'master_ip' itself.  Returns 0 or a positive errno value. */
int addr_local(const char *master_ip, char *buf, size_t size);

/* Returns true if 'addr' (an IPv4 or IPv6 literal) is one of this node's
 * interface addresses. */
bool addr_is_local(const char *addr);

/* Formats 'addr' for use in an OVSDB remote: IPv6 in brackets. */
void addr_format(const char *addr, char *buf, size_t size);

#endif /* addr.h */
