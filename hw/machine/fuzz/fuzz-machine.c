/*
 * Guest-side fuzzing of a whole machine: an input is a short program of
 * what a buggy or hostile guest and its devices can do -- register
 * accesses to the IOMMU, writes and bit flips in the memory its tables,
 * queues and logs live in, DMA from any requester to any address,
 * PCI configuration cycles, time passing, resets -- run against q35
 * with intel-iommu or amd-iommu and edu.  The machine starts from a
 * driver-like baseline (tables, a queue / command buffer, an event log,
 * translation on) so most mutations land on live structures.
 *
 * What it checks is what every path must give: no crash, no sanitizer
 * report, no hang (each input is bounded), whatever the guest wrote.
 * The spec's answer to each mistake is the functional tests' business.
 *
 * Two drivers share fuzz_machine_run (fuzz-machine.h): fuzz-smoke.c, a
 * deterministic run of pseudo-random programs that is a meson test, and
 * fuzz-libfuzzer.c, the libFuzzer entry built with clang (docs/fuzzing.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/machine/fuzz/fuzz-machine.h"
#include "iommu-sim/machine.h"
#include "specs/amdvi-entries.h"
#include "specs/amdvi-regs.h"
#include "specs/vtd-entries.h"
#include "specs/vtd-regs.h"

#define FZ_VTD_MMIO 0xfed90000ull
#define FZ_VTD_WINDOW 0x1000u
#define FZ_AMD_MMIO 0xfed80000ull
#define FZ_AMD_WINDOW 0x4000u
#define FZ_RAM (256ull << 20)

/* Where the baseline puts its structures; the fuzzer mutates this area. */
#define FZ_AREA 0x100000ull
#define FZ_AREA_SLOTS 0x8000u           /* 8-byte slots: 256 KiB */
#define FZ_ROOT FZ_AREA                 /* VT-d root table / AMD devtab */
#define FZ_CTX (FZ_AREA + 0x1000)       /* VT-d context table */
#define FZ_L3 (FZ_AREA + 0x2000)        /* page tables, 3 levels */
#define FZ_L2 (FZ_AREA + 0x3000)
#define FZ_L1 (FZ_AREA + 0x4000)
#define FZ_QUEUE (FZ_AREA + 0x20000)    /* VT-d IQ / AMD command buffer */
#define FZ_LOG (FZ_AREA + 0x30000)      /* AMD event log */
#define FZ_DATA 0x400000ull             /* where mapped pages point */
#define FZ_PAGES 64                     /* iova 0 .. 256 KiB mapped */

#define FZ_EDU_SID 0x10                 /* 00:02.0 */
#define FZ_MAX_OPS 512
#define FZ_MAX_DMA 256

typedef struct FzIn {
    const uint8_t *p;
    size_t n;
} FzIn;

typedef struct Fz {
    Machine *m;
    bool amd;
    AddressSpace *mem, *io;
    VirtualClock *clk;
} Fz;

/* Little-endian bytes from the input; zeros once it runs out. */
static uint64_t fz_take(FzIn *in, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++) {
        if (in->n) {
            v |= (uint64_t)in->p[0] << (8 * i);
            in->p++;
            in->n--;
        }
    }
    return v;
}

static void fz_w64(Fz *f, uint64_t addr, uint64_t v)
{
    address_space_write(f->mem, addr, MEMTXATTRS_UNSPECIFIED, &v, 8);
}

static uint64_t fz_r64(Fz *f, uint64_t addr)
{
    uint64_t v = 0;

    address_space_read(f->mem, addr, MEMTXATTRS_UNSPECIFIED, &v, 8);
    return v;
}

static void fz_reg_write(Fz *f, uint64_t off, uint64_t v, unsigned size)
{
    uint64_t base = f->amd ? FZ_AMD_MMIO : FZ_VTD_MMIO;

    address_space_write(f->mem, base + off, MEMTXATTRS_UNSPECIFIED, &v,
                        size);
}

static uint64_t fz_reg_read(Fz *f, uint64_t off, unsigned size)
{
    uint64_t base = f->amd ? FZ_AMD_MMIO : FZ_VTD_MMIO, v = 0;

    address_space_read(f->mem, base + off, MEMTXATTRS_UNSPECIFIED, &v, size);
    return v;
}

