"""-device intel-iommu as a device of the machine: properties reach the
model (bad ones refused with the property's name), one unit only, the
registers at 0xfed90000, the DMAR it registers (VT-d 5.10 ch. 8) for
several property sets against Debian QEMU 7.2, and `stats`."""
import os
import subprocess

import pytest

from iommusim_qtest import Qtest, hlt_bios
from vtd_harness_util import QEMU, Vtd, sim_args

SIM = os.environ.get("IOMMU_SIM")


@pytest.fixture(scope="module")
def bios(tmp_path_factory):
    return hlt_bios(str(tmp_path_factory.mktemp("bios") / "hlt.bin"))


def run(*args):
    return subprocess.run([SIM, "-machine", "q35", "-qtest", "stdio"] +
                          list(args), input="endianness\n",
                          capture_output=True, text=True, timeout=20)


def test_properties_reach_the_model(bios):
    qt = Qtest(SIM, sim_args(bios, "intel-iommu,aw-bits=48,cap-nfr=7,"
                                   "cap-profile=broadwell-ep,caching-mode"))
    try:
        v = Vtd(qt)
        cap = v.rd("CAP")
        assert v.field("CAP", "NFR", cap) == 7
        assert v.field("CAP", "CM", cap) == 1        # bare name means on
        assert v.field("CAP", "SAGAW", cap) & 0b100  # 4-level (48-bit)
    finally:
        assert qt.close() == 0


def test_broadwell_profile_values(bios):
    qt = Qtest(SIM, sim_args(bios, "intel-iommu,cap-profile=broadwell-ep"))
    try:
        v = Vtd(qt)
        assert v.rd("CAP") == 0x8d2078c106f0466
        assert v.rd("ECAP") == 0xf020df
    finally:
        assert qt.close() == 0


@pytest.mark.parametrize("spec,words", [
    ("intel-iommu,aw-bits=40", ["aw-bits", "40"]),
    ("intel-iommu,caching-mode=maybe", ["caching-mode", "maybe"]),
    ("intel-iommu,iotlb-ways=0", ["iotlb"]),
    ("intel-iommu,eim=on,intremap=off", ["eim", "intremap"]),
])
def test_bad_property_values_are_refused_by_name(spec, words):
    r = run("-device", spec)
    assert r.returncode != 0
    for w in words:
        assert w in r.stderr, r.stderr


def test_unknown_property_is_refused():
    r = run("-device", "intel-iommu,no-such-thing=1")
    assert r.returncode != 0
    assert "intel-iommu.no-such-thing" in r.stderr, r.stderr


def test_only_one_unit():
    r = run("-device", "intel-iommu", "-device", "intel-iommu")
    assert r.returncode != 0
    assert "multiple vIOMMUs" in r.stderr, r.stderr


def test_device_help_lists_intel_iommu():
    r = subprocess.run([SIM, "-device", "help"], capture_output=True,
                       text=True, timeout=20)
    assert 'name "intel-iommu"' in r.stdout


def test_mmio_is_mapped_and_unmapped_without_the_device(bios):
    qt = Qtest(SIM, sim_args(bios))
    assert qt.readl(0xfed90000) == 0x10
    assert qt.close() == 0
    qt = Qtest(SIM, ["-machine", "q35", "-display", "none", "-nodefaults",
                     "-accel", "qtest", "-bios", bios])
    try:
        assert qt.readl(0xfed90000) != 0x10
        assert qt.cmd("stats").startswith("FAIL")
    finally:
        assert qt.close() == 0


def test_stats_by_name(bios):
    qt = Qtest(SIM, sim_args(bios))
    try:
        assert "iommu0.misses" in qt.stats()
        assert qt.stats("intel-iommu") == qt.stats("vtd")
        assert qt.cmd("stats edu").startswith("FAIL")
    finally:
        assert qt.close() == 0


def sim_dmar(tmp_path, dev):
    out = tmp_path / "sim"
    out.mkdir()
    subprocess.run([SIM, "-machine", "q35", "-device", dev, "-device",
                    "edu,addr=02.0", "-device", "edu", "-dump-acpi",
                    str(out)], check=True, timeout=20)
    return (out / "DMAR.dat").read_bytes()


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 missing")
@pytest.mark.parametrize("dev", ["intel-iommu,intremap=off",
                                 "intel-iommu,device-iotlb=on",
                                 "intel-iommu,aw-bits=48"])
def test_dmar_per_property_matches_qemu(tmp_path, dev):
    """HAW from aw-bits, INTR_REMAP from intremap, ATSR from device-iotlb,
    and a second edu (auto-assigned to 00:03.0) after intel-iommu."""
    from test_acpi_dmar import qemu_dmar
    ours = sim_dmar(tmp_path, dev)
    with open(qemu_dmar(tmp_path, ["-device", dev, "-device",
                                   "edu,addr=02.0", "-device", "edu"]),
              "rb") as f:
        theirs = f.read()
    assert ours.hex() == theirs.hex()
    assert sum(ours) % 256 == 0
