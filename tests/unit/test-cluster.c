/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/cluster.c.
 *
 * crm_attribute is replaced by a shell script, first in PATH, that appends
 * its arguments (each followed by '|', one call per line) to a log file,
 * prints $FAKE_CRM_OUT (if set) on its stdout, and exits with the code in
 * $FAKE_CRM_RC. */
#include "unit.h"
#include "clock.h"
#include "cluster.h"
#include "decide.h"
#include "nodelist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "deadline.h"
#include "fixture.h"
#include "log.h"

struct fixture {
    char dir[64];
    char bin[128];              /* Holds the fake crm_attribute. */
    char run[128];              /* run_dir for the cache. */
    char calls[128];            /* The fake's log of calls. */
    char *old_path;
};

static const char fake_script[] =
    "#!/bin/sh\n"
    "line=; for a in \"$@\"; do line=\"$line$a|\"; done\n"
    /* One write per call: calls may run at once (batches). */
    "printf '%s\\n' \"$line\" >> \"$FAKE_CRM_LOG\"\n"
    "echo \"${FAKE_CRM_ERR:-fake crm_attribute says hello}\" >&2\n"
    "if [ -n \"$FAKE_CRM_OUT\" ]; then printf '%s' \"$FAKE_CRM_OUT\"; fi\n"
    "if [ -n \"$FAKE_CRM_SLEEP\" ]; then exec sleep \"$FAKE_CRM_SLEEP\"; fi\n"
    "exit \"${FAKE_CRM_RC:-0}\"\n";

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char path[256], logfile[192];
    const char *old;
    FILE *file;

    if (!f) {
        return -1;
    }
    fixture_tmpdir("test-cluster", f->dir, sizeof f->dir);
    snprintf(f->bin, sizeof f->bin, "%s/bin", f->dir);
    snprintf(f->run, sizeof f->run, "%s/run", f->dir);
    snprintf(f->calls, sizeof f->calls, "%s/calls", f->dir);
    if (mkdir(f->bin, 0755) || mkdir(f->run, 0755)) {
        return -1;
    }
    snprintf(path, sizeof path, "%s/crm_attribute", f->bin);
    file = fopen(path, "w");
    if (!file) {
        return -1;
    }
    fputs(fake_script, file);
    fclose(file);
    chmod(path, 0755);

    old = getenv("PATH");
    f->old_path = strdup(old ? old : "/usr/bin:/bin");
    snprintf(path, sizeof path, "%s:%s", f->bin, f->old_path);
    setenv("PATH", path, 1);
    setenv("FAKE_CRM_LOG", f->calls, 1);
    unsetenv("FAKE_CRM_RC");
    unsetenv("FAKE_CRM_SLEEP");
    unsetenv("FAKE_CRM_OUT");

    /* Keep the module's messages out of the test output. */
    snprintf(logfile, sizeof logfile, "%s/ha.log", f->dir);
    setenv("HA_LOGFILE", logfile, 1);
    unsetenv("HA_LOGFACILITY");
    log_init("test");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    setenv("PATH", f->old_path, 1);
    free(f->old_path);
    unsetenv("FAKE_CRM_LOG");
    unsetenv("FAKE_CRM_RC");
    unsetenv("FAKE_CRM_SLEEP");
    unsetenv("FAKE_CRM_OUT");
    unsetenv("HA_LOGFILE");
    fixture_rmtree(f->dir);
    free(f);
    return 0;
}

/* Returns the calls logged so far (malloc()'d), and empties the log. */
static char *
take_calls(const struct fixture *f)
{
    FILE *file = fopen(f->calls, "r");
    char *text;
    long size;

    if (!file) {
        return strdup("");
    }
    fseek(file, 0, SEEK_END);
    size = ftell(file);
    rewind(file);
    text = calloc(1, size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, size, file), size);
    fclose(file);
    unlink(f->calls);
    return text;
}

static void
expect_calls(const struct fixture *f, const char *want)
{
    char *got = take_calls(f);

    if (strcmp(got, want)) {
        print_message("calls:\n%s---\nexpected:\n%s---\n", got, want);
    }
    assert_string_equal(got, want);
    free(got);
}