/* Three-level tables mapping iova page i to FZ_DATA + i pages, RW. */
static void fz_vtd_tables(Fz *f)
{
    uint64_t w[2] = { 0, 0 };

    vtd_root_entry_set_p(w, 1);
    vtd_root_entry_set_ctp(w, FZ_CTX >> 12);
    fz_w64(f, FZ_ROOT, w[0]);
    for (unsigned devfn = 0x10; devfn <= 0x18; devfn += 8) {
        w[0] = w[1] = 0;
        vtd_context_entry_set_p(w, 1);
        vtd_context_entry_set_tt(w, 0);
        vtd_context_entry_set_ssptptr(w, FZ_L3 >> 12);
        vtd_context_entry_set_aw(w, 1);             /* 39-bit, 3 levels */
        vtd_context_entry_set_did(w, devfn);
        fz_w64(f, FZ_CTX + devfn * 16, w[0]);
        fz_w64(f, FZ_CTX + devfn * 16 + 8, w[1]);
    }
    fz_w64(f, FZ_L3, vtd_ss_pdpe_set_addr(vtd_ss_pdpe_set_w(
        vtd_ss_pdpe_set_r(0, 1), 1), FZ_L2 >> 12));
    fz_w64(f, FZ_L2, vtd_ss_pde_set_addr(vtd_ss_pde_set_w(
        vtd_ss_pde_set_r(0, 1), 1), FZ_L1 >> 12));
    for (unsigned i = 0; i < FZ_PAGES; i++) {
        fz_w64(f, FZ_L1 + i * 8, vtd_ss_pte_set_addr(vtd_ss_pte_set_w(
            vtd_ss_pte_set_r(0, 1), 1), (FZ_DATA >> 12) + i));
    }
}

/* One GCMD command as Linux sends it: (GSTS & 0x96FFFFFF) | bit. */
static void fz_vtd_gcmd(Fz *f, uint32_t bit)
{
    uint32_t sts = (uint32_t)fz_reg_read(f, VTD_REG_GSTS, 4);

    fz_reg_write(f, VTD_REG_GCMD, (sts & 0x96ffffffu) | bit, 4);
}

/* A driver's bring-up: root table, queued invalidation, fault MSI, TE. */
static void fz_vtd_baseline(Fz *f)
{
    fz_vtd_tables(f);
    fz_reg_write(f, VTD_REG_FEDATA, 0x41, 4);
    fz_reg_write(f, VTD_REG_FEADDR, 0xfee00000, 4);
    fz_reg_write(f, VTD_REG_IQA, FZ_QUEUE, 8);      /* QS 0: 256 x 16 B */
    fz_reg_write(f, VTD_REG_IQT, 0, 8);
    fz_vtd_gcmd(f, VTD_GCMD_QIE_MASK);
    fz_reg_write(f, VTD_REG_RTADDR, FZ_ROOT, 8);
    fz_vtd_gcmd(f, VTD_GCMD_SRTP_MASK);
    fz_vtd_gcmd(f, VTD_GCMD_TE_MASK);
}

/* Mode-3 tables and DTEs for 00:02.0 and 00:03.0, logs, IOMMUEn. */
static void fz_amd_baseline(Fz *f)
{
    uint64_t pde = amdvi_pde_set_iw(amdvi_pde_set_ir(amdvi_pde_set_pr(0, 1),
                                                     1), 1);

    fz_w64(f, FZ_L3, amdvi_pde_set_next_level(amdvi_pde_set_addr(
        pde, FZ_L2 >> 12), 2));
    fz_w64(f, FZ_L2, amdvi_pde_set_next_level(amdvi_pde_set_addr(
        pde, FZ_L1 >> 12), 1));
    for (unsigned i = 0; i < FZ_PAGES; i++) {
        fz_w64(f, FZ_L1 + i * 8, amdvi_pte_set_iw(amdvi_pte_set_ir(
            amdvi_pte_set_addr(amdvi_pte_set_pr(0, 1), (FZ_DATA >> 12) + i),
            1), 1));
    }
    for (unsigned devid = 0x10; devid <= 0x18; devid += 8) {
        uint64_t w[4] = { 0, 0, 0, 0 };

        amdvi_dte_set_v(w, 1);
        amdvi_dte_set_tv(w, 1);
        amdvi_dte_set_mode(w, 3);
        amdvi_dte_set_pt_root(w, FZ_L3 >> 12);
        amdvi_dte_set_ir(w, 1);
        amdvi_dte_set_iw(w, 1);
        amdvi_dte_set_domain_id(w, devid);
        for (unsigned k = 0; k < 4; k++) {
            fz_w64(f, FZ_ROOT + devid * 32 + k * 8, w[k]);
        }
    }
    fz_reg_write(f, AMDVI_REG_DEVTAB_BASE, FZ_ROOT, 8);     /* 128 DTEs */
    fz_reg_write(f, AMDVI_REG_CMD_BUF_BASE, FZ_QUEUE | 8ull << 56, 8);
    fz_reg_write(f, AMDVI_REG_EVENT_LOG_BASE, FZ_LOG | 8ull << 56, 8);
    fz_reg_write(f, AMDVI_REG_CONTROL, AMDVI_CONTROL_IOMMU_EN_MASK |
                 AMDVI_CONTROL_EVENT_LOG_EN_MASK |
                 AMDVI_CONTROL_EVENT_INT_EN_MASK |
                 AMDVI_CONTROL_COM_WAIT_INT_EN_MASK |
                 AMDVI_CONTROL_CMD_BUF_EN_MASK, 8);
}

