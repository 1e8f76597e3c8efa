# SPDX-License-Identifier: Apache-2.0
# The 3-node Pacemaker lab (included by the Makefile).
#
#   make demo            a live 3-node cluster: write through the VIP, crash
#                        the active node, failover, rejoin (scripts/demo.sh)
#   make check-cluster   the failover suite on the lab (tests/cluster/
#                        failover.sh, scenarios 1-10; about 6 minutes on 2
#                        cores).  Needs root.  "make check" runs it after
#                        the non-sanitized suites and before check-packages.
#
# Both run the agent installed by "make install" (check-cluster installs
# this tree's normal build first).  The lab copies the agent and its helper
# when it comes up, so a later "make install" or package test on the host
# does not change what a running lab executes.  To test another build
# without touching the system paths:
#   make install DESTDIR=/tmp/root
#   LAB_AGENT_DESTDIR=/tmp/root tests/cluster/failover.sh [SCENARIO...]
# "make check-cluster FAILOVER_SCENARIOS='1 10'" runs only those scenarios
# (scripts/debian13.sh passes DEB13_FAILOVER_SCENARIOS so).
# The lab lives in network namespaces (198.51.100.0/24, nothing in the
# root namespace, no default route), runs without fencing, and leaves no
# namespace, mount or process behind, even after a failure.

demo:
	scripts/demo.sh

FAILOVER_SCENARIOS ?=

check-cluster: install
	tests/cluster/failover.sh $(FAILOVER_SCENARIOS)

.PHONY: demo check-cluster
