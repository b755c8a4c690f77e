"""The qtest channel: stdio, unix and tcp as QEMU (we connect to a
listening client), the server forms, clean exits on EOF and signals."""
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import BASE_ARGS
from iommusim_qtest import Qtest


def test_stdio_socketpair(sim):
    with Qtest(sim, BASE_ARGS, transport="stdio") as q:
        assert q.cmd("endianness") == "OK little"


def test_unix_client_form_connects_to_listener(sim):
    q = Qtest(sim, BASE_ARGS, transport="unix")
    assert q.cmd("endianness") == "OK little"
    assert q.close_channel() == 0       # EOF: exit 0


def test_tcp_client_form_connects_to_listener(sim, spawn):
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    p = spawn([sim] + BASE_ARGS +
                         ["-qtest", "tcp:127.0.0.1:%d" % port])
    lsock.settimeout(10)
    conn, _ = lsock.accept()
    q = Qtest(sock=conn)
    assert q.cmd("readl 0x0") == "OK 0x0000000000000000"
    q.sock.close()
    assert p.wait(10) == 0
    lsock.close()


def wait_for(path_or_check, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path_or_check():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_unix_server_form_accepts_one_client(sim, tmp_path, spawn):
    path = str(tmp_path / "s.sock")
    p = spawn([sim] + BASE_ARGS +
                         ["-qtest", "unix:%s,server=on,wait=off" % path],
                         stderr=subprocess.PIPE)
    wait_for(lambda: os.path.exists(path))
    q = Qtest.connect_unix(path)
    assert q.cmd("endianness") == "OK little"
    q.sock.close()
    assert p.wait(10) == 0
    assert not os.path.exists(path)     # socket file removed at exit
    assert b"waiting for connection on unix:" in p.stderr.read()


def test_tcp_server_form_reports_the_bound_port(sim, spawn):
    p = spawn([sim] + BASE_ARGS +
                         ["-qtest", "tcp:127.0.0.1:0,server=on"],
                         stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    assert line.startswith("iommu-sim: waiting for connection on tcp:")
    port = int(line.strip().rsplit(":", 1)[1])
    q = Qtest.connect_tcp("127.0.0.1", port)
    assert q.cmd("inb 0x80") == "OK 0x00ff"
    q.sock.close()
    assert p.wait(10) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT,
                                 signal.SIGHUP])
def test_termination_signals_exit_0(sim, sig):
    q = Qtest(sim, BASE_ARGS)
    assert q.cmd("endianness") == "OK little"
    q.proc.send_signal(sig)
    assert q.proc.wait(10) == 0


def test_sigterm_while_waiting_for_a_server_client(sim, tmp_path, spawn):
    path = str(tmp_path / "w.sock")
    p = spawn([sim] + BASE_ARGS +
                         ["-qtest", "unix:%s,server=on" % path],
                         stderr=subprocess.DEVNULL)
    wait_for(lambda: os.path.exists(path))
    p.send_signal(signal.SIGTERM)
    assert p.wait(10) == 0


def test_eof_exits_0(sim):
    q = Qtest(sim, BASE_ARGS)
    assert q.cmd("endianness") == "OK little"
    assert q.close_channel() == 0
