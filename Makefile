# SPDX-License-Identifier: Apache-2.0
# ovndb-servers: OCF resource agent for OVN's NB/SB ovsdb-server pair.
#
#   make                 build the helper and the agent
#   make install         install (honours DESTDIR and PREFIX)
#   make check           unit tests, shellcheck, meta-data, integration,
#                        ocf-tester and offline Pacemaker tests with
#                        ASan+UBSan, those that depend on the build again
#                        without (check-build), the failover suite on the
#                        3-node lab (check-cluster), the packages, then
#                        all of it again on Debian 13 (check-debian13)
#   make check-all SANITIZE=1  the first group with ASan+UBSan only
#   make fuzz            each libFuzzer target for FUZZ_SECONDS (default 60)

PREFIX ?= /usr
DESTDIR ?=
LIBEXECDIR ?= $(PREFIX)/libexec/ovndb-servers
OCFDIR ?= $(shell pkg-config --variable=ocfdir pacemaker 2>/dev/null || \
                  echo /usr/lib/ocf/resource.d)
DOCDIR ?= $(PREFIX)/share/doc/ovndb-servers

CC ?= gcc
PKGS = pacemaker libqb jansson
# Evaluated when a recipe needs them ("="), not when the Makefile is read:
# "make check" or "make demo" on a machine without the packages says what
# it installs first, not pkg-config's complaints.
PKG_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS)))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
       -Wno-format-truncation
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Ihelper
LDFLAGS ?=
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS)

# The helper needs libc and jansson only (Pacemaker's headers give it the
# OCF codes).  It is linked statically (static-pie, so still randomised):
# a monitor is mostly process start-up, and the dynamic loader's work is a
# fifth of it.  STATIC=0 links it dynamically (sanitized builds always do).
STATIC ?= 1
HELPER_LIBS = $(shell pkg-config --libs jansson)
HELPER_LDFLAGS =
ifneq ($(SANITIZE),1)
ifeq ($(STATIC),1)
HELPER_LDFLAGS = -static-pie
endif
endif

ifeq ($(SANITIZE),1)
B = build/san
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=all -O1
ALL_LDFLAGS += -fsanitize=address,undefined
export ASAN_OPTIONS = detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
else
B = build/std
endif

