/*
 * libFuzzer entry for the machine fuzzer (clang builds only; see
 * docs/fuzzing.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/machine/fuzz/fuzz-machine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_machine_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_machine_run(data, size);
}
