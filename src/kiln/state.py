"""The user's per-app, per-platform choices (`kiln configure -s`, `--use`,
menuconfig), kept in <app>/.kiln/<platform>.toml. Only deviations from
kiln.toml are stored, so editing kiln.toml always takes effect unless the
user overrode that very option."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import tomlfile
from .errors import KilnError
from .paths import state_dir
from .tomlfile import SCALAR_MAP, STR_MAP


@dataclass
class Overrides:
    config: dict[str, str | int | bool] = field(default_factory=dict)
    use: dict[str, str] = field(default_factory=dict)


def path(app_dir: Path, platform: str) -> Path:
    return state_dir(app_dir) / f"{platform}.toml"


def load(app_dir: Path, platform: str) -> Overrides:
    file = path(app_dir, platform)
    if not file.exists():
        return Overrides()
    doc = tomlfile.load(file)
    tomlfile.check_table(doc, None, doc.data, {"config": SCALAR_MAP, "use": STR_MAP})
    return Overrides(dict(doc.data.get("config", {})), dict(doc.data.get("use", {})))


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v)


def save(app_dir: Path, platform: str, ov: Overrides) -> None:
    file = path(app_dir, platform)
    lines = ["# Written by `kiln configure`; `kiln configure --reset` removes it."]
    if not ov.use and not ov.config:
        reset(app_dir, platform)
        return
    for table, values in (("use", ov.use), ("config", ov.config)):
        if values:
            lines.append(f"\n[{table}]")
            lines += [f"{k} = {_value(v)}" for k, v in sorted(values.items())]
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n")
        tmp.replace(file)
    except OSError as exc:
        raise KilnError(f"cannot save settings to {file}: {exc.strerror}") from None


def reset(app_dir: Path, platform: str) -> bool:
    file = path(app_dir, platform)
    if not file.exists():
        return False
    file.unlink()
    try:
        file.parent.rmdir()  # only when no other platform's settings are left
    except OSError:
        pass
    return True
