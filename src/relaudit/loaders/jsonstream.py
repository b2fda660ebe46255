"""Reading big JSON exports record by record with ijson: bounded memory, located records, no traceback on bad JSON.

Two ways in:
- stream_array: a document that is one array (X's tweets.js after its `window.YTD... =` prefix, the relaudit JSON
  array). When each element opens its own line (the layout X and every pretty-printer write), elements are located
  by line; otherwise by record number. When ijson meets bad JSON, reading resumes from the last good element with
  Python's json, element by element, so the bad element is reported with Python's message and its line, and the
  elements after it are still read (X writes one element per `  {` line, so the next such line is a safe restart).
- stream_items: the elements of an array somewhere inside a document ("orderedItems.item" of a Mastodon outbox),
  located by record number; bad JSON ends the stream with one Skipped after the records read before it.

Both hand ijson UTF-8: a BOM is dropped and a file that is not UTF-8 is transcoded from cp1252 (latin-1 where cp1252
has no character), with one notice. ijson's Decimals are avoided with use_float=True (ints stay ints).
"""

from __future__ import annotations

import codecs
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import ijson

from relaudit.errors import InputError
from relaudit.loaders.base import FALLBACK_ENCODINGS, LoadItem, LoadNotice, encoding_notice
from relaudit.loaders.container import Container
from relaudit.model import Skipped, Source

# A chunk handed to ijson: about this much, extended to the end of its line (so lines and UTF-8 are never split)
# unless the line is longer than _LONG_LINE (a one-line export), then cut there.
_CHUNK = 64 * 1024
_LONG_LINE = 1024 * 1024
# Bytes kept for resuming after bad JSON; past this (an element of tens of MB, or a layout whose element starts are
# not where the pattern says) resuming is given up, so memory stays bounded whatever the file.
_MAX_KEPT = 32 * 1024 * 1024
# Nesting deeper than this is refused before ijson sees it: ijson keeps a prefix string per level, so a
# 100,000-deep document would need memory growing with the depth squared. Checked only in chunks with many
# brackets (a cheap count first), so ordinary exports pay nothing.
MAX_DEPTH = 512
_DEEP = re.compile(rb'(?:[\[{]\s*(?:"[^"\n]{0,64}"\s*:\s*)?){%d}' % MAX_DEPTH)


class NestedTooDeep(ijson.JSONError):
    """A document nested deeper than MAX_DEPTH: refused as bad JSON."""


_SPACE = b" \t\r\n"


@dataclass(frozen=True)
class Element:
    """One element of a streamed array and where it starts."""

    source: Source
    value: Any


