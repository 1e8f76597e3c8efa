/* SPDX-License-Identifier: Apache-2.0 */
/* Common includes for the cmocka unit tests. */
#ifndef UNIT_H
#define UNIT_H 1

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif /* unit.h */
