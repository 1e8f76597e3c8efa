/* SPDX-License-Identifier: Apache-2.0 */
#include "clock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

/* At most a year either way. */
#define CLOCK_TEST_OFFSET_MAX (366LL * 86400 * 1000)

static long long
clock_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
clock_mono_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

long long
clock_wall_ms(void)
{
    static long long offset;
    static bool read;

    if (!read) {
        const char *s = getenv(CLOCK_TEST_OFFSET_ENV);
        char *end;

        read = true;
        if (s && *s) {
            errno = 0;
            offset = strtoll(s, &end, 10);
            if (errno || *end || offset < -CLOCK_TEST_OFFSET_MAX
                || offset > CLOCK_TEST_OFFSET_MAX) {
                offset = 0;
            }
        }
    }
    return clock_ms(CLOCK_REALTIME) + offset;
}

long long
clock_real_ms(void)
{
    return clock_ms(CLOCK_REALTIME);
}
