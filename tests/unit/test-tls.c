/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for helper/tls.c.
 *
 * The group's setup makes real files with the openssl command, in a
 * temporary directory removed at the end: a CA, a key and a certificate
 * it signed, a second key, an encrypted copy of the key, and a second CA
 * that signed nothing of these. */
#include "unit.h"
#include "tls.h"

#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "deadline.h"

struct fixture {
    char dir[64];
    char ca[128], ca_key[128];          /* The CA. */
    char key[128], cert[128];           /* A key and its certificate. */
    char req[128];                      /* The certificate's request. */
    char other_key[128];                /* A key of no certificate. */
    char enc_key[128];                  /* 'key', encrypted. */
    char other_ca[128], other_ca_key[128];  /* A CA that signed nothing. */
    char junk[128];                     /* Not PEM at all. */
    char msg[512];
};

static void
path(char *buf, size_t size, const struct fixture *f, const char *name)
{
    snprintf(buf, size, "%s/%s", f->dir, name);
}

/* Runs openssl with 'argv' (argv[0] is "openssl"); returns true if it
 * exited with 0. */
static bool
openssl(const char *const argv[])
{
    struct child_result r;
    bool ok;

    if (child_run(argv, deadline_after(30000), &r)) {
        return false;
    }
    ok = r.status == 0;
    if (!ok) {
        fprintf(stderr, "%s %s: %s", argv[0], argv[1], r.err);
    }
    child_result_free(&r);
    return ok;
}

/* A self-signed CA certificate 'cert' with its key 'key'. */
static bool
make_ca(const char *key, const char *cert, const char *cn)
{
    const char *argv[] = { "openssl", "req", "-x509", "-newkey", "ec",
                           "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-keyout", key, "-out", cert,
                           "-days", "2", "-subj", cn, NULL };
    return openssl(argv);
}

/* Makes the files of 'f' (named already) in its directory. */
static bool
make_files(struct fixture *f)
{
    const char *req[] = { "openssl", "req", "-newkey", "ec", "-pkeyopt",
                          "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", f->key, "-out", f->req, "-subj",
                          "/CN=node1", NULL };
    const char *sign[] = { "openssl", "x509", "-req", "-in", f->req, "-CA",
                           f->ca, "-CAkey", f->ca_key, "-set_serial", "1",
                           "-days", "2", "-out", f->cert, NULL };
    const char *other[] = { "openssl", "genpkey", "-algorithm", "EC",
                            "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-out", f->other_key, NULL };
    const char *enc[] = { "openssl", "pkey", "-in", f->key, "-aes256",
                          "-passout", "pass:secret", "-out", f->enc_key,
                          NULL };
    FILE *junk;

    if (!make_ca(f->ca_key, f->ca, "/CN=test CA")
        || !make_ca(f->other_ca_key, f->other_ca, "/CN=other CA")
        || !openssl(req) || !openssl(sign) || !openssl(other)
        || !openssl(enc)) {
        return false;
    }
    junk = fopen(f->junk, "w");
    if (!junk) {
        return false;
    }
    fputs("not a certificate\n", junk);
    fclose(junk);
    /* For the test run as another user: the directory and all but the
     * keys may be read by anyone. */
    return !chmod(f->dir, 0755) && !chmod(f->ca, 0644)
           && !chmod(f->cert, 0644) && !chmod(f->key, 0600);
}

static int
group_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f) {
        return -1;
    }
    strcpy(f->dir, "/tmp/test-tls.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    path(f->ca, sizeof f->ca, f, "ca.pem");
    path(f->ca_key, sizeof f->ca_key, f, "ca-key.pem");
    path(f->key, sizeof f->key, f, "key.pem");
    path(f->cert, sizeof f->cert, f, "cert.pem");
    path(f->req, sizeof f->req, f, "req.pem");
    path(f->other_key, sizeof f->other_key, f, "other-key.pem");
    path(f->enc_key, sizeof f->enc_key, f, "enc-key.pem");
    path(f->other_ca, sizeof f->other_ca, f, "other-ca.pem");
    path(f->other_ca_key, sizeof f->other_ca_key, f, "other-ca-key.pem");
    path(f->junk, sizeof f->junk, f, "junk.pem");
    return make_files(f) ? 0 : -1;
}

static int
remove_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    remove(p);
    return 0;
}

static int
group_teardown(void **state)
{
    struct fixture *f = *state;

    if (f) {
        nftw(f->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
        free(f);
    }
    return 0;
}

static int
check(struct fixture *f, const char *key, const char *cert,
      const char *ca)
{
    f->msg[0] = '\0';
    return tls_check_files(key, cert, ca, deadline_after(20000), f->msg,
                           sizeof f->msg);
}

/* 'msg' holds 'words'. */
static void
assert_says(const struct fixture *f, const char *words)
{
    if (!strstr(f->msg, words)) {
        fail_msg("reason \"%s\" lacks \"%s\"", f->msg, words);
    }
}

static void
test_good_files(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, f->key, f->cert, f->ca), 0);
    assert_string_equal(f->msg, "");
}