HELPER_SRC := $(filter-out helper/main.c,$(wildcard helper/*.c))
HELPER_OBJ := $(patsubst helper/%.c,$(B)/helper/%.o,$(HELPER_SRC))
HELPER_BIN = $(B)/ovndb-servers-helper
AGENT = $(B)/ovndb-servers
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))

all: $(HELPER_BIN) $(AGENT)

# Header dependencies come from the compiler (-MMD), in the .d files.
$(B)/helper/%.o: helper/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libhelper.a: $(HELPER_OBJ)
	rm -f $@
	ar rcs $@ $^

$(HELPER_BIN): $(B)/helper/main.o $(B)/libhelper.a
	$(CC) $(ALL_LDFLAGS) $(HELPER_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

$(AGENT): agent/ovndb-servers
	@mkdir -p $(dir $@)
	sed 's|@HELPER@|$(LIBEXECDIR)/ovndb-servers-helper|' $< > $@
	chmod 755 $@

# The fixture every unit test links (tests/unit/fixture.h).
UNIT_FIXTURE = $(B)/tests/fixture.o

$(UNIT_FIXTURE): tests/unit/fixture.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -Itests/unit -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(UNIT_FIXTURE) $(B)/libhelper.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -Itests/unit \
	    $(ALL_LDFLAGS) -o $@ $< $(UNIT_FIXTURE) \
	    $(B)/libhelper.a $(PKG_LIBS) $(CMOCKA_LIBS)

-include $(HELPER_OBJ:.o=.d) $(B)/helper/main.d $(UNIT_BIN:=.d) \
         $(UNIT_FIXTURE:.o=.d)

install: all
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(OCFDIR)/ovn
	install -m 755 $(HELPER_BIN) $(DESTDIR)$(LIBEXECDIR)/ovndb-servers-helper
	rm -f $(DESTDIR)$(OCFDIR)/ovn/ovndb-servers
	install -m 755 $(AGENT) $(DESTDIR)$(OCFDIR)/ovn/ovndb-servers

uninstall:
	rm -f $(DESTDIR)$(LIBEXECDIR)/ovndb-servers-helper
	rm -f $(DESTDIR)$(OCFDIR)/ovn/ovndb-servers

check-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

check-shell:
	shellcheck -s sh -S style agent/ovndb-servers
	shellcheck -S warning scripts/*.sh tests/lib/*.sh tests/*.sh \
	    tests/integration/*.sh tests/offline/*.sh ocf-tester/*.sh .ci/run \
	    tests/packages/*.sh rpm/dist.sh pkg/deb/build.sh \
	    tests/cluster/*.sh heartbeat/*.sh bench/*.sh
	shellcheck -s sh -S style pkg/deb/preinst pkg/deb/postinst

# OVS/OVN style, the part a script can check (docs/style.md): the checker's
# self-test first, then the C sources.
STYLE_SRC := $(wildcard helper/*.c helper/*.h tests/unit/*.c tests/unit/*.h \
                        tests/fuzz/*.c)
check-style:
	@python3 scripts/check-style.py --self-test
	@echo "  STYLE   $(words $(STYLE_SRC)) files"
	@python3 scripts/check-style.py $(STYLE_SRC)

check-metadata: $(HELPER_BIN)
	tests/metadata.sh $(HELPER_BIN)

# The suites below run the installed agent (they install it first).
check-integration: install
	tests/integration/run.sh

check-ocf-tester: install
	ocf-tester/run.sh

check-offline: install
	tests/offline/pacemaker.sh

# check-fuzz (mk/fuzz.mk) runs the libFuzzer targets 12 s each, about 50 s
# with their build; its binaries are always built with ASan+UBSan, so
# "make check" runs it in its SANITIZE=1 pass (NO_FUZZ=1 leaves it out).
check-all: check-unit check-shell check-style check-fresh check-metadata \
           check-man check-integration check-ocf-tester check-offline \
           $(if $(filter 1,$(NO_FUZZ)),,check-fuzz)

# The suites whose result depends on how the helper is built.
check-build: check-unit check-metadata check-ocf-tester check-offline

# Installs missing Debian packages, then runs every suite built with
# AddressSanitizer and UndefinedBehaviorSanitizer (and the fuzz targets,
# briefly), then the suites that depend on the build built normally
# (check-build: unit tests, meta-data, ocf-tester, offline Pacemaker; it
# leaves the normal build installed).  The integration suite runs on the
# normal build in check-debian13, on the same code, so a second run here
# would only cost CI time (about 7 minutes).  Then the failover suite on
# the 3-node lab (mk/cluster.mk; about 3 minutes), on that installed normal
# build: it runs before check-packages, which installs and removes the .deb
# at the same paths (the lab takes a snapshot of the agent at bring-up, so
# nothing installed later changes what it runs).  Last, the same suites
# (normal build) and the lab on Debian 13, in a debootstrap root
# (mk/debian13.mk): it comes after check-packages, which leaves this tree's
# "make install" on the host, and it installs nothing on the host.
check: deps
	$(MAKE) check-all SANITIZE=1
	$(MAKE) check-build
	$(MAKE) check-cluster
	$(MAKE) check-packages
	$(MAKE) check-debian13

deps:
	scripts/install-deps.sh

# Refuses while anything is mounted under build/ (a Debian 13 root in use:
# "rm -rf" would go through its /dev, /proc and /src).
clean:
	@if awk -v b="$(CURDIR)/build/" 'index($$5, b) == 1 { f = 1 } \
	        END { exit !f }' /proc/self/mountinfo; then \
	    echo "something is mounted under build/; not removing it"; \
	    exit 1; \
	fi
	rm -rf build

# Further targets (packages, demo, cluster suite) live in mk/*.mk.
-include $(wildcard mk/*.mk)

.PHONY: check-style all install uninstall check check-all check-build \
        check-unit check-shell \
        check-metadata check-integration check-ocf-tester check-offline \
        deps clean
