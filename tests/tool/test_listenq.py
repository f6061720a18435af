"""kiln.run.listenq: a published port's listen queue, borrowed from the
process that listens (as QEMU's is) and deepened."""

import socket
import subprocess
import sys
import time

from kiln.run import listenq

# A listener with QEMU's one-deep queue that never accepts.
LISTENER = """
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
"""


def accept_queue(port: int) -> int:
    """How many connections wait in the queue of the socket listening on
    127.0.0.1:port (for a listener, /proc/net/tcp's rx_queue)."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A":
                return int(fields[4].split(":")[1], 16)
    raise AssertionError(f"nothing listens on port {port}")


def test_a_deepened_queue_holds_a_burst_of_clients():
    child = subprocess.Popen([sys.executable, "-c", LISTENER], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    clients = []
    try:
        port = int(child.stdout.readline())
        listenq.deepen(child, {port})
        clients = [socket.create_connection(("127.0.0.1", port), timeout=60)
                   for _ in range(20)]
        # Each handshake's last ACK is queued as it arrives; a one-deep
        # queue stops at 2 and drops the rest.
        deadline = time.monotonic() + 60
        while accept_queue(port) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert accept_queue(port) == 20
    finally:
        for c in clients:
            c.close()
        child.kill()
        child.wait()


def test_a_process_that_ends_first_ends_the_wait():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    listenq.deepen(child, {1})  # returns: nothing will ever listen