static void
test_list_has(void **state)
{
    (void) state;
    assert_true(nodelist_has("node1", "node1"));
    assert_true(nodelist_has("node0 node1 node2", "node1"));
    assert_true(nodelist_has(" node1 ", "node1"));
    assert_true(nodelist_has("node2  node1", "node1"));
    assert_true(nodelist_has("node2\tnode1", "node1"));
    assert_false(nodelist_has("node10 node11", "node1"));
    assert_false(nodelist_has("xnode1 node1x", "node1"));
    assert_false(nodelist_has("node", "node1"));
    assert_false(nodelist_has(" ", "node1"));
    assert_false(nodelist_has("", "node1"));
    assert_false(nodelist_has(NULL, "node1"));
    /* An empty node name is in no list. */
    assert_false(nodelist_has("node1", ""));
    assert_false(nodelist_has(" ", ""));
    assert_false(nodelist_has("a  b", ""));
}

static void
test_init_node_name(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    struct utsname u;

    cluster_init(&c, "node1", "host1", "host", "res", f->run);
    assert_string_equal(c.node, "host1");
    cluster_init(&c, "node1", "host1", NULL, "res", f->run);
    assert_string_equal(c.node, "node1");
    cluster_init(&c, "node1", "host1", "other", "res", f->run);
    assert_string_equal(c.node, "node1");
    cluster_init(&c, "node1", NULL, "host", "res", f->run);
    assert_string_equal(c.node, "node1");
    cluster_init(&c, NULL, "host1", "host", "res", f->run);
    assert_string_equal(c.node, "host1");

    assert_int_equal(uname(&u), 0);
    cluster_init(&c, NULL, NULL, NULL, "res", f->run);
    assert_string_equal(c.node, u.nodename);
    cluster_init(&c, NULL, "host1", "", "res", f->run);
    assert_string_equal(c.node, u.nodename);
    assert_false(c.no_cluster);
}

static void
test_init_instance_and_cache(void **state)
{
    struct fixture *f = *state;
    char want[256];
    struct cluster c;

    cluster_init(&c, "node1", NULL, NULL, "ovndb_servers:0", f->run);
    assert_string_equal(c.instance, "ovndb_servers:0");
    snprintf(want, sizeof want, "%s/ovndb-servers.ovndb_servers:0.score",
             f->run);
    assert_string_equal(c.cache, want);

    cluster_init(&c, "node1", NULL, NULL, NULL, f->run);
    assert_string_equal(c.instance, "ovndb_servers");
    cluster_init(&c, "node1", NULL, NULL, "", f->run);
    assert_string_equal(c.instance, "ovndb_servers");
    snprintf(want, sizeof want, "%s/ovndb-servers.ovndb_servers.score",
             f->run);
    assert_string_equal(c.cache, want);
}

static void
test_set_score(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    struct stat st;

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");
    assert_int_equal(stat(c.cache, &st), 0);

    /* Same value again: the cache skips the write. */
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "");

    /* Unless forced. */
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, true,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");

    /* A new value is written, once. */
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, false,
                                       deadline_after(10000)), 0);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|10|\n");

    /* No score: the attribute is deleted, once. */
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_NONE, false,
                                       deadline_after(10000)), 0);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_NONE, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-D|\n");

    /* Back to a score. */
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");
}

/* The cache survives the process (a new struct reads it) and belongs to
 * one node. */
static void
test_cache_persistent(void **state)
{
    struct fixture *f = *state;
    struct cluster c;

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|10|\n");

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "");

    cluster_init(&c, "node2", NULL, NULL, "ovndb", f->run);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node2|-v|10|\n");

    /* Another instance has its own cache. */
    cluster_init(&c, "node2", NULL, NULL, "other", f->run);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=other|-N|node2|-v|10|\n");
}

