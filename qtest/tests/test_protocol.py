"""Every QEMU 7.2 qtest verb with its exact reply, as checked against
Debian's qemu-system-x86_64 7.2 (see docs/harness.md)."""
import base64


def test_readl_of_untouched_ram_is_zero_with_16_digits(qt):
    assert qt.cmd("readl 0x0") == "OK 0x0000000000000000"


def test_write_read_widths_little_endian(qt):
    assert qt.cmd("writeq 0x1000 0x1122334455667788") == "OK"
    assert qt.cmd("readb 0x1000") == "OK 0x0000000000000088"
    assert qt.cmd("readw 0x1000") == "OK 0x0000000000007788"
    assert qt.cmd("readl 0x1000") == "OK 0x0000000055667788"
    assert qt.cmd("readq 0x1000") == "OK 0x1122334455667788"
    assert qt.cmd("writeb 0x1001 0x1ff") == "OK"     # truncated to a byte
    assert qt.cmd("writew 0x1002 0xabcd") == "OK"
    assert qt.cmd("writel 0x1004 -1") == "OK"        # strtoull wraps
    assert qt.cmd("readq 0x1000") == "OK 0xffffffffabcdff88"


def test_numbers_accept_decimal_and_octal_as_strtoull(qt):
    assert qt.cmd("writel 4096 010") == "OK"
    assert qt.cmd("readl 0x1000") == "OK 0x0000000000000008"


def test_read_is_lowercase_hex(qt):
    qt.ok("writel 0x2000 0xDEADBEEF")
    assert qt.cmd("read 0x2000 4") == "OK 0xefbeadde"
    assert qt.cmd("read 0x2000 0x10") == "OK 0x" + "efbeadde" + "00" * 12


def test_write_short_data_is_zero_padded_long_data_truncated(qt):
    assert qt.cmd("write 0x0 4 0x1234") == "OK"
    assert qt.cmd("read 0x0 4") == "OK 0x12340000"
    assert qt.cmd("write 0x10 2 0xABCDEF") == "OK"
    assert qt.cmd("read 0x10 4") == "OK 0xabcd0000"
    assert qt.cmd("write 0x0 0 0x12") == "OK"


def test_write_with_too_short_data_gives_qemus_err(qt):
    assert qt.cmd("write 0x0 4 0x") == "ERR invalid argument size"


def test_b64read_and_b64write(qt):
    assert qt.cmd("b64write 0x20 4 AQIDBA==") == "OK"
    assert qt.cmd("read 0x20 4") == "OK 0x01020304"
    assert qt.cmd("b64read 0x20 4") == "OK " + base64.b64encode(
        b"\x01\x02\x03\x04").decode()
    assert qt.cmd("b64read 0xfffffff0 4") == "OK 9PT09A=="
    assert qt.cmd("b64read 0x0 0") == "OK "


def test_b64write_length_mismatch_writes_decoded_bytes_only(qt):
    qt.ok("memset 0x50 8 0x77")
    assert qt.cmd("b64write 0x50 8 AQI=") == "OK"
    assert qt.cmd("read 0x50 8") == "OK 0x0102777777777777"
    assert qt.cmd("b64write 0x60 2 AQIDBA==") == "OK"
    assert qt.cmd("read 0x60 4") == "OK 0x01020000"


def test_memset_uses_low_byte_and_allows_zero_size(qt):
    assert qt.cmd("memset 0x30 3 0x1ff") == "OK"
    assert qt.cmd("read 0x30 4") == "OK 0xffffff00"
    assert qt.cmd("memset 0x30 0 0x55") == "OK"
    assert qt.cmd("read 0x30 4") == "OK 0xffffff00"


def test_bios_rom_ends_at_4g_and_ignores_writes(qt):
    assert qt.cmd("readq 0xfffffff8") == "OK 0xf4f4f4f4f4f4f4f4"
    assert qt.cmd("read 0xffff0000 2") == "OK 0xf4f4"
    qt.ok("writel 0xfffffff0 0")
    assert qt.cmd("readl 0xfffffff0") == "OK 0x00000000f4f4f4f4"


def test_in_replies_use_four_digits(qt):
    assert qt.cmd("inb 0x80") == "OK 0x00ff"
    assert qt.cmd("inw 0x80") == "OK 0xffff"
    assert qt.cmd("inl 0x80") == "OK 0xffffffff"
    assert qt.cmd("inl 0xcf8") == "OK 0x0000"


def test_pci_host_bridge_id_through_cf8_cfc(qt):
    assert qt.cmd("outl 0xcf8 0x80000000") == "OK"
    assert qt.cmd("inl 0xcfc") == "OK 0x29c08086"
    assert qt.cmd("inw 0xcfe") == "OK 0x29c0"
    assert qt.cmd("outw 0xcf8 0x1234") == "OK"      # only dword latches
    assert qt.cmd("inl 0xcf8") == "OK 0x80000000"


def test_endianness_is_little(qt):
    assert qt.cmd("endianness") == "OK little"


def test_clock_step_and_set_report_the_new_time(qt):
    assert qt.cmd("clock_step 1000") == "OK 1000"
    assert qt.cmd("clock_step 0x10") == "OK 1016"
    assert qt.cmd("clock_set 5000") == "OK 5000"
    assert qt.cmd("clock_set 10") == "OK 5000"      # never backwards
    assert qt.cmd("clock_step") == "OK 5000"        # no timer armed


def test_module_load_fails_like_qemu(qt):
    assert qt.cmd("module_load block foo") == "FAIL"


def test_unknown_command_is_qemus_fail(qt):
    assert qt.cmd("frobnicate 1 2") == "FAIL Unknown command 'frobnicate'"


def test_irq_intercept_in_ioapic_and_set_irq_in(qt):
    assert qt.cmd("irq_intercept_in nosuchdevice") == "FAIL Unknown device"
    assert qt.cmd("irq_intercept_in ioapic") == "OK"
    assert qt.cmd("irq_intercept_in ioapic") == "OK"
    assert qt.cmd("irq_intercept_out ioapic") == "OK"
    assert qt.cmd("set_irq_in ioapic unnamed-gpio-in 3 0") == "OK"
    assert qt.cmd("set_irq_in nosuchdevice unnamed-gpio-in 1 1") == \
        "FAIL Unknown device"


def test_extra_words_are_ignored_as_in_qemu(qt):
    qt.ok("writel 0x0 0x5")
    assert qt.cmd("readl 0x0 extra words") == "OK 0x0000000000000005"


def test_replies_pipelined_stay_in_order(qt):
    qt.send_raw(b"".join(b"writel 0x%x 0x%x\nreadl 0x%x\n" % (i * 4, i, i * 4)
                         for i in range(500)))
    for i in range(500):
        assert qt.reply() == "OK"
        assert qt.reply() == "OK 0x%016x" % i
