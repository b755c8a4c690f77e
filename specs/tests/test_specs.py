# SPDX-License-Identifier: Apache-2.0
"""Checks of the spec declarations, the generator's validation, and the
generated Python constants module, against values in VT-d 5.10."""

import glob
import importlib.util
import os
import sys

import pytest

SPECS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, SPECS)
import gen  # noqa: E402

DECL = sorted(glob.glob(os.path.join(SPECS, '*', '*.toml')))


@pytest.fixture(scope='module')
def docs():
    return {os.path.relpath(p, SPECS): gen.load(p) for p in DECL}


@pytest.fixture(scope='module')
def vtd(docs):
    out = {'registers': {}, 'layouts': {}, 'enums': {}, 'groups': {}}
    for name, d in docs.items():
        if name.startswith('vtd/'):
            for kind in out:
                out[kind].update({x['name']: x for x in d[kind]})
    return out


def _field(obj, name):
    return next(f for f in obj['fields'] if f['name'] == name)


def test_every_declaration_file_loads(docs):
    assert set(docs) >= {'vtd/regs.toml', 'vtd/entries.toml',
                         'vtd/desc.toml', 'vtd/faults.toml'}


def test_layouts_cover_width_exactly_once(docs):
    for d in docs.values():
        for x in d['registers'] + d['layouts']:
            bits = sorted(b for f in x['fields']
                          for b in range(f['lsb'], f['msb'] + 1))
            assert bits == list(range(x['width'])), x['name']


def test_registers_aligned_and_disjoint(docs):
    for d in docs.values():
        spans = {}
        for r in d['registers']:
            size = r['width'] // 8
            assert r['offset'] % size == 0, r['name']
            for o, (lo, hi) in spans.get(r['group'], {}).items():
                assert r['offset'] + size <= lo or hi <= r['offset'], \
                    (r['name'], o)
            spans.setdefault(r['group'], {})[r['name']] = \
                (r['offset'], r['offset'] + size)


def test_every_declaration_cites_a_section(docs):
    for d in docs.values():
        for kind in ('registers', 'layouts', 'enums', 'groups'):
            for x in d[kind]:
                assert gen.SECTION_RE.match(x['section']), x['name']


def test_vtd_register_offsets(vtd):
    r = vtd['registers']
    expect = {'VER': 0x0, 'CAP': 0x8, 'ECAP': 0x10, 'GCMD': 0x18,
              'GSTS': 0x1c, 'RTADDR': 0x20, 'CCMD': 0x28, 'FSTS': 0x34,
              'FECTL': 0x38, 'FEDATA': 0x3c, 'FEADDR': 0x40,
              'FEUADDR': 0x44, 'PMEN': 0x64, 'PLMBASE': 0x68,
              'PHMLIMIT': 0x78, 'IQH': 0x80, 'IQT': 0x88, 'IQA': 0x90,
              'ICS': 0x9c, 'IECTL': 0xa0, 'IEUADDR': 0xac, 'IQERCD': 0xb0,
              'IRTA': 0xb8, 'PQH': 0xc0, 'PQA': 0xd0, 'PRS': 0xdc,
              'PECTL': 0xe0, 'PEUADDR': 0xec, 'MTRRCAP': 0x100,
              'MTRRDEF': 0x108}
    assert {k: r[k]['offset'] for k in expect} == expect
    assert r['IVA']['group'] == 'IOTLB_REGS' and r['IVA']['offset'] == 0
    assert r['IOTLB']['offset'] == 8
    assert r['FRCD']['width'] == 128 and r['FRCD']['group'] == 'FRCD_REGS'