/* A garbage cache file does not match anything. */
static void
test_cache_garbage(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    FILE *file;

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    file = fopen(c.cache, "w");
    assert_non_null(file);
    fputs("node1 5 garbage\n", file);
    fclose(file);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");

    file = fopen(c.cache, "w");
    assert_non_null(file);
    fclose(file);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");
}

/* A failed write is an error and is not cached. */
static void
test_set_score_failure(void **state)
{
    struct fixture *f = *state;
    struct cluster c;

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    setenv("FAKE_CRM_RC", "1", 1);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), EIO);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");
    assert_false(c.no_cluster);

    unsetenv("FAKE_CRM_RC");
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");
}

/* Exit 102 (no cluster) is not an error, and stops further writes. */
static void
test_no_cluster(void **state)
{
    struct fixture *f = *state;
    struct cluster c;

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    setenv("FAKE_CRM_RC", "102", 1);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");
    assert_true(c.no_cluster);

    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, true,
                                       deadline_after(10000)), 0);
    assert_int_equal(cluster_record_active(&c, deadline_after(10000)), 0);
    expect_calls(f, "");
}

static void
test_missing_crm_attribute(void **state)
{
    struct fixture *f = *state;
    char empty[160];
    struct cluster c;

    snprintf(empty, sizeof empty, "%s/empty", f->dir);
    assert_int_equal(mkdir(empty, 0755), 0);
    setenv("PATH", empty, 1);
    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), ENOENT);
    assert_int_equal(cluster_record_active(&c, deadline_after(10000)),
                     ENOENT);
    assert_false(c.no_cluster);
}

/* A hung crm_attribute is killed at the deadline. */
static void
test_set_score_timeout(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    long long start = clock_mono_ms();

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    setenv("FAKE_CRM_SLEEP", "10", 1);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(300)), ETIMEDOUT);
    assert_true(clock_mono_ms() - start < 300 + 500);
    unsetenv("FAKE_CRM_SLEEP");

    /* Not cached. */
    free(take_calls(f));
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");
}

static void
test_record_active(void **state)
{
    struct fixture *f = *state;
    struct cluster c;

    cluster_init(&c, "node-a", "host-a", "host", "ovndb", f->run);
    assert_int_equal(cluster_record_active(&c, deadline_after(10000)), 0);
    expect_calls(f, "--type|crm_config|--name|OVN_REPL_INFO|"
                 "-s|ovn_ovsdb_master_server|-v|host-a|\n");

    /* Not cached: every call writes. */
    assert_int_equal(cluster_record_active(&c, deadline_after(10000)), 0);
    expect_calls(f, "--type|crm_config|--name|OVN_REPL_INFO|"
                 "-s|ovn_ovsdb_master_server|-v|host-a|\n");

    setenv("FAKE_CRM_RC", "1", 1);
    assert_int_equal(cluster_record_active(&c, deadline_after(10000)), EIO);
}

/* The attributes of the election and of the handover: permanent or
 * transient, set or deleted, of any node. */
