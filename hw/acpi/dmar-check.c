/*
 * The rules a DMAR configuration must follow before it is built (VT-d 5.10
 * chapter 8).  Each failure names the structure (by type and index) and
 * the section that forbids it, since a model's properties are what put a
 * bad value here.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "iommu-sim/acpi.h"
#include "hw/acpi/dmar-layout.h"

#define DMAR_FAIL(errp, ...) \
    (g_set_error(errp, ACPI_ERROR, ACPI_ERROR_CONFIG, "DMAR: " __VA_ARGS__), \
     false)

/* Which device scope entries a structure may carry. */
typedef struct DmarScopeRules {
    const char *owner;        /* "DRHD[0]" */
    const char *section;
    unsigned allowed_types;   /* bit per AcpiDmarScopeType */
    bool flags_allowed;       /* SIDP only (§8.3.1 Flags) */
    bool single_pair;         /* SATC: RCIEPs only (§8.8) */
    size_t fixed_len;         /* the structure's bytes before its scopes */
} DmarScopeRules;

#define SCOPE_BIT(t) (1u << (t))
#define SCOPE_ANY (SCOPE_BIT(ACPI_DMAR_SCOPE_PCI_ENDPOINT) | \
                   SCOPE_BIT(ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY) | \
                   SCOPE_BIT(ACPI_DMAR_SCOPE_IOAPIC) | \
                   SCOPE_BIT(ACPI_DMAR_SCOPE_MSI_CAPABLE_HPET) | \
                   SCOPE_BIT(ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE))
#define SCOPE_PCI (SCOPE_BIT(ACPI_DMAR_SCOPE_PCI_ENDPOINT) | \
                   SCOPE_BIT(ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY))

static bool dmar_andd_declared(const AcpiDmarConfig *cfg, uint8_t number)
{
    for (size_t i = 0; i < cfg->n_andds; i++) {
        if (cfg->andds[i].device_number == number) {
            return true;
        }
    }
    return false;
}

/* §8.3.1: one entry's type, flags, enumeration id and path. */
static bool dmar_check_scope(const AcpiDmarConfig *cfg,
                             const DmarScopeRules *r, size_t i,
                             const AcpiDmarScope *s, GError **errp)
{
    unsigned t = s->type;

    if (t > ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE || t == 0 ||
        !(r->allowed_types & SCOPE_BIT(t))) {
        return DMAR_FAIL(errp, "%s scope[%zu]: type %u not allowed here "
                         "(VT-d 5.10 %s)", r->owner, i, t, r->section);
    }
    if (s->path_len == 0 || s->path_len > ACPI_DMAR_SCOPE_MAX_PATH ||
        (s->path_len != 1 && (r->single_pair ||
                              t == ACPI_DMAR_SCOPE_MSI_CAPABLE_HPET ||
                              t == ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE))) {
        return DMAR_FAIL(errp, "%s scope[%zu]: path of %u pairs not allowed "
                         "(VT-d 5.10 §8.3.1%s)", r->owner, i, s->path_len,
                         r->single_pair ? ", §8.8" : "");
    }
    for (unsigned k = 0; k < s->path_len; k++) {
        if (s->path[k].device > PCI_DEVICE_MAX ||
            s->path[k].function > PCI_FUNCTION_MAX) {
            return DMAR_FAIL(errp, "%s scope[%zu]: path[%u] %u.%u is not a "
                             "PCI device.function (VT-d 5.10 §8.3.1)",
                             r->owner, i, k, s->path[k].device,
                             s->path[k].function);
        }
    }
    if (s->flags && (!r->flags_allowed ||
                     (s->flags & ~ACPI_DMAR_SCOPE_FLAGS_DEFINED) ||
                     (t != ACPI_DMAR_SCOPE_PCI_ENDPOINT &&
                      t != ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE))) {
        return DMAR_FAIL(errp, "%s scope[%zu]: flags 0x%x are reserved here "
                         "(VT-d 5.10 §8.3.1)", r->owner, i, s->flags);
    }
    if (s->enumeration_id && (t == ACPI_DMAR_SCOPE_PCI_ENDPOINT ||
                              t == ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY)) {
        return DMAR_FAIL(errp, "%s scope[%zu]: enumeration id is reserved "
                         "for PCI scopes (VT-d 5.10 §8.3.1)", r->owner, i);
    }
    if (t == ACPI_DMAR_SCOPE_ACPI_NAMESPACE_DEVICE &&
        !dmar_andd_declared(cfg, s->enumeration_id)) {
        return DMAR_FAIL(errp, "%s scope[%zu]: ACPI device number %u has no "
                         "ANDD (VT-d 5.10 §8.7)", r->owner, i,
                         s->enumeration_id);
    }
    return true;
}

