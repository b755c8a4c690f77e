"""What the ACPI table tests share: finding the built programs (dump-dmar,
dump-ivrs, iommu-sim) and running Debian's iasl on a table.

iasl's disassembly writes one line per field as
`[OFFh DEC  LEN] Name : value`; FIELD matches it.
"""
import os
import re
import shutil
import subprocess

import pytest

IASL = shutil.which("iasl")

requires_iasl = pytest.mark.skipif(IASL is None,
                                   reason="iasl missing (apt-get install "
                                          "acpica-tools)")

FIELD = re.compile(r"^\[([0-9A-F]+)h (\d+)\s+(\d+)\]\s+(.+?) : (.*)$")


def build_root():
    """The meson build directory, from the environment meson test sets."""
    root = os.environ.get("IOMMU_SIM_BUILD_ROOT")
    if root:
        return root
    sim = os.environ.get("IOMMU_SIM")
    if sim:
        return os.path.dirname(os.path.dirname(os.path.abspath(sim)))
    return None


def dump_program(env, name):
    """hw/acpi's NAME program (or $ENV); the test fails without it."""
    path = os.environ.get(env)
    if not path and build_root():
        path = os.path.join(build_root(), "hw", "acpi", name)
    if not path or not os.access(path, os.X_OK):
        pytest.fail(f"{name} not found: set {env} or "
                    "IOMMU_SIM_BUILD_ROOT (meson test does)")
    return path


def iommu_sim():
    """The built qtest/iommu-sim (or $IOMMU_SIM), else None."""
    path = os.environ.get("IOMMU_SIM")
    if not path and build_root():
        path = os.path.join(build_root(), "qtest", "iommu-sim")
    return path if path and os.access(path, os.X_OK) else None


def disassemble(dat):
    """iasl -d DIR/X.dat -> the .dsl text."""
    r = subprocess.run([IASL, "-d", os.path.basename(dat)],
                       cwd=os.path.dirname(dat), capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(os.path.splitext(dat)[0] + ".dsl") as f:
        return f.read()
