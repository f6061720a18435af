"""The network card through the netdev API, without a TCP/IP stack:
tests/apps/netdev ARPs for QEMU's user-network gateway and pings it 556
times (every payload size up to full 1514-byte frames, then bursts past
the poll budget), checking each reply byte for byte. Exercises both
transports (virtio-mmio found from microvm's command line, virtio-pci
found in pc's configuration space), the virtio core, the split rings,
virtio-net and the platform's device interrupts, edge triggered on
microvm and level triggered on pc."""

import re
import shlex
import shutil
import subprocess

import pytest

from conftest import ROOT, run_kiln

from .conftest import boot

pytestmark = pytest.mark.boot


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("netdev") / "netdev"
    shutil.copytree(ROOT / "tests/apps/netdev", folder,
                    ignore=shutil.ignore_patterns("build", ".kiln"))
    proc = run_kiln("build", "--plat", "kvm", cwd=folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def check_pings(out: str):
    assert "netdev: eth0 MAC 52:54:00:12:34:56 MTU 1500 link up" in out
    assert "arp: 10.0.2.2 is at 52:55:0a:00:02:02" in out
    assert "ping: 300 of 300 replies intact" in out
    assert "burst: 256 of 256 replies intact" in out
    stats = re.search(r"bad replies (\d+), rx interrupts (\d+), rx frames (\d+), "
                      r"tx frames (\d+)", out)
    assert stats, out
    bad, interrupts, rx, tx = map(int, stats.groups())
    # Receiving was interrupt driven, and every frame was counted once.
    assert bad == 0 and interrupts > 0 and rx == tx == 1 + 300 + 256


# Where each machine's card is: microvm's first virtio-mmio slot, pc's
# first free PCI slot (QEMU -nodefaults leaves 00:00.0 and 00:01.x to the
# chipset).
TRANSPORTS = {"microvm": "virtio-mmio@0xfeb00e00", "pc": "virtio-pci@00:02.0"}


@pytest.mark.parametrize("machine", TRANSPORTS)
def test_frames_go_out_and_come_back_intact(app, machine):
    proc = boot(app, "kvm", None, "--machine", machine, "--", "one", "two words")
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    # The card was found by its machine's transport (on microvm from the
    # virtio_mmio.device= word QEMU appends, which never reached the
    # app's arguments).
    assert re.search(rf"^kn: eth0: virtio-net at {re.escape(TRANSPORTS[machine])}, "
                     r"MAC 52:54:00:12:34:56, MTU 1500, link up$", proc.stderr, re.M)
    assert "args: one|two words\n" in out
    check_pings(out)
    # pc's line is level triggered: acknowledged at the LAPIC only after
    # the device was, it is delivered once per event, not over and over.
    assert "interrupt storm" not in proc.stderr


def test_bad_device_words_are_ignored_with_a_warning(app):
    """A mistyped virtio_mmio.device= (kernel parameters are the user's
    too) warns and is skipped; the real card still works."""
    proc = boot(app, "kvm", "microvm", "-k", "virtio_mmio.device=zz",
                "-k", "virtio_mmio.device=512@0xfeb00000:5",
                "-k", "virtio_mmio.device=4K@0x7fff00000000:6")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "kn: warning: kernel parameter virtio_mmio.device: bad value 'zz' ignored" \
        in proc.stderr
    assert "virtio-mmio@0x7fff00000000 is not mapped device memory; ignored" in proc.stderr
    assert "ping: 300 of 300 replies intact" in proc.stdout


def test_pc_shares_a_level_triggered_line_between_two_cards(app):
    """A second card in slot 6 is wired to the same PIRQ as the first
    (slot 2), so both handlers hang on one level-triggered line: eth0's
    interrupts must still come, and eth1's handler stay quiet. QEMU is
    started by hand from `kiln run --dry-run`'s command, with the card
    added; isa-debug-exit leaves it with (status << 1) | 1."""
    proc = run_kiln("run", "--dry-run", "--machine", "pc", cwd=app)
    assert proc.returncode == 0, proc.stderr
    argv = shlex.split(proc.stdout.strip().splitlines()[-1])
    argv += ["-netdev", "user,id=n1", "-device", "virtio-net-pci,netdev=n1,addr=6"]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "kn: eth0: virtio-net at virtio-pci@00:02.0" in run.stderr
    assert "kn: eth1: virtio-net at virtio-pci@00:06.0" in run.stderr
    check_pings(run.stdout)


def test_pc_names_a_modern_only_device_and_skips_it(app):
    """A virtio 1.0 device without the legacy interface is named and
    left alone; the card still works."""
    proc = run_kiln("run", "--dry-run", "--machine", "pc", cwd=app)
    assert proc.returncode == 0, proc.stderr
    argv = shlex.split(proc.stdout.strip().splitlines()[-1])
    argv += ["-device", "virtio-rng-pci,disable-legacy=on,addr=5"]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert ("kn: virtio-pci: virtio-pci@00:05.0 has no legacy interface; Kiln drives "
            "transitional devices (QEMU: leave disable-legacy off)") in run.stderr
    check_pings(run.stdout)
