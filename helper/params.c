/* SPDX-License-Identifier: Apache-2.0 */
#include "params.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* How many bytes of a refused value an exit reason shows. */
#define PARAMS_SHOW_MAX 48
#define PARAMS_SHOW_SIZE (PARAMS_SHOW_MAX * 4 + 4)


static const struct params_def params_table[] = {
    { "master_ip", PARAMS_STRING, NULL, true,
      "Virtual IP of the active databases",
      "The virtual IP address (IPv4 or IPv6) that an ocf:heartbeat:IPaddr2 "
      "resource colocated with the Promoted role holds. The active "
      "ovsdb-servers listen on it and every backup replicates from it." },
    { "nb_master_port", PARAMS_INTEGER, "6641", false,
      "Northbound database port",
      "TCP port on which the active Northbound database listens and from "
      "which the backups replicate." },
    { "nb_master_protocol", PARAMS_STRING, "tcp", false,
      "Northbound database protocol (tcp or ssl)",
      "Protocol of the Northbound listener and of replication: tcp or ssl. "
      "With ssl the ovn_nb_db_privkey, ovn_nb_db_cert and ovn_nb_db_cacert "
      "files are used." },
    { "sb_master_port", PARAMS_INTEGER, "6642", false,
      "Southbound database port",
      "TCP port on which the active Southbound database listens and from "
      "which the backups replicate." },
    { "sb_master_protocol", PARAMS_STRING, "tcp", false,
      "Southbound database protocol (tcp or ssl)",
      "Protocol of the Southbound listener and of replication: tcp or ssl. "
      "With ssl the ovn_sb_db_privkey, ovn_sb_db_cert and ovn_sb_db_cacert "
      "files are used." },
    { "manage_northd", PARAMS_BOOLEAN, "no", false,
      "Run ovn-northd on the active node",
      "If yes, ovn-northd runs on the node with the Promoted role only: it "
      "is started on promotion, stopped on demotion and stop, and the "
      "Promoted monitor fails if it is not running." },
    { "inactive_probe_interval", PARAMS_INTEGER, "5000", false,
      "Client inactivity probe (ms)",
      "Inactivity probe interval, in milliseconds, that the active databases "
      "use on client connections to the virtual IP (the inactivity_probe of "
      "the NB and SB Connection rows). 0 disables the probe." },
    { "inactive_probe_interval_to_master", PARAMS_INTEGER, "60000", false,
      "Replication inactivity probe (ms)",
      "Inactivity probe interval, in milliseconds, that a backup uses on its "
      "replication connection to the active database." },
    { "replication_stall_timeout", PARAMS_INTEGER, "0", false,
      "Replication stall bound (ms)",
      "How long, in milliseconds, a backup's established replication "
      "session with a live active may carry no data before the backup "
      "counts as stalled: its promotion score drops to that of a stale "
      "copy and it replicates again on a new session (a full copy of the "
      "databases). 0 (the default) means twice the shortest inactivity "
      "probe on the session plus one second (11 s with the default probe "
      "intervals); a smaller value is raised to that, since an idle healthy "
      "session carries nothing but the probes. With no probe on the "
      "session at all, stalls are not detected." },
    { "listen_on_master_ip_only", PARAMS_BOOLEAN, "yes", false,
      "Listen on master_ip only",
      "If yes, the active databases listen on master_ip only. If no, they "
      "listen on all addresses (for a load balancer in front of the "
      "cluster) and the backups do not listen at all." },
    { "ovn_nb_db_privkey", PARAMS_STRING,
      "/etc/openvswitch/ovnnb-privkey.pem", false,
      "Northbound SSL private key",
      "Private key file of the Northbound database, used when "
      "nb_master_protocol is ssl." },
    { "ovn_nb_db_cert", PARAMS_STRING, "/etc/openvswitch/ovnnb-cert.pem",
      false, "Northbound SSL certificate",
      "Certificate file of the Northbound database, used when "
      "nb_master_protocol is ssl." },
    { "ovn_nb_db_cacert", PARAMS_STRING, "/etc/openvswitch/cacert.pem",
      false, "Northbound SSL CA certificate",
      "CA certificate file used to verify Northbound peers when "
      "nb_master_protocol is ssl." },
    { "ovn_sb_db_privkey", PARAMS_STRING,
      "/etc/openvswitch/ovnsb-privkey.pem", false,
      "Southbound SSL private key",
      "Private key file of the Southbound database, used when "
      "sb_master_protocol is ssl." },
    { "ovn_sb_db_cert", PARAMS_STRING, "/etc/openvswitch/ovnsb-cert.pem",
      false, "Southbound SSL certificate",
      "Certificate file of the Southbound database, used when "
      "sb_master_protocol is ssl." },
    { "ovn_sb_db_cacert", PARAMS_STRING, "/etc/openvswitch/cacert.pem",
      false, "Southbound SSL CA certificate",
      "CA certificate file used to verify Southbound peers when "
      "sb_master_protocol is ssl." },
    { "ovn_ctl", PARAMS_STRING, "/usr/share/ovn/scripts/ovn-ctl", false,
      "Path to ovn-ctl (compatibility)",
      "Accepted for compatibility with OVN's ovndb-servers.ocf. This agent "
      "drives ovsdb-server directly and never runs ovn-ctl; it keeps "
      "ovn-ctl's file layout so that databases carry over." },
    { "db_dir", PARAMS_STRING, "/var/lib/ovn", false,
      "Database directory",
      "Directory of the database files ovnnb_db.db and ovnsb_db.db (ovn-ctl "
      "layout). A missing database is created from the installed schema; "
      "an existing one is never deleted." },
    { "run_dir", PARAMS_STRING, "/var/run/ovn", false,
      "Runtime directory",
      "Directory of the sockets and pidfiles (ovnnb_db.sock, ovnnb_db.ctl, "
      "ovnnb_db.pid and the SB equivalents)." },
    { "log_dir", PARAMS_STRING, "/var/log/ovn", false,
      "Log directory",
      "Directory of ovsdb-server-nb.log, ovsdb-server-sb.log and "
      "ovn-northd.log." },
};

