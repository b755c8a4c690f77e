/*
 * AMD-Vi IOMMU model: state and the helpers shared by the files of
 * hw/amd-vi (device/registers/device table/v1 walk/translate/event log by
 * "amdvi"; command buffer, caches and IVRS by "amdvi-cmd").  Not a public
 * header.
 *
 * Spec: AMD I/O Virtualization Technology (IOMMU) Specification 48882
 * (not in our reference store; facts as specs/README.md "AMD-Vi sources"
 * lists).  Every offset, mask and field comes from the generated headers
 * (specs/amdvi TOML files -> build/specs/amdvi-NAME.h).
 *
 * Division of work:
 *   amdvi.c            AMDVIState, properties, realize/reset, MMIO glue,
 *                      per-requester DMA address spaces
 *   amdvi-regs.c       register hooks: CONTROL (run bits, unsupported bits
 *                      read 0), bases, event log head/tail, STATUS W1C,
 *                      exclusion range, EFR/EFR2 by profile
 *   amdvi-dte.c        device table base/size, DTE fetch and decode (§2.2.2)
 *   amdvi-pt-v1.c      v1 host page tables, modes 1-6 (§2.2.3)
 *   amdvi-translate.c  translate hook: DTE (cached) -> decode -> IOTLB ->
 *                      walk -> finish; exclusion range
 *   amdvi-event.c      event log (§2.5), every event's encoding, the MSI
 *   amdvi-cache.c/h    DTE cache, IOTLB, page-directory caches (amdvi-cmd)
 *   amdvi-cmd.c/h      command buffer (§2.4) (amdvi-cmd)
 *   amdvi-acpi.c       IVRS of the unit (amdvi-pci.h)
 *   amdvi-pci.c        -device amd-iommu: the PCI function, capability
 *                      0Fh, MSI, MMIO mapping, machine wiring
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_AMD_VI_AMDVI_INTERNAL_H
#define HW_AMD_VI_AMDVI_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "iommu-sim/clock.h"
#include "iommu-sim/iommu.h"
#include "iommu-sim/iommu-front.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/msi.h"
#include "iommu-sim/regs.h"
#include "iommu-sim/timing.h"
#include "specs/amdvi-entries.h"
#include "specs/amdvi-events.h"
#include "specs/amdvi-regs.h"

/* The cache/command half: AMDVICacheConfig, AMDVICaches, AMDVICmdState. */
#include "hw/amd-vi/amdvi-cache.h"
#include "hw/amd-vi/amdvi-cmd.h"

/* MMIO base as QEMU's amd-iommu and real platforms place it. */
#define AMDVI_MMIO_BASE 0xfed80000ull
/* QEMU AMDVI_MMIO_SIZE: covers 0000h-01A0h and the 2000h block. */
#define AMDVI_MMIO_SIZE 0x4000ull

/* DeviceID is the PCI requester id: bus 15:8, device 7:3, function 2:0. */
#define AMDVI_DEVID_COUNT 0x10000u
/* A DTE is 32 bytes (§2.2.2.1); 4 KiB of table holds 128 of them. */
#define AMDVI_DTE_SIZE 32u

typedef struct AMDVIState AMDVIState;

/* Which EFR/EFR2 the unit reports (property efr-profile). */
typedef enum {
    AMDVI_EFR_PROFILE_QEMU,     /* QEMU 7.2 AMDVI_DEFAULT_EXT_FEATURES */
    AMDVI_EFR_PROFILE_ZEN,      /* an EPYC (Zen 2/3) value, amdvi-regs.c */
} AMDVIEfrProfile;

/* A unity-mapped range (IVMD, §5.2.2.4), reported by the IVRS. */
typedef struct AMDVIUnityRange {
    uint16_t devid_first;
    uint16_t devid_last;
    uint64_t start;             /* 4 KiB aligned */
    uint64_t end;               /* inclusive, ends in FFFh */
    bool ir;
    bool iw;
} AMDVIUnityRange;

#define AMDVI_MAX_UNITY 8

/*
 * Device properties.  Names follow QEMU's amd-iommu where QEMU has one
 * (7.2: intremap, device-iotlb, pt; later QEMU: xtsup); the rest are this
 * model's own (docs/amdvi.md).  The unit's own requester id is not one:
 * it is wherever the machine plugs the PCI function (amdvi-pci.c asks
 * pci_requester_id() when the IVRS needs it).
 */
