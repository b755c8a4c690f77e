"""Shared fixtures for the harness tests.

IOMMU_SIM (set by meson) names the built iommu-sim; qtest/python is on
PYTHONPATH so that iommusim_qtest imports.
"""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))

from iommusim_qtest import Qtest, hlt_bios  # noqa: E402

BASE_ARGS = ["-machine", "q35", "-display", "none", "-nodefaults"]


@pytest.fixture(scope="session")
def sim():
    path = os.environ.get("IOMMU_SIM")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("IOMMU_SIM does not name the built iommu-sim")
    return path


@pytest.fixture(scope="session")
def bios(tmp_path_factory):
    return hlt_bios(str(tmp_path_factory.mktemp("bios") / "hlt.bin"))


@pytest.fixture
def qt(sim, bios):
    """iommu-sim with the deterministic clock and the HLT firmware."""
    q = Qtest(sim, BASE_ARGS + ["-accel", "qtest", "-bios", bios])
    yield q
    assert q.close() == 0


@pytest.fixture
def spawn():
    """subprocess.Popen, with anything still running killed at teardown, so
    a failing test never leaves a server waiting for a client."""
    procs = []

    def start(*args, **kwargs):
        p = subprocess.Popen(*args, **kwargs)
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(10)


def run_sim(sim, args, stdin=b"", timeout=10):
    """Run iommu-sim to completion; returns CompletedProcess (bytes)."""
    return subprocess.run([sim] + args, input=stdin, capture_output=True,
                          timeout=timeout)


def edu_available(sim):
    r = run_sim(sim, ["-qtest", "stdio", "-device", "edu,addr=02.0"],
                b"endianness\n")
    return r.returncode == 0


@pytest.fixture
def need_edu(sim):
    if not edu_available(sim):
        pytest.fail("-device edu is not available yet (hw/pci)")