#define PARAMS_N (sizeof params_table / sizeof params_table[0])

/* The CRM_meta_* variables that the helper reads. */
enum params_meta_kind {
    PARAMS_META_TIMEOUT,        /* Milliseconds, clamped by ocf.c. */
    PARAMS_META_INTERVAL,       /* Milliseconds. */
    PARAMS_META_NODE,           /* One node name. */
    PARAMS_META_LIST,           /* Node names separated by spaces. */
    PARAMS_META_WORD,           /* Anything without control characters. */
};

static const struct {
    const char *name;
    enum params_meta_kind kind;
} params_meta[] = {
    { "CRM_meta_timeout", PARAMS_META_TIMEOUT },
    { "CRM_meta_interval", PARAMS_META_INTERVAL },
    { "CRM_meta_on_node", PARAMS_META_NODE },
    { "CRM_meta_physical_host", PARAMS_META_NODE },
    { "CRM_meta_container_attribute_target", PARAMS_META_WORD },
    { "CRM_meta_notify", PARAMS_META_WORD },
    { "CRM_meta_notify_type", PARAMS_META_WORD },
    { "CRM_meta_notify_operation", PARAMS_META_WORD },
    { "CRM_meta_role", PARAMS_META_WORD },
    { "CRM_meta_notify_start_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_stop_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_promote_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_demote_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_promoted_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_master_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_unpromoted_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_slave_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_active_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_inactive_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_available_uname", PARAMS_META_LIST },
    { "CRM_meta_notify_all_uname", PARAMS_META_LIST },
};

#define PARAMS_META_N (sizeof params_meta / sizeof params_meta[0])

static const char *params_get(params_lookup_func *, void *, const char *);
static int params_int(params_lookup_func *, void *, const char *,
                      long long min, long long max, long long *,
                      char *, size_t);
static int params_bool(params_lookup_func *, void *, const char *, bool *,
                       char *, size_t);
static int params_proto(params_lookup_func *, void *, const char *, bool *,
                        char *, size_t);
static int params_no_ctl(params_lookup_func *, void *, char *, size_t);
static int params_meta_check(params_lookup_func *, void *, char *, size_t);
static int params_master_ip(const char *, bool *v6, char *, size_t);
static int params_path(const char *name, const char *value, size_t max,
                       bool dir, char *, size_t);
static const char *params_show(const char *, char *);

