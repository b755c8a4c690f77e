/*
 * AMD-Vi event log (AMD IOMMU spec 48882 §2.5) and the IOMMU's interrupt.
 *
 * The log is a ring of 16-byte entries at EVENT_LOG_BASE with 2^EventLen
 * entries; the IOMMU writes at the tail, software consumes at the head.
 * One slot stays empty: the log is full when advancing the tail would
 * make it equal the head (§2.5.1).  An event that finds the log full sets
 * STATUS.EventOverflow and stops logging (EventLogRun drops) until
 * software clears and sets CONTROL.EventLogEn again (Linux's
 * amd_iommu_restart_event_logging does exactly that).  Each entry is in
 * memory before the tail register moves, so software that reads the tail
 * and then the entry never sees a stale one.
 *
 * Every event type has its encoder here, the DeviceID always the full
 * 16 bits (bus included); the command buffer (amdvi-cmd) logs its own
 * types through amdvi_event_log_write().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "hw/amd-vi/amdvi-internal.h"

#define AMDVI_EVENT_BYTES 16u
#define AMDVI_RING_PTR_MASK AMDVI_EVENT_LOG_TAIL_EVENT_TAIL_PTR_MASK

static void amdvi_encode_ill_dte(const AMDVIEvent *ev, uint64_t *w)
{
    amdvi_event_illegal_dev_table_entry_set_device_id(w, ev->devid);
    amdvi_event_illegal_dev_table_entry_set_pasid_19_16(w, ev->pasid >> 16);
    amdvi_event_illegal_dev_table_entry_set_pasid(w, ev->pasid & 0xffff);
    amdvi_event_illegal_dev_table_entry_set_gn(w, ev->gn);
    amdvi_event_illegal_dev_table_entry_set_i(w, ev->i);
    amdvi_event_illegal_dev_table_entry_set_rw(w, ev->rw);
    amdvi_event_illegal_dev_table_entry_set_rz(w, ev->rz);
    amdvi_event_illegal_dev_table_entry_set_tr(w, ev->tr);
    amdvi_event_illegal_dev_table_entry_set_address(w, ev->addr >> 2);
}

static void amdvi_encode_io_page_fault(const AMDVIEvent *ev, uint64_t *w)
{
    /* DomainID when GN=0, PASID[15:0] when GN=1 (§2.5.3). */
    uint32_t dp = ev->gn ? (ev->pasid & 0xffff) : ev->domain_id;

    amdvi_event_io_page_fault_set_device_id(w, ev->devid);
    amdvi_event_io_page_fault_set_pasid_19_16(w, ev->gn ? ev->pasid >> 16
                                                        : 0);
    amdvi_event_io_page_fault_set_domain_or_pasid(w, dp);
    amdvi_event_io_page_fault_set_gn(w, ev->gn);
    amdvi_event_io_page_fault_set_nx(w, ev->nx);
    amdvi_event_io_page_fault_set_us(w, ev->us);
    amdvi_event_io_page_fault_set_i(w, ev->i);
    amdvi_event_io_page_fault_set_pr(w, ev->pr);
    amdvi_event_io_page_fault_set_rw(w, ev->rw);
    amdvi_event_io_page_fault_set_pe(w, ev->pe);
    amdvi_event_io_page_fault_set_rz(w, ev->rz);
    amdvi_event_io_page_fault_set_tr(w, ev->tr);
    amdvi_event_io_page_fault_set_address(w, ev->addr);
}

static void amdvi_encode_dev_tab_hw(const AMDVIEvent *ev, uint64_t *w)
{
    amdvi_event_dev_tab_hardware_error_set_device_id(w, ev->devid);
    amdvi_event_dev_tab_hardware_error_set_i(w, ev->i);
    amdvi_event_dev_tab_hardware_error_set_rw(w, ev->rw);
    amdvi_event_dev_tab_hardware_error_set_tr(w, ev->tr);
    amdvi_event_dev_tab_hardware_error_set_type(w, ev->type);
    amdvi_event_dev_tab_hardware_error_set_address(w, ev->addr >> 4);
}

