/* SPDX-License-Identifier: Apache-2.0 */
/* Logging for the helper, the way the cluster expects it.
 *
 * Messages go where Pacemaker's own agents send theirs: to syslog with the
 * facility in HA_LOGFACILITY (unless "none"), to the file in HA_LOGFILE, and
 * to stderr when neither is set.  Debug messages appear only with HA_debug=1.
 * Nothing is ever written to stdout. */
#ifndef LOG_H
#define LOG_H 1

enum log_level {
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERR,
};

/* Reads the logging environment.  'tag' prefixes every message (normally the
 * resource instance name). */
void log_init(const char *tag);

/* Logs a printf()-style message at 'level', as one line: control
 * characters in it (a server's multi-line reply, say) are escaped. */
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_err(...) log_msg(LOG_LEVEL_ERR, __VA_ARGS__)

#endif /* log.h */
