"""IVRS tables (AMD IOMMU 48882 §5.2) disassembled by Debian's iasl.

Two sources:
- hw/acpi's dump-ivrs program (hw/acpi/tests/ivrs-fixture.h: one IOMMU as
  IVHD 10h, 11h and 40h, every device-entry kind, IVMD 20h/21h/22h);
- `iommu-sim -machine q35 -device amd-iommu -dump-acpi DIR`, once the
  AMD-Vi model registers its table (skipped, with the reason, until then).

iasl 20200925 decodes IVHD 10h and 11h; it predates 40h, which it reports
as an unknown subtable and steps over by its Length.  The 40h bytes are
checked by the C unit tests (hw/acpi/tests/test-ivrs.c).
"""
import os
import re
import subprocess

import pytest

from acpi_util import FIELD, disassemble, dump_program, iommu_sim
from acpi_util import requires_iasl

pytestmark = requires_iasl

# The fixture, as ivrs-fixture.h configures it.
FIX_IVINFO = 0x1 | 0x2 | 2 << 5 | 48 << 8 | 64 << 15
FIX_ENTRIES = [  # (type, device id, data setting) as iasl lists them
    (0x02, 0x0008, 0x00), (0x03, 0x0010, 0xC7), (0x04, 0x00FF, 0x00),
    (0x42, 0x0100, 0x00), (0x43, 0x0200, 0x00), (0x04, 0x02FF, 0x00),
    (0x46, 0x0300, 0x00), (0x47, 0x0400, 0x00), (0x04, 0x04FF, 0x00),
    (0x48, 0x0000, 0xD7), (0x48, 0x0000, 0x00),
]


def _dump_ivrs():
    return dump_program("ACPI_DUMP_IVRS", "dump-ivrs")


def fields(text):
    """[(offset, name, value text)] in table order."""
    out = []
    for line in text.splitlines():
        m = FIELD.match(line.strip())
        if m:
            out.append((int(m.group(1), 16), m.group(4).strip(),
                        m.group(5).strip()))
    return out


def hexval(v):
    return int(v.split()[0].strip('"'), 16)


def split(fl):
    """Header fields, then subtables (dicts of fields + device entries)."""
    head, subs = {}, []
    for off, name, val in fl:
        if name == "Subtable Type":
            subs.append({"offset": off, "type": hexval(val), "raw": val,
                         "f": {}, "entries": []})
        elif not subs:
            head[name] = val
        elif name == "Entry Type":
            subs[-1]["entries"].append({"type": hexval(val)})
        elif subs[-1]["entries"]:
            subs[-1]["entries"][-1][name] = val
        else:
            subs[-1]["f"][name] = val
    return head, subs


