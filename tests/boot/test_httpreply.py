"""apps/httpreply, the smallest networked app, against real HTTP clients
through `kiln run -p`: keep-alive, HEAD, pipelining, 100 concurrent
connections, replies larger than the socket buffers, and bad input (garbage,
oversized heads, bodies, half-open and vanishing clients) that must not
stop it answering correct requests. Every body is checked byte for byte."""

import http.client
import re
import resource
import socket
import struct
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT

from .conftest import app_builder
from .netclients import PATIENCE, Guest, free_port

pytestmark = pytest.mark.boot

ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyz\n"


def page(size: int) -> bytes:
    """The page httpreply serves: its alphabet over and over."""
    return (ALPHABET * (size // len(ALPHABET) + 1))[:size]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "apps/httpreply")("kvm")


def start(app, *args) -> tuple[Guest, int]:
    port = free_port()
    guest = Guest(app, "--timeout", str(6 * PATIENCE), "-p", f"127.0.0.1:{port}:80",
                  "--", "80", *args)
    guest.wait_for(f"httpreply: serving {args[0] if args else 612} bytes on port 80")
    return guest, port


def get(port: int, requests: list[str]) -> list[tuple[int, bytes]]:
    """The requests (methods) on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PATIENCE)
    answers = []
    for method in requests:
        conn.request(method, "/index.html")
        reply = conn.getresponse()
        answers.append((reply.status, reply.read()))
    conn.close()
    return answers


def raw(port: int, data: bytes) -> bytes:
    """What the server answers to data before it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as s:
        s.sendall(data)
        got = b""
        while chunk := s.recv(1 << 16):
            got += chunk
        return got


def stats(guest) -> str:
    return next(line for line in guest.out if line.startswith("httpreply: ") and
                "connections" in line)


def test_keep_alive_pipelining_and_100_concurrent_clients(app):
    guest, port = start(app)
    try:
        assert get(port, ["GET", "HEAD", "GET", "POST"]) == [
            (200, page(612)), (200, b""), (200, page(612)), (405, b"")]
        # Pipelined: 50 requests in one write, 50 replies in order; the
        # HTTP/1.0 one at the end closes the connection.
        replies = raw(port, b"GET / HTTP/1.1\r\nHost: k\r\n\r\n" * 49 + b"GET / HTTP/1.0\r\n\r\n")
        head = b"HTTP/1.1 200 OK\r\nServer: httpreply\r\nContent-Type: text/html\r\n" \
               b"Content-Length: 612\r\n"
        assert replies == (head + b"\r\n" + page(612)) * 49 + \
            head + b"Connection: close\r\n\r\n" + page(612)
        with ThreadPoolExecutor(100) as pool:
            answers = list(pool.map(lambda _: get(port, ["GET"] * 5), range(100)))
        assert answers == [[(200, page(612))] * 5] * 100
        assert guest.finish() == 0
        assert stats(guest) == ("httpreply: 102 connections, 554 requests, 0 bad, "
                                "0 idle closed")
    finally:
        guest.kill()


def test_replies_larger_than_the_socket_buffers(app):
    size = 3 << 20
    guest, port = start(app, str(size))
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: get(port, ["GET", "HEAD", "GET"]), range(8)))
        assert answers == [[(200, page(size)), (200, b""), (200, page(size))]] * 8
        assert guest.finish() == 0
    finally:
        guest.kill()


