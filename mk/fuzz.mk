# SPDX-License-Identifier: Apache-2.0
# libFuzzer targets (tests/fuzz), built with clang (Debian's clang package)
# with ASan and UBSan, against the helper's sources compiled for coverage.
#
#   make fuzz              each target for FUZZ_SECONDS (default 60)
#   make check-fuzz        each for CHECK_FUZZ_SECONDS (default 12): part
#                          of check-all
#   make fuzz-build        the binaries only (build/fuzz/fuzz-*)
#
# The committed seeds (tests/fuzz/corpus/TARGET) are read, never written:
# what a run finds goes to build/fuzz/corpus/TARGET, a crash to
# build/fuzz/artifacts/.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
CHECK_FUZZ_SECONDS ?= 12
FUZZ_TARGETS = jsonrpc sync-status params
FZ = build/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
              -Wstrict-prototypes -Wmissing-prototypes -g -O1 \
              -fno-omit-frame-pointer $(FUZZ_SAN) $(PKG_CFLAGS) -Ihelper
FUZZ_OBJ := $(patsubst helper/%.c,$(FZ)/helper/%.o,$(HELPER_SRC))
FUZZ_BIN := $(patsubst %,$(FZ)/fuzz-%,$(FUZZ_TARGETS))

$(FZ)/helper/%.o: helper/%.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
	    -c -o $@ $<

$(FZ)/libhelper.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FZ)/fuzz-%: tests/fuzz/fuzz-%.c $(FZ)/libhelper.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< \
	    $(FZ)/libhelper.a $(HELPER_LIBS)

-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)

fuzz-build: $(FUZZ_BIN)

# Each target in turn; the first crash stops the run (its input is in
# build/fuzz/artifacts/).
fuzz: $(FUZZ_BIN)
	@set -e; mkdir -p $(FZ)/artifacts; \
	for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FZ)/corpus/$$t; \
	    echo "== fuzz-$$t for $(FUZZ_SECONDS) s"; \
	    start=$$(date +%s); \
	    $(FZ)/fuzz-$$t $(FZ)/corpus/$$t tests/fuzz/corpus/$$t \
	        -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=$(FZ)/artifacts/$$t- \
	        > $(FZ)/fuzz-$$t.log 2>&1 \
	        || { tail -n 60 $(FZ)/fuzz-$$t.log; exit 1; }; \
	    grep -E '^stat::number_of_executed_units|^Done ' \
	        $(FZ)/fuzz-$$t.log || true; \
	    echo "   $$(( $$(date +%s) - start )) s, corpus" \
	        "$$(ls $(FZ)/corpus/$$t | wc -l) files"; \
	done

check-fuzz:
	$(MAKE) fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

.PHONY: fuzz fuzz-build check-fuzz
