/*
 * Check tests for the AMD-Vi v1 page-table walker (AMD IOMMU spec 48882
 * §2.2.3): every mode 1-6, natural page sizes, level skipping,
 * NextLevel-7 pages of every power-of-two size at their boundaries,
 * IR/IW across levels, reserved bits, and a property test against a
 * plain reference walker on random tables (directly and through the
 * translate path with its caches).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "amdvi-test-util.h"

/* ---- a reference walker, written from the spec text independently ---- */

typedef struct RefResult {
    int status;             /* 0 ok, 1 not present, 2 reserved/malformed */
    uint64_t addr;          /* translated address of iova */
    uint64_t mask;
    unsigned perm;
} RefResult;

#define REF_ADDR_BITS 0x000ffffffffff000ull

static void ref_walk(ATest *t, unsigned mode, uint64_t root, uint64_t iova,
                     RefResult *r)
{
    unsigned level = mode, perm = 3;
    uint64_t table = root;

    memset(r, 0, sizeof(*r));
    if (mode < 6 && (iova >> (12 + 9 * mode)) != 0) {
        r->status = 1;
        return;
    }
    for (;;) {
        unsigned g = 12 + 9 * (level - 1);
        uint64_t e = at_r64(t, table + ((iova >> g) & 511) * 8);
        unsigned nl = (e >> 9) & 7, shift = g;

        if (!(e & 1)) {
            r->status = 1;
            return;
        }
        perm &= (unsigned)(((e >> 61) & 1) | (((e >> 62) & 1) << 1));
        if (nl == 0 || nl == 7) {
            if (nl == 7) {
                unsigned n = 12;
                while (n < 52 && ((e >> n) & 1)) {
                    n++;
                }
                shift = n + 1;
                if (n >= 52 || shift <= g || (level < 6 && shift >= g + 9)) {
                    r->status = 2;
                    return;
                }
            }
            if (e & (0x1full << 52)) {
                r->status = 2;
                return;
            }
            r->mask = shift >= 64 ? ~0ull : (1ull << shift) - 1;
            r->addr = ((e & REF_ADDR_BITS) & ~r->mask) | (iova & r->mask);
            r->perm = perm;
            return;
        }
        if (nl >= level || (e & (0x7full << 52))) {
            r->status = 2;
            return;
        }
        for (unsigned l = nl + 1; l < level; l++) {
            if ((iova >> (12 + 9 * (l - 1))) & 511) {
                r->status = 1;
                return;
            }
        }
        table = e & REF_ADDR_BITS;
        level = nl;
    }
}

static int status_class(AMDVIStatus st)
{
    return st == AMDVI_OK ? 0 : st == AMDVI_ST_PAGE_NOT_PRESENT ? 1
         : st == AMDVI_ST_PAGE_RSVD ? 2 : 3;
}

static void walk(ATest *t, unsigned mode, uint64_t root, uint64_t iova,
                 AMDVIWalkResult *w)
{
    AMDVIDte d = { .v = true, .tv = true, .mode = (uint8_t)mode,
                   .pt_root = root };

    amdvi_pt_walk(t->s, &d, iova, w);
}

/* ---- fixed cases ---- */

/* Chain mode..1 of one-step directories, 4 KiB leaf: reads == mode. */
START_TEST(test_amdvi_walk_every_mode_1_to_6)
{
    for (unsigned mode = 1; mode <= 6; mode++) {
        ATest *t = at_new(NULL);
        uint64_t iova = mode >= 2 ? 0x12345678000ull : 0x1f5000;
        uint64_t table = at_alloc(t), root = table;
        AMDVIWalkResult w;

        iova &= mode < 6 ? (1ull << (12 + 9 * mode)) - 1 : ~0ull;
        for (unsigned l = mode; l > 1; l--) {
            uint64_t next = at_alloc(t);
            at_w64(t, table + at_idx(iova, l) * 8, at_pde(next, l - 1, 1, 1));
            table = next;
        }
        at_w64(t, table + at_idx(iova, 1) * 8, at_pte(0x7654000, 1, 1));
        walk(t, mode, root, iova | 0x123, &w);
        ck_assert_int_eq(w.status, AMDVI_OK);
        ck_assert_uint_eq(w.addr, 0x7654000);
        ck_assert_uint_eq(w.addr_mask, 0xfff);
        ck_assert_uint_eq(w.level, 1);
        ck_assert_uint_eq(w.mem_reads, mode);
        ck_assert_uint_eq(w.perm, IOMMU_RW);
        at_free(t);
    }
}
END_TEST