int
params_parse(params_lookup_func *lookup, void *aux, struct params *p,
             char *reason, size_t size)
{
    static const char *const paths[] = {
        "ovn_nb_db_privkey", "ovn_nb_db_cert", "ovn_nb_db_cacert",
        "ovn_sb_db_privkey", "ovn_sb_db_cert", "ovn_sb_db_cacert", "ovn_ctl",
    };
    long long v;
    size_t i;

    memset(p, 0, sizeof *p);
    if (params_no_ctl(lookup, aux, reason, size)) {
        return EINVAL;
    }
    p->ovn_ctl = params_get(lookup, aux, "ovn_ctl");
    p->master_ip = params_get(lookup, aux, "master_ip");
    if (!p->master_ip) {
        snprintf(reason, size, "master_ip is not set: set it to the "
                 "virtual IP that IPaddr2 moves with the Promoted role");
        return EINVAL;
    }
    if (params_master_ip(p->master_ip, &p->master_ip_v6, reason, size)) {
        return EINVAL;
    }

    if (params_int(lookup, aux, "nb_master_port", 1, 65535, &v,
                   reason, size)) {
        return EINVAL;
    }
    p->nb.port = (int) v;
    if (params_int(lookup, aux, "sb_master_port", 1, 65535, &v,
                   reason, size)) {
        return EINVAL;
    }
    p->sb.port = (int) v;
    if (p->nb.port == p->sb.port) {
        snprintf(reason, size, "nb_master_port and sb_master_port are both "
                 "%d: the two databases need different ports", p->nb.port);
        return EINVAL;
    }
    if (params_proto(lookup, aux, "nb_master_protocol", &p->nb.ssl,
                     reason, size)
        || params_proto(lookup, aux, "sb_master_protocol", &p->sb.ssl,
                        reason, size)
        || params_bool(lookup, aux, "manage_northd", &p->manage_northd,
                       reason, size)
        || params_bool(lookup, aux, "listen_on_master_ip_only",
                       &p->listen_on_master_ip_only, reason, size)
        || params_int(lookup, aux, "inactive_probe_interval", 0,
                      2147483647, &p->inactive_probe_interval, reason, size)
        || params_int(lookup, aux, "replication_stall_timeout", 0,
                      2147483647, &p->replication_stall_timeout, reason,
                      size)
        || params_int(lookup, aux, "inactive_probe_interval_to_master", 0,
                      2147483647, &p->inactive_probe_interval_to_master,
                      reason, size)) {
        return EINVAL;
    }
    p->nb.privkey = params_get(lookup, aux, "ovn_nb_db_privkey");
    p->nb.cert = params_get(lookup, aux, "ovn_nb_db_cert");
    p->nb.cacert = params_get(lookup, aux, "ovn_nb_db_cacert");
    p->sb.privkey = params_get(lookup, aux, "ovn_sb_db_privkey");
    p->sb.cert = params_get(lookup, aux, "ovn_sb_db_cert");
    p->sb.cacert = params_get(lookup, aux, "ovn_sb_db_cacert");
    p->db_dir = params_get(lookup, aux, "db_dir");
    p->run_dir = params_get(lookup, aux, "run_dir");
    p->log_dir = params_get(lookup, aux, "log_dir");
    if (p->db_dir[0] != '/' || p->run_dir[0] != '/' || p->log_dir[0] != '/') {
        snprintf(reason, size, "db_dir, run_dir and log_dir must be "
                 "absolute paths");
        return EINVAL;
    }
    if (strlen(p->run_dir) > PARAMS_RUN_DIR_MAX) {
        char show[PARAMS_SHOW_SIZE];

        snprintf(reason, size, "run_dir '%s' is too long for a Unix socket "
                 "path (at most %d characters)", params_show(p->run_dir, show),
                 PARAMS_RUN_DIR_MAX);
        return EINVAL;
    }
    if (params_path("db_dir", p->db_dir, PARAMS_DIR_MAX, true, reason, size)
        || params_path("log_dir", p->log_dir, PARAMS_DIR_MAX, true,
                       reason, size)
        || params_path("run_dir", p->run_dir, PARAMS_RUN_DIR_MAX, true,
                       reason, size)) {
        return EINVAL;
    }
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (params_path(paths[i], params_get(lookup, aux, paths[i]),
                        PATH_MAX - 1, false, reason, size)) {
            return EINVAL;
        }
    }
    return params_meta_check(lookup, aux, reason, size);
}

const struct params_def *
params_def_at(size_t i)
{
    return i < PARAMS_N ? &params_table[i] : NULL;
}

