"""Command-line handling: QEMU's option words, one stderr line and exit
status 1 for anything wrong."""
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
