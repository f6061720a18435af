"""Booting an image under QEMU: machine, accelerator, memory, command line,
and the guest's exit code (isa-debug-exit makes QEMU exit with
(code << 1) | 1)."""

import shlex
from pathlib import Path

from ..errors import KilnError
from . import accel as accel_mod

DEBUG_EXIT = "isa-debug-exit,iobase=0xf4,iosize=4"
MACHINES = {
    # Options that keep start-up short: no option ROMs on microvm.
    "microvm": "microvm,x-option-roms=off,rtc=on",
    "pc": "pc",
}


class QemuConfig:
    """One VM (a plain class: see kiln.runner)."""

    def __init__(self, image: Path, machine: str = "microvm", accel: str = "auto",
                 memory: str = "64M", cmdline: str = "", initrd: Path | None = None,
                 extra: list[str] | None = None):
        self.image, self.machine, self.accel, self.memory = image, machine, accel, memory
        self.cmdline, self.initrd, self.extra = cmdline, initrd, list(extra or [])


def pc_firmware(qemu: str) -> list[str]:
    """On pc, qboot instead of SeaBIOS when QEMU ships it: it boots a PVH
    kernel in a fraction of SeaBIOS's time and keeps no RAM below 4 GiB
    for itself (SeaBIOS reserves the top 128 KiB). microvm uses qboot
    already."""
    rom = Path(qemu).resolve().parent.parent / "share" / "qemu" / "qboot.rom"
    return ["-bios", str(rom)] if rom.is_file() else []


def qemu_binary() -> str:
    import shutil
    path = shutil.which("qemu-system-x86_64")
    if not path:
        raise KilnError("qemu-system-x86_64 is not installed; install it with "
                        "`apt-get install qemu-system-x86`")
    return path


def command(cfg: QemuConfig) -> tuple[list[str], str, str]:
    """Returns (argv, accelerator, why that accelerator)."""
    if cfg.machine not in MACHINES:
        raise KilnError(f"unknown machine '{cfg.machine}'; choose one of: "
                        f"{', '.join(MACHINES)}")
    accel, why = accel_mod.pick(cfg.accel)
    qemu = qemu_binary()
    argv = [qemu, "-M", MACHINES[cfg.machine], "-accel", accel,
            "-cpu", "host" if accel == "kvm" else "max",
            "-m", cfg.memory, "-nodefaults", "-no-user-config", "-display", "none",
            "-serial", "stdio", "-device", DEBUG_EXIT, "-no-reboot",
            "-kernel", str(cfg.image)]
    if cfg.machine == "pc":
        argv += pc_firmware(qemu)
    if cfg.cmdline:
        argv += ["-append", cfg.cmdline]
    if cfg.initrd:
        argv += ["-initrd", str(cfg.initrd)]
    return argv + cfg.extra, accel, why


def guest_status(qemu_status: int, qemu_errors: list[str] = ()) -> tuple[int, str | None]:
    """Maps QEMU's exit status to the guest's exit code (and a note when the
    guest did not exit through isa-debug-exit). Status 1 is both "guest
    exited with 0" and QEMU's own failure; QEMU's error line tells them
    apart."""
    own = [l for l in qemu_errors if l.startswith("qemu-system-")]
    if qemu_status == 1 and own:
        raise KilnError(f"QEMU failed: {own[-1].split(': ', 1)[-1]}", status=1)
    if qemu_status & 1:
        return qemu_status >> 1, None
    if qemu_status == 0:
        return 1, "the guest reset or shut down without an exit code (a triple fault?)"
    return qemu_status, f"QEMU failed with status {qemu_status}"


def format_command(argv: list[str]) -> str:
    return shlex.join(argv)
