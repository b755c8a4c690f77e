"""-qtest-log in QEMU 7.2's format (softmmu/qtest.c)."""
import re
import signal

from conftest import BASE_ARGS, run_sim
from iommusim_qtest import Qtest

TS = r"\d+\.\d{6}"


def test_log_records_opened_commands_replies_closed(sim, tmp_path):
    log = tmp_path / "q.log"
    r = run_sim(sim, BASE_ARGS + ["-qtest", "stdio", "-qtest-log", str(log)],
                b"writel 0x0 0x5\nreadl  0x0\nnope\n")
    assert r.returncode == 0
    lines = log.read_text().splitlines()
    patterns = [
        r"\[I 0\.000000\] OPENED",
        r"\[R \+%s\] writel 0x0 0x5" % TS,
        r"\[S \+%s\] OK" % TS,
        r"\[R \+%s\] readl 0x0" % TS,
        r"\[S \+%s\] OK 0x0000000000000005" % TS,
        r"\[R \+%s\] nope" % TS,
        r"\[S \+%s\] FAIL Unknown command 'nope'" % TS,
        r"\[I \+%s\] CLOSED" % TS,
    ]
    assert len(lines) == len(patterns), lines
    for line, pat in zip(lines, patterns):
        assert re.fullmatch(pat, line), (line, pat)


def test_log_times_increase(sim, tmp_path):
    log = tmp_path / "t.log"
    run_sim(sim, BASE_ARGS + ["-qtest", "stdio", "-qtest-log", str(log)],
            b"readl 0x0\n" * 50)
    times = [float(m) for m in re.findall(r"\+(\d+\.\d+)", log.read_text())]
    assert len(times) == 101
    assert times == sorted(times)


def test_log_written_with_closed_on_sigterm(sim, tmp_path):
    log = tmp_path / "s.log"
    q = Qtest(sim, BASE_ARGS + ["-qtest-log", str(log)])
    assert q.cmd("endianness") == "OK little"
    assert q.close() == 0
    text = log.read_text()
    assert "[R +" in text and "] endianness\n" in text
    assert re.search(r"\[I \+%s\] CLOSED\n$" % TS, text)


def test_async_lines_are_logged_as_sent(sim, tmp_path):
    log = tmp_path / "a.log"
    run_sim(sim, BASE_ARGS + ["-qtest", "stdio", "-qtest-log", str(log)],
            b"msi_intercept on\nmsi 00:02.0 0xfee00000 0x31\n")
    text = log.read_text()
    assert re.search(r"\[S \+%s\] IRQ msi 0xfee00000 0x31 " % TS, text)


def test_dev_null_log_and_unwritable_log(sim):
    r = run_sim(sim, BASE_ARGS + ["-qtest", "stdio", "-qtest-log",
                                  "/dev/null"], b"endianness\n")
    assert r.stdout == b"OK little\n"
    r = run_sim(sim, BASE_ARGS + ["-qtest", "stdio", "-qtest-log",
                                  "/nonexistent/dir/log"], b"")
    assert r.returncode == 1
    assert b"-qtest-log /nonexistent/dir/log" in r.stderr
