/* SPDX-License-Identifier: Apache-2.0 */
#include "deadline.h"

#include <limits.h>
#include <time.h>

#include "clock.h"

long long
deadline_after(long long ms)
{
    long long now = clock_mono_ms();

    /* Saturates: a huge span is "never", not an overflow. */
    if (ms <= 0) {
        return now;
    }
    return ms > LLONG_MAX - now ? LLONG_MAX : now + ms;
}

int
deadline_left(long long deadline)
{
    long long left = deadline - clock_mono_ms();

    if (left <= 0) {
        return 0;
    }
    return left > INT_MAX ? INT_MAX : (int) left;
}

int
deadline_expired(long long deadline)
{
    return clock_mono_ms() >= deadline;
}

void
deadline_sleep(int ms, long long deadline)
{
    int left = deadline_left(deadline);
    struct timespec ts;

    if (ms > left) {
        ms = left;
    }
    if (ms <= 0) {
        return;
    }
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) {
        continue;
    }
}
