"""Command-line handling: QEMU's option words, one stderr line and exit
status 1 for anything wrong."""
import os
import re
import subprocess

import pytest

from conftest import BASE_ARGS, run_sim


def one_error_line(r):
    lines = r.stderr.decode().splitlines()
    assert r.returncode == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("iommu-sim: ")
    return lines[0]


@pytest.mark.parametrize("args,message", [
    (["-foo"], "iommu-sim: -foo: invalid option"),
    (["--foo"], "iommu-sim: --foo: invalid option"),
    (["-m"], "iommu-sim: -m: requires an argument"),
    (["-qtest-log"], "iommu-sim: -qtest-log: requires an argument"),
    (["-device"], "iommu-sim: -device: requires an argument"),
])
def test_bad_option_exact_message(sim, args, message):
    assert one_error_line(run_sim(sim, args)) == message


@pytest.mark.parametrize("args,fragment", [
    (["-machine", "foo"], "-machine foo: unsupported machine type"),
    (["-M", "q35,bogus=1"], "property 'bogus'"),
    (["-m", "foo"], "-m foo: Parameter 'size'"),
    (["-m", "-1"], "-m -1: Parameter 'size'"),
    (["-accel", "hax"], "-accel hax: invalid accelerator"),
    (["-qtest", "bogus"], "'bogus' is not a valid char driver"),
    (["-qtest", "unix:/nonexistent/dir/sock"], "Failed to connect"),
    (["-bios", "/nonexistent.bin"], "could not load PC BIOS"),
    (["-device", "nosuchdevice"], "-device nosuchdevice: "),
    (["-device", "edu,bogus=1"], "-device edu,bogus=1: "),
])
def test_bad_configuration_is_one_line_exit_1(sim, args, fragment):
    line = one_error_line(run_sim(sim, args + ["-qtest", "stdio"]
                                  if "-qtest" not in args else args))
    assert fragment in line


def test_missing_qtest_is_an_error(sim):
    assert "-qtest is required" in one_error_line(run_sim(sim, BASE_ARGS))


def test_device_help_lists_devices_and_exits_0(sim):
    r = run_sim(sim, ["-device", "help"])
    assert r.returncode == 0
    assert 'name "edu"' in r.stdout.decode()


def test_machine_help_exits_0(sim):
    r = run_sim(sim, ["-machine", "help"])
    assert r.returncode == 0 and r.stdout.startswith(b"Supported machines")


def test_ignored_qemu_options_are_accepted(sim, bios):
    r = run_sim(sim, ["--machine", "q35", "-display", "none", "-nodefaults",
                      "-bios", bios, "-accel", "tcg", "-S", "-no-reboot",
                      "-nographic", "-vga", "none", "-smp", "2", "-serial",
                      "none", "-monitor", "none", "-name", "t", "-nic",
                      "none", "-qtest", "stdio", "--qtest-log", "/dev/null"],
                b"endianness\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"OK little\n"


def ram_probe(sim, m_arg, addr):
    script = b"writel 0x%x 0xa5a5a5a5\nreadl 0x%x\n" % (addr, addr)
    r = run_sim(sim, ["-m", m_arg, "-qtest", "stdio"], script)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode().splitlines()[1]


@pytest.mark.parametrize("m_arg,size", [
    ("256", 256 << 20), ("256M", 256 << 20), ("size=128M", 128 << 20),
    ("1G", 1 << 30), ("0.5G", 512 << 20), ("131072k", 128 << 20),
])
def test_m_forms_set_ram_size(sim, m_arg, size):
    assert ram_probe(sim, m_arg, size - 4) == "OK 0x00000000a5a5a5a5"
    assert ram_probe(sim, m_arg, size) == "OK 0x0000000000000000"


def test_dump_acpi_writes_tables_and_exits_0(sim, tmp_path):
    r = run_sim(sim, ["-dump-acpi", str(tmp_path / "acpi")])
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "acpi").is_dir()
    for f in (tmp_path / "acpi").iterdir():
        data = f.read_bytes()
        assert f.name == data[:4].decode() + ".dat"
        assert int.from_bytes(data[4:8], "little") == len(data)


# ---- -device NAME,help ------------------------------------------------------

QEMU = "/usr/bin/qemu-system-x86_64"
PROP_LINE = re.compile(r"^  ([A-Za-z0-9_.-]+)=<([^>]+)>")


def prop_help(sim, spec, extra=()):
    r = run_sim(sim, list(extra) + ["-device", spec])
    assert r.returncode == 0, r.stderr
    assert r.stderr == b""
    lines = r.stdout.decode().splitlines()
    props = {}
    for line in lines[1:]:
        m = PROP_LINE.match(line)
        assert m, line                  # every line: name=<type> ...
        props[m.group(1)] = line
    return lines[0], props


@pytest.mark.parametrize("spec", ["edu,help", "edu,?", "edu,addr=03.0,help",
                                  "edu,help,addr=03.0"])
def test_device_prop_help_lists_properties_and_exits_0(sim, spec):
    header, props = prop_help(sim, spec)
    assert header == "edu options:"
    assert "<uint64>" in props["dma_mask"]
    assert "default: 0xfffffff" in props["dma_mask"]
    assert "<bool>" in props["multifunction"]
    assert "addr" in props


def test_device_prop_help_comes_before_qtest_and_other_devices(sim, bios):
    """Exits at once: no -qtest needed, a later bad -device never built."""
    header, _ = prop_help(sim, "edu,help",
                          BASE_ARGS + ["-bios", bios, "-qtest", "stdio",
                                       "-device", "nosuchdevice"])
    assert header == "edu options:"


