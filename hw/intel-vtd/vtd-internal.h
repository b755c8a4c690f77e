/*
 * Intel VT-d model: state and the helpers shared by the files of
 * hw/intel-vtd (device/registers/translation/faults by "vtd"; caches and
 * invalidation by "vtd-inv").  Not a public header.
 *
 * Spec: Intel Virtualization Technology for Directed I/O, Rev 5.10.
 * Every offset, mask and field comes from the generated headers
 * (specs/vtd TOML files -> build/specs/vtd-*.h); nothing here is hand-written.
 *
 * Division of work:
 *   vtd.c          VTDState, properties, realize/reset, MMIO glue
 *   vtd-regs.c     register-file hooks: GCMD/GSTS, RTADDR, FSTS, FECTL,
 *                  FRCD, PMEN, IECTL
 *   vtd-ctx.c      root/context entry lookup and decode (legacy TTM, §3.4)
 *   vtd-pt-ss.c    second-stage walk (§3.7, §9.8)
 *   vtd-translate.c  the IOMMU translate hook (config -> IOTLB -> walk ->
 *                  finish)
 *   vtd-fault.c    primary fault logging and the fault event (§7.2, §7.3)
 *   vtd-pmr.c      protected memory regions (§3.16) and Abort-DMA mode
 *   vtd-cache.c/h  context cache, IOTLB, paging-structure caches (vtd-inv)
 *   vtd-inv.c/h    register-based and queued invalidation (vtd-inv)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef HW_INTEL_VTD_INTERNAL_H
#define HW_INTEL_VTD_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "iommu-sim/iommu.h"
#include "iommu-sim/iommu-front.h"
#include "iommu-sim/machine.h"
#include "iommu-sim/memory.h"
#include "iommu-sim/msi.h"
#include "iommu-sim/regs.h"
#include "iommu-sim/timing.h"
#include "iommu-sim/timing-cache.h"
#include "specs/vtd-entries.h"
#include "specs/vtd-faults.h"
#include "specs/vtd-regs.h"

#include "hw/intel-vtd/vtd-cache.h"
#include "hw/intel-vtd/vtd-inv.h"

/* MMIO base of the (single) remapping unit, as QEMU's q35 places it. */
#define VTD_MMIO_BASE 0xfed90000ull
#define VTD_MMIO_SIZE 0x1000ull

/* Translation status: 0 is success, otherwise a VTDFaultReason (§7.1.3). */
#define VTD_OK 0u

/*
 * Non-architectural outcomes: the request is blocked without a fault
 * record (PMR hit §3.16, Abort-DMA mode §3.4.1 / TTM=11b).
 */
#define VTD_BLOCKED_SILENT 0x1000u

typedef struct VTDState VTDState;

/* Which set of CAP/ECAP reset values the unit starts from. */
typedef enum {
    VTD_PROFILE_QEMU,           /* Debian QEMU 7.2 defaults */
    VTD_PROFILE_BROADWELL_EP,   /* CAP 0x8d2078c106f0466 ECAP 0xf020df */
} VTDCapProfile;

/* QEMU-named properties that also override a non-QEMU profile. */
enum {
    VTD_PROP_CACHING_MODE = 1u << 0,
    VTD_PROP_DMA_DRAIN = 1u << 1,
    VTD_PROP_PT = 1u << 2,
    VTD_PROP_DEVICE_IOTLB = 1u << 3,
    VTD_PROP_INTREMAP = 1u << 4,
};

/* An optional numeric override of a CAP/ECAP field: set when present. */
typedef struct VTDFieldOverride {
    bool set;
    uint64_t value;
} VTDFieldOverride;

/*
 * Device properties.  Names follow QEMU's intel-iommu where QEMU has one
 * (aw-bits, caching-mode, intremap, eim, x-scalable-mode, device-iotlb,
 * pt, dma-drain, dma-translation); the rest are this model's own.
 */
