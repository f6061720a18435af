"""Resolution: from what the app asks for to one implementation per API.

Every requirement is an API name or a library name. An API is satisfied by
the platform when the platform provides it, else by the app's choice
([choose] or --use), else by the API's default, else by its only
implementation. The result remembers who asked for each library, so
`kiln why` can show the chain."""

import difflib
from dataclasses import dataclass, field

from .catalog import Catalog, Library
from .errors import KilnError

APP = "app"


@dataclass
class Resolution:
    platform: Library
    libraries: list[Library]                  # dependencies first
    chosen: dict[str, str]                    # API -> library name
    reasons: dict[str, tuple[str, str]] = field(default_factory=dict)
    # library -> (requester, what it asked for: an API or the library's name)

    def names(self) -> list[str]:
        return [lib.name for lib in self.libraries]

    def apis(self) -> list[str]:
        """Every API the image's libraries provide, sorted."""
        return sorted({api for lib in self.libraries for api in lib.provides})

    def provider(self, name: str) -> str | None:
        """The library of the image that is `name` or provides the API
        `name`; None when the image has neither."""
        if name in self.names():
            return name
        for lib in self.libraries:
            if name in lib.provides:
                return lib.name
        return None

    def chain(self, name: str) -> list[str]:
        """['alloc-tlsf (API alloc)', 'libc-nolibc', 'app'] for alloc-tlsf."""
        steps = []
        seen = set()
        while name in self.reasons and name not in seen:
            seen.add(name)
            requester, asked = self.reasons[name]
            steps.append(name if asked == name else f"{name} (API {asked})")
            name = requester
        steps.append(name)
        return steps


def use_text(used: str, provider: str | None) -> str:
    """An optional edge as `why` and `lib show` print it: 'sched (in this
    image: sched-coop)', 'posix-signal (not in this image)'."""
    if provider is None:
        return f"{used} (not in this image)"
    if provider == used:
        return f"{used} (in this image)"
    return f"{used} (in this image: {provider})"


def _unknown(catalog: Catalog, what: str, requester: str) -> KilnError:
    names = list(catalog.libraries) + list(catalog.apis)
    close = difflib.get_close_matches(what, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return KilnError(f"unknown library or API '{what}' (required by {requester}); "
                     f"{hint}`kiln lib list` shows what exists")


def _normalize_choices(catalog: Catalog, choices: dict[str, str]) -> dict[str, str]:
    """Accepts 'alloc = "buddy"' as well as 'alloc = "alloc-buddy"'."""
    out = {}
    for api, impl in choices.items():
        if api not in catalog.apis:
            raise _unknown(catalog, api, "[choose]")
        impls = catalog.apis[api].implementations
        full = impl if impl in impls else f"{api}-{impl}"
        if full not in impls:
            raise KilnError(f"'{impl}' is not an implementation of API '{api}'; "
                            f"choose one of: {', '.join(sorted(impls))}")
        out[api] = full
    return out


def resolve(catalog: Catalog, platform: str, requires: list[str],
            choices: dict[str, str] | None = None) -> Resolution:
    plat = catalog.platform(platform)
    choices = _normalize_choices(catalog, choices or {})
    chosen: dict[str, str] = {api: plat.name for api in plat.provides}
    reasons: dict[str, tuple[str, str]] = {}
    picked: dict[str, Library] = {}
    edges: dict[str, list[str]] = {}

    def pick_for_api(api: str, requester: str) -> Library:
        if api in chosen:
            return catalog.libraries[chosen[api]]
        impls = [n for n in catalog.apis[api].implementations
                 if catalog.libraries[n].supports(platform)]
        if api in choices:
            name = choices[api]
            if name not in impls:
                others = ", ".join(impls) or "none exists"
                raise KilnError(f"{name} (chosen for API {api}) does not build for "
                                f"platform {platform}; choose another ({others})")
        elif not impls:
            raise KilnError(f"no implementation of API '{api}' for platform {platform} "
                            f"(required by {requester}); add a library that provides it")
        elif catalog.apis[api].default in impls:
            name = catalog.apis[api].default
        elif catalog.apis[api].default and len(impls) != 1:
            raise KilnError(f"{catalog.apis[api].dir / 'api.toml'}: default "
                            f"'{catalog.apis[api].default}' is not an implementation of "
                            f"'{api}' for {platform}; fix the default or choose one of: "
                            f"{', '.join(impls) or 'none'}")
        elif len(impls) == 1:
            name = impls[0]
        else:
            raise KilnError(f"API '{api}' has several implementations "
                            f"({', '.join(impls)}) and no default; choose one in "
                            f"kiln.toml: [choose] {api} = \"{impls[0]}\"")
        return catalog.libraries[name]

    def add(lib: Library, requester: str, asked: str) -> None:
        for api in lib.provides:
            if api in choices and choices[api] != lib.name:
                raise KilnError(
                    f"two implementations of API '{api}': {choices[api]} is chosen but "
                    f"{requester} requires {lib.name}; remove one of them")
            other = chosen.get(api)
            if other and other != lib.name:
                first = reasons.get(other, (APP, other))[0]
                raise KilnError(
                    f"two implementations of API '{api}' in one image: {other} (required "
                    f"by {first}) and {lib.name} (required by {requester}); require the "
                    f"API '{api}' instead of a library, or keep one of them")
            chosen[api] = lib.name
        if lib.name in picked:
            return
        if not lib.supports(platform):
            raise KilnError(f"library {lib.name} (required by {requester}) does not "
                            f"build for platform {platform}")
        picked[lib.name] = lib
        reasons[lib.name] = (requester, asked)
        edges[lib.name] = []
        for req in lib.requires:
            dep = require(req, lib.name)
            if dep.name != lib.name:
                edges[lib.name].append(dep.name)

    def require(what: str, requester: str) -> Library:
        if what in catalog.libraries:
            lib = catalog.libraries[what]
            if lib.kind == "platform" and lib is not plat:
                raise KilnError(f"{requester} requires platform library {what}, but the "
                                f"image is built for {platform}")
        elif what in catalog.apis:
            lib = pick_for_api(what, requester)
        else:
            raise _unknown(catalog, what, requester)
        add(lib, requester, what)
        return lib

    add(plat, APP, plat.name)
    require("boot", APP)
    for what in requires:
        require(what, APP)
    # A choice for an API nothing needs pulls nothing in: choices select,
    # requirements include.
    order = _topological(edges)
    return Resolution(plat, [picked[n] for n in order], chosen, reasons)


def _topological(edges: dict[str, list[str]]) -> list[str]:
    """Dependencies first; a cycle is an error that names it."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            cycle = path[path.index(node):] + [node]
            raise KilnError(f"dependency cycle: {' -> '.join(cycle)}; one of these "
                            f"libraries must stop requiring the next")
        state[node] = 1
        for dep in edges[node]:
            visit(dep, path + [node])
        state[node] = 2
        order.append(node)

    for node in edges:
        visit(node, [])
    return order
