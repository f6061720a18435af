"""`kiln run`: boot the built image on its platform and return the guest's
exit code.

What every platform shares lives here: reading the request and kiln.toml's
[run] into one Boot, the checks that do not depend on the platform, the
timeout and a reader that went away. Each platform's host side is one
launcher module, kiln.run.<launcher>, named by the platform's manifest
(kiln.platforms), with the same interface:

    check(boot)          refuses what the platform cannot do (KilnError)
    share_kernel_args(shares) -> list[str]  how the guest finds each -v share
    dry_run(boot) -> str the command a person could run by hand
    launch(boot)  -> kiln.run.process.Launch: the argv and its channels
    guest_status(outcome) -> (exit code, note or None)

Kept light, since kiln's start-up is part of every boot: from kiln.cli to
the guest's start, the modules on this path (kiln.cli, kiln.run.options,
this one, kiln.manifest, kiln.tomlfile, kiln.run.*) import neither click,
the catalog, Kconfig, json nor dataclasses (~5 ms by itself: inspect, ast,
dis), so their records are plain classes; regexes only errors or crash
reports need are compiled on first use. tests/tool/test_run_options.py
checks the imports."""

import shlex
import sys
from pathlib import Path

from . import platforms
from .autobuild import ensure_built
from .errors import KilnError
from .manifest import load_app, parse_size
from .paths import build_dir
from .run import env as guest_env
from .run.options import timeout_problem


class RunRequest:
    """What the command line asked for; None (or empty) leaves it to
    kiln.toml's [run]. app_argv: the words after `--` (None: no `--`)."""

    def __init__(self, platform: str | None = None, machine: str | None = None,
                 accel: str | None = None, memory: str | None = None,
                 args=(), kernel_args=(), initrd: str | None = None,
                 timeout: float | None = None, dry_run: bool = False, app_argv=None,
                 env=(), publish=(), net: str | None = None, disk=(), volume=()):
        self.platform, self.machine, self.accel, self.memory = platform, machine, accel, memory
        self.args, self.kernel_args = list(args), list(kernel_args)
        self.initrd, self.timeout, self.dry_run = initrd, timeout, dry_run
        self.app_argv = None if app_argv is None else list(app_argv)
        self.env = list(env)  # "KEY=VALUE" or "KEY" (kiln.run.env)
        # -p values, read at once: `-p kvm` gets its hint even outside an
        # app folder.
        self.ports = _published(publish)
        self.net = net  # "user", "tap" or None: kiln.toml's [run] net
        self.disks = list(disk)  # --disk FILE[:ro] values (kiln.run.disks)
        # -v values, checked at once like -p's (kiln.toml's join them in run_app).
        self.volumes = list(volume)
        _shares((), self.volumes)

    @classmethod
    def from_options(cls, values: dict) -> "RunRequest":
        """From the values of kiln.run.options.RUN (same names) and
        app_argv."""
        return cls(**values)


class Boot:
    """One boot, as every launcher sees it (a plain class: see above).
    machine and accel are None unless asked for; memory_bytes None leaves
    it to the platform."""

    def __init__(self, image: Path, memory_bytes: int | None, kernel_args: list[str],
                 app_args: list[str], initrd: Path | None, machine: str | None,
                 default_machine: str, accel: str | None, nic: bool = False,
                 ports=(), net: str = "user", netns: str | None = None, disks=(),
                 shares=()):
        self.image, self.memory_bytes, self.initrd = image, memory_bytes, initrd
        # The image drives a network card: the VM gets one on QEMU's user
        # network (the launcher picks the device its transport finds).
        self.nic = nic
        self.ports = list(ports)  # kiln.run.ports.Port: published on the host
        # "user": QEMU's user network; "tap": the tap device of network
        # namespace `netns` (kiln.run.netns), which the guest runs in.
        self.net, self.netns = net, netns
        self.disks = list(disks)  # kiln.run.disks.Disk: /dev/vda, /dev/vdb, ...
        self.shares = list(shares)  # kiln.run.shares.Share: host folders to mount
        self.kernel_args, self.app_args = kernel_args, app_args
        self.machine, self.default_machine, self.accel = machine, default_machine, accel
        # Both platforms hand boot one command line, so both refuse what
        # it cannot carry.
        self.cmdline = kernel_cmdline(kernel_args, app_args)


def _quote_word(word: str) -> str:
    """Boot's command-line splitter groups words with double quotes and
    reads \\" and \\\\ as a quote and a backslash."""
    if "\0" in word:
        raise KilnError(f"argument {word!r} contains a NUL byte, which the kernel "
                        f"command line cannot carry")
    word = word.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{word}"' if not word or any(c in word for c in " \t\n\r") else word


def kernel_cmdline(kernel_args: list[str], app_args: list[str]) -> str:
    words = [_quote_word(w) for w in kernel_args]
    if app_args or kernel_args:
        words.append("--")
    return " ".join(words + [_quote_word(w) for w in app_args])


