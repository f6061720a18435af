"""Accelerator choice and the QEMU command line."""

import pytest

from kiln.errors import KilnError
from kiln.run import accel, qemu
from kiln.run.process import Outcome
from kiln.runner import kernel_cmdline


def cpuinfo(tmp_path, flags):
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nflags\t\t: fpu sse2 {flags}\n")
    return path


def test_no_vmx_means_tcg_even_with_dev_kvm(tmp_path):
    dev = tmp_path / "kvm"
    dev.write_text("")
    picked, why = accel.pick("auto", cpuinfo(tmp_path, "lm"), dev)
    assert picked == "tcg" and "no vmx/svm" in why


def test_vmx_but_unusable_dev_kvm(tmp_path):
    picked, why = accel.pick("auto", cpuinfo(tmp_path, "vmx"), tmp_path / "missing")
    assert picked == "tcg" and "cannot be opened" in why


def test_forced_kvm_refused_with_reason(tmp_path):
    with pytest.raises(KilnError, match="--accel kvm is not possible: the host CPU has no vmx/svm"):
        accel.pick("kvm", cpuinfo(tmp_path, ""), tmp_path / "kvm")


def test_tcg_on_request(tmp_path):
    assert accel.pick("tcg", cpuinfo(tmp_path, "vmx"))[0] == "tcg"


def outcome(status, record=b"", errors=()):
    return Outcome(status, list(errors), record, broken_pipe=False)


def test_guest_status_is_the_records():
    """The record carries all 8 bits, whatever QEMU's own status says
    (isa-debug-exit keeps 7 of them)."""
    assert qemu.guest_status(outcome(1, b"kn-exit 0\n")) == (0, None)
    assert qemu.guest_status(outcome((128 << 1 | 1) & 0xff, b"kn-exit 128\n")) == (128, None)
    assert qemu.guest_status(outcome(255, b"kn-exit 255\n")) == (255, None)
    assert qemu.guest_status(outcome(3, b"kn-exit 134\n")) == (134, None)


def test_no_record_is_never_success():
    code, note = qemu.guest_status(outcome(0))
    assert code != 0 and "without an exit status" in note
    code, note = qemu.guest_status(outcome(1))  # isa-debug-exit 0, but no record
    assert code != 0 and "without the guest's exit status" in note
    code, note = qemu.guest_status(outcome(-9))
    assert code == 137 and "signal 9" in note


def test_qemu_failure_is_one_line_with_its_reason():
    with pytest.raises(KilnError) as err:
        qemu.guest_status(outcome(1, errors=["qemu: initrd is too large"]))
    assert err.value.status == 1 and str(err.value) == "QEMU failed: initrd is too large"
    with pytest.raises(KilnError) as err:
        qemu.guest_status(outcome(1, errors=["qemu-system-x86_64: -kernel x: bad: no"]))
    assert str(err.value) == "QEMU failed: -kernel x: bad: no"


def test_command_has_debug_exit_and_kernel(tmp_path, monkeypatch):
    monkeypatch.setattr(qemu, "qemu_binary", lambda: "qemu-system-x86_64")
    monkeypatch.setattr(accel, "pick", lambda requested: ("tcg", "test"))
    argv, picked, _ = qemu.command(qemu.QemuConfig(image=tmp_path / "img", memory="2M",
                                                   cmdline="a -- b"))
    joined = " ".join(argv)
    assert "isa-debug-exit,iobase=0xf4,iosize=4" in joined
    assert "-kernel" in argv and "-no-reboot" in argv and picked == "tcg"
    assert argv[argv.index("-append") + 1] == "a -- b"
    assert argv[argv.index("-m") + 1] == "2M"


