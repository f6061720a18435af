"""External sources: `[[fetch]]` entries of library.toml and kiln.toml.

An entry names a Debian source package and version, the upstream tarball in
it and that tarball's pinned sha256, our patches (applied in order with
`patch -p1`) and optional build commands run once in the unpacked tree.
Results live in a cache shared by every app and checkout:

    $KILN_CACHE (else $XDG_CACHE_HOME/kiln, else ~/.cache/kiln)
      downloads/<package>_<version>/<tarball>   kept; sha256 checked before each use
      src/<name>-<key>/                         unpacked, patched, built
      locks/                                    one lock file per download and tree

<key> hashes everything that decides the tree's content: the tarball's
sha256, the patches' bytes, the build commands and the build environment
(compiler version; for an app's fetches, the environment the caller passes
down, autoport.build_env, which names the libc it builds against). A tree
is built in a temporary folder and renamed into place when complete, under
a lock, so an interrupted or concurrent build never leaves or sees half a
tree. A present tree is
never fetched or built again; `kiln clean` does not touch the cache.

Sources, include folders and objects refer to a tree as "@<name>/path"."""

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from . import progress
from .errors import KilnError
from .fetchspec import Fetch, parse, resolve_ref, split_ref  # noqa: F401 (re-exported)
from .paths import cache_root, kiln_root

_LOG_LINES = 30


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _compiler_id() -> str:
    try:
        return subprocess.run(["gcc", "--version"], capture_output=True, text=True,
                              check=True).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "no gcc"


def _apt_failure(fetch: Fetch, output: str) -> KilnError:
    """Says whether the package or only the version is missing."""
    known = subprocess.run(["apt-cache", "showsrc", fetch.package], capture_output=True,
                           text=True)
    versions = re.findall(r"^Version: (\S+)", known.stdout, re.M)
    hint = "deb-src must be enabled and the lists fresh: run `bash tools/setup.sh`"
    if not versions:
        return KilnError(f"{fetch.where}: fetch {fetch.name}: source package "
                         f"'{fetch.package}' is not in the Debian archive; {hint}")
    if fetch.version not in versions:
        return KilnError(f"{fetch.where}: fetch {fetch.name}: version {fetch.version} of "
                         f"source package '{fetch.package}' is not in the Debian archive "
                         f"(available: {', '.join(sorted(set(versions)))}); {hint}")
    last = [l for l in output.splitlines() if l.strip()][-1:] or ["no output"]
    return KilnError(f"{fetch.where}: fetch {fetch.name}: apt-get source "
                     f"{fetch.package}={fetch.version} failed: {last[0].strip()}")


