# SPDX-License-Identifier: Apache-2.0
# Benchmarks (included by the Makefile).
#
#   make bench           bench/run.sh, as root: this tree's agent against
#                        OVN's own ovndb-servers.ocf, per action, failover
#                        in the 3-node lab, scale, a day of monitoring,
#                        the monitor inside a live lab node.
#                        Prints the table and rewrites the generated part
#                        of docs/benchmarks.md.  About 4.5 min without the
#                        labs, 18 with them (2-CPU VM).
#   make bench BENCH_LAB=0     without the labs (parts 2 and 5 "not
#                              measured")
#   make bench BENCH_QUICK=1   a smoke run (3 runs per figure, 1 lab run)
#   make bench BENCH_LIVEMON_ONLY=1   part 5 alone (about 7 min): rewrites
#                              only part 5 and its target rows
#
# bench/run.sh lists the other BENCH_* settings.  It builds and installs
# the normal (not sanitized) build into its own work directory, so a
# concurrent "make install" does not disturb it.

bench:
	bench/run.sh

.PHONY: bench
