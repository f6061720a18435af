"""kvm's host side: booting an image under QEMU (the interface every
launcher has is described in kiln.runner).

The guest talks to kiln on three 16550 serial ports (plat/kvm-x86_64
serial.c): COM1 is its stdout and console input (QEMU's stdio), COM2 its
stderr and kernel messages, COM3 its exit status record "kn-exit N", each
on a pipe of its own, so QEMU's own stderr carries QEMU's messages only.
isa-debug-exit still stops the VM, but the status it leaves QEMU with
((code << 1) | 1) keeps 7 bits and looks like QEMU's own failures: the
guest's status is the record's, and no record means the guest did not
exit normally."""

import os
import shlex
import struct
from pathlib import Path

from ..errors import KilnError
from . import accel as accel_mod

DEBUG_EXIT = "isa-debug-exit,iobase=0xf4,iosize=4"
MACHINES = {
    # Options that keep start-up short: no option ROMs on microvm. Without
    # ACPI, microvm lists its virtio-mmio devices on the kernel command
    # line (virtio_mmio.device=...), where the virtio-mmio library finds
    # them; Kiln reads no ACPI tables.
    "microvm": "microvm,x-option-roms=off,rtc=on,acpi=off",
    "pc": "pc",
}
# The virtio-net device each machine's transport finds: virtio-mmio on
# microvm, virtio-pci (legacy interface of a transitional device) on pc.
NIC_DEVICES = {"microvm": "virtio-net-device", "pc": "virtio-net-pci"}
# The same for disks (virtio-blk).
DISK_DEVICES = {"microvm": "virtio-blk-device", "pc": "virtio-blk-pci"}
DEFAULT_MEMORY = 64 << 20
STATUS_RECORD = "kn-exit "
# RAM boot needs past the image's end: the page tables (carved from the
# RAM just above the image, a few pages) and the heap's first pages. A
# helloworld boots with 4 KiB past its end; the margin leaves the app room.
BOOT_HEADROOM = 64 << 10


class QemuConfig:
    """One VM (a plain class: see kiln.runner). err_path and status_path:
    where COM2 (the guest's stderr) and COM3 (its status record) go; None
    leaves the VM without that port."""

    def __init__(self, image: Path, machine: str = "microvm", accel: str = "auto",
                 memory: str = "64M", cmdline: str = "", initrd: Path | None = None,
                 extra: list[str] | None = None, err_path: str | None = None,
                 status_path: str | None = None, nic: bool = False, ports=(),
                 tap: str | None = None, disks=(), shares=()):
        self.image, self.machine, self.accel, self.memory = image, machine, accel, memory
        # tap: the card's tap device (kiln.run.netns) instead of the user network.
        self.nic, self.ports, self.tap = nic, list(ports), tap
        self.shares = list(shares)  # kiln.run.shares.Share: one virtio-9p device each
        self.cmdline, self.initrd, self.extra = cmdline, initrd, list(extra or [])
        self.err_path, self.status_path = err_path, status_path
        self.disks = list(disks)  # kiln.run.disks.Disk, vda first


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


def _serial(name: str, index: int, path: str) -> list[str]:
    """A 16550 at COM<index + 1> writing to `path` (appending: never
    truncating what is already there)."""
    return ["-chardev", f"file,id={name},path={path},append=on",
            "-device", f"isa-serial,chardev={name},index={index}"]