static bool dmar_check_scopes(const AcpiDmarConfig *cfg,
                              const DmarScopeRules *r,
                              const AcpiDmarScope *scopes, size_t n,
                              GError **errp)
{
    if (n && !scopes) {
        return DMAR_FAIL(errp, "%s: %zu scopes but no array", r->owner, n);
    }
    size_t total = r->fixed_len;

    for (size_t i = 0; i < n; i++) {
        if (!dmar_check_scope(cfg, r, i, &scopes[i], errp)) {
            return false;
        }
        total += acpi_dmar_scope_size(&scopes[i]);
    }
    if (total > G_MAXUINT16) {
        return DMAR_FAIL(errp, "%s: %zu bytes do not fit the 16-bit Length "
                         "(VT-d 5.10 §8.2)", r->owner, total);
    }
    return true;
}

/* §8.3: INCLUDE_PCI_ALL must be the last unit of its segment. */
static bool dmar_drhd_is_last_of_segment(const AcpiDmarConfig *cfg, size_t i)
{
    for (size_t j = i + 1; j < cfg->n_drhds; j++) {
        if (cfg->drhds[j].segment == cfg->drhds[i].segment) {
            return false;
        }
    }
    return true;
}

static bool dmar_check_drhd(const AcpiDmarConfig *cfg, size_t i,
                            GError **errp)
{
    const AcpiDmarDrhd *d = &cfg->drhds[i];
    char owner[32];
    DmarScopeRules r = { owner, "§8.3, §8.3.1", SCOPE_ANY, false, false,
                         DRHD_SCOPES };

    g_snprintf(owner, sizeof(owner), "DRHD[%zu]", i);
    if (d->flags & ~DRHD_FLAGS_DEFINED) {
        return DMAR_FAIL(errp, "%s: flags 0x%x set reserved bits "
                         "(VT-d 5.10 §8.3)", owner, d->flags);
    }
    if (d->size > DRHD_SIZE_MASK) {
        return DMAR_FAIL(errp, "%s: size %u exceeds 15 (VT-d 5.10 §8.3)",
                         owner, d->size);
    }
    if (d->base & ((UINT64_C(1) << (d->size + DMAR_PAGE_SHIFT)) - 1)) {
        return DMAR_FAIL(errp, "%s: register base 0x%" G_GINT64_MODIFIER
                         "x is not aligned to its %u KiB register set "
                         "(VT-d 5.10 §8.3)", owner, d->base, 4u << d->size);
    }
    if (d->flags & ACPI_DMAR_DRHD_FLAG_INCLUDE_PCI_ALL) {
        if (!dmar_drhd_is_last_of_segment(cfg, i)) {
            return DMAR_FAIL(errp, "%s: INCLUDE_PCI_ALL unit must come after "
                             "every other unit of segment %u (VT-d 5.10 "
                             "§8.3)", owner, d->segment);
        }
        r.allowed_types &= ~SCOPE_PCI;
    }
    return dmar_check_scopes(cfg, &r, d->scopes, d->n_scopes, errp);
}

static bool dmar_check_rmrr(const AcpiDmarConfig *cfg, size_t i,
                            GError **errp)
{
    const AcpiDmarRmrr *m = &cfg->rmrrs[i];
    char owner[32];
    DmarScopeRules r = { owner, "§8.4", SCOPE_PCI, false, false, RMRR_SCOPES };

    g_snprintf(owner, sizeof(owner), "RMRR[%zu]", i);
    if ((m->base & DMAR_PAGE_MASK) || m->limit <= m->base ||
        (m->limit & DMAR_PAGE_MASK) != DMAR_PAGE_MASK) {
        return DMAR_FAIL(errp, "%s: [0x%" G_GINT64_MODIFIER "x, 0x%"
                         G_GINT64_MODIFIER "x] is not a 4 KiB-aligned range "
                         "of whole 4 KiB pages (VT-d 5.10 §8.4)", owner,
                         m->base, m->limit);
    }
    if (m->n_scopes == 0) {
        return DMAR_FAIL(errp, "%s: needs one or more device scopes "
                         "(VT-d 5.10 §8.4)", owner);
    }
    return dmar_check_scopes(cfg, &r, m->scopes, m->n_scopes, errp);
}

