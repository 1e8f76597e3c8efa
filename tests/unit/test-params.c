/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/params.c. */
#include "unit.h"
#include "metadata.h"
#include "params.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parameter lookup table: pairs of name and value, NULL-terminated. */
struct kv {
    const char *name;
    const char *value;
};

static const char *
lookup(const char *name, void *aux)
{
    const struct kv *kv;

    for (kv = aux; kv && kv->name; kv++) {
        if (!strcmp(kv->name, name)) {
            return kv->value;
        }
    }
    return NULL;
}

/* Parses 'kv' (plus master_ip=192.0.2.10 unless 'kv' sets it) into 'p'. */
static int
parse(const struct kv *kv, struct params *p, char *reason, size_t size)
{
    struct kv all[32];
    size_t n = 0;
    bool has_ip = false;

    for (; kv && kv->name; kv++) {
        assert_true(n < sizeof all / sizeof all[0] - 2);
        has_ip |= !strcmp(kv->name, "master_ip");
        all[n++] = *kv;
    }
    if (!has_ip) {
        all[n++] = (struct kv) {
            .name = "master_ip", .value = "192.0.2.10",
        };
    }
    all[n] = (struct kv) { .name = NULL, .value = NULL };
    memset(reason, 0, size);
    return params_parse(lookup, all, p, reason, size);
}

/* Every parameter and its default, as OVN's ovndb-servers.ocf has it. */
static const struct kv defaults[] = {
    { .name = "nb_master_port", .value = "6641" },
    { .name = "nb_master_protocol", .value = "tcp" },
    { .name = "sb_master_port", .value = "6642" },
    { .name = "sb_master_protocol", .value = "tcp" },
    { .name = "manage_northd", .value = "no" },
    { .name = "inactive_probe_interval", .value = "5000" },
    { .name = "inactive_probe_interval_to_master", .value = "60000" },
    { .name = "replication_stall_timeout", .value = "0" },
    { .name = "listen_on_master_ip_only", .value = "yes" },
    { .name = "ovn_nb_db_privkey",
      .value = "/etc/openvswitch/ovnnb-privkey.pem" },
    { .name = "ovn_nb_db_cert", .value = "/etc/openvswitch/ovnnb-cert.pem" },
    { .name = "ovn_nb_db_cacert", .value = "/etc/openvswitch/cacert.pem" },
    { .name = "ovn_sb_db_privkey",
      .value = "/etc/openvswitch/ovnsb-privkey.pem" },
    { .name = "ovn_sb_db_cert", .value = "/etc/openvswitch/ovnsb-cert.pem" },
    { .name = "ovn_sb_db_cacert", .value = "/etc/openvswitch/cacert.pem" },
    { .name = "ovn_ctl", .value = "/usr/share/ovn/scripts/ovn-ctl" },
    { .name = "db_dir", .value = "/var/lib/ovn" },
    { .name = "run_dir", .value = "/var/run/ovn" },
    { .name = "log_dir", .value = "/var/log/ovn" },
};

#define N_DEFAULTS (sizeof defaults / sizeof defaults[0])

static void
test_default_table(void **state)
{
    size_t i;

    (void) state;
    for (i = 0; i < N_DEFAULTS; i++) {
        const char *d = params_default(defaults[i].name);

        if (!d || strcmp(d, defaults[i].value)) {
            print_message("default of %s: '%s'\n", defaults[i].name,
                          d ? d : "(null)");
        }
        assert_non_null(d);
        assert_string_equal(d, defaults[i].value);
    }
    assert_null(params_default("master_ip"));
    assert_null(params_default("no_such_parameter"));
    assert_null(params_default(""));
}