typedef struct AMDVIProps {
    int intremap;               /* -1 auto (QEMU OnOffAuto), 0 off, 1 on */
    bool device_iotlb;
    bool pt;
    bool xtsup;                 /* EFR.XTSup (x2APIC) */
    AMDVIEfrProfile efr_profile;
    bool efr_set;               /* x-efr=VALUE replaces the profile's EFR */
    uint64_t efr;
    bool efr2_set;
    uint64_t efr2;
    uint64_t mmio_base;
    unsigned pa_bits;           /* physical address size, 52 default */
    unsigned n_unity;
    AMDVIUnityRange unity[AMDVI_MAX_UNITY];
    AMDVICacheConfig cache_cfg; /* cache geometry properties (amdvi-cmd) */
    const TimingProfile *timing; /* timing=ideal|broadwell-ep (hw/timing) */
    const char *timing_trace;   /* timing-trace=FILE (interned): trace JSON */
} AMDVIProps;

/*
 * Translation status: AMDVI_OK or an internal fault kind, mapped to an
 * event-log entry in one place (amdvi-translate.c, amdvi_fault_event).
 */
typedef enum {
    AMDVI_OK = 0,
    AMDVI_ST_PASS,              /* untranslated pass (V=0, TV=0, Mode 0) */
    AMDVI_ST_EXCLUDED,          /* exclusion range (§2.3.x, ExEn/Allow) */
    AMDVI_ST_DTE_ILLEGAL,       /* ILLEGAL_DEV_TABLE_ENTRY (§2.5.2) */
    AMDVI_ST_DTE_HW_ERROR,      /* DEV_TAB_HARDWARE_ERROR (§2.5.4) */
    AMDVI_ST_PAGE_NOT_PRESENT,  /* IO_PAGE_FAULT, PR=0 (§2.5.3) */
    AMDVI_ST_PAGE_PERM,         /* IO_PAGE_FAULT, PR=1 permission */
    AMDVI_ST_PAGE_RSVD,         /* IO_PAGE_FAULT, RZ=1 reserved bits */
    AMDVI_ST_PT_HW_ERROR,       /* PAGE_TAB_HARDWARE_ERROR (§2.5.5) */
    AMDVI_ST_DEV_REQ_INVALID,   /* INVALID_DEVICE_REQUEST (§2.5.9) */
    AMDVI_ST_BEYOND_DEVTAB,     /* DeviceID past the table: target abort */
} AMDVIStatus;

/*
 * A device table entry (§2.2.2.1), decoded.  raw keeps the four
 * little-endian words (for the caches and tests).  Interrupt fields are
 * stored for the interrupt-remapping issue; the v2 (guest) fields stay in
 * raw for that issue.
 */
typedef struct AMDVIDte {
    uint64_t raw[4];
    uint16_t devid;
    bool v;
    bool tv;
    uint8_t mode;               /* 0-6 (7 is reserved) */
    uint64_t pt_root;           /* host page-table root, 4 KiB aligned */
    bool ir;
    bool iw;
    uint16_t domain_id;
    bool ex;                    /* exclusion range applies (§2.3.x) */
    bool sd, cache, sa, se, i;
    uint8_t ioctl;
    uint8_t sys_mgt;
    bool sats;
    /* interrupt remapping (stored, not yet used) */
    bool iv;
    uint8_t int_tab_len;
    bool ig;
    uint64_t int_table_root;    /* 64-byte aligned */
    uint8_t int_ctl;
    bool init_pass, eint_pass, nmi_pass, lint0_pass, lint1_pass;
} AMDVIDte;

/*
 * Outcome of a v1 walk (§2.2.3).  level is where the leaf was found
 * (1..6); addr_mask is the page size - 1 (NextLevel 7 pages included).
 * For every level l a directory entry was read at, pde[l] is that entry
 * and perm_at[l] the IR/IW accumulated down to and including it, so the
 * page-directory caches can be filled after the walk (pde_mask has bit l
 * set).  entry_addr is the last entry read (the address a
 * PAGE_TAB_HARDWARE_ERROR reports).  perm is the page tables' verdict;
 * the DTE's IR/IW are applied by the translate step.
 */
