"""`kiln run`: boot the built image on its platform and return the guest's
exit code.

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

from .errors import KilnError
from .manifest import load_app, parse_size
from .run import env as guest_env
from .paths import build_dir


class RunRequest:
    """What the command line asked for; None (or empty) leaves it to
    kiln.toml's [run]."""

    def __init__(self, platform: str | None = None, machine: str | None = None,
                 accel: str | None = None, memory: str | None = None,
                 args=(), kernel_args=(), initrd: str | None = None,
                 timeout: float | None = None, dry_run: bool = False, env=()):
        self.platform, self.machine, self.accel, self.memory = platform, machine, accel, memory
        self.args, self.kernel_args = list(args), list(kernel_args)
        self.initrd, self.timeout, self.dry_run = initrd, timeout, dry_run
        self.env = list(env)  # "KEY=VALUE" or "KEY" (kiln.run.env)

    @classmethod
    def from_options(cls, values: dict) -> "RunRequest":
        """From the values of kiln.run.options.RUN (same names)."""
        return cls(**values)


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


DEFAULT_VM_MEMORY = "64M"


def run_app(app_dir: Path, req: RunRequest) -> int:
    app = load_app(app_dir)
    platform = req.platform or app.run.platform
    image = build_dir(app.dir, platform) / app.name
    if not image.is_file():
        raise KilnError(f"no image at {image}; run `kiln build -p {platform}` first")
    memory = req.memory or app.run.memory
    try:
        memory_bytes = parse_size(memory) if memory else None
    except ValueError:
        raise KilnError(f"memory {memory!r} is not a size; write e.g. 64M or 1G") from None
    if req.args:
        app_args = [word for arg in req.args for word in shlex.split(arg)]
    else:
        app_args = list(app.run.args)
    # The environment's words come last, so -e beats [run] env beats -k.
    kernel_args = (list(app.run.kernel_args) + list(req.kernel_args)
                   + guest_env.kernel_words(app.run.env, guest_env.from_cli(req.env)))
    initrd = req.initrd
    if not initrd and app.rootfs:  # built by `kiln build` from [app] rootfs
        initrd = str(image.parent / "initrd.cpio")
    if initrd and not Path(initrd).is_file():
        raise KilnError(f"initrd {initrd} does not exist; run `kiln build` first")
    if initrd and Path(initrd).stat().st_size == 0:  # QEMU would pass no initrd at all
        raise KilnError(f"initrd {initrd} is empty; give a cpio newc archive")
    config_h = image.parent / "include/kn/config.h"
    if (initrd and config_h.is_file()
            and "CONFIG_LIB_VFS_INITRD" not in config_h.read_text(errors="replace")):
        print(f"kiln: warning: {app.name} has no vfs-initrd, so nothing unpacks the initrd; "
              f"add \"vfs-initrd\" to requires", file=sys.stderr)
    if initrd and platform == "linuxu":  # the platform maps the host file
        kernel_args.append(f"linuxu.initrd={Path(initrd).resolve()}")
    timeout = req.timeout if req.timeout is not None else (app.run.timeout or None)
    # Both platforms hand boot one command line, so both refuse what it
    # cannot carry.
    cmdline = kernel_cmdline(kernel_args, app_args)

    if platform == "linuxu":
        for option, value in (("--machine", req.machine), ("--accel", req.accel)):
            if value:
                raise KilnError(f"{option} applies to the kvm platform only; drop it "
                                f"or use -p kvm")
        mem = [f"linuxu.mem={memory_bytes}"] if memory_bytes else []
        argv = [str(image), *mem, *kernel_args, "--", *app_args]
        if req.dry_run:
            print(shlex.join(argv))
            return 0
        return _finish(argv, image, timeout, lambda status, _errors: (
            (128 - status, None) if status < 0 else (status, None)))

    from .run import qemu
    vm_memory = f"{memory_bytes >> 10}K" if memory_bytes else DEFAULT_VM_MEMORY
    cfg = qemu.QemuConfig(image=image, machine=req.machine or app.run.machine,
                          accel=req.accel or "auto", memory=vm_memory, cmdline=cmdline,
                          initrd=Path(initrd) if initrd else None)
    argv, accel, why = qemu.command(cfg)
    if req.dry_run:
        print(qemu.format_command(argv))
        return 0
    print(f"kiln: accelerator {accel}: {why}", file=sys.stderr)
    return _finish(argv, image, timeout, qemu.guest_status)


def _finish(argv, image: Path, timeout, to_guest_status) -> int:
    from .run.process import TIMEOUT_STATUS, run_streaming
    from .run.symbolize import Symbolizer
    symbolizer = Symbolizer(image.with_name(image.name + ".dbg"))
    outcome = run_streaming(argv, symbolizer, timeout)
    if outcome.status is None:
        print(f"kiln: stopped the guest after the {timeout:g} s timeout", file=sys.stderr)
        return TIMEOUT_STATUS
    code, note = to_guest_status(outcome.status, outcome.stderr_lines)
    if note:
        print(f"kiln: {note}", file=sys.stderr)
    return code
