# SPDX-License-Identifier: Apache-2.0
"""Spot checks of the AMD-Vi declarations (specs/amdvi/) against the
projects they were taken from (AMD IOMMU spec 48882 is not in our store;
each check names its source), plus the generator features AMD-Vi added:
per-file table prefixes and the BLOCKS dict for a second register file."""

import glob
import importlib.util
import os
import sys

import pytest

SPECS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, SPECS)
import gen  # noqa: E402

AMDVI = sorted(glob.glob(os.path.join(SPECS, 'amdvi', '*.toml')))


@pytest.fixture(scope='module')
def docs():
    return {os.path.basename(p): gen.load(p) for p in AMDVI}


@pytest.fixture(scope='module')
def amd(docs):
    out = {'registers': {}, 'layouts': {}, 'enums': {}, 'pcicap': {}}
    for name, d in docs.items():
        regs = out['pcicap'] if name == 'pcicap.toml' else out['registers']
        regs.update({x['name']: x for x in d['registers']})
        out['layouts'].update({x['name']: x for x in d['layouts']})
        out['enums'].update({x['name']: x for x in d['enums']})
    return out


def _f(obj, name):
    f = next(f for f in obj['fields'] if f['name'] == name)
    return f['msb'], f['lsb'], f['access'] or f['kind']


def _enum(amd, name):
    return {v['name']: v['value'] for v in amd['enums'][name]['values']}


def test_amdvi_files_load_and_cross_file_names_are_unique(docs):
    assert set(docs) == {'regs.toml', 'pcicap.toml', 'entries.toml',
                         'commands.toml', 'events.toml', 'ivrs.toml'}
    gen.check_vendor_names(list(docs.values()))
    assert all(d['vendor'] == 'amdvi' for d in docs.values())


def test_mmio_offsets_match_linux(amd):
    # Linux amd_iommu_types.h MMIO_*_OFFSET
    expect = {'DEVTAB_BASE': 0x0, 'CMD_BUF_BASE': 0x8,
              'EVENT_LOG_BASE': 0x10, 'CONTROL': 0x18, 'EXCL_BASE': 0x20,
              'EXCL_LIMIT': 0x28, 'EFR': 0x30, 'PPR_LOG_BASE': 0x38,
              'GA_LOG_BASE': 0xe0, 'GA_LOG_TAIL_ADDR': 0xe8,
              'MSI_ADDR_LO': 0x15c, 'MSI_ADDR_HI': 0x160, 'MSI_DATA': 0x164,
              'XT_INT_CTRL': 0x170, 'XT_PPR_INT_CTRL': 0x178,
              'XT_GA_INT_CTRL': 0x180, 'EFR2': 0x1a0,
              'CMD_BUF_HEAD': 0x2000, 'CMD_BUF_TAIL': 0x2008,
              'EVENT_LOG_HEAD': 0x2010, 'EVENT_LOG_TAIL': 0x2018,
              'STATUS': 0x2020, 'PPR_LOG_HEAD': 0x2030,
              'PPR_LOG_TAIL': 0x2038, 'GA_LOG_HEAD': 0x2040,
              'GA_LOG_TAIL': 0x2048}
    r = amd['registers']
    assert {k: r[k]['offset'] for k in expect} == expect
    # FreeBSD amd_reg.h: hardware event and SMI filter registers
    assert r['HW_EVENT_STATUS']['offset'] == 0x50
    assert r['SMIF_15']['offset'] == 0xd8
    assert r['DEVTAB_SEG7_BASE']['offset'] == 0x130


def test_control_bits_match_linux_and_xen(amd):
    c = amd['registers']['CONTROL']
    # Linux CONTROL_CMDBUF_EN 12, CONTROL_GA_EN 17, CONTROL_XT_EN 50
    assert _f(c, 'CMD_BUF_EN') == (12, 12, 'RW')
    assert _f(c, 'GA_EN')[1] == 17
    assert _f(c, 'XT_EN')[1] == 50
    # Linux CTRL_INV_TO_MASK (7 << 5); Xen union: crw:4 at 18, gam_en:3
    assert _f(c, 'INV_TIME_OUT')[:2] == (7, 5)
    assert _f(c, 'CRW')[:2] == (21, 18)
    assert _f(c, 'GAM_EN')[:2] == (27, 25)
    # Xen dev_tbl_seg_en:3 after dual_event_log_en:2 at 32
    assert _f(c, 'DEV_TBL_SEG_EN')[:2] == (36, 34)


