"""DMAR tables (VT-d 5.10 chapter 8) disassembled by Debian's iasl.

Three sources:
- hw/acpi's dump-dmar program (fixed configurations, always available);
- Debian QEMU 7.2, whose DMAR is read through fw_cfg over qtest (the
  oracle for the byte layout);
- `iommu-sim ... -dump-acpi DIR`, once the machine registers the VT-d
  model's table (skipped, with the reason, until then).

iasl 20200925 predates SATC/SIDP, so those are checked only by the C unit
tests (hw/acpi/tests/test-dmar.c).
"""
import os
import shutil
import struct
import subprocess

import pytest

from acpi_util import FIELD, disassemble, iommu_sim as _iommu_sim
from acpi_util import dump_program, requires_iasl

QEMU = shutil.which("qemu-system-x86_64")

pytestmark = requires_iasl


def _dump_dmar():
    return dump_program("ACPI_DUMP_DMAR", "dump-dmar")


# ---- iasl's .dsl text ------------------------------------------------------


def parse_dsl(text):
    """Header fields, then subtables each with their fields and scopes."""
    table = {"fields": {}, "subtables": []}
    sub = scope = None
    for line in text.splitlines():
        m = FIELD.match(line.strip())
        if not m:
            continue
        offset, name, value = int(m.group(2)), m.group(4), m.group(5)
        if name == "Subtable Type":
            sub = {"offset": offset, "type": int(value.split()[0], 16),
                   "fields": {}, "scopes": []}
            table["subtables"].append(sub)
            scope = None
        elif name == "Device Scope Type":
            scope = {"type": int(value.split()[0], 16), "fields": {},
                     "path": []}
            sub["scopes"].append(scope)
        elif name == "PCI Path":
            dev, fn = value.split(",")
            scope["path"].append((int(dev, 16), int(fn, 16)))
        elif scope is not None:
            scope["fields"][name] = value
        elif sub is not None:
            sub["fields"][name] = value
        else:
            table["fields"][name] = value
    return table


def hexval(s):
    return int(s.split()[0], 16)


def checksum_ok(data):
    return (len(data) >= 36 and struct.unpack_from("<I", data, 4)[0] ==
            len(data) and sum(data) % 256 == 0)


