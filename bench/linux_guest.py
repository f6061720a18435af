"""The Linux guest the benchmarks compare Kiln with: Debian's kernel (bookworm's
linux-image-amd64) and busybox-static, fetched once with `apt-get download`
into the cache, booted by the same QEMU command as a Kiln image with a
busybox initramfs packed by kiln's own rootfs writer (kiln.rootfs)."""

import re
import stat
import subprocess
import tarfile
from pathlib import Path

import images
import places

places.use_checkout_kiln()
from kiln.rootfs import Entry, pack  # noqa: E402  (this checkout's kiln)

CMDLINE = "console=ttyS0 quiet panic=-1"
CACHE = places.CACHE / "linux"


def _apt(*args) -> str:
    return subprocess.run(list(args), capture_output=True, text=True).stdout


def linux_packages() -> tuple[str, str]:
    """(kernel package, version) of bookworm's current linux-image-amd64."""
    deps = _apt("apt-cache", "depends", "linux-image-amd64")
    if "linux-image-" not in deps.replace("linux-image-amd64", ""):
        print("linux_guest: no apt package lists; running apt-get update", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        deps = _apt("apt-cache", "depends", "linux-image-amd64")
    m = re.search(r"Depends: (linux-image-[\w.+-]+-amd64)", deps)
    if not m:
        raise RuntimeError("apt-cache cannot resolve linux-image-amd64")
    kernel = m.group(1)
    version = re.search(r"Candidate: (\S+)", _apt("apt-cache", "policy", kernel)).group(1)
    return kernel, version


def fetch_debs(names: list[str]) -> dict[str, Path]:
    """apt-get download each package into the cache, once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    found = {}
    for name in names:
        debs = sorted(CACHE.glob(f"{name}_*.deb"))
        if not debs:
            print(f"linux_guest: apt-get download {name} into {CACHE}", flush=True)
            subprocess.run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", name],
                           cwd=CACHE, check=True, stdout=subprocess.DEVNULL)
            debs = sorted(CACHE.glob(f"{name}_*.deb"))
        found[name] = debs[-1]
    return found


def extract_vmlinuz(deb: Path, dest: Path) -> Path:
    """The kernel image alone from the package's data (its modules are
    hundreds of MB we do not need)."""
    if dest.is_file():
        return dest
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)   # it complains when we stop reading
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for member in tar:
            if member.isfile() and re.fullmatch(r"\./boot/vmlinuz-.*", member.name):
                dest.write_bytes(tar.extractfile(member).read())
                break
    proc.stdout.close()
    proc.wait()
    if not dest.is_file():
        raise RuntimeError(f"no boot/vmlinuz-* in {deb}")
    return dest


def extract_modules(deb: Path, names: list[str], dest: Path) -> dict[str, Path]:
    """NAME.ko for each name, from the kernel package's modules, into dest
    once: {name: path}."""
    wanted = {f"{n}.ko": n for n in names}
    found = {n: dest / f"{n}.ko" for n in names}
    if all(p.is_file() for p in found.values()):
        return found
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
        for member in tar:
            name = member.name.rsplit("/", 1)[-1]
            if member.isfile() and "/kernel/" in member.name and name in wanted:
                (dest / name).write_bytes(tar.extractfile(member).read())
    proc.stdout.close()
    proc.wait()
    missing = [n for n, p in found.items() if not p.is_file()]
    if missing:
        raise RuntimeError(f"no {', '.join(missing)} module in {deb}")
    return found


def kernel_and_busybox() -> tuple[Path, Path, str]:
    """(vmlinuz, the busybox binary, kernel package and version) in the cache."""
    kernel, version = linux_packages()
    debs = fetch_debs([kernel, "busybox-static"])
    vmlinuz = extract_vmlinuz(debs[kernel], CACHE / f"vmlinuz-{kernel}-{version}")
    bb_dir = CACHE / "busybox"
    busybox = bb_dir / "bin" / "busybox"
    if not busybox.is_file():
        subprocess.run(["dpkg-deb", "-x", str(debs["busybox-static"]), str(bb_dir)], check=True)
    return vmlinuz, busybox, f"{kernel} {version}"


def initramfs(name: str, busybox: Path, init: bytes,
              programs: dict[str, Path] | None = None,
              modules: dict[str, Path] | None = None) -> Path:
    """CACHE/initramfs-NAME.cpio: busybox and PROGRAMS in /bin, /dev/console,
    empty /etc and /sys, MODULES (kernel modules) in /lib with an empty
    /proc, and INIT as /init; rewritten only when it changes."""
    folder, console = stat.S_IFDIR | 0o755, stat.S_IFCHR | 0o600
    program = stat.S_IFREG | 0o755
    entries = [Entry("bin", folder, b""), Entry("dev", folder, b""),
               Entry("dev/console", console, b"", (5, 1)), Entry("etc", folder, b""),
               Entry("sys", folder, b""), Entry("init", program, init),
               Entry("bin/busybox", program, busybox.read_bytes())]
    entries += [Entry(f"bin/{prog}", program, path.read_bytes())
                for prog, path in sorted((programs or {}).items())]
    if modules:
        entries.append(Entry("lib", folder, b""))
        entries += [Entry(f"lib/{path.name}", stat.S_IFREG | 0o644, path.read_bytes())
                    for path in modules.values()]
        entries.append(Entry("proc", folder, b""))
    blob = pack(sorted(entries, key=lambda e: e.path))
    initrd = CACHE / f"initramfs-{name}.cpio"
    if not initrd.is_file() or initrd.read_bytes() != blob:
        initrd.write_bytes(blob)
    return initrd


HELLO_INIT = b"""#!/bin/busybox sh
/bin/busybox echo 'Hello, world!'
/bin/busybox poweroff -f
"""


def hello_guest() -> tuple[Path, Path, str]:
    """(vmlinuz, initramfs, kernel description) of boot_e2e.py's guest: its
    /init prints the hello line and powers off."""
    vmlinuz, busybox, desc = kernel_and_busybox()
    return vmlinuz, initramfs("hello", busybox, HELLO_INIT), desc


def microvm_initrd(name: str, programs: dict[str, Path],
                   command: str) -> tuple[Path, Path, str]:
    """(vmlinuz, initramfs, kernel description) for the cycle benchmarks,
    with PROGRAMS in /bin and an /init that prints the CPU vulnerability
    lines the guest kernel reports (its mitigations shape a syscall's cost),
    runs COMMAND, prints "bench-exit: STATUS" and powers off. The initramfs
    is the rootfs (tmpfs); /etc exists and is empty."""
    vmlinuz, busybox, desc = kernel_and_busybox()
    bb = "/bin/busybox"
    init = (f"#!{bb} sh\n"
            f"{bb} mount -t sysfs sysfs /sys\n"
            f"{bb} grep -H . /sys/devices/system/cpu/vulnerabilities/* | "
            f"{bb} sed 's/^/bench-vuln: /'\n"
            f"{command}\n"
            f"{bb} echo \"bench-exit: $?\"\n"
            f"{bb} poweroff -f\n").encode()
    return vmlinuz, initramfs(name, busybox, init, programs), desc


# virtio-net on microvm's virtio-mmio transports, in dependency order.
# Debian's kernel finds those transports in the ACPI tables only (it has no
# virtio_mmio.device= parsing), so its VM runs with microvm's ACPI on.
NET_MODULES = ["virtio_ring", "virtio", "virtio_mmio", "failover", "net_failover", "virtio_net"]


def network_initrd(name: str, programs: dict[str, Path], command: str,
                   address: str = "10.0.2.15/24",
                   gateway: str = "10.0.2.2") -> tuple[Path, Path, str]:
    """(vmlinuz, initramfs, kernel description) of a guest with virtio-net:
    its /init loads the modules, gives eth0 the address QEMU's user network
    expects (what DHCP would give), runs COMMAND and powers off."""
    vmlinuz, busybox, desc = kernel_and_busybox()
    kernel, _version = linux_packages()
    deb = fetch_debs([kernel])[kernel]
    modules = extract_modules(deb, NET_MODULES, CACHE / f"modules-{kernel}")
    bb = "/bin/busybox"
    init = (f"#!{bb} sh\n"
            + "".join(f"{bb} insmod /lib/{m}.ko\n" for m in NET_MODULES)
            + f"{bb} ip link set lo up\n"
              f"{bb} ip addr add {address} dev eth0\n"
              f"{bb} ip link set eth0 up\n"
              f"{bb} ip route add default via {gateway}\n"
              f"{command}\n"
              f"{bb} poweroff -f\n").encode()
    return vmlinuz, initramfs(name, busybox, init, programs, modules), desc


def modules_vm_argv(kiln_argv: list[str], name: str, modules: list[str], setup: str,
                    command: str, programs: dict[str, Path]) -> tuple[list[str], str]:
    """The Kiln image's QEMU command (its devices kept) with Debian's kernel
    and a busybox initramfs whose /init loads MODULES (from the kernel
    package, in order), runs the SETUP and COMMAND shell lines and powers
    off; microvm's ACPI on, where Debian's kernel finds virtio-mmio. Also
    the guest's description."""
    vmlinuz, busybox, desc = kernel_and_busybox()
    kernel, _version = linux_packages()
    deb = fetch_debs([kernel])[kernel]
    found = extract_modules(deb, modules, CACHE / f"modules-{kernel}")
    bb = "/bin/busybox"
    init = (f"#!{bb} sh\n" + "".join(f"{bb} insmod /lib/{m}.ko\n" for m in modules)
            + f"{setup}\n{command}\n{bb} poweroff -f\n").encode()
    initrd = initramfs(name, busybox, init, programs, found)
    argv = microvm_argv(kiln_argv, vmlinuz, initrd)
    m = argv.index("-M")
    argv[m + 1] = argv[m + 1].replace("acpi=off", "acpi=on")
    return argv, f"{desc}, busybox-static initramfs {initrd.stat().st_size:,} bytes"


def add_linux(guests: dict, make) -> str | None:
    """guests["Linux VM"] = the QEMU command MAKE() gives with its
    description, which is printed and returned; None, said, when the
    Debian packages cannot be had."""
    try:
        guests["Linux VM"], desc = make()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"Linux guest skipped: {exc} (needs apt-get download of Debian packages)")
        return None
    print(f"Linux guest: {desc}")
    return desc


def host_tsc_khz() -> int | None:
    """The host CPU's clock from /proc/cpuinfo, in kHz (None if unknown)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("cpu MHz"):
                return int(float(line.split(":", 1)[1]) * 1000)
    except (OSError, ValueError):
        pass
    return None


def microvm_argv(kiln_argv: list[str], vmlinuz: Path, initrd: Path) -> list[str]:
    """A kvm image's QEMU command with the Debian kernel and initramfs in
    its place (the same machine, CPU model, memory and accelerator)."""
    argv = list(kiln_argv)
    if "-append" in argv:
        i = argv.index("-append")
        del argv[i:i + 2]
    cmdline = CMDLINE
    khz = host_tsc_khz()
    if khz:
        # Under TCG the guest's TSC is the host's. Telling the guest its rate
        # skips the PIT calibration, which fails when the host is busy and
        # then leaves the 6.1 kernel hanging; the figures are raw TSC reads
        # and do not depend on it.
        cmdline += f" tsc_early_khz={khz}"
    return images.with_option(argv, "-kernel", str(vmlinuz)) + [
        "-initrd", str(initrd), "-append", cmdline]