def _download(fetch: Fetch, target: Path) -> None:
    """Downloads the source package and keeps only its upstream tarball,
    once its sha256 matches the pin."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".get-") as tmp:
        os.chmod(tmp, 0o755)  # apt's download user must be able to write
        try:
            status, output = progress.run(["apt-get", "source", "--download-only", "-qq",
                                           f"{fetch.package}={fetch.version}"],
                                          f"fetch {fetch.name}", cwd=tmp)
        except FileNotFoundError:
            raise KilnError("apt-get is not available: fetching sources needs Debian's "
                            "apt (see tools/setup.sh)") from None
        if status != 0:
            raise _apt_failure(fetch, output)
        got = Path(tmp) / fetch.tarball
        if not got.is_file():
            names = sorted(p.name for p in Path(tmp).iterdir())
            raise KilnError(f"{fetch.where}: fetch {fetch.name}: source package "
                            f"{fetch.package}={fetch.version} has no file "
                            f"'{fetch.tarball}' (it has: {', '.join(names)}); fix tarball")
        _check_sha256(fetch, got)
        os.replace(got, target)


def _check_sha256(fetch: Fetch, path: Path, cached: bool = False) -> None:
    got = _sha256(path)
    if got != fetch.sha256:
        hint = f" (a damaged download: delete {path})" if cached else ""
        raise KilnError(f"{fetch.where}: fetch {fetch.name}: sha256 mismatch for "
                        f"{path.name}: expected {fetch.sha256}, got {got}; the pin or "
                        f"the download is wrong{hint}")


def _verified_tarball(fetch: Fetch, cache: Path) -> Path:
    target = cache / "downloads" / f"{fetch.package}_{fetch.version}" / fetch.tarball
    with _locked(cache / "locks" / f"download-{fetch.package}_{fetch.version}.lock"):
        if not target.is_file():
            progress.step(f"fetch {fetch.name}: downloading {fetch.package}={fetch.version}")
            _download(fetch, target)
            return target
    _check_sha256(fetch, target, cached=True)
    return target


def _unpack(tarball: Path, dest: Path) -> None:
    """Extracts the tarball without its single top folder."""
    with tarfile.open(tarball) as tar:
        members = tar.getmembers()
        tops = {m.name.split("/", 1)[0] for m in members if m.name not in ("", ".")}
        strip = len(tops) == 1 and any("/" in m.name for m in members)
        for member in members:
            parts = member.name.split("/", 1) if strip else [None, member.name]
            if len(parts) < 2 or not parts[1]:
                continue
            member.name = parts[1]
            if member.islnk() and strip:
                member.linkname = member.linkname.split("/", 1)[-1]
            tar.extract(member, dest, filter="tar")


def _tail(text: str) -> str:
    return "".join(text.splitlines(keepends=True)[-_LOG_LINES:])


def tree_key(fetch: Fetch, env: dict[str, str]) -> str:
    h = hashlib.sha256()
    h.update(f"{fetch.sha256}\n".encode())
    for patch in fetch.patches:
        h.update(patch.name.encode() + b"\0" + patch.read_bytes() + b"\0")
    for command in fetch.build:
        h.update(b"build\0" + command.encode() + b"\0")
    if fetch.build:
        h.update(_compiler_id().encode() + b"\0")
        for key in sorted(env):
            h.update(f"{key}={env[key]}\0".encode())
    return h.hexdigest()[:16]


def _make_tree(fetch: Fetch, tarball: Path, tmp: Path, env: dict[str, str], jobs: int) -> None:
    progress.step(f"fetch {fetch.name}: unpacking {tarball.name}")
    _unpack(tarball, tmp)
    if fetch.patches:
        progress.step(f"fetch {fetch.name}: applying {len(fetch.patches)} patch(es)")
    for patch in fetch.patches:
        proc = subprocess.run(["patch", "-p1", "--batch", "--forward", "-i", str(patch)],
                              cwd=tmp, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(_tail(proc.stdout + proc.stderr))
            raise KilnError(f"{fetch.where}: fetch {fetch.name}: patch {patch.name} does "
                            f"not apply to {fetch.tarball} (patch's messages are above)")
    full_env = dict(os.environ, KILN_JOBS=str(jobs), KILN_ROOT=str(kiln_root()), **env)
    for command in fetch.build:
        progress.step(f"fetch {fetch.name}: running {command}")
        status, output = progress.run(["sh", "-c", command], f"fetch {fetch.name}",
                                      cwd=tmp, env=full_env)
        if status != 0:
            sys.stderr.write(_tail(output))
            raise KilnError(f"{fetch.where}: fetch {fetch.name}: build command failed "
                            f"(exit {status}): {command} (its last lines are above)")


def prepare_one(fetch: Fetch, env: dict[str, str] | None = None, jobs: int | None = None) -> Path:
    """The unpacked, patched and built tree of one fetch, made when missing."""
    env = env or {}
    cache = cache_root()
    key = tree_key(fetch, env)
    tree = cache / "src" / f"{fetch.name}-{key}"
    if (tree / ".kiln-done").is_file():
        fetch.tree = tree
        return tree
    tarball = _verified_tarball(fetch, cache)
    with _locked(cache / "locks" / f"src-{fetch.name}-{key}.lock"):
        if not (tree / ".kiln-done").is_file():  # another build may have made it
            tree.parent.mkdir(parents=True, exist_ok=True)
            for stale in tree.parent.glob(f".{tree.name}-*"):  # left by a killed build
                shutil.rmtree(stale, ignore_errors=True)
            tmp = Path(tempfile.mkdtemp(dir=tree.parent, prefix=f".{tree.name}-"))
            try:
                _make_tree(fetch, tarball, tmp, env, jobs or os.cpu_count() or 1)
                (tmp / ".kiln-done").write_text(f"{fetch.package}={fetch.version} "
                                                f"{fetch.tarball}\n")
                if tree.exists():  # a stale tree without its marker
                    shutil.rmtree(tree)
                os.replace(tmp, tree)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
            progress.step(f"fetch {fetch.name}: prepared {tree}")
    fetch.tree = tree
    return tree


def image_fetches(project) -> dict[str, Fetch]:
    """Every fetch of the image's libraries, then the app's, by name."""
    found: dict[str, Fetch] = {}
    sources = [(lib.fetches, f"library {lib.name}") for lib in project.res.libraries]
    sources.append((project.app.fetches, f"app {project.app.name}"))
    for fetches, _ in sources:
        for fetch in fetches:
            other = found.get(fetch.name)
            if other is not None:
                raise KilnError(f"{fetch.where}: fetch '{fetch.name}' is also declared by "
                                f"{other.owner} ({other.where}); rename one")
            found[fetch.name] = fetch
    return found


def prepare(project, app_env: Callable[[object], dict[str, str]],
            jobs: int | None = None) -> dict[str, Fetch]:
    """Prepares every fetch of the image: the libraries' first (an app's
    build may need its libc's tree), then the app's with `app_env(project)`
    added to their build commands. The caller passes the environment down
    (autoport.build_env), so this module needs nothing above it."""
    fetches = image_fetches(project)
    for fetch in fetches.values():
        if not fetch.for_app:
            prepare_one(fetch, {}, jobs)
    app_fetches = [f for f in fetches.values() if f.for_app]
    if app_fetches:
        # Only build commands see the environment (and only then is it
        # part of the key): sources-only fetches need no libc.
        env = dict(app_env(project)) if any(f.build for f in app_fetches) else {}
        for fetch in app_fetches:
            prepare_one(fetch, env, jobs)
    return fetches


def describe(fetches: dict[str, Fetch]) -> str:
    """What the trees are made from, for the build's no-op check."""
    return "\n".join(f"{f.name} {f.tree}" for f in sorted(fetches.values(),
                                                          key=lambda f: f.name))


def check_refs(project) -> None:
    """Every "@name/..." path of the image names a declared fetch."""
    fetches = project.fetches
    for lib in project.res.libraries:
        lists = {"sources": lib.sources, "ktest-sources": lib.ktest_sources,
                 "include": lib.include, "objects": lib.objects,
                 "app-include": lib.app_include, "private-include": lib.private_include}
        for plat, files in lib.platform_sources.items():
            lists[f"platform-sources.{plat}"] = files
        for key, values in lists.items():
            for value in values:
                resolve_ref(value, fetches, lib.dir, f"{lib.manifest}: {key}")
    app = project.app
    for key, values in (("sources", app.sources), ("include", app.include),
                        ("objects", app.objects)):
        for value in values:
            resolve_ref(value, fetches, app.dir, f"{app.path}: [app] {key}")