@pytest.fixture(scope="module")
def dumped(tmp_path_factory):
    d = tmp_path_factory.mktemp("ivrs")
    r = subprocess.run([_dump_ivrs(), str(d)], capture_output=True,
                       text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    return d


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    return data, split(fields(disassemble(str(path))))


def assert_ivhd_common(s, length):
    assert hexval(s["f"]["Flags"]) == 0xD0          # IotlbSup, PrefSup, PPR
    assert hexval(s["f"]["Length"]) == length
    assert hexval(s["f"]["DeviceId"]) == 0x0002
    assert hexval(s["f"]["Capability Offset"]) == 0x40
    assert hexval(s["f"]["Base Address"]) == 0xFED80000
    assert hexval(s["f"]["PCI Segment Group"]) == 0


def entry_tuples(s):
    return [(e["type"], hexval(e["Device ID"]), hexval(e["Data Setting"]))
            for e in s["entries"]]


def test_ivhd10_table_fields(dumped):
    data, (head, subs) = load(dumped / "IVRS10.dat")
    assert head["Signature"].startswith('"IVRS"')
    assert hexval(head["Table Length"]) == len(data)
    assert hexval(head["Revision"]) == 1
    assert sum(data) % 256 == 0
    assert hexval(head["Virtualization Info"]) == FIX_IVINFO
    assert [s["type"] for s in subs] == [0x10, 0x20, 0x21, 0x22]
    assert_ivhd_common(subs[0], 24 + 68)
    assert hexval(subs[0]["f"]["Feature Reporting"]) == 0x80048F6E
    assert entry_tuples(subs[0]) == FIX_ENTRIES


def test_device_entries_alias_ext_special(dumped):
    _, (_, subs) = load(dumped / "IVRS10.dat")
    e = subs[0]["entries"]
    assert hexval(e[3]["Source Used Device ID"]) == 0x00F8
    assert hexval(e[4]["Source Used Device ID"]) == 0x00F0
    assert hexval(e[6]["Extended Data"]) == 0x80000000   # ATS disabled
    assert hexval(e[7]["Extended Data"]) == 0
    ioapic, hpet = e[9], e[10]
    assert hexval(ioapic["Handle"]) == 0
    assert hexval(ioapic["Source Used Device ID"]) == 0x00A0
    assert hexval(ioapic["Variety"]) == 1
    assert hexval(hpet["Source Used Device ID"]) == 0x00A5
    assert hexval(hpet["Variety"]) == 2


def test_ivmd_unity_and_exclusion(dumped):
    _, (_, subs) = load(dumped / "IVRS10.dat")
    excl, sel, rng = subs[1:]
    assert hexval(excl["f"]["Flags"]) == 0x08
    assert hexval(excl["f"]["Start Address"]) == 0x80000000
    assert hexval(excl["f"]["Memory Length"]) == 0x100000
    assert hexval(sel["f"]["Flags"]) == 0x07
    assert hexval(sel["f"]["DeviceId"]) == 0x0010
    assert hexval(sel["f"]["Start Address"]) == 0xD0000
    assert hexval(rng["f"]["DeviceId"]) == 0x0200
    assert hexval(rng["f"]["Auxiliary Data"]) == 0x02FF
    assert hexval(rng["f"]["Memory Length"]) == 0x200000
    for s in (excl, sel, rng):
        assert hexval(s["f"]["Length"]) == 32


def test_mixed_ivhd_11_and_40(dumped):
    data, (head, subs) = load(dumped / "IVRS.dat")
    assert hexval(head["Revision"]) == 2
    assert hexval(head["Table Length"]) == len(data)
    assert [s["type"] for s in subs] == [0x10, 0x11, 0x40, 0x20, 0x21, 0x22]
    h11 = subs[1]
    assert_ivhd_common(h11, 40 + 68)
    assert hexval(h11["f"]["Attributes"]) == 0
    assert hexval(h11["f"]["EFR Image"]) == 0x29D3     # QEMU 7.2's EFR
    assert entry_tuples(h11) == FIX_ENTRIES
    # iasl 20200925 does not know 40h, but walks past it by Length.
    assert "Unknown" in subs[2]["raw"]
    assert subs[3]["offset"] == subs[2]["offset"] + 40 + 68


def test_iasl_flags_a_corrupted_checksum(dumped, tmp_path):
    with open(dumped / "IVRS10.dat", "rb") as f:
        data = bytearray(f.read())
    data[9] ^= 0x5A
    bad = tmp_path / "IVRS.dat"
    bad.write_bytes(bytes(data))
    text = disassemble(str(bad))
    assert re.search(r"Checksum : [0-9A-F]+\s+/\* Incorrect checksum",
                     text), text[:2000]


# ---- iommu-sim -dump-acpi ------------------------------------------------

def test_iommu_sim_dump_acpi_ivrs(tmp_path):
    sim = iommu_sim()
    if sim is None:
        pytest.skip("iommu-sim is not built yet (hw/machine, qtest/)")
    out = tmp_path / "sim"
    out.mkdir()
    r = subprocess.run([sim, "-machine", "q35", "-device", "amd-iommu",
                        "-dump-acpi", str(out)], capture_output=True,
                       text=True, timeout=20)
    if r.returncode != 0:
        msg = ((r.stderr or r.stdout).strip().splitlines() or
               ["exit %d" % r.returncode])[0]
        if "dump-acpi" in msg or "amd-iommu" in msg:
            pytest.skip("iommu-sim lacks -dump-acpi or amd-iommu: " + msg)
        pytest.fail("iommu-sim -dump-acpi failed: " + msg)
    dat = out / "IVRS.dat"
    if not dat.exists():
        pytest.skip("iommu-sim wrote no IVRS.dat: the AMD-Vi model does not "
                    "register its table with the machine yet")
    data, (head, subs) = load(dat)
    assert sum(data) % 256 == 0
    assert hexval(head["Table Length"]) == len(data)
    types = [s["type"] for s in subs]
    # CLIENTS.md: emit 10h/11h alongside 40h (hypervisors reject 40h).
    assert 0x10 in types and 0x11 in types
    for s in subs:
        if s["type"] in (0x10, 0x11):
            assert hexval(s["f"]["Base Address"]) == 0xFED80000
            assert s["entries"], "IVHD without device entries"