def _vanish(port: int, data: bytes) -> None:
    """A client that sends data and resets the connection."""
    s = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
    s.sendall(data)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def test_bad_input_is_refused_and_the_server_goes_on(app):
    guest, port = start(app)
    half_open = []
    try:
        # Clients that start a request and never finish it.
        for _ in range(50):
            s = socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
            s.sendall(b"GET / HTTP/1.1\r\nHost: slow")
            half_open.append(s)
        assert raw(port, b"garbage\r\n\r\n").startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert raw(port, b"GET / HTTP/2.0\r\n\r\n").startswith(b"HTTP/1.1 400 ")
        assert raw(port, b"GET / HTTP/1.1\r\nX: " + b"a" * 9000).startswith(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert raw(port, b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\n\r\n").startswith(
            b"HTTP/1.1 414 URI Too Long\r\n")
        assert raw(port, b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello").startswith(
            b"HTTP/1.1 413 ")
        for n in range(20):  # vanishing mid-request and mid-reply
            _vanish(port, b"GET / HTTP/1.1\r\n" if n % 2 else b"GET / HTTP/1.1\r\n\r\n" * 50)
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda _: get(port, ["GET"] * 3), range(20)))
        assert answers == [[(200, page(612))] * 3] * 20
        # A half-open client that finishes its request is answered.
        half_open[0].sendall(b"\r\nConnection: close\r\n\r\n")
        got = b""
        while chunk := half_open[0].recv(1 << 16):
            got += chunk
        assert got.startswith(b"HTTP/1.1 200 OK\r\n") and got.endswith(page(612))
        assert guest.finish() == 0
        line = stats(guest)
        assert ", 5 bad, " in line, line
    finally:
        for s in half_open:
            s.close()
        guest.kill()


def test_a_thousand_connections_at_once(app):
    """Every one is answered, none reset: beyond the listen backlog a
    connection waits, as on Linux."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    guest, port = start(app)
    clients = []
    try:
        clients = [socket.create_connection(("127.0.0.1", port), timeout=4 * PATIENCE)
                   for _ in range(1000)]
        for c in clients:
            c.sendall(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        answers = []
        for c in clients:
            got = b""
            while chunk := c.recv(1 << 16):
                got += chunk
            answers.append(got.endswith(b"\r\n\r\n" + page(612)) and
                           got.startswith(b"HTTP/1.1 200 OK\r\n"))
        assert answers.count(True) == 1000
        assert guest.finish() == 0
        assert stats(guest) == ("httpreply: 1000 connections, 1000 requests, 0 bad, "
                                "0 idle closed")
    finally:
        for c in clients:
            c.close()
        guest.kill()


def _quiet_free_bytes(guest, want: int | None = None) -> int:
    """Asks for stats until no connection is open (and, with want, until
    free memory is back to it): the free bytes then."""
    deadline = time.monotonic() + PATIENCE
    while True:
        line = guest.ask("stats", "httpreply: ")
        open_now, free = map(int, re.fullmatch(
            r"httpreply: (\d+) open, \d+ requests, (\d+) bytes free", line).groups())
        if open_now == 0 and (want is None or free == want):
            return free
        assert time.monotonic() < deadline, f"memory did not come back to {want}: {line}"
        time.sleep(0.1)  # the state comes when lwIP's last closing handshakes end


def test_memory_comes_back_once_clients_are_gone(app):
    guest, port = start(app)
    try:
        baseline = _quiet_free_bytes(guest)
        for _ in range(3):
            half_open = [socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)
                         for _ in range(20)]
            for s in half_open:
                s.sendall(b"GET / HTTP/1.1\r\nHost: slow")
            with ThreadPoolExecutor(100) as pool:
                answers = list(pool.map(lambda _: get(port, ["GET"] * 5), range(100)))
            assert answers == [[(200, page(612))] * 5] * 100
            for n in range(20):
                _vanish(port, b"GET / HTTP/1.1\r\n" if n % 2 else
                        b"GET / HTTP/1.1\r\n\r\n" * 50)
            for s in half_open:
                s.close()
        assert _quiet_free_bytes(guest, baseline) == baseline
        assert guest.finish() == 0
    finally:
        guest.kill()


def _alive(pid: int) -> bool:
    """Whether pid runs (a zombie waiting for its reaper does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_kiln_takes_its_guest_with_it(app):
    """SIGKILL gives kiln no chance to stop QEMU: the kernel does
    (PR_SET_PDEATHSIG), or QEMU would keep the published port."""
    guest, port = start(app)
    pid = guest.proc.pid
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        qemu = [int(p) for p in f.read().split()]
    assert len(qemu) == 1 and _alive(qemu[0])
    guest.proc.kill()
    guest.proc.wait()
    deadline = time.monotonic() + PATIENCE
    while _alive(qemu[0]):
        assert time.monotonic() < deadline, "QEMU outlived kiln"
        time.sleep(0.05)
