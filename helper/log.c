/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

static char log_tag[128] = "ovndb-servers";
static const char *log_file;
static int log_facility = -1;
static bool log_debug_on;

static int log_facility_from_name(const char *);

void
log_init(const char *tag)
{
    const char *s;

    if (tag && tag[0]) {
        char show[96];

        snprintf(log_tag, sizeof log_tag, "ovndb-servers(%s)",
                 text_escape(tag, 64, show, sizeof show));
    }
    s = getenv("HA_LOGFILE");
    log_file = s && s[0] ? s : NULL;
    s = getenv("HA_LOGFACILITY");
    log_facility = s && s[0] ? log_facility_from_name(s) : -1;
    s = getenv("HA_debug");
    log_debug_on = s && !strcmp(s, "1");
    if (log_facility >= 0) {
        openlog("ovndb-servers", LOG_PID, log_facility);
    }
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
    static const char *names[] = { "DEBUG", "INFO", "WARNING", "ERROR" };
    static const int prios[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
    char text[1024];
    va_list args;

    if (level == LOG_LEVEL_DEBUG && !log_debug_on) {
        return;
    }
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    /* One message, one line: what servers, programs and parameters say
     * may hold newlines and other control characters. */
    text_escape_inplace(text, sizeof text);

    if (log_facility >= 0) {
        syslog(prios[level], "%s %s: %s", log_tag, names[level], text);
    }
    if (log_file) {
        FILE *f = fopen(log_file, "ae");

        if (f) {
            char stamp[64];
            struct timespec ts;
            struct tm tm;

            clock_gettime(CLOCK_REALTIME, &ts);
            localtime_r(&ts.tv_sec, &tm);
            strftime(stamp, sizeof stamp, "%b %d %T", &tm);
            fprintf(f, "%s.%03ld %s[%ld]: %s: %s\n", stamp,
                    ts.tv_nsec / 1000000, log_tag, (long) getpid(),
                    names[level], text);
            fclose(f);
        }
    }
    if (log_facility < 0 && !log_file) {
        fprintf(stderr, "%s %s: %s\n", log_tag, names[level], text);
    }
}

static int
log_facility_from_name(const char *name)
{
    static const struct {
        const char *name;
        int facility;
    } facilities[] = {
        { "daemon", LOG_DAEMON }, { "user", LOG_USER },
        { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
        { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
        { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
        { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
        { "authpriv", LOG_AUTHPRIV },
    };
    size_t i;

    for (i = 0; i < sizeof facilities / sizeof facilities[0]; i++) {
        if (!strcasecmp(name, facilities[i].name)) {
            return facilities[i].facility;
        }
    }
    return -1;      /* "none" or unknown: no syslog. */
}
