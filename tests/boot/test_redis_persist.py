"""apps/redis keeps its data in /data, a host folder with `kiln run -v
HOSTDIR:/data` (9P on kvm): a dump made by SAVE and an AOF synced at every
write (appendfsync always) outlive the VM, and a new VM on the same folder
serves them. The AOF one ends its VM as a crash would, SIGKILL to QEMU
itself, so only what reached the host folder can come back."""

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT

from .conftest import app_builder
from .netclients import PATIENCE, Guest, Resp, free_port

pytestmark = pytest.mark.boot

MACHINES = ["microvm", "pc"]
KEYS = 10_000
AOF_ARGS = ("--", "/etc/redis/redis.conf", "--appendonly", "yes", "--appendfsync", "always")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_builder(tmp_path_factory, ROOT / "apps/redis")("kvm")


def boot(app, machine, data, *args):
    """Redis on `machine` with data at /data, once it accepts clients; its
    client; kiln and QEMU in a group of their own, for kill()."""
    port = free_port()
    guest = Guest(app, "--machine", machine, "--timeout", str(10 * PATIENCE), "-v",
                  f"{data}:/data", "-p", f"127.0.0.1:{port}:6379", *args, own_group=True)
    guest.wait_for("Ready to accept connections", within_line=True)
    return guest, Resp(port)


# Redis's warnings ("#" lines) that say nothing went wrong.
CALM = ("oO0OoO0OoO0Oo Redis is starting", "Redis version=", "Configuration loaded",
        "Server initialized", "User requested shutdown", "Redis is now ready to exit")


def check_log(guest: Guest) -> None:
    """No warning from Redis (a failed fsync, rename or truncate is one)
    and no system call Kiln lacks but the one test_redis expects."""
    warnings = [line for line in guest.out if re.match(r"\d+:[CM] .* # ", line)
                and not any(calm in line for calm in CALM)]
    assert warnings == [], warnings
    missing = {line for line in guest.err if "is not implemented" in line}
    assert missing <= {"kn: syscall setitimer (38) is not implemented"}, guest.err


def value(i: int) -> bytes:
    return b"%d-" % i + bytes([33 + i % 90]) * (i % 97)


def pipelined(client: Resp, commands: list[bytes]) -> list:
    """Sends every command at once from another thread while the replies
    are read here."""
    sender = threading.Thread(target=client.sock.sendall, args=(b"".join(commands),))
    sender.start()
    replies = [client.reply() for _ in commands]
    sender.join()
    return replies


def read_back(client: Resp, keys: list[str]) -> list:
    return pipelined(client, [Resp.encode("GET", k) for k in keys])


def group(pgid: int) -> list[str]:
    """The names of the live (not zombie) processes of group pgid."""
    names = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        state, _ppid, pgrp = text[text.rindex(")") + 2:].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            names.append(text[text.index("(") + 1:text.rindex(")")])
    return names


def kill_qemu_too(guest: Guest) -> None:
    """SIGKILL to kiln and QEMU (their own group); returns once no process
    of the group lives, so no QEMU still holds the share when the next one
    starts."""
    try:
        os.killpg(guest.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    guest.proc.wait()
    for _ in range(PATIENCE * 100):
        if not group(guest.proc.pid):
            return
        time.sleep(0.01)
    pytest.fail(f"{group(guest.proc.pid)} outlived SIGKILL to their process group")


@pytest.mark.parametrize("machine", MACHINES)
def test_save_survives_a_new_vm(app, machine, tmp_path):
    keys = [f"key:{i}" for i in range(KEYS)]
    guest, client = boot(app, machine, tmp_path)
    try:
        replies = pipelined(client, [Resp.encode("SET", k, value(i))
                                     for i, k in enumerate(keys)])
        assert replies == ["OK"] * KEYS
        assert client.call("SAVE") == "OK"
        client.sock.sendall(Resp.encode("SHUTDOWN", "NOSAVE"))
        assert guest.wait() == 0, guest.out + guest.err
        check_log(guest)
    finally:
        client.close()
        kill_qemu_too(guest)
    assert (tmp_path / "dump.rdb").stat().st_size > KEYS * 10

    guest, client = boot(app, machine, tmp_path)
    try:
        assert any("DB loaded from disk" in line for line in guest.out), guest.out
        assert client.call("DBSIZE") == KEYS
        assert read_back(client, keys) == [value(i) for i in range(KEYS)]
        check_log(guest)
    finally:
        client.close()
        kill_qemu_too(guest)


@pytest.mark.parametrize("machine", MACHINES)
def test_every_acknowledged_aof_write_survives_sigkill(app, machine, tmp_path):
    guest, client = boot(app, machine, tmp_path, *AOF_ARGS)
    acked = []  # i of every SET key:i the server answered OK
    enough = threading.Event()
    stop = threading.Event()

    def writer():
        # One write at a time: each answer comes after Redis wrote and
        # fsynced it (appendfsync always); the kill may catch one in flight.
        try:
            for i in range(100_000):
                if stop.is_set() or client.call("SET", f"aof:{i}", value(i)) != "OK":
                    return
                acked.append(i)
                if len(acked) == 300:
                    enough.set()
        except OSError:
            pass  # the VM went away mid-write
        finally:
            enough.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert enough.wait(10 * PATIENCE) and len(acked) >= 300, guest.out + guest.err
        check_log(guest)
        # QEMU itself dies, as in a crash, while the writer keeps writing.
        assert "qemu-system-x86" in group(guest.proc.pid)
        kill_qemu_too(guest)
    finally:
        stop.set()
        kill_qemu_too(guest)
        thread.join(PATIENCE)
        client.close()
    survivors = list(acked)  # acknowledged before QEMU died

    guest, client = boot(app, machine, tmp_path, *AOF_ARGS)
    try:
        assert any("DB loaded from append only file" in line for line in guest.out), guest.out
        n = client.call("DBSIZE")
        # The write in flight at the kill may or may not have reached the file.
        assert len(survivors) <= n <= len(survivors) + 1
        keys = [f"aof:{i}" for i in survivors]
        assert read_back(client, keys) == [value(i) for i in survivors]
        check_log(guest)
    finally:
        client.close()
        kill_qemu_too(guest)