typedef struct VTDProps {
    unsigned aw_bits;           /* 39 or 48 (QEMU), 57 here too */
    bool caching_mode;
    bool intremap;
    int eim;                    /* -1 auto (QEMU's OnOffAuto), 0 off, 1 on */
    bool scalable_mode;
    bool device_iotlb;
    bool pt;
    bool dma_drain;
    bool dma_translation;
    bool snoop_control;
    bool pasid_mode;            /* x-pasid-mode */
    unsigned explicit_props;    /* VTD_PROP_* given on the command line */
    VTDCapProfile profile;      /* cap-profile=qemu|broadwell-ep */
    VTDFieldOverride haw_override; /* x-haw-bits: host address width */
    VTDCacheConfig cache_cfg;   /* cache geometry properties (vtd-inv) */
    const TimingProfile *timing; /* timing=ideal|broadwell-ep (hw/timing) */
    const char *timing_trace;   /* timing-trace=FILE (interned): trace JSON */
    /* Field overrides, applied after the profile: cap-<field>/ecap-<field>. */
    VTDFieldOverride nfr, fro, sagaw, sllps, mgaw, plmr, phmr, cm, psi,
        mamv, zlr, rwbf, nd, esrtps, esirtps;
    VTDFieldOverride iro, qi, ir, pt_ecap, adms, sc, dt, eim_ecap, smts;
    VTDFieldOverride version;   /* whole VER register */
    VTDFieldOverride cap_raw, ecap_raw; /* whole CAP/ECAP (x-cap, x-ecap) */
} VTDProps;

/*
 * A legacy-mode context entry (§9.3), decoded.  raw keeps the two
 * little-endian words for the caches' tags and for tests.
 */
typedef struct VTDContext {
    uint64_t raw[2];
    uint16_t sid;
    uint16_t did;
    uint8_t tt;                 /* Translation Type field */
    uint8_t aw;                 /* AW field */
    uint8_t levels;             /* 3, 4 or 5 paging levels from AW */
    bool fpd;
    uint64_t ssptptr;           /* second-stage table root (4 KiB aligned) */
} VTDContext;

/* Legacy context-entry TT encodings (§9.3). */
enum {
    VTD_CTX_TT_UNTRANSLATED = 0,    /* 00b: second-stage only */
    VTD_CTX_TT_ALL = 1,             /* 01b: also translated/ATS (DT) */
    VTD_CTX_TT_PASSTHROUGH = 2,     /* 10b: needs ECAP.PT */
};

/*
 * Outcome of a second-stage walk (§3.7).  A not-present entry (R = W = 0)
 * ends the walk with status VTD_FR_NO_READ and perm IOMMU_NONE; the
 * translate step maps it to 5h/6h by request type.  Callers of
 * vtd_ss_walk_from() zero *out first.  level is where the leaf was
 * found: 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB.  table[l] is the physical
 * address of the table read at level l (l = levels .. leaf level) and
 * perm_at[l] the IOMMU_* permission accumulated above that table, so
 * paging-structure caches can be filled after the walk.
 */
typedef struct VTDWalkResult {
    uint32_t status;            /* VTD_OK or a VTDFaultReason */
    uint64_t iova;              /* aligned to the page */
    uint64_t addr;              /* output page address */
    uint64_t addr_mask;         /* page size - 1 */
    IOMMUAccessFlags perm;      /* R/W effective after every level */
    unsigned level;
    uint64_t leaf;              /* the leaf entry as read */
    uint64_t table[6];
    IOMMUAccessFlags perm_at[6];
    uint32_t mem_reads;
} VTDWalkResult;

/* What vtd_fault_record() logs (FRCD fields, §11.4.7.6). */
typedef struct VTDFaultInfo {
    uint16_t sid;
    uint64_t addr;              /* faulting input address (page-aligned
                                 * when recorded) */
    uint32_t reason;            /* VTDFaultReason */
    bool is_write;
    bool priv;
    bool exec;
    bool has_pasid;
    uint32_t pasid;
    uint8_t at;                 /* AddrType */
    bool fpd;                   /* the context entry's FPD (§7.1.1) */
} VTDFaultInfo;

