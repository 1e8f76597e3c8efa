/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/ocf.c. */
#include "unit.h"
#include "ocf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Pacemaker keeps this many characters of an exit reason. */
#define REASON_MAX 128

static void
clear_env(void)
{
    unsetenv("OCF_RESKEY_CRM_meta_interval");
    unsetenv("OCF_RESKEY_CRM_meta_timeout");
    unsetenv("OCF_RESKEY_CRM_meta_notify_active_uname");
    unsetenv("OCF_RESKEY_master_ip");
    unsetenv("OCF_EXIT_REASON_PREFIX");
}

static int
setup(void **state)
{
    (void) state;
    clear_env();
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    clear_env();
    return 0;
}

static void
test_action_parse(void **state)
{
    static const struct {
        const char *name;
        enum ocf_action action;
    } cases[] = {
        { .name = "start", .action = OCF_ACTION_START },
        { .name = "stop", .action = OCF_ACTION_STOP },
        { .name = "monitor", .action = OCF_ACTION_MONITOR },
        { .name = "status", .action = OCF_ACTION_MONITOR },
        { .name = "promote", .action = OCF_ACTION_PROMOTE },
        { .name = "demote", .action = OCF_ACTION_DEMOTE },
        { .name = "notify", .action = OCF_ACTION_NOTIFY },
        { .name = "validate-all", .action = OCF_ACTION_VALIDATE },
        { .name = "meta-data", .action = OCF_ACTION_META_DATA },
        { .name = "usage", .action = OCF_ACTION_USAGE },
        { .name = "help", .action = OCF_ACTION_USAGE },
        { .name = "watch-vip", .action = OCF_ACTION_WATCH_VIP },
        { .name = "", .action = OCF_ACTION_UNKNOWN },
        { .name = "reload", .action = OCF_ACTION_UNKNOWN },
        { .name = "migrate_to", .action = OCF_ACTION_UNKNOWN },
        { .name = "START", .action = OCF_ACTION_UNKNOWN },
        { .name = "start ", .action = OCF_ACTION_UNKNOWN },
        { .name = "monitors", .action = OCF_ACTION_UNKNOWN },
        { .name = "validate", .action = OCF_ACTION_UNKNOWN },
        { .name = "metadata", .action = OCF_ACTION_UNKNOWN },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (ocf_action_parse(cases[i].name) != cases[i].action) {
            print_message("action '%s'\n", cases[i].name);
        }
        assert_int_equal(ocf_action_parse(cases[i].name), cases[i].action);
    }
    assert_int_equal(ocf_action_parse(NULL), OCF_ACTION_UNKNOWN);
}

static void
test_reskey(void **state)
{
    (void) state;
    assert_null(ocf_reskey("master_ip"));
    setenv("OCF_RESKEY_master_ip", "", 1);
    assert_null(ocf_reskey("master_ip"));
    setenv("OCF_RESKEY_master_ip", "10.0.0.1", 1);
    assert_string_equal(ocf_reskey("master_ip"), "10.0.0.1");
    /* A space is a value for a parameter. */
    setenv("OCF_RESKEY_master_ip", " ", 1);
    assert_string_equal(ocf_reskey("master_ip"), " ");
}

static void
test_meta(void **state)
{
    static const char *const empty[] = { "", " ", "   " };
    size_t i;

    (void) state;
    assert_null(ocf_meta("notify_active_uname"));
    for (i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        setenv("OCF_RESKEY_CRM_meta_notify_active_uname", empty[i], 1);
        assert_null(ocf_meta("notify_active_uname"));
    }
    setenv("OCF_RESKEY_CRM_meta_notify_active_uname", "node1", 1);
    assert_string_equal(ocf_meta("notify_active_uname"), "node1");
    setenv("OCF_RESKEY_CRM_meta_notify_active_uname", " node1 node2 ", 1);
    assert_string_equal(ocf_meta("notify_active_uname"), " node1 node2 ");
}

static void
test_is_probe(void **state)
{
    (void) state;
    assert_true(ocf_is_probe());
    setenv("OCF_RESKEY_CRM_meta_interval", "", 1);
    assert_true(ocf_is_probe());
    setenv("OCF_RESKEY_CRM_meta_interval", "0", 1);
    assert_true(ocf_is_probe());
    setenv("OCF_RESKEY_CRM_meta_interval", "10000", 1);
    assert_false(ocf_is_probe());
    setenv("OCF_RESKEY_CRM_meta_interval", "30000", 1);
    assert_false(ocf_is_probe());
}

static void
test_timeout(void **state)
{
    (void) state;
    assert_int_equal(ocf_timeout_ms(), 20000);
    setenv("OCF_RESKEY_CRM_meta_timeout", "", 1);
    assert_int_equal(ocf_timeout_ms(), 20000);
    setenv("OCF_RESKEY_CRM_meta_timeout", "60000", 1);
    assert_int_equal(ocf_timeout_ms(), 60000);
    setenv("OCF_RESKEY_CRM_meta_timeout", "0", 1);
    assert_int_equal(ocf_timeout_ms(), 20000);
    setenv("OCF_RESKEY_CRM_meta_timeout", "-5", 1);
    assert_int_equal(ocf_timeout_ms(), 20000);
    setenv("OCF_RESKEY_CRM_meta_timeout", "abc", 1);
    assert_int_equal(ocf_timeout_ms(), 20000);
}