/* Registers a driver keeps touching: their writes reach deep paths. */
static const uint16_t fz_vtd_hot[] = {
    VTD_REG_GCMD, VTD_REG_RTADDR, VTD_REG_CCMD, VTD_REG_FSTS, VTD_REG_FECTL,
    VTD_REG_PMEN, VTD_REG_PLMBASE, VTD_REG_PLMLIMIT, VTD_REG_IQT,
    VTD_REG_IQA, VTD_REG_ICS, VTD_REG_IECTL, VTD_REG_IRTA,
};
static const uint16_t fz_amd_hot[] = {
    AMDVI_REG_CONTROL, AMDVI_REG_DEVTAB_BASE, AMDVI_REG_CMD_BUF_BASE,
    AMDVI_REG_EVENT_LOG_BASE, AMDVI_REG_EXCL_BASE, AMDVI_REG_EXCL_LIMIT,
    AMDVI_REG_CMD_BUF_HEAD, AMDVI_REG_CMD_BUF_TAIL, AMDVI_REG_EVENT_LOG_HEAD,
    AMDVI_REG_EVENT_LOG_TAIL, AMDVI_REG_STATUS,
};

/* A queue tail in the ring's units, so a submission is likely. */
static void fz_submit(Fz *f, FzIn *in)
{
    uint64_t n = fz_take(in, 1);

    if (f->amd) {
        fz_reg_write(f, AMDVI_REG_CMD_BUF_TAIL, (n % 256) * 16, 8);
    } else {
        fz_reg_write(f, VTD_REG_IQT, (n % 256) * 16, 8);
    }
}

static uint64_t fz_dma_addr(FzIn *in)
{
    uint64_t sel = fz_take(in, 1), v = fz_take(in, 4);

    switch (sel % 4) {
    case 0:
        return v % (FZ_PAGES * 0x1000ull + 0x2000);     /* mapped, edge */
    case 1:
        return 0xfee00000ull + (v & 0xfffff);           /* interrupt range */
    case 2:
        return v << 12 | (v & 0xfff);
    default:
        return fz_take(in, 8);
    }
}

static void fz_dma(Fz *f, FzIn *in)
{
    static const uint16_t sids[] = { FZ_EDU_SID, 0x18, 0x00, 0x08 };
    uint8_t buf[FZ_MAX_DMA];
    uint64_t sel = fz_take(in, 1);
    uint16_t sid = sel & 4 ? (uint16_t)fz_take(in, 2) : sids[sel & 3];
    uint64_t addr = fz_dma_addr(in);
    size_t len = fz_take(in, 1) % (sel & 8 ? FZ_MAX_DMA : 9);
    bool write = sel & 16;
    MemTxAttrs attrs = memtxattrs_for_requester(sid);
    MemTxInfo info;

    attrs.has_pasid = (sel & 0xe0) == 0xe0;
    attrs.pasid = attrs.has_pasid ? (uint32_t)fz_take(in, 3) : 0;
    attrs.priv = (sel & 0xe0) == 0xc0;
    attrs.addr_type = (sel & 0xe0) == 0xa0 ? ADDR_TYPE_TRANSLATED
                    : (sel & 0xe0) == 0x80 ? ADDR_TYPE_TRANSLATION_REQUEST
                    : ADDR_TYPE_UNTRANSLATED;
    memset(buf, (int)sel, sizeof(buf));
    address_space_rw(machine_dma_as(f->m, sid), addr, attrs, buf, len, write,
                     &info);
    /* As the dma verbs do: the requester waits the modelled time. */
    if (info.cost_ns && info.cost_ns < (1ull << 40)) {
        vclock_advance_to(f->clk, vclock_now(f->clk) +
                          (int64_t)info.cost_ns);
    }
}

/* A configuration cycle through 0xcf8 / 0xcfc, to any function. */
static void fz_pci(Fz *f, FzIn *in)
{
    uint32_t addr = 0x80000000u | ((uint32_t)fz_take(in, 2) << 8) |
                    ((uint32_t)fz_take(in, 1) & 0xfc);
    uint64_t v = fz_take(in, 4), sel = fz_take(in, 1);

    address_space_write(f->io, 0xcf8, MEMTXATTRS_UNSPECIFIED, &addr, 4);
    if (sel & 1) {
        address_space_write(f->io, 0xcfc + (sel >> 1 & 3),
                            MEMTXATTRS_UNSPECIFIED, &v, 1u << (sel >> 3 & 2));
    } else {
        address_space_read(f->io, 0xcfc, MEMTXATTRS_UNSPECIFIED, &v, 4);
    }
}