def test_vtd_spec_bit_positions(vtd):
    r, lay = vtd['registers'], vtd['layouts']
    assert (_field(r['GSTS'], 'TES')['lsb'], _field(r['GSTS'], 'TES')['msb'],
            _field(r['GSTS'], 'TES')['access']) == (31, 31, 'RO')
    f = _field(r['FRCD'], 'F')
    assert (f['lsb'], f['access']) == (127, 'RW1CS')
    assert _field(r['FRCD'], 'FR')['lsb'] == 96
    assert _field(r['CAP'], 'FRO')['lsb'] == 24
    assert _field(r['CAP'], 'NFR')['lsb'] == 40
    assert _field(r['ECAP'], 'IRO')['msb'] == 17
    assert _field(r['FSTS'], 'PFO')['access'] == 'RW1CS'
    assert _field(r['FSTS'], 'PPF')['access'] == 'ROS'
    assert _field(r['GCMD'], 'TE')['access'] == 'WO'
    assert _field(r['CCMD'], 'ICC')['lsb'] == 63
    assert _field(r['IQERCD'], 'ICESID')['lsb'] == 48
    assert _field(lay['CONTEXT_ENTRY'], 'DID')['lsb'] == 72
    assert _field(lay['CONTEXT_ENTRY'], 'AW')['lsb'] == 64
    assert _field(lay['SS_PDE_2M'], 'ADDR')['lsb'] == 21
    assert _field(lay['SS_PDPE_1G'], 'ADDR')['lsb'] == 30
    assert _field(lay['IOTLB_DESC'], 'ADDR')['lsb'] == 76
    assert r['FECTL']['reset'] == 0x80000000


def test_vtd_fault_reasons(vtd):
    fr = {v['value']: v for v in vtd['enums']['fault_reason']['values']}
    assert fr[0x5]['name'] == 'NO_WRITE'
    assert fr[0x5]['attrs']['cond'] == 'LGN.2'
    assert [fr[c]['attrs']['cond'] for c in range(1, 0xf)] == [
        'LRT.2', 'LCT.2', 'LCT.4', 'LGN.1', 'LGN.2', 'LGN.3', 'LSS.1',
        'LRT.1', 'LCT.1', 'LRT.3', 'LCT.3', 'LSS.2', 'LCT.5', 'LGN.4']
    assert fr[0x22]['name'] == 'IRTE_NOT_PRESENT'
    assert fr[0x22]['attrs']['section'] == '5.1.4.1'
    iqei = {v['name']: v['value'] for v in vtd['enums']['iqei']['values']}
    assert iqei['TAIL'] == 1 and iqei['TYPE'] == 3 and iqei['TTM'] == 7


def _load_text(tmp_path, text, name='x.toml'):
    p = tmp_path / name
    p.write_text('[spec]\nvendor = "t"\ncitation = "T 1.0"\n' + text)
    return str(p)


def _fails(tmp_path, text, msg):
    with pytest.raises(gen.SpecError) as exc:
        gen.load(_load_text(tmp_path, text))
    assert msg in str(exc.value)
    return str(exc.value)


def test_validation_rejects_gap(tmp_path):
    err = _fails(tmp_path, '''
[[register]]
name = "R"
offset = 0
width = 32
section = "1.1"
fields = [{ name = "A", bits = "15:0", access = "RW" }]
''', 'belong to no field')
    assert 'R' in err and '31:16' in err


def test_validation_rejects_overlap(tmp_path):
    _fails(tmp_path, '''
[[layout]]
name = "L"
width = 64
section = "2"
fields = [{ name = "A", bits = "63:0" }, { name = "B", bits = "3" }]
''', 'overlaps field A')


def test_validation_rejects_overlapping_registers(tmp_path):
    _fails(tmp_path, '''
[[register]]
name = "A"
offset = 0
width = 64
section = "1"
fields = [{ name = "X", bits = "63:0", access = "RW" }]
[[register]]
name = "B"
offset = 4
width = 32
section = "1"
fields = [{ name = "X", bits = "31:0", access = "RW" }]
''', 'overlaps A')


def test_validation_rejects_misaligned_offset(tmp_path):
    _fails(tmp_path, '''
[[register]]
name = "A"
offset = 4
width = 64
section = "1"
fields = [{ name = "X", bits = "63:0", access = "RW" }]
''', 'not aligned')


