"""apps/nginx (nginx 1.22.1, unmodified) against real HTTP clients through
`kiln run -p`: static files of 0 B, 612 B, 100 KiB and 10 MiB checked by
sha256 (with sendfile and tcp_nopush on), from the initrd and from a host
folder shared with -v (9pfs), keep-alive, HEAD, 404, byte
ranges, 100 concurrent connections, and curl. nginx reads no stdin and
kiln gives it no signal, so the guest is stopped as a user stops it:
Ctrl-C (SIGINT to kiln's process group). Its stderr must then hold
nginx's start-up notices and nothing worse, and no system call Kiln
lacks."""

import hashlib
import http.client
import random
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT

from .conftest import app_builder
from .netclients import PATIENCE, Guest, free_port

pytestmark = pytest.mark.boot

# name -> size: the big files are made here, not kept in the repository.
SIZES = {"empty.txt": 0, "index.html": 612, "100k.bin": 100 << 10,
         "big.bin": (10 << 20) + 12345}


def _content(name: str, size: int) -> bytes:
    return random.Random(name).randbytes(size)


def _add_files(folder):
    www = folder / "rootfs/www"
    for name, size in SIZES.items():
        if not (www / name).exists():
            (www / name).write_bytes(_content(name, size))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "apps/nginx", _add_files)("kvm")


@pytest.fixture(scope="module")
def files(app):
    www = app / "rootfs/www"
    return {name: (www / name).read_bytes() for name in SIZES}


def start(app, *args):
    """nginx serving on a free host port (g.port), `args` added to kiln run."""
    port = free_port()
    g = Guest(app, "--timeout", str(6 * PATIENCE), "-p", f"127.0.0.1:{port}:80", *args,
              own_group=True)
    g.port = port
    try:
        # nginx's last notice before its event loop, once it listens.
        g.wait_for("getrlimit(RLIMIT_NOFILE)", within_line=True)
    except BaseException:
        g.kill()
        raise
    return g


