/* SPDX-License-Identifier: Apache-2.0 */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static bool addr_same_subnet(const struct sockaddr *a,
                             const struct sockaddr *mask,
                             const void *target, int family);

int
addr_pick(const struct ifaddrs *ifa, const char *master_ip, char *buf,
          size_t size)
{
    unsigned char target[16];
    int family;

    if (inet_pton(AF_INET, master_ip, target) == 1) {
        family = AF_INET;
    } else if (inet_pton(AF_INET6, master_ip, target) == 1) {
        family = AF_INET6;
    } else {
        return EINVAL;
    }
    for (; ifa; ifa = ifa->ifa_next) {
        const struct sockaddr *sa = ifa->ifa_addr;
        const void *raw;
        char text[INET6_ADDRSTRLEN];

        if (!sa || !ifa->ifa_netmask || sa->sa_family != family
            || !addr_same_subnet(sa, ifa->ifa_netmask, target, family)) {
            continue;
        }
        raw = family == AF_INET
              ? (const void *) &((const struct sockaddr_in *) sa)->sin_addr
              : (const void *) &((const struct sockaddr_in6 *) sa)->sin6_addr;
        if (!memcmp(raw, target, family == AF_INET ? 4 : 16)
            || !inet_ntop(family, raw, text, sizeof text)) {
            continue;
        }
        snprintf(buf, size, "%s", text);
        return 0;
    }
    return ENOENT;
}

int
addr_local(const char *master_ip, char *buf, size_t size)
{
    struct ifaddrs *ifa;
    int error;

    if (getifaddrs(&ifa)) {
        return errno;
    }
    error = addr_pick(ifa, master_ip, buf, size);
    freeifaddrs(ifa);
    if (error == ENOENT) {
        snprintf(buf, size, "%s", master_ip);
        error = 0;
    }
    return error;
}

bool
addr_is_local(const char *addr)
{
    unsigned char raw[16];
    struct ifaddrs *ifa, *i;
    bool found = false;
    int family;

    if (inet_pton(AF_INET, addr, raw) == 1) {
        family = AF_INET;
    } else if (inet_pton(AF_INET6, addr, raw) == 1) {
        family = AF_INET6;
    } else {
        return false;
    }
    if (getifaddrs(&ifa)) {
        return true;            /* Unknown: assume it may be. */
    }
    for (i = ifa; i && !found; i = i->ifa_next) {
        const struct sockaddr *sa = i->ifa_addr;

        if (!sa || sa->sa_family != family) {
            continue;
        }
        found = !memcmp(family == AF_INET
                        ? (const void *) &((const struct sockaddr_in *)
                                           sa)->sin_addr
                        : (const void *) &((const struct sockaddr_in6 *)
                                           sa)->sin6_addr,
                        raw, family == AF_INET ? 4 : 16);
    }
    freeifaddrs(ifa);
    return found;
}

void
addr_format(const char *addr, char *buf, size_t size)
{
    snprintf(buf, size, strchr(addr, ':') ? "[%s]" : "%s", addr);
}

/* Returns true if 'a' and 'target' agree on every bit of 'mask'. */
static bool
addr_same_subnet(const struct sockaddr *a, const struct sockaddr *mask,
                 const void *target, int family)
{
    const unsigned char *x, *m, *t = target;
    size_t i, n = family == AF_INET ? 4 : 16;

    if (family == AF_INET) {
        x = (const unsigned char *)
            &((const struct sockaddr_in *) a)->sin_addr;
        m = (const unsigned char *)
            &((const struct sockaddr_in *) mask)->sin_addr;
    } else {
        x = (const unsigned char *)
            &((const struct sockaddr_in6 *) a)->sin6_addr;
        m = (const unsigned char *)
            &((const struct sockaddr_in6 *) mask)->sin6_addr;
    }
    for (i = 0; i < n; i++) {
        if ((x[i] & m[i]) != (t[i] & m[i])) {
            return false;
        }
    }
    return true;
}