/* Only master_ip given: every field has its default. */
static void
test_parse_defaults(void **state)
{
    char reason[256];
    struct params p;

    (void) state;
    assert_int_equal(parse(NULL, &p, reason, sizeof reason), 0);
    assert_string_equal(p.master_ip, "192.0.2.10");
    assert_false(p.master_ip_v6);
    assert_int_equal(p.nb.port, 6641);
    assert_int_equal(p.sb.port, 6642);
    assert_false(p.nb.ssl);
    assert_false(p.sb.ssl);
    assert_string_equal(p.nb.privkey, "/etc/openvswitch/ovnnb-privkey.pem");
    assert_string_equal(p.nb.cert, "/etc/openvswitch/ovnnb-cert.pem");
    assert_string_equal(p.nb.cacert, "/etc/openvswitch/cacert.pem");
    assert_string_equal(p.sb.privkey, "/etc/openvswitch/ovnsb-privkey.pem");
    assert_string_equal(p.sb.cert, "/etc/openvswitch/ovnsb-cert.pem");
    assert_string_equal(p.sb.cacert, "/etc/openvswitch/cacert.pem");
    assert_false(p.manage_northd);
    assert_int_equal(p.inactive_probe_interval, 5000);
    assert_int_equal(p.inactive_probe_interval_to_master, 60000);
    assert_int_equal(p.replication_stall_timeout, 0);
    assert_true(p.listen_on_master_ip_only);
    assert_string_equal(p.ovn_ctl, "/usr/share/ovn/scripts/ovn-ctl");
    assert_string_equal(p.db_dir, "/var/lib/ovn");
    assert_string_equal(p.run_dir, "/var/run/ovn");
    assert_string_equal(p.log_dir, "/var/log/ovn");
}

/* Empty values are defaults too. */
static void
test_parse_empty_values(void **state)
{
    struct kv kv[N_DEFAULTS + 1];
    char reason[256];
    struct params p;
    size_t i;

    (void) state;
    for (i = 0; i < N_DEFAULTS; i++) {
        kv[i] = (struct kv) { .name = defaults[i].name, .value = "" };
    }
    kv[i] = (struct kv) { .name = NULL, .value = NULL };
    assert_int_equal(parse(kv, &p, reason, sizeof reason), 0);
    assert_int_equal(p.nb.port, 6641);
    assert_int_equal(p.sb.port, 6642);
    assert_false(p.nb.ssl);
    assert_false(p.manage_northd);
    assert_true(p.listen_on_master_ip_only);
    assert_int_equal(p.inactive_probe_interval, 5000);
    assert_int_equal(p.inactive_probe_interval_to_master, 60000);
    assert_string_equal(p.db_dir, "/var/lib/ovn");
    assert_string_equal(p.run_dir, "/var/run/ovn");
    assert_string_equal(p.log_dir, "/var/log/ovn");
    assert_string_equal(p.nb.cacert, "/etc/openvswitch/cacert.pem");
}

/* Every value given explicitly is taken. */
static void
test_parse_values(void **state)
{
    static const struct kv kv[] = {
        { .name = "master_ip", .value = "10.1.2.3" },
        { .name = "nb_master_port", .value = "1" },
        { .name = "sb_master_port", .value = "65535" },
        { .name = "nb_master_protocol", .value = "ssl" },
        { .name = "sb_master_protocol", .value = "ssl" },
        { .name = "manage_northd", .value = "yes" },
        { .name = "inactive_probe_interval", .value = "0" },
        { .name = "inactive_probe_interval_to_master", .value = "2147483647" },
        { .name = "listen_on_master_ip_only", .value = "no" },
        { .name = "ovn_nb_db_privkey", .value = "/k/nb.key" },
        { .name = "ovn_nb_db_cert", .value = "/k/nb.crt" },
        { .name = "ovn_nb_db_cacert", .value = "/k/ca.crt" },
        { .name = "ovn_sb_db_privkey", .value = "/k/sb.key" },
        { .name = "ovn_sb_db_cert", .value = "/k/sb.crt" },
        { .name = "ovn_sb_db_cacert", .value = "/k/ca2.crt" },
        { .name = "ovn_ctl", .value = "/opt/ovn-ctl" },
        { .name = "db_dir", .value = "/srv/db" },
        { .name = "run_dir", .value = "/run/x" },
        { .name = "log_dir", .value = "/srv/log" },
        { .name = NULL, .value = NULL },
    };
    char reason[256];
    struct params p;

    (void) state;
    assert_int_equal(parse(kv, &p, reason, sizeof reason), 0);
    assert_string_equal(p.master_ip, "10.1.2.3");
    assert_int_equal(p.nb.port, 1);
    assert_int_equal(p.sb.port, 65535);
    assert_true(p.nb.ssl);
    assert_true(p.sb.ssl);
    assert_true(p.manage_northd);
    assert_int_equal(p.inactive_probe_interval, 0);
    assert_int_equal(p.inactive_probe_interval_to_master, 2147483647);
    assert_false(p.listen_on_master_ip_only);
    assert_string_equal(p.nb.privkey, "/k/nb.key");
    assert_string_equal(p.nb.cert, "/k/nb.crt");
    assert_string_equal(p.nb.cacert, "/k/ca.crt");
    assert_string_equal(p.sb.privkey, "/k/sb.key");
    assert_string_equal(p.sb.cert, "/k/sb.crt");
    assert_string_equal(p.sb.cacert, "/k/ca2.crt");
    assert_string_equal(p.ovn_ctl, "/opt/ovn-ctl");
    assert_string_equal(p.db_dir, "/srv/db");
    assert_string_equal(p.run_dir, "/run/x");
    assert_string_equal(p.log_dir, "/srv/log");
}