def test_efr_fields_match_xen_linux_qemu(amd):
    e = amd['registers']['EFR']
    # QEMU AMDVI_FEATURE_IA (1 << 6); Linux FEATURE_IA BIT_ULL(6)
    assert _f(e, 'IA_SUP') == (6, 6, 'RO')
    # QEMU AMDVI_HATS_MODE (2 << 10), AMDVI_GATS_MODE (2 << 12)
    assert _f(e, 'HATS')[:2] == (11, 10)
    assert _f(e, 'GATS')[:2] == (13, 12)
    # Linux FEATURE_PASMAX GENMASK(36, 32), FEATURE_SNP BIT(63)
    assert _f(e, 'PAS_MAX')[:2] == (36, 32)
    assert _f(e, 'SNP_SUP')[:2] == (63, 63)
    # Xen ext_features: dev_tbl_seg_sup:2 after us_sup at 37
    assert _f(e, 'DEV_TBL_SEG_SUP')[:2] == (39, 38)
    assert e['reset_model'] and all(
        f['access'] in ('RO', 'RsvdZ') for f in e['fields'])


def test_status_w1c_and_run_bits(amd):
    s = amd['registers']['STATUS']
    # Linux MMIO_STATUS_EVT_OVERFLOW_MASK BIT(0); FreeBSD "either RO or
    # RW1C"; QEMU 7.2 w1cmask 0x67, romask 0x98 for bits 7:0
    assert _f(s, 'EVENT_OVERFLOW') == (0, 0, 'RW1C')
    assert _f(s, 'CMD_BUF_RUN') == (4, 4, 'RO')
    assert _f(s, 'GA_LOG_RUN') == (8, 8, 'RO')       # Linux BIT(8)
    w1c = sum(1 << f['lsb'] for f in s['fields'] if f['access'] == 'RW1C')
    ro = sum(1 << f['lsb'] for f in s['fields'] if f['access'] == 'RO')
    assert (w1c & 0xff, ro & 0xff) == (0x67, 0x98)


def test_dte_fields_match_linux_bit_numbers(amd):
    d = amd['layouts']['DTE']
    # Linux DEV_ENTRY_MODE_SHIFT 9 / MASK 7 (DTE.Mode bits 11:9)
    assert _f(d, 'MODE') == (11, 9, 'field')
    # Linux DEV_ENTRY_IR 0x3d, IW 0x3e, PPR 0x34, EX 0x67, SYSMGT1 0x68,
    # IRQ_TBL_EN 0x80, INIT_PASS 0xb8, LINT1_PASS 0xbf
    assert _f(d, 'IR')[1] == 0x3d and _f(d, 'IW')[1] == 0x3e
    assert _f(d, 'PPR')[1] == 0x34
    assert _f(d, 'EX')[1] == 0x67
    assert _f(d, 'SYS_MGT')[:2] == (0x69, 0x68)
    assert _f(d, 'IV')[1] == 0x80
    assert _f(d, 'INIT_PASS')[1] == 0xb8
    assert _f(d, 'LINT1_PASS')[1] == 0xbf
    # Linux DTE_IRQ_REMAP_INTCTL_MASK (3 << 60) of quadword 2
    assert _f(d, 'INT_CTL')[:2] == (128 + 61, 128 + 60)
    assert d['width'] == 256


