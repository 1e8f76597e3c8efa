/* SPDX-License-Identifier: Apache-2.0 */
#include "ocf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <crm/services.h>

#include "text.h"

/* Pacemaker keeps at most this many characters of an exit reason. */
#define OCF_REASON_MAX 128

static char ocf_reason[512];

enum ocf_action
ocf_action_parse(const char *name)
{
    static const struct {
        const char *name;
        enum ocf_action action;
    } actions[] = {
        { "start", OCF_ACTION_START },
        { "stop", OCF_ACTION_STOP },
        { "monitor", OCF_ACTION_MONITOR },
        { "status", OCF_ACTION_MONITOR },
        { "promote", OCF_ACTION_PROMOTE },
        { "demote", OCF_ACTION_DEMOTE },
        { "notify", OCF_ACTION_NOTIFY },
        { "validate-all", OCF_ACTION_VALIDATE },
        { "meta-data", OCF_ACTION_META_DATA },
        { "usage", OCF_ACTION_USAGE },
        { "help", OCF_ACTION_USAGE },
        { "watch-vip", OCF_ACTION_WATCH_VIP },
        { "guard", OCF_ACTION_GUARD },
        { "reload-agent", OCF_ACTION_RELOAD },
    };
    size_t i;

    for (i = 0; name && i < sizeof actions / sizeof actions[0]; i++) {
        if (!strcmp(name, actions[i].name)) {
            return actions[i].action;
        }
    }
    return OCF_ACTION_UNKNOWN;
}

const char *
ocf_reskey(const char *name)
{
    char var[128];
    const char *value;

    snprintf(var, sizeof var, "OCF_RESKEY_%s", name);
    value = getenv(var);
    return value && value[0] ? value : NULL;
}

const char *
ocf_meta(const char *name)
{
    char var[128];
    const char *value;

    snprintf(var, sizeof var, "CRM_meta_%s", name);
    value = ocf_reskey(var);
    if (value && value[strspn(value, " ")] == '\0') {
        return NULL;
    }
    return value;
}

bool
ocf_is_probe(void)
{
    const char *interval = ocf_meta("interval");
    unsigned long long ms;

    return !interval || text_parse_uint(interval, ~0ULL, &ms) == EINVAL
           || ms == 0;
}

long long
ocf_timeout_ms(void)
{
    const char *s = ocf_meta("timeout");
    unsigned long long ms;
    int error = text_parse_uint(s, OCF_TIMEOUT_MAX_MS, &ms);

    if ((error && error != ERANGE) || ms == 0) {
        return OCF_TIMEOUT_DEFAULT_MS;
    }
    return (long long) ms;        /* ERANGE: clamped to the maximum. */
}

int
ocf_check_instance(char *reason, size_t size)
{
    const char *s = getenv("OCF_RESOURCE_INSTANCE");
    char show[64];

    if (!s || !s[0]) {
        return 0;
    }
    if (text_find_ctl(s) >= 0 || strchr(s, '/')
        || strlen(s) > OCF_INSTANCE_MAX) {
        snprintf(reason, size, "OCF_RESOURCE_INSTANCE '%s' refused: no "
                 "control character, no '/', at most %d bytes",
                 text_escape(s, 24, show, sizeof show), OCF_INSTANCE_MAX);
        return EINVAL;
    }
    return 0;
}

bool
ocf_is_true(const char *value)
{
    return value && (!strcasecmp(value, "yes") || !strcasecmp(value, "true")
                     || !strcasecmp(value, "on") || !strcmp(value, "1")
                     || !strcasecmp(value, "y"));
}

void
ocf_exit_reason(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(ocf_reason, sizeof ocf_reason, fmt, args);
    va_end(args);
    ocf_reason[strcspn(ocf_reason, "\n")] = '\0';
    text_escape_inplace(ocf_reason, sizeof ocf_reason);
}

const char *
ocf_get_exit_reason(void)
{
    return ocf_reason[0] ? ocf_reason : NULL;
}

void
ocf_print_exit_reason(void)
{
    const char *prefix = getenv("OCF_EXIT_REASON_PREFIX");
    char line[OCF_REASON_MAX + 1];
    size_t len;

    if (!ocf_reason[0]) {
        return;
    }
    snprintf(line, sizeof line, "%s", ocf_reason);
    len = strcspn(line, "\n");
    line[len] = '\0';
    fprintf(stderr, "%s%s\n", prefix && prefix[0] ? prefix
            : PCMK_OCF_REASON_PREFIX, line);
}

bool
ocf_speaks_1_1(void)
{
    const char *major = getenv("OCF_RA_VERSION_MAJOR");
    const char *minor = getenv("OCF_RA_VERSION_MINOR");
    long maj = major ? strtol(major, NULL, 10) : 0;
    long min = minor ? strtol(minor, NULL, 10) : 0;

    return maj > 1 || (maj == 1 && min >= 1);
}