def test_validation_rejects_bad_access_and_section(tmp_path):
    _fails(tmp_path, '''
[[register]]
name = "A"
offset = 0
width = 32
section = "1"
fields = [{ name = "X", bits = "31:0", access = "RWX" }]
''', "unknown access 'RWX'")
    _fails(tmp_path, '''
[[layout]]
name = "L"
width = 32
section = "see above"
fields = [{ name = "X", bits = "31:0" }]
''', 'bad section')


def test_validation_rejects_field_crossing_word(tmp_path):
    _fails(tmp_path, '''
[[layout]]
name = "L"
width = 128
section = "1"
fields = [{ name = "A", bits = "59:0" }, { name = "B", bits = "127:60" }]
''', 'cross a 64-bit word')


def test_validation_rejects_unknown_group_field(tmp_path):
    _fails(tmp_path, '''
[[register]]
name = "CAP"
offset = 0
width = 64
section = "1"
fields = [{ name = "X", bits = "63:0", access = "RO" }]
[[group]]
name = "G"
base = { reg = "CAP", field = "NOPE", scale = 16 }
stride = 16
section = "1"
''', 'unknown fixed field CAP.NOPE')


def test_validation_rejects_mask_name_clash(tmp_path):
    _fails(tmp_path, '''
[[layout]]
name = "L"
width = 8
section = "1"
fields = [{ name = "RSVD", bits = "7:0" }]
''', 'clashes with a generated mask')


def test_validation_rejects_duplicate_across_files(tmp_path):
    text = ('[[layout]]\nname = "L"\nwidth = 8\nsection = "1"\n'
            'fields = [{ name = "A", bits = "7:0" }]\n')
    a = gen.load(_load_text(tmp_path, text, 'a.toml'))
    b = gen.load(_load_text(tmp_path, text, 'b.toml'))
    with pytest.raises(gen.SpecError, match='L already declared in a.toml'):
        gen.check_vendor_names([a, b])
    gen.check_vendor_names([a])


def test_generator_cli_fails_build_on_bad_file(tmp_path, capsys):
    bad = _load_text(tmp_path, '[[layout]]\nname = "L"\nwidth = 8\n'
                     'section = "1"\nfields = [{ name = "A", bits = "6:0" }]\n',
                     'bad.toml')
    assert gen.main(['--outdir', str(tmp_path), bad]) == 1
    err = capsys.readouterr().err
    assert 'bad.toml' in err and 'L' in err and 'bit(s) 7' in err
    assert not (tmp_path / 't-bad.h').exists()


def test_generated_python_module_matches(tmp_path):
    assert gen.main(['--outdir', str(tmp_path), '--py-module', 'vtd_spec.py']
                    + [p for p in DECL if '/vtd/' in p.replace(os.sep, '/')]
                    ) == 0
    spec = importlib.util.spec_from_file_location(
        'vtd_spec', tmp_path / 'vtd_spec.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.REGISTERS['GSTS']['offset'] == 0x1c
    assert mod.field('registers', 'GSTS', 'TES') == (31, 31)
    assert mod.get(0x00d2008c22260206, 'registers', 'CAP', 'FRO') == 0x22
    assert mod.get(0xf00f4a, 'registers', 'ECAP', 'IRO') == 0xf
    assert mod.put(0, 'registers', 'FECTL', 'IM', 1) == 0x80000000
    assert mod.ENUMS['fault_reason']['NO_WRITE']['value'] == 5
    assert mod.REGISTERS['FSTS']['masks']['w1c'] == 0x71
    assert (tmp_path / 'vtd-regs-table.h').exists()


def test_build_python_module_is_current():
    """The module meson generated (when run under meson) is loadable."""
    build = os.environ.get('SPECS_BUILD_DIR')
    if not build:
        pytest.skip('SPECS_BUILD_DIR not set (not run by meson)')
    path = os.path.join(build, 'vtd_spec.py')
    spec = importlib.util.spec_from_file_location('vtd_spec_build', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.CITATION == 'VT-d 5.10'
    assert mod.REGISTERS['FRCD']['fields']['F']['lsb'] == 127
