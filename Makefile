# drh: disaster-recovery drill harness.
#
#   make            build ./drh
#   make test       every test: the emulator's, then the unit suite
#   make test-unit  unit tests only: no server needed
#   make test-integration  drh's drills end to end against the emulator
#   make test-emulator  the local AWS emulator's own tests (AWS CLI v2, real
#                   PostgreSQL and MariaDB servers it starts and stops)
#   make check      the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo       a complete drill against the local emulator (fixtures/demo/run)
#
# Every entry point first installs the Debian packages it needs (mk/deps.sh).

CC ?= cc
PKGS := libcurl openssl libcjson libxml-2.0 libpq libmariadb
WARN := -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
        -Wvla -Wwrite-strings -Wshadow -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O2 $(WARN) \
        -Iharness -I.
SHARED ?= ../shared
export SIGV4_SUITE ?= $(SHARED)/sigv4/botocore-aws4
export DRH_SHARED := $(SHARED)
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
UNIT_SRC := $(sort $(wildcard tests/unit/*.c tests/unit/support/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/harness/main.o

.PHONY: all deps test-deps test test-unit test-emulator test-integration check demo clean format
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

drh: $(BUILD)/drh
	@cp $< $@

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

# Everything. Every part runs even when an earlier one fails; the CUnit run
# summary stays the last thing printed, and the exit code is non-zero when
# any part failed.
test:
	@rc=0; \
	$(MAKE) --no-print-directory test-emulator || rc=1; \
	$(MAKE) --no-print-directory test-integration || rc=1; \
	$(MAKE) --no-print-directory test-unit || rc=1; \
	if [ $$rc -ne 0 ]; then echo "make test: FAILED (see above)" >&2; fi; \
	exit $$rc

check:
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test-unit

# A complete drill (drills/demo.json) against the local emulator and real
# PostgreSQL servers it starts and stops: see fixtures/demo/run.
demo: drh
	@mk/deps.sh build servers
	@fixtures/demo/run

format:
	clang-format -i $(LIB_SRC) harness/main.c $(UNIT_SRC) $(wildcard harness/*.h harness/*/*.h probes/*.h reports/*.h tests/unit/*.h tests/unit/support/*.h)

clean:
	rm -rf build drh

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