static bool dmar_check_atsr(const AcpiDmarConfig *cfg, size_t i,
                            GError **errp)
{
    const AcpiDmarAtsr *a = &cfg->atsrs[i];
    char owner[32];
    DmarScopeRules r = { owner, "§8.5",
                         SCOPE_BIT(ACPI_DMAR_SCOPE_PCI_SUB_HIERARCHY),
                         false, false, ATSR_SCOPES };
    bool all_ports = a->flags & ACPI_DMAR_ATSR_FLAG_ALL_PORTS;

    g_snprintf(owner, sizeof(owner), "ATSR[%zu]", i);
    if (a->flags & ~ATSR_FLAGS_DEFINED) {
        return DMAR_FAIL(errp, "%s: flags 0x%x set reserved bits "
                         "(VT-d 5.10 §8.5)", owner, a->flags);
    }
    if (all_ports != (a->n_scopes == 0)) {
        return DMAR_FAIL(errp, "%s: %s (VT-d 5.10 §8.5)", owner,
                         all_ports ? "ALL_PORTS omits the device scopes"
                                   : "without ALL_PORTS, root-port scopes "
                                     "are required");
    }
    return dmar_check_scopes(cfg, &r, a->scopes, a->n_scopes, errp);
}

static bool dmar_rhsa_for(const AcpiDmarConfig *cfg, uint64_t base)
{
    for (size_t i = 0; i < cfg->n_rhsas; i++) {
        if (cfg->rhsas[i].base == base) {
            return true;
        }
    }
    return false;
}

/* §8.6: when RHSAs are used, every DRHD has one and each names a DRHD. */
static bool dmar_check_rhsas(const AcpiDmarConfig *cfg, GError **errp)
{
    if (cfg->n_rhsas == 0) {
        return true;
    }
    for (size_t i = 0; i < cfg->n_rhsas; i++) {
        bool found = false;

        for (size_t j = 0; j < cfg->n_drhds; j++) {
            found |= cfg->drhds[j].base == cfg->rhsas[i].base;
        }
        if (!found) {
            return DMAR_FAIL(errp, "RHSA[%zu]: base 0x%" G_GINT64_MODIFIER
                             "x is no DRHD's (VT-d 5.10 §8.6)", i,
                             cfg->rhsas[i].base);
        }
    }
    for (size_t i = 0; i < cfg->n_drhds; i++) {
        if (!dmar_rhsa_for(cfg, cfg->drhds[i].base)) {
            return DMAR_FAIL(errp, "DRHD[%zu]: no RHSA although RHSAs are "
                             "used (VT-d 5.10 §8.6)", i);
        }
    }
    return true;
}

static bool dmar_check_andds(const AcpiDmarConfig *cfg, GError **errp)
{
    for (size_t i = 0; i < cfg->n_andds; i++) {
        const AcpiDmarAndd *a = &cfg->andds[i];

        if (!a->object_name || !a->object_name[0] ||
            strlen(a->object_name) + 1 > G_MAXUINT16 - ANDD_NAME) {
            return DMAR_FAIL(errp, "ANDD[%zu]: needs an ACPI object name "
                             "(VT-d 5.10 §8.7)", i);
        }
        for (size_t j = 0; j < i; j++) {
            if (cfg->andds[j].device_number == a->device_number) {
                return DMAR_FAIL(errp, "ANDD[%zu]: ACPI device number %u "
                                 "already used by ANDD[%zu] (VT-d 5.10 "
                                 "§8.7)", i, a->device_number, j);
            }
        }
    }
    return true;
}

