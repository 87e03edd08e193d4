# drh: disaster-recovery drill harness.
#
#   make            build ./drh
#   make test       every test: the emulator's, then the unit suite
#   make test-unit  unit tests only: no server needed
#   make test-integration  drh's drills end to end against the emulator
#   make test-emulator  the local AWS emulator's own tests (AWS CLI v2, real
#                   PostgreSQL and MariaDB servers it starts and stops)
#   make test-faults  the fault campaign: drills under random faults, kill -9,
#                   signals; every verdict right, nothing leaked (FAULT_DRILLS=60)
#   make test-valgrind  the integration suite with every ./drh under valgrind
#   make check      the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz       libFuzzer targets (clang), each for FUZZ_SECONDS (docs/fuzzing.md)
#   make demo       a complete drill against the local emulator (fixtures/demo/run)
#   make bench      drh beside the tool a user would use instead, on generated
#                   data: a table of medians (docs/benchmarks.md; BENCH_SCALE,
#                   BENCH_REPS, BENCH=pg mysql efs s3 orchestration)
#
# Every entry point first installs the Debian packages it needs (mk/deps.sh).

CC ?= cc
PKGS := libcurl openssl libcjson libxml-2.0 libpq libmariadb
WARN := -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
        -Wvla -Wwrite-strings -Wshadow -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O2 $(WARN) \
        -Iharness -I.
SHARED ?= ../shared
# Absolute: the integration tests read them from their own folder.
export SIGV4_SUITE ?= $(abspath $(SHARED))/sigv4/botocore-aws4
export DRH_SHARED := $(abspath $(SHARED))
# Tests must never reach the instance metadata service of a real host.
export AWS_EC2_METADATA_DISABLED := true

BUILD ?= build/release
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=

# pkg-config is asked only after deps.sh has run (it may install pkg-config).
pc_cflags = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
pc_libs = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

LIB_SRC := $(sort $(wildcard harness/*.c harness/*/*.c probes/*.c reports/*.c reports/*/*.c))
LIB_SRC := $(filter-out harness/main.c,$(LIB_SRC))
# The fuzz targets are in the unit build too: the fuzz-replay suite feeds them
# their corpora and every crash found (tests/fuzz/).
UNIT_SRC := $(sort $(wildcard tests/unit/*.c tests/unit/support/*.c tests/fuzz/targets/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/harness/main.o

.PHONY: all deps test-deps test test-unit test-emulator test-integration test-faults \
        test-valgrind check demo bench clean format drh
all: drh

deps:
	@mk/deps.sh build

test-deps:
	@mk/deps.sh test

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(BASE_CFLAGS) $(EXTRA_CFLAGS) $(pc_cflags) -MMD -MP -c $< -o $@

$(BUILD)/libdrh.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/drh: $(MAIN_OBJ) $(BUILD)/libdrh.a
	$(CC) $(EXTRA_CFLAGS) -o $@ $^ $(pc_libs) -lpthread -lm $(EXTRA_LDFLAGS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libdrh.a
	$(CC) $(EXTRA_CFLAGS) -o $@ $^ $(pc_libs) -lcunit -lpthread -lm $(EXTRA_LDFLAGS)

# Always compared: ./drh is whichever build ran last (make check puts the
# sanitized one there while its unit tests run, then the release one back).
drh: $(BUILD)/drh
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

# The unit suite: no servers. It ends with CUnit's run summary.
test-unit: test-deps $(BUILD)/unit-tests drh
	@$(BUILD)/unit-tests

# The emulator (fixtures/emulator) driven by Debian's AWS CLI v2. It starts
# its own PostgreSQL and MariaDB servers on 127.0.0.1 and stops them.
test-emulator:
	@mk/deps.sh test servers
	@tests/emulator/run

# drh itself against the emulator: RDS / Aurora drills end to end.
test-integration: drh
	@mk/deps.sh test servers
	@tests/integration/run

# The fault campaign (tests/faults/run): FAULT_DRILLS drills, a random seed
# unless FAULT_SEED is given (the campaign prints it, to replay a failure).
FAULT_DRILLS ?= 60
test-faults: drh
	@mk/deps.sh test servers
	@tests/faults/run --drills $(FAULT_DRILLS) $(if $(FAULT_SEED),--seed $(FAULT_SEED))

# The integration suite with every drh process under valgrind: errors and
# definite or indirect leaks fail it (tests/tools/valgrind-drh).
test-valgrind: drh
	@mk/deps.sh test servers
	@logs=$$(mktemp -d "$${TMPDIR:-/tmp}/drh-valgrind.XXXXXX"); \
	DRH_VALGRIND_LOGS=$$logs tests/integration/run; rc=$$?; rm -rf "$$logs"; exit $$rc

# Everything: the emulator's tests, the integration suite, a bounded fault
# campaign, the unit suite, the unit suite under ASan + UBSan, and the
# integration suite under valgrind. Every part runs even when an earlier one
# fails; the exit code is non-zero when any part failed, and the last lines
# say which.
test:
	@rc=0; failed=""; \
	$(MAKE) --no-print-directory test-emulator || failed="$$failed test-emulator"; \
	$(MAKE) --no-print-directory test-integration || failed="$$failed test-integration"; \
	$(MAKE) --no-print-directory test-faults FAULT_DRILLS=12 || failed="$$failed test-faults"; \
	$(MAKE) --no-print-directory test-valgrind || failed="$$failed test-valgrind"; \
	$(MAKE) --no-print-directory check || failed="$$failed check"; \
	$(MAKE) --no-print-directory test-unit || failed="$$failed test-unit"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed (see above)" >&2; exit 1; fi; \
	echo "make test: every part passed (emulator, integration, faults, valgrind, check, unit)"

# The unit suite under ASan + UBSan (its ./drh too), then the release ./drh back.
check:
	@rc=0; $(MAKE) --no-print-directory BUILD=build/asan \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test-unit || rc=$$?; \
	$(MAKE) --no-print-directory drh; exit $$rc

-include mk/fuzz.mk

# A complete drill (drills/demo.json) against the local emulator and real
# PostgreSQL servers it starts and stops: see fixtures/demo/run.
demo: drh
	@mk/deps.sh build servers
	@fixtures/demo/run

# Benchmarks: not tests, and not part of make test (they take a while and
# their numbers depend on the machine). tests/bench/run prints the table and
# writes build/bench/results.md.
bench: drh
	@mk/deps.sh test servers bench
	@tests/bench/run $(BENCH)

format:
	clang-format -i $(LIB_SRC) harness/main.c $(UNIT_SRC) $(wildcard harness/*.h harness/*/*.h probes/*.h reports/*.h tests/unit/*.h tests/unit/support/*.h)

clean:
	rm -rf build drh

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