/* NextLevel 0 above level 1: the level's natural page size. */
START_TEST(test_amdvi_walk_natural_large_pages)
{
    ATest *t = at_new(NULL);
    uint64_t l3 = at_alloc(t), l2 = at_alloc(t);
    AMDVIWalkResult w;

    at_w64(t, l3 + 0 * 8, at_pde(l2, 2, 1, 1));
    at_w64(t, l3 + 1 * 8, at_pte(0x80000000ull, 1, 0));   /* 1 GiB */
    at_w64(t, l2 + 3 * 8, at_pte(0x600000ull, 1, 1));     /* 2 MiB */
    walk(t, 3, l3, 0x7fffff, &w);
    ck_assert_int_eq(w.status, AMDVI_OK);
    ck_assert_uint_eq(w.addr_mask, (1ull << 21) - 1);
    ck_assert_uint_eq(w.addr, 0x600000);
    ck_assert_uint_eq(w.iova, 0x600000);
    ck_assert_uint_eq(w.level, 2);
    walk(t, 3, l3, 0x7fffffffull, &w);
    ck_assert_int_eq(w.status, AMDVI_OK);
    ck_assert_uint_eq(w.addr_mask, (1ull << 30) - 1);
    ck_assert_uint_eq(w.addr, 0x80000000ull);
    ck_assert_uint_eq(w.perm, IOMMU_RO);
    /* One past the 2 MiB page: index 4 is empty. */
    walk(t, 3, l3, 0x800000, &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_NOT_PRESENT);
    at_free(t);
}
END_TEST

/* A mode-4 root entry with NextLevel 1 skips levels 3 and 2. */
START_TEST(test_amdvi_walk_level_skip)
{
    ATest *t = at_new(NULL);
    uint64_t l4 = at_alloc(t), l1 = at_alloc(t), l2 = at_alloc(t);
    AMDVIWalkResult w;

    at_w64(t, l4 + 5 * 8, at_pde(l1, 1, 1, 1));
    at_w64(t, l1 + 7 * 8, at_pte(0xabc000, 1, 1));
    walk(t, 4, l4, (5ull << 39) | (7ull << 12) | 0x10, &w);
    ck_assert_int_eq(w.status, AMDVI_OK);
    ck_assert_uint_eq(w.addr, 0xabc000);
    ck_assert_uint_eq(w.mem_reads, 2);
    ck_assert_uint_eq(w.pde_mask, 1u << 4);
    /* A skipped level's index bits set: not present. */
    walk(t, 4, l4, (5ull << 39) | (1ull << 21) | (7ull << 12), &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_NOT_PRESENT);
    walk(t, 4, l4, (5ull << 39) | (1ull << 30) | (7ull << 12), &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_NOT_PRESENT);
    /* Skip one level (4 -> 2) onto a 2 MiB leaf. */
    at_w64(t, l4 + 6 * 8, at_pde(l2, 2, 1, 1));
    at_w64(t, l2 + 9 * 8, at_pte(0x40000000ull, 1, 1));
    walk(t, 4, l4, (6ull << 39) | (9ull << 21) | 0x1234, &w);
    ck_assert_int_eq(w.status, AMDVI_OK);
    ck_assert_uint_eq(w.addr, 0x40000000ull);
    ck_assert_uint_eq(w.addr_mask, (1ull << 21) - 1);
    /* NextLevel not below the current level is malformed. */
    at_w64(t, l4 + 8 * 8, at_pde(l2, 4, 1, 1));
    walk(t, 4, l4, 8ull << 39, &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_RSVD);
    at_free(t);
}
END_TEST

/*
 * NextLevel 7 at level L maps 2^s bytes for every s strictly between
 * the level's natural size and the next level's, up to the 52-bit
 * address: first and last byte translate, the byte after does not.
 */