static void
test_set_attr(void **state)
{
    struct fixture *f = *state;
    struct cluster c;

    cluster_init(&c, "node1", NULL, NULL, NULL, f->run);
    assert_int_equal(cluster_set_attr(&c, "node2", "freshness", true, "123",
                                      deadline_after(10000)), 0);
    expect_calls(f, "-N|node2|-n|ovndb_servers-freshness|-l|forever|"
                 "-v|123|\n");
    assert_int_equal(cluster_set_attr(&c, "node1", "handover", false,
                                      "node1:1700000000000:42",
                                      deadline_after(10000)), 0);
    expect_calls(f, "-N|node1|-n|ovndb_servers-handover|-l|reboot|"
                 "-v|node1:1700000000000:42|\n");
    assert_int_equal(cluster_set_attr(&c, "node1", "handover", false, NULL,
                                      deadline_after(10000)), 0);
    expect_calls(f, "-N|node1|-n|ovndb_servers-handover|-l|reboot|-D|\n");
    assert_int_equal(cluster_set_attr(&c, "node3", "freshness", true, NULL,
                                      deadline_after(10000)), 0);
    expect_calls(f, "-N|node3|-n|ovndb_servers-freshness|-l|forever|"
                 "-D|\n");

    /* The instance names the attribute; a value is passed as one
     * argument, spaces and all; nothing is cached. */
    cluster_init(&c, "node1", NULL, NULL, "ovndb:1", f->run);
    assert_int_equal(cluster_set_attr(&c, "node1", "x", true, "a b",
                                      deadline_after(10000)), 0);
    assert_int_equal(cluster_set_attr(&c, "node1", "x", true, "a b",
                                      deadline_after(10000)), 0);
    expect_calls(f, "-N|node1|-n|ovndb:1-x|-l|forever|-v|a b|\n"
                 "-N|node1|-n|ovndb:1-x|-l|forever|-v|a b|\n");

    setenv("FAKE_CRM_RC", "1", 1);
    assert_int_equal(cluster_set_attr(&c, "node1", "x", false, "1",
                                      deadline_after(10000)), EIO);
    assert_int_equal(cluster_set_attr(&c, "node1", "x", false, NULL,
                                      deadline_after(10000)), EIO);
    expect_calls(f, "-N|node1|-n|ovndb:1-x|-l|reboot|-v|1|\n"
                 "-N|node1|-n|ovndb:1-x|-l|reboot|-D|\n");
    assert_false(c.no_cluster);
}

/* Calls cluster_get_attr() with the fake printing 'out' and exiting with
 * 'rc' ("0" if NULL), and checks that it returns 'error' and 'value'. */
static void
check_get(const struct fixture *f, struct cluster *c, const char *out,
          const char *rc, size_t size, int error, const char *value)
{
    char buf[64];

    assert_true(size <= sizeof buf);
    if (out) {
        setenv("FAKE_CRM_OUT", out, 1);
    } else {
        unsetenv("FAKE_CRM_OUT");
    }
    if (rc) {
        setenv("FAKE_CRM_RC", rc, 1);
    } else {
        unsetenv("FAKE_CRM_RC");
    }
    memset(buf, 'x', sizeof buf);
    assert_int_equal(cluster_get_attr(c, "node2", "freshness", true, buf,
                                      size, deadline_after(10000)), error);
    assert_string_equal(buf, value);
    expect_calls(f, "-N|node2|-n|ovndb_servers-freshness|-l|forever|"
                 "-G|-q|\n");
    unsetenv("FAKE_CRM_OUT");
    unsetenv("FAKE_CRM_RC");
}

static void
test_get_attr(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    char buf[64];

    cluster_init(&c, "node1", NULL, NULL, NULL, f->run);
    check_get(f, &c, "123\n", NULL, 64, 0, "123");
    /* The first line only. */
    check_get(f, &c, "1700000000000\nsecond line\n", NULL, 64, 0,
              "1700000000000");
    check_get(f, &c, "no newline", NULL, 64, 0, "no newline");
    check_get(f, &c, "a b\n", NULL, 64, 0, "a b");
    /* Cut to the buffer. */
    check_get(f, &c, "123456789\n", NULL, 4, 0, "123");
    /* Not set: crm_attribute exits non-zero, or prints nothing. */
    check_get(f, &c, NULL, "105", 64, ENOENT, "");
    /* Any other failure is an error, not "not set". */
    check_get(f, &c, "stale\n", "1", 64, EIO, "");
    /* A node the cluster does not know (Pacemaker 2.1 and 3.0 alike). */
    setenv("FAKE_CRM_ERR", "Could not map name=node2 to a UUID", 1);
    check_get(f, &c, NULL, "105", 64, ENXIO, "");
    unsetenv("FAKE_CRM_ERR");
    check_get(f, &c, NULL, NULL, 64, ENOENT, "");
    check_get(f, &c, "\n", NULL, 64, ENOENT, "");
    check_get(f, &c, "\nvalue on the second line\n", NULL, 64, ENOENT, "");
    assert_false(c.no_cluster);

    /* A transient attribute. */
    setenv("FAKE_CRM_OUT", "node1:1:2\n", 1);
    assert_int_equal(cluster_get_attr(&c, "node3", "handover", false, buf,
                                      sizeof buf, deadline_after(10000)),
                     0);
    assert_string_equal(buf, "node1:1:2");
    expect_calls(f, "-N|node3|-n|ovndb_servers-handover|-l|reboot|"
                 "-G|-q|\n");
}