def command(cfg: QemuConfig) -> tuple[list[str], str, str]:
    """Returns (argv, accelerator, why that accelerator)."""
    if cfg.machine not in MACHINES:
        raise KilnError(f"unknown machine '{cfg.machine}'; choose one of: "
                        f"{', '.join(MACHINES)}")
    accel, why = accel_mod.pick(cfg.accel)
    qemu = qemu_binary()
    argv = [qemu, "-M", MACHINES[cfg.machine], "-accel", accel,
            "-cpu", "host" if accel == "kvm" else "max", *_cpus(accel),
            "-m", cfg.memory, "-nodefaults", "-no-user-config", "-display", "none",
            "-serial", "stdio"]
    if cfg.err_path:
        argv += _serial("kn_err", 1, cfg.err_path)
    if cfg.status_path:
        argv += _serial("kn_status", 2, cfg.status_path)
    argv += ["-device", DEBUG_EXIT, "-no-reboot", "-kernel", str(cfg.image)]
    if cfg.machine == "pc":
        argv += pc_firmware(qemu)
    if cfg.cmdline:
        argv += ["-append", cfg.cmdline]
    if cfg.initrd:
        argv += ["-initrd", str(cfg.initrd)]
    if cfg.nic:
        argv += ["-netdev", _netdev(cfg, accel), "-device", f"{NIC_DEVICES[cfg.machine]},netdev=n0"]
    for share in cfg.shares:
        argv += share.qemu_args(cfg.machine)
    return argv + _drives(cfg) + cfg.extra, accel, why


def _drives(cfg: QemuConfig) -> list[str]:
    """A raw drive and its virtio-blk device per disk, in order: both
    transports find devices in the order they were added (PCI slots count
    up; microvm's first device takes the MMIO slot listed first), so the
    first disk is the guest's vda."""
    argv = []
    for i, disk in enumerate(cfg.disks):
        path = str(disk.path).replace(",", ",,")  # QEMU's escape in option values
        readonly = ",readonly=on" if disk.read_only else ""
        argv += ["-drive", f"if=none,id=d{i},file={path},format=raw{readonly}",
                 "-device", f"{DISK_DEVICES[cfg.machine]},drive=d{i}"]
    return argv


def _cpus(accel: str) -> list[str]:
    """One CPU, but under TCG one more *possible* CPU. With max_cpus 1,
    TCG translates the guest's barriers (mfence, lock-prefixed ops) into
    plain loads and stores, as if nothing else could see guest memory;
    yet QEMU's devices run in another host thread and read the virtqueues
    meanwhile. virtio's "does the device need a kick?" handshake (store the
    ring index, fence, read the device's event index) then loses kicks:
    about 1 loaded echo run in 60 stopped for good, frames in a ring the device
    was never told of. A second possible CPU makes TCG emit real barriers;
    it is never started (QEMU 7.2, accel/tcg/tcg-accel-ops-mttcg.c)."""
    return ["-smp", "1,maxcpus=2"] if accel == "tcg" else []


def _netdev(cfg: QemuConfig, accel: str) -> str:
    if cfg.tap:
        # vhost-net moves the card's queues into the host kernel, which
        # needs KVM's ioeventfds: under TCG it stays off.
        vhost = "on" if accel == "kvm" and os.path.exists("/dev/vhost-net") else "off"
        return f"tap,id=n0,ifname={cfg.tap},script=no,downscript=no,vhost={vhost}"
    forwards = "".join(f",hostfwd={p.proto}:{p.host_addr}:{p.host_port}-:{p.guest_port}"
                       for p in cfg.ports)
    return f"user,id=n0{forwards}"


def _config(boot, **channels) -> QemuConfig:
    memory = boot.memory_bytes or DEFAULT_MEMORY
    return QemuConfig(image=boot.image, machine=boot.machine or boot.default_machine,
                      accel=boot.accel or "auto", memory=f"{memory >> 10}K",
                      cmdline=boot.cmdline, initrd=boot.initrd, nic=boot.nic,
                      ports=boot.ports, tap=_tap(boot), disks=boot.disks, shares=boot.shares,
                      **channels)


def _tap(boot) -> str | None:
    if boot.net != "tap":
        return None
    from .netns import TAP
    return TAP


def share_kernel_args(shares) -> list[str]:
    """Each share is the virtio-9p device with its tag."""
    return [share.kernel_arg(share.tag) for share in shares]


