"""What every loader shares: the loader protocol and tolerant text decoding."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from relaudit.decoding import FALLBACK_ENCODINGS, decode_bytes, decode_fallback
from relaudit.model import UNKNOWN_OWNER, RawRecord, Skipped

__all__ = ["FALLBACK_ENCODINGS", "UNKNOWN_OWNER", "decode_bytes", "decode_fallback"]


@dataclass(frozen=True)
class LoadNotice:
    """Something the user should know about a file that is not a skipped record (e.g. its encoding)."""

    path: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}: {self.text}"


LoadItem = RawRecord | Skipped | LoadNotice


class Loader(Protocol):
    """One export format: a name, a cheap sniff and a streaming load."""

    name: str
    description: str

    def sniff(self, path: Path) -> bool:
        """True when the file looks like this format (reads at most a few KB)."""
        ...

    def load(self, path: Path) -> Iterator[LoadItem]:
        """Yield raw records, skipped records and notices, in file order."""
        ...

    def account_hint(self, path: Path) -> list[str]:
        """Handles the export itself names as its owner (empty when it names none)."""
        ...


def decode_lines(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """Yield (line number, text, encoding used when not UTF-8) for each line, BOM removed, never raising."""
    with path.open("rb") as handle:
        yield from decode_stream(handle)


def decode_stream(handle: Iterable[bytes], start: int = 1) -> Iterator[tuple[int, str, str | None]]:
    """decode_lines over any binary stream (a zip member, say; or part of a file, from line `start`)."""
    for number, raw in enumerate(handle, start=start):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield number, raw.decode("utf-8"), None
        except UnicodeDecodeError:
            yield number, *decode_fallback(raw)


def head(path: Path, size: int = 4096) -> str:
    """The first bytes of a file as text (BOM and undecodable bytes tolerated), for sniffing."""
    with path.open("rb") as handle:
        raw = handle.read(size)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    return raw.decode("utf-8", errors="replace")


def encoding_notice(path: Path | str, line: int, encoding: str) -> LoadNotice:
    """The warning given once per file whose bytes are not UTF-8."""
    return LoadNotice(str(path), f"not UTF-8 from line {line}; decoded as {encoding}, check accented text")
