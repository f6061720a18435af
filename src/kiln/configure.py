"""`kiln configure` and `kiln menuconfig`: change and show the image's
Kconfig options and implementation choices. Nothing is saved until it has
been checked, and what is saved is what the next build uses."""

from pathlib import Path

import click

from . import kconfig, state
from .errors import KilnError
from .manifest import load_app
from .project import open_project


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
    candidate = {**project.overrides.config, **settings}
    warnings = kconfig.check(project.res, project.app, candidate, project.build,
                             origin=str(project.settings_file))
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


def menu(app_dir: Path, platform: str | None) -> None:
    project = open_project(app_dir, platform)
    changed = kconfig.menuconfig(project.res, project.app, project.overrides.config,
                                 project.build)
    project.overrides.config = changed
    state.save(app_dir, project.platform, project.overrides)
    project.invalidate_build_files()
    click.echo(f"kiln: saved {len(changed)} option(s) that differ from kiln.toml")
