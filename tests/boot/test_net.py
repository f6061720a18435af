"""The network stack end to end: tests/apps/netecho comes up on QEMU's
user network (DHCP, or a static address from -k net.ip=), and the host
talks to lwIP's echo service (-k net.echo=7) through ports `kiln run -p`
publishes: concurrent TCP clients with payloads from 1 byte to 4 MiB,
UDP datagrams up to a full frame, each checked byte for byte. Then a
line on stdin ends the app with status 0."""

import hashlib
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT, run_kiln

from .conftest import boot
from .netclients import PATIENCE, Guest, echo_tcp, echo_udp, free_port

pytestmark = pytest.mark.boot


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("netecho") / "netecho"
    shutil.copytree(ROOT / "tests/apps/netecho", folder,
                    ignore=shutil.ignore_patterns("build", ".kiln"))
    proc = run_kiln("build", "--plat", "kvm", cwd=folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder



# microvm's card is found over virtio-mmio, pc's over virtio-pci.
@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_dhcp_tcp_and_udp_echo_through_published_ports(app, machine):
    tcp, udp = free_port(), free_port(socket.SOCK_DGRAM)
    guest = Guest(app, "--machine", machine, "--timeout", str(4 * PATIENCE),
                  "-k", "net.echo=7",
                  "-p", f"127.0.0.1:{tcp}:7", "-p", f"127.0.0.1:{udp}:7/udp")
    try:
        # stdout and stderr are two pipes: a line on one says nothing of
        # how far the other has come, so each line is waited for.
        for line in ("netecho: up at 10.0.2.15",
                     f"kiln: published tcp 127.0.0.1:{tcp} -> guest port 7",
                     f"kiln: published udp 127.0.0.1:{udp} -> guest port 7",
                     "kn: eth0: 10.0.2.15/24 gateway 10.0.2.2 (DHCP)",
                     "kn: net: echo on TCP and UDP port 7"):
            guest.wait_for(line)
        sizes = [1, 7, 1460, 1461, 65535, 65536, 100_000, 1 << 20, 4 << 20, 3]
        payloads = [bytes((i * 131 + n) & 0xff for i in range(n)) for n in sizes[:-2]]
        payloads += [b"\xa5" * sizes[-2], b"bye"]
        with ThreadPoolExecutor(len(payloads)) as pool:
            sums = list(pool.map(lambda p: echo_tcp(tcp, p), payloads))
        assert sums == [hashlib.sha256(p).hexdigest() for p in payloads]
        for n in (1, 100, 548, 1472):
            payload = bytes((i * 7 + n) & 0xff for i in range(n))
            assert echo_udp(udp, payload) == payload
        assert guest.finish() == 0
        assert guest.out[-1] == "netecho: bye"
    finally:
        guest.kill()


@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_static_address_from_kernel_parameters(app, machine):
    tcp = free_port()
    guest = Guest(app, "--machine", machine, "--timeout", str(4 * PATIENCE),
                  "-k", "net.echo=7",
                  "-k", "net.ip=10.0.2.15/24", "-k", "net.gw=10.0.2.2",
                  "-p", f"127.0.0.1:{tcp}:7")
    try:
        guest.wait_for("netecho: up at 10.0.2.15")
        guest.wait_for("kn: eth0: 10.0.2.15/24 gateway 10.0.2.2 (static)")
        payload = bytes(range(256)) * 1000
        assert echo_tcp(tcp, payload) == hashlib.sha256(payload).hexdigest()
        assert guest.finish() == 0
    finally:
        guest.kill()


def test_dry_run_shows_the_forwards(app):
    proc = run_kiln("run", "--dry-run", "-p", "8080:80", "-p", "127.0.0.1:5353:53/udp",
                    cwd=app)
    assert proc.returncode == 0, proc.stderr
    assert "user,id=n0,hostfwd=tcp::8080-:80,hostfwd=udp:127.0.0.1:5353-:53" in proc.stdout
    assert "virtio-net-device,netdev=n0" in proc.stdout
    proc = run_kiln("run", "--dry-run", "--machine", "pc", "-p", "8080:80", cwd=app)
    assert proc.returncode == 0, proc.stderr
    assert "user,id=n0,hostfwd=tcp::8080-:80 -device virtio-net-pci,netdev=n0" in proc.stdout


def test_publishing_needs_a_network_card(images):
    proc = boot(images.get("helloworld", "kvm"), "kvm", None, "-p", "8080:80")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("kiln: error: -p 8080:80: helloworld has no network card "
                                   "driver, so nothing in it can listen; add \"net\" to "
                                   "[app] requires")