/* One protocol per database. */
static void
test_parse_mixed_protocols(void **state)
{
    static const struct kv kv[] = {
        { .name = "nb_master_protocol", .value = "tcp" },
        { .name = "sb_master_protocol", .value = "ssl" },
        { .name = NULL, .value = NULL },
    };
    char reason[256];
    struct params p;

    (void) state;
    assert_int_equal(parse(kv, &p, reason, sizeof reason), 0);
    assert_false(p.nb.ssl);
    assert_true(p.sb.ssl);
}

static void
test_master_ip(void **state)
{
    static const struct {
        const char *ip;
        bool v6;
    } good[] = {
        { .ip = "192.0.2.10", .v6 = false },
        { .ip = "10.0.0.1", .v6 = false },
        { .ip = "fd00::1", .v6 = true },
        { .ip = "2001:db8::10", .v6 = true },
        { .ip = "::1", .v6 = true },
        { .ip = "::ffff:192.0.2.1", .v6 = true },
    };
    char reason[256];
    struct params p;
    size_t i;

    (void) state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct kv kv[] = {
            { .name = "master_ip", .value = good[i].ip },
            { .name = NULL, .value = NULL },
        };

        assert_int_equal(parse(kv, &p, reason, sizeof reason), 0);
        assert_string_equal(p.master_ip, good[i].ip);
        assert_int_equal(p.master_ip_v6, good[i].v6);
    }
}