class JsonReader:
    """The binary file ijson reads: UTF-8 chunks ending at line ends, counted, with element starts noted.

    ijson only asks for read(n); everything else here is bookkeeping for locating elements and for resuming after
    bad JSON: chunks since the last good element are kept (release() drops older ones), so memory stays bounded by
    an element or two plus one chunk.
    """

    def __init__(self, handle: BinaryIO, display: str) -> None:
        self.handle = handle
        self.display = display
        self.notices: list[LoadNotice] = []
        self.encoding: str | None = None
        self.line = 1  # the line the next chunk starts on
        self.offset = 0  # offset of the next chunk in the UTF-8 bytes handed out
        self.at_line_start = True
        self.kept: deque[tuple[int, int, bytes]] = deque()  # (offset, line, data) since the last release
        self.starts: deque[tuple[int, int]] = deque()  # (line, offset) of element starts seen, not yet taken
        self.start_pattern: re.Pattern[bytes] | None = None
        self._validator = codecs.getincrementaldecoder("utf-8")()
        self._pending: list[bytes] = []
        self._first = True
        self.keep = True  # False when nothing is ever resumed (stream_items): chunks are not kept
        self.kept_bytes = 0

    def read(self, size: int = -1) -> bytes:
        """The next chunk (ijson calls read(0) once to learn that this stream gives bytes)."""
        if size == 0:
            return b""
        if self._pending:
            return self._hand_out(self._pending.pop(0))
        data = self._next_raw()
        return self._hand_out(data) if data else b""

    def _next_raw(self) -> bytes:
        """A chunk from the file, transcoded to UTF-8, BOM dropped, refused when nested too deep."""
        data = self._next_decoded()
        if data.count(b"[") + data.count(b"{") > 4 * MAX_DEPTH and _DEEP.search(data):
            raise NestedTooDeep(f"nested deeper than {MAX_DEPTH} levels")
        return data

    def _next_decoded(self) -> bytes:
        data = self.handle.read(_CHUNK)
        if data and not data.endswith(b"\n"):
            data += self.handle.readline(_LONG_LINE)
        if self._first:
            self._first = False
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
        if not data:
            return b""
        if self.encoding is None:
            try:
                self._validator.decode(data)
                return data
            except UnicodeDecodeError as error:
                line = self.line + data.count(b"\n", 0, max(error.start, 0))
                self.encoding = _fallback(data)
                self.notices.append(encoding_notice(self.display, line, self.encoding))
        try:
            return data.decode(self.encoding).encode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1").encode("utf-8")

    def _hand_out(self, data: bytes) -> bytes:
        """Note a chunk's element starts and lines, keep it for resuming, and give it to the parser."""
        if self.start_pattern is not None:
            line, counted = self.line, 0
            for match in self.start_pattern.finditer(data):
                at = match.start()
                if at == 0 and not self.at_line_start:
                    continue
                line += data.count(b"\n", counted, at)
                counted = at
                self.starts.append((line, self.offset + at))
        if self.keep:
            self.kept.append((self.offset, self.line, data))
            self.kept_bytes += len(data)
            if self.kept_bytes > _MAX_KEPT:
                self.keep = False
                self.kept.clear()
        self.offset += len(data)
        self.line += data.count(b"\n")
        self.at_line_start = data.endswith(b"\n")
        return data

    def first_chunk(self) -> bytes:
        """Read the first chunk without handing it out yet (to look at the document's opening bytes)."""
        data = self._next_raw()
        return data

    def push_back(self, data: bytes) -> None:
        """Make data (the unread rest of the first chunk) the next thing handed out."""
        self._pending.insert(0, data)

    def skip(self, data: bytes) -> None:
        """Count bytes that are not handed to ijson (a prefix before the array)."""
        self.offset += len(data)
        self.line += data.count(b"\n")
        self.at_line_start = data.endswith(b"\n") or (not data and self.at_line_start)

    def release(self, offset: int) -> None:
        """Forget kept chunks that end before offset (the start of the last good element)."""
        while self.kept and self.kept[0][0] + len(self.kept[0][2]) <= offset:
            self.kept_bytes -= len(self.kept.popleft()[2])

    def lines_from(self, offset: int) -> Iterator[tuple[int, str]]:
        """(line number, text) from a kept offset on: the kept chunks, then the rest of the file."""
        carry, carry_line = b"", 0
        for line, data in self._chunks_from(offset):
            if carry:
                data, line = carry + data, carry_line
            start = 0
            while (end := data.find(b"\n", start)) >= 0:
                yield line, data[start : end + 1].decode("utf-8", errors="replace")
                line += 1
                start = end + 1
            carry, carry_line = data[start:], line
        if carry:
            yield carry_line, carry.decode("utf-8", errors="replace")

    def _chunks_from(self, offset: int) -> Iterator[tuple[int, bytes]]:
        """(first line, data) of the kept chunks from offset on, then of the chunks not yet read."""
        kept, pending = list(self.kept), self._pending
        self.kept.clear()
        self._pending = []
        for chunk_offset, chunk_line, data in kept:
            if chunk_offset + len(data) <= offset:
                continue
            if chunk_offset < offset:
                chunk_line += data.count(b"\n", 0, offset - chunk_offset)
                data = data[offset - chunk_offset :]
            yield chunk_line, data
        for data in pending:
            yield self.line, data
            self.line += data.count(b"\n")
        while data := self._next_raw():
            yield self.line, data
            self.line += data.count(b"\n")


def _fallback(data: bytes) -> str:
    for encoding in FALLBACK_ENCODINGS:
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return FALLBACK_ENCODINGS[-1]  # pragma: no cover


def _message(error: Exception) -> str:
    """ijson's (yajl's) error without the excerpt lines it adds below."""
    return str(error).strip().splitlines()[0].rstrip(".") if str(error).strip() else type(error).__name__


def stream_array(
    container: Container,
    member: str,
    *,
    prefix: re.Pattern[bytes] | None = None,
    expected: str = "expected a JSON array",
    noun: str = "record",
    bad: str = "bad JSON",
    by_line: bool = True,
) -> Iterator[Element | Skipped | LoadNotice]:
    """The elements of a member that is one JSON array (after an optional prefix), in order, never raising.

    Elements are located by line when the layout allows and by_line is set, else by record number. Bad JSON is a
    Skipped naming the element's line and Python's message, and reading resumes at the next element's line.
    """
    given = 0
    try:
        for item in _stream_array(container, member, prefix, expected, noun, bad, by_line):
            given += isinstance(item, Element)
            yield item
    except NestedTooDeep as error:
        where = Source(container.display(member), given + 1, unit="record")
        yield Skipped(where, f"{bad}: {error}; the rest of the file could not be read")


