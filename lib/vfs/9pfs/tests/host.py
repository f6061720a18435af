"""Host checks of vfs-9pfs's message layer ([host-test.proto] in
../library.toml): proto_test.c scripts the server's replies, right and
wrong, under ASan and UBSan. Collected by tests/host/test_host.py."""

import subprocess

from hostc import host_for

HOST = host_for(__file__)


def test_messages_against_a_scripted_server():
    run = subprocess.run([str(HOST.program("proto"))], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "failures=0" in run.stdout
