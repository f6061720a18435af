"""linuxu's host side: the image is a Linux program. Its stdout and
stderr are the guest's (kernel messages on stderr), its exit status is the
guest's, and kernel parameters and the app's arguments are its argv. The
interface every launcher has is described in kiln.runner."""

import shlex

from ..errors import KilnError


def check(boot) -> None:
    for option, value in (("--machine", boot.machine), ("--accel", boot.accel)):
        if value:
            raise KilnError(f"{option} applies to the kvm platform only; drop it or use --plat kvm")
    if boot.ports:
        raise KilnError("-p publishes ports over QEMU's user network, which linuxu does not "
                        "have; use --net tap (a tap device in a network namespace) or --plat kvm")


def share_kernel_args(shares) -> list[str]:
    """The guest is a host process: vfs-hostfs opens the folder itself."""
    return [share.kernel_arg(share.host) for share in shares]


def _argv(boot) -> list[str]:
    mem = [f"linuxu.mem={boot.memory_bytes}"] if boot.memory_bytes else []
    initrd = [f"linuxu.initrd={boot.initrd.resolve()}"] if boot.initrd else []
    tap = []
    if boot.net == "tap":  # the device kiln.run.netns made, for lib/netdev/tap
        from .netns import TAP
        tap = [f"tap.dev={TAP}"]
    return [str(boot.image), *mem, *tap, *_disks(boot), *boot.kernel_args, *initrd, "--",
            *boot.app_args]


def _disks(boot) -> list[str]:
    """hostblk.vda=rw:PATH, ... for lib/blkdev/hostfile, in order."""
    from .disks import guest_name
    return [f"hostblk.{guest_name(i)}={'ro' if d.read_only else 'rw'}:{d.path}"
            for i, d in enumerate(boot.disks)]


def dry_run(boot) -> str:
    return shlex.join(_argv(boot))


def launch(boot):
    from .process import Launch
    return Launch(_argv(boot))


def guest_status(outcome) -> tuple[int, str | None]:
    """The process's status; a signal the platform does not catch is
    128 + its number, as a shell reports it."""
    if outcome.status >= 0:
        return outcome.status, None
    import signal
    number = -outcome.status
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    return 128 + number, f"the guest was killed by {name}"