def launcher(platform: str):
    """The platform's launcher module (imported only when used)."""
    from importlib import import_module
    return import_module(f".run.{platforms.launcher(platform)}", __package__)


def _app_args(req: RunRequest, toml_args: list[str]) -> list[str]:
    """-a words, then the words after `--`; neither: kiln.toml's args."""
    if not req.args and req.app_argv is None:
        return list(toml_args)
    words = []
    for arg in req.args:
        try:
            words += shlex.split(arg)
        except ValueError as exc:  # e.g. "No closing quotation"
            raise KilnError(f"-a {arg!r} cannot be split like a shell: "
                            f"{str(exc)[0].lower()}{str(exc)[1:]}; balance its quotes") from None
    return words + list(req.app_argv or ())


def _kernel_args(toml_args: list[str], flag_args: list[str]) -> list[str]:
    """Kernel parameters are lib.name=value: one that starts with "-"
    (`-k--` in particular, which would end them early and reach the app as
    argv[1]) is a mistake."""
    for word in flag_args:
        if word.startswith("-"):
            raise KilnError(f"kernel parameter {word!r} is not lib.name=value; "
                            f"put the app's arguments after `--`")
    return list(toml_args) + list(flag_args)


def _memory(text: str | None) -> int | None:
    """The guest memory in bytes; more than 0 and at most the host's RAM
    on every platform, checked before anything starts."""
    if not text:
        return None
    try:
        size = parse_size(text)
    except ValueError:
        raise KilnError(f"memory {text!r} is not a size; write e.g. 64M or 1G") from None
    if size == 0:
        raise KilnError(f"memory {text!r} is no memory; give a size such as 64M")
    host = _host_ram()
    if host and size > host:
        raise KilnError(f"memory {text} is more than this host's RAM "
                        f"({host >> 20} MiB); give less, e.g. 64M")
    return size


def _host_ram() -> int | None:
    """MemTotal of /proc/meminfo in bytes (its first line), or None."""
    try:
        with open("/proc/meminfo") as f:
            name, value, *_ = f.readline().split()
    except (OSError, ValueError):
        return None
    return int(value) << 10 if name == "MemTotal:" else None


def _timeout(req: RunRequest, toml_timeout) -> float | None:
    timeout = req.timeout if req.timeout is not None else toml_timeout
    if timeout is not None and (problem := timeout_problem(timeout)):
        raise KilnError(f"--timeout: {problem}; give e.g. 30 or 0.5")
    return timeout


def image_config(image: Path) -> str:
    """The image's generated kn/config.h ("" when there is none), to see
    which libraries it holds."""
    try:
        return (image.parent / "include/kn/config.h").read_text(errors="replace")
    except OSError:
        return ""


def _initrd(req: RunRequest, app, image: Path, config: str) -> Path | None:
    initrd = req.initrd
    if not initrd and app.rootfs:  # built by `kiln build` from [app] rootfs
        initrd = str(image.parent / "initrd.cpio")
    if not initrd:
        return None
    if not Path(initrd).is_file():
        raise KilnError(f"initrd {initrd} does not exist; run `kiln build` first")
    if Path(initrd).stat().st_size == 0:  # QEMU would pass no initrd at all
        raise KilnError(f"initrd {initrd} is empty; give a cpio newc archive")
    if config and "CONFIG_LIB_VFS_INITRD" not in config:
        print(f"kiln: warning: {app.name} has no vfs-initrd, so nothing unpacks the initrd; "
              f"add \"vfs-initrd\" to requires", file=sys.stderr)
    return Path(initrd)


def _published(values) -> list:
    """kiln.run.ports.Port for each -p value."""
    if not values:
        return []
    from .run import ports
    return ports.parse_all(values)


def _shares(declared, values) -> list:
    """kiln.run.shares.Share for each [[mount]] and -v value."""
    if not declared and not values:
        return []
    from .run import shares
    return shares.combine(declared, values)


def _check_shares(shares, config: str, name: str) -> None:
    if shares and config and "CONFIG_HAVE_SHARE " not in config:
        raise KilnError(f"sharing {shares[0].host} at {shares[0].guest}: {name} cannot mount "
                        f"host folders; add \"share\" to [app] requires")


def _check_ports(ports, nic: bool, name: str) -> None:
    if ports and not nic:
        raise KilnError(f"-p {ports[0].host_port}:{ports[0].guest_port}: {name} has no network "
                        f"card driver, so nothing in it can listen; add \"net\" to [app] requires")


def _disks(req: RunRequest, app) -> list:
    """The checked disks of --disk, else of kiln.toml's [run] disk."""
    if not req.disks and not app.run.disks:
        return []
    from .run import disks
    return disks.resolve(req.disks, app.run.disks, app.dir)


def _check_disks(disks, req: RunRequest, app, config: str) -> None:
    if disks and "CONFIG_HAVE_BLKDEV " not in config:
        origin = "--disk" if req.disks else "kiln.toml [run] disk"
        raise KilnError(f"{origin}: {app.name} has no disk driver, so nothing in it can read "
                        f"the disk; add \"blkdev\" to [app] requires")


