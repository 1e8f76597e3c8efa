/* SPDX-License-Identifier: Apache-2.0 */
#include "params.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum params_type {
    PARAMS_STRING,
    PARAMS_INTEGER,
    PARAMS_BOOLEAN,
};

struct params_def {
    const char *name;
    enum params_type type;
    const char *def;            /* Default, or NULL for none. */
    bool required;
    const char *shortdesc;
    const char *longdesc;
};

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

static const char *params_get(params_lookup_func *, void *, const char *);
static int params_int(params_lookup_func *, void *, const char *,
                      long long min, long long max, long long *,
                      char *, size_t);
static int params_bool(params_lookup_func *, void *, const char *, bool *,
                       char *, size_t);
static int params_proto(params_lookup_func *, void *, const char *, bool *,
                        char *, size_t);
static void params_xml_text(FILE *, const char *);

int
params_parse(params_lookup_func *lookup, void *aux, struct params *p,
             char *reason, size_t size)
{
    unsigned char addr[16];
    long long v;

    memset(p, 0, sizeof *p);
    p->ovn_ctl = params_get(lookup, aux, "ovn_ctl");
    p->master_ip = params_get(lookup, aux, "master_ip");
    if (!p->master_ip) {
        snprintf(reason, size, "master_ip is not set: set it to the "
                 "virtual IP that IPaddr2 moves with the Promoted role");
        return EINVAL;
    }
    if (inet_pton(AF_INET, p->master_ip, addr) == 1) {
        p->master_ip_v6 = false;
    } else if (inet_pton(AF_INET6, p->master_ip, addr) == 1) {
        p->master_ip_v6 = true;
    } else {
        snprintf(reason, size, "master_ip '%s' is not an IPv4 or IPv6 "
                 "address (no brackets, no host names)", p->master_ip);
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
    if (strlen(p->run_dir) > 80) {
        snprintf(reason, size, "run_dir '%s' is too long for a Unix socket "
                 "path (at most 80 characters)", p->run_dir);
        return EINVAL;
    }
    return 0;
}

bool
params_is_reloadable(const char *name)
{
    /* What reload-agent applies to the running servers (see the guide):
     * the probe intervals only.  master_ip, the ports, the protocols and
     * the TLS files change what the servers listen on or where backups
     * replicate from (a restart or a move), the directories where the
     * databases are, manage_northd and listen_on_master_ip_only the set
     * of processes and listeners: Pacemaker restarts for those. */
    static const char *reloadable[] = {
        "inactive_probe_interval", "inactive_probe_interval_to_master",
    };
    size_t i;

    for (i = 0; i < sizeof reloadable / sizeof reloadable[0]; i++) {
        if (!strcmp(name, reloadable[i])) {
            return true;
        }
    }
    return false;
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

void
params_write_metadata(FILE *out, bool ocf11)
{
    static const char *types[] = { "string", "integer", "boolean" };
    size_t i;

    fputs("<?xml version=\"1.0\"?>\n"
          "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
          "<resource-agent name=\"ovndb-servers\" version=\"1.0\">\n"
          "<version>1.1</version>\n"
          "<longdesc lang=\"en\">Manages the OVN Northbound and Southbound "
          "ovsdb-server databases of a node as a promotable clone in "
          "active/backup replication. The Promoted instance runs both "
          "databases active and writable on master_ip; every Unpromoted "
          "instance runs both as read-only backups that replicate from "
          "master_ip. Use it with notify=true and an ocf:heartbeat:IPaddr2 "
          "virtual IP colocated with the Promoted role and ordered after "
          "promote. It is a drop-in replacement for OVN's ovndb-servers.ocf: "
          "same parameters, same database files.</longdesc>\n"
          "<shortdesc lang=\"en\">OVN NB/SB ovsdb-server active/backup"
          "</shortdesc>\n<parameters>\n", out);
    for (i = 0; i < PARAMS_N; i++) {
        const struct params_def *d = &params_table[i];

        fprintf(out, "<parameter name=\"%s\" unique=\"0\" required=\"%d\"%s>"
                "\n<longdesc lang=\"en\">", d->name, d->required ? 1 : 0,
                ocf11 && params_is_reloadable(d->name)
                ? " reloadable=\"1\"" : "");
        params_xml_text(out, d->longdesc);
        fputs("</longdesc>\n<shortdesc lang=\"en\">", out);
        params_xml_text(out, d->shortdesc);
        fprintf(out, "</shortdesc>\n<content type=\"%s\"", types[d->type]);
        if (d->def) {
            fputs(" default=\"", out);
            params_xml_text(out, d->def);
            fputc('"', out);
        }
        fputs("/>\n</parameter>\n", out);
    }
    fputs("</parameters>\n<actions>\n"
          "<action name=\"start\" timeout=\"60s\"/>\n"
          "<action name=\"stop\" timeout=\"60s\"/>\n"
          "<action name=\"promote\" timeout=\"50s\"/>\n"
          "<action name=\"demote\" timeout=\"50s\"/>\n"
          "<action name=\"notify\" timeout=\"20s\"/>\n"
          "<action name=\"monitor\" timeout=\"30s\" interval=\"10s\" "
          "depth=\"0\" role=\"Promoted\"/>\n"
          "<action name=\"monitor\" timeout=\"30s\" interval=\"30s\" "
          "depth=\"0\" role=\"Unpromoted\"/>\n"
          "<action name=\"meta-data\" timeout=\"5s\"/>\n"
          "<action name=\"validate-all\" timeout=\"20s\"/>\n", out);
    if (ocf11) {
        fputs("<action name=\"reload-agent\" timeout=\"20s\"/>\n", out);
    }
    fputs("</actions>\n</resource-agent>\n", out);
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
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < min || v > max) {
        snprintf(reason, size, "%s '%s' is not an integer from %lld to %lld",
                 name, s, min, max);
        return EINVAL;
    }
    *valuep = v;
    return 0;
}

static int
params_bool(params_lookup_func *lookup, void *aux, const char *name,
            bool *valuep, char *reason, size_t size)
{
    static const char *yes[] = { "yes", "true", "on", "1", "y" };
    static const char *no[] = { "no", "false", "off", "0", "n" };
    const char *s = params_get(lookup, aux, name);
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
    snprintf(reason, size, "%s '%s' is not yes or no", name, s);
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
        snprintf(reason, size, "%s '%s' is neither tcp nor ssl", name, s);
        return EINVAL;
    }
    return 0;
}

static void
params_xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}
