"""Host C unit tests of the POSIX system libraries: posix-mmap against the
host kernel (lib/posix/mmap/tests: the same calls on both sides, errors and
page contents compared, random stress under ASan/UBSan with a leak check),
and posix-process's ChaCha20 against RFC 8439 and openssl."""

import os
import shutil
import subprocess

import pytest

from conftest import ROOT

FLAGS = ["gcc", "-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Wno-unused-parameter",
         "-Werror", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
         "-fno-omit-frame-pointer"]
MMAP = ROOT / "lib/posix/mmap"
BRK_KIB = 256


def compile_c(out, sources, includes=(), defines=()):
    cmd = [*FLAGS, *[f"-D{d}" for d in defines], *[f"-I{ROOT / i}" for i in includes],
           *map(str, sources), "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def mmap_test(tmp_path_factory):
    sources = [MMAP / f for f in ("vma.c", "mmap.c", "mremap.c", "brk.c", "shared.c")]
    sources += sorted((MMAP / "tests").glob("*.c"))
    return compile_c(tmp_path_factory.mktemp("mmap") / "mmap_test", sources,
                     ["lib/posix/mmap/include", "lib/alloc/include", "lib/boot/include",
                      "lib/syscall/include", "lib/vfs/include", "lib/plat/include"],
                     [f"CONFIG_POSIX_MMAP_BRK_KIB={BRK_KIB}"])


def run(exe, *args):
    # ASan's own mlockall/mmap interception does not matter here; leaks do.
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.mark.parametrize("scenario", ["errors", "oom", "brk", "protect"])
def test_mmap_scenario(mmap_test, scenario):
    proc = run(mmap_test, scenario)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PASS {scenario}" in proc.stdout


def test_mmap_files_match_host(mmap_test, tmp_path):
    proc = run(mmap_test, "files", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS files" in proc.stdout


@pytest.mark.parametrize("seed", [1, 2, 3, 7, 42, 1234])
def test_mmap_stress_matches_host(mmap_test, seed):
    proc = run(mmap_test, "stress", seed)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS stress" in proc.stdout


@pytest.fixture(scope="module")
def chacha(tmp_path_factory):
    return compile_c(tmp_path_factory.mktemp("chacha") / "chacha_test",
                     [ROOT / "lib/posix/process/chacha20.c",
                      ROOT / "lib/posix/process/tests/chacha_test.c"])


def test_chacha20_rfc8439_block(chacha):
    # RFC 8439 section 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1.
    key = bytes(range(32)).hex()
    proc = run(chacha, key, "000000090000004a00000000", 1, 1)
    assert proc.stdout.strip() == (
        "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
        "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")
@pytest.mark.parametrize("counter", [0, 7, 0xfffffffe])
def test_chacha20_matches_openssl(chacha, counter):
    key = os.urandom(32).hex()
    nonce = os.urandom(12).hex()
    blocks = 1 if counter == 0xfffffffe else 4
    ours = run(chacha, key, nonce, counter, blocks).stdout.strip()
    iv = counter.to_bytes(4, "little").hex() + nonce
    ssl = subprocess.run(["openssl", "enc", "-chacha20", "-K", key, "-iv", iv],
                         input=bytes(64 * blocks), capture_output=True)
    assert ssl.returncode == 0, ssl.stderr
    assert ours == ssl.stdout.hex()