def _check_tap(req_ports, nic: bool, name: str, dry_run: bool) -> None:
    """--net tap: refused before anything is created when it cannot work
    (a dry run creates nothing, so it needs no permission)."""
    from .run import netns
    if req_ports:
        raise KilnError(f"-p cannot be used with --net tap: the guest is on a tap device in "
                        f"its own network namespace, not on QEMU's user network; run clients "
                        f"there (`ip netns exec {netns.PREFIX}<pid> CLIENT`, printed at start) "
                        f"or drop --net tap")
    if not nic:
        raise KilnError(f"--net tap: {name} has no network card driver, so it cannot use the "
                        f"tap device; add \"net\" to [app] requires")
    if not dry_run:
        netns.check_allowed()


def run_app(app_dir: Path, req: RunRequest) -> int:
    ports = req.ports
    app = load_app(app_dir)
    platform = req.platform or app.run.platform
    disks = _disks(req, app)  # before building: a mistyped file fails fast
    ensure_built(app, platform, req.dry_run)
    image = build_dir(app.dir, platform) / app.name
    if not image.is_file():
        raise KilnError(f"no image at {image}; run `kiln build --plat {platform}` first")
    timeout = _timeout(req, app.run.timeout)
    # The environment's words come last, so -e beats [run] env beats -k.
    kernel_args = (_kernel_args(app.run.kernel_args, req.kernel_args)
                   + guest_env.kernel_words(app.run.env, guest_env.from_cli(req.env)))
    config = image_config(image)
    # Any netdev driver: virtio-net on kvm, netdev-tap on linuxu.
    nic = "CONFIG_HAVE_NETDEV " in config
    net = req.net or app.run.net
    netns_name = None
    if net == "tap":
        from .run import netns
        _check_tap(ports, nic, app.name, req.dry_run)
        kernel_args = netns.kernel_args(kernel_args)
        netns_name = netns.Namespace().name
    _check_ports(ports, nic, app.name)
    _check_disks(disks, req, app, config)
    shares = _shares(app.run.mounts, req.volumes)
    _check_shares(shares, config, app.name)
    host_side = launcher(platform)
    kernel_args = host_side.share_kernel_args(shares) + kernel_args
    boot = Boot(image=image, memory_bytes=_memory(req.memory or app.run.memory),
                kernel_args=kernel_args,
                app_args=_app_args(req, app.run.args), initrd=_initrd(req, app, image, config),
                machine=req.machine, default_machine=app.run.machine, accel=req.accel,
                nic=nic, ports=ports, net=net, netns=netns_name, disks=disks,
                shares=shares)
    host_side.check(boot)
    if req.dry_run:
        print(_tap_dry_run(boot, host_side) if netns_name else host_side.dry_run(boot))
        return 0
    for port in boot.ports:
        print(f"kiln: published {port}", file=sys.stderr)
    if netns_name:
        return _run_in_namespace(host_side, boot, image, timeout)
    return _finish(host_side, host_side.launch(boot), image, timeout)


def _tap_dry_run(boot: Boot, host_side) -> str:
    """The namespace's set-up, the guest's command inside it, the
    teardown: a script to run by hand (as root)."""
    from .run import netns
    setup = [shlex.join(argv) for argv in netns.setup_commands(boot.netns)]
    guest = shlex.join(netns.enter(boot.netns, shlex.split(host_side.dry_run(boot))))
    return "\n".join(setup + [guest, shlex.join(netns.teardown_command(boot.netns))])


def _run_in_namespace(host_side, boot: Boot, image: Path, timeout) -> int:
    from .run import netns
    with netns.Namespace(boot.netns) as ns:
        addr = netns.guest_address(boot.kernel_args)
        print(f"kiln: network namespace {ns.name}: guest {addr} on {netns.TAP} "
              f"(host side {netns.HOST_ADDR}); reach it with: ip netns exec {ns.name} CLIENT",
              file=sys.stderr)
        launch = host_side.launch(boot)
        launch.argv = netns.enter(ns.name, launch.argv)
        return _finish(host_side, launch, image, timeout)


def _finish(host_side, launch, image: Path, timeout) -> int:
    from .run.process import BROKEN_PIPE_STATUS, TIMEOUT_STATUS, run_streaming
    from .run.symbolize import Symbolizer
    symbolizer = Symbolizer(image.with_name(image.name + ".dbg"))
    outcome = run_streaming(launch, symbolizer, timeout)
    if outcome.broken_pipe:  # like any Unix program whose reader left: quietly
        return BROKEN_PIPE_STATUS
    if outcome.status is None:
        print(f"kiln: stopped the guest after the {timeout:g} s timeout", file=sys.stderr)
        return TIMEOUT_STATUS
    code, note = host_side.guest_status(outcome)
    if note:
        print(f"kiln: {note}", file=sys.stderr)
    return code