static void
test_get_last_active(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    char buf[64];

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    setenv("FAKE_CRM_OUT", "node3\n", 1);
    assert_int_equal(cluster_get_last_active(&c, buf, sizeof buf,
                                             deadline_after(10000)), 0);
    assert_string_equal(buf, "node3");
    expect_calls(f, "--type|crm_config|--name|OVN_REPL_INFO|"
                 "-s|ovn_ovsdb_master_server|-G|-q|\n");

    unsetenv("FAKE_CRM_OUT");
    assert_int_equal(cluster_get_last_active(&c, buf, sizeof buf,
                                             deadline_after(10000)),
                     ENOENT);
    assert_string_equal(buf, "");
    setenv("FAKE_CRM_OUT", "node3\n", 1);
    /* Unset: exit 105 on Pacemaker 2.1.5 and 3.0.0 alike ("No such device
     * or address"); any other failure is an error. */
    setenv("FAKE_CRM_RC", "105", 1);
    assert_int_equal(cluster_get_last_active(&c, buf, sizeof buf,
                                             deadline_after(10000)),
                     ENOENT);
    assert_string_equal(buf, "");
    setenv("FAKE_CRM_RC", "6", 1);
    assert_int_equal(cluster_get_last_active(&c, buf, sizeof buf,
                                             deadline_after(10000)),
                     EIO);
    assert_string_equal(buf, "");
    expect_calls(f, "--type|crm_config|--name|OVN_REPL_INFO|"
                 "-s|ovn_ovsdb_master_server|-G|-q|\n"
                 "--type|crm_config|--name|OVN_REPL_INFO|"
                 "-s|ovn_ovsdb_master_server|-G|-q|\n"
                 "--type|crm_config|--name|OVN_REPL_INFO|"
                 "-s|ovn_ovsdb_master_server|-G|-q|\n");
    assert_false(c.no_cluster);
}

/* Another node's promotion score: written every time, and not mixed up
 * with this node's cache. */