def _stream_array(
    container: Container,
    member: str,
    prefix: re.Pattern[bytes] | None,
    expected: str,
    noun: str,
    bad: str,
    by_line: bool,
) -> Iterator[Element | Skipped | LoadNotice]:
    display = container.display(member)
    # A member that cannot be opened (a zip bomb, say) stops the audit: InputError and OSError go up as they are.
    with container.open(member) as handle:
        reader = JsonReader(handle, display)
        first = reader.first_chunk()
        yield from _take(reader.notices)
        if not first.strip(_SPACE):
            return
        match = prefix.match(first) if prefix is not None else None
        at = match.end() if match else 0
        at = len(first) - len(first[at:].lstrip(_SPACE))
        if first[at : at + 1] != b"[":
            line = 1 + first.count(b"\n", 0, at)
            yield Skipped(Source(display, line), expected)
            return
        reader.skip(first[:at])
        start_pattern = _layout(first, at)
        reader.start_pattern = start_pattern
        reader.keep = start_pattern is not None  # without element lines there is nowhere safe to resume
        reader.push_back(first[at:])
        array_start = reader.offset
        located = start_pattern is not None and by_line
        index = 0
        last: tuple[int, int] | None = None  # (line, offset) of the last element given
        try:
            for value in ijson.items(reader, "item", use_float=True):
                index += 1
                start = reader.starts.popleft() if reader.starts else None
                if start is not None:
                    reader.release(start[1])
                    last = start
                yield from _take(reader.notices)
                where = Source(display, start[0]) if located and start else Source(display, index, unit="record")
                yield Element(where, value)
            yield from _take(reader.notices)
            return
        except ijson.JSONError as error:
            yield from _take(reader.notices)
            if start_pattern is None or not reader.keep or isinstance(error, NestedTooDeep):
                reason = f"{bad}: {_message(error)}; the rest of the file could not be read"
                yield Skipped(Source(display, index + 1, unit="record"), reason)
                return
        # Resume with Python's json from the last good element (read again, not given again) or the array's start.
        lines = reader.lines_from(last[1] if last else array_start + 1)
        for item in _resume(lines, start_pattern, display, noun, bad, skip_first=last is not None):
            if isinstance(item, Element) and not located:
                index += 1
                item = Element(Source(display, index, unit="record"), item.value)
            yield from _take(reader.notices)
            yield item
        yield from _take(reader.notices)


def _take(notices: list[LoadNotice]) -> Iterator[LoadNotice]:
    while notices:
        yield notices.pop(0)


def _layout(first: bytes, at: int) -> re.Pattern[bytes] | None:
    """A pattern for the lines elements open on, when the first element opens its own line after the `[`."""
    after = first[at + 1 :]
    body = after.lstrip(_SPACE)
    gap = after[: len(after) - len(body)]
    if not body.startswith(b"{") or b"\n" not in gap:
        return None
    indent = gap[gap.rfind(b"\n") + 1 :]
    if indent.strip(b" \t"):
        return None  # pragma: no cover
    return re.compile(rb"^" + re.escape(indent) + rb"\{", re.MULTILINE)


def _resume(
    lines: Iterator[tuple[int, str]],
    start_pattern: re.Pattern[bytes],
    display: str,
    noun: str,
    bad: str,
    *,
    skip_first: bool,
) -> Iterator[Element | Skipped]:
    """Parse the rest of an array one segment (an element's lines) at a time with Python's json."""
    pattern = re.compile(start_pattern.pattern.decode())
    segment: list[str] = []
    segment_line = 0
    filled = False  # the segment holds more than blank lines
    skip = skip_first
    for number, text in lines:
        if filled and pattern.match(text):
            items, done = _segment("".join(segment), segment_line, display, noun, bad, last=False)
            for item in items:
                if skip and isinstance(item, Element):
                    skip = False
                    continue
                yield item
            if done:
                return
            segment, filled = [], False
        if not segment:
            segment_line = number
        segment.append(text)
        filled = filled or bool(text.strip())
    items, _ = _segment("".join(segment), segment_line, display, noun, bad, last=True)
    for item in items:
        if skip and isinstance(item, Element):
            skip = False
            continue
        yield item