def dump(variant, tmp_path):
    out = tmp_path / variant
    out.mkdir()
    r = subprocess.run([_dump_dmar(), variant, str(out)],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    return str(out / "DMAR.dat")


def load(dat):
    with open(dat, "rb") as f:
        data = f.read()
    dsl = disassemble(dat)
    return data, dsl, parse_dsl(dsl)


def assert_header(data, dsl, t):
    assert checksum_ok(data)
    assert "Incorrect checksum" not in dsl
    assert t["fields"]["Signature"].startswith('"DMAR"')
    assert hexval(t["fields"]["Table Length"]) == len(data)
    assert hexval(t["fields"]["Revision"]) == 1
    assert hexval(t["fields"]["Checksum"]) == data[9]
    assert t["fields"]["Reserved"].split() == ["00"] * 10


# ---- dump-dmar: fixed configurations ----------------------------------------

def test_q35_fields(tmp_path):
    data, dsl, t = load(dump("q35", tmp_path))
    assert_header(data, dsl, t)
    assert hexval(t["fields"]["Host Address Width"]) == 39 - 1
    assert hexval(t["fields"]["Flags"]) == 0x01          # INTR_REMAP
    assert len(t["subtables"]) == 1
    drhd = t["subtables"][0]
    assert drhd["type"] == 0 and drhd["offset"] == 48
    assert hexval(drhd["fields"]["Length"]) == 16 + 8
    assert hexval(drhd["fields"]["Flags"]) == 0x01       # INCLUDE_PCI_ALL
    assert hexval(drhd["fields"]["Register Base Address"]) == 0xfed90000
    assert hexval(drhd["fields"]["PCI Segment Number"]) == 0
    (ioapic,) = drhd["scopes"]
    assert ioapic["type"] == 3
    assert hexval(ioapic["fields"]["Entry Length"]) == 8
    assert hexval(ioapic["fields"]["Enumeration ID"]) == 0
    assert hexval(ioapic["fields"]["PCI Bus Number"]) == 0xff
    assert ioapic["path"] == [(0, 0)]


def test_full_structures_in_type_order(tmp_path):
    data, dsl, t = load(dump("full", tmp_path))
    assert_header(data, dsl, t)
    assert hexval(t["fields"]["Host Address Width"]) == 46 - 1
    assert hexval(t["fields"]["Flags"]) == 0x07
    assert [s["type"] for s in t["subtables"]] == [0, 0, 1, 1, 2, 3, 3, 4]
    # Lengths chain from byte 48 to the end of the table (VT-d 5.10 §8.2).
    off = 48
    for s in t["subtables"]:
        assert s["offset"] == off
        off += hexval(s["fields"]["Length"])
    assert off == len(data)


def test_full_drhd_scopes_and_paths(tmp_path):
    _, _, t = load(dump("full", tmp_path))
    unit0, unit1 = t["subtables"][0], t["subtables"][1]
    assert hexval(unit0["fields"]["Flags"]) == 0
    assert hexval(unit0["fields"]["Register Base Address"]) == 0xfed92000
    # iasl 20200925 calls the Size byte "Reserved": 1 = 2^1 pages (8 KiB)
    assert hexval(unit0["fields"]["Reserved"]) == 1
    assert [(s["type"], s["path"]) for s in unit0["scopes"]] == [
        (1, [(0x03, 0)]), (2, [(0x1c, 0)]), (1, [(0x1c, 4), (0x00, 1)])]
    assert hexval(unit0["scopes"][2]["fields"]["Entry Length"]) == 10
    assert hexval(unit1["fields"]["Flags"]) == 1         # INCLUDE_PCI_ALL last
    assert hexval(unit1["fields"]["Register Base Address"]) == 0xfed90000
    got = [(s["type"], hexval(s["fields"]["Enumeration ID"]), s["path"])
           for s in unit1["scopes"]]
    assert got == [(3, 2, [(0x1f, 7)]), (4, 0, [(0x1f, 6)]),
                   (5, 1, [(0x15, 0)])]


def test_full_rmrr_atsr_rhsa_andd(tmp_path):
    _, _, t = load(dump("full", tmp_path))
    rmrr = [s for s in t["subtables"] if s["type"] == 1]
    assert [(hexval(s["fields"]["Base Address"]),
             hexval(s["fields"]["End Address (limit)"])) for s in rmrr] == [
        (0xe8000, 0xeffff), (0x7d000000, 0x7f7fffff)]
    for s in rmrr:
        base = hexval(s["fields"]["Base Address"])
        limit = hexval(s["fields"]["End Address (limit)"])
        assert base % 4096 == 0 and (limit + 1) % 4096 == 0   # §8.4
    assert [x["path"] for x in rmrr[0]["scopes"]] == [[(0x1d, 0)],
                                                      [(0x1a, 0)]]
    (atsr,) = [s for s in t["subtables"] if s["type"] == 2]
    assert hexval(atsr["fields"]["Flags"]) == 0
    assert [(x["type"], x["path"]) for x in atsr["scopes"]] == [
        (2, [(0x1c, 0)])]
    rhsa = [s for s in t["subtables"] if s["type"] == 3]
    assert [(hexval(s["fields"]["Base Address"]),
             hexval(s["fields"]["Proximity Domain"])) for s in rhsa] == [
        (0xfed92000, 0), (0xfed90000, 1)]
    (andd,) = [s for s in t["subtables"] if s["type"] == 4]
    assert hexval(andd["fields"]["Device Number"]) == 1
    assert andd["fields"]["Device Name"] == '"\\_SB.PCI0.I2C0"'


def test_iasl_flags_a_corrupted_checksum(tmp_path):
    """The checksum check above can fail: iasl and ours both see one flip."""
    dat = dump("q35", tmp_path)
    with open(dat, "r+b") as f:
        data = bytearray(f.read())
        data[0x40] ^= 0x10
        f.seek(0)
        f.write(data)
    assert not checksum_ok(bytes(data))
    assert "Incorrect checksum" in disassemble(dat)


# ---- Debian QEMU 7.2 as the layout oracle ---------------------------------

QEMU_ARGS = ["-machine", "q35", "-qtest", "stdio", "-qtest-log", "/dev/null",
             "-display", "none", "-nodefaults"]
FW_CFG_SELECTOR, FW_CFG_DATA, FW_CFG_FILE_DIR = 0x510, 0x511, 0x19


class _Qtest:
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

    def cmds(self, lines):
        self.p.stdin.write("".join(line + "\n" for line in lines))
        self.p.stdin.flush()
        out = []
        while len(out) < len(lines):
            line = self.p.stdout.readline()
            assert line, "qemu exited"
            if line.startswith(("OK", "FAIL", "ERR")):
                out.append(line.split())
        return out

    def fw_cfg_read(self, selector, n):
        self.cmds(["outw 0x%x 0x%x" % (FW_CFG_SELECTOR, selector)])
        data = bytearray()
        while len(data) < n:   # in chunks: never fill a pipe both ways
            k = min(2048, n - len(data))
            data += bytes(int(r[1], 16) for r in
                          self.cmds(["inb 0x%x" % FW_CFG_DATA] * k))
        return bytes(data)

    def close(self):
        self.p.kill()
        self.p.wait()


def qemu_dmar(tmp_path, devices):
    """QEMU's DMAR from fw_cfg etc/acpi/tables, checksum filled in (QEMU
    leaves it to the firmware's table loader)."""
    bios = tmp_path / "hlt.bin"
    bios.write_bytes(b"\xf4" * 65536)
    q = _Qtest([QEMU] + QEMU_ARGS + ["-bios", str(bios)] + devices)
    try:
        (count,) = struct.unpack(">I", q.fw_cfg_read(FW_CFG_FILE_DIR, 4))
        d = q.fw_cfg_read(FW_CFG_FILE_DIR, 4 + 64 * count)[4:]
        files = {}
        for i in range(count):
            size, sel = struct.unpack_from(">IH", d, 64 * i)
            name = d[64 * i + 8:64 * i + 64].split(b"\0")[0].decode()
            files[name] = (size, sel)
        size, sel = files["etc/acpi/tables"]
        blob = q.fw_cfg_read(sel, size)
    finally:
        q.close()
    start = blob.find(b"DMAR")
    assert start >= 0, "QEMU served no DMAR"
    (length,) = struct.unpack_from("<I", blob, start + 4)
    table = bytearray(blob[start:start + length])
    table[9] = 0
    table[9] = (-sum(table)) % 256
    out = tmp_path / "qemu"
    out.mkdir()
    (out / "DMAR.dat").write_bytes(bytes(table))
    return str(out / "DMAR.dat")


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 missing")
def test_builder_matches_qemu_byte_for_byte(tmp_path):
    """Our builder, given QEMU's configuration, emits QEMU's exact bytes."""
    with open(qemu_dmar(tmp_path, ["-device", "intel-iommu",
                                   "-device", "edu,addr=02.0"]), "rb") as f:
        theirs = f.read()
    with open(dump("qemu72", tmp_path), "rb") as f:
        ours = f.read()
    assert ours.hex() == theirs.hex()


# ---- iommu-sim -dump-acpi -------------------------------------------------

def sim_dmar(tmp_path, devices):
    sim = _iommu_sim()
    if sim is None:
        pytest.skip("iommu-sim is not built yet (hw/machine, qtest/)")
    out = tmp_path / "sim"
    out.mkdir()
    r = subprocess.run([sim, "-machine", "q35"] + devices +
                       ["-dump-acpi", str(out)], capture_output=True,
                       text=True, timeout=20)
    if r.returncode != 0:
        msg = (r.stderr or r.stdout).strip().splitlines()
        msg = msg[0] if msg else "exit %d" % r.returncode
        if "dump-acpi" in msg or "intel-iommu" in msg:
            pytest.skip("iommu-sim lacks -dump-acpi or intel-iommu: " + msg)
        pytest.fail("iommu-sim -dump-acpi failed: " + msg)
    dat = out / "DMAR.dat"
    if not dat.exists():
        pytest.skip("iommu-sim wrote no DMAR.dat: the VT-d model does not "
                    "register its table with the machine yet")
    return str(dat)


def covers(drhd, bus, dev, fn):
    """A DRHD covers bus:dev.fn explicitly or through INCLUDE_PCI_ALL."""
    if hexval(drhd["fields"]["Flags"]) & 1:
        return True
    return any(s["type"] == 1 and
               hexval(s["fields"]["PCI Bus Number"]) == bus and
               s["path"] == [(dev, fn)] for s in drhd["scopes"])


def test_iommu_sim_dump_acpi_dmar(tmp_path):
    data, dsl, t = load(sim_dmar(tmp_path, ["-device", "intel-iommu",
                                            "-device", "edu,addr=02.0"]))
    assert_header(data, dsl, t)
    # QEMU's default aw-bits is 39: HAW reported as N = 38 (§8.1).
    assert hexval(t["fields"]["Host Address Width"]) == 38
    drhds = [s for s in t["subtables"] if s["type"] == 0]
    assert len(drhds) == 1
    (drhd,) = drhds
    assert hexval(drhd["fields"]["Register Base Address"]) == 0xfed90000
    assert covers(drhd, 0, 2, 0), "edu at 00:02.0 is under no DRHD"
    if hexval(drhd["fields"]["Flags"]) & 1:
        # §8.3.1: INCLUDE_PCI_ALL units name no PCI endpoints or bridges.
        assert all(s["type"] not in (1, 2) for s in drhd["scopes"])
    if hexval(t["fields"]["Flags"]) & 1:
        # §8.3.1.1: with INTR_REMAP every IOAPIC is in some unit's scope.
        assert any(s["type"] == 3 for s in drhd["scopes"])
    for s in t["subtables"]:
        if s["type"] == 1:   # RMRR: 4 KiB-aligned whole pages (§8.4)
            base = hexval(s["fields"]["Base Address"])
            limit = hexval(s["fields"]["End Address (limit)"])
            assert base % 4096 == 0 and (limit + 1) % 4096 == 0
            assert limit > base and s["scopes"]


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 missing")
def test_iommu_sim_dmar_agrees_with_qemu(tmp_path):
    """Same command line, same HAW, flags and unit base as QEMU 7.2."""
    devices = ["-device", "intel-iommu", "-device", "edu,addr=02.0"]
    _, _, ours = load(sim_dmar(tmp_path, devices))
    _, _, theirs = load(qemu_dmar(tmp_path, devices))
    for name in ("Host Address Width", "Flags"):
        assert ours["fields"][name] == theirs["fields"][name], name
    ours_drhd, theirs_drhd = ours["subtables"][0], theirs["subtables"][0]
    assert (ours_drhd["fields"]["Register Base Address"] ==
            theirs_drhd["fields"]["Register Base Address"])
    assert covers(ours_drhd, 0, 2, 0) and covers(theirs_drhd, 0, 2, 0)