/*
 * One action.  Weights (of 16): live structures and DMA most, registers
 * a driver uses next, any register offset rarely (a random GCMD or
 * RTADDR ends most programs' translation early).
 */
static void fz_op(Fz *f, FzIn *in)
{
    uint64_t op = fz_take(in, 1), slot;
    unsigned size;

    switch (op % 16) {
    case 0:     /* any register offset, any size */
        size = 1u << (fz_take(in, 1) & 3);
        fz_reg_write(f, fz_take(in, 2) % (f->amd ? FZ_AMD_WINDOW
                                                  : FZ_VTD_WINDOW),
                     fz_take(in, 8), size);
        break;
    case 1:
    case 2: {   /* a register drivers use, a value from the input */
        uint64_t i = fz_take(in, 1);
        uint16_t off = f->amd ? fz_amd_hot[i % G_N_ELEMENTS(fz_amd_hot)]
                              : fz_vtd_hot[i % G_N_ELEMENTS(fz_vtd_hot)];

        fz_reg_write(f, off, fz_take(in, 8), i & 0x80 ? 4 : 8);
        break;
    }
    case 3:
        size = 1u << (fz_take(in, 1) & 3);
        fz_reg_read(f, fz_take(in, 2) % (f->amd ? FZ_AMD_WINDOW
                                                 : FZ_VTD_WINDOW), size);
        break;
    case 4:
    case 5:     /* a table, queue or log word replaced */
        slot = fz_take(in, 2) % FZ_AREA_SLOTS;
        fz_w64(f, FZ_AREA + slot * 8, fz_take(in, 8));
        break;
    case 6:     /* one bit of a live structure flipped */
        slot = fz_take(in, 2) % FZ_AREA_SLOTS;
        fz_w64(f, FZ_AREA + slot * 8, fz_r64(f, FZ_AREA + slot * 8) ^
               1ull << (fz_take(in, 1) & 63));
        break;
    case 7:
    case 8:
    case 9:
    case 10:
        fz_dma(f, in);
        break;
    case 11:
    case 12:
        fz_submit(f, in);
        break;
    case 13:    /* time passes: completions and timers fire */
        vclock_advance_to(f->clk, vclock_now(f->clk) +
                          (int64_t)fz_take(in, 2) * 16);
        break;
    case 14:
        fz_pci(f, in);
        break;
    default:
        if (fz_take(in, 1) == 0xff) {
            machine_reset(f->m);
        }
        break;
    }
}

/* Model log lines are for people; a warning or critical is a bug. */
static void fz_log(const gchar *domain, GLogLevelFlags level,
                   const gchar *msg, gpointer opaque)
{
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                 G_LOG_LEVEL_WARNING)) {
        g_log_default_handler(domain, level, msg, opaque);
    }
}

void fuzz_machine_init(void)
{
    g_log_set_default_handler(fz_log, NULL);
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                           G_LOG_LEVEL_WARNING);
}

int fuzz_machine_run(const uint8_t *data, size_t size)
{
    FzIn in = { data, size };
    uint64_t flags = fz_take(&in, 1);
    MachineOptions opts = { .ram_size = FZ_RAM };
    char *spec;
    GError *err = NULL;
    Fz f = { 0 };

    f.amd = flags & 1;
    f.m = machine_new(&opts, &err);
    g_assert_no_error(err);
    spec = g_strdup_printf("%s,timing=%s%s", f.amd ? "amd-iommu"
                                                   : "intel-iommu",
                           flags & 2 ? "broadwell-ep" : "ideal",
                           !f.amd && (flags & 4) ? ",caching-mode=on" : "");
    if (!machine_add_device(f.m, spec, &err) ||
        !machine_add_device(f.m, "edu,addr=02.0", &err) ||
        !machine_realize(f.m, &err)) {
        g_error("fuzz machine: %s", err->message);
    }
    g_free(spec);
    f.mem = machine_memory_as(f.m);
    f.io = machine_io_as(f.m);
    f.clk = machine_clock(f.m);
    if (f.amd) {
        fz_amd_baseline(&f);
    } else {
        fz_vtd_baseline(&f);
    }
    for (unsigned i = 0; i < FZ_MAX_OPS && in.n; i++) {
        fz_op(&f, &in);
    }
    if (getenv("FUZZ_STATS")) {
        char *st = machine_stats(f.m, NULL);
        fprintf(stderr, "%s\n", st);
        g_free(st);
    }
    /* Whatever is pending completes; then the unit is torn down. */
    vclock_advance_to(f.clk, vclock_now(f.clk) + 1000000000);
    machine_free(f.m);
    return 0;
}