START_TEST(test_amdvi_walk_nl7_every_page_size)
{
    unsigned checked = 0;

    for (unsigned level = 1; level <= 5; level++) {
        unsigned g = 12 + 9 * (level - 1);

        for (unsigned s = g + 1; s < g + 9 && s <= 52; s++) {
            ATest *t = at_new(NULL);
            uint64_t size = 1ull << s, table = at_alloc(t), root = table;
            uint64_t iova = size, out = (s >= 40 ? 0 : 3ull * size);
            uint64_t first = at_idx(iova, level);
            AMDVIWalkResult w;

            /* Mode level + 1: one directory above the leaf's table. */
            table = at_alloc(t);
            at_w64(t, root + at_idx(iova, level + 1) * 8,
                   at_pde(table, level, 1, 1));
            /* Linux replicates the PTE over every entry the page covers. */
            for (uint64_t i = 0; i < size >> g && first + i < 512; i++) {
                at_w64(t, table + (first + i) * 8, at_pte7(out, s, 1, 1));
            }
            walk(t, level + 1, root, iova, &w);
            ck_assert_msg(w.status == AMDVI_OK, "level %u size 2^%u", level,
                          s);
            ck_assert_uint_eq(w.addr_mask, size - 1);
            ck_assert_uint_eq(w.addr, out);
            ck_assert_uint_eq(amdvi_pt_nl7_shift(w.leaf, level), s);
            walk(t, level + 1, root, iova + size - 1, &w);
            ck_assert_int_eq(w.status, AMDVI_OK);
            ck_assert_uint_eq(w.addr | (size - 1), out + size - 1);
            if ((first + (size >> g)) < 512) {
                walk(t, level + 1, root, iova + size, &w);
                ck_assert_int_eq(w.status, AMDVI_ST_PAGE_NOT_PRESENT);
            }
            checked++;
            at_free(t);
        }
    }
    /* 8 sizes at levels 1-4, 4 at level 5 (49..52). */
    ck_assert_uint_eq(checked, 36);
}
END_TEST

START_TEST(test_amdvi_walk_nl7_malformed_sizes)
{
    /* 8 KiB encoding at level 2 is smaller than the level's 2 MiB. */
    ck_assert_uint_eq(amdvi_pt_nl7_shift(at_pte7(0, 13, 1, 1), 2), 0);
    /* 1 GiB encoding at level 2 is the next level's natural size. */
    ck_assert_uint_eq(amdvi_pt_nl7_shift(at_pte7(0, 30, 1, 1), 2), 0);
    ck_assert_uint_eq(amdvi_pt_nl7_shift(at_pte7(0, 29, 1, 1), 2), 29);
    /* All address bits ones: no size. */
    ck_assert_uint_eq(amdvi_pt_nl7_shift(REG_BITS(51, 12) | 0xe01, 3), 0);
    ck_assert_uint_eq(amdvi_pt_nl7_shift(at_pte7(0, 13, 1, 1), 0), 0);
    ck_assert_uint_eq(amdvi_pt_nl7_shift(at_pte7(0, 13, 1, 1), 7), 0);
}
END_TEST

/* IR/IW ANDed over the levels; reserved bits; not present; hw error. */
START_TEST(test_amdvi_walk_perms_rsvd_and_errors)
{
    ATest *t = at_new(NULL);
    uint64_t l2 = at_alloc(t), l1 = at_alloc(t);
    AMDVIWalkResult w;

    at_w64(t, l2, at_pde(l1, 1, 1, 0));
    at_w64(t, l1, at_pte(0x5000, 1, 1));
    at_w64(t, l1 + 8, at_pte(0x6000, 0, 1));
    at_w64(t, l1 + 16, at_pte(0x7000, 1, 1) | (1ull << 52));
    walk(t, 2, l2, 0, &w);
    ck_assert_uint_eq(w.perm, IOMMU_RO);
    ck_assert_uint_eq(w.perm_at[2], IOMMU_RO);
    walk(t, 2, l2, 0x1000, &w);
    ck_assert_int_eq(w.status, AMDVI_OK);
    ck_assert_uint_eq(w.perm, IOMMU_NONE);
    walk(t, 2, l2, 0x2000, &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_RSVD);
    ck_assert_uint_eq(w.entry_addr, l1 + 16);
    walk(t, 2, l2, 0x3000, &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_NOT_PRESENT);
    /* Input bits above the mode's 30 bits. */
    walk(t, 2, l2, 1ull << 30, &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_NOT_PRESENT);
    /* A directory pointing outside RAM: the read fails. */
    at_w64(t, l2 + 8, at_pde(AT_RAM_SIZE * 4, 1, 1, 1));
    walk(t, 2, l2, 1ull << 21, &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PT_HW_ERROR);
    ck_assert_uint_eq(w.entry_addr, AT_RAM_SIZE * 4);
    /* DTE Mode 7 is reserved: nothing is walked. */
    walk(t, 7, l2, 0, &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_RSVD);
    at_free(t);
    /* A page above the physical address width (pa-bits, EFR.PASize): its
     * address bits beyond it are reserved (§2.2.3). */
    t = at_new("pa-bits=40");
    l2 = at_alloc(t);
    l1 = at_alloc(t);
    at_w64(t, l2, at_pde(l1, 1, 1, 0));
    at_w64(t, l1, at_pte(1ull << 40, 1, 1));
    at_w64(t, l1 + 8, at_pte((1ull << 40) - 0x1000, 1, 1));
    walk(t, 2, l2, 0, &w);
    ck_assert_int_eq(w.status, AMDVI_ST_PAGE_RSVD);
    ck_assert_uint_eq(w.entry_addr, l1);
    walk(t, 2, l2, 0x1000, &w);
    ck_assert_int_eq(w.status, AMDVI_OK);
    ck_assert_uint_eq(w.addr, (1ull << 40) - 0x1000);
    at_free(t);
}
END_TEST