/* Every rejected value: EINVAL, and a reason that names the parameter. */
static void
test_rejected(void **state)
{
    static const struct {
        struct kv kv[3];
        const char *mention;
    } bad[] = {
        { .kv = { { .name = "master_ip", .value = "" } },
          .mention = "master_ip" },
        { .kv = { { .name = "master_ip", .value = "1.2.3" } },
          .mention = "master_ip" },
        { .kv = { { .name = "master_ip", .value = "256.1.1.1" } },
          .mention = "master_ip" },
        { .kv = { { .name = "master_ip", .value = "[fd00::1]" } },
          .mention = "master_ip" },
        { .kv = { { .name = "master_ip", .value = "node1.example.com" } },
          .mention = "master_ip" },
        { .kv = { { .name = "master_ip", .value = "localhost" } },
          .mention = "master_ip" },
        { .kv = { { .name = "master_ip", .value = "192.0.2.10/24" } },
          .mention = "master_ip" },
        { .kv = { { .name = "master_ip", .value = " 192.0.2.10" } },
          .mention = "master_ip" },
        { .kv = { { .name = "nb_master_port", .value = "0" } },
          .mention = "nb_master_port" },
        { .kv = { { .name = "nb_master_port", .value = "65536" } },
          .mention = "nb_master_port" },
        { .kv = { { .name = "nb_master_port", .value = "abc" } },
          .mention = "nb_master_port" },
        { .kv = { { .name = "nb_master_port", .value = "-1" } },
          .mention = "nb_master_port" },
        { .kv = { { .name = "nb_master_port", .value = "6641x" } },
          .mention = "nb_master_port" },
        { .kv = { { .name = "nb_master_port",
                    .value = "99999999999999999999" } },
          .mention = "nb_master_port" },
        { .kv = { { .name = "sb_master_port", .value = "0" } },
          .mention = "sb_master_port" },
        { .kv = { { .name = "sb_master_port", .value = "65536" } },
          .mention = "sb_master_port" },
        { .kv = { { .name = "sb_master_port", .value = "abc" } },
          .mention = "sb_master_port" },
        { .kv = { { .name = "nb_master_port", .value = "7000" },
                  { .name = "sb_master_port", .value = "7000" } },
          .mention = "nb_master_port" },
        { .kv = { { .name = "sb_master_port", .value = "6641" } },
          .mention = "sb_master_port" },
        { .kv = { { .name = "nb_master_protocol", .value = "udp" } },
          .mention = "nb_master_protocol" },
        { .kv = { { .name = "sb_master_protocol", .value = "udp" } },
          .mention = "sb_master_protocol" },
        { .kv = { { .name = "nb_master_protocol", .value = "unix" } },
          .mention = "nb_master_protocol" },
        { .kv = { { .name = "manage_northd", .value = "bogus" } },
          .mention = "manage_northd" },
        { .kv = { { .name = "manage_northd", .value = "2" } },
          .mention = "manage_northd" },
        { .kv = { { .name = "listen_on_master_ip_only", .value = "bogus" } },
          .mention = "listen_on_master_ip_only" },
        { .kv = { { .name = "inactive_probe_interval", .value = "-1" } },
          .mention = "inactive_probe_interval" },
        { .kv = { { .name = "inactive_probe_interval", .value = "abc" } },
          .mention = "inactive_probe_interval" },
        { .kv = { { .name = "inactive_probe_interval_to_master",
                    .value = "-1" } },
          .mention = "inactive_probe_interval_to_master" },
        { .kv = { { .name = "inactive_probe_interval_to_master",
                    .value = "5s" } },
          .mention = "inactive_probe_interval_to_master" },
        { .kv = { { .name = "db_dir", .value = "var/lib/ovn" } },
          .mention = "db_dir" },
        { .kv = { { .name = "run_dir", .value = "run/ovn" } },
          .mention = "run_dir" },
        { .kv = { { .name = "log_dir", .value = "./log" } },
          .mention = "log_dir" },
        { .kv = { { .name = "run_dir",
                    .value = "/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } },
          .mention = "run_dir" },
    };
    char reason[256];
    struct params p;
    size_t i;

    (void) state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const struct kv *kv = bad[i].kv;
        int error;

        /* "master_ip" set to "" is unset: give it explicitly. */
        if (!strcmp(kv->name, "master_ip") && !kv->value[0]) {
            memset(reason, 0, sizeof reason);
            error = params_parse(lookup, NULL, &p, reason, sizeof reason);
        } else {
            error = parse(kv, &p, reason, sizeof reason);
        }
        if (error != EINVAL || !strstr(reason, bad[i].mention)) {
            print_message("case %zu (%s=%s): error %d, reason '%s'\n", i,
                          kv->name, kv->value, error, reason);
        }
        assert_int_equal(error, EINVAL);
        assert_true(strlen(reason) > 0);
        assert_null(strchr(reason, '\n'));
        assert_non_null(strstr(reason, bad[i].mention));
    }
}

/* A missing master_ip is reported as such. */
static void
test_master_ip_missing(void **state)
{
    static const struct kv kv[] = {
        { .name = "nb_master_port", .value = "6641" },
        { .name = NULL, .value = NULL },
    };
    char reason[256];
    struct params p;

    (void) state;
    memset(reason, 0, sizeof reason);
    assert_int_equal(params_parse(lookup, (void *) kv, &p, reason,
                                  sizeof reason), EINVAL);
    assert_non_null(strstr(reason, "master_ip"));
}

static void
test_booleans(void **state)
{
    static const struct {
        const char *value;
        bool result;
    } cases[] = {
        { .value = "yes", .result = true },
        { .value = "no", .result = false },
        { .value = "true", .result = true },
        { .value = "false", .result = false },
        { .value = "YES", .result = true },
        { .value = "No", .result = false },
        { .value = "on", .result = true },
        { .value = "off", .result = false },
        { .value = "1", .result = true },
        { .value = "0", .result = false },
    };
    static const char *const names[] = {
        "manage_northd", "listen_on_master_ip_only",
    };
    char reason[256];
    struct params p;
    size_t i, j;

    (void) state;
    for (j = 0; j < 2; j++) {
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            struct kv kv[] = {
                { .name = names[j], .value = cases[i].value },
                { .name = NULL, .value = NULL },
            };
            bool got;

            assert_int_equal(parse(kv, &p, reason, sizeof reason), 0);
            got = j ? p.listen_on_master_ip_only : p.manage_northd;
            if (got != cases[i].result) {
                print_message("%s=%s\n", names[j], cases[i].value);
            }
            assert_int_equal(got, cases[i].result);
        }
    }
}

