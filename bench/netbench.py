"""What the network benchmarks share: a guest started from its QEMU command,
reached either through QEMU's user network (a published port whose listen
queue is deepened as `kiln run` deepens it, kiln.run.listenq) or on a tap
device in a network namespace (`--net tap`, kiln.run.netns: no slirp in the
path, root only), and waited for until it says it serves."""

import contextlib
import os
import selectors
import socket
import subprocess
import threading
import time
from pathlib import Path

import images
import linux_guest
import places

places.use_checkout_kiln()
from kiln.run import listenq, netns  # noqa: E402  (this checkout's kiln)

BOOT_TIMEOUT = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_port(argv: list[str], old: int, new: int) -> list[str]:
    """The QEMU command with its hostfwd from host port OLD moved to NEW."""
    return [a.replace(f"127.0.0.1:{old}-", f"127.0.0.1:{new}-") for a in argv]


def _wait_ready(name: str, proc: subprocess.Popen, ready: bytes) -> None:
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    seen = b""
    deadline = time.monotonic() + BOOT_TIMEOUT
    while ready is not None and ready not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not sel.select(left):
            proc.kill()
            raise RuntimeError(f"{name}: not serving after {BOOT_TIMEOUT} s: {seen[-500:]!r}")
        chunk = proc.stdout.read1(65536)
        if not chunk:
            raise RuntimeError(f"{name}: ended before serving: {seen[-500:]!r} "
                               f"{proc.stderr.read()[-500:]!r}")
        seen += chunk
    sel.close()
    # From here on nobody reads the guest's output (a server's log): it
    # must not fill a pipe and stop the guest.
    for stream in (proc.stdout, proc.stderr):
        threading.Thread(target=_drain, args=(stream,), daemon=True).start()


def _drain(stream) -> None:
    while stream.read1(65536):
        pass


TAP_GUEST = netns.GUEST_ADDR
TAP_KERNEL_ARGS = netns.kernel_args([])                 # Kiln's address in the namespace
TAP_LINUX = {"address": f"{netns.GUEST_ADDR}/{netns.PREFIX_LEN}", "gateway": netns.HOST_ADDR}


def on_tap(argv: list[str]) -> list[str]:
    """The QEMU command with its user network swapped for the namespace's
    tap device (vhost off: TCG)."""
    out = list(argv)
    i = out.index("-netdev")
    out[i + 1] = f"tap,id=n0,ifname={netns.TAP},script=no,downscript=no,vhost=off"
    return out


def tap_allowed() -> str | None:
    """Why --net tap cannot run here, or None."""
    try:
        netns.check_allowed()
    except Exception as exc:  # KilnError: its one line says why
        return str(exc)
    return None


def client(argv: list[str], namespace: str | None) -> list[str]:
    """A client command, inside the namespace when there is one."""
    return netns.enter(namespace, argv) if namespace else argv


def start(name: str, argv: list[str], port: int, ready: bytes | None,
          cwd: Path | None = None,
          namespace: str | None = None) -> tuple[subprocess.Popen, float | None]:
    """The guest once READY is on its stdout, and the seconds from QEMU's
    start to that line; with NAMESPACE, QEMU runs in it (on_tap). Without
    READY, at once (the caller knows readiness another way) and None."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(client(argv, namespace), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    if not namespace:
        listenq.deepen(proc, {port})
    _wait_ready(name, proc, ready)
    return proc, time.perf_counter() - t0 if ready is not None else None


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()


NET_METHOD = {
    "user": "through `-p` (QEMU user network, hostfwd, listen queue deepened for both)",
    "tap": "on a tap device in a network namespace (no slirp; client in the namespace)"}
NET_NOTE = {
    "user": "(both through QEMU's single-threaded user network under TCG: the figures are the"
            " whole path's, guest and slirp; --net tap takes slirp out)",
    "tap": "(both on the same tap device: the figures are the guests' and QEMU's, no slirp)"}
SUFFIX = {"user": "", "tap": "-tap"}


def published(guests) -> tuple[dict[str, int], dict[str, list[str]]]:
    """A host port per guest and each guest's command publishing it;
    guests(port) gives the commands for one port (Kiln's)."""
    ports = {name: free_port() for name in ("Kiln", "Linux VM")}
    argvs = {name: with_port(argv, ports["Kiln"], ports[name])
             for name, argv in guests(ports["Kiln"]).items()}
    return ports, argvs


def rounds(args, ports: dict[str, int], argvs: dict[str, list[str]], one_run) -> dict:
    """args.runs rounds, each guest once per round in turn, so a drift of
    the host touches both alike; one_run(name, argv, port, namespace)
    boots a guest, measures it, stops it and returns its sample."""
    samples: dict[str, list[dict]] = {name: [] for name in argvs}
    with network(args.net) as namespace:
        for i in range(args.runs):
            for name, argv in argvs.items():
                samples[name].append(one_run(name, argv, ports[name], namespace))
            print(f"  round {i + 1}/{args.runs} done", flush=True)
    print()
    return samples


def add_net_option(parser) -> None:
    parser.add_argument("--net", choices=("user", "tap"), default="user",
                        help="QEMU's user network with a published port (default), or a tap "
                             "device in a network namespace (root)")


def check_net(parser, args) -> None:
    if args.net == "tap":
        why = tap_allowed()
        if why:
            parser.error(why)


@contextlib.contextmanager
def network(net: str):
    """The namespace's name for the run (created and removed), or None."""
    if net != "tap":
        yield None
        return
    with netns.Namespace(f"{netns.PREFIX}bench-{os.getpid()}") as ns:
        yield ns.name


def guests(image: images.Image, net: str, memory: str, port: int, guest_port: int,
           app_args=(), linux=None) -> dict[str, list[str]]:
    """Each guest's QEMU command. Kiln's is the one `kiln run --dry-run`
    prints, with GUEST_PORT published on PORT, or (net "tap") on the
    namespace's tap device with the guest at 10.0.3.2. The Linux VM's, when
    LINUX() gives (initramfs name, {program: path}, command), is the same
    command with Debian's kernel and a busybox initramfs in its place."""
    tap = net == "tap"
    kiln_argv = images.qemu_argv(image, memory=memory, machine="microvm",
                                 publish=[] if tap else [f"127.0.0.1:{port}:{guest_port}"],
                                 kernel_args=TAP_KERNEL_ARGS if tap else [],
                                 args=list(app_args))
    if tap:
        kiln_argv = on_tap(kiln_argv)
    found = {"Kiln": kiln_argv}
    if linux is None:
        return found
    try:
        name, programs, command = linux()
        vmlinuz, initrd, desc = linux_guest.network_initrd(
            f"{name}-{net}", programs, command, **(TAP_LINUX if tap else {}))
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"Linux guest skipped: {exc} (needs apt-get download of Debian packages)")
        return found
    argv = linux_guest.microvm_argv(kiln_argv, vmlinuz, initrd)
    m = argv.index("-M")
    argv[m + 1] = argv[m + 1].replace("acpi=off", "acpi=on")
    found["Linux VM"] = argv
    print(f"Linux guest: {desc}, busybox-static initramfs {initrd.stat().st_size:,} bytes "
          f"(microvm with ACPI on: Debian's kernel finds virtio-mmio only there)")
    return found
