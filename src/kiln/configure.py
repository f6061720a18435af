"""`kiln configure` and `kiln menuconfig`: change and show the image's
Kconfig options and implementation choices. Nothing is saved until it has
been checked, and what is saved is what the next build uses."""

import os
import sys
from pathlib import Path

import click

from . import kconfig, state
from .errors import KilnError
from .manifest import load_app
from .project import open_project
from .writable import require_writable


def run(app_dir: Path, platform: str | None, settings: dict, uses: dict,
        unset: tuple[str, ...], list_: bool, reset: bool) -> None:
    if reset:
        # No resolution here: a broken saved choice must still be forgettable.
        platform = platform or load_app(app_dir).run.platform
        gone = state.reset(app_dir, platform)
        click.echo(f"kiln: {'forgot the' if gone else 'no'} saved settings for {platform}")
        return
    if unset:
        platform = platform or load_app(app_dir).run.platform
        saved = state.load(app_dir, platform)
        for name in unset:
            if saved.config.pop(name, None) is None and saved.use.pop(name, None) is None:
                raise KilnError(f"{name} is not a saved setting for {platform}; "
                                f"`kiln configure --list` shows the options")
        state.save(app_dir, platform, saved)
    project = open_project(app_dir, platform, uses, save_uses=False)
    require_writable(project.build, "configure the image there")
    warnings = kconfig.check(project.res, project.app, project.overrides.config,
                             project.build, origin=str(project.settings_file),
                             given=settings)
    rejected = {w.split(": ", 2)[1].split("=", 1)[0] for w in warnings}
    # What did not take is not saved, so it does not warn on every build.
    project.overrides.config.update({k: v for k, v in settings.items() if k not in rejected})
    if settings or uses or unset:
        state.save(app_dir, project.platform, project.overrides)
    result = kconfig.configure(project.res, project.app, project.overrides.config,
                               project.build, origin=str(project.settings_file))
    project.invalidate_build_files()
    for warning in warnings:
        click.echo(f"kiln: warning: {warning}", err=True)
    if list_:
        rows = kconfig.list_options(project.res, project.app, project.overrides.config,
                                    project.build)
        width = max((len(r[0]) for r in rows), default=0)
        for name, kind, value, prompt, _lib in rows:
            click.echo(f"{name:<{width}}  {kind:<6} {value:<12} {prompt}")
    else:
        click.echo(f"kiln: configured {project.app.name} for {project.platform}: "
                   f"{', '.join(project.res.names())}; wrote {result.config_path}")


def _require_terminal() -> None:
    """menuconfig draws with curses on stdin/stdout: without a terminal it
    fails half-way and leaves the screen in its menu mode, so say it first."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise KilnError("kiln menuconfig needs a terminal for its input and output; run it "
                        "in one, or set options with `kiln configure -s NAME=VALUE`")
    term = os.environ.get("TERM", "")
    if term in ("", "dumb", "unknown"):
        raise KilnError(f"kiln menuconfig needs a terminal that draws menus, but TERM is "
                        f"{repr(term) if term else 'not set'}; set TERM (e.g. TERM=xterm) "
                        f"or use `kiln configure -s NAME=VALUE`")


def menu(app_dir: Path, platform: str | None) -> None:
    _require_terminal()
    project = open_project(app_dir, platform)
    require_writable(project.build, "configure the image there")
    changed = kconfig.menuconfig(project.res, project.app, project.overrides.config,
                                 project.build)
    project.overrides.config = changed
    state.save(app_dir, project.platform, project.overrides)
    project.invalidate_build_files()
    click.echo(f"kiln: saved {len(changed)} option(s) that differ from kiln.toml")
