# SPDX-License-Identifier: Apache-2.0
# The suites on Debian 13 (included by the Makefile).
#
#   make check-debian13  runs the suites of "make check-all", the 3-node
#                        lab (check-cluster) and the package tests
#                        (check-packages) inside a Debian 13
#                        (trixie) root made with debootstrap: OVS 3.5,
#                        OVN 25.03, Pacemaker 3.0, corosync 3.1.9, pcs 0.12,
#                        crmsh 5 (scripts/debian13.sh).  Needs root and the
#                        Debian archive.  The root (about 1.1 GB) lives in
#                        DEB13_ROOT and is reused once complete; the builds
#                        inside go to its /var/tmp/ovndb-build, never to
#                        this tree's build/std.  Nothing stays mounted or
#                        running afterwards, even on failure or Ctrl-C.
#
# DEB13_TARGETS chooses the make targets run inside, each even after an
# earlier one failed (default: the suites of check-all, one by one, then
# check-cluster and check-packages, whose .deb test installs the package
# with apt-get in the root), e.g. make check-debian13 DEB13_TARGETS=check-unit.
# DEB13_MIRROR overrides the mirror taken from /etc/apt/sources.list*.

DEB13_ROOT ?= $(CURDIR)/build/debian13/root
# check-packages last: deb.sh reads pcs 0.12's "resource describe" and
# crmsh 5's "ra info" as well as pcs 0.11's and crmsh 4's.
DEB13_TARGETS ?= check-unit check-shell check-style check-fresh check-metadata \
                 check-man \
                 check-integration check-ocf-tester check-offline \
                 check-cluster check-packages

check-debian13:
	DEB13_ROOT=$(DEB13_ROOT) scripts/debian13.sh $(DEB13_TARGETS)

.PHONY: check-debian13

# A machine without the packages: reading the Makefile must not run
# pkg-config (its complaints came before "installing: ..."), so "make -n"
# of deps and demo prints nothing on stderr when pkg-config finds nothing.
check-fresh:
	@err=$$(PKG_CONFIG_LIBDIR=/nonexistent $(MAKE) --no-print-directory \
	    -n deps demo 2>&1 >/dev/null); \
	if [ -n "$$err" ]; then \
	    echo "not ok - make deps/demo without the packages: $$err"; \
	    exit 1; \
	fi; \
	echo "ok - make deps/demo without the packages say nothing first"

.PHONY: check-fresh

# bench/repoint.sh: time for a backup pointed again at its own source to
# replicate, with the old sequence and with repl_make_backup()'s (loopback
# and a private directory only; run it under the suites' lock too).
bench-repoint:
	bench/repoint.sh 3

.PHONY: bench-repoint
