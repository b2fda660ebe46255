"""Frozen data passed between the pipeline stages: raw records, messages, skipped records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Source:
    """Where a record came from: a file and a line (or record number)."""

    path: str
    line: int
    unit: str = "line"  # "record" for formats without meaningful lines (a JSON array's elements)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.unit == "line" else f"{self.path}:record {self.line}"


@dataclass(frozen=True)
class RawRecord:
    """One record as a loader mapped it, before normalising: field name to raw value."""

    fields: dict[str, Any]
    source: Source


@dataclass(frozen=True)
class Skipped:
    """A record that could not be used, and why."""

    source: Source
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
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