static bool dmar_check_satc(const AcpiDmarConfig *cfg, size_t i,
                            GError **errp)
{
    const AcpiDmarSatc *s = &cfg->satcs[i];
    char owner[32];
    DmarScopeRules r = { owner, "§8.8",
                         SCOPE_BIT(ACPI_DMAR_SCOPE_PCI_ENDPOINT),
                         false, true, ATSR_SCOPES };

    g_snprintf(owner, sizeof(owner), "SATC[%zu]", i);
    if (s->flags & ~SATC_FLAGS_DEFINED) {
        return DMAR_FAIL(errp, "%s: flags 0x%x set reserved bits "
                         "(VT-d 5.10 §8.8)", owner, s->flags);
    }
    for (size_t j = 0; j < i; j++) {
        if (cfg->satcs[j].segment == s->segment &&
            cfg->satcs[j].flags == s->flags) {
            return DMAR_FAIL(errp, "%s: same segment and flags as SATC[%zu]; "
                             "they belong in one structure (VT-d 5.10 §8.8)",
                             owner, j);
        }
    }
    return dmar_check_scopes(cfg, &r, s->scopes, s->n_scopes, errp);
}

static bool dmar_check_sidp(const AcpiDmarConfig *cfg, size_t i,
                            GError **errp)
{
    char owner[32];
    DmarScopeRules r = { owner, "§8.9", SCOPE_ANY, true, false, ATSR_SCOPES };

    g_snprintf(owner, sizeof(owner), "SIDP[%zu]", i);
    return dmar_check_scopes(cfg, &r, cfg->sidps[i].scopes,
                             cfg->sidps[i].n_scopes, errp);
}

/* Array pointers present where counts say so. */
static bool dmar_check_arrays(const AcpiDmarConfig *cfg, GError **errp)
{
    if ((cfg->n_drhds && !cfg->drhds) || (cfg->n_rmrrs && !cfg->rmrrs) ||
        (cfg->n_atsrs && !cfg->atsrs) || (cfg->n_rhsas && !cfg->rhsas) ||
        (cfg->n_andds && !cfg->andds) || (cfg->n_satcs && !cfg->satcs) ||
        (cfg->n_sidps && !cfg->sidps)) {
        return DMAR_FAIL(errp, "a structure count is set without its array");
    }
    return true;
}

bool acpi_dmar_config_check(const AcpiDmarConfig *cfg, GError **errp)
{
    if (!cfg) {
        return DMAR_FAIL(errp, "no configuration");
    }
    if (!dmar_check_arrays(cfg, errp)) {
        return false;
    }
    if (cfg->host_address_width == 0 || cfg->host_address_width > 64) {
        return DMAR_FAIL(errp, "host address width %u is not 1..64 bits "
                         "(VT-d 5.10 §8.1)", cfg->host_address_width);
    }
    if (cfg->flags & ~ACPI_DMAR_FLAGS_DEFINED) {
        return DMAR_FAIL(errp, "flags 0x%x set reserved bits 3-7 "
                         "(VT-d 5.10 §8.1)", cfg->flags);
    }
    if (cfg->n_drhds == 0) {
        return DMAR_FAIL(errp, "needs one or more DRHD structures "
                         "(VT-d 5.10 §8.1)");
    }
    if (!dmar_check_andds(cfg, errp)) {
        return false;
    }
    for (size_t i = 0; i < cfg->n_drhds; i++) {
        if (!dmar_check_drhd(cfg, i, errp)) {
            return false;
        }
    }
    if (!dmar_check_rhsas(cfg, errp)) {
        return false;
    }
    for (size_t i = 0; i < cfg->n_rmrrs; i++) {
        if (!dmar_check_rmrr(cfg, i, errp)) {
            return false;
        }
    }
    for (size_t i = 0; i < cfg->n_atsrs; i++) {
        if (!dmar_check_atsr(cfg, i, errp)) {
            return false;
        }
    }
    for (size_t i = 0; i < cfg->n_satcs; i++) {
        if (!dmar_check_satc(cfg, i, errp)) {
            return false;
        }
    }
    for (size_t i = 0; i < cfg->n_sidps; i++) {
        if (!dmar_check_sidp(cfg, i, errp)) {
            return false;
        }
    }
    return true;
}