typedef struct AMDVIWalkResult {
    AMDVIStatus status;
    uint64_t iova;              /* aligned to the page */
    uint64_t addr;              /* output page address */
    uint64_t addr_mask;
    IOMMUAccessFlags perm;
    unsigned level;
    uint64_t leaf;
    uint64_t entry_addr;
    uint64_t pde[8];
    IOMMUAccessFlags perm_at[8];
    uint32_t pde_mask;
    uint32_t mem_reads;
    uint64_t read_addr[8];      /* the first 8 entry addresses read, in
                                   order (the timing model's trace) */
} AMDVIWalkResult;

/*
 * One event-log entry before encoding (§2.5).  Fields a type does not
 * carry are ignored by its encoder.
 */
typedef struct AMDVIEvent {
    AMDVIEventCode code;
    uint16_t devid;             /* full DeviceID: bus, device, function */
    uint16_t domain_id;         /* IO_PAGE_FAULT / PAGE_TAB_HW_ERROR, GN=0 */
    uint32_t pasid;             /* with gn */
    uint64_t addr;              /* per type: request, DTE, PTE, command */
    uint8_t type;               /* hardware-error Type / INV_DEV_REQ Type */
    bool gn, nx, us, i, pr, rw, pe, rz, tr;
} AMDVIEvent;

/*
 * A requester's DMA address space behind the unit: the hw/core regions
 * (first member: the IOMMU region's opaque is this structure) and ours.
 */
typedef struct AMDVIAddressSpace {
    IOMMURequesterSpace rs;
    AMDVIState *s;
    uint16_t devid;
    /*
     * Front cache (iommu-front.h): replays a device-table-cache hit plus
     * an IOTLB hit of a recent page (amdvi-translate.c, docs/timing.md).
     */
    IOMMUFront front;
} AMDVIAddressSpace;

/* Counters for the `stats` verb (translation side; caches count theirs). */
typedef struct AMDVIStats {
    uint64_t translations;
    uint64_t faults;
    uint64_t events_logged;
    uint64_t events_dropped;
    uint64_t walks;
    uint64_t walk_reads;
    uint64_t interrupts;
} AMDVIStats;

struct AMDVIState {
    void *dev;                  /* the qdev object, when there is one */
    AddressSpace *dma_as;       /* where tables are read, DMA goes */
    MsiSink *msi;
    VirtualClock *clock;

    AMDVIProps props;
    RegFile *regs;
    MemoryRegion mmio;

    IOMMURequesterSpaces *spaces;   /* devid -> AMDVIAddressSpace */

    uint64_t efr;               /* EFR as reported (realize) */
    uint64_t efr2;
    uint64_t control_supported; /* CONTROL bits that read back */
    uint64_t pa_mask;           /* bits at and above pa_bits set */

    /*
     * MSI message of the IOMMU's own interrupt (the PCI MSI capability or
     * the MMIO mirror at 015Ch when EFR.MsiCapMmioSup); msi_enabled
     * follows the capability's Enable bit.
     */
    MsiMessage msi_msg;
    bool msi_enabled;

    /* Event log stopped by an overflow until EventLogEn goes 0 -> 1. */
    bool evlog_stopped;

    /* Owned by amdvi-cmd (amdvi-cache.c / amdvi-cmd.c). */
    struct AMDVICaches *caches;
    struct AMDVICmdState *cmd;

    AMDVIStats stats;

    /*
     * Cost model (hw/timing, docs/timing.md); never changes a result.
     * amdvi_new always builds one (timing=ideal by default); code that
     * assembles an AMDVIState by hand may leave it NULL (no cost).
     */
    TimingModel *timing;
    TimingTrace *trace;

    /*
     * The front cache's gate; tests compare against the full path with
     * it off (iommu_front_gate_set_off).
     */
    IOMMUFrontGate front_gate;  /* CONTROL.IOMMUEn and the exclusion range */
};

/* --- register access by generated index (AMDVI_RI_*) ----------------- */

static inline uint64_t amdvi_reg_get(const AMDVIState *s, unsigned ri)
{
    return regfile_get(s->regs, ri, 0);
}

