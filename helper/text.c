/* SPDX-License-Identifier: Apache-2.0 */
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
text_parse_uint(const char *s, unsigned long long max,
                unsigned long long *valuep)
{
    unsigned long long v = 0;
    bool over = false;

    if (!s || !*s) {
        return EINVAL;
    }
    for (; *s; s++) {
        unsigned int d;

        if (*s < '0' || *s > '9') {
            return EINVAL;
        }
        d = (unsigned int) (*s - '0');
        if (!over && (v > max / 10 || (v == max / 10 && d > max % 10))) {
            over = true;
        }
        if (!over) {
            v = v * 10 + d;
        }
    }
    if (over) {
        *valuep = max;
        return ERANGE;
    }
    *valuep = v;
    return 0;
}

bool
text_is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

long
text_find_ctl(const char *s)
{
    long i;

    for (i = 0; s[i]; i++) {
        if (text_is_ctl((unsigned char) s[i])) {
            return i;
        }
    }
    return -1;
}

/* Writes the escape of 'c' into 'esc' (at least 5 bytes); returns its
 * length. */
static size_t
text_escape_char(unsigned char c, char *esc)
{
    switch (c) {
    case '\n':
        memcpy(esc, "\\n", 3);
        return 2;
    case '\r':
        memcpy(esc, "\\r", 3);
        return 2;
    case '\t':
        memcpy(esc, "\\t", 3);
        return 2;
    default:
        snprintf(esc, 5, "\\x%02x", c);
        return 4;
    }
}

char *
text_escape(const char *s, size_t max, char *buf, size_t size)
{
    size_t in, out = 0;

    if (size == 0) {
        return buf;
    }
    for (in = 0; s[in]; in++) {
        unsigned char c = (unsigned char) s[in];
        char esc[5];
        size_t n;

        if (max && in >= max) {
            break;
        }
        if (text_is_ctl(c)) {
            n = text_escape_char(c, esc);
        } else {
            esc[0] = (char) c;
            n = 1;
        }
        if (out + n >= size) {
            break;
        }
        memcpy(buf + out, esc, n);
        out += n;
    }
    if (s[in]) {
        /* Cut: end with "..." if there is room, replacing what it must. */
        size_t dots = size > 3 ? 3 : size - 1;

        if (out + dots >= size) {
            out = size - 1 - dots;
        }
        memset(buf + out, '.', dots);
        out += dots;
    }
    buf[out] = '\0';
    return buf;
}

void
text_escape_inplace(char *s, size_t size)
{
    char copy[4096];

    if (text_find_ctl(s) < 0) {
        return;
    }
    snprintf(copy, sizeof copy, "%s", s);
    text_escape(copy, 0, s, size);
}