const char *
params_default(const char *name)
{
    size_t i;

    for (i = 0; i < PARAMS_N; i++) {
        if (!strcmp(params_table[i].name, name)) {
            return params_table[i].def;
        }
    }
    return NULL;
}

static const char *
params_get(params_lookup_func *lookup, void *aux, const char *name)
{
    const char *value = lookup(name, aux);

    return value && value[0] ? value : params_default(name);
}

static int
params_int(params_lookup_func *lookup, void *aux, const char *name,
           long long min, long long max, long long *valuep,
           char *reason, size_t size)
{
    const char *s = params_get(lookup, aux, name);
    char show[PARAMS_SHOW_SIZE];
    unsigned long long v;

    if (text_parse_uint(s, (unsigned long long) max, &v)
        || (long long) v < min) {
        snprintf(reason, size, "%s '%s' is not an integer from %lld to %lld "
                 "(decimal digits only: no sign, space or unit)", name,
                 params_show(s, show), min, max);
        return EINVAL;
    }
    *valuep = (long long) v;
    return 0;
}

static int
params_bool(params_lookup_func *lookup, void *aux, const char *name,
            bool *valuep, char *reason, size_t size)
{
    static const char *yes[] = { "yes", "true", "on", "1", "y" };
    static const char *no[] = { "no", "false", "off", "0", "n" };
    const char *s = params_get(lookup, aux, name);
    char show[PARAMS_SHOW_SIZE];
    size_t i;

    for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (!strcasecmp(s, yes[i])) {
            *valuep = true;
            return 0;
        }
        if (!strcasecmp(s, no[i])) {
            *valuep = false;
            return 0;
        }
    }
    snprintf(reason, size, "%s '%s' is not yes or no", name,
             params_show(s, show));
    return EINVAL;
}

static int
params_proto(params_lookup_func *lookup, void *aux, const char *name,
             bool *sslp, char *reason, size_t size)
{
    const char *s = params_get(lookup, aux, name);

    if (!strcmp(s, "tcp")) {
        *sslp = false;
    } else if (!strcmp(s, "ssl")) {
        *sslp = true;
    } else {
        char show[PARAMS_SHOW_SIZE];

        snprintf(reason, size, "%s '%s' is neither tcp nor ssl", name,
                 params_show(s, show));
        return EINVAL;
    }
    return 0;
}

/* Returns 's' fit for an exit reason: control characters escaped, cut after
 * PARAMS_SHOW_MAX bytes.  'buf' has PARAMS_SHOW_SIZE bytes. */
static const char *
params_show(const char *s, char *buf)
{
    return text_escape(s, PARAMS_SHOW_MAX, buf, PARAMS_SHOW_SIZE);
}

/* Refuses a control character in any parameter or CRM_meta_* variable. */
static int
params_no_ctl(params_lookup_func *lookup, void *aux, char *reason,
              size_t size)
{
    size_t i;

    for (i = 0; i < PARAMS_N + PARAMS_META_N; i++) {
        const char *name = (i < PARAMS_N ? params_table[i].name
                            : params_meta[i - PARAMS_N].name);
        const char *value = lookup(name, aux);
        long at = value ? text_find_ctl(value) : -1;

        if (at >= 0) {
            char c[2] = { value[at], '\0' }, esc[8];

            text_escape(c, 0, esc, sizeof esc);
            snprintf(reason, size, "%s holds a control character (%s at "
                     "byte %ld): control characters are refused in every "
                     "parameter", name, esc, at + 1);
            return EINVAL;
        }
    }
    return 0;
}

/* Returns true if 's' has nothing but spaces (an empty notify list). */
static bool
params_blank(const char *s)
{
    return s[strspn(s, " ")] == '\0';
}

