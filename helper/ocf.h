/* SPDX-License-Identifier: Apache-2.0 */
/* The OCF side of the helper: the action asked for, the environment
 * Pacemaker passes (OCF_RESKEY_*, CRM_meta_*), the exit reason, and the OCF
 * exit codes (Pacemaker's public enum ocf_exitcode).  Only the action layer
 * and main.c use OCF exit codes. */
#ifndef OCF_H
#define OCF_H 1

#include <stdbool.h>
#include <stddef.h>
#include <crm/common/results.h>

enum ocf_action {
    OCF_ACTION_START,
    OCF_ACTION_STOP,
    OCF_ACTION_MONITOR,
    OCF_ACTION_PROMOTE,
    OCF_ACTION_DEMOTE,
    OCF_ACTION_NOTIFY,
    OCF_ACTION_VALIDATE,
    OCF_ACTION_RELOAD,          /* reload-agent (OCF 1.1). */
    OCF_ACTION_META_DATA,
    OCF_ACTION_USAGE,
    OCF_ACTION_WATCH_VIP,       /* Internal: started by promote itself. */
    OCF_ACTION_GUARD,           /* Internal: started by promote itself. */
    OCF_ACTION_UNKNOWN,
};

/* Returns true if the caller speaks OCF 1.1 or later: Pacemaker sets
 * OCF_RA_VERSION_MAJOR/MINOR to 1/1.  Older tools (ocf-tester validates
 * against the OCF 1.0 DTD) get OCF 1.0 meta-data, without reload-agent and
 * reloadable parameters. */
bool ocf_speaks_1_1(void);

/* Returns the action named 'name' (NULL gives OCF_ACTION_UNKNOWN).  "status"
 * is monitor, "help" is usage. */
enum ocf_action ocf_action_parse(const char *name);

/* Returns the value of environment variable 'OCF_RESKEY_<name>', or NULL if
 * it is unset or empty. */
const char *ocf_reskey(const char *name);

/* Returns the value of 'OCF_RESKEY_CRM_meta_<name>', or NULL if unset or
 * empty.  Notify lists that hold a single space count as empty. */
const char *ocf_meta(const char *name);

/* Returns true if this monitor is a probe: OCF_RESKEY_CRM_meta_interval
 * unset, empty, 0 (in any number of digits) or not a number (which
 * params_parse() refuses). */
bool ocf_is_probe(void);

/* Default and largest action timeout, in milliseconds.  A longer timeout
 * is clamped: the helper then answers before Pacemaker gives up, which is
 * always safe, and its deadline arithmetic never overflows. */
#define OCF_TIMEOUT_DEFAULT_MS 20000
#define OCF_TIMEOUT_MAX_MS (24LL * 60 * 60 * 1000)

/* Returns the action timeout in milliseconds: CRM_meta_timeout if it is
 * decimal digits only and not 0 (else OCF_TIMEOUT_DEFAULT_MS; params_parse()
 * refuses anything but digits), at most OCF_TIMEOUT_MAX_MS (a larger or
 * overflowing value, such as 99999999999999999999, gives the maximum). */
long long ocf_timeout_ms(void);

/* Checks OCF_RESOURCE_INSTANCE, which names files and cluster attributes:
 * unset or empty is fine (a default is used); otherwise it must have no
 * control character, no '/' and at most OCF_INSTANCE_MAX bytes.  Returns 0,
 * or EINVAL with a one-line reason in 'reason'. */
#define OCF_INSTANCE_MAX 200
int ocf_check_instance(char *reason, size_t size);

/* Returns true if 'value' spells "true" the way Pacemaker and the reference
 * agent accept it (yes, true, on, 1; any case). */
bool ocf_is_true(const char *value);

/* Records the exit reason, replacing any earlier one.  A reason is one
 * line: it ends at its first newline, and any other control character in
 * it is escaped (\t, \xHH), so that nothing received reaches Pacemaker
 * raw. */
void ocf_exit_reason(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Returns the recorded exit reason, or NULL. */
const char *ocf_get_exit_reason(void);

/* Writes the recorded exit reason, if any, as one line on stderr with the
 * OCF_EXIT_REASON_PREFIX prefix, truncated to what Pacemaker keeps. */
void ocf_print_exit_reason(void);

#endif /* ocf.h */
