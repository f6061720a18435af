"""The socket layer through musl (tests/apps/sockets): its semantics
checked against the host kernel (the same checks compiled natively must
pass on Linux too), a TCP and UDP echo server driven by poll() or by
edge-triggered epoll under concurrent, half-open and vanishing clients, and a client that connects
out to the host, sends corked (TCP_CORK) and with send() and sendfile(), half-closes, and gets
ECONNREFUSED from a closed port."""

import hashlib
import re
import shutil
import socket
import struct
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT, run_kiln

from .netclients import PATIENCE, Guest, echo_tcp, echo_udp, free_port

pytestmark = pytest.mark.boot

APP = ROOT / "tests/apps/sockets"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sockets") / "sockets"
    shutil.copytree(APP, folder, ignore=shutil.ignore_patterns("build", ".kiln"))
    proc = run_kiln("build", "--plat", "kvm", cwd=folder, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def test_semantics_are_linuxs(app, tmp_path):
    native = tmp_path / "sockets"
    sources = [str(APP / f) for f in ("main.c", "checks.c", "server.c", "client.c")]
    subprocess.run(["gcc", "-D_GNU_SOURCE", "-o", str(native), *sources], check=True)
    reference = subprocess.run([str(native), "checks"], capture_output=True, text=True,
                               timeout=PATIENCE)
    assert reference.returncode == 0, reference.stdout
    proc = run_kiln("run", "--timeout", str(PATIENCE), "--", "checks", cwd=app,
                    timeout=2 * PATIENCE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ran = re.search(r"^checks: (\d+) run, 0 failed$", proc.stdout, re.M)
    assert ran and proc.stdout.strip() == reference.stdout.strip()


def _vanish(port: int, partial: bytes) -> None:
    """Connects, sends part of a request, and resets the connection."""
    s = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    s.sendall(partial)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


@pytest.mark.parametrize("mode", ["server", "epoll-server"])
def test_event_loop_server_under_load(app, mode):
    """poll() with level-triggered readiness, or epoll with edge-triggered
    connections (nginx's way), over the same clients."""
    tcp, udp = free_port(), free_port(socket.SOCK_DGRAM)
    guest = Guest(app, "--timeout", str(4 * PATIENCE), "-p", f"127.0.0.1:{tcp}:7",
                  "-p", f"127.0.0.1:{udp}:7/udp", "--", mode, "7")
    idle = []
    try:
        guest.wait_for("server: listening on 7" + (" (epoll)" if mode == "epoll-server" else ""))
        # Half-open clients that never send: the server keeps serving.
        idle = [socket.create_connection(("127.0.0.1", tcp), timeout=PATIENCE)
                for _ in range(20)]
        for n in range(10):
            _vanish(tcp, b"x" * (n * 1000 + 1))
        sizes = [0, 1, 612, 1460, 4096, 65536, 102_400, 1 << 20] * 4
        payloads = [bytes((i * 13 + n) & 0xff for i in range(n)) for n in sizes]
        with ThreadPoolExecutor(len(payloads)) as pool:
            sums = list(pool.map(lambda p: echo_tcp(tcp, p), payloads))
        assert sums == [hashlib.sha256(p).hexdigest() for p in payloads]
        for n in (0, 1, 548, 1472, 2048):
            payload = bytes((i * 3 + n) & 0xff for i in range(n))
            assert echo_udp(udp, payload) == payload
        # A half-open client still gets its echo after all that.
        idle[0].sendall(b"still here")
        assert idle[0].recv(100) == b"still here"
        with socket.create_connection(("127.0.0.1", tcp), timeout=PATIENCE) as s:
            s.sendall(b"quit\n")
        assert guest.wait() == 0, guest.out + guest.err
        stats = re.search(r"server: (\d+) connections, (\d+) bytes echoed, (\d+) datagrams",
                          "\n".join(guest.out))
        assert stats, guest.out
        connections, echoed, datagrams = map(int, stats.groups())
        assert connections == 20 + 10 + len(payloads) + 1
        assert echoed >= sum(sizes) + len(b"still here") and datagrams >= 5
    finally:
        for s in idle:
            s.close()
        guest.kill()


def _host_echo(server: socket.socket, got: list) -> None:
    conn, _ = server.accept()
    with conn:
        total = 0
        while chunk := conn.recv(1 << 16):
            conn.sendall(chunk)
            total += len(chunk)
    got.append(total)


def _two_free_ports() -> tuple[socket.socket, int]:
    """A listening host socket whose next port is free too (for the
    refused connection)."""
    for _ in range(100):
        port = free_port()
        try:
            server = socket.create_server(("127.0.0.1", port))
        except OSError:
            continue
        try:
            with socket.create_server(("127.0.0.1", port + 1)):
                return server, port
        except OSError:
            server.close()
    pytest.fail("no two adjacent free ports")


def test_client_connects_out_sends_a_file_and_is_refused(app):
    server, port = _two_free_ports()
    got: list[int] = []
    echo = threading.Thread(target=_host_echo, args=(server, got), daemon=True)
    echo.start()
    try:
        proc = run_kiln("run", "--timeout", str(2 * PATIENCE), "--", "client", str(port),
                        cwd=app, timeout=3 * PATIENCE)
    finally:
        server.close()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "client: 1348576 bytes sent (300000 by sendfile), 1348576 echoed intact" \
        in proc.stdout
    assert "client: 20 checks, 0 failed" in proc.stdout
    echo.join(PATIENCE)
    assert got == [6 + 1348576]  # the corked "corked" first
