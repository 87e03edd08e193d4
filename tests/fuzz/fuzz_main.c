/*
 * The libFuzzer entry point of one fuzz target, chosen at build time:
 * mk/fuzz.mk compiles this file once per target with
 * -DFUZZ_TARGET=fuzz_<name> and links it with clang's -fsanitize=fuzzer.
 */
#include "targets/fuzz_targets.h"

#include <stddef.h>
#include <stdint.h>

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=fuzz_<name> (see mk/fuzz.mk)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return FUZZ_TARGET(data, size);
}
