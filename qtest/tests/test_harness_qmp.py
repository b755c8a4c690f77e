"""The QMP monitor: libqtest's start-up sequence, the commands and their
replies byte for byte (QEMU 7.2's format), framing, malformed input, the
server forms, option errors, and the same exchange against Debian's QEMU."""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import run_sim
from iommusim_qtest import Qtest

QEMU = shutil.which("qemu-system-x86_64")

GREETING = (b'{"QMP": {"version": {"qemu": {"micro": 1, "minor": 2, '
            b'"major": 7}, "package": "iommu-sim 0.1.0"}, '
            b'"capabilities": ["oob"]}}\r\n')
RUNNING = (b'{"return": {"status": "running", "singlestep": false, '
           b'"running": true}}\r\n')


class Qmp:
    """A raw QMP client: messages are "\\r\\n"-terminated lines."""

    def __init__(self, sock, timeout=10.0):
        self.sock = sock
        self.sock.settimeout(timeout)
        self.buf = b""

    def raw(self):
        """The next whole line, "\\r\\n" included."""
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(self.buf)
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def msg(self):
        return json.loads(self.raw())

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes)
                          else json.dumps(data).encode())

    def cmd_raw(self, data):
        """Send, return the reply line (events before it are skipped)."""
        self.send(data)
        while True:
            line = self.raw()
            if b'"event"' not in line[:40] and b'"timestamp"' not in line[:20]:
                return line

    def cmd(self, data):
        return json.loads(self.cmd_raw(data))

    def exchange(self, data):
        """Send; return (events, reply) as parsed objects."""
        self.send(data)
        events = []
        while True:
            m = self.msg()
            if "event" in m:
                events.append(m)
            else:
                return events, m


def libqtest_args(qtest_path, qmp_path, extra=()):
    """QEMU 7.2 libqtest's qtest_init_without_qmp_handshake() command line
    (the test's own arguments, then "-accel qtest", come last)."""
    return (["-qtest", "unix:" + qtest_path, "-qtest-log", "/dev/null",
             "-chardev", "socket,path=%s,id=char0" % qmp_path,
             "-mon", "chardev=char0,mode=control", "-display", "none"]
            + list(extra))


