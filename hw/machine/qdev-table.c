/*
 * The device types -device accepts.  Adding one is one QDEV_ENTRY line
 * (see iommu-sim/qdev.h for the whole recipe).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "iommu-sim/machine.h"
#include "iommu-sim/qdev.h"

#define QDEV_CLASS_LIST(X)                  \
    X(edu_device_class, "edu")                \
    X(vtd_device_class, "intel-iommu")      \
    X(amdvi_device_class, "amd-iommu")

#define QDEV_CLASS_PTR(cls, name) &cls,
#define QDEV_CLASS_NAME(cls, name) name,

static const DeviceClass *const qdev_class_table[] = {
    QDEV_CLASS_LIST(QDEV_CLASS_PTR)
    NULL
};

/* The same list by name (a unit test checks both agree). */
static const char *const qdev_class_names[] = {
    QDEV_CLASS_LIST(QDEV_CLASS_NAME)
    NULL
};

const DeviceClass *const *qdev_classes(void)
{
    return qdev_class_table;
}

const char *const *machine_device_names(void)
{
    return qdev_class_names;
}