def _segment(
    text: str, first_line: int, display: str, noun: str, bad: str, *, last: bool
) -> tuple[list[Element | Skipped], bool]:
    """The elements in one segment of an array and whether the array ended (or cannot be read further) in it."""
    decoder = json.JSONDecoder()
    out: list[Element | Skipped] = []
    pos = 0

    def line_at(at: int) -> int:
        return first_line + text.count("\n", 0, at)

    def skip_space(at: int) -> int:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        return at

    while True:
        pos = skip_space(pos)
        if pos >= len(text):
            if last:
                out.append(Skipped(Source(display, line_at(pos)), "the array is not closed; the file may be cut short"))
            return out, last
        if text[pos] == "]":
            return out, True
        start = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except RecursionError:
            out.append(Skipped(Source(display, line_at(start)), f"{bad}: nested too deeply"))
            return out, last
        except json.JSONDecodeError as error:
            detail = error.msg.removesuffix(" at")
            reason = f"{bad}: {detail} (line {first_line + error.lineno - 1}, column {error.colno})"
            rest = "; the rest of the file could not be read" if last else ""
            out.append(Skipped(Source(display, line_at(start)), reason + rest))
            return out, last
        out.append(Element(Source(display, line_at(start)), value))
        pos = skip_space(end)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] not in "]{":  # a missing comma before the next "{" loses nothing
            where = Source(display, line_at(pos))
            if last:
                out.append(Skipped(where, f"{bad} after a {noun}; the rest of the file could not be read"))
            else:
                out.append(Skipped(where, f"{bad} between {noun}s: expected ',' or ']'"))
            return out, last


def stream_items(container: Container, member: str, prefix: str) -> Iterator[tuple[int, Any] | LoadItem]:
    """(record number, value) for each element at an ijson prefix, in order; bad JSON ends it with one Skipped."""
    display = container.display(member)
    try:
        handle = container.open(member)
    except (OSError, InputError) as error:
        yield Skipped(Source(display, 1, unit="record"), f"cannot read: {error}")
        return
    with handle:
        reader = JsonReader(handle, display)
        reader.keep = False
        index = 0
        try:
            for value in ijson.items(reader, prefix, use_float=True):
                index += 1
                yield from _take(reader.notices)
                yield index, value
        except ijson.JSONError as error:
            yield from _take(reader.notices)
            after = f"; records after number {index} could not be read" if index else "; no record could be read"
            yield Skipped(Source(display, index + 1, unit="record"), f"bad JSON: {_message(error)}{after}")
        yield from _take(reader.notices)


def first_value(container: Container, member: str, prefix: str, accept: Callable[[Any], bool]) -> Any:
    """The first value at an ijson prefix that accept() takes, reading no further than it; None if there is none."""
    try:
        with container.open(member) as handle:
            reader = JsonReader(handle, container.display(member))
            reader.keep = False
            for value in ijson.items(reader, prefix, use_float=True):
                if accept(value):
                    return value
    except (ijson.JSONError, OSError, InputError):
        return None
    return None


def has_array(container: Container, member: str, prefix: str) -> bool:
    """True when the document holds an array at the ijson prefix (read up to it)."""
    try:
        with container.open(member) as handle:
            reader = JsonReader(handle, container.display(member))
            reader.keep = False
            return any(path == prefix and event == "start_array" for path, event, _ in ijson.parse(reader))
    except (ijson.JSONError, OSError, InputError):
        return False


def list_prefix(container: Container, member: str, keys: tuple[str, ...] | None = None) -> str | Skipped | None:
    """The ijson prefix of a document's records: "item" for a top-level array, "KEY.item" for the first top-level
    key holding an array (one of keys, when given); None when there is none, a Skipped when the JSON breaks first."""
    display = container.display(member)
    try:
        with container.open(member) as handle:
            reader = JsonReader(handle, display)
            reader.keep = False
            key = None
            for path, event, value in ijson.parse(reader):
                if path == "" and event == "start_array":
                    return "item"
                if path == "" and event == "map_key":
                    key = value
                elif event == "start_array" and key is not None and path == key and (keys is None or key in keys):
                    return f"{key}.item"
    except ijson.JSONError as error:
        return Skipped(Source(display, 1, unit="record"), f"bad JSON: {_message(error)}; no record could be read")
    except (OSError, InputError) as error:
        return Skipped(Source(display, 1, unit="record"), f"cannot read: {error}")
    return None