/* A tiny reason buffer is not overflowed. */
static void
test_small_reason(void **state)
{
    static const struct kv kv[] = {
        { .name = "nb_master_port", .value = "abc" },
        { .name = NULL, .value = NULL },
    };
    char reason[8];
    struct params p;

    (void) state;
    assert_int_equal(parse(kv, &p, reason, sizeof reason), EINVAL);
    assert_true(strlen(reason) < sizeof reason);
}

/* Counts the occurrences of 'needle' in 'hay'. */
static size_t
count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle)) {
        n++;
    }
    return n;
}

/* Returns the value of attribute 'attr' in the first tag of 'text' that
 * contains 'marker', in 'buf'. */
static const char *
attr_after(const char *text, const char *marker, const char *attr,
           char *buf, size_t size)
{
    const char *p = strstr(text, marker), *end, *a;
    char key[64];

    assert_non_null(p);
    end = strchr(p, '>');
    assert_non_null(end);
    snprintf(key, sizeof key, " %s=\"", attr);
    a = strstr(p, key);
    if (!a || a > end) {
        return NULL;
    }
    a += strlen(key);
    snprintf(buf, size, "%.*s", (int) strcspn(a, "\""), a);
    return buf;
}

static void
test_metadata(void **state)
{
    char *text = NULL, buf[64], marker[128];
    const char *promoted, *unpromoted;
    size_t len = 0, i;
    FILE *out;

    (void) state;
    out = open_memstream(&text, &len);
    assert_non_null(out);
    metadata_write(out, false);
    assert_int_equal(fclose(out), 0);

    assert_true(!strncmp(text, "<?xml version=\"1.0\"?>\n", 22));
    assert_non_null(strstr(text, "<!DOCTYPE resource-agent SYSTEM "
                           "\"ra-api-1.dtd\">"));
    assert_non_null(strstr(text, "<resource-agent name=\"ovndb-servers\""));
    assert_non_null(strstr(text, "<version>1.1</version>"));
    assert_true(len > 30
                && !strcmp(text + len - strlen("</resource-agent>\n"),
                           "</resource-agent>\n"));

    /* Balanced elements. */
    assert_int_equal(count(text, "<parameter "),
                     count(text, "</parameter>"));
    assert_int_equal(count(text, "<parameters>"), 1);
    assert_int_equal(count(text, "</parameters>"), 1);
    assert_int_equal(count(text, "<actions>"), 1);
    assert_int_equal(count(text, "</actions>"), 1);
    assert_int_equal(count(text, "<longdesc"), count(text, "</longdesc>"));
    assert_int_equal(count(text, "<shortdesc"),
                     count(text, "</shortdesc>"));
    assert_int_equal(count(text, "<parameter "), N_DEFAULTS + 1);

    /* Every parameter with its default; master_ip required, without. */
    for (i = 0; i < N_DEFAULTS; i++) {
        snprintf(marker, sizeof marker, "<parameter name=\"%s\"",
                 defaults[i].name);
        assert_int_equal(count(text, marker), 1);
        assert_string_equal(attr_after(text, marker, "required", buf,
                                       sizeof buf), "0");
        assert_non_null(attr_after(strstr(text, marker), "<content",
                                   "default", buf, sizeof buf));
        if (strcmp(buf, defaults[i].value)) {
            print_message("%s: default '%s'\n", defaults[i].name, buf);
        }
        assert_string_equal(buf, defaults[i].value);
    }
    assert_int_equal(count(text, "<parameter name=\"master_ip\""), 1);
    assert_string_equal(attr_after(text, "<parameter name=\"master_ip\"",
                                   "required", buf, sizeof buf), "1");
    assert_null(attr_after(strstr(text, "<parameter name=\"master_ip\""),
                           "<content", "default", buf, sizeof buf));

    /* Actions, with a monitor per role at different intervals. */
    assert_non_null(strstr(text, "<action name=\"start\""));
    assert_non_null(strstr(text, "<action name=\"stop\""));
    assert_non_null(strstr(text, "<action name=\"promote\""));
    assert_non_null(strstr(text, "<action name=\"demote\""));
    assert_non_null(strstr(text, "<action name=\"notify\""));
    assert_non_null(strstr(text, "<action name=\"meta-data\""));
    assert_non_null(strstr(text, "<action name=\"validate-all\""));
    promoted = strstr(text, "role=\"Promoted\"");
    unpromoted = strstr(text, "role=\"Unpromoted\"");
    assert_non_null(promoted);
    assert_non_null(unpromoted);
    assert_null(strstr(text, "role=\"Master\""));
    assert_null(strstr(text, "role=\"Slave\""));
    {
        char a[32], b[32];
        const char *p1, *p2;

        /* The monitor tags holding each role. */
        for (p1 = promoted; p1 > text && *p1 != '<'; p1--) {
            continue;
        }
        for (p2 = unpromoted; p2 > text && *p2 != '<'; p2--) {
            continue;
        }
        assert_true(!strncmp(p1, "<action name=\"monitor\"", 22));
        assert_true(!strncmp(p2, "<action name=\"monitor\"", 22));
        assert_non_null(attr_after(p1, "<action", "interval", a, sizeof a));
        assert_non_null(attr_after(p2, "<action", "interval", b, sizeof b));
        assert_string_not_equal(a, b);
    }
    /* Nothing that would break the XML in the text. */
    assert_null(strstr(text, "& "));
    free(text);
}

