#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate C headers and a Python constants module from spec declarations.

The declarations (TOML, read with the standard library's tomllib) are the
single source of register offsets, widths, reset values, per-field access
types, table-entry and descriptor layouts, and enumerated codes.  See
specs/README.md for the format.  Every declaration is validated before
anything is written; a failed check exits non-zero with a message naming
the file and the declaration, which fails the meson build.

Usage:
  gen.py --outdir DIR [--py-module NAME] FILE.toml...
  gen.py --check FILE.toml...
"""

import argparse
import os
import pprint
import re
import sys
import tomllib

# Register access types (VT-d 5.10 §11.3 uses these words; AMD-Vi's
# RO/RW/W1C map onto the same set).  Each maps to the mask-engine class.
ACCESS_CLASS = {
    'RW': 'rw', 'RO': 'ro', 'ROS': 'ro',
    'RW1C': 'w1c', 'RW1CS': 'w1c', 'RW1S': 'w1s',
    'WO': 'wo', 'RsvdZ': 'rsvd', 'RsvdP': 'rsvd',
}
# Layout (table entry / descriptor) field kinds.
LAYOUT_KINDS = ('field', 'rsvd', 'ign')
# <LAYOUT>_<name>_MASK would collide with the generated class masks.
RESERVED_FIELD_NAMES = ('RSVD', 'RO', 'W1C', 'WO', 'IGN')
NAME_RE = re.compile(r'^[A-Z][A-Z0-9_]*$')
VENDOR_RE = re.compile(r'^[a-z][a-z0-9]*$')
ATTR_RE = re.compile(r'^[a-z][a-z0-9_]*$')
SECTION_RE = re.compile(r'^([0-9]+(\.[0-9]+)*|[A-Z](\.[0-9]+)*)$')


class SpecError(Exception):
    """A declaration is malformed; the message names where."""


def _req(d, key, where, types):
    if key not in d:
        raise SpecError(f'{where}: missing "{key}"')
    types = types if isinstance(types, tuple) else (types,)
    value = d[key]
    if not isinstance(value, types) or \
            (isinstance(value, bool) and bool not in types):
        raise SpecError(f'{where}: "{key}" has the wrong type')
    return d[key]


def _check_keys(d, allowed, where):
    extra = sorted(set(d) - set(allowed))
    if extra:
        raise SpecError(f'{where}: unknown key(s) {", ".join(extra)}')


def parse_bits(bits, where):
    """'63:12' or '7' or 7 -> (msb, lsb)."""
    if isinstance(bits, int) and not isinstance(bits, bool):
        msb = lsb = bits
    elif isinstance(bits, str) and re.fullmatch(r'\d+(:\d+)?', bits):
        parts = [int(p) for p in bits.split(':')]
        msb, lsb = parts[0], parts[-1]
    else:
        raise SpecError(f'{where}: bad bit range {bits!r} (want "msb:lsb")')
    if msb < lsb:
        raise SpecError(f'{where}: bit range {bits!r} has msb < lsb')
    return msb, lsb


def _section(d, where):
    sec = str(_req(d, 'section', where, (str, int, float)))
    if not SECTION_RE.match(sec):
        raise SpecError(f'{where}: bad section {sec!r}')
    return sec


def _fields(raw, width, where, is_register):
    """Normalise a field list and check it covers [0, width) exactly once."""
    if not isinstance(raw, list) or not raw:
        raise SpecError(f'{where}: "fields" must be a non-empty list')
    owner = [None] * width
    fields, names = [], set()
    for i, f in enumerate(raw):
        fw = f'{where} field #{i}'
        if not isinstance(f, dict):
            raise SpecError(f'{fw}: not a table')
        _check_keys(f, ('name', 'bits', 'access', 'kind'), fw)
        msb, lsb = parse_bits(_req(f, 'bits', fw, (str, int)), fw)
        if is_register:
            access = _req(f, 'access', fw, str)
            if access not in ACCESS_CLASS:
                raise SpecError(f'{fw}: unknown access {access!r}')
            if 'kind' in f:
                raise SpecError(f'{fw}: registers use "access", not "kind"')
            anonymous_ok = ACCESS_CLASS[access] == 'rsvd'
            kind = 'rsvd' if anonymous_ok else 'field'
        else:
            kind = f.get('kind', 'field')
            if kind not in LAYOUT_KINDS:
                raise SpecError(f'{fw}: unknown kind {kind!r}')
            if 'access' in f:
                raise SpecError(f'{fw}: layouts use "kind", not "access"')
            access, anonymous_ok = None, kind != 'field'
        name = f.get('name')
        if name is None and not anonymous_ok:
            raise SpecError(f'{fw}: only reserved/ignored fields may be unnamed')
        if name is not None:
            if not isinstance(name, str) or not NAME_RE.match(name):
                raise SpecError(f'{fw}: bad field name {name!r}')
            fw = f'{where} field {name}'
            if name in RESERVED_FIELD_NAMES:
                raise SpecError(f'{fw}: name clashes with a generated mask')
            if name in names:
                raise SpecError(f'{fw}: duplicate field name')
            names.add(name)
        if msb >= width:
            raise SpecError(f'{fw}: bits {msb}:{lsb} exceed width {width}')
        if msb // 64 != lsb // 64:
            raise SpecError(f'{fw}: bits {msb}:{lsb} cross a 64-bit word')
        for b in range(lsb, msb + 1):
            if owner[b] is not None:
                raise SpecError(f'{fw}: bit {b} overlaps field {owner[b]}')
            owner[b] = name or f'<{kind} {msb}:{lsb}>'
        fields.append({'name': name, 'msb': msb, 'lsb': lsb,
                       'access': access, 'kind': kind})
    gaps = [b for b in range(width) if owner[b] is None]
    if gaps:
        raise SpecError(f'{where}: bit(s) {_ranges(gaps)} belong to no field')
    fields.sort(key=lambda x: x['lsb'])
    return fields


def _ranges(bits):
    out, start = [], bits[0]
    for a, b in zip(bits, bits[1:] + [None]):
        if b != a + 1:
            out.append(f'{a}:{start}' if a != start else f'{a}')
            if b is not None:
                start = b
    return ', '.join(out)


def _width(d, where, allowed):
    w = _req(d, 'width', where, int)
    if not allowed(w):
        raise SpecError(f'{where}: unsupported width {w}')
    return w


def _register(r, where):
    _check_keys(r, ('name', 'offset', 'width', 'reset', 'reset_model',
                    'section', 'group', 'fields', 'deprecated'), where)
    name = _req(r, 'name', where, str)
    if not NAME_RE.match(name):
        raise SpecError(f'{where}: bad register name {name!r}')
    where = f'{where} ({name})'
    width = _width(r, where, lambda w: w in (32, 64) or
                   (w > 64 and w % 64 == 0))
    offset = _req(r, 'offset', where, int)
    size = width // 8
    if offset < 0 or offset % size:
        raise SpecError(f'{where}: offset {offset:#x} not aligned to {size}')
    reset = r.get('reset', 0)
    if not isinstance(reset, int) or reset < 0 or reset >> width:
        raise SpecError(f'{where}: reset does not fit {width} bits')
    fields = _fields(r.get('fields'), width, where, True)
    rsvd = sum(_mask(f) for f in fields if ACCESS_CLASS[f['access']] == 'rsvd')
    if reset & rsvd:
        raise SpecError(f'{where}: reset sets reserved bits')
    return {'name': name, 'offset': offset, 'width': width, 'reset': reset,
            'reset_model': bool(r.get('reset_model', False)),
            'deprecated': bool(r.get('deprecated', False)),
            'section': _section(r, where), 'group': r.get('group'),
            'fields': fields}


def _mask(f):
    return ((1 << (f['msb'] - f['lsb'] + 1)) - 1) << f['lsb']


def _ref(d, where):
    """{reg, field, scale|add} reference into a register field."""
    if not isinstance(d, dict):
        raise SpecError(f'{where}: must be a table')
    _check_keys(d, ('reg', 'field', 'scale', 'add'), where)
    return {'reg': _req(d, 'reg', where, str),
            'field': _req(d, 'field', where, str),
            'scale': d.get('scale', 1), 'add': d.get('add', 0)}


def _group(g, where):
    _check_keys(g, ('name', 'base', 'count', 'stride', 'max_count',
                    'section'), where)
    name = _req(g, 'name', where, str)
    if not NAME_RE.match(name) or name == 'FIXED':
        raise SpecError(f'{where}: bad group name {name!r}')
    where = f'{where} ({name})'
    stride = _req(g, 'stride', where, int)
    max_count = g.get('max_count', 1)
    if stride <= 0 or stride % 8 or max_count < 1:
        raise SpecError(f'{where}: stride must be a positive multiple of 8')
    return {'name': name, 'stride': stride, 'max_count': max_count,
            'base': _ref(_req(g, 'base', where, dict), f'{where} base'),
            'count': _ref(g['count'], f'{where} count') if 'count' in g
            else None, 'section': _section(g, where)}


def _layout(lay, where):
    _check_keys(lay, ('name', 'width', 'section', 'fields'), where)
    name = _req(lay, 'name', where, str)
    if not NAME_RE.match(name):
        raise SpecError(f'{where}: bad layout name {name!r}')
    where = f'{where} ({name})'
    width = _width(lay, where, lambda w: w in (8, 16, 32, 64) or
                   (w > 64 and w % 64 == 0))
    return {'name': name, 'width': width, 'section': _section(lay, where),
            'fields': _fields(lay.get('fields'), width, where, False)}


def _enum(e, where):
    _check_keys(e, ('name', 'prefix', 'ctype', 'section', 'values'), where)
    name = _req(e, 'name', where, str)
    if not ATTR_RE.match(name):
        raise SpecError(f'{where}: bad enum name {name!r}')
    where = f'{where} ({name})'
    prefix = _req(e, 'prefix', where, str)
    ctype = _req(e, 'ctype', where, str)
    if not NAME_RE.match(prefix) or not re.match(r'^[A-Z][A-Za-z0-9]*$',
                                                 ctype):
        raise SpecError(f'{where}: bad prefix or ctype')
    vals, seen_n, seen_v, attrs = [], set(), set(), {}
    for i, v in enumerate(_req(e, 'values', where, list)):
        vw = f'{where} value #{i}'
        vname = _req(v, 'name', vw, str)
        value = _req(v, 'value', vw, int)
        if not NAME_RE.match(vname) or vname in seen_n or value in seen_v:
            raise SpecError(f'{vw}: bad or duplicate name/value {vname}')
        seen_n.add(vname)
        seen_v.add(value)
        extra = {k: x for k, x in v.items() if k not in ('name', 'value')}
        for k, x in extra.items():
            if not ATTR_RE.match(k) or k in ('name', 'value'):
                raise SpecError(f'{vw}: bad attribute {k!r}')
            t = type(x).__name__
            if t not in ('str', 'bool', 'int') or attrs.setdefault(k, t) != t:
                raise SpecError(f'{vw}: attribute {k} must keep one type '
                                '(string, bool or integer)')
        if 'section' in extra and not SECTION_RE.match(str(extra['section'])):
            raise SpecError(f'{vw}: bad section')
        vals.append({'name': vname, 'value': value, 'attrs': extra})
    return {'name': name, 'prefix': prefix, 'ctype': ctype,
            'section': _section(e, where), 'values': vals, 'attrs': attrs}


def load(path):
    """Parse and validate one declaration file."""
    base = os.path.basename(path)
    try:
        with open(path, 'rb') as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f'{base}: {exc}') from exc
    _check_keys(raw, ('spec', 'register', 'group', 'layout', 'enum'), base)
    spec = _req(raw, 'spec', base, dict)
    _check_keys(spec, ('vendor', 'title', 'citation'), f'{base} [spec]')
    vendor = _req(spec, 'vendor', f'{base} [spec]', str)
    if not VENDOR_RE.match(vendor):
        raise SpecError(f'{base}: bad vendor {vendor!r}')
    doc = {'file': base, 'stem': os.path.splitext(base)[0],
           'vendor': vendor, 'title': spec.get('title', vendor),
           'citation': _req(spec, 'citation', f'{base} [spec]', str)}
    doc['registers'] = [_register(r, f'{base}: register #{i}')
                        for i, r in enumerate(raw.get('register', []))]
    doc['groups'] = [_group(g, f'{base}: group #{i}')
                     for i, g in enumerate(raw.get('group', []))]
    doc['layouts'] = [_layout(x, f'{base}: layout #{i}')
                      for i, x in enumerate(raw.get('layout', []))]
    doc['enums'] = [_enum(x, f'{base}: enum #{i}')
                    for i, x in enumerate(raw.get('enum', []))]
    _check_register_map(doc)
    _check_unique_names(doc)
    return doc


def _check_register_map(doc):
    """Groups resolve, registers fit their group, no two overlap."""
    base = doc['file']
    groups = {g['name']: g for g in doc['groups']}
    regs = {r['name']: r for r in doc['registers']}
    for g in doc['groups']:
        for kind in ('base', 'count'):
            ref = g[kind]
            if ref is None:
                continue
            r = regs.get(ref['reg'])
            if r is None or r['group'] is not None or \
                    ref['field'] not in [f['name'] for f in r['fields']]:
                raise SpecError(f'{base}: group {g["name"]} {kind} refers to '
                                f'unknown fixed field {ref["reg"]}.'
                                f'{ref["field"]}')
    spans = {}
    for r in doc['registers']:
        g = r['group']
        if g is not None and g not in groups:
            raise SpecError(f'{base}: register {r["name"]} in unknown group '
                            f'{g}')
        lo, hi = r['offset'], r['offset'] + r['width'] // 8
        if g is not None and hi > groups[g]['stride']:
            raise SpecError(f'{base}: register {r["name"]} does not fit '
                            f'group {g} stride {groups[g]["stride"]:#x}')
        for other, (olo, ohi) in spans.get(g, {}).items():
            if lo < ohi and olo < hi:
                raise SpecError(f'{base}: register {r["name"]} at {lo:#x} '
                                f'overlaps {other} at {olo:#x}')
        spans.setdefault(g, {})[r['name']] = (lo, hi)


def _check_unique_names(doc):
    seen = {}
    for kind in ('registers', 'groups', 'layouts'):
        for x in doc[kind]:
            if x['name'] in seen:
                raise SpecError(f'{doc["file"]}: name {x["name"]} used by '
                                f'both a {seen[x["name"]]} and a {kind[:-1]}')
            seen[x['name']] = kind[:-1]


# ---------------------------------------------------------------- C output

def _hex(v, bits=64):
    return f'0x{v:0{max(bits // 4, 1)}x}ULL'


def _header_open(doc, suffix):
    guard = f'SPECS_{doc["vendor"].upper()}_{doc["stem"].upper()}' \
            f'{suffix}_H'.replace('-', '_')
    return [f'/* Generated by specs/gen.py from specs/{doc["vendor"]}/'
            f'{doc["file"]}: do not edit. */',
            f'/* {doc["title"]}; sections cite {doc["citation"]}. */',
            f'#ifndef {guard}', f'#define {guard}', '',
            '#include <stdbool.h>', '#include <stdint.h>', '']


def _field_block(out, vp, cname, fname_c, f, wide, sec):
    """Constants and accessors for one named field."""
    width = f['msb'] - f['lsb'] + 1
    word, shift = f['lsb'] // 64, f['lsb'] % 64
    mask = ((1 << width) - 1) << shift
    p = f'{vp.upper()}_{cname}_{fname_c}'
    out.append(f'#define {p}_SHIFT {shift}')
    out.append(f'#define {p}_WIDTH {width}')
    out.append(f'#define {p}_MASK {_hex(mask)}')
    if wide:
        out.append(f'#define {p}_WORD {word}')
        out.append(f'#define {p}_LSB {f["lsb"]}')
    fn = f'{vp}_{cname.lower()}'
    fl = fname_c.lower()
    if wide:
        out.append(f'static inline uint64_t {fn}_get_{fl}(const uint64_t *w)'
                   f'\n{{\n    return (w[{word}] & {p}_MASK) >> {p}_SHIFT;'
                   '\n}')
        out.append(f'static inline void {fn}_set_{fl}(uint64_t *w, '
                   f'uint64_t f)\n{{\n    w[{word}] = (w[{word}] & ~{p}_MASK)'
                   f' | ((f << {p}_SHIFT) & {p}_MASK);\n}}')
    else:
        out.append(f'static inline uint64_t {fn}_get_{fl}(uint64_t v)'
                   f'\n{{\n    return (v & {p}_MASK) >> {p}_SHIFT;\n}}')
        out.append(f'static inline uint64_t {fn}_set_{fl}(uint64_t v, '
                   f'uint64_t f)\n{{\n    return (v & ~{p}_MASK) | '
                   f'((f << {p}_SHIFT) & {p}_MASK);\n}}')


def _word_masks(fields, width, pred):
    words = [0] * max(1, width // 64)
    for f in fields:
        if pred(f):
            words[f['lsb'] // 64] |= _mask(f) >> (64 * (f['lsb'] // 64))
    return words


def _emit_masks(out, prefix, fields, width, kinds):
    wide = width > 64
    for label, pred in kinds:
        words = _word_masks(fields, width, pred)
        for i, m in enumerate(words):
            sfx = f'_W{i}' if wide else ''
            out.append(f'#define {prefix}_{label}_MASK{sfx} {_hex(m)}')


def _layout_c(out, doc, name, width, fields, sec, is_register):
    vp, cit = doc['vendor'], doc['citation']
    wide = width > 64
    out.append(f'/* {name}: {width}-bit, {cit} §{sec} */')
    prefix = f'{vp.upper()}_{name}'
    out.append(f'#define {prefix}_WIDTH_BITS {width}')
    if is_register:
        kinds = [(c.upper(), (lambda f, c=c: ACCESS_CLASS[f['access']] == c))
                 for c in ('rsvd', 'ro', 'w1c', 'wo')]
    else:
        kinds = [('RSVD', lambda f: f['kind'] == 'rsvd'),
                 ('IGN', lambda f: f['kind'] == 'ign')]
    _emit_masks(out, prefix, fields, width, kinds)
    for f in fields:
        if f['name'] is not None and f['kind'] == 'field':
            _field_block(out, vp, name, f['name'], f, wide, sec)
    out.append('')


def _reg_words(r):
    """A register wider than 64 bits is accessed as 64-bit words."""
    n = max(1, r['width'] // 64)
    for i in range(n):
        wname = f'{r["name"]}_W{i}' if n > 1 else r['name']
        size = min(r['width'], 64) // 8
        lo = 64 * i
        fields = [f for f in r['fields'] if f['lsb'] // 64 == i]
        yield wname, r['offset'] + 8 * i, size, lo, fields


def table_prefix(doc):
    """Prefix of a register file's table symbols (group and table-index
    enums, RegInfo/RegGroupInfo/RegFileSpec arrays): the vendor for
    <vendor>/regs.toml, <vendor>_<stem> for any other file with registers
    (AMD-Vi's PCI capability block, pcicap.toml), so that two register
    files of one vendor can be included in one translation unit."""
    if doc['stem'] == 'regs':
        return doc['vendor']
    return f'{doc["vendor"]}_{doc["stem"]}'.replace('-', '_')


def gen_regs_header(doc):
    VP = doc['vendor'].upper()
    TP = table_prefix(doc).upper()
    out = _header_open(doc, '')
    out.append('/* Register offsets; grouped ones are relative to the group '
               'base. */')
    for r in doc['registers']:
        sfx = '' if r['group'] is None else '_REL'
        out.append(f'#define {VP}_REG_{r["name"]}{sfx} {r["offset"]:#05x}u'
                   f' /* {r["width"]}-bit, §{r["section"]} */')
        out.append(f'#define {VP}_{r["name"]}_RESET {_hex(r["reset"] & ((1 << 64) - 1))}')
    out.append('')
    out.append('/* Register groups (index into the RegGroupInfo table). */')
    out.append('enum {')
    out.append(f'    {TP}_GROUP_FIXED = 0,')
    for i, g in enumerate(doc['groups']):
        out.append(f'    {TP}_GROUP_{g["name"]} = {i + 1}, '
                   f'/* §{g["section"]} */')
    out.append(f'    {TP}_GROUP_COUNT = {len(doc["groups"]) + 1},')
    out.append('};')
    for g in doc['groups']:
        out.append(f'#define {TP}_GROUP_{g["name"]}_STRIDE {g["stride"]:#x}u')
        out.append(f'#define {TP}_GROUP_{g["name"]}_MAX_COUNT '
                   f'{g["max_count"]}u')
    out.append('')
    out.append('/* Register table indices (RegInfo order). */')
    out.append('enum {')
    for r in doc['registers']:
        for wname, *_ in _reg_words(r):
            out.append(f'    {TP}_RI_{wname},')
    out.append(f'    {TP}_RI_COUNT')
    out.append('};')
    out.append('')
    for r in doc['registers']:
        _layout_c(out, doc, r['name'], r['width'], r['fields'],
                  r['section'], True)
    out.append('#endif')
    return '\n'.join(out) + '\n'


def _reg_masks(fields, lo):
    m = {'rw': 0, 'ro': 0, 'w1c': 0, 'w1s': 0, 'wo': 0, 'rsvd': 0}
    for f in fields:
        m[ACCESS_CLASS[f['access']]] |= _mask(f) >> lo
    return m


def _group_ref_c(doc, ref):
    """(reg index name, shift, unshifted mask) of a group base/count."""
    if ref is None:
        return '-1', 0, '0', 1, 0
    r = next(x for x in doc['registers'] if x['name'] == ref['reg'])
    f = next(x for x in r['fields'] if x['name'] == ref['field'])
    width = f['msb'] - f['lsb'] + 1
    return (f'{table_prefix(doc).upper()}_RI_{r["name"]}', f['lsb'],
            _hex((1 << width) - 1), ref['scale'], ref['add'])


def gen_regs_table(doc):
    vp, VP = table_prefix(doc), table_prefix(doc).upper()
    out = _header_open(doc, '_TABLE')
    out += ['#include "iommu-sim/regs.h"',
            f'#include "{doc["vendor"]}-{doc["stem"]}.h"', '',
            '/* Included by the one file that builds the register file. */',
            f'static const RegGroupInfo {vp}_reg_groups[{VP}_GROUP_COUNT] '
            '__attribute__((unused)) = {',
            '    { .name = "FIXED", .stride = 0, .max_count = 1,',
            '      .base_reg = -1, .count_reg = -1 },']
    for g in doc['groups']:
        breg, bsh, bmask, bscale, _ = _group_ref_c(doc, g['base'])
        creg, csh, cmask, _, cadd = _group_ref_c(doc, g['count'])
        out.append(f'    {{ .name = "{g["name"]}", .stride = {g["stride"]:#x},'
                   f' .max_count = {g["max_count"]},')
        out.append(f'      .base_reg = {breg}, .base_shift = {bsh}, '
                   f'.base_mask = {bmask}, .base_scale = {bscale},')
        out.append(f'      .count_reg = {creg}, .count_shift = {csh}, '
                   f'.count_mask = {cmask}, .count_add = {cadd} }},')
    out.append('};')
    out.append('')
    out.append(f'static const RegInfo {vp}_reg_info[{VP}_RI_COUNT] '
               '__attribute__((unused)) = {')
    for r in doc['registers']:
        grp = 'FIXED' if r['group'] is None else r['group']
        for wname, off, size, lo, fields in _reg_words(r):
            m = _reg_masks(fields, lo)
            reset = (r['reset'] >> lo) & ((1 << 64) - 1)
            out.append(f'    [{VP}_RI_{wname}] = {{ .name = "{wname}", '
                       f'.offset = {off:#x}, .size = {size},')
            out.append(f'      .group = {VP}_GROUP_{grp}, '
                       f'.reset = {_hex(reset)},')
            out.append(f'      .wmask = {_hex(m["rw"] | m["wo"])}, '
                       f'.w1c = {_hex(m["w1c"])},')
            out.append(f'      .w1s = {_hex(m["w1s"])}, '
                       f'.rsvd = {_hex(m["rsvd"])},')
            out.append(f'      .wo = {_hex(m["wo"])} }},')
    out.append('};')
    out.append('')
    out.append(f'static const RegFileSpec {vp}_regfile_spec '
               '__attribute__((unused)) = {')
    out.append(f'    .name = "{vp}", .regs = {vp}_reg_info, '
               f'.n_regs = {VP}_RI_COUNT,')
    out.append(f'    .groups = {vp}_reg_groups, .n_groups = {VP}_GROUP_COUNT,')
    out.append('};')
    out.append('')
    out.append('#endif')
    return '\n'.join(out) + '\n'


def _enum_c(out, doc, e):
    VP, vp = doc['vendor'].upper(), doc['vendor']
    ctype = e['ctype']
    out.append(f'/* {e["name"]}: {doc["citation"]} §{e["section"]} */')
    out.append('typedef enum {')
    for v in e['values']:
        out.append(f'    {VP}_{e["prefix"]}_{v["name"]} = {v["value"]:#x},')
    out.append(f'}} {ctype};')
    fn = f'{vp}_{e["name"]}'
    out.append(f'static inline const char *{fn}_name(unsigned v)\n{{\n'
               '    switch (v) {')
    for v in e['values']:
        out.append(f'    case {v["value"]:#x}: return "{v["name"]}";')
    out.append('    default: return NULL;\n    }\n}')
    for attr, t in sorted(e['attrs'].items()):
        ret = {'str': 'const char *', 'bool': 'bool ', 'int': 'int64_t '}[t]
        dflt = {'str': 'NULL', 'bool': 'false', 'int': '-1'}[t]
        out.append(f'static inline {ret}{fn}_{attr}(unsigned v)\n{{\n'
                   '    switch (v) {')
        for v in e['values']:
            if attr in v['attrs']:
                x = v['attrs'][attr]
                lit = {'str': lambda a: '"' + str(a) + '"',
                       'bool': lambda a: 'true' if a else 'false',
                       'int': lambda a: f'{a:#x}'}[t](x)
                out.append(f'    case {v["value"]:#x}: return {lit};')
        out.append(f'    default: return {dflt};\n    }}\n}}')
    out.append('')


def gen_header(doc):
    """Layouts and enums (and registers, if any) of one file."""
    if doc['registers']:
        return gen_regs_header_with_rest(doc)
    out = _header_open(doc, '')
    out.append('#include <stddef.h>')
    out.append('')
    for lay in doc['layouts']:
        _layout_c(out, doc, lay['name'], lay['width'], lay['fields'],
                  lay['section'], False)
    for e in doc['enums']:
        _enum_c(out, doc, e)
    out.append('#endif')
    return '\n'.join(out) + '\n'


def gen_regs_header_with_rest(doc):
    text = gen_regs_header(doc)
    if not doc['layouts'] and not doc['enums']:
        return text
    extra = ['#include <stddef.h>', '']
    for lay in doc['layouts']:
        _layout_c(extra, doc, lay['name'], lay['width'], lay['fields'],
                  lay['section'], False)
    for e in doc['enums']:
        _enum_c(extra, doc, e)
    head, tail = text.rsplit('#endif', 1)
    return head + '\n'.join(extra) + '\n#endif' + tail


# ----------------------------------------------------------- Python output

def _py_fields(fields):
    return {f['name']: {'lsb': f['lsb'], 'msb': f['msb'],
                        'access': f['access'] or f['kind']}
            for f in fields if f['name'] is not None}


def gen_python(docs):
    data = {'registers': {}, 'groups': {}, 'layouts': {}, 'enums': {}}
    blocks = {}
    for d in docs:
        # Registers of a file other than regs.toml (a separate register
        # block, e.g. a PCI capability) go to BLOCKS[stem]["registers"].
        regs = data['registers'] if d['stem'] == 'regs' else \
            blocks.setdefault(d['stem'], {'registers': {}})['registers']
        for r in d['registers']:
            m = _reg_masks(r['fields'], 0)
            regs[r['name']] = {
                'offset': r['offset'], 'width': r['width'],
                'reset': r['reset'], 'reset_model': r['reset_model'],
                'group': r['group'], 'section': r['section'],
                'masks': m, 'fields': _py_fields(r['fields'])}
        for g in d['groups']:
            data['groups'][g['name']] = dict(g)
        for lay in d['layouts']:
            data['layouts'][lay['name']] = {
                'width': lay['width'], 'section': lay['section'],
                'rsvd': sum(_mask(f) for f in lay['fields']
                            if f['kind'] == 'rsvd'),
                'fields': _py_fields(lay['fields'])}
        for e in d['enums']:
            data['enums'][e['name']] = {
                v['name']: dict(value=v['value'], **v['attrs'])
                for v in e['values']}
    vendor = docs[0]['vendor'] if docs else ''
    blocks_py = ''
    if any(b['registers'] for b in blocks.values()):
        data['blocks'] = {k: b for k, b in blocks.items() if b['registers']}
        blocks_py = 'BLOCKS = SPEC["blocks"]\n'
    body = pprint.pformat(data, width=100, sort_dicts=False)
    return (f'# Generated by specs/gen.py: do not edit.\n'
            f'"""Spec constants for {vendor} (declared in specs/{vendor}/)."""'
            f'\n\nVENDOR = {vendor!r}\n'
            f'CITATION = {docs[0]["citation"] if docs else ""!r}\n'
            f'SPEC = {body}\n'
            'REGISTERS = SPEC["registers"]\nGROUPS = SPEC["groups"]\n'
            'LAYOUTS = SPEC["layouts"]\nENUMS = SPEC["enums"]\n'
            f'{blocks_py}\n\n'
            'def field(kind, name, fname):\n'
            '    """(lsb, msb) of a register or layout field."""\n'
            '    f = SPEC[kind][name]["fields"][fname]\n'
            '    return f["lsb"], f["msb"]\n\n\n'
            'def get(value, kind, name, fname):\n'
            '    lsb, msb = field(kind, name, fname)\n'
            '    return (value >> lsb) & ((1 << (msb - lsb + 1)) - 1)\n\n\n'
            'def put(value, kind, name, fname, f):\n'
            '    lsb, msb = field(kind, name, fname)\n'
            '    m = ((1 << (msb - lsb + 1)) - 1) << lsb\n'
            '    return (value & ~m) | ((f << lsb) & m)\n')


# ------------------------------------------------------------------- main

def outputs_for(doc):
    """Output file names for one declaration file."""
    names = [f'{doc["vendor"]}-{doc["stem"]}.h']
    if doc['registers']:
        names.append(f'{doc["vendor"]}-{doc["stem"]}-table.h')
    return names


def check_vendor_names(docs):
    """Names must be unique across all files of one vendor (one C scope)."""
    seen = {}
    for d in docs:
        names = [x['name'] for k in ('registers', 'groups', 'layouts')
                 for x in d[k]]
        names += [f'enum {e["name"]}' for e in d['enums']]
        names += [f'ctype {e["ctype"]}' for e in d['enums']]
        for n in names:
            key = (d['vendor'], n)
            if key in seen and seen[key] != d['file']:
                raise SpecError(f'{d["file"]}: {n} already declared in '
                                f'{seen[key]}')
            seen[key] = d['file']
        outs = outputs_for(d)
        for o in outs:
            if ('out', o) in seen:
                raise SpecError(f'{d["file"]}: output {o} clashes')
            seen[('out', o)] = d['file']


def generate(docs, outdir, py_module):
    vendors = {d['vendor'] for d in docs}
    if len(vendors) > 1 and py_module:
        raise SpecError(f'one Python module per vendor, got {sorted(vendors)}')
    for d in docs:
        files = outputs_for(d)
        _write(os.path.join(outdir, files[0]), gen_header(d))
        if d['registers']:
            _write(os.path.join(outdir, files[1]), gen_regs_table(d))
    if py_module:
        _write(os.path.join(outdir, py_module), gen_python(docs))


def _write(path, text):
    """Write only on change, so dependants do not rebuild needlessly."""
    try:
        with open(path, encoding='utf-8') as fh:
            if fh.read() == text:
                return
    except OSError:
        pass
    with open(path, 'w', encoding='utf-8') as fh:
        fh.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--outdir')
    ap.add_argument('--py-module')
    ap.add_argument('--check', action='store_true')
    ap.add_argument('files', nargs='+')
    args = ap.parse_args(argv)
    try:
        docs = [load(f) for f in args.files]
        check_vendor_names(docs)
        if not args.check:
            if not args.outdir:
                raise SpecError('--outdir is required')
            generate(docs, args.outdir, args.py_module)
    except SpecError as exc:
        print(f'specs/gen.py: error: {exc}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
