"""`kiln run --net tap` end to end, on kvm (microvm, virtio-net over QEMU's
tap netdev) and linuxu (lib/netdev/tap over /dev/net/tun): tests/apps/
netecho serves echo (-k net.echo=7) at 10.0.3.2 on a tap device in the
network namespace kiln made; a client run inside it (`ip netns exec`)
checks TCP echo byte for byte, and the namespace is gone once the guest
ends: normally, at the timeout, or when kiln is interrupted (Ctrl-C)."""

import hashlib
import os
import re
import signal
import subprocess
import sys

import pytest

from conftest import ROOT

from .conftest import app_builder
from .netclients import PATIENCE, Guest

pytestmark = [pytest.mark.boot,
              pytest.mark.skipif(os.geteuid() != 0, reason="--net tap needs root")]

NAMESPACE = re.compile(r"^kiln: network namespace (kiln-\d+): guest 10\.0\.3\.2 on kn-tap0 ")

# Run inside the namespace: echoes each payload over one TCP connection
# (sending and receiving at once) and prints the sha256 of each reply;
# then UDP datagrams up to a full frame, each compared whole ("udp ok").
CLIENT = r"""
import hashlib, socket, sys, threading
for n in (1, 548, 1472):
    datagram = bytes((i * 7 + n) & 0xff for i in range(n))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(2)
        for _ in range(%d):  # UDP may drop one: send again
            u.sendto(datagram, ("10.0.3.2", 7))
            try:
                reply = u.recv(65536)
                break
            except socket.timeout:
                continue
    assert reply == datagram, n
print("udp ok")
for size in map(int, sys.argv[1:]):
    payload = bytes((i * 131 + size) & 0xff for i in range(size))
    with socket.create_connection(("10.0.3.2", 7), timeout=%d) as s:
        def send():
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
        sender = threading.Thread(target=send)
        sender.start()
        got, n = hashlib.sha256(), 0
        while n < size:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            got.update(chunk)
            n += len(chunk)
        sender.join()
    print(got.hexdigest())
""" % (PATIENCE // 2, PATIENCE)

SIZES = [1, 1460, 1461, 65536, 1 << 20]


@pytest.fixture(scope="module")
def netecho(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "tests/apps/netecho")


def namespace_of(guest: Guest) -> str:
    """The namespace kiln announced before the guest started: on stderr,
    so before the guest's kernel message of its address there."""
    guest.wait_for("kn: eth0: 10.0.3.2/24 gateway 10.0.3.1 (static)")
    for line in guest.err:
        if match := NAMESPACE.match(line):
            return match.group(1)
    pytest.fail(f"no namespace line: {guest.err}")


def exists(name: str) -> bool:
    return os.path.exists(f"/run/netns/{name}")


def echo_in(name: str, sizes) -> list[str]:
    proc = subprocess.run(["ip", "netns", "exec", name, sys.executable, "-c", CLIENT,
                           *map(str, sizes)], capture_output=True, text=True,
                          timeout=4 * PATIENCE)
    assert proc.returncode == 0, proc.stderr
    udp, *sums = proc.stdout.split("\n", 1)
    assert udp == "udp ok"
    return sums[0].split()


def expected(sizes) -> list[str]:
    return [hashlib.sha256(bytes((i * 131 + n) & 0xff for i in range(n))).hexdigest()
            for n in sizes]


# kvm: microvm's card over virtio-mmio, pc's over virtio-pci.
@pytest.mark.parametrize("platform,machine", [("kvm", "microvm"), ("kvm", "pc"),
                                              ("linuxu", None)])
def test_echo_in_the_namespace_and_the_namespace_goes(netecho, platform, machine):
    folder = netecho(platform)
    guest = Guest(folder, "--plat", platform, "--net", "tap", "-k", "net.echo=7",
                  "--timeout", str(4 * PATIENCE), *(("--machine", machine) if machine else ()))
    try:
        guest.wait_for("netecho: up at 10.0.3.2")
        guest.wait_for("kn: eth0: 10.0.3.2/24 gateway 10.0.3.1 (static)")
        guest.wait_for("kn: net: echo on TCP and UDP port 7")
        name = namespace_of(guest)
        assert exists(name)
        assert echo_in(name, SIZES) == expected(SIZES)
        assert guest.finish() == 0
        assert guest.out[-1] == "netecho: bye"
        assert not exists(name), f"{name} outlived the guest"
        ours = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert name not in ours
    finally:
        guest.kill()


def test_linuxu_driver_says_which_tap_it_attached_to(netecho):
    guest = Guest(netecho("linuxu"), "--plat", "linuxu", "--net", "tap",
                  "--timeout", str(4 * PATIENCE))
    try:
        guest.wait_for("netecho: up at 10.0.3.2")
        # On stderr, a pipe of its own: waited for, not looked up.
        guest.wait_for("kn: eth0: tap device kn-tap0, MAC ", within_line=True)
        assert any(re.match(r"kn: eth0: tap device kn-tap0, MAC 02:4b:4e:..:..:.., MTU 1500$",
                            line) for line in guest.err), guest.err
        assert guest.finish() == 0
    finally:
        guest.kill()


def test_namespace_goes_at_the_timeout(netecho):
    # Shorter than the boot is fine: the timeout ends the guest either way.
    guest = Guest(netecho("linuxu"), "--plat", "linuxu", "--net", "tap", "--timeout", "1")
    try:
        status = guest.wait()
        assert status == 124, guest.err
        assert "kiln: stopped the guest after the 1 s timeout" in guest.err
        name = next(NAMESPACE.match(line).group(1) for line in guest.err
                    if NAMESPACE.match(line))
        assert not exists(name)
    finally:
        guest.kill()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_namespace_goes_when_kiln_is_interrupted(netecho, sig):
    guest = Guest(netecho("linuxu"), "--plat", "linuxu", "--net", "tap", "-k", "net.echo=7",
                  "--timeout", str(4 * PATIENCE))
    try:
        guest.wait_for("netecho: up at 10.0.3.2")
        name = namespace_of(guest)
        assert exists(name)
        guest.proc.send_signal(sig)
        assert guest.wait() == 130
        assert guest.err[-1] == "kiln: interrupted"
        assert not exists(name)
    finally:
        guest.kill()


def test_a_namespace_left_by_a_killed_kiln_goes_at_the_next_run(netecho):
    """SIGKILL leaves kiln no chance to clean up: the next --net tap run
    removes kiln-<pid> namespaces whose kiln is gone."""
    first = Guest(netecho("linuxu"), "--plat", "linuxu", "--net", "tap",
                  "--timeout", str(4 * PATIENCE))
    try:
        left = namespace_of(first)
        pids = subprocess.run(["ip", "netns", "pids", left], capture_output=True,
                              text=True).stdout.split()
        first.proc.kill()
        first.proc.wait()
        for pid in pids:  # the guest, orphaned in the namespace
            os.kill(int(pid), signal.SIGKILL)
        assert exists(left)
    finally:
        first.kill()
    second = Guest(netecho("linuxu"), "--plat", "linuxu", "--net", "tap",
                   "--timeout", str(4 * PATIENCE))
    try:
        name = namespace_of(second)
        assert name != left and not exists(left)
        assert second.finish() == 0
    finally:
        second.kill()