/* Hostile values (issue 11): each refused with EINVAL, a reason that
 * names the parameter and says why, and no raw control character. */
static void
test_hostile(void **state)
{
    static char long_dir[PARAMS_DIR_MAX + 2], max_dir[PARAMS_DIR_MAX + 1];
    static char long_part[NAME_MAX + 3], long_node[PARAMS_NODE_MAX + 2];
    static char long_path[PATH_MAX + 1];
    static const struct {
        const char *name;
        const char *value;
        const char *words;
    } bad[] = {
        { "master_ip", "0.0.0.0", "0.0.0.0/8" },
        { "master_ip", "0.1.2.3", "0.0.0.0/8" },
        { "master_ip", "::", "unspecified" },
        { "master_ip", "255.255.255.255", "broadcast" },
        { "master_ip", "224.0.0.1", "multicast" },
        { "master_ip", "239.255.255.250", "multicast" },
        { "master_ip", "ff02::1", "multicast" },
        { "master_ip", "::ffff:224.0.0.1", "multicast" },
        { "master_ip", "::ffff:0.0.0.0", "0.0.0.0/8" },
        { "master_ip", "10.0.0.1\n", "control character" },
        { "master_ip", "10.0.0.1 ", "not an IPv4" },
        { "nb_master_port", "+6641", "digits only" },
        { "nb_master_port", " 6641", "digits only" },
        { "nb_master_port", "6641 ", "digits only" },
        { "nb_master_port", "0x1a01", "digits only" },
        { "sb_master_port", "6642\t", "control character" },
        { "inactive_probe_interval", "+5000", "digits only" },
        { "inactive_probe_interval", "2147483648", "digits only" },
        { "inactive_probe_interval_to_master", " 60000", "digits only" },
        { "inactive_probe_interval_to_master",
          "99999999999999999999", "digits only" },
        { "db_dir", "/var/lib/ovn\n/x", "control character" },
        { "db_dir", long_dir, "PATH_MAX" },
        { "log_dir", long_dir, "PATH_MAX" },
        { "db_dir", long_part, "NAME_MAX" },
        { "run_dir", "/run/\x1b[31m", "control character" },
        { "ovn_nb_db_privkey", "/etc/k\x7f", "control character" },
        { "ovn_ctl", "/usr/bin/ovn-ctl\r", "control character" },
        { "ovn_sb_db_cacert", long_path, "bytes long" },
        { "manage_northd", "yes\n", "control character" },
        { "CRM_meta_timeout", "+20000", "milliseconds" },
        { "CRM_meta_timeout", " 20000", "milliseconds" },
        { "CRM_meta_timeout", "-1", "milliseconds" },
        { "CRM_meta_timeout", "20s", "milliseconds" },
        { "CRM_meta_interval", "10000 ", "milliseconds" },
        { "CRM_meta_interval", "4294967296", "milliseconds" },
        { "CRM_meta_interval", "99999999999999999999", "milliseconds" },
        { "CRM_meta_on_node", "node1\nnode2", "control character" },
        { "CRM_meta_on_node", "node 1", "not a node name" },
        { "CRM_meta_on_node", long_node, "not a node name" },
        { "CRM_meta_physical_host", "host\t1", "control character" },
        { "CRM_meta_notify_promote_uname", "node1\nnode2",
          "control character" },
        { "CRM_meta_notify_all_uname", long_node, "node name of" },
        { "CRM_meta_role", "Promoted\x1b", "control character" },
    };
    char reason[256];
    struct params p;
    size_t i;

    (void) state;
    memset(long_dir, 'd', sizeof long_dir - 1);
    long_dir[0] = '/';
    for (i = 100; i < sizeof long_dir - 1; i += 100) {
        long_dir[i] = '/';
    }
    memset(long_part, 'c', sizeof long_part - 1);
    long_part[0] = '/';
    memset(long_node, 'n', sizeof long_node - 1);
    memset(long_path, 'p', sizeof long_path - 1);
    long_path[0] = '/';
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* The table spells control characters as C escapes: turn them
         * into the bytes. */
        char value[PATH_MAX + 16];
        const char *v = bad[i].value;
        size_t n = 0;

        for (; *v && n < sizeof value - 1; v++) {
            if (*v == '\\' && v[1] == 'n') {
                value[n++] = '\n', v++;
            } else if (*v == '\\' && v[1] == 't') {
                value[n++] = '\t', v++;
            } else if (*v == '\\' && v[1] == 'r') {
                value[n++] = '\r', v++;
            } else if (*v == '\\' && v[1] == 'x') {
                char hex[3] = { v[2], v[3], '\0' };

                value[n++] = (char) strtol(hex, NULL, 16);
                v += 3;
            } else {
                value[n++] = *v;
            }
        }
        value[n] = '\0';
        {
            struct kv kv[] = { { bad[i].name, value }, { NULL, NULL } };
            int error = parse(kv, &p, reason, sizeof reason);
            size_t j;

            if (error != EINVAL || !strstr(reason, bad[i].name)
                || !strstr(reason, bad[i].words)) {
                print_message("case %zu (%s): error %d, reason '%s'\n", i,
                              bad[i].name, error, reason);
            }
            assert_int_equal(error, EINVAL);
            assert_non_null(strstr(reason, bad[i].name));
            assert_non_null(strstr(reason, bad[i].words));
            for (j = 0; reason[j]; j++) {
                assert_false((unsigned char) reason[j] < 0x20
                             || reason[j] == 0x7f);
            }
        }
    }

    /* The longest accepted db_dir is accepted. */
    memcpy(max_dir, long_dir, PARAMS_DIR_MAX);
    max_dir[PARAMS_DIR_MAX] = '\0';
    {
        struct kv kv[] = { { "db_dir", max_dir }, { NULL, NULL } };

        assert_int_equal(parse(kv, &p, reason, sizeof reason), 0);
        assert_int_equal(strlen(p.db_dir), PARAMS_DIR_MAX);
    }
}

