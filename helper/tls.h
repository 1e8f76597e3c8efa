/* SPDX-License-Identifier: Apache-2.0 */
/* The TLS files a node will use: readable, and the key matches the
 * certificate, which the CA certificate verifies.
 *
 * ovsdb-server reads these files itself and, when one is wrong, logs it and
 * goes on without TLS: the server starts, and replication and clients fail
 * later with no word to Pacemaker.  This module finds such files before the
 * server starts, with the openssl command (fixed argv, bounded in time). */
#ifndef TLS_H
#define TLS_H 1

#include <stddef.h>

/* Time each openssl run may take, in milliseconds. */
#define TLS_CHECK_MS 5000

/* Checks the TLS files of one database: 'privkey', 'cert' and 'cacert' are
 * readable regular files, 'privkey' is an unencrypted private key,
 * 'cert' a certificate for that key (their public keys are the same), and
 * 'cacert' a certificate that verifies 'cert'.  Gives up at 'deadline'.
 *
 * Returns 0 if so.  Otherwise writes the reason into 'msg' ('size' bytes;
 * its key words first and the paths last, as an exit reason keeps only
 * its first 128 bytes) and returns a positive errno value: the error of
 * open() for a file that cannot be read, EINVAL for files that are not
 * what they should be, ENOPKG if the openssl command is not installed,
 * ETIMEDOUT at the deadline. */
int tls_check_files(const char *privkey, const char *cert,
                    const char *cacert, long long deadline, char *msg,
                    size_t size);

#endif /* tls.h */