@pytest.fixture
def guest(app):
    g = start(app)
    try:
        yield g
    finally:
        g.kill()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(port, requests, timeout=PATIENCE):
    """(method, path, headers) requests on one connection: their
    (status, headers, body), and whether the connection stayed the same."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    answers, sockets = [], set()
    for method, path, headers in requests:
        conn.request(method, path, headers=headers)
        reply = conn.getresponse()
        body = reply.read()
        sockets.add(id(conn.sock))
        answers.append((reply.status, dict(reply.getheaders()), body))
    conn.close()
    return answers, len(sockets) == 1


def stop(guest):
    """Ctrl-C, then what nginx said on stderr beyond its start-up notices."""
    status = guest.interrupt()
    assert status == 130 and "kiln: interrupted" in guest.err, (status, guest.err)
    nginx = [line for line in guest.err if re.match(r"\d{4}/\d\d/\d\d ", line)]
    assert any("[notice]" in line and "nginx/1.22.1" in line for line in nginx), guest.err
    worse = [line for line in nginx if "[notice]" not in line]
    assert worse == [], worse
    assert not [line for line in guest.err if "not implemented" in line], guest.err


def test_static_files_keep_alive_head_404_and_ranges(guest, files):
    requests = [("GET", f"/{name}", {}) for name in SIZES]
    requests += [("HEAD", "/100k.bin", {}), ("GET", "/no/such/file", {}), ("GET", "/", {})]
    requests += [("GET", "/100k.bin", {"Range": "bytes=1000-1999"}),
                 ("GET", "/big.bin", {"Range": "bytes=-70000"}),
                 ("GET", "/big.bin", {"Range": f"bytes={3 << 20}-"})]
    answers, one_connection = fetch(guest.port, requests)
    assert one_connection, "nginx closed a keep-alive connection"
    for (status, headers, body), name in zip(answers, SIZES):
        assert (status, int(headers["Content-Length"]), len(body)) == \
            (200, SIZES[name], SIZES[name]), name
        assert sha(body) == sha(files[name]), name
    (head, head_h, head_b), (missing, _, _), (index, _, index_b) = answers[4:7]
    assert (head, head_h["Content-Length"], head_b) == (200, str(100 << 10), b"")
    assert missing == 404
    assert (index, index_b) == (200, files["index.html"])
    big = files["big.bin"]
    expected = [(files["100k.bin"][1000:2000], f"bytes 1000-1999/{100 << 10}"),
                (big[-70000:], f"bytes {len(big) - 70000}-{len(big) - 1}/{len(big)}"),
                (big[3 << 20:], f"bytes {3 << 20}-{len(big) - 1}/{len(big)}")]
    for (status, headers, body), (want, content_range) in zip(answers[7:], expected):
        assert (status, headers["Content-Range"]) == (206, content_range)
        assert sha(body) == sha(want)
    stop(guest)


def test_100_concurrent_connections(guest, files):
    plan = [("GET", "/index.html", {}), ("GET", "/100k.bin", {}), ("HEAD", "/", {})]

    def client(n):
        answers, one = fetch(guest.port, plan)
        return one, [(status, sha(body)) for status, _, body in answers]

    with ThreadPoolExecutor(100) as pool:
        results = list(pool.map(client, range(100)))
    want = (True, [(200, sha(files["index.html"])), (200, sha(files["100k.bin"])),
                   (200, sha(b""))])
    assert results == [want] * 100
    # Several big files at once, larger than any socket buffer.
    with ThreadPoolExecutor(4) as pool:
        bigs = list(pool.map(lambda _: fetch(guest.port, [("GET", "/big.bin", {})])[0][0],
                             range(4)))
    assert [(s, sha(b)) for s, _, b in bigs] == [(200, sha(files["big.bin"]))] * 4
    stop(guest)


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is not installed")
def test_curl(guest, files):
    url = f"http://127.0.0.1:{guest.port}"
    proc = subprocess.run(["curl", "-sS", "--fail", "--max-time", str(PATIENCE),
                           f"{url}/", f"{url}/big.bin"], capture_output=True, timeout=2 * PATIENCE)
    assert proc.returncode == 0, proc.stderr
    assert sha(proc.stdout) == sha(files["index.html"] + files["big.bin"])
    proc = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                           f"{url}/missing"], capture_output=True, text=True,
                          timeout=2 * PATIENCE)
    assert proc.stdout == "404"
    stop(guest)


@pytest.mark.parametrize("machine", ["microvm", "pc"])
def test_files_from_a_host_share(app, files, tmp_path, machine):
    """`-v HOSTDIR:/www/share` puts a host folder inside nginx's root (9pfs
    on kvm): its files, one of a few MiB, go out by sendfile from the
    share next to the initrd's, and a file the host adds while nginx runs
    is served at once (9pfs keeps no cache)."""
    shared = {"note.txt": 13, "empty.bin": 0, "4m.bin": (4 << 20) + 777}
    for name, size in shared.items():
        (tmp_path / name).write_bytes(_content(name, size))
    g = start(app, "--machine", machine, "-v", f"{tmp_path}:/www/share")
    try:
        requests = [("GET", f"/share/{name}", {}) for name in shared]
        requests += [("GET", "/index.html", {}),
                     ("GET", "/share/4m.bin", {"Range": "bytes=1000000-1999999"})]
        answers, one_connection = fetch(g.port, requests)
        assert one_connection, "nginx closed a keep-alive connection"
        for (status, headers, body), name in zip(answers, shared):
            assert (status, int(headers["Content-Length"])) == (200, shared[name]), name
            assert sha(body) == sha((tmp_path / name).read_bytes()), name
        (index, _, index_b), (part, _, part_b) = answers[3:]
        assert (index, index_b) == (200, files["index.html"])
        big = (tmp_path / "4m.bin").read_bytes()
        assert (part, sha(part_b)) == (206, sha(big[1000000:2000000]))
        (tmp_path / "later.bin").write_bytes(_content("later.bin", 300_001))
        [(status, _, body)], _ = fetch(g.port, [("GET", "/share/later.bin", {})])
        assert (status, sha(body)) == (200, sha(_content("later.bin", 300_001)))
        stop(g)
    finally:
        g.kill()