static void
test_set_node_score(void **state)
{
    struct fixture *f = *state;
    struct cluster c;

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    assert_int_equal(cluster_set_node_score(&c, "node3",
                                            DECIDE_SCORE_ELECTED,
                                            deadline_after(10000)), 0);
    assert_int_equal(cluster_set_node_score(&c, "node3",
                                            DECIDE_SCORE_ELECTED,
                                            deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node3|-v|7|\n"
                 "--promotion=ovndb|-N|node3|-v|7|\n");
    assert_int_equal(access(c.cache, F_OK), -1);

    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ELECTED, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|7|\n");
    assert_int_equal(cluster_set_node_score(&c, "node1",
                                            DECIDE_SCORE_BACKUP,
                                            deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");

    setenv("FAKE_CRM_RC", "1", 1);
    assert_int_equal(cluster_set_node_score(&c, "node3",
                                            DECIDE_SCORE_ELECTED,
                                            deadline_after(10000)), EIO);
    expect_calls(f, "--promotion=ovndb|-N|node3|-v|7|\n");
}

/* Exit 102 from a query: no cluster, ENOENT, and no more runs of any
 * kind. */
static void
test_no_cluster_query(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    char buf[64];

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    setenv("FAKE_CRM_RC", "102", 1);
    setenv("FAKE_CRM_OUT", "node3\n", 1);
    assert_int_equal(cluster_get_attr(&c, "node2", "freshness", true, buf,
                                      sizeof buf, deadline_after(10000)),
                     ENOENT);
    assert_string_equal(buf, "");
    expect_calls(f, "-N|node2|-n|ovndb-freshness|-l|forever|-G|-q|\n");
    assert_true(c.no_cluster);

    /* crm_attribute would answer now: it is not asked. */
    unsetenv("FAKE_CRM_RC");
    memset(buf, 'x', sizeof buf);
    assert_int_equal(cluster_get_attr(&c, "node2", "freshness", true, buf,
                                      sizeof buf, deadline_after(10000)),
                     ENOENT);
    assert_string_equal(buf, "");
    memset(buf, 'x', sizeof buf);
    assert_int_equal(cluster_get_last_active(&c, buf, sizeof buf,
                                             deadline_after(10000)),
                     ENOENT);
    assert_string_equal(buf, "");
    assert_int_equal(cluster_set_attr(&c, "node1", "freshness", true, "1",
                                      deadline_after(10000)), 0);
    assert_int_equal(cluster_set_attr(&c, "node1", "handover", false, NULL,
                                      deadline_after(10000)), 0);
    assert_int_equal(cluster_set_node_score(&c, "node3",
                                            DECIDE_SCORE_ELECTED,
                                            deadline_after(10000)), 0);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, true,
                                       deadline_after(10000)), 0);
    assert_int_equal(cluster_record_active(&c, deadline_after(10000)), 0);
    expect_calls(f, "");
}

/* Exit 102 from a write: the queries that follow are not run either. */
static void
test_no_cluster_set_attr(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    char buf[64];

    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    setenv("FAKE_CRM_RC", "102", 1);
    assert_int_equal(cluster_set_attr(&c, "node1", "freshness", true, "1",
                                      deadline_after(10000)), 0);
    expect_calls(f, "-N|node1|-n|ovndb-freshness|-l|forever|-v|1|\n");
    assert_true(c.no_cluster);

    unsetenv("FAKE_CRM_RC");
    setenv("FAKE_CRM_OUT", "1\n", 1);
    assert_int_equal(cluster_get_attr(&c, "node1", "freshness", true, buf,
                                      sizeof buf, deadline_after(10000)),
                     ENOENT);
    assert_int_equal(cluster_get_last_active(&c, buf, sizeof buf,
                                             deadline_after(10000)),
                     ENOENT);
    assert_int_equal(cluster_set_node_score(&c, "node2", 7,
                                            deadline_after(10000)), 0);
    expect_calls(f, "");
}

/* No crm_attribute at all, and one that hangs. */
static void
test_query_errors(void **state)
{
    struct fixture *f = *state;
    long long start;
    char empty[160], buf[64];
    const char *path = getenv("PATH");
    char *saved = strdup(path ? path : "");
    struct cluster c;
    int error;

    assert_non_null(saved);
    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    setenv("FAKE_CRM_OUT", "1\n", 1);
    setenv("FAKE_CRM_SLEEP", "10", 1);
    start = clock_mono_ms();
    error = cluster_get_attr(&c, "node2", "freshness", true, buf,
                             sizeof buf, deadline_after(300));
    assert_int_equal(error, ETIMEDOUT);
    assert_true(clock_mono_ms() - start < 300 + 500);
    assert_false(c.no_cluster);
    unsetenv("FAKE_CRM_SLEEP");
    free(take_calls(f));

    snprintf(empty, sizeof empty, "%s/empty", f->dir);
    assert_int_equal(mkdir(empty, 0755), 0);
    setenv("PATH", empty, 1);
    error = cluster_get_attr(&c, "node2", "freshness", true, buf,
                             sizeof buf, deadline_after(10000));
    assert_true(error > 0);
    assert_string_equal(buf, "");
    assert_int_equal(cluster_set_attr(&c, "node1", "freshness", true, "1",
                                      deadline_after(10000)), ENOENT);
    assert_false(c.no_cluster);
    setenv("PATH", saved, 1);
    free(saved);
    expect_calls(f, "");
}

/* Writes in a batch start at once and are collected at its end: each runs
 * (in any order), the score is cached only once it succeeded, and the
 * first failure is returned. */
static void
test_batch(void **state)
{
    struct fixture *f = *state;
    struct cluster c;
    char *got;

    unsetenv("CIB_file");
    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    cluster_batch_begin(&c);
    /* Whether there is a cluster is not known yet: the first runs alone
     * (without a cluster, the others would run for nothing). */
    assert_int_equal(cluster_set_attr(&c, "node1", "addr", false, "1.2.3.4",
                                      deadline_after(10000)), 0);
    assert_int_equal(c.n_pending, 0);
    assert_true(c.known);
    assert_int_equal(cluster_record_active(&c, deadline_after(10000)), 0);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, true,
                                       deadline_after(10000)), 0);
    assert_int_equal(c.n_pending, 2);
    assert_int_equal(access(c.cache, F_OK), -1);    /* Not yet. */
    assert_int_equal(cluster_batch_end(&c, deadline_after(10000)), 0);
    assert_false(c.batching);
    assert_int_equal(c.n_pending, 0);
    got = take_calls(f);
    assert_non_null(strstr(got, "-N|node1|-n|ovndb-addr|-l|reboot|-v|"
                                "1.2.3.4|\n"));
    assert_non_null(strstr(got, "--name|OVN_REPL_INFO|"));
    assert_non_null(strstr(got, "--promotion=ovndb|-N|node1|-v|10|\n"));
    free(got);
    /* The score was cached: an unforced write of it is skipped. */
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "");

    /* A failed write: its error, and no cache. */
    setenv("FAKE_CRM_RC", "1", 1);
    cluster_batch_begin(&c);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, true,
                                       deadline_after(10000)), 0);
    assert_int_equal(cluster_batch_end(&c, deadline_after(10000)), EIO);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");
    unsetenv("FAKE_CRM_RC");
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_BACKUP, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|5|\n");

    /* No cluster: found at the end, not an error; later batches start
     * nothing, and the score is still remembered. */
    setenv("FAKE_CRM_RC", "102", 1);
    cluster_batch_begin(&c);
    assert_int_equal(cluster_record_active(&c, deadline_after(10000)), 0);
    assert_int_equal(cluster_batch_end(&c, deadline_after(10000)), 0);
    assert_true(c.no_cluster);
    expect_calls(f, "--type|crm_config|--name|OVN_REPL_INFO|"
                 "-s|ovn_ovsdb_master_server|-v|node1|\n");
    cluster_batch_begin(&c);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_STALE, true,
                                       deadline_after(10000)), 0);
    assert_int_equal(c.n_pending, 0);
    assert_int_equal(cluster_batch_end(&c, deadline_after(10000)), 0);
    expect_calls(f, "");
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_STALE, false,
                                       deadline_after(10000)), 0);
    expect_calls(f, "");
}