static void
test_missing_key(void **state)
{
    struct fixture *f = *state;
    char missing[160];

    path(missing, sizeof missing, f, "nope.pem");
    assert_int_equal(check(f, missing, f->cert, f->ca), ENOENT);
    assert_says(f, "private key");
    assert_says(f, "unreadable (No such file or directory)");
    assert_says(f, "nope.pem");
}

static void
test_unset_key(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, "", f->cert, f->ca), EINVAL);
    assert_says(f, "no private key file is set");
}

static void
test_cert_is_a_directory(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, f->key, f->dir, f->ca), EINVAL);
    assert_says(f, "certificate");
    assert_says(f, "certificate is not a regular file");
}

/* Run as nobody, the root-owned key (mode 0600) cannot be read. */
static void
test_unreadable_key(void **state)
{
    struct fixture *f = *state;
    int status, error;
    pid_t pid;

    if (geteuid() != 0) {
        chmod(f->key, 0);
        error = check(f, f->key, f->cert, f->ca);
        chmod(f->key, 0600);
        assert_int_equal(error, EACCES);
        assert_says(f, "unreadable (Permission denied)");
        return;
    }
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgroups(0, NULL) || setresgid(65534, 65534, 65534)
            || setresuid(65534, 65534, 65534)) {
            _exit(100);
        }
        error = check(f, f->key, f->cert, f->ca);
        _exit(error == EACCES
              && strstr(f->msg, "private key unreadable (Permission denied)")
              ? 0 : 101);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_cert_does_not_match_key(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, f->other_key, f->cert, f->ca), EINVAL);
    assert_says(f, "certificate does not match private key");
    assert_says(f, "other-key.pem");
}

static void
test_cert_not_pem(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, f->key, f->junk, f->ca), EINVAL);
    assert_says(f, "certificate is not PEM: ");
    assert_says(f, "junk.pem");
}

static void
test_key_is_a_certificate(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, f->cert, f->cert, f->ca), EINVAL);
    assert_says(f, "private key is encrypted or not PEM");
}

static void
test_encrypted_key(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, f->enc_key, f->cert, f->ca), EINVAL);
    assert_says(f, "private key is encrypted or not PEM");
    assert_says(f, "enc-key.pem");
}

static void
test_missing_ca(void **state)
{
    struct fixture *f = *state;
    char missing[160];

    path(missing, sizeof missing, f, "no-ca.pem");
    assert_int_equal(check(f, f->key, f->cert, missing), ENOENT);
    assert_says(f, "CA certificate");
    assert_says(f, "unreadable (No such file or directory)");
    assert_says(f, "no-ca.pem");
}

static void
test_ca_not_pem(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, f->key, f->cert, f->junk), EINVAL);
    assert_says(f, "CA certificate is not PEM: ");
    assert_says(f, "junk.pem");
}

static void
test_other_ca(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(check(f, f->key, f->cert, f->other_ca), EINVAL);
    assert_says(f, "CA certificate does not verify certificate");
    assert_says(f, "other-ca.pem");
}

static void
test_no_openssl(void **state)
{
    struct fixture *f = *state;
    char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    int error;

    setenv("PATH", f->dir, 1);
    error = check(f, f->key, f->cert, f->ca);
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    } else {
        unsetenv("PATH");
    }
    assert_int_equal(error, ENOPKG);
    assert_says(f, "openssl not found in PATH");
}

static void
test_deadline_passed(void **state)
{
    struct fixture *f = *state;

    f->msg[0] = '\0';
    assert_int_equal(tls_check_files(f->key, f->cert, f->ca,
                                      deadline_after(0) - 1, f->msg,
                                      sizeof f->msg), ETIMEDOUT);
    assert_says(f, "did not run");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_files),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_unset_key),
        cmocka_unit_test(test_cert_is_a_directory),
        cmocka_unit_test(test_unreadable_key),
        cmocka_unit_test(test_cert_does_not_match_key),
        cmocka_unit_test(test_cert_not_pem),
        cmocka_unit_test(test_key_is_a_certificate),
        cmocka_unit_test(test_encrypted_key),
        cmocka_unit_test(test_missing_ca),
        cmocka_unit_test(test_ca_not_pem),
        cmocka_unit_test(test_other_ca),
        cmocka_unit_test(test_no_openssl),
        cmocka_unit_test(test_deadline_passed),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
