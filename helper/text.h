/* SPDX-License-Identifier: Apache-2.0 */
/* Text received from outside (parameters, environment, server replies,
 * program output): strict number parsing and control-character checks and
 * escapes, so that nothing received reaches a log line, an exit reason or
 * an argv unchecked. */
#ifndef TEXT_H
#define TEXT_H 1

#include <stdbool.h>
#include <stddef.h>

/* Parses 's' as a decimal number: one or more ASCII digits and nothing
 * else (no sign, no space, no trailing character).  Saturating: the value
 * never wraps.  Returns 0 and stores the value in '*valuep' if it is at most
 * 'max'; ERANGE, with 'max' in '*valuep', if it is larger (overflowing
 * numbers included); EINVAL, with '*valuep' unchanged, if 's' is NULL, empty
 * or not only digits. */
int text_parse_uint(const char *s, unsigned long long max,
                    unsigned long long *valuep);

/* Returns true if 'c' is a control character (0x00-0x1f or 0x7f). */
bool text_is_ctl(unsigned char c);

/* Returns the offset of the first control character in 's', or -1 if there
 * is none. */
long text_find_ctl(const char *s);

/* Copies 's' into 'buf' (of 'size' bytes, always NUL-terminated if 'size'
 * is not 0) with every control character written as an escape: \n, \r, \t
 * or \xHH.  Keeps at most 'max' bytes of 's' (0: no limit other than
 * 'size') and marks a cut with "...".  Returns 'buf'. */
char *text_escape(const char *s, size_t max, char *buf, size_t size);

/* Escapes the control characters of 's' in place, as far as 'size' (the
 * size of the buffer holding 's') allows; what does not fit is dropped. */
void text_escape_inplace(char *s, size_t size);

#endif /* text.h */
