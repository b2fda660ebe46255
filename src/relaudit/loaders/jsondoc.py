"""Reading one JSON document from an export member (file, folder member or zip member), never raising on bad JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from relaudit.errors import InputError
from relaudit.loaders.base import LoadItem, LoadNotice, decode_bytes, head
from relaudit.loaders.container import Container
from relaudit.model import Skipped, Source

PairsHook = Callable[[list[tuple[str, Any]]], Any]


def read_json(container: Container, member: str, pairs_hook: PairsHook | None = None) -> tuple[list[LoadItem], Any]:
    """(notices and skipped records, parsed value or None).

    A member that is not UTF-8 is decoded with the fallbacks and gives a notice; a member that is not JSON gives one
    Skipped naming the line, since none of its records can be read.
    """
    display = container.display(member)
    try:
        with container.open(member) as handle:
            raw = handle.read()
    except (OSError, InputError) as error:
        return [Skipped(Source(display, 1, unit="record"), f"cannot read: {error}")], None
    items: list[LoadItem] = []
    text, encoding = decode(raw)
    if encoding:
        items.append(LoadNotice(display, f"not UTF-8; decoded as {encoding}, check accented text"))
    try:
        value = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as error:
        reason = f"bad JSON: {error.msg} (line {error.lineno}, column {error.colno}); no record could be read"
        items.append(Skipped(Source(display, error.lineno), reason))
        return items, None
    except RecursionError:
        items.append(Skipped(Source(display, 1, unit="record"), "bad JSON: nested too deeply; no record could be read"))
        return items, None
    return items, value


def decode(raw: bytes) -> tuple[str, str | None]:
    """Text of a whole member: UTF-8 (BOM tolerated), else the first fallback that accepts it, named."""
    return decode_bytes(raw)


def member_head(container: Container, member: str, size: int = 4096) -> str:
    """The first bytes of a member as text, for sniffing ("" when it cannot be read)."""
    try:
        if container.kind == "file":
            return head(container.path, size)
        return container.head(member, size).decode("utf-8", errors="replace").lstrip("\ufeff")
    except (OSError, InputError):
        return ""


def safe_container(path: Path) -> Container | None:
    """A Container for a path, or None when the path is neither a readable file, folder nor zip."""
    if not (path.is_file() or path.is_dir()):
        return None
    try:
        container = Container(path)
        container.names()
    except (OSError, InputError):
        return None
    return container


def text(value: Any) -> str:
    """A JSON scalar as stripped text; "" for null, objects and arrays."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()