/*
 * A requester's DMA address space behind the unit: the hw/core regions
 * (first member: the IOMMU region's opaque is this structure) and ours.
 */
typedef struct VTDAddressSpace {
    IOMMURequesterSpace rs;
    VTDState *s;
    uint16_t sid;
    /*
     * Front cache (iommu-front.h): replays a context-cache hit plus an
     * IOTLB hit of a recent page (vtd-translate.c, docs/timing.md).
     */
    IOMMUFront front;
} VTDAddressSpace;

/* Counters for the `stats` verb (translation side; caches count theirs). */
typedef struct VTDStats {
    uint64_t translations;
    uint64_t faults;
    uint64_t faults_recorded;
    uint64_t walks;
    uint64_t walk_reads;
    uint64_t fault_events;
} VTDStats;

struct VTDState {
    Device *dev;                /* the qdev object this state belongs to */
    Machine *machine;
    AddressSpace *dma_as;       /* where tables and translated DMA go */
    MsiSink *msi;               /* fault / invalidation event delivery */
    VirtualClock *clock;

    VTDProps props;
    RegFile *regs;
    MemoryRegion mmio;

    IOMMURequesterSpaces *spaces;   /* sid -> VTDAddressSpace */
    /* §3.15 gate behind every requester's interrupt window (if msi). */
    MemoryRegion intr_gate;
    AddressSpace intr_as;

    /* Derived once at realize from CAP/ECAP (read-only afterwards). */
    uint64_t cap;
    uint64_t ecap;
    unsigned haw;               /* host address width in bits */
    uint64_t haw_mask;          /* bits at and above HAW set */

    /* Latched by SRTP (§10.4.5 / §11.4.5): RTADDR as of the last SRTP. */
    uint64_t root_addr;
    unsigned root_ttm;
    bool root_valid;            /* RTPS set at least once since reset */

    /* IRTA as of the last SIRTP (for interrupt remapping, §11.4.10). */
    uint64_t irta_latched;

    /* Fault recording state beyond the registers (§7.2.1). */
    unsigned fault_next;        /* record the next fault goes to */

    /* Owned by vtd-inv (vtd-cache.c / vtd-inv.c); NULL until they exist. */
    struct VTDCaches *caches;
    struct VTDInvState *inv;
    VTDCacheConfig cache_cfg;

    VTDStats stats;

    /* Cost model (hw/timing, docs/timing.md); never changes a result. */
    TimingModel *timing;
    TimingTrace *trace;

    /*
     * Invalidation timing (vtd-inv.c): the invalidation unit is busy until
     * inv_busy_until; completions software can observe (wait status
     * write, ICS.IWC, CCMD.ICC / IOTLB.IVT clearing) wait in inv_done
     * (VTDInvDone*, in time order) for inv_timer.  Empty with
     * timing=ideal: everything completes synchronously.
     */
    int64_t inv_busy_until;
    GQueue inv_done;
    VirtualTimer *inv_timer;

    /*
     * The front cache's gate; tests compare against the full path with
     * it off (iommu_front_gate_set_off).
     */
    IOMMUFrontGate front_gate;  /* GSTS.TES and PMEN.PRS, cached */
};

/* --- vtd-inv.c: invalidation timing ---------------------------------- */

/* A completion the invalidation unit reports at a modelled time. */
typedef struct VTDInvDone {
    int64_t at;                 /* virtual ns */
    bool is_wait;               /* wait descriptor, else a register value */
    unsigned ri;                /* register: VTD_RI_CCMD / VTD_RI_IOTLB */
    uint64_t value;             /* register: the completed value */
    uint64_t addr;              /* wait: status address (SW) */
    uint32_t data;              /* wait: status data */
    bool sw, iflag;             /* wait: SW and IF flags */
} VTDInvDone;

