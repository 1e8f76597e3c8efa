/* SPDX-License-Identifier: Apache-2.0 */
/* The helper's two clocks, in milliseconds: the monotonic clock, which
 * every deadline and wait uses (see deadline.h), and the wall clock, which
 * only the freshness records compared across nodes use (see fresh.h). */
#ifndef CLOCK_H
#define CLOCK_H 1

/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC). */
long long clock_mono_ms(void);

/* Milliseconds since the epoch on the wall clock (CLOCK_REALTIME): what
 * this node records and publishes as a time.  For tests of clock skew
 * only, it is shifted by CLOCK_TEST_OFFSET_ENV milliseconds if that is set
 * to an integer (the integration suite plays a node whose clock is off by
 * minutes this way; a time namespace cannot shift the wall clock). */
long long clock_wall_ms(void);
#define CLOCK_TEST_OFFSET_ENV "OVNDB_SERVERS_TEST_CLOCK_OFFSET_MS"

/* CLOCK_REALTIME, never shifted: for differences with times the kernel
 * stamped (a file's modification time), which a wrong clock shifts
 * alike. */
long long clock_real_ms(void);

#endif /* clock.h */
