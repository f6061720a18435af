"""Builds an app before `kiln run` or `kiln size` when its image is stale.

It sits above kiln.freshness (the cheap check) and kiln.build (imported
only when a build is due): the build writes the record that freshness
reads, so the check itself must not import the build."""

import sys

from .freshness import out_of_date
from .paths import build_dir


def ensure_built(app, platform: str, dry_run: bool = False) -> None:
    """Builds the app first when its image is out of date, saying so on
    stderr in one line (stdout is the guest's). With dry_run, only says so."""
    build = build_dir(app.dir, platform)
    reason = out_of_date(build, app.dir)
    if reason is None:
        return
    image = build / app.name
    if dry_run:
        if image.is_file():
            print(f"kiln: warning: {image} is out of date ({reason}); `kiln build --plat "
                  f"{platform}` or `kiln run` updates it", file=sys.stderr)
        return
    print(f"kiln: building {app.name} for {platform} first ({reason})", file=sys.stderr)
    from .build import build as build_image
    from .project import open_project
    build_image(open_project(app.dir, platform))
