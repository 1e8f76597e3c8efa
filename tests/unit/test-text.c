/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/text.c. */
#include "unit.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void
test_parse_uint(void **state)
{
    static const struct {
        const char *s;
        unsigned long long max;
        int error;
        unsigned long long value;
    } cases[] = {
        { "0", 100, 0, 0 },
        { "7", 100, 0, 7 },
        { "100", 100, 0, 100 },
        { "0100", 100, 0, 100 },
        { "101", 100, ERANGE, 100 },
        { "6641", 65535, 0, 6641 },
        { "65535", 65535, 0, 65535 },
        { "65536", 65535, ERANGE, 65535 },
        { "18446744073709551615", ~0ULL, 0, ~0ULL },
        { "18446744073709551616", ~0ULL, ERANGE, ~0ULL },
        { "99999999999999999999", ~0ULL, ERANGE, ~0ULL },
        { "99999999999999999999", 86400000, ERANGE, 86400000 },
        { "999999999999999999999999999999999999999999", 5, ERANGE, 5 },
        { "5", 0, ERANGE, 0 },
        { "0", 0, 0, 0 },
        { "", 100, EINVAL, 42 },
        { " 6641", 65535, EINVAL, 42 },
        { "6641 ", 65535, EINVAL, 42 },
        { "+6641", 65535, EINVAL, 42 },
        { "-1", 65535, EINVAL, 42 },
        { "0x10", 65535, EINVAL, 42 },
        { "66 41", 65535, EINVAL, 42 },
        { "6641\n", 65535, EINVAL, 42 },
        { "1e3", 65535, EINVAL, 42 },
        { "5s", 65535, EINVAL, 42 },
        { "\xd9\xa1", 65535, EINVAL, 42 },      /* Arabic-Indic one. */
    };
    size_t i;

    (void) state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned long long v = 42;
        int error = text_parse_uint(cases[i].s, cases[i].max, &v);

        if (error != cases[i].error || v != cases[i].value) {
            print_message("case %zu '%s': error %d, value %llu\n", i,
                          cases[i].s, error, v);
        }
        assert_int_equal(error, cases[i].error);
        assert_true(v == cases[i].value);
    }
    assert_int_equal(text_parse_uint(NULL, 5, NULL), EINVAL);
}

static void
test_find_ctl(void **state)
{
    (void) state;
    assert_int_equal(text_find_ctl(""), -1);
    assert_int_equal(text_find_ctl("plain text, with spaces"), -1);
    assert_int_equal(text_find_ctl("caf\xc3\xa9"), -1);
    assert_int_equal(text_find_ctl("a\nb"), 1);
    assert_int_equal(text_find_ctl("\tb"), 0);
    assert_int_equal(text_find_ctl("ab\x7f"), 2);
    assert_int_equal(text_find_ctl("ab\x1b[31m"), 2);
}

static void
test_escape(void **state)
{
    char buf[64];

    (void) state;
    assert_string_equal(text_escape("plain", 0, buf, sizeof buf), "plain");
    assert_string_equal(text_escape("a\nb\r\tc", 0, buf, sizeof buf),
                        "a\\nb\\r\\tc");
    assert_string_equal(text_escape("\x1b[0m\x7f", 0, buf, sizeof buf),
                        "\\x1b[0m\\x7f");
    /* Cut after 'max' bytes of the input, marked. */
    assert_string_equal(text_escape("abcdefgh", 4, buf, sizeof buf),
                        "abcd...");
    /* Cut by the buffer: still terminated, no raw control character. */
    text_escape("\n\n\n\n\n\n\n\n\n\n", 0, buf, 8);
    assert_true(strlen(buf) < 8);
    assert_int_equal(text_find_ctl(buf), -1);
    text_escape("abc", 0, buf, 1);
    assert_string_equal(buf, "");
}

static void
test_escape_inplace(void **state)
{
    char buf[16] = "one\ntwo";
    char small[8] = "a\nbcdef";

    (void) state;
    text_escape_inplace(buf, sizeof buf);
    assert_string_equal(buf, "one\\ntwo");
    text_escape_inplace(small, sizeof small);
    assert_true(strlen(small) < sizeof small);
    assert_int_equal(text_find_ctl(small), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_uint),
        cmocka_unit_test(test_find_ctl),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_escape_inplace),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