static int
params_meta_check(params_lookup_func *lookup, void *aux, char *reason,
                  size_t size)
{
    size_t i;

    for (i = 0; i < PARAMS_META_N; i++) {
        const char *name = params_meta[i].name;
        const char *value = lookup(name, aux);
        char show[PARAMS_SHOW_SIZE];
        unsigned long long v;
        const char *p;
        int error;

        if (!value || !value[0]) {
            continue;
        }
        switch (params_meta[i].kind) {
        case PARAMS_META_TIMEOUT:
            error = text_parse_uint(value, UINT64_MAX, &v);
            if (error && error != ERANGE) {
                snprintf(reason, size, "%s '%s' is not a number of "
                         "milliseconds (decimal digits only)", name,
                         params_show(value, show));
                return EINVAL;
            }
            break;
        case PARAMS_META_INTERVAL:
            if (text_parse_uint(value, PARAMS_INTERVAL_MAX, &v)) {
                snprintf(reason, size, "%s '%s' is not a number of "
                         "milliseconds from 0 to %llu (decimal digits only)",
                         name, params_show(value, show),
                         PARAMS_INTERVAL_MAX);
                return EINVAL;
            }
            break;
        case PARAMS_META_NODE:
            if (params_blank(value)) {
                break;          /* Unset, as ocf_meta() sees it. */
            }
            if (strlen(value) > PARAMS_NODE_MAX || strchr(value, ' ')) {
                snprintf(reason, size, "%s '%s' is not a node name (no "
                         "space, at most %d bytes)", name,
                         params_show(value, show), PARAMS_NODE_MAX);
                return EINVAL;
            }
            break;
        case PARAMS_META_LIST:
            for (p = value; *p; ) {
                size_t len = strcspn(p, " ");

                if (len > PARAMS_NODE_MAX) {
                    snprintf(reason, size, "%s holds a node name of %zu "
                             "bytes: at most %d", name, len,
                             PARAMS_NODE_MAX);
                    return EINVAL;
                }
                p += len;
                p += strspn(p, " ");
            }
            break;
        case PARAMS_META_WORD:
        default:
            break;
        }
    }
    return 0;
}

/* Checks that 'ip' is an address a virtual IP can be: unicast, and neither
 * unspecified nor broadcast.  Sets '*v6'. */
static int
params_master_ip(const char *ip, bool *v6, char *reason, size_t size)
{
    static const unsigned char mapped[12] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
    };
    char show[PARAMS_SHOW_SIZE];
    unsigned char a[16];
    const unsigned char *v4 = NULL;
    const char *why = NULL;

    if (inet_pton(AF_INET, ip, a) == 1) {
        *v6 = false;
        v4 = a;
    } else if (inet_pton(AF_INET6, ip, a) == 1) {
        static const unsigned char zero[16];

        *v6 = true;
        if (!memcmp(a, zero, 16)) {
            why = "the unspecified address (::), which no host can hold";
        } else if (a[0] == 0xff) {
            why = "a multicast address (ff00::/8)";
        } else if (!memcmp(a, mapped, 12)) {
            v4 = a + 12;
        }
    } else {
        snprintf(reason, size, "master_ip '%s' is not an IPv4 or IPv6 "
                 "address (no brackets, no host names)",
                 params_show(ip, show));
        return EINVAL;
    }
    if (v4 && !why) {
        if (v4[0] == 0) {
            why = "in 0.0.0.0/8 (this network), which no host can hold";
        } else if (v4[0] == 255 && v4[1] == 255 && v4[2] == 255
                   && v4[3] == 255) {
            why = "the broadcast address (255.255.255.255)";
        } else if (v4[0] >= 224 && v4[0] <= 239) {
            why = "a multicast address (224.0.0.0/4)";
        }
    }
    if (why) {
        snprintf(reason, size, "master_ip '%s' is %s: a virtual IP must be "
                 "a unicast address", params_show(ip, show), why);
        return EINVAL;
    }
    return 0;
}

/* Checks the length of path parameter 'name': at most 'max' bytes and, for
 * a directory the agent builds paths in, no component over NAME_MAX. */
static int
params_path(const char *name, const char *value, size_t max, bool dir,
            char *reason, size_t size)
{
    size_t len = strlen(value);
    const char *p;

    if (len > max) {
        if (dir) {
            snprintf(reason, size, "%s is %zu bytes long: at most %zu, so "
                     "that every path the agent builds in it fits in "
                     "PATH_MAX (%d)", name, len, max, PATH_MAX);
        } else {
            snprintf(reason, size, "%s is %zu bytes long: at most %zu",
                     name, len, max);
        }
        return EINVAL;
    }
    for (p = value; dir && *p; ) {
        size_t n;

        p += strspn(p, "/");
        n = strcspn(p, "/");
        if (n > NAME_MAX) {
            snprintf(reason, size, "%s has a component of %zu bytes: at "
                     "most %d (NAME_MAX)", name, n, NAME_MAX);
            return EINVAL;
        }
        p += n;
    }
    return 0;
}
