"""`kiln run --net tap`: the guest on a tap device inside a network
namespace kiln creates for the run and removes after it.

The namespace keeps the host's own network untouched and lets every run
use the same addresses: the tap device kn-tap0 holds the host side,
10.0.3.1/24, and the guest gets 10.0.3.2 through its kernel parameters
(net.ip, net.gw). Clients reach the guest from inside the namespace
(`ip netns exec kiln-<pid> CLIENT`). The guest process (QEMU, or the
linuxu image) starts inside it through `ip netns exec`, which execs, so
the process kiln waits for and stops is the guest itself.

Creating a namespace and a tap device takes CAP_NET_ADMIN (root); without
it kiln refuses in one line before anything is created."""

import os
import shutil
import signal
import subprocess

from ..errors import KilnError

PREFIX = "kiln-"
TAP = "kn-tap0"
HOST_ADDR = "10.0.3.1"
GUEST_ADDR = "10.0.3.2"
PREFIX_LEN = 24
CAP_NET_ADMIN = 12
RUN_NETNS = "/run/netns"  # where `ip netns` keeps named namespaces


def may_admin_network() -> bool:
    """Whether this process holds CAP_NET_ADMIN (its effective set)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> CAP_NET_ADMIN & 1)
    except (OSError, ValueError, IndexError):
        pass
    return False


def check_allowed() -> None:
    if not may_admin_network():
        raise KilnError("--net tap needs root (CAP_NET_ADMIN) to create a network namespace "
                        "and a tap device; run kiln as root (sudo), or leave --net out "
                        "for QEMU's user network")
    if not shutil.which("ip"):
        raise KilnError("--net tap needs the `ip` command; install it with "
                        "`apt-get install iproute2`")


def kernel_args(kernel_args: list[str]) -> list[str]:
    """The guest's address and gateway in the namespace, before the
    user's words (a later net.ip= wins, so -k net.ip=... still chooses)."""
    return [f"net.ip={GUEST_ADDR}/{PREFIX_LEN}", f"net.gw={HOST_ADDR}", *kernel_args]


def guest_address(kernel_args: list[str]) -> str:
    """The address the guest will have: the last net.ip= word's."""
    addr = GUEST_ADDR
    for word in kernel_args:
        if word.startswith("net.ip="):
            addr = word[len("net.ip="):].partition("/")[0]
    return addr


def setup_commands(name: str) -> list[list[str]]:
    return [["ip", "netns", "add", name],
            ["ip", "-n", name, "link", "set", "lo", "up"],
            ["ip", "-n", name, "tuntap", "add", "dev", TAP, "mode", "tap"],
            ["ip", "-n", name, "addr", "add", f"{HOST_ADDR}/{PREFIX_LEN}", "dev", TAP],
            ["ip", "-n", name, "link", "set", TAP, "up"]]


def teardown_command(name: str) -> list[str]:
    # Deleting the namespace destroys the tap device in it.
    return ["ip", "netns", "delete", name]


def enter(name: str, argv: list[str]) -> list[str]:
    return ["ip", "netns", "exec", name, *argv]


def _ip(argv: list[str]) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode:
        said = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise KilnError(f"`{' '.join(argv)}` failed: {said}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale() -> None:
    """Removes namespaces left by a kiln that was killed outright
    (SIGKILL gives no chance to clean up): kiln-<pid> of a gone pid."""
    try:
        names = os.listdir(RUN_NETNS)
    except OSError:
        return
    for name in names:
        pid = name[len(PREFIX):]
        if name.startswith(PREFIX) and pid.isdigit() and not _alive(int(pid)):
            subprocess.run(teardown_command(name), capture_output=True)


class Namespace:
    """The run's namespace: created on entry, removed on exit however the
    run ends (an exception, Ctrl-C, SIGTERM or SIGHUP to kiln)."""

    def __init__(self, name: str | None = None):
        self.name = name or f"{PREFIX}{os.getpid()}"
        self._old_handlers: dict = {}

    def __enter__(self) -> "Namespace":
        remove_stale()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            self._old_handlers[sig] = signal.signal(sig, _leave_on_signal)
        try:
            for argv in setup_commands(self.name):
                _ip(argv)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        subprocess.run(teardown_command(self.name), capture_output=True)
        for sig, handler in self._old_handlers.items():
            signal.signal(sig, handler)


def _leave_on_signal(number, frame):
    # Unwinds like Ctrl-C: the guest is stopped and the namespace removed.
    raise KeyboardInterrupt
