/*
 * Guest-side machine fuzzing (fuzz-machine.c): run one input, a program
 * of guest and device actions against q35 with an IOMMU and edu.
 * Returns 0; a bug shows as a crash, a sanitizer report or a hang.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_MACHINE_FUZZ_MACHINE_H
#define HW_MACHINE_FUZZ_MACHINE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Once, before the first run: model log lines dropped, and a warning or
 * critical (a contract broken inside the simulator) made fatal.
 */
void fuzz_machine_init(void);
int fuzz_machine_run(const uint8_t *data, size_t size);

#endif