static void amdvi_encode_page_tab_hw(const AMDVIEvent *ev, uint64_t *w)
{
    uint32_t dp = ev->gn ? (ev->pasid & 0xffff) : ev->domain_id;

    amdvi_event_page_tab_hardware_error_set_device_id(w, ev->devid);
    amdvi_event_page_tab_hardware_error_set_pasid_19_16(
        w, ev->gn ? ev->pasid >> 16 : 0);
    amdvi_event_page_tab_hardware_error_set_domain_or_pasid(w, dp);
    amdvi_event_page_tab_hardware_error_set_gn(w, ev->gn);
    amdvi_event_page_tab_hardware_error_set_i(w, ev->i);
    amdvi_event_page_tab_hardware_error_set_rw(w, ev->rw);
    amdvi_event_page_tab_hardware_error_set_tr(w, ev->tr);
    amdvi_event_page_tab_hardware_error_set_type(w, ev->type);
    amdvi_event_page_tab_hardware_error_set_address(w, ev->addr >> 3);
}

static void amdvi_encode_inv_dev_req(const AMDVIEvent *ev, uint64_t *w)
{
    amdvi_event_invalid_device_request_set_device_id(w, ev->devid);
    amdvi_event_invalid_device_request_set_pasid_19_16(w, ev->pasid >> 16);
    amdvi_event_invalid_device_request_set_pasid(w, ev->pasid & 0xffff);
    amdvi_event_invalid_device_request_set_gn(w, ev->gn);
    amdvi_event_invalid_device_request_set_us(w, ev->us);
    amdvi_event_invalid_device_request_set_i(w, ev->i);
    amdvi_event_invalid_device_request_set_rw(w, ev->rw);
    amdvi_event_invalid_device_request_set_tr(w, ev->tr);
    amdvi_event_invalid_device_request_set_type(w, ev->type);
    amdvi_event_invalid_device_request_set_address(w, ev->addr);
}

/* §2.5: one layout per event code; the code itself at 63:60. */
void amdvi_event_encode(const AMDVIEvent *ev, uint64_t out[2])
{
    out[0] = out[1] = 0;
    switch (ev->code) {
    case AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY:
        amdvi_encode_ill_dte(ev, out);
        break;
    case AMDVI_EVENT_IO_PAGE_FAULT:
        amdvi_encode_io_page_fault(ev, out);
        break;
    case AMDVI_EVENT_DEV_TAB_HARDWARE_ERROR:
        amdvi_encode_dev_tab_hw(ev, out);
        break;
    case AMDVI_EVENT_PAGE_TAB_HARDWARE_ERROR:
        amdvi_encode_page_tab_hw(ev, out);
        break;
    case AMDVI_EVENT_ILLEGAL_COMMAND_ERROR:
        amdvi_event_illegal_command_error_set_address(out, ev->addr >> 4);
        break;
    case AMDVI_EVENT_COMMAND_HARDWARE_ERROR:
        amdvi_event_command_hardware_error_set_type(out, ev->type);
        amdvi_event_command_hardware_error_set_address(out, ev->addr >> 4);
        break;
    case AMDVI_EVENT_IOTLB_INV_TIMEOUT:
        amdvi_event_iotlb_inv_timeout_set_device_id(out, ev->devid);
        amdvi_event_iotlb_inv_timeout_set_address(out, ev->addr >> 4);
        break;
    case AMDVI_EVENT_INVALID_DEVICE_REQUEST:
        amdvi_encode_inv_dev_req(ev, out);
        break;
    default:
        /* PPR / counter / RMP events come with their issues: code only. */
        amdvi_event_invalid_ppr_request_set_device_id(out, ev->devid);
        out[1] = ev->addr;
        break;
    }
    amdvi_event_set_event_code(out, ev->code);
}

/* --- the IOMMU's interrupt ------------------------------------------- */

void amdvi_msi_configure(AMDVIState *s, bool enabled, MsiMessage msg)
{
    s->msi_enabled = enabled;
    s->msi_msg = msg;
}

/* Which CONTROL enable gates the interrupt of a STATUS bit (§3.4). */
static uint64_t amdvi_int_enable_for(uint64_t status_bit)
{
    if (status_bit & (AMDVI_STATUS_EVENT_LOG_INT_MASK |
                      AMDVI_STATUS_EVENT_OVERFLOW_MASK)) {
        return AMDVI_CONTROL_EVENT_INT_EN_MASK;
    }
    if (status_bit & AMDVI_STATUS_COM_WAIT_INT_MASK) {
        return AMDVI_CONTROL_COM_WAIT_INT_EN_MASK;
    }
    if (status_bit & (AMDVI_STATUS_PPR_INT_MASK |
                      AMDVI_STATUS_PPR_OVERFLOW_MASK)) {
        return AMDVI_CONTROL_PPR_INT_EN_MASK;
    }
    if (status_bit & (AMDVI_STATUS_GA_INT_MASK |
                      AMDVI_STATUS_GA_OVERFLOW_MASK)) {
        return AMDVI_CONTROL_GA_INT_EN_MASK;
    }
    return 0;
}

