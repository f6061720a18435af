"""Host checks of virtio-blk (../blk.c), collected by tests/host/test_host.py:
blk_test.c ([host-test.blk]) runs the driver, the shared blkdev code and
the real split rings against a simulated device with the limits QEMU does
not offer (size_max), small queues and 4 KiB sectors."""

import subprocess

from hostc import host_for

HOST = host_for(__file__)


def test_requests_against_a_simulated_device():
    run = subprocess.run([str(HOST.program("blk"))], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "failures=0" in run.stdout, run.stdout[-6000:]