/* ---- property test ---- */

typedef struct Gen {
    ATest *t;
    GRand *r;
} Gen;

static uint64_t gen_perm(Gen *g, uint64_t e)
{
    /* Mostly RW, sometimes read-only / write-only / none. */
    unsigned p = g_rand_int_range(g->r, 0, 8);

    e = amdvi_pte_set_ir(e, p != 1 && p != 3);
    return amdvi_pte_set_iw(e, p != 2 && p != 3);
}

static uint64_t gen_leaf(Gen *g, unsigned level)
{
    unsigned gsh = 12 + 9 * (level - 1);
    uint64_t out = ((uint64_t)g_rand_int(g->r) << 12) & REG_BITS(47, 12);
    uint64_t e;

    if (g_rand_int_range(g->r, 0, 3) == 0 && gsh + 1 <= 51) {
        unsigned max = gsh + 8 < 52 ? gsh + 8 : 52;
        unsigned s = (unsigned)g_rand_int_range(g->r, (gint32)gsh + 1,
                                                (gint32)max + 1);
        e = at_pte7(out, s, 1, 1);
    } else {
        e = at_pte(out & ~((1ull << gsh) - 1) & REG_BITS(51, 0), 1, 1);
    }
    if (g_rand_int_range(g->r, 0, 40) == 0) {
        e |= 1ull << 53;                        /* reserved */
    }
    return gen_perm(g, e);
}

/* Fill iova's path from table at level with random choices. */
static void gen_path(Gen *g, uint64_t table, unsigned level, uint64_t iova)
{
    while (level >= 1) {
        uint64_t slot = table + at_idx(iova, level) * 8;
        uint64_t e = at_r64(g->t, slot);
        unsigned pick = (unsigned)g_rand_int_range(g->r, 0, 10);

        if (e == 0) {
            if (pick == 0) {
                return;                         /* leave not present */
            }
            if (level == 1 || pick <= 2) {
                at_w64(g->t, slot, gen_leaf(g, level));
                return;
            }
            /* Directory: usually the next level, sometimes a skip. */
            unsigned nl = pick == 3 && level > 2
                ? (unsigned)g_rand_int_range(g->r, 1, (gint32)level - 1)
                : level - 1;
            e = gen_perm(g, at_pde(at_alloc(g->t), nl, 1, 1));
            at_w64(g->t, slot, e);
        }
        if (!(e & 1)) {
            return;
        }
        unsigned nl = (unsigned)amdvi_pde_get_next_level(e);
        if (nl == 0 || nl == 7 || nl >= level) {
            return;
        }
        table = amdvi_pde_get_addr(e) << 12;
        level = nl;
    }
}

static uint64_t gen_iova(Gen *g, unsigned mode)
{
    uint64_t v = ((uint64_t)g_rand_int(g->r) << 32) | g_rand_int(g->r);

    /* Skipped-level bits are often zero in real use: sometimes clear. */
    if (g_rand_boolean(g->r)) {
        v &= ~REG_BITS(38, 21);
    }
    return mode < 6 ? v & ((1ull << (12 + 9 * mode)) - 1) : v;
}

