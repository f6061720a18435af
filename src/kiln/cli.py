"""The `kiln` command. A well-formed `kiln run` goes straight to the runner,
read with the option table click's `run` is built from (kiln.run.options),
so booting an image does not wait for click to load; every other command
line (other commands, help, mistakes) goes to click (kiln.commands)."""

import os
import sys

from .errors import KilnError


def _boot(values: dict) -> int:
    from .manifest import app_dir
    from .runner import RunRequest, run_app
    folder = values.pop("app")
    request = RunRequest.from_options(values)  # first: it checks -p (kiln.run.ports)
    return run_app(app_dir(folder), request)


def _dispatch(argv: list[str]) -> None:
    from .run.options import parse_run
    values = parse_run(argv)
    if values is None:
        from . import commands
        commands.main(argv)
    else:
        _leave(_boot(values))


def _leave(status: int) -> None:
    """Exits with the guest's status without tearing the interpreter down:
    once the guest is gone `kiln run` has nothing left to clean up, and the
    teardown of every loaded module costs milliseconds."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        sys.exit(status)   # a closed stdout: Python reports it, as it always did
    os._exit(status)


def _fail(message: str, status: int):
    print(f"kiln: {message}", file=sys.stderr)
    sys.exit(status)


def main(argv: list[str] | None = None) -> None:
    try:
        _dispatch(sys.argv[1:] if argv is None else list(argv))
    except KilnError as exc:
        _fail(f"error: {exc}", exc.status)
    except BrokenPipeError:
        # What click does for its commands: the reader of our output went
        # away (`kiln run --dry-run | head -c0`), so exit 1 without a word.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except OSError as exc:
        # A read-only or foreign folder is the user's setup, not a kiln bug.
        from .writable import unwritable_error
        error = unwritable_error(exc)
        if error is None:
            _internal(exc)
        _fail(f"error: {error}", error.status)
    except Exception as exc:  # a bug in kiln itself: still no traceback by default
        _internal(exc)


def _internal(exc: Exception):
    if os.environ.get("KILN_DEBUG"):
        raise exc
    _fail(f"internal error: {type(exc).__name__}: {exc} "
          f"(set KILN_DEBUG=1 for the traceback and please report it)", 3)
