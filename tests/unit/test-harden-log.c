/* SPDX-License-Identifier: Apache-2.0 */
/* Unit test for helper/log.c's hardening (issue 11): a message holding
 * what a server or a parameter said is one log line, with its control
 * characters escaped, and so is the tag (OCF_RESOURCE_INSTANCE). */
#include "unit.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
test_one_line(void **state)
{
    char file[] = "/tmp/test-harden-log.XXXXXX";
    char text[2048];
    size_t n, lines = 0, i;
    FILE *f;
    int fd;

    (void) state;
    fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    setenv("HA_LOGFILE", file, 1);
    unsetenv("HA_LOGFACILITY");
    log_init("inst\nance");
    log_warn("server said: %s", "line one\nline two\r\n\x1b[31mred\x7f");

    f = fopen(file, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    unlink(file);
    unsetenv("HA_LOGFILE");
    text[n] = '\0';
    for (i = 0; i < n; i++) {
        lines += text[i] == '\n';
        if (text[i] != '\n') {
            assert_false((unsigned char) text[i] < 0x20
                         || text[i] == 0x7f);
        }
    }
    assert_int_equal(lines, 1);
    assert_non_null(strstr(text, "ovndb-servers(inst\\nance)"));
    assert_non_null(strstr(text, "WARNING: server said: line one\\nline "
                           "two\\r\\n\\x1b[31mred\\x7f\n"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
