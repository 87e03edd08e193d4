# Fuzzing with libFuzzer (clang): included by the Makefile, after its
# variables (LIB_SRC, BASE_CFLAGS, PKGS). See docs/fuzzing.md.
#
#   make fuzz                   every target for FUZZ_SECONDS (default 30) each
#   make fuzz-json              one target (fuzz-drill, fuzz-xml, fuzz-json,
#                               fuzz-sigv4, fuzz-schedule)
#   make fuzz FUZZ_SECONDS=600 FUZZ_FLAGS=-fork=4
#   make fuzz-build             the binaries only: build/fuzz/fuzz_<name>
#
# Everything lives under build/fuzz: objects built by clang with coverage
# and ASan/UBSan, the binaries, the growing corpus (seeded from
# tests/fuzz/corpus, which a run never writes), crash inputs and logs.
# Each target prints one line; `make fuzz` fails when any target crashed.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_FLAGS ?=
FUZZ_DIR := build/fuzz
FUZZ_NAMES := drill xml json sigv4 schedule

FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# clang's -Wformat=2 also warns about drh's printf-style wrappers, which gcc
# accepts: that one is off, and the library is not held to -Werror by clang
# (the ordinary build holds it to gcc's).
FUZZ_CFLAGS := $(filter-out -O2,$(BASE_CFLAGS)) -O1 -Wno-format-nonliteral
FUZZ_LIB_CFLAGS := $(filter-out -Werror,$(FUZZ_CFLAGS))

FUZZ_TARGET_SRC := $(sort $(wildcard tests/fuzz/targets/*.c))
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_TARGET_OBJ := $(FUZZ_TARGET_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-deps $(FUZZ_NAMES:%=fuzz-%)

# clang and its libFuzzer runtime (Debian: clang, libclang-rt-14-dev).
fuzz-deps: deps
	@mk/deps.sh build fuzz
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	    $(FUZZ_CC) -x c - -fsanitize=fuzzer,address,undefined -o /dev/null 2>/dev/null || { \
	    echo "make fuzz: '$(FUZZ_CC)' cannot build a libFuzzer target" >&2; \
	    echo "HINT: apt-get install clang libclang-rt-14-dev (or set FUZZ_CC)" >&2; exit 3; }

$(FUZZ_DIR)/obj/tests/fuzz/%.o: tests/fuzz/%.c | fuzz-deps
	@mkdir -p $(dir $@)
	@echo "  FUZZCC $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(pc_cflags) -MMD -MP \
	    -c $< -o $@

$(FUZZ_DIR)/obj/%.o: %.c | fuzz-deps
	@mkdir -p $(dir $@)
	@echo "  FUZZCC $<"
	@$(FUZZ_CC) $(FUZZ_LIB_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(pc_cflags) -MMD -MP \
	    -c $< -o $@

# The entry point once per target: FUZZ_TARGET picks the function.
$(FUZZ_DIR)/obj/main_%.o: tests/fuzz/fuzz_main.c | fuzz-deps
	@mkdir -p $(dir $@)
	@echo "  FUZZCC $< (fuzz_$*)"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -DFUZZ_TARGET=fuzz_$* \
	    -MMD -MP -c $< -o $@

$(FUZZ_DIR)/libdrh.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/main_%.o $(FUZZ_TARGET_OBJ) $(FUZZ_DIR)/libdrh.a
	@echo "  FUZZLD $@"
	@$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(pc_libs) -lpthread -lm

fuzz-build: $(FUZZ_BINS)

# One target: fuzz-json etc.
$(FUZZ_NAMES:%=fuzz-%): fuzz-%: $(FUZZ_DIR)/fuzz_%
	@tests/fuzz/run-target $* $< $(FUZZ_SECONDS) $(FUZZ_DIR) $(FUZZ_FLAGS)

# Every target in turn, all of them even when one crashes.
fuzz: fuzz-build
	@rc=0; for t in $(FUZZ_NAMES); do \
	    tests/fuzz/run-target $$t $(FUZZ_DIR)/fuzz_$$t $(FUZZ_SECONDS) $(FUZZ_DIR) \
	        $(FUZZ_FLAGS) || rc=1; \
	done; \
	if [ $$rc -ne 0 ]; then echo "make fuzz: a target crashed (see above)" >&2; fi; \
	exit $$rc

# Objects only pattern rules name would count as intermediate and be deleted.
.SECONDARY: $(FUZZ_TARGET_OBJ) $(FUZZ_NAMES:%=$(FUZZ_DIR)/obj/main_%.o)

# Dependency files are made by the compiler, never by make: without this
# empty rule make would try its built-in "%: %.o" on them, which the rule of
# main_%.o above would answer.
$(FUZZ_DIR)/obj/%.d: ;
-include $(wildcard $(FUZZ_DIR)/obj/*.d $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_TARGET_OBJ:.o=.d))