def listener(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    s.settimeout(10)
    return s


def libqtest_start(binary, tmp_path, spawn, extra=("-machine", "q35",
                                                    "-accel", "qtest")):
    """Listen on both sockets, start the binary, accept qtest then QMP."""
    qpath, mpath = str(tmp_path / "qtest.sock"), str(tmp_path / "qmp.sock")
    lq, lm = listener(qpath), listener(mpath)
    p = spawn([binary] + libqtest_args(qpath, mpath, extra))
    qconn, _ = lq.accept()
    mconn, _ = lm.accept()
    lq.close()
    lm.close()
    return p, Qtest(sock=qconn), Qmp(mconn)


@pytest.fixture
def session(sim, tmp_path, spawn):
    """A negotiated libqtest-style session: (process, qtest, qmp)."""
    p, qt, qmp = libqtest_start(sim, tmp_path, spawn)
    assert qmp.raw() == GREETING
    assert qmp.cmd_raw(b'{"execute": "qmp_capabilities"}') == \
        b'{"return": {}}\r\n'
    yield p, qt, qmp
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        assert p.wait(10) == 0


def test_libqtest_sequence(sim, tmp_path, spawn):
    p, qt, qmp = libqtest_start(sim, tmp_path, spawn)
    assert qmp.raw() == GREETING
    assert qmp.cmd_raw(b'{"execute": "qmp_capabilities"}') == \
        b'{"return": {}}\r\n'
    assert qt.cmd("readl 0x0") == "OK 0x0000000000000000"
    assert qmp.cmd_raw(b'{"execute": "query-status"}') == RUNNING
    assert qt.cmd("endianness") == "OK little"
    p.send_signal(signal.SIGTERM)       # libqtest's qtest_quit()
    assert p.wait(10) == 0


def test_commands_before_negotiation_are_refused(sim, tmp_path, spawn):
    p, qt, qmp = libqtest_start(sim, tmp_path, spawn)
    qmp.raw()
    assert qmp.cmd_raw(b'{"execute": "query-status", "id": 3}') == (
        b'{"id": 3, "error": {"class": "CommandNotFound", "desc": '
        b'"Expecting capabilities negotiation with \'qmp_capabilities\'"}}'
        b'\r\n')
    assert qmp.cmd_raw(b'{"execute": "qmp_capabilities", "id": 1}') == \
        b'{"return": {}, "id": 1}\r\n'
    assert qmp.cmd_raw(b'{"execute": "qmp_capabilities"}') == (
        b'{"error": {"class": "CommandNotFound", "desc": "Capabilities '
        b'negotiation is already complete, command ignored"}}\r\n')


def test_unknown_command_echoes_id(session):
    _, _, qmp = session
    assert qmp.cmd_raw(b'{"execute": "foo", "id": "x"}') == (
        b'{"id": "x", "error": {"class": "CommandNotFound", "desc": '
        b'"The command foo has not been found"}}\r\n')


@pytest.mark.parametrize("id_text,printed", [
    (b'7', b'7'), (b'"abc"', b'"abc"'), (b'null', b'null'),
    (b'1.0', b'1'), (b'0.1', b'0.10000000000000001'), (b'-0', b'0'),
    (b'[1, true, {"b": "\\u00e9/"}]', b'[1, true, {"b": "\\u00E9/"}]'),
    (b'"\\ud83d\\ude00\xc3\xa9\\t\\u0001"',
     b'"\\uD83D\\uDE00\\u00E9\\t\\u0001"'),
    (b"'it''s'", None),
])
def test_id_is_echoed_as_qemu_prints_it(session, id_text, printed):
    _, _, qmp = session
    reply = qmp.cmd_raw(b'{"execute": "query-status", "id": %s}' % id_text)
    if printed is None:     # 'it' then 's': two adjacent strings, an error
        assert b'"GenericError"' in reply
        return
    assert reply == RUNNING[:-3] + b', "id": ' + printed + b'}\r\n'


def test_single_quoted_strings_are_accepted(session):
    _, _, qmp = session
    assert qmp.cmd_raw(b"{'execute': 'query-status', 'id': 'a\"b\\''}") == \
        RUNNING[:-3] + b', "id": "a\\"b\'"}\r\n'


def test_split_and_batched_messages(session):
    _, _, qmp = session
    msg = b'{"execute": "query-status", "id": 1}'
    for b in msg:                       # one byte per write
        qmp.send(bytes([b]))
        time.sleep(0.001)
    assert qmp.msg()["id"] == 1
    qmp.send(b'{"execute":"query-status","id":2}{"execute":"query-version",'
             b'"id":3}\n{"execute":"nope","id":4}')
    assert [qmp.msg()["id"] for _ in range(3)] == [2, 3, 4]


MALFORMED = [
    (b'{ bad}', "JSON parse error, invalid keyword 'bad'"),
    (b'}', "JSON parse error, expecting value"),
    (b'{"execute"}', "JSON parse error, missing : in object pair"),
    (b'{"execute": "query-status",}', "JSON parse error, expecting value"),
    (b'{"execute": "a", "execute": "b"}', "JSON parse error, duplicate key"),
    (b'{"execute": "query-status", "id": "\\x"}',
     "JSON parse error, invalid escape sequence in string"),
    (b'[1, 2]', "QMP input must be a JSON object"),
    (b'"str"\n', "QMP input must be a JSON object"),
    (b'123\n', "QMP input must be a JSON object"),
    (b'null\n', "QMP input must be a JSON object"),
    (b'{"a": 1}', "QMP input member 'a' is unexpected"),
    (b'{"execute": 5}', "QMP input member 'execute' must be a string"),
    (b'{"execute": "query-status", "arguments": 5}',
     "QMP input member 'arguments' must be an object"),
    (b'{"execute": "query-status", "arguments": {"x": 1}}',
     "Parameter 'x' is unexpected"),
    (b'{"arguments": {}}', "QMP input lacks member 'execute'"),
    (b'{"exec-oob": "query-status"}',
     "QMP input member 'exec-oob' is unexpected"),
]


@pytest.mark.parametrize("data,desc", MALFORMED)
def test_malformed_input_gets_qemus_error(session, data, desc):
    _, _, qmp = session
    reply = qmp.cmd(data)
    assert reply == {"error": {"class": "GenericError", "desc": desc}}
    assert qmp.cmd_raw(b'{"execute": "query-status"}') == RUNNING


def test_error_reply_keeps_valid_id(session):
    _, _, qmp = session
    assert qmp.cmd_raw(b'{"execute": "x", "id": 7, "arguments": 5}') == (
        b'{"id": 7, "error": {"class": "GenericError", "desc": "QMP input '
        b'member \'arguments\' must be an object"}}\r\n')


def resync(qmp):
    """After garbage the stream may sit in a string of either quote or
    inside brackets: try closers until a marked command gets its reply."""
    qmp.sock.settimeout(0.3)
    for closer in [b"", b'"', b"'", b'"', b"'"] * 2:
        qmp.send(closer + b"]}" * 1100 +
                 b'\n{"execute": "query-status", "id": "sync"}')
        try:
            while True:
                m = qmp.msg()
                if m.get("id") == "sync":
                    qmp.sock.settimeout(10)
                    return m
        except (socket.timeout, json.JSONDecodeError):
            qmp.buf = b""
    raise AssertionError("the monitor never answered again")


def test_garbage_never_kills_the_monitor(session):
    p, qt, qmp = session
    rng = random.Random(1234)
    alphabet = b'{}[]",:\'\\ \n\tabtrue0123-.eE\x00\x01\xff\xc3'
    for _ in range(300):
        n = rng.randrange(1, 40)
        if rng.random() < 0.5:
            chunk = bytes(rng.choice(alphabet) for _ in range(n))
        else:
            chunk = bytes(rng.randrange(256) for _ in range(n))
        qmp.send(chunk)
    assert resync(qmp)["return"]["running"] is True
    assert p.poll() is None
    assert qt.cmd("endianness") == "OK little"


def test_deep_nesting_and_huge_values_are_refused(session):
    _, _, qmp = session
    qmp.send(b"[" * 1100 + b"]" * 1100)
    assert qmp.msg()["error"]["desc"] == "JSON parse error, nesting too deep"
    assert qmp.cmd_raw(b'{"execute": "query-status"}') == RUNNING


def test_query_version_and_commands(session):
    _, _, qmp = session
    assert qmp.cmd_raw(b'{"execute": "query-version"}') == (
        b'{"return": {"qemu": {"micro": 1, "minor": 2, "major": 7}, '
        b'"package": "iommu-sim 0.1.0"}}\r\n')
    names = [c["name"] for c in qmp.cmd({"execute": "query-commands"})
             ["return"]]
    assert names == ["qmp_capabilities", "query-version", "query-status",
                     "query-commands", "stop", "cont", "system_reset",
                     "quit"]


def check_event(ev, name, data=None):
    assert list(ev) == ["timestamp", "event"] + (["data"] if data else [])
    assert list(ev["timestamp"]) == ["seconds", "microseconds"]
    assert abs(ev["timestamp"]["seconds"] - time.time()) < 60
    assert 0 <= ev["timestamp"]["microseconds"] < 1000000
    assert ev["event"] == name
    assert ev.get("data") == data


def test_stop_and_cont_change_the_run_state(session):
    _, qt, qmp = session
    events, r = qmp.exchange({"execute": "stop"})
    assert r == {"return": {}}
    check_event(events[0], "STOP")
    assert qmp.cmd({"execute": "query-status"})["return"] == {
        "status": "paused", "singlestep": False, "running": False}
    assert qmp.exchange({"execute": "stop"}) == ([], {"return": {}})
    assert qt.cmd("clock_step 10") == "OK 10"   # our clock is the client's
    events, r = qmp.exchange({"execute": "cont"})
    check_event(events[0], "RESUME")
    assert qmp.exchange({"execute": "cont"}) == ([], {"return": {}})
    assert qmp.cmd_raw(b'{"execute": "query-status"}') == RUNNING


def test_minus_S_starts_in_prelaunch(sim, tmp_path, spawn):
    p, qt, qmp = libqtest_start(sim, tmp_path, spawn,
                                ["-accel", "qtest", "-S"])
    qmp.raw()
    qmp.cmd({"execute": "qmp_capabilities"})
    prelaunch = {"status": "prelaunch", "singlestep": False,
                 "running": False}
    assert qmp.cmd({"execute": "query-status"})["return"] == prelaunch
    assert qmp.exchange({"execute": "stop"}) == ([], {"return": {}})
    assert qmp.cmd({"execute": "query-status"})["return"] == prelaunch
    events, _ = qmp.exchange({"execute": "cont"})
    check_event(events[0], "RESUME")
    p.send_signal(signal.SIGTERM)
    assert p.wait(10) == 0


def test_system_reset_resets_the_machine(session):
    _, qt, qmp = session
    # The host bridge's PCI command register goes back to its reset value.
    qt.cmd("outl 0xcf8 0x80000004")
    before = qt.cmd("inw 0xcfc")
    qt.cmd("outw 0xcfc 0x0006")
    assert qt.cmd("inw 0xcfc") == "OK 0x0006" != before
    events, r = qmp.exchange({"execute": "system_reset"})
    assert r == {"return": {}}
    check_event(events[0], "RESET", {"guest": False,
                                     "reason": "host-qmp-system-reset"})
    qt.cmd("outl 0xcf8 0x80000004")
    assert qt.cmd("inw 0xcfc") == before


def test_quit_sends_shutdown_then_exits_0(session):
    p, _, qmp = session
    qmp.send(b'{"execute": "quit", "id": 9}')
    ev = qmp.msg()
    check_event(ev, "SHUTDOWN", {"guest": False, "reason": "host-qmp-quit"})
    assert qmp.raw() == b'{"return": {}, "id": 9}\r\n'
    assert p.wait(10) == 0
    with pytest.raises(EOFError):
        qmp.raw()


def test_qmp_eof_keeps_the_qtest_session(session):
    p, qt, qmp = session
    qmp.sock.close()
    time.sleep(0.1)
    assert p.poll() is None
    assert qt.cmd("readl 0x0") == "OK 0x0000000000000000"
    qt.sock.close()                     # qtest EOF ends the process
    assert p.wait(10) == 0


def test_qtest_eof_ends_the_process_with_qmp_open(session):
    p, qt, qmp = session
    qt.sock.close()
    assert p.wait(10) == 0
    with pytest.raises(EOFError):
        qmp.raw()


def wait_for(check, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def connect_unix(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return Qmp(s)


@pytest.mark.parametrize("form", ["qmp", "chardev"])
def test_unix_server_form_serves_client_after_client(sim, tmp_path, spawn,
                                                     form):
    path = str(tmp_path / "m.sock")
    if form == "qmp":
        opts = ["-qmp", "unix:%s,server=on,wait=off" % path]
    else:
        opts = ["-chardev", "socket,id=mon0,path=%s,server=on,wait=off"
                % path, "-mon", "chardev=mon0,mode=control"]
    p = spawn([sim, "-qtest", "stdio", "-accel", "qtest"] + opts,
              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
              stderr=subprocess.PIPE)
    wait_for(lambda: os.path.exists(path))
    for _ in range(2):                  # QMP EOF, then a new client
        qmp = connect_unix(path)
        assert qmp.raw() == GREETING
        assert qmp.cmd({"execute": "qmp_capabilities"}) == {"return": {}}
        qmp.sock.close()
    qmp = connect_unix(path)
    qmp.raw()
    qmp.cmd({"execute": "qmp_capabilities"})
    qmp.send(b'{"execute": "quit"}')
    assert qmp.msg()["event"] == "SHUTDOWN"
    assert qmp.msg() == {"return": {}}
    assert p.wait(10) == 0
    assert not os.path.exists(path)
    assert b"QMP waiting for connection on unix:" in p.stderr.read()


def test_tcp_server_form_reports_the_bound_port(sim, spawn):
    p = spawn([sim, "-qtest", "stdio", "-qmp",
               "tcp:127.0.0.1:0,server=on,wait=off"],
              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
              stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    assert line.startswith("iommu-sim: QMP waiting for connection on tcp:")
    port = int(line.strip().rsplit(":", 1)[1])
    qmp = Qmp(socket.create_connection(("127.0.0.1", port)))
    assert qmp.raw() == GREETING
    p.stdin.close()                     # qtest EOF: exit 0
    assert p.wait(10) == 0


def test_qmp_client_form_connects(sim, tmp_path, spawn):
    """-qmp unix:PATH connects to a listening client (QEMU's meaning)."""
    lm = listener(str(tmp_path / "m.sock"))
    qpath = str(tmp_path / "q.sock")
    lq = listener(qpath)
    p = spawn([sim, "-qtest", "unix:" + qpath, "-qmp",
               "unix:%s" % (tmp_path / "m.sock")])
    qt = Qtest(sock=lq.accept()[0])
    qmp = Qmp(lm.accept()[0])
    assert qmp.raw() == GREETING
    assert qt.cmd("endianness") == "OK little"
    qt.sock.close()
    assert p.wait(10) == 0


def test_qmp_stdio(sim, tmp_path, spawn):
    qpath = str(tmp_path / "q.sock")
    lq = listener(qpath)
    p = spawn([sim, "-qtest", "unix:" + qpath, "-qmp", "stdio"],
              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    qconn, _ = lq.accept()              # kept open: its EOF would end us
    out, _ = p.communicate(b'{"execute": "qmp_capabilities"}'
                           b'{"execute": "quit"}', timeout=10)
    lines = out.split(b"\r\n")
    assert lines[0] + b"\r\n" == GREETING
    assert lines[1] == b'{"return": {}}'
    assert b'"SHUTDOWN"' in lines[2] and lines[3] == b'{"return": {}}'
    assert p.returncode == 0
    qconn.close()


@pytest.mark.parametrize("args,message", [
    (["-mon", "chardev=nope,mode=control"], "-mon chardev=nope,mode=control: "
     "chardev 'nope' not found"),
    (["-chardev", "socket,id=c"], "-chardev socket,id=c: socket needs "
     "path= or host=,port="),
    (["-chardev", "socket,path=/tmp/x"], "-chardev socket,path=/tmp/x: "
     "Parameter 'id' is missing"),
    (["-chardev", "null,id=c", "-mon", "chardev=c,mode=control"],
     "-mon chardev=c,mode=control: chardev backend 'null' is not supported "
     "for a monitor (accepted: socket, stdio)"),
    (["-mon", "mode=control"], "-mon mode=control: chardev=ID is missing"),
    (["-chardev", "stdio,id=c", "-mon", "chardev=c,mode=bogus"],
     "-mon chardev=c,mode=bogus: invalid mode 'bogus' (accepted: control, "
     "readline)"),
    (["-qmp", "stdio", "-qmp", "stdio"], "-qmp stdio: only one QMP monitor "
     "is supported"),
    (["-qmp", "stdio"], "-qmp stdio: stdio is already the qtest channel"),
    (["-qmp", "pipe:x"], "-qmp pipe:x: 'pipe:x' is not a valid char driver "
     "(accepted: stdio, unix:PATH, tcp:HOST:PORT)"),
    (["-qmp", "unix:/nonexistent/dir/s"], "Failed to connect to "
     "'/nonexistent/dir/s': No such file or directory"),
])
def test_option_errors_are_one_line_and_exit_1(sim, args, message):
    r = run_sim(sim, ["-qtest", "stdio"] + args)
    assert r.returncode == 1
    assert r.stderr.decode() == "iommu-sim: %s\n" % message


def test_unused_chardev_and_readline_monitor_are_accepted(sim):
    r = run_sim(sim, ["-qtest", "stdio", "-chardev", "null,id=n",
                      "-chardev", "stdio,id=s", "-mon", "chardev=s",
                      "-mon", "chardev=n,mode=readline"], b"endianness\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"OK little\n"


def test_sigterm_exits_0_with_qmp_connected(session):
    p, _, qmp = session
    p.send_signal(signal.SIGTERM)
    assert p.wait(10) == 0


# -- the same exchange against Debian's QEMU 7.2 ------------------------------

DIFF_SCRIPT = [
    b'{"execute": "query-status", "id": 1}',
    b'{"execute": "qmp_capabilities"}',
    b'{"execute": "qmp_capabilities", "id": "again"}',
    b'{"execute": "query-status"}',
    b'{"execute": "query-version", "id": [1, "two", null, 3.5]}',
    b'{"execute": "no-such-command", "id": {"k": "\\u00e9"}}',
    b"{'execute': 'query-status', 'id': 'single'}",
    b'{"execute": "query-status", "id": -9223372036854775808}',
    b'{"execute": "query-status", "id": 1.0}',
    b'{"execute": "query-status", "id": "\\ud83d\\ude00\\t/"}',
    b'{"execute": "query-status", "arguments": {"x": 1}}',
    b'{"execute": "stop"}', b'{"execute": "query-status"}',
    b'{"execute": "stop"}', b'{"execute": "cont"}',
    b'{"execute": "cont"}', b'{"execute": "query-status"}',
    b'{"exec', b'ute": "query-status", "id": "split"}',
    b'{"execute": "query-status", "id": 2}{"execute": "query-status", '
    b'"id": 3}',
] + [m[0] for m in MALFORMED] + [b'{"execute": "quit"}']


def normalise(line):
    """Parse a line; drop timestamps, the package and the micro version."""
    m = json.loads(line)
    m.pop("timestamp", None)
    for holder in (m.get("QMP", {}), m.get("return")):
        if isinstance(holder, dict):
            v = holder.get("version", holder)
            if isinstance(v, dict) and "package" in v:
                v["package"] = "PKG"
                v["qemu"]["micro"] = "MICRO"
    return m


def run_exchange(binary, extra, tmp_path, spawn):
    p, qt, qmp = libqtest_start(binary, tmp_path, spawn, extra)
    out = [normalise(qmp.raw())]
    assert qt.cmd("endianness") == "OK little"
    for data in DIFF_SCRIPT:
        qmp.send(data)
        if data.startswith(b'{"exec') and data.endswith(b"exec"):
            continue
        if b"\n" not in data and not data.rstrip().endswith((b"}", b"]")):
            qmp.send(b"\n")             # end a top-level scalar
        replies = 2 if data.count(b'"execute"') == 2 and b'"id": 3' in data \
            else 1
        got = 0
        while got < replies:
            m = normalise(qmp.raw())
            out.append(m)
            got += "event" not in m
    assert p.wait(10) == 0
    return out


def test_same_qmp_replies_as_qemu(sim, bios, tmp_path, spawn):
    if not QEMU:
        pytest.skip("qemu-system-x86_64 is not installed")
    (tmp_path / "q").mkdir()
    (tmp_path / "s").mkdir()
    # Debian's QEMU has no qtest accelerator; tcg on a HLT loop is idle.
    theirs = run_exchange(QEMU, ["-machine", "q35", "-accel", "tcg",
                                 "-bios", bios, "-nodefaults"],
                          tmp_path / "q", spawn)
    ours = run_exchange(sim, ["-machine", "q35", "-accel", "qtest",
                              "-nodefaults"], tmp_path / "s", spawn)
    assert len(theirs) > len(DIFF_SCRIPT)     # replies plus events
    assert ours == theirs
