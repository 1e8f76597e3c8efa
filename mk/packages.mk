# SPDX-License-Identifier: Apache-2.0
# Man page, packages and their tests (included by the Makefile).
#
#   make man             build/ocf_ovn_ovndb-servers.7 from the agent's own
#                        meta-data (docs/gen-man.py)
#   make check-man       the man page and docs/guide.md list every parameter
#                        of the meta-data with its default (fast, no root)
#   make dist            build/pkg/ovndb-servers-VERSION.tar.gz, the sources
#   make rpm             binary and source RPMs in build/rpm/{RPMS,SRPMS}
#                        (rpmbuild -ta --nodeps on the tarball)
#   make deb             build/pkg/ovndb-servers_VERSION_ARCH.deb
#   make check-packages  builds the man page and both packages, then runs
#                        tests/packages/{man,rpm,layouts,deb}.sh and prints
#                        the total; deb.sh needs root: it installs the .deb
#                        with apt-get, removes it, and leaves the tree's
#                        "make install"
#
# VERSION and the release come from rpm/ovndb-servers.spec.

PKG_NAME = ovndb-servers
PKG_SPEC = rpm/ovndb-servers.spec
PKG_VERSION := $(shell sed -n 's/^Version:[[:space:]]*//p' $(PKG_SPEC))
PKG_RELEASE := $(shell sed -n 's/^Release:[[:space:]]*\([0-9.]*\).*/\1/p' \
                 $(PKG_SPEC))
PKG_DIR = build/pkg
DIST = $(PKG_DIR)/$(PKG_NAME)-$(PKG_VERSION).tar.gz
RPM_TOP = $(abspath build/rpm)
DEB_VERSION = $(PKG_VERSION)-$(PKG_RELEASE)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB = $(PKG_DIR)/$(PKG_NAME)_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_STAGE = $(abspath build/deb/stage)

MAN = build/ocf_ovn_ovndb-servers.7
# The date of the last commit; gen-man.py falls back to SOURCE_DATE_EPOCH
# or today (a tarball build has no git).
MAN_DATE := $(shell git log -1 --format=%cs 2>/dev/null)

man: $(MAN)

$(MAN): $(HELPER_BIN) docs/gen-man.py docs/ocf_ovn_ovndb-servers.7.in \
        $(PKG_SPEC)
	@mkdir -p $(dir $@)
	OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 $(HELPER_BIN) meta-data > $@.xml
	python3 docs/gen-man.py --version $(PKG_VERSION) \
	    $(if $(MAN_DATE),--date $(MAN_DATE)) \
	    docs/ocf_ovn_ovndb-servers.7.in < $@.xml > $@.tmp
	mv $@.tmp $@
	rm -f $@.xml

check-man: $(MAN)
	tests/packages/man.sh $(HELPER_BIN) $(MAN) docs/guide.md

dist:
	rpm/dist.sh $(DIST) $(PKG_NAME)-$(PKG_VERSION)

# Debian's rpm database knows none of the BuildRequires: --nodeps.  No
# debuginfo package: Debian 13's rpm (4.20) builds one by default and,
# without find-debuginfo, fails on its empty file list.
rpm: dist
	rm -rf $(RPM_TOP)
	mkdir -p $(RPM_TOP)
	rpmbuild -ta --nodeps --define '_topdir $(RPM_TOP)' \
	    --define 'debug_package %{nil}' $(DIST)

# Always the normal build, installed under PREFIX=/usr.
deb:
	$(MAKE) SANITIZE=0 all man
	rm -rf $(DEB_STAGE)
	$(MAKE) SANITIZE=0 install DESTDIR=$(DEB_STAGE) PREFIX=/usr \
	    LIBEXECDIR=/usr/libexec/ovndb-servers \
	    OCFDIR=/usr/lib/ocf/resource.d
	@mkdir -p $(PKG_DIR)
	pkg/deb/build.sh $(DEB_STAGE) $(DEB_VERSION) $(MAN) $(DEB)
	rm -rf $(DEB_STAGE)

# One after the other, even under -j (deb rebuilds the man page too).
check-packages:
	$(MAKE) man
	$(MAKE) rpm
	$(MAKE) deb
	tests/packages/run.sh $(HELPER_BIN) $(MAN) $(RPM_TOP) \
	    $(PKG_VERSION)-$(PKG_RELEASE) $(DEB)

.PHONY: man check-man dist rpm deb check-packages