static void compare_one(ATest *t, unsigned mode, uint64_t root, uint64_t iova)
{
    RefResult r;
    AMDVIWalkResult w;

    ref_walk(t, mode, root, iova, &r);
    walk(t, mode, root, iova, &w);
    ck_assert_msg(status_class(w.status) == r.status,
                  "mode %u iova %#" G_GINT64_MODIFIER "x: %d vs ref %d",
                  mode, iova, status_class(w.status), r.status);
    if (r.status == 0) {
        ck_assert_uint_eq(w.addr | (iova & w.addr_mask), r.addr);
        ck_assert_uint_eq(w.addr_mask, r.mask);
        ck_assert_uint_eq(w.perm, r.perm);
    }
}

START_TEST(test_amdvi_walk_matches_reference_random)
{
    unsigned compared = 0;

    for (unsigned seed = 1; seed <= 24; seed++) {
        ATest *t = at_new(NULL);
        Gen g = { .t = t, .r = g_rand_new_with_seed(seed) };
        unsigned mode = 1 + seed % 6;
        uint64_t root = at_alloc(t);
        uint64_t iovas[96];

        for (unsigned i = 0; i < G_N_ELEMENTS(iovas); i++) {
            iovas[i] = gen_iova(&g, mode);
            gen_path(&g, root, mode, iovas[i]);
        }
        for (unsigned i = 0; i < G_N_ELEMENTS(iovas); i++) {
            compare_one(t, mode, root, iovas[i]);
            compare_one(t, mode, root, iovas[i] ^ 0x1000);
            compared += 2;
        }
        g_rand_free(g.r);
        at_free(t);
    }
    ck_assert_uint_eq(compared, 24 * 96 * 2);
}
END_TEST

/* The same tables through translate twice: caches must not change it. */
START_TEST(test_amdvi_walk_cached_translate_matches_reference)
{
    for (unsigned seed = 100; seed < 112; seed++) {
        ATest *t = at_new(NULL);
        Gen g = { .t = t, .r = g_rand_new_with_seed(seed) };
        unsigned mode = 1 + seed % 6;
        uint64_t root = at_alloc(t);
        uint64_t iovas[64];

        at_enable(t);
        for (unsigned i = 0; i < G_N_ELEMENTS(iovas); i++) {
            iovas[i] = gen_iova(&g, mode);
            gen_path(&g, root, mode, iovas[i]);
        }
        at_dte_xlate(t, 0x0300, mode, root, 1, 1, 7);
        for (unsigned pass = 0; pass < 2; pass++) {
            for (unsigned i = 0; i < G_N_ELEMENTS(iovas); i++) {
                IOMMUTranslation x = at_xlate(t, 0x0300, iovas[i], IOMMU_NONE);
                RefResult r;

                ref_walk(t, mode, root, iovas[i], &r);
                if (r.status != 0 || r.perm == 0) {
                    ck_assert_msg(x.fault, "seed %u pass %u", seed, pass);
                    continue;
                }
                ck_assert_msg(!x.fault, "seed %u pass %u i %u", seed, pass, i);
                ck_assert_uint_eq(x.entry.translated_addr |
                                  (iovas[i] & x.entry.addr_mask), r.addr);
                ck_assert_uint_eq((unsigned)x.entry.perm, r.perm);
            }
        }
        g_rand_free(g.r);
        at_free(t);
    }
}
END_TEST

static Suite *amdvi_walk_suite(void)
{
    Suite *s = suite_create("amdvi-walk");
    TCase *tc = tcase_create("walk");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_amdvi_walk_every_mode_1_to_6);
    tcase_add_test(tc, test_amdvi_walk_natural_large_pages);
    tcase_add_test(tc, test_amdvi_walk_level_skip);
    tcase_add_test(tc, test_amdvi_walk_nl7_every_page_size);
    tcase_add_test(tc, test_amdvi_walk_nl7_malformed_sizes);
    tcase_add_test(tc, test_amdvi_walk_perms_rsvd_and_errors);
    tcase_add_test(tc, test_amdvi_walk_matches_reference_random);
    tcase_add_test(tc, test_amdvi_walk_cached_translate_matches_reference);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(amdvi_walk_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
