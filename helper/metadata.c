/* SPDX-License-Identifier: Apache-2.0 */
#include "metadata.h"

#include <string.h>

#include "params.h"

static void metadata_xml_text(FILE *out, const char *s);

bool
metadata_is_reloadable(const char *name)
{
    /* What reload-agent applies to the running servers (see the guide):
     * the probe intervals, and the stall bound, which monitors read
     * afresh every time.  master_ip, the ports, the protocols and
     * the TLS files change what the servers listen on or where backups
     * replicate from (a restart or a move), the directories where the
     * databases are, manage_northd and listen_on_master_ip_only the set
     * of processes and listeners: Pacemaker restarts for those. */
    static const char *reloadable[] = {
        "inactive_probe_interval", "inactive_probe_interval_to_master",
        "replication_stall_timeout",
    };
    size_t i;

    for (i = 0; i < sizeof reloadable / sizeof reloadable[0]; i++) {
        if (!strcmp(name, reloadable[i])) {
            return true;
        }
    }
    return false;
}

void
metadata_write(FILE *out, bool ocf11)
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
    for (i = 0; params_def_at(i); i++) {
        const struct params_def *d = params_def_at(i);

        fprintf(out, "<parameter name=\"%s\" unique=\"0\" required=\"%d\"%s>"
                "\n<longdesc lang=\"en\">", d->name, d->required ? 1 : 0,
                ocf11 && metadata_is_reloadable(d->name)
                ? " reloadable=\"1\"" : "");
        metadata_xml_text(out, d->longdesc);
        fputs("</longdesc>\n<shortdesc lang=\"en\">", out);
        metadata_xml_text(out, d->shortdesc);
        fprintf(out, "</shortdesc>\n<content type=\"%s\"", types[d->type]);
        if (d->def) {
            fputs(" default=\"", out);
            metadata_xml_text(out, d->def);
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

/* Writes 's' to 'out' as XML text. */
static void
metadata_xml_text(FILE *out, const char *s)
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
