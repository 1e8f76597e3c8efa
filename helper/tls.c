/* SPDX-License-Identifier: Apache-2.0 */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "deadline.h"

static int tls_readable(const char *what, const char *path, char *msg,
                        size_t size);
static int tls_openssl(const char *const argv[], long long deadline,
                       struct child_result *, char *msg, size_t size);

int
tls_check_files(const char *privkey, const char *cert, const char *cacert,
                long long deadline, char *msg, size_t size)
{
    const char *cert_argv[] = { "openssl", "x509", "-noout", "-pubkey",
                                "-in", cert, NULL };
    const char *key_argv[] = { "openssl", "pkey", "-pubout", "-passin",
                               "pass:", "-in", privkey, NULL };
    const char *ca_argv[] = { "openssl", "x509", "-noout", "-in", cacert,
                              NULL };
    const char *verify_argv[] = { "openssl", "verify", "-partial_chain",
                                  "-CAfile", cacert, "-untrusted", cert,
                                  cert, NULL };
    struct child_result cr, kr, r;
    char line[160];
    int error;

    error = tls_readable("private key", privkey, msg, size);
    if (!error) {
        error = tls_readable("certificate", cert, msg, size);
    }
    if (!error) {
        error = tls_readable("CA certificate", cacert, msg, size);
    }
    if (error) {
        return error;
    }

    /* The key and the certificate: the same public key. */
    error = tls_openssl(cert_argv, deadline, &cr, msg, size);
    if (error) {
        return error;
    }
    if (cr.status) {
        snprintf(msg, size, "certificate is not PEM: %s: %s", cert,
                 child_result_line(&cr, line, sizeof line));
        child_result_free(&cr);
        return EINVAL;
    }
    error = tls_openssl(key_argv, deadline, &kr, msg, size);
    if (error) {
        child_result_free(&cr);
        return error;
    }
    if (kr.status) {
        snprintf(msg, size, "private key is encrypted or not PEM: %s: %s",
                 privkey, child_result_line(&kr, line, sizeof line));
        error = EINVAL;
    } else if (!cr.out[0] || strcmp(cr.out, kr.out)) {
        snprintf(msg, size, "certificate does not match private key "
                 "(public keys differ): %s, %s", cert, privkey);
        error = EINVAL;
    }
    child_result_free(&cr);
    child_result_free(&kr);
    if (error) {
        return error;
    }

    /* The CA certificate, and the certificate signed by it. */
    error = tls_openssl(ca_argv, deadline, &r, msg, size);
    if (error) {
        return error;
    }
    if (r.status) {
        snprintf(msg, size, "CA certificate is not PEM: %s: %s", cacert,
                 child_result_line(&r, line, sizeof line));
        child_result_free(&r);
        return EINVAL;
    }
    child_result_free(&r);
    error = tls_openssl(verify_argv, deadline, &r, msg, size);
    if (error) {
        return error;
    }
    if (r.status) {
        snprintf(msg, size, "CA certificate does not verify certificate: "
                 "%s, %s: %s", cacert, cert,
                 child_result_line(&r, line, sizeof line));
        error = EINVAL;
    }
    child_result_free(&r);
    return error;
}

/* Checks that 'path' opens for reading and is a regular file; 'what' names
 * it in the reason. */
static int
tls_readable(const char *what, const char *path, char *msg, size_t size)
{
    struct stat st;
    int fd, error = 0;

    if (!path || !path[0]) {
        snprintf(msg, size, "no %s file is set", what);
        return EINVAL;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        error = errno;
        snprintf(msg, size, "%s unreadable (%s): %s", what,
                 strerror(error), path);
        return error;
    }
    if (fstat(fd, &st)) {
        error = errno;
        snprintf(msg, size, "%s unreadable (%s): %s", what,
                 strerror(error), path);
    } else if (!S_ISREG(st.st_mode)) {
        error = EINVAL;
        snprintf(msg, size, "%s is not a regular file: %s", what, path);
    }
    close(fd);
    return error;
}

/* Runs openssl with 'argv' for at most TLS_CHECK_MS, and not past
 * 'deadline'.  Returns 0 with 'result' filled, whatever the exit status,
 * or a positive errno value with the reason in 'msg'. */
static int
tls_openssl(const char *const argv[], long long deadline,
            struct child_result *result, char *msg, size_t size)
{
    long long until = deadline_after(TLS_CHECK_MS);
    int error;

    error = child_run(argv, until < deadline ? until : deadline, result);
    if (error == ENOENT) {
        snprintf(msg, size, "openssl not found in PATH: install openssl "
                 "(it checks the TLS files)");
        return ENOPKG;
    } else if (error) {
        snprintf(msg, size, "openssl %s did not run: %s", argv[1],
                 strerror(error));
    }
    return error;
}
