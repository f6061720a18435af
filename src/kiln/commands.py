"""The `kiln` commands, in click: a thin layer over the modules that do the
work. kiln.cli starts them (and boots an image without them)."""

import json
import sys
from pathlib import Path

import click

from .errors import KilnError
from .manifest import app_dir
from .run import options as opts
from .writable import require_writable


def _option(option: opts.Option):
    """A click option from kiln.run.options' table."""
    kwargs = {"help": option.help, "metavar": option.metavar}
    if option.kind == "flag":
        kwargs["is_flag"] = True
    else:
        kwargs["default"] = None
        kwargs["multiple"] = option.multiple
        if option.choices:
            kwargs["type"] = click.Choice(option.choices)
        elif option.kind == "float":
            kwargs["type"] = float
        elif option.kind == "file":
            kwargs["type"] = click.Path(dir_okay=False)
    return click.option(*option.flags, option.name, **kwargs)


def _options(table):
    """Applies every option of `table`, in order, as decorators would."""
    def decorate(f):
        for option in reversed(table):
            f = _option(option)(f)
        return f
    return decorate


def _refuse_short_platform(ctx, param, value):
    if value is not None:
        from .run.ports import platform_hint
        raise click.UsageError(platform_hint(value))


def _short_platform_refused(f):
    """-p refused with a hint: users of older kiln wrote -p for the
    platform, users of docker and kraft mean ports (which `run` takes)."""
    return click.option("-p", "short_platform", hidden=True, expose_value=False,
                        callback=_refuse_short_platform)(f)


def PLATFORM(f):
    return _option(opts.PLATFORM)(_short_platform_refused(f))


def _app_dir(ctx) -> Path:
    return app_dir(ctx.obj["app"])


def _parse_pairs(pairs, what: str) -> dict:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise KilnError(f"{what} '{pair}' must look like NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@_option(opts.APP)
@click.version_option(package_name="kiln")
@click.pass_context
def cli(ctx, app):
    """Kiln: fast, specialized unikernels built from micro-libraries."""
    ctx.obj = {"app": app}


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--name", default=None, help="App name (default: the folder's name).")
def init(directory, name):
    """Create an app (kiln.toml + main.c) that builds and runs as it is."""
    from .scaffold import scaffold
    path = scaffold(Path(directory), name)
    click.echo(f"kiln: created {path}; next: cd {directory} && kiln build && kiln run")


@cli.group("lib")
def lib_group():
    """The catalog of micro-libraries."""


def _catalog(ctx):
    """The catalog, with the current app's own lib/ folder when in an app."""
    from . import catalog as catalog_mod
    try:
        extra = [_app_dir(ctx) / "lib"]
    except KilnError:
        extra = []
    return catalog_mod.discover(extra)


@lib_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def lib_list(ctx, as_json):
    """List every library with the API it provides."""
    from .report import library_rows, table
    cat = _catalog(ctx)
    rows = library_rows(cat)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(table(rows, ["name", "provides", "requires", "summary"], _output_width()))


def _output_width() -> int | None:
    """The terminal's width (or $COLUMNS) to fit tables in; None when the
    output goes to a file or pipe, which gets whole lines to search."""
    import os
    import shutil
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _image_or_none(ctx):
    """The current app's resolved image (default platform), so `lib show`
    can say which optional edges it has; None outside an app."""
    from .project import open_project
    try:
        app_dir = _app_dir(ctx)
    except KilnError:
        return None
    return open_project(app_dir, None).res


@lib_group.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def lib_show(ctx, name, as_json):
    """Show one library (API, dependencies, options, sources) or one API
    (header, default, implementations)."""
    from .report import library_details
    details = library_details(_catalog(ctx), name, _image_or_none(ctx))
    if as_json:
        click.echo(json.dumps(details, indent=2))
    else:
        from .report import format_details
        click.echo(format_details(details))


@cli.command()
@PLATFORM
@click.option("-s", "--set", "settings", multiple=True, metavar="OPT=VAL",
              help="Set a Kconfig option (remembered for this app and platform).")
@click.option("--use", "uses", multiple=True, metavar="API=IMPL",
              help="Choose an implementation, e.g. --use alloc=buddy (remembered).")
@click.option("--unset", multiple=True, metavar="NAME",
              help="Forget one saved option or choice.")
@click.option("--list", "list_", is_flag=True, help="List the image's options and values.")
@click.option("--reset", is_flag=True, help="Forget every -s/--use/menuconfig choice.")
@click.pass_context
def configure(ctx, platform, settings, uses, unset, list_, reset):
    """Configure the image (Kconfig); reports options that did not take."""
    from . import configure as conf
    app_dir = _app_dir(ctx)
    conf.run(app_dir, platform, _parse_pairs(settings, "-s"), _parse_pairs(uses, "--use"),
             unset, list_, reset)


@cli.command()
@PLATFORM
@click.pass_context
def menuconfig(ctx, platform):
    """Edit the configuration in a terminal menu."""
    from . import configure as conf
    conf.menu(_app_dir(ctx), platform)


@cli.command()
@PLATFORM
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, help="Parallel jobs.")
@click.option("--use", "uses", multiple=True, metavar="API=IMPL",
              help="Choose an implementation (remembered), e.g. --use alloc=buddy.")
@click.option("-v", "--verbose", is_flag=True, help="Show every command.")
@click.pass_context
def build(ctx, platform, jobs, uses, verbose):
    """Resolve, configure, compile and link the unikernel image."""
    from . import build as build_mod, kconfig, state
    from .project import open_project
    from .report import size_summary
    choices = _parse_pairs(uses, "--use")
    project = open_project(_app_dir(ctx), platform, choices, save_uses=False)
    require_writable(project.build, f"build {project.app.name} there")
    if choices:
        # Remembered only once the image they make configures cleanly.
        kconfig.check(project.res, project.app, project.overrides.config, project.build,
                      origin=str(project.settings_file))
        state.save(project.app.dir, project.platform, project.overrides)
    # Progress and messages on stderr; stdout only carries the result line.
    click.echo(f"kiln: {project.app.name} for {project.platform}: "
               + ", ".join(project.res.names()), err=True)
    outcome = build_mod.build(project, jobs, verbose)
    if not outcome.did_work:
        click.echo(f"kiln: nothing to do: {project.image} is up to date")
    else:
        click.echo(size_summary(project))


@cli.command("fetch")
@PLATFORM
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Parallel jobs for build commands.")
@click.pass_context
def fetch_cmd(ctx, platform, jobs):
    """Download, verify, patch and build the image's external sources
    ([[fetch]]) into the cache, and print where each tree is."""
    from . import autoport, fetch
    from .project import open_project
    project = open_project(_app_dir(ctx), platform)
    fetches = fetch.prepare(project, autoport.build_env, jobs)
    for f in fetches.values():
        click.echo(f"{f.name}\t{f.package}={f.version}\t{f.tree}")
    if not fetches:
        click.echo(f"kiln: {project.app.name} fetches nothing (cache: {fetch.cache_root()})")


class _RunCommand(click.Command):
    """`run`: what follows the first `--` is the app's arguments, taken
    before click reads the options (as kiln.run.options.parse_run does)."""

    def parse_args(self, ctx, args):
        args, ctx.meta["kiln.app_argv"] = opts.split_app_argv(args)
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, "[OPTIONS] [-- ARGS...]")


