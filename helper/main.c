/* SPDX-License-Identifier: Apache-2.0 */
/* ovndb-servers-helper: runs one OCF action of ocf:ovn:ovndb-servers.
 *
 * Usage: ovndb-servers-helper ACTION, with the OCF environment Pacemaker
 * passes.  stdout carries only meta-data and usage; on failure one
 * ocf-exit-reason line goes to stderr; the exit code is the OCF one. */
#include <stdio.h>
#include <stdlib.h>

#include "actions.h"
#include "child.h"
#include "log.h"
#include "metadata.h"
#include "ocf.h"
#include "params.h"

static void
usage(FILE *out)
{
    fputs("usage: ovndb-servers {start|stop|monitor|promote|demote|notify|"
          "reload-agent|validate-all|meta-data|usage}\n\n"
          "OCF resource agent for OVN's Northbound and Southbound "
          "ovsdb-servers\nin active/backup replication; see "
          "ocf_ovn_ovndb-servers(7).\n", out);
}

int
main(int argc, char *argv[])
{
    enum ocf_action action = ocf_action_parse(argc > 1 ? argv[1] : NULL);
    enum ocf_exitcode rc;

    switch (action) {
    case OCF_ACTION_META_DATA:
        metadata_write(stdout, ocf_speaks_1_1());
        return fflush(stdout) ? PCMK_OCF_UNKNOWN_ERROR : PCMK_OCF_OK;
    case OCF_ACTION_USAGE:
        usage(stdout);
        return PCMK_OCF_OK;
    case OCF_ACTION_UNKNOWN:
        usage(stderr);
        ocf_exit_reason("unknown action '%s'", argc > 1 ? argv[1] : "");
        ocf_print_exit_reason();
        return PCMK_OCF_UNIMPLEMENT_FEATURE;
    default:
        break;
    }

    child_init();
    {
        char reason[256];

        if (ocf_check_instance(reason, sizeof reason)) {
            ocf_exit_reason("%s", reason);
            ocf_print_exit_reason();
            return PCMK_OCF_NOT_CONFIGURED;
        }
    }
    log_init(getenv("OCF_RESOURCE_INSTANCE"));
    rc = actions_run(action);
    ocf_print_exit_reason();
    exit(rc);
}