def test_page_table_entries_match_linux(amd):
    pte, pde = amd['layouts']['PTE'], amd['layouts']['PDE']
    # Linux IOMMU_PTE_PR 0, FC 60, IR 61, IW 62; PM_ADDR_MASK 51:12
    assert _f(pte, 'PR')[1] == 0 and _f(pte, 'FC')[1] == 60
    assert _f(pte, 'IR')[1] == 61 and _f(pte, 'IW')[1] == 62
    assert _f(pte, 'ADDR')[:2] == (51, 12)
    # Linux PM_PTE_LEVEL: (pte >> 9) & 7
    assert _f(pte, 'NEXT_LEVEL')[:2] == (11, 9)
    assert _f(pde, 'NEXT_LEVEL')[:2] == (11, 9)
    modes = _enum(amd, 'paging_mode')
    assert modes['NONE'] == 0 and modes['LEVEL_6'] == 6


def test_command_opcodes_and_fields(amd):
    ops = _enum(amd, 'cmd_opcode')
    # Linux CMD_COMPL_WAIT 0x01 ... CMD_INV_ALL 0x08; QEMU 0x06 prefetch
    assert ops == {'COMPLETION_WAIT': 1, 'INVALIDATE_DEVTAB_ENTRY': 2,
                   'INVALIDATE_IOMMU_PAGES': 3, 'INVALIDATE_IOTLB_PAGES': 4,
                   'INVALIDATE_INTERRUPT_TABLE': 5,
                   'PREFETCH_IOMMU_PAGES': 6, 'COMPLETE_PPR_REQUEST': 7,
                   'INVALIDATE_IOMMU_ALL': 8, 'INSERT_GUEST_EVENT': 9,
                   'RESET_VMMIO': 10}
    lay = amd['layouts']
    cw = lay['CMD_COMPLETION_WAIT']
    # Xen IOMMU_COMP_WAIT_{S,I,F}_FLAG_SHIFT 0/1/2, ADDR_LOW 31:3
    assert [_f(cw, n)[1] for n in ('S', 'I', 'F', 'STORE_ADDR')] == \
        [0, 1, 2, 3]
    inv = lay['CMD_INVALIDATE_IOMMU_PAGES']
    # Linux CMD_INV_IOMMU_PAGES_{SIZE,PDE,GN}_MASK 1/2/4 of dword 2
    assert [_f(inv, n)[1] for n in ('S', 'PDE', 'GN')] == [64, 65, 66]
    assert _f(inv, 'DOMAIN_ID')[:2] == (47, 32)
    assert _f(inv, 'ADDRESS')[:2] == (127, 76)
    for name, x in lay.items():
        if name.startswith('CMD'):
            assert _f(x, 'OPCODE')[:2] == (63, 60), name


def test_event_codes_and_io_page_fault_layout(amd):
    codes = _enum(amd, 'event_code')
    # Linux EVENT_TYPE_*, Xen IOMMU_EVENT_*
    assert codes['ILLEGAL_DEV_TABLE_ENTRY'] == 1
    assert codes['IO_PAGE_FAULT'] == 2
    assert codes['COMMAND_HARDWARE_ERROR'] == 6
    assert codes['INVALID_DEVICE_REQUEST'] == 8
    assert codes['INVALID_PPR_REQUEST'] == 9
    assert codes['EVENT_COUNTER_ZERO'] == 0xa        # FreeBSD
    iopf = amd['layouts']['EVENT_IO_PAGE_FAULT']
    # Linux EVENT_FLAG_I 0x008 and EVENT_FLAG_RW 0x020 of flags at 48
    assert _f(iopf, 'I')[1] == 48 + 3 and _f(iopf, 'RW')[1] == 48 + 5
    # OpenBSD EVT_TR (1 << 24) of dword 1
    assert _f(iopf, 'TR')[1] == 32 + 24
    assert _f(iopf, 'ADDRESS')[:2] == (127, 64)
    for name, x in amd['layouts'].items():
        if name.startswith('EVENT'):
            assert _f(x, 'EVENT_CODE')[:2] == (63, 60), name