static inline void amdvi_reg_set(AMDVIState *s, unsigned ri, uint64_t v)
{
    regfile_set(s->regs, ri, 0, v);
}

/* value = (value & ~clear) | set, hardware side (no masks, no hooks). */
static inline void amdvi_reg_update(AMDVIState *s, unsigned ri,
                                    uint64_t clear, uint64_t set)
{
    regfile_update(s->regs, ri, 0, clear, set);
}

static inline bool amdvi_control_has(const AMDVIState *s, uint64_t mask)
{
    return (amdvi_reg_get(s, AMDVI_RI_CONTROL) & mask) == mask;
}

static inline bool amdvi_status_has(const AMDVIState *s, uint64_t mask)
{
    return (amdvi_reg_get(s, AMDVI_RI_STATUS) & mask) == mask;
}

/*
 * Ring sizes: ComLen / EventLen / PPRLen are log2 of the entry count;
 * 1000b (256) is the smallest the spec allows (§3.4).  Returns bytes.
 */
static inline uint64_t amdvi_ring_bytes(unsigned len_field)
{
    unsigned l = len_field < 8 ? 8 : len_field;

    return 16ull << l;
}

/* --- amdvi.c ---------------------------------------------------------- */

/*
 * Build a unit: dma_as is where tables are read and translated DMA goes
 * (the machine's memory), msi where its interrupts are delivered (may be
 * NULL in unit tests).  Does not call into hw/machine.
 */
AMDVIState *amdvi_new(const AMDVIProps *props, AddressSpace *dma_as,
                      MsiSink *msi, VirtualClock *clock, GError **errp);
void amdvi_free(AMDVIState *s);
void amdvi_reset(AMDVIState *s);
/* Defaults: QEMU 7.2's -device amd-iommu (efr-profile=qemu). */
void amdvi_props_default(AMDVIProps *p);
/* Parse one property; false with errp naming it on a bad name/value. */
bool amdvi_props_set(AMDVIProps *p, const char *name, const char *value,
                     GError **errp);
/* Per-requester DMA address space (created on first use). */
AddressSpace *amdvi_dma_as(AMDVIState *s, uint16_t devid);
/* "name=value ..." counters for the stats verb (g_free the result). */
char *amdvi_stats_text(AMDVIState *s);
/* The MMIO region to map at props.mmio_base. */
MemoryRegion *amdvi_mmio_region(AMDVIState *s);

/* --- amdvi-regs.c ------------------------------------------------------ */

/* EFR / EFR2 from the properties. */
void amdvi_regs_compute_efr(const AMDVIProps *p, uint64_t *efr,
                            uint64_t *efr2);
/* CONTROL bits this model implements given EFR (others read back 0). */
uint64_t amdvi_regs_control_supported(uint64_t efr);
/* Attach this file's hooks to s->regs (amdvi-cmd attaches its own). */
void amdvi_regs_install_hooks(AMDVIState *s);
/* Whether addr falls into an enabled exclusion range for dte (§2.3.x). */
bool amdvi_excl_applies(const AMDVIState *s, const AMDVIDte *dte,
                        uint64_t addr);

/* --- amdvi-dte.c (§2.2.2) --------------------------------------------- */

/* Device table base and the number of DTEs its Size field allows. */
uint64_t amdvi_devtab_base(const AMDVIState *s);
uint32_t amdvi_devtab_entries(const AMDVIState *s);
/*
 * Read the DTE of devid: AMDVI_OK, AMDVI_ST_BEYOND_DEVTAB (devid past
 * the table) or AMDVI_ST_DTE_HW_ERROR (the read failed).  *mem_reads
 * counts the read.
 */
AMDVIStatus amdvi_dte_fetch(AMDVIState *s, uint16_t devid, uint64_t raw[4],
                            uint32_t *mem_reads);
/*
 * Decode and check a DTE's words: AMDVI_OK or AMDVI_ST_DTE_ILLEGAL
 * (reserved bits, Mode 7 or above EFR.HATS, root above pa_bits).
 */
AMDVIStatus amdvi_dte_decode(const AMDVIState *s, const uint64_t raw[4],
                             uint16_t devid, AMDVIDte *dte);
