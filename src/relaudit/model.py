"""Frozen data passed between the pipeline stages: raw records, messages, skipped records."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any


def fields_getter(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a dataclass instance's field values in order, as one tuple (operator.attrgetter: C speed)."""
    names = [f.name for f in fields(cls)]
    return attrgetter(*names)  # with two or more names it returns a tuple


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
