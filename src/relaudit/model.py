"""Frozen data passed between the pipeline stages: raw records, messages, skipped records."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any


def fields_getter(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a dataclass instance's field values in order, as one tuple (operator.attrgetter: C speed)."""
    names = [f.name for f in fields(cls)]
    return attrgetter(*names)  # with two or more names it returns a tuple


def builder(cls: type) -> Callable[..., Any]:
    """A function making cls(...) from the same arguments, for a frozen dataclass with slots, several times faster.

    The dataclass's __init__ sets each field through object.__setattr__ (cls's own refuses: it is frozen), ~180 ns a
    field, which is most of reading a message. The builder stores into a twin class with the same slots, ~15 ns a
    field, then makes the object a cls by assigning __class__ (allowed: the two have the same layout). Fields keep
    their plain defaults; a default_factory is not run (give that field). No __post_init__ runs either: the caller
    gives values as it would have made them.
    """
    found = fields(cls)
    names = tuple(f.name for f in found)
    if getattr(cls, "__slots__", None) != names:
        raise TypeError(f"{cls.__name__} is not a dataclass with slots in field order")
    if any(name.startswith("_builder_") for name in names):  # the generated code's own names
        raise TypeError(f"{cls.__name__} has a field named like the builder's own (_builder_...)")
    namespace: dict[str, Any] = {"_builder_new": object.__new__, "_builder_cls": cls}
    namespace["_builder_twin"] = type(f"_{cls.__name__}Builder", (), {"__slots__": names})
    parameters = []
    for item in found:
        if item.default is MISSING:
            parameters.append(item.name)
        else:
            namespace[f"_builder_default_{item.name}"] = item.default
            parameters.append(f"{item.name}=_builder_default_{item.name}")
    body = "".join(f"    _builder_made.{name} = {name}\n" for name in names)
    code = (
        f"def build({', '.join(parameters)}):\n    _builder_made = _builder_new(_builder_twin)\n{body}"
        "    _builder_made.__class__ = _builder_cls\n    return _builder_made\n"
    )
    exec(code, namespace)  # code made of the dataclass's own field names, as dataclasses makes its __init__
    build: Callable[..., Any] = namespace["build"]
    return build


# The author of an export's own posts when the export does not name its owner; --account stands in for it.
UNKNOWN_OWNER = "unknown-owner"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: a file and a line (or record number)."""

    path: str
    line: int
    unit: str = "line"  # "record" for formats without meaningful lines (a JSON array's elements)

    def __post_init__(self) -> None:
        # one copy of a file's name for its million records, not one each
        object.__setattr__(self, "path", sys.intern(self.path))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.unit == "line" else f"{self.path}:record {self.line}"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as a loader mapped it, before normalising: field name to raw value."""

    fields: dict[str, Any]
    source: Source


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that could not be used, and why."""

    source: Source
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Message:
    """One normalised message (DESIGN.md §1)."""

    id: str
    author: str
    text: str
    created_at: datetime
    source: Source
    in_reply_to: str | None = None
    in_reply_to_author: str | None = None
    is_repost: bool = False
    platform: str | None = None
    likes: int | None = None
    reposts: int | None = None
    url: str | None = None
    is_private: bool = False
    mentions: tuple[str, ...] = field(default=())
    hashtags: tuple[str, ...] = field(default=())
    urls: tuple[str, ...] = field(default=())


# Message(*values) and Source(*values) at a fraction of the cost, for loaders reading millions of them.
build_message: Callable[..., Message] = builder(Message)
build_source: Callable[[str, int, str], Source] = builder(Source)  # path already interned
build_record: Callable[[dict[str, Any], Source], RawRecord] = builder(RawRecord)