/* Address of devid's DTE in memory. */
uint64_t amdvi_dte_addr(const AMDVIState *s, uint16_t devid);

/* --- amdvi-pt-v1.c (§2.2.3) ------------------------------------------- */

/* Full walk from dte->pt_root at dte->mode (1..6). */
void amdvi_pt_walk(AMDVIState *s, const AMDVIDte *dte, uint64_t iova,
                   AMDVIWalkResult *out);
/*
 * Resume at the table `table` of level `level` (a page-directory cache
 * hit) with perm accumulated above it.  Callers zero *out first.
 */
void amdvi_pt_walk_from(AMDVIState *s, const AMDVIDte *dte, uint64_t iova,
                        unsigned level, uint64_t table, IOMMUAccessFlags perm,
                        AMDVIWalkResult *out);
/*
 * Resume below a cached directory entry pde found at pde_level (a
 * page-directory cache hit), perm accumulated including it.  Re-checks
 * the entry's NextLevel and skipped address bits for this iova.
 */
void amdvi_pt_walk_resume(AMDVIState *s, const AMDVIDte *dte, uint64_t iova,
                          unsigned pde_level, uint64_t pde,
                          IOMMUAccessFlags perm, AMDVIWalkResult *out);
/* Page size of a NextLevel-7 PTE at level (log2 bytes), 0 if malformed. */
unsigned amdvi_pt_nl7_shift(uint64_t pte, unsigned level);
/* Whether iova fits a mode's input size (bits 12 + 9 * mode and up 0). */
bool amdvi_pt_iova_in_range(unsigned mode, uint64_t iova);

/* --- amdvi-translate.c ------------------------------------------------ */

extern const IOMMUMemoryRegionOps amdvi_iommu_ops;
/* Static name of a status ("IO_PAGE_FAULT", ...), for harness replies. */
const char *amdvi_status_name(AMDVIStatus st);

/* --- amdvi-event.c (§2.5) --------------------------------------------- */

/* The 128-bit entry of ev as two little-endian quadwords. */
void amdvi_event_encode(const AMDVIEvent *ev, uint64_t out[2]);
/*
 * Append ev to the event log (§2.5.1): written before the tail moves; a
 * full log sets EventOverflow and clears EventLogRun until software
 * re-enables EventLogEn; EventLogInt + the MSI when EventIntEn.  Returns
 * true if the entry was written.
 */
bool amdvi_event_log_write(AMDVIState *s, const AMDVIEvent *ev);
/* CONTROL.EventLogEn / IOMMUEn changed: EventLogRun follows (§3.4). */
void amdvi_event_log_control(AMDVIState *s, uint64_t old_ctl,
                             uint64_t new_ctl);
/*
 * The IOMMU's MSI message and enable, from its PCI MSI capability or the
 * MMIO mirror (0158h-0164h when EFR.MsiCapMmioSup).
 */
void amdvi_msi_configure(AMDVIState *s, bool enabled, MsiMessage msg);
/*
 * Set STATUS bit(s) (EventLogInt, EventOverflow, ComWaitInt, PPRInt ...)
 * and, when the matching CONTROL enable (EventIntEn, ComWaitIntEn,
 * PPRIntEn, GAIntEn) is set and the MSI is enabled, send the IOMMU's MSI
 * (§3.4 STATUS, §3.2 MSI capability).
 */
void amdvi_interrupt_raise(AMDVIState *s, uint64_t status_bit);

/*
 * --- provided by amdvi-cmd (amdvi-cmd.h) ------------------------------
 * Contract this half calls:
 *   struct AMDVICmdState *amdvi_cmd_new(AMDVIState *s);  installs its own
 *       hooks on CMD_BUF_BASE, CMD_BUF_HEAD, CMD_BUF_TAIL
 *   void amdvi_cmd_free(struct AMDVICmdState *cmd);
 *   void amdvi_cmd_reset(AMDVIState *s);
 *   void amdvi_cmd_control_written(AMDVIState *s, uint64_t old_ctl,
 *                                  uint64_t new_ctl);  CmdBufEn / IOMMUEn
 *       changed; sets or clears STATUS.CmdBufRun itself
 */

#endif
