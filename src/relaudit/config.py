"""The configuration file: `.relaudit.yaml` or `[tool.relaudit]` in pyproject.toml, found from a folder upward.

Keys (all optional; option names on the command line match them, and the command line wins):

    rules: [my-pack.yaml]          # extra rule packs, relative to the file that names them
    select: [unanswered-complaint]  # only these rules (default: all)
    ignore: [bragging]              # never these rules
    levels: {hard-sell: error}      # a rule's level
    options: {promo-heavy: {above: 0.2}}   # a rule's type keys (thresholds, phrases, ...)
    brand_names: [Bright Brew, BB]  # names that count as the account talking about itself
    ignore_messages: ["1831000021"] # message ids to leave out of findings
    account: [brightbrew]
    pending_window: 24h
    fail_on: error
    fail_under: C
    platform: x                     # `relaudit check`: count draft length as this platform does
    max_warnings: 0                 # `relaudit check`: exit 1 on more warnings than this
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from relaudit.errors import UsageError
from relaudit.yamlsafe import YamlLimitError, load_bounded

FILE_NAME = ".relaudit.yaml"
KEYS: dict[str, type | tuple[type, ...]] = {
    "rules": list,
    "select": list,
    "ignore": list,
    "levels": dict,
    "options": dict,
    "brand_names": list,
    "ignore_messages": list,
    "account": (list, str),
    "pending_window": str,
    "fail_on": str,
    "fail_under": str,
    "platform": str,
    "max_warnings": int,
}


@dataclass(frozen=True)
class Config:
    """The effective configuration and where each value came from."""

    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def get(self, key: str, default: Any = None) -> Any:
        """A value, or the default when no file set it."""
        return self.values.get(key, default)

    def rule_files(self) -> tuple[Path, ...]:
        """Extra packs, resolved against the configuration file's folder."""
        base = self.path.parent if self.path else Path.cwd()
        return tuple(base / str(p) for p in self.values.get("rules", []))


def find(start: Path) -> Path | None:
    """The nearest `.relaudit.yaml`, or pyproject.toml with a [tool.relaudit] table, from start upward."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.relaudit" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None


def load(explicit: Path | None, start: Path | None = None) -> Config:
    """The named file (--config), else the nearest one, else an empty configuration."""
    path = explicit or find(start or Path.cwd())
    if path is None:
        return Config()
    if not path.is_file():
        raise UsageError(f"{path}: no such configuration file")
    data = _read(path)
    for key, value in data.items():
        if key not in KEYS:
            raise UsageError(f"{path}: unknown key '{key}' (known: {', '.join(KEYS)})")
        if not isinstance(value, KEYS[key]):
            raise UsageError(f"{path}: {key}: expected {_names(KEYS[key])}, found {type(value).__name__}")
        if isinstance(value, list):
            # Lists hold names and ids; YAML may write an id as a number, but a nested value is a mistake.
            odd = [item for item in value if isinstance(item, bool) or not isinstance(item, (str, int))]
            if odd:
                raise UsageError(f"{path}: {key}: expected a list of names, found an item of {type(odd[0]).__name__}")
            data[key] = [str(item) for item in value]
    return Config(dict(data), {key: str(path) for key in data}, path)


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: the configuration is not UTF-8 text") from error
    if path.name == "pyproject.toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib
        try:
            table = tomllib.loads(text).get("tool", {}).get("relaudit", {})
        except tomllib.TOMLDecodeError as error:
            raise UsageError(f"{path}: invalid TOML: {error}") from error
        return table if isinstance(table, dict) else {}
    try:
        data = load_bounded(text)
    except yaml.YAMLError as error:
        raise UsageError(f"{path}: invalid YAML: {' '.join(str(error).split())}") from error
    except YamlLimitError as error:
        raise UsageError(f"{path}: refused: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the configuration must be a mapping of keys to values")
    return data


def _names(kinds: type | tuple[type, ...]) -> str:
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    return " or ".join(k.__name__ for k in kinds)