static void
test_is_true(void **state)
{
    static const char *const yes[] = {
        "yes", "YES", "Yes", "true", "TRUE", "True", "on", "ON", "1", "y",
        "Y",
    };
    static const char *const no[] = {
        "no", "false", "off", "0", "", " ", "n", "2", "yess", "truee",
        " yes", "yes ", "10",
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (!ocf_is_true(yes[i])) {
            print_message("'%s' should be true\n", yes[i]);
        }
        assert_true(ocf_is_true(yes[i]));
    }
    for (i = 0; i < sizeof no / sizeof no[0]; i++) {
        if (ocf_is_true(no[i])) {
            print_message("'%s' should be false\n", no[i]);
        }
        assert_false(ocf_is_true(no[i]));
    }
    assert_false(ocf_is_true(NULL));
}

/* Calls ocf_print_exit_reason() and returns what it wrote on stderr
 * (malloc()'d), with stdout checked to stay empty. */
static char *
print_reason(void)
{
    FILE *out = tmpfile(), *err = tmpfile();
    int saved_out, saved_err;
    char *text;
    long size;

    assert_non_null(out);
    assert_non_null(err);
    fflush(stdout);
    fflush(stderr);
    saved_out = dup(STDOUT_FILENO);
    saved_err = dup(STDERR_FILENO);
    assert_true(saved_out >= 0 && saved_err >= 0);
    dup2(fileno(out), STDOUT_FILENO);
    dup2(fileno(err), STDERR_FILENO);

    ocf_print_exit_reason();

    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, STDOUT_FILENO);
    dup2(saved_err, STDERR_FILENO);
    close(saved_out);
    close(saved_err);

    fseek(out, 0, SEEK_END);
    assert_int_equal(ftell(out), 0);
    fclose(out);

    fseek(err, 0, SEEK_END);
    size = ftell(err);
    rewind(err);
    text = calloc(1, size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, size, err), size);
    fclose(err);
    return text;
}

static void
test_exit_reason_record(void **state)
{
    (void) state;
    ocf_exit_reason("first %d", 1);
    assert_string_equal(ocf_get_exit_reason(), "first 1");
    ocf_exit_reason("second %s", "reason");
    assert_string_equal(ocf_get_exit_reason(), "second reason");
    /* An empty reason is no reason. */
    ocf_exit_reason("%s", "");
    assert_null(ocf_get_exit_reason());
}

static void
test_print_no_reason(void **state)
{
    char *text;

    (void) state;
    ocf_exit_reason("%s", "");
    text = print_reason();
    assert_string_equal(text, "");
    free(text);
}

static void
test_print_reason(void **state)
{
    char *text;

    (void) state;
    ocf_exit_reason("NB ovsdb-server exited with %d", 1);
    text = print_reason();
    assert_string_equal(text, "ocf-exit-reason:NB ovsdb-server exited "
                        "with 1\n");
    free(text);

    /* The prefix from the environment. */
    setenv("OCF_EXIT_REASON_PREFIX", "reason-> ", 1);
    text = print_reason();
    assert_string_equal(text, "reason-> NB ovsdb-server exited with 1\n");
    free(text);

    /* An empty prefix variable is no prefix variable. */
    setenv("OCF_EXIT_REASON_PREFIX", "", 1);
    text = print_reason();
    assert_string_equal(text, "ocf-exit-reason:NB ovsdb-server exited "
                        "with 1\n");
    free(text);
}

static void
test_print_reason_truncated(void **state)
{
    char big[400], want[REASON_MAX + 64];
    char *text;

    (void) state;
    memset(big, 'r', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[0] = 'A';
    ocf_exit_reason("%s", big);
    text = print_reason();
    snprintf(want, sizeof want, "ocf-exit-reason:%.*s\n", REASON_MAX, big);
    assert_string_equal(text, want);
    assert_int_equal(strlen(text), strlen("ocf-exit-reason:")
                     + REASON_MAX + 1);
    free(text);

    /* Exactly REASON_MAX characters are kept whole. */
    big[REASON_MAX] = '\0';
    ocf_exit_reason("%s", big);
    text = print_reason();
    snprintf(want, sizeof want, "ocf-exit-reason:%s\n", big);
    assert_string_equal(text, want);
    free(text);
}

static void
test_print_reason_newline(void **state)
{
    char *text;

    (void) state;
    ocf_exit_reason("first line\nsecond line\n");
    text = print_reason();
    assert_string_equal(text, "ocf-exit-reason:first line\n");
    free(text);

    ocf_exit_reason("only line\n");
    text = print_reason();
    assert_string_equal(text, "ocf-exit-reason:only line\n");
    free(text);
}

int
main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_action_parse),
        T(test_reskey),
        T(test_meta),
        T(test_is_probe),
        T(test_timeout),
        T(test_is_true),
        T(test_exit_reason_record),
        T(test_print_no_reason),
        T(test_print_reason),
        T(test_print_reason_truncated),
        T(test_print_reason_newline),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