/*
 * One invalidation request (descriptor or register command) of kind
 * through the cost model, after the work already queued (the unit
 * processes in order, §6.5.2).  Returns its completion time; with no
 * clock or cost model, now (0 without a clock).
 */
int64_t vtd_inv_charge(VTDState *s, TimingInvKind kind);
/* The cost class of an IOTLB invalidation of actual granularity gran. */
TimingInvKind vtd_inv_iotlb_kind(unsigned gran);
/*
 * Report d now when d->at has come and nothing is pending before it,
 * else at d->at from the timer (copied).
 */
void vtd_inv_complete(VTDState *s, const VTDInvDone *d);
/* vtd-qi.c: the wait descriptor's status write and ICS.IWC (§6.5.2.9). */
void vtd_qi_wait_signal(VTDState *s, const VTDInvDone *d);

/* --- register access by generated index (VTD_RI_*) ----------------- */

static inline uint64_t vtd_reg_get(const VTDState *s, unsigned ri)
{
    return regfile_get(s->regs, ri, 0);
}

static inline void vtd_reg_set(VTDState *s, unsigned ri, uint64_t v)
{
    regfile_set(s->regs, ri, 0, v);
}

/* value = (value & ~clear) | set, hardware side (no masks, no hooks). */
static inline void vtd_reg_update(VTDState *s, unsigned ri, uint64_t clear,
                                  uint64_t set)
{
    regfile_update(s->regs, ri, 0, clear, set);
}

/* GSTS bit(s) currently set (status as software sees it). */
static inline bool vtd_gsts_has(const VTDState *s, uint64_t mask)
{
    return (vtd_reg_get(s, VTD_RI_GSTS) & mask) == mask;
}

/* --- vtd.c ---------------------------------------------------------- */

/*
 * Build a unit: dma_as is where tables are read and translated DMA goes
 * (the machine's memory), msi where event interrupts are delivered (may
 * be NULL in unit tests).  Does not call into hw/machine, so the library
 * links without it; the device glue passes the machine's objects.
 */
VTDState *vtd_new(const VTDProps *props, AddressSpace *dma_as, MsiSink *msi,
                  VirtualClock *clock, GError **errp);
void vtd_free(VTDState *s);
void vtd_reset(VTDState *s);
/* Defaults equal to QEMU 7.2's -device intel-iommu. */
void vtd_props_default(VTDProps *p);
/* Parse one property; false with errp set on bad name or value. */
bool vtd_props_set(VTDProps *p, const char *name, const char *value,
                   GError **errp);
/* Per-requester DMA address space (created on first use). */
AddressSpace *vtd_dma_as(VTDState *s, uint16_t sid);
/* "name=value ..." counters for the stats verb (g_free the result). */
char *vtd_stats_text(VTDState *s);

/* --- vtd-regs.c ----------------------------------------------------- */

/* CAP/ECAP/VER reset values from the properties (§11.4.2, §11.4.3). */
bool vtd_regs_compute_caps(const VTDProps *p, uint64_t *ver, uint64_t *cap,
                           uint64_t *ecap, GError **errp);
/* Attach this file's hooks to s->regs. */
void vtd_regs_install_hooks(VTDState *s);

/* --- vtd-ctx.c (legacy TTM, §3.4.2, §9.1, §9.3) ---------------------- */

/*
 * Read and validate the root and context entries for sid from the root
 * table latched by SRTP.  Returns VTD_OK or a fault reason (1h, 2h, 3h,
 * 8h, 9h, Ah, Bh, Dh); ctx->fpd is valid whenever the context entry was
 * read, so the caller can honour FPD.  *mem_reads counts table reads.
 */
uint32_t vtd_ctx_lookup(VTDState *s, uint16_t sid, VTDContext *ctx,
                        uint32_t *mem_reads);
