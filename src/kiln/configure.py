"""`kiln configure` and `kiln menuconfig`: change and show the image's
Kconfig options and implementation choices."""

from pathlib import Path

import click

from . import kconfig, state
from .project import open_project


def run(app_dir: Path, platform: str | None, settings: dict, uses: dict,
        list_: bool, reset: bool) -> None:
    if reset:
        project = open_project(app_dir, platform)
        gone = state.reset(app_dir, project.platform)
        click.echo(f"kiln: {'forgot' if gone else 'no'} saved settings for {project.platform}")
        return
    project = open_project(app_dir, platform, uses)
    overrides = dict(project.overrides.config)
    overrides.update(settings)
    result = kconfig.configure(project.res, project.app, overrides, project.build)
    if settings:
        # Saved only once checked, and only what took: a bad option changes
        # nothing, and one that did not take is not left to warn forever.
        rejected = {w.split(": ", 2)[1].split("=", 1)[0] for w in result.warnings}
        project.overrides.config.update(
            {k: v for k, v in settings.items() if k not in rejected})
        state.save(app_dir, project.platform, project.overrides)
    for warning in result.warnings:
        click.echo(f"kiln: warning: {warning}", err=True)
    if list_:
        rows = kconfig.list_options(project.res, project.app, overrides, project.build)
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
    click.echo(f"kiln: saved {len(changed)} option(s) that differ from kiln.toml")