def test_ivrs_structures_match_acpica_and_linux(amd):
    lay = amd['layouts']
    assert lay['IVRS_HEADER']['width'] == 48 * 8
    assert _f(lay['IVRS_HEADER'], 'IVINFO')[1] == 36 * 8   # Linux offset 36
    assert lay['IVHD_10']['width'] == 24 * 8
    assert lay['IVHD_11']['width'] == 40 * 8
    assert _f(lay['IVHD_11'], 'EFR_IMAGE')[1] == 24 * 8    # Linux efr_reg
    assert lay['IVMD']['width'] == 32 * 8
    types = _enum(amd, 'ivrs_type')
    assert (types['IVHD_10'], types['IVHD_11'], types['IVHD_40']) == \
        (0x10, 0x11, 0x40)
    assert (types['IVMD_ALL'], types['IVMD_RANGE']) == (0x20, 0x22)
    ent = _enum(amd, 'ivhd_entry_type')
    assert (ent['SELECT'], ent['START'], ent['END'], ent['ALIAS_SELECT'],
            ent['ALIAS_START'], ent['EXT_SELECT'], ent['EXT_START'],
            ent['SPECIAL'], ent['ACPI_HID']) == \
        (2, 3, 4, 66, 67, 70, 71, 72, 240)
    # ACPICA ACPI_IVMD_EXCLUSION_RANGE (1 << 3)
    assert _f(lay['IVMD_FLAGS'], 'EXCL_RANGE')[1] == 3


def test_pci_capability_matches_qemu_and_xen(amd):
    cap = amd['pcicap']
    # QEMU AMDVI_CAPAB_BAR_LOW 04h, RANGE 0Ch, MISC 10h
    assert (cap['BASE_LO']['offset'], cap['RANGE']['offset'],
            cap['MISC0']['offset']) == (0x4, 0xc, 0x10)
    # Xen PCI_CAP_TYPE 18:16, PCI_CAP_EFRSUP_SHIFT 27
    assert _f(cap['CAP_HDR'], 'CAP_TYPE')[:2] == (18, 16)
    assert _f(cap['CAP_HDR'], 'EFR_SUP')[1] == 27
    # Xen PCI_CAP_MMIO_BAR_LOW_MASK 0xFFFFC000
    assert _f(cap['BASE_LO'], 'BASE_ADDR_LO')[:2] == (31, 14)
    # Linux MMIO_RANGE_LD_SHIFT 24
    assert _f(cap['RANGE'], 'LAST_DEVICE')[:2] == (31, 24)


def test_table_prefix_only_renames_non_regs_files(docs):
    assert gen.table_prefix(docs['regs.toml']) == 'amdvi'
    assert gen.table_prefix(docs['pcicap.toml']) == 'amdvi_pcicap'
    hdr = gen.gen_regs_header(docs['pcicap.toml'])
    tab = gen.gen_regs_table(docs['pcicap.toml'])
    assert 'AMDVI_PCICAP_RI_CAP_HDR,' in hdr
    assert 'AMDVI_PCICAP_GROUP_FIXED = 0,' in hdr
    assert '#define AMDVI_REG_CAP_HDR ' in hdr
    assert 'amdvi_pcicap_regfile_spec' in tab
    assert '#include "amdvi-pcicap.h"' in tab
    assert 'AMDVI_RI_COUNT' not in hdr + tab


def _module():
    build = os.environ.get('SPECS_BUILD_DIR')
    if not build:
        pytest.skip('SPECS_BUILD_DIR not set (not run by meson)')
    path = os.path.join(build, 'amdvi_spec.py')
    spec = importlib.util.spec_from_file_location('amdvi_spec_build', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_module_separates_the_pci_capability():
    m = _module()
    assert m.VENDOR == 'amdvi'
    assert m.REGISTERS['STATUS']['masks']['w1c'] & 0x7ff == 0x667
    assert 'CAP_HDR' not in m.REGISTERS
    assert m.BLOCKS['pcicap']['registers']['CAP_HDR']['offset'] == 0
    assert m.get(0x29d3, 'registers', 'EFR', 'HATS') == 2
    assert m.ENUMS['event_code']['IO_PAGE_FAULT']['value'] == 2