@pytest.mark.parametrize("dev,names", [
    ("intel-iommu", ["aw-bits", "caching-mode", "cap-zlr", "x-scalable-mode"]),
    ("amd-iommu", ["xtsup", "pt", "device-iotlb", "mmio-base"]),
])
def test_device_prop_help_for_the_iommus(sim, dev, names):
    header, props = prop_help(sim, dev + ",help")
    assert header == dev + " options:"
    for n in names:
        assert n in props, n


def test_device_prop_help_unknown_device_exits_0_like_qemu(sim):
    r = run_sim(sim, ["-device", "nosuchdevice,help"])
    assert r.returncode == 0
    assert r.stdout == b""
    (line,) = r.stderr.decode().splitlines()
    assert line.startswith("iommu-sim: -device nosuchdevice,help: ")
    assert "nosuchdevice" in line[len("iommu-sim: -device nosuch"):]
    if os.access(QEMU, os.X_OK):
        q = subprocess.run([QEMU, "-device", "nosuchdevice,help"],
                           capture_output=True, timeout=20)
        assert q.returncode == r.returncode
        assert q.stdout == b"" and b"nosuchdevice" in q.stderr


@pytest.mark.skipif(not os.access(QEMU, os.X_OK), reason="no QEMU 7.2")
@pytest.mark.parametrize("dev", ["edu", "intel-iommu"])
def test_device_prop_help_matches_qemu_header_and_names(sim, dev):
    """QEMU 7.2's own list: the same header, and every property QEMU
    shows that we model is named with the same type word where both are
    plain types (QEMU lists more: acpi-index, rombar, ...)."""
    q = subprocess.run([QEMU, "-device", dev + ",help"], capture_output=True,
                       timeout=20)
    assert q.returncode == 0
    qlines = q.stdout.decode().splitlines()
    header, props = prop_help(sim, dev + ",help")
    assert header == qlines[0]
    qprops = dict(PROP_LINE.match(l).groups() for l in qlines[1:]
                  if PROP_LINE.match(l))
    shared = set(qprops) & set(props)
    assert len(shared) >= 3, shared
    if dev == "edu":
        for n in ("dma_mask", "multifunction"):
            assert "<%s>" % qprops[n] in props[n]


QEMU_VTD_HELP = {       # QEMU 7.2's -device intel-iommu,help, verbatim
    "aw-bits": "  aw-bits=<uint8>        -  (default: 39)",
    "caching-mode": "  caching-mode=<bool>    -  (default: false)",
    "device-iotlb": "  device-iotlb=<bool>    -  (default: false)",
    "dma-drain": "  dma-drain=<bool>       -  (default: true)",
    "dma-translation": "  dma-translation=<bool> -  (default: true)",
    "eim": '  eim=<OnOffAuto>        - on/off/auto (default: "auto")',
    "intremap": '  intremap=<OnOffAuto>   - on/off/auto (default: "auto")',
    "pt": "  pt=<bool>              -  (default: true)",
    "snoop-control": "  snoop-control=<bool>   -  (default: false)",
    "x-pasid-mode": "  x-pasid-mode=<bool>    -  (default: false)",
    "x-scalable-mode": "  x-scalable-mode=<bool> -  (default: false)",
}


@pytest.mark.parametrize("name", sorted(QEMU_VTD_HELP))
def test_device_prop_help_intel_iommu_types_and_defaults_as_qemu(sim, name):
    _, props = prop_help(sim, "intel-iommu,help")
    assert props[name] == QEMU_VTD_HELP[name]


def test_device_prop_help_intel_iommu_lines_equal_qemus(sim):
    """Live check against QEMU 7.2 for every property both list."""
    if not os.access(QEMU, os.X_OK):
        pytest.skip("no QEMU 7.2")
    q = subprocess.run([QEMU, "-device", "intel-iommu,help"],
                       capture_output=True, timeout=20)
    qprops = {PROP_LINE.match(l).group(1): l
              for l in q.stdout.decode().splitlines()[1:]}
    _, props = prop_help(sim, "intel-iommu,help")
    shared = set(qprops) & set(props)
    assert len(shared) == 11, shared
    for n in shared:
        assert props[n] == qprops[n]


def test_device_prop_help_model_props_are_typed_not_str(sim):
    _, props = prop_help(sim, "intel-iommu,help")
    assert "cap-zlr=<uint64>" in props["cap-zlr"]
    assert "iotlb-entries=<uint32>" in props["iotlb-entries"]
    assert "cap-profile=<str>" in props["cap-profile"]
    assert "(default: qemu)" in props["cap-profile"]
    # amd-iommu's QEMU properties name their QEMU types too.
    _, amd = prop_help(sim, "amd-iommu,help")
    assert amd["pt"].startswith("  pt=<bool> ")
    assert amd["device-iotlb"].startswith("  device-iotlb=<bool> ")
    assert amd["intremap"].startswith("  intremap=<OnOffAuto> ")


@pytest.mark.parametrize("dev", ["edu", "intel-iommu", "amd-iommu"])
def test_device_prop_help_names_one_default_per_line(sim, dev):
    _, props = prop_help(sim, dev + ",help")
    for line in props.values():
        assert line.count("(default:") <= 1, line


def test_device_prop_help_edu_addr_as_qemu(sim):
    _, props = prop_help(sim, "edu,help")
    assert props["addr"].startswith("  addr=<int32>           - ")
    assert props["addr"].endswith(" (default: -1)")
    assert "first free" not in props["addr"]