def image_end(image: Path) -> int | None:
    """The highest physical address the ELF image loads to (its PT_LOAD
    segments' p_paddr + p_memsz), or None when it is no 64-bit ELF."""
    try:
        with open(image, "rb") as f:
            header = f.read(64)
            if len(header) < 64 or header[:5] != b"\x7fELF\x02":
                return None
            phoff, = struct.unpack_from("<Q", header, 32)
            phentsize, phnum = struct.unpack_from("<HH", header, 54)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except OSError:
        return None
    end = None
    for i in range(phnum):
        if len(table) < (i + 1) * phentsize or phentsize < 56:
            return None
        p_type, = struct.unpack_from("<I", table, i * phentsize)
        paddr, _filesz, memsz = struct.unpack_from("<QQQ", table, i * phentsize + 24)
        if p_type == 1:  # PT_LOAD
            end = max(end or 0, paddr + memsz)
    return end


def minimum_memory(image: Path) -> int | None:
    """The least RAM the image boots in, rounded up to a MiB; None when
    the image cannot be read (QEMU then says what is wrong with it)."""
    end = image_end(image)
    if end is None:
        return None
    return (end + BOOT_HEADROOM + (1 << 20) - 1) & ~((1 << 20) - 1)


def check(boot) -> None:
    """A VM too small for the image would hang in the firmware or fault
    before the kernel can say so: refuse it before QEMU starts."""
    memory = boot.memory_bytes or DEFAULT_MEMORY
    least = minimum_memory(boot.image)
    if least and memory < least:
        end = image_end(boot.image)
        raise KilnError(f"the image needs RAM up to {end:#x} and room to boot: "
                        f"give it at least {least >> 20}M (-m {least >> 20}M)")


def dry_run(boot) -> str:
    """The command without kiln's status channel, the guest's stderr on
    QEMU's: one to run by hand."""
    argv, _, _ = command(_config(boot, err_path="/dev/stderr"))
    return shlex.join(argv)


def launch(boot):
    """Pipes for COM2 and COM3, which QEMU opens by their /dev/fd names."""
    import sys

    from . import listenq
    from .process import Launch
    err_read, err_write = os.pipe()
    status_read, status_write = os.pipe()
    argv, accel, why = command(_config(boot, err_path=f"/dev/fd/{err_write}",
                                       status_path=f"/dev/fd/{status_write}"))
    print(f"kiln: accelerator {accel}: {why}", file=sys.stderr)
    tcp = {p.host_port for p in boot.ports if p.proto == "tcp"} if boot.nic else set()
    return Launch(argv, err_fd=err_read, status_fd=status_read,
                  write_fds=(err_write, status_write),
                  on_start=(lambda proc: listenq.deepen(proc, tcp)) if tcp else None)


def recorded_status(record: bytes) -> int | None:
    """The status in the guest's last "kn-exit N" line, or None."""
    for line in reversed(record.decode(errors="replace").splitlines()):
        if line.startswith(STATUS_RECORD) and line[len(STATUS_RECORD):].isdigit():
            return int(line[len(STATUS_RECORD):]) & 0xff
    return None


def _reason(line: str) -> str:
    """QEMU's message without its program name ("qemu-system-x86_64: ",
    "qemu: ")."""
    head, sep, rest = line.partition(": ")
    return rest if sep and head.startswith("qemu") and " " not in head else line


def guest_status(outcome) -> tuple[int, str | None]:
    """The guest's status from its record. Without one the guest did not
    exit normally: QEMU's own error when it printed one (KilnError, exit
    1), else a note and a non-zero code."""
    code = recorded_status(outcome.status_record)
    said = [line for line in outcome.vmm_errors if line.strip()]
    if code is not None:
        return code, f"QEMU said: {_reason(said[-1])}" if said else None
    if said:
        raise KilnError(f"QEMU failed: {_reason(said[-1])}", status=1)
    if outcome.status < 0:
        return 128 - outcome.status, f"QEMU was killed by signal {-outcome.status}"
    if outcome.status == 0:  # what -no-reboot makes of a reset
        return 1, "the guest reset or shut down without an exit status (a triple fault?)"
    return 1, f"the VM stopped (QEMU status {outcome.status}) without the guest's exit status"
