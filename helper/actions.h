/* SPDX-License-Identifier: Apache-2.0 */
/* The OCF actions: start, stop, monitor, promote, demote, notify and
 * validate-all, each returning an OCF exit code and recording an exit
 * reason on failure.  This and main.c are the only modules that speak in
 * OCF exit codes. */
#ifndef ACTIONS_H
#define ACTIONS_H 1

#include "ocf.h"

/* Runs 'action' with the parameters and metadata in the environment, and
 * returns its OCF exit code.  meta-data and usage are handled by main.c. */
enum ocf_exitcode actions_run(enum ocf_action action);

#endif /* actions.h */