@cli.command(cls=_RunCommand, context_settings={"ignore_unknown_options": False})
@_options(opts.RUN)
@click.pass_context
def run(ctx, **values):
    """Boot the image; its exit code becomes kiln's. Words after `--` are
    the app's arguments (instead of kiln.toml's [run] args)."""
    from .runner import RunRequest, run_app
    values["app_argv"] = ctx.meta["kiln.app_argv"]
    request = RunRequest.from_options(values)  # first: it checks -p (kiln.run.ports)
    sys.exit(run_app(_app_dir(ctx), request))


@cli.command()
@PLATFORM
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many symbols to list.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def size(ctx, platform, top, as_json):
    """Where the bytes went: per library and the largest symbols."""
    from .inspect import size_report
    from .project import open_project
    project = open_project(_app_dir(ctx), platform)
    report = size_report(project, top)
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        from .report import format_size
        click.echo(format_size(report))


@cli.command()
@click.argument("library")
@PLATFORM
@click.pass_context
def why(ctx, library, platform):
    """Show the chain of requirements that pulled LIBRARY into the image."""
    from .inspect import why_chain
    from .project import open_project
    click.echo(why_chain(open_project(_app_dir(ctx), platform), library))


@cli.command("syscalls")
@PLATFORM
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--missing", is_flag=True, help="Also list the calls nothing implements.")
@click.pass_context
def syscalls_cmd(ctx, platform, as_json, missing):
    """Which Linux system calls the image implements, and by which library."""
    from .project import open_project
    from .syscalls import coverage, linux_table
    project = open_project(_app_dir(ctx), platform)
    cov = coverage(project.res)
    if as_json:
        click.echo(json.dumps(cov.as_json(), indent=2))
        return
    table = linux_table()
    for name, lib in sorted(cov.implemented.items(), key=lambda i: table[i[0]]):
        click.echo(f"{table[name]:>4}  {name:<24} {lib}")
    if missing:
        for name in cov.missing:
            click.echo(f"{table[name]:>4}  {name:<24} - (ENOSYS)")
    click.echo(f"kiln: {len(cov.implemented)} of {len(table)} system calls implemented "
               f"in the {project.platform} image of {project.app.name}")


@cli.command("env", context_settings={"ignore_unknown_options": True,
                                     "allow_interspersed_args": False})
@PLATFORM
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def env_cmd(ctx, platform, command):
    """Run COMMAND (after --) with CC, AR, ... set to build against the
    image's musl; without COMMAND, print them as shell exports."""
    from . import autoport
    from .project import open_project
    env = autoport.project_env(open_project(_app_dir(ctx), platform))
    if not command:
        click.echo(autoport.shell_exports(env), nl=False)
        return
    sys.exit(autoport.run_with_env(env, list(command)))


@cli.command()
@PLATFORM
@click.option("--all", "all_", is_flag=True, help="Also forget configure/menuconfig choices.")
@click.pass_context
def clean(ctx, platform, all_):
    """Remove build output (and, with --all, the saved configuration)."""
    from .clean import clean as do_clean
    for line in do_clean(_app_dir(ctx), platform, all_):
        click.echo(f"kiln: {line}")


def main(argv: list[str]) -> None:
    """Runs one command; click's own errors become kiln's one-line ones
    (kiln.cli reports the rest)."""
    try:
        cli.main(argv, prog_name="kiln", standalone_mode=False)
    except click.exceptions.Abort:
        print("kiln: aborted", file=sys.stderr)
        sys.exit(130)
    except click.ClickException as exc:
        # The help of the command that was misused (`kiln size --help`),
        # which lists its options; `kiln --help` when none was reached.
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "kiln"
        raise KilnError(f"{exc.format_message()} (see `{where} --help`)") from None
