"""The loader registry, format detection, and reading several inputs into one stream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from relaudit.errors import InputError
from relaudit.loaders import (
    bluesky,
    bluesky_car,
    customer_care,
    facebook,
    instagram,
    linkedin,
    mastodon,
    relaudit_format,
    twitter_archive,
    twitter_csv,
)
from relaudit.loaders.base import LoadItem, LoadNotice
from relaudit.loaders.container import Container, listings_shared

# Order matters: the most specific sniffers first, the generic relaudit format last.
LOADERS: dict[str, ModuleType] = {
    module.name: module
    for module in (
        twitter_archive,
        twitter_csv,
        mastodon,
        bluesky,
        bluesky_car,
        facebook,
        instagram,
        linkedin,
        customer_care,
        relaudit_format,
    )
}

__all__ = ["LOADERS", "LoadItem", "LoadNotice", "check_readable", "detect", "known_formats"]


def known_formats() -> str:
    """The formats relaudit reads, for error messages and help."""
    return ", ".join(LOADERS)


def check_readable(path: Path) -> None:
    """Fail with one clear line when a path cannot be read at all."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_file():
        try:
            with path.open("rb") as handle:
                empty = handle.read(1) == b""
        except OSError as error:
            raise InputError(f"{path}: cannot read: {error.strerror}") from error
        if empty:
            raise InputError(f"{path}: the file is empty")


def detect(path: Path, input_format: str | None = None) -> ModuleType:
    """The loader for a path: the one named, else the first whose sniff accepts it."""
    check_readable(path)
    if input_format:
        if input_format not in LOADERS:
            raise InputError(f"unknown input format '{input_format}'; relaudit reads: {known_formats()}")
        return LOADERS[input_format]
    with listings_shared():
        if path.is_dir():
            Container(path).names()  # a folder too big to be an export is refused here, in its own words
        for loader in LOADERS.values():
            try:
                if loader.sniff(path):
                    return loader
            except OSError as error:
                raise InputError(f"{path}: cannot read: {error.strerror}") from error
    kind = "folder" if path.is_dir() else "file"
    raise InputError(f"{path}: unrecognised {kind}; relaudit reads: {known_formats()}")


def load(path: Path, loader: ModuleType) -> Iterator[LoadItem]:
    """Stream a path's items through its loader, turning OS errors into one-line input errors."""
    try:
        yield from loader.load(path)
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from error
