/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/ocf.c's hardening (issue 11): the action timeout
 * never overflows, the exit reason never holds a raw control character,
 * and OCF_RESOURCE_INSTANCE cannot name a file outside run_dir. */
#include "unit.h"
#include "ocf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deadline.h"
#include "text.h"

static int
setup(void **state)
{
    (void) state;
    unsetenv("OCF_RESKEY_CRM_meta_timeout");
    unsetenv("OCF_RESKEY_CRM_meta_interval");
    unsetenv("OCF_RESOURCE_INSTANCE");
    return 0;
}

static void
test_timeout_clamped(void **state)
{
    static const struct {
        const char *value;
        long long ms;
    } cases[] = {
        { "60000", 60000 },
        { "86400000", OCF_TIMEOUT_MAX_MS },
        { "86400001", OCF_TIMEOUT_MAX_MS },
        { "9223372036854775807", OCF_TIMEOUT_MAX_MS },
        { "9223372036854775808", OCF_TIMEOUT_MAX_MS },
        { "99999999999999999999", OCF_TIMEOUT_MAX_MS },
        { "0", OCF_TIMEOUT_DEFAULT_MS },
        { "000", OCF_TIMEOUT_DEFAULT_MS },
        { "+5000", OCF_TIMEOUT_DEFAULT_MS },
        { " 5000", OCF_TIMEOUT_DEFAULT_MS },
        { "5000ms", OCF_TIMEOUT_DEFAULT_MS },
        { "-99999999999999999999", OCF_TIMEOUT_DEFAULT_MS },
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setenv("OCF_RESKEY_CRM_meta_timeout", cases[i].value, 1);
        if (ocf_timeout_ms() != cases[i].ms) {
            print_message("CRM_meta_timeout=%s gives %lld\n", cases[i].value,
                          ocf_timeout_ms());
        }
        assert_true(ocf_timeout_ms() == cases[i].ms);
    }
}

/* The arithmetic the action layer does with the timeout stays in range:
 * the deadline lies ahead, not in the past (an overflow made it negative,
 * and stop gave up at once). */
static void
test_timeout_deadline(void **state)
{
    long long deadline;

    (void) state;
    setenv("OCF_RESKEY_CRM_meta_timeout", "99999999999999999999", 1);
    deadline = deadline_after(ocf_timeout_ms() - 1500);
    assert_true(deadline > clock_mono_ms());
    assert_true(deadline_left(deadline) > 86000000);
    assert_true(deadline_left(deadline) <= OCF_TIMEOUT_MAX_MS);
}

static void
test_probe_strict(void **state)
{
    (void) state;
    setenv("OCF_RESKEY_CRM_meta_interval", "00", 1);
    assert_true(ocf_is_probe());
    setenv("OCF_RESKEY_CRM_meta_interval", "10000", 1);
    assert_false(ocf_is_probe());
    setenv("OCF_RESKEY_CRM_meta_interval", "99999999999999999999", 1);
    assert_false(ocf_is_probe());
}

static void
test_reason_no_ctl(void **state)
{
    (void) state;
    ocf_exit_reason("value '%s' refused", "a\tb\x1b[31mc\x7f");
    assert_string_equal(ocf_get_exit_reason(),
                        "value 'a\\tb\\x1b[31mc\\x7f' refused");
    /* A reason is its first line. */
    ocf_exit_reason("server said: %s", "first\nsecond\r\n");
    assert_string_equal(ocf_get_exit_reason(), "server said: first");
    ocf_exit_reason("%s", "\r");
    assert_string_equal(ocf_get_exit_reason(), "\\r");
}

static void
test_instance(void **state)
{
    static const char *const good[] = {
        "ovndb_servers", "ovndb_servers:0", "ovn-db.1", "x",
    };
    static const char *const bad[] = {
        "ovn\ndb", "ovn\tdb", "../../etc/x", "a/b", "\x1b[2J",
    };
    char reason[256], big[OCF_INSTANCE_MAX + 2];
    size_t i;

    (void) state;
    assert_int_equal(ocf_check_instance(reason, sizeof reason), 0);
    setenv("OCF_RESOURCE_INSTANCE", "", 1);
    assert_int_equal(ocf_check_instance(reason, sizeof reason), 0);
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        setenv("OCF_RESOURCE_INSTANCE", good[i], 1);
        assert_int_equal(ocf_check_instance(reason, sizeof reason), 0);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("OCF_RESOURCE_INSTANCE", bad[i], 1);
        reason[0] = '\0';
        assert_int_equal(ocf_check_instance(reason, sizeof reason), EINVAL);
        assert_non_null(strstr(reason, "OCF_RESOURCE_INSTANCE"));
        assert_int_equal(text_find_ctl(reason), -1);
    }
    memset(big, 'i', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    setenv("OCF_RESOURCE_INSTANCE", big, 1);
    assert_int_equal(ocf_check_instance(reason, sizeof reason), EINVAL);
    big[OCF_INSTANCE_MAX] = '\0';
    setenv("OCF_RESOURCE_INSTANCE", big, 1);
    assert_int_equal(ocf_check_instance(reason, sizeof reason), 0);
}

int
main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, setup)
    const struct CMUnitTest tests[] = {
        T(test_timeout_clamped),
        T(test_timeout_deadline),
        T(test_probe_strict),
        T(test_reason_no_ctl),
        T(test_instance),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