/* Values the strict rules still accept, Pacemaker's among them. */
static void
test_hostile_accepted(void **state)
{
    static const struct kv good[][4] = {
        { { "CRM_meta_timeout", "99999999999999999999" } },
        { { "CRM_meta_timeout", "0" } },
        { { "CRM_meta_interval", "0" } },
        { { "CRM_meta_interval", "4294967295" } },
        { { "CRM_meta_on_node", " " } },
        { { "CRM_meta_notify_start_uname", " " } },
        { { "CRM_meta_notify_active_uname", "node1 node2 node3 " } },
        { { "CRM_meta_on_node", "node-1.example.com" } },
        { { "master_ip", "127.0.0.1" } },
        { { "master_ip", "::1" } },
        { { "master_ip", "240.0.0.1" } },
        { { "db_dir", "/var/lib/with space/ovn" } },
        { { "nb_master_port", "06641" } },
        { { "inactive_probe_interval", "0" } },
    };
    char reason[256];
    struct params p;
    size_t i;

    (void) state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        int error = parse(good[i], &p, reason, sizeof reason);

        if (error) {
            print_message("%s='%s': %s\n", good[i][0].name,
                          good[i][0].value, reason);
        }
        assert_int_equal(error, 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_table),
        cmocka_unit_test(test_parse_defaults),
        cmocka_unit_test(test_parse_empty_values),
        cmocka_unit_test(test_parse_values),
        cmocka_unit_test(test_parse_mixed_protocols),
        cmocka_unit_test(test_master_ip),
        cmocka_unit_test(test_rejected),
        cmocka_unit_test(test_master_ip_missing),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_small_reason),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_hostile_accepted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