void amdvi_interrupt_raise(AMDVIState *s, uint64_t status_bit)
{
    uint64_t en = amdvi_int_enable_for(status_bit);

    amdvi_reg_update(s, AMDVI_RI_STATUS, 0, status_bit);
    if (!en || !amdvi_control_has(s, en) || !s->msi_enabled) {
        return;
    }
    s->stats.interrupts++;
    if (s->msi) {
        /* The IOMMU's own MSI is not subject to its remapping. */
        msi_sink_deliver(s->msi, s->msi_msg, MEMTXATTRS_UNSPECIFIED);
    }
}

/* --- the log ----------------------------------------------------------- */

void amdvi_event_log_control(AMDVIState *s, uint64_t old_ctl,
                             uint64_t new_ctl)
{
    bool run;

    /* Clearing and setting EventLogEn restarts a log stopped by overflow. */
    if (!(old_ctl & AMDVI_CONTROL_EVENT_LOG_EN_MASK) &&
        (new_ctl & AMDVI_CONTROL_EVENT_LOG_EN_MASK)) {
        s->evlog_stopped = false;
    }
    run = (new_ctl & AMDVI_CONTROL_IOMMU_EN_MASK) &&
          (new_ctl & AMDVI_CONTROL_EVENT_LOG_EN_MASK) && !s->evlog_stopped;
    amdvi_reg_update(s, AMDVI_RI_STATUS, AMDVI_STATUS_EVENT_LOG_RUN_MASK,
                     run ? AMDVI_STATUS_EVENT_LOG_RUN_MASK : 0);
}

static void amdvi_event_overflow(AMDVIState *s)
{
    s->evlog_stopped = true;
    s->stats.events_dropped++;
    amdvi_reg_update(s, AMDVI_RI_STATUS, AMDVI_STATUS_EVENT_LOG_RUN_MASK, 0);
    amdvi_interrupt_raise(s, AMDVI_STATUS_EVENT_OVERFLOW_MASK);
}

bool amdvi_event_log_write(AMDVIState *s, const AMDVIEvent *ev)
{
    uint64_t base = amdvi_reg_get(s, AMDVI_RI_EVENT_LOG_BASE);
    uint64_t size = amdvi_ring_bytes(amdvi_event_log_base_get_event_len(base));
    uint64_t head = (amdvi_reg_get(s, AMDVI_RI_EVENT_LOG_HEAD) &
                     AMDVI_RING_PTR_MASK) % size;
    uint64_t tail = (amdvi_reg_get(s, AMDVI_RI_EVENT_LOG_TAIL) &
                     AMDVI_RING_PTR_MASK) % size;
    uint64_t next = (tail + AMDVI_EVENT_BYTES) % size;
    uint64_t w[2];
    uint8_t bytes[AMDVI_EVENT_BYTES];

    if (!amdvi_status_has(s, AMDVI_STATUS_EVENT_LOG_RUN_MASK)) {
        s->stats.events_dropped++;
        return false;
    }
    if (next == head) {
        amdvi_event_overflow(s);
        return false;
    }
    amdvi_event_encode(ev, w);
    for (unsigned i = 0; i < AMDVI_EVENT_BYTES; i++) {
        bytes[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
    }
    base &= AMDVI_EVENT_LOG_BASE_EVENT_BASE_MASK;
    if (address_space_write(s->dma_as, base + tail, MEMTXATTRS_UNSPECIFIED,
                            bytes, sizeof(bytes)) != MEMTX_OK) {
        /* Guest misprogramming: say so once, keep going. */
        if (!s->stats.events_dropped) {
            g_message("amd-iommu: event log write to 0x%" G_GINT64_MODIFIER
                      "x failed (AMD IOMMU spec 48882 2.5.1); dropped",
                      base + tail);
        }
        s->stats.events_dropped++;
        return false;
    }
    amdvi_reg_set(s, AMDVI_RI_EVENT_LOG_TAIL, next);
    s->stats.events_logged++;
    if (amdvi_control_has(s, AMDVI_CONTROL_EVENT_INT_EN_MASK)) {
        amdvi_interrupt_raise(s, AMDVI_STATUS_EVENT_LOG_INT_MASK);
    }
    return true;
}
