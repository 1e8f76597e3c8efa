/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the parameter parser (helper/params.c, params_parse())
 * and the action timeout (helper/ocf.c, ocf_timeout_ms()).
 *
 * The input is a list of values separated by NUL bytes, given in order to
 * the names below (the parameters of the meta-data, then the CRM_meta_*
 * variables); an empty value is unset.  Checked: a refusal has a one-line
 * reason without control characters; an acceptance respects every rule of
 * params.h; the timeout stays in range and its deadline lies ahead. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "clock.h"
#include "deadline.h"
#include "ocf.h"
#include "params.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_names[] = {
    "master_ip", "nb_master_port", "sb_master_port", "db_dir", "run_dir",
    "log_dir", "CRM_meta_timeout", "nb_master_protocol",
    "sb_master_protocol", "manage_northd", "inactive_probe_interval",
    "inactive_probe_interval_to_master", "listen_on_master_ip_only",
    "ovn_nb_db_privkey", "ovn_nb_db_cert", "ovn_nb_db_cacert",
    "ovn_sb_db_privkey", "ovn_sb_db_cert", "ovn_sb_db_cacert", "ovn_ctl",
    "CRM_meta_interval", "CRM_meta_on_node", "CRM_meta_physical_host",
    "CRM_meta_notify_active_uname", "CRM_meta_role",
};

#define FUZZ_N (sizeof fuzz_names / sizeof fuzz_names[0])

struct fuzz_values {
    const char *v[FUZZ_N];
};

static const char *
fuzz_lookup(const char *name, void *aux)
{
    const struct fuzz_values *fv = aux;
    size_t i;

    for (i = 0; i < FUZZ_N; i++) {
        if (!strcmp(name, fuzz_names[i])) {
            return fv->v[i];
        }
    }
    return NULL;
}

static void
fuzz_check_accepted(const struct params *p)
{
    unsigned char a[16];

    if (p->nb.port < 1 || p->nb.port > 65535 || p->sb.port < 1
        || p->sb.port > 65535 || p->nb.port == p->sb.port
        || p->db_dir[0] != '/' || p->run_dir[0] != '/'
        || p->log_dir[0] != '/' || strlen(p->db_dir) > PARAMS_DIR_MAX
        || strlen(p->log_dir) > PARAMS_DIR_MAX
        || strlen(p->run_dir) > PARAMS_RUN_DIR_MAX
        || inet_pton(p->master_ip_v6 ? AF_INET6 : AF_INET, p->master_ip,
                     a) != 1
        || p->inactive_probe_interval < 0
        || p->inactive_probe_interval_to_master < 0
        || text_find_ctl(p->master_ip) >= 0
        || text_find_ctl(p->db_dir) >= 0) {
        abort();
    }
    if (!p->master_ip_v6
        && (a[0] == 0 || (a[0] >= 224 && a[0] <= 239)
            || (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255))) {
        abort();                /* 0/8, multicast or broadcast accepted. */
    }
    if (p->master_ip_v6 && a[0] == 0xff) {
        abort();                /* IPv6 multicast accepted. */
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_values fv;
    struct params p;
    char reason[256];
    char *copy = malloc(size + 1), *s;
    size_t i;
    int error;

    if (!copy) {
        return 0;
    }
    memcpy(copy, data, size);
    copy[size] = '\0';
    memset(&fv, 0, sizeof fv);
    for (i = 0, s = copy; i < FUZZ_N && s <= copy + size; i++) {
        fv.v[i] = s[0] ? s : NULL;
        s += strlen(s) + 1;
    }

    memset(reason, 0, sizeof reason);
    error = params_parse(fuzz_lookup, &fv, &p, reason, sizeof reason);
    if (error == 0) {
        fuzz_check_accepted(&p);
    } else if (error != EINVAL || !reason[0]
               || text_find_ctl(reason) >= 0) {
        abort();
    }

    /* The timeout, as the action layer uses it. */
    if (fv.v[6]) {
        setenv("OCF_RESKEY_CRM_meta_timeout", fv.v[6], 1);
    } else {
        unsetenv("OCF_RESKEY_CRM_meta_timeout");
    }
    {
        long long ms = ocf_timeout_ms();

        if (ms < 1 || ms > OCF_TIMEOUT_MAX_MS
            || deadline_after(ms - 1500) < clock_mono_ms() - 1500) {
            abort();
        }
    }

    /* The exit reason never keeps a control character. */
    ocf_exit_reason("%s", fv.v[0] ? fv.v[0] : "");
    if (ocf_get_exit_reason()
        && text_find_ctl(ocf_get_exit_reason()) >= 0) {
        abort();
    }
    free(copy);
    return 0;
}
