"""Picking QEMU's accelerator: KVM only when the host CPU really has
hardware virtualization and /dev/kvm answers; an emulated /dev/kvm without
vmx/svm runs guests ~600x slower than TCG, so it is never chosen."""

import fcntl
import os
from pathlib import Path

KVM_GET_API_VERSION = 0xAE00
KVM_API_VERSION = 12


def _cpu_flags(cpuinfo: Path) -> set[str]:
    """The first CPU's flags. Read up to that line only: the kernel writes
    /proc/cpuinfo as it is read, and on a many-core host the whole file
    takes milliseconds."""
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _kvm_usable(dev: Path) -> str | None:
    """None when /dev/kvm works, else why not."""
    try:
        fd = os.open(dev, os.O_RDWR | os.O_CLOEXEC)
    except OSError as exc:
        return f"{dev} cannot be opened ({exc.strerror})"
    try:
        version = fcntl.ioctl(fd, KVM_GET_API_VERSION)
    except OSError as exc:
        return f"{dev} does not answer ({exc.strerror})"
    finally:
        os.close(fd)
    if version != KVM_API_VERSION:
        return f"{dev} speaks KVM API {version}, not {KVM_API_VERSION}"
    return None


def pick(requested: str, cpuinfo: Path = Path("/proc/cpuinfo"),
         dev: Path = Path("/dev/kvm")) -> tuple[str, str]:
    """Returns (accelerator, reason) for requested = auto | kvm | tcg."""
    if requested == "tcg":
        return "tcg", "asked for with --accel tcg"
    flags = _cpu_flags(cpuinfo)
    if not flags & {"vmx", "svm"}:
        why = "the host CPU has no vmx/svm flag"
    else:
        why = _kvm_usable(dev)
    if why is None:
        return "kvm", "host CPU has hardware virtualization and /dev/kvm works"
    if requested == "kvm":
        from ..errors import KilnError
        raise KilnError(f"--accel kvm is not possible: {why}; use --accel tcg or auto")
    return "tcg", why
