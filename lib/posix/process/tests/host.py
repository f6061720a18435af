"""Host checks of posix-process's ChaCha20 against RFC 8439 and openssl
([host-test.chacha] in ../library.toml), collected by
tests/host/test_host.py."""

import os
import shutil
import subprocess

import pytest

from hostc import host_for

HOST = host_for(__file__)


def run(*args):
    return subprocess.run([str(HOST.program("chacha")), *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def test_chacha20_rfc8439_block():
    # RFC 8439 section 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1.
    key = bytes(range(32)).hex()
    proc = run(key, "000000090000004a00000000", 1, 1)
    assert proc.stdout.strip() == (
        "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
        "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")
@pytest.mark.parametrize("counter", [0, 7, 0xfffffffe])
def test_chacha20_matches_openssl(counter):
    key = os.urandom(32).hex()
    nonce = os.urandom(12).hex()
    blocks = 1 if counter == 0xfffffffe else 4
    ours = run(key, nonce, counter, blocks).stdout.strip()
    iv = counter.to_bytes(4, "little").hex() + nonce
    ssl = subprocess.run(["openssl", "enc", "-chacha20", "-K", key, "-iv", iv],
                         input=bytes(64 * blocks), capture_output=True)
    assert ssl.returncode == 0, ssl.stderr
    assert ours == ssl.stdout.hex()