def test_a_network_image_gets_a_card_on_the_user_network(tmp_path, monkeypatch):
    """microvm runs without ACPI, so QEMU lists its virtio-mmio devices on
    the command line; the card is added only for an image that drives one."""
    monkeypatch.setattr(qemu, "qemu_binary", lambda: "qemu-system-x86_64")
    monkeypatch.setattr(accel, "pick", lambda requested: ("tcg", "test"))
    plain, _, _ = qemu.command(qemu.QemuConfig(image=tmp_path / "img"))
    assert "acpi=off" in plain[plain.index("-M") + 1].split(",")
    assert "-netdev" not in plain and "-device" in plain
    with_nic, _, _ = qemu.command(qemu.QemuConfig(image=tmp_path / "img", nic=True))
    assert with_nic[with_nic.index("-netdev") + 1] == "user,id=n0"
    assert "virtio-net-device,netdev=n0" in with_nic


def test_pc_gets_a_pci_card_with_the_same_forwards(tmp_path, monkeypatch):
    """pc's card is a transitional virtio-net-pci, found by the virtio-pci
    transport; every machine kiln runs has a card for network images."""
    monkeypatch.setattr(qemu, "qemu_binary", lambda: "qemu-system-x86_64")
    monkeypatch.setattr(accel, "pick", lambda requested: ("tcg", "test"))
    assert set(qemu.NIC_DEVICES) == set(qemu.MACHINES)
    port = type("Port", (), dict(proto="tcp", host_addr="127.0.0.1", host_port=8080,
                                 guest_port=80))
    argv, _, _ = qemu.command(qemu.QemuConfig(image=tmp_path / "img", machine="pc", nic=True,
                                              ports=[port]))
    assert argv[argv.index("-netdev") + 1] == "user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80"
    assert argv[argv.index("-netdev") + 2:argv.index("-netdev") + 4] == \
        ["-device", "virtio-net-pci,netdev=n0"]


def test_missing_qemu_is_one_line(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(KilnError, match="qemu-system-x86_64 is not installed.*apt-get install"):
        qemu.qemu_binary()


def test_kernel_cmdline_quoting():
    assert kernel_cmdline([], []) == ""
    assert kernel_cmdline(["boot.trace=1"], []) == "boot.trace=1 --"
    assert kernel_cmdline([], ["a b", "c"]) == '-- "a b" c'
    # Boot's splitter reads \" and \\ (lib/boot/cmdline.c).
    assert kernel_cmdline(["X=say \"hi\""], ["a\\b", ""]) == '"X=say \\"hi\\"" -- a\\\\b ""'
    with pytest.raises(KilnError, match="NUL byte"):
        kernel_cmdline([], ["a\0b"])


def test_pc_boots_with_qboot_when_qemu_ships_it(tmp_path):
    """pc uses QEMU's qboot.rom from its data folder (next to bin/), and
    SeaBIOS, QEMU's default, when there is none."""
    binary = tmp_path / "bin" / "qemu-system-x86_64"
    binary.parent.mkdir()
    binary.write_text("")
    assert qemu.pc_firmware(str(binary)) == []
    rom = tmp_path / "share" / "qemu" / "qboot.rom"
    rom.parent.mkdir(parents=True)
    rom.write_bytes(b"\0" * 64)
    assert qemu.pc_firmware(str(binary)) == ["-bios", str(rom)]


def test_tcg_gets_a_second_possible_cpu_so_guest_barriers_are_real(tmp_path, monkeypatch):
    """With max_cpus 1 TCG drops the guest's memory barriers, and the
    virtqueue handshake with QEMU's device threads loses kicks; KVM's
    barriers are the CPU's own."""
    monkeypatch.setattr(qemu, "qemu_binary", lambda: "qemu-system-x86_64")
    for picked, want in (("tcg", ["-smp", "1,maxcpus=2"]), ("kvm", [])):
        monkeypatch.setattr(accel, "pick", lambda requested, p=picked: (p, "test"))
        argv, _, _ = qemu.command(qemu.QemuConfig(image=tmp_path / "img", nic=True))
        at = argv.index("-smp") if "-smp" in argv else None
        assert (argv[at:at + 2] if at is not None else []) == want
