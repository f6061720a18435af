"""The network stack end to end: tests/apps/netecho comes up on QEMU's
user network (DHCP, or a static address from -k net.ip=), and the host
talks to lwIP's echo service (-k net.echo=7) through ports `kiln run -p`
publishes: concurrent TCP clients with payloads from 1 byte to 4 MiB,
UDP datagrams up to a full frame, each checked byte for byte. Then a
line on stdin ends the app with status 0."""

import hashlib
import queue
import shutil
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT, run_kiln

from .conftest import boot

pytestmark = pytest.mark.boot

# How long a state may take to come under a loaded TCG host; a test that
# passes never waits this long.
PATIENCE = 120


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("netecho") / "netecho"
    shutil.copytree(ROOT / "tests/apps/netecho", folder,
                    ignore=shutil.ignore_patterns("build", ".kiln"))
    proc = run_kiln("build", "--plat", "kvm", cwd=folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest:
    """`kiln run` in the background, its output read line by line."""

    def __init__(self, folder, *args):
        self.proc = subprocess.Popen([sys.executable, "-m", "kiln", "run", *args], cwd=folder,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self.ended = 0  # streams at their end
        for stream, seen in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, seen), daemon=True).start()

    def _pump(self, stream, seen):
        for line in stream:
            seen.append(line.rstrip("\n"))
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, wanted: str) -> None:
        while wanted not in self.out + self.err:
            if self.ended == 2:
                pytest.fail(f"the guest ended before {wanted!r}: {self.out} {self.err}")
            try:
                line = self.lines.get(timeout=PATIENCE)
            except queue.Empty:
                pytest.fail(f"no {wanted!r}: {self.out} {self.err}")
            self.ended += line is None

    def finish(self) -> int:
        self.proc.stdin.write("\n")
        self.proc.stdin.close()
        return self.proc.wait(timeout=PATIENCE)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def echo_tcp(port: int, payload: bytes) -> str:
    """Sends payload while reading the echo; the sha256 of what came back."""
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as s:
        got = hashlib.sha256()
        received = 0

        def send():
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
        sender = threading.Thread(target=send)
        sender.start()
        while received < len(payload):
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            got.update(chunk)
            received += len(chunk)
        sender.join()
        return got.hexdigest()


def echo_udp(port: int, payload: bytes) -> bytes:
    """One datagram's echo; a lost one is sent again (UDP may drop)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        for _ in range(PATIENCE // 2):
            s.sendto(payload, ("127.0.0.1", port))
            try:
                return s.recv(65536)
            except socket.timeout:
                continue
    pytest.fail(f"no UDP echo of {len(payload)} bytes")


def test_dhcp_tcp_and_udp_echo_through_published_ports(app):
    tcp, udp = free_port(), free_port(socket.SOCK_DGRAM)
    guest = Guest(app, "--timeout", str(4 * PATIENCE), "-k", "net.echo=7",
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


def test_static_address_from_kernel_parameters(app):
    tcp = free_port()
    guest = Guest(app, "--timeout", str(4 * PATIENCE), "-k", "net.echo=7",
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


def test_publishing_needs_a_network_card(images):
    proc = boot(images.get("helloworld", "kvm"), "kvm", None, "-p", "8080:80")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("kiln: error: -p 8080:80: helloworld has no network card "
                                   "driver, so nothing in it can listen; add \"net\" to "
                                   "[app] requires")