/* Decode and check a context entry's words (no memory access). */
uint32_t vtd_ctx_decode(const VTDState *s, const uint64_t raw[2],
                        uint16_t sid, VTDContext *ctx);

/* --- vtd-pt-ss.c (second-stage, §3.7, §9.8) ------------------------- */

/* Full walk from ctx->ssptptr at ctx->levels. */
void vtd_ss_walk(VTDState *s, const VTDContext *ctx, uint64_t iova,
                 VTDWalkResult *out);
/*
 * Resume a walk at level `level` reading table `table` with permission
 * `perm` accumulated above it (a paging-structure-cache hit).
 */
void vtd_ss_walk_from(VTDState *s, const VTDContext *ctx, uint64_t iova,
                      unsigned level, uint64_t table, IOMMUAccessFlags perm,
                      VTDWalkResult *out);
/* Whether AW is supported by SAGAW (§9.3, CAP.SAGAW). */
bool vtd_ss_aw_supported(const VTDState *s, unsigned aw);
/* Largest input address + 1 for a context (min of AGAW and MGAW). */
uint64_t vtd_ss_input_limit(const VTDState *s, const VTDContext *ctx);

/* --- vtd-translate.c ------------------------------------------------ */

extern const IOMMUMemoryRegionOps vtd_iommu_ops;

/* --- vtd-intr-range.c (§3.15) --------------------------------------- */

extern const IOMMUMemoryRegionOps vtd_intr_range_ops;
/* At vtd_new, right after the spaces set; fini after it is freed. */
void vtd_intr_range_init(VTDState *s);
void vtd_intr_range_fini(VTDState *s);

/* --- vtd-fault.c (§7.2, §7.3, §11.4.7) ------------------------------ */

/*
 * Primary fault logging: honours FPD for qualified reasons (§7.1.1),
 * the repeated-fault rule, FRI wrap over NFR+1 records, PFO on overflow,
 * and raises the fault event.  Returns true if a record was written.
 */
bool vtd_fault_record(VTDState *s, const VTDFaultInfo *fi);
/*
 * Set FSTS status bit(s) (IQE, ICE, ITE from vtd-inv) and raise the
 * fault event if none was pending (§7.3.1).
 */
void vtd_fault_status_raise(VTDState *s, uint32_t fsts_bits);
/* Fault event: IM -> IP; else an MSI from FEDATA/FEADDR/FEUADDR. */
void vtd_fault_event(VTDState *s);
/* FECTL write hook tail: IM cleared with IP set delivers (§7.3.1). */
void vtd_fault_fectl_written(VTDState *s);
/* FSTS PPF recomputed from the F bits of every record (§11.4.7.1). */
bool vtd_fault_ppf(VTDState *s);
/* After software W1Cs FSTS or an FRCD.F (IP clears when nothing left). */
void vtd_fault_status_changed(VTDState *s);

/* Invalidation completion event (IECTL/IEDATA/IEADDR/IEUADDR, §7.4). */
void vtd_inv_event_raise(VTDState *s);
/* IECTL write: IM cleared with IP set delivers the owed event. */
void vtd_inv_event_iectl_written(VTDState *s);

/* Deliver an MSI described by the given data/address/upper-address regs. */
void vtd_send_event_msi(VTDState *s, unsigned ri_data, unsigned ri_addr,
                        unsigned ri_uaddr);

/* --- vtd-pmr.c (§3.16, §11.4.8) -------------------------------------- */

/* True when addr falls into an enabled protected region. */
bool vtd_pmr_blocks(const VTDState *s, uint64_t addr);
/* PMEN write: PRS follows EPM (§11.4.8.1). */
void vtd_pmr_pmen_written(VTDState *s);
/* Abort-DMA mode active (TTM=11b latched and ECAP.ADMS). */
bool vtd_abort_dma_mode(const VTDState *s);

/* The cache and invalidation API is declared in vtd-cache.h and vtd-inv.h. */

#endif
