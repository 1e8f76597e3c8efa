/* SPDX-License-Identifier: Apache-2.0 */
/* The helper's two clocks, in milliseconds: the monotonic clock, which
 * every deadline and wait uses (see deadline.h), and the wall clock, which
 * only the freshness records compared across nodes use (see fresh.h). */
#ifndef CLOCK_H
#define CLOCK_H 1

/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC). */
long long clock_mono_ms(void);

/* Milliseconds since the epoch on the wall clock (CLOCK_REALTIME). */
long long clock_wall_ms(void);

#endif /* clock.h */
