"""The network card through the netdev API, without a TCP/IP stack:
tests/apps/netdev ARPs for QEMU's user-network gateway and pings it 556
times (every payload size up to full 1514-byte frames, then bursts past
the poll budget), checking each reply byte for byte. Exercises the
virtio-mmio transport found from microvm's command line, the virtio core,
the split rings, virtio-net and the platform's device interrupts."""

import re
import shutil

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


def test_frames_go_out_and_come_back_intact(app):
    proc = boot(app, "kvm", None, "--machine", "microvm", "--", "one", "two words")
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    # The card was found from the virtio_mmio.device= word QEMU appends,
    # and that word never reached the app's arguments.
    assert re.search(r"^kn: eth0: virtio-net at virtio-mmio@0xfeb00e00, "
                     r"MAC 52:54:00:12:34:56, MTU 1500, link up$", proc.stderr, re.M)
    assert "args: one|two words\n" in out
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


def test_pc_is_refused_until_virtio_pci_exists(app):
    proc = run_kiln("run", "--machine", "pc", cwd=app)
    assert proc.returncode != 0
    assert "virtio-mmio" in proc.stderr and "--machine microvm" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