/* With a CIB file, which each program reads, changes and writes back,
 * writes in a batch run one at a time. */
static void
test_batch_cib_file(void **state)
{
    struct fixture *f = *state;
    struct cluster c;

    setenv("CIB_file", "/nonexistent/cib.xml", 1);
    cluster_init(&c, "node1", NULL, NULL, "ovndb", f->run);
    cluster_batch_begin(&c);
    assert_false(c.batching);
    assert_int_equal(cluster_set_score(&c, DECIDE_SCORE_ACTIVE, true,
                                       deadline_after(10000)), 0);
    assert_int_equal(c.n_pending, 0);
    expect_calls(f, "--promotion=ovndb|-N|node1|-v|10|\n");
    assert_int_equal(cluster_batch_end(&c, deadline_after(10000)), 0);
    expect_calls(f, "");
    unsetenv("CIB_file");
}

int
main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_list_has),
        T(test_init_node_name),
        T(test_init_instance_and_cache),
        T(test_set_score),
        T(test_cache_persistent),
        T(test_cache_garbage),
        T(test_set_score_failure),
        T(test_no_cluster),
        T(test_missing_crm_attribute),
        T(test_set_score_timeout),
        T(test_record_active),
        T(test_set_attr),
        T(test_get_attr),
        T(test_get_last_active),
        T(test_set_node_score),
        T(test_no_cluster_query),
        T(test_no_cluster_set_attr),
        T(test_query_errors),
        T(test_batch),
        T(test_batch_cib_file),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
