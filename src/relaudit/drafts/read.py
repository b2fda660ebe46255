"""Reading drafts: text or Markdown files (drafts separated by `---` lines), standard input, content calendars.

Every draft keeps where each of its characters sits in the file the user gave, so a finding can name the line and
column of the words that triggered it, even inside a quoted CSV cell or an escaped JSON string.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from relaudit.dates import parse_datetime
from relaudit.decoding import decode_bytes
from relaudit.drafts.calendar_json import json_drafts
from relaudit.errors import InputError

TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".mdx")
PLATFORM_ALIASES = {
    "x": "x",
    "twitter": "x",
    "x/twitter": "x",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "bsky": "bluesky",
    "threads": "threads",
    "linkedin": "linkedin",
    "facebook": "facebook",
    "fb": "facebook",
    "instagram": "instagram",
    "ig": "instagram",
}
# Calendar columns: the first header (lower-cased) found in each tuple is used.
COLUMNS = {
    "text": ("text", "message", "post", "content", "body", "copy", "caption", "draft"),
    "date": ("date", "scheduled", "scheduled_at", "publish_at", "publish_date", "datetime", "time", "when"),
    "platform": ("platform", "network", "channel", "service"),
    "link": ("link", "url"),
    "account": ("account", "handle", "profile", "author"),
    "ignore": ("relaudit_ignore", "ignore"),
}
_SUPPRESSION = re.compile(
    r"^\s*(?:<!--|#|//|;)?\s*relaudit:\s*(?:ignore|disable)\s+(?P<ids>[\w\- ,]+?)\s*(?:--\s.*?)?\s*(?:-->)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Segment:
    """A run of draft text that sits unbroken in the file: its text offset and its file line and column (1-based)."""

    offset: int
    line: int
    column: int


@dataclass(frozen=True)
class Suppression:
    """An inline `relaudit: ignore RULE[, RULE]` in a draft, and the line it is on."""

    rules: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Draft:
    """One draft post and what the calendar or file says about it."""

    path: str
    number: int
    text: str
    segments: tuple[Segment, ...]
    platform: str | None = None
    date: datetime | None = None
    account: str | None = None
    link: str | None = None
    suppressions: tuple[Suppression, ...] = ()
    row: int | None = None  # the calendar row's first line

    @property
    def line(self) -> int:
        """The line the draft starts on."""
        return self.row if self.row is not None else self.segments[0].line if self.segments else 1

    def position(self, offset: int) -> tuple[int, int]:
        """The file line and column of a text offset (the end of the text maps just past its last character)."""
        if not self.segments:
            return self.line, 1
        starts = [s.offset for s in self.segments]
        segment = self.segments[max(bisect.bisect_right(starts, offset) - 1, 0)]
        return segment.line, segment.column + offset - segment.offset


@dataclass
class Read:
    """The drafts read from every input, and the problems found on the way (as `file:line: reason`)."""

    drafts: list[Draft] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def platform_name(value: str) -> str | None:
    """The platform a user's spelling means (`Twitter` → x), or None when it is not one we know."""
    return PLATFORM_ALIASES.get(value.strip().lower())


def read_inputs(paths: list[str], stdin_text: str | None, stdin_name: str | None) -> Read:
    """Drafts from every path (`-` is standard input, a folder is searched for text and Markdown files)."""
    result = Read()
    for name in dict.fromkeys(paths):  # a file named twice is read once
        if name == "-":
            if stdin_text is None:
                raise InputError("-: standard input can be read once only")
            label = stdin_name or "<stdin>"
            _read_text_of(label, stdin_text, result)
            stdin_text = None
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not found:
                result.warnings.append(f"{name}: no text or Markdown drafts in this folder")
            for each in found:
                _read_file(each, result)
        else:
            _read_file(path, result)
    return result


def _read_file(path: Path, result: Read) -> None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    text, encoding = decode_bytes(raw)
    if encoding:
        result.warnings.append(f"{path}:1: not UTF-8; decoded as {encoding}, check accented text")
    _read_text_of(str(path), text, result)


def _read_text_of(label: str, text: str, result: Read) -> None:
    suffix = Path(label).suffix.lower()
    if suffix == ".csv":
        result.drafts.extend(csv_drafts(label, text, result.warnings))
    elif suffix == ".json":
        for fields, number, row, positions in json_drafts(label, text):
            result.drafts.append(_calendar_draft(label, number, row, fields, positions, result.warnings))
    else:
        result.drafts.extend(text_drafts(label, text, result.warnings))


def text_drafts(label: str, text: str, warnings: list[str]) -> Iterator[Draft]:
    """Drafts of a text or Markdown file: blocks between lines holding only `---`; front matter sets defaults."""
    lines = text.lstrip("\ufeff").splitlines()
    meta: dict[str, object] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        front = _front_matter(lines[1:end]) if end is not None else None
        if front is not None:
            meta, start = front, end + 1  # type: ignore[operator]
    defaults = _metadata(label, 1, {k: str(v) for k, v in meta.items() if v is not None}, warnings)
    block: list[tuple[int, str]] = []
    number = 0
    for index in range(start, len(lines) + 1):
        if index < len(lines) and lines[index].strip() != "---":
            block.append((index + 1, lines[index]))
            continue
        draft = _block_draft(label, number + 1, block, defaults)
        block = []
        if draft is not None:
            number += 1
            yield draft


def _front_matter(lines: list[str]) -> dict[str, object] | None:
    """The YAML mapping before the first `---`, when it is one whose keys a draft can use; else None."""
    try:
        data = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not data or not set(map(str, data)) & {"platform", "date", "account", "link"}:
        return None
    return {str(k): v for k, v in data.items()}


def _block_draft(label: str, number: int, block: list[tuple[int, str]], defaults: dict[str, object]) -> Draft | None:
    kept: list[tuple[int, str]] = []
    suppressions = []
    for line_number, line in block:
        match = _SUPPRESSION.match(line)
        if match:
            ids = tuple(i for i in re.split(r"[\s,]+", match["ids"]) if i)
            suppressions.append(Suppression(ids, line_number))
        else:
            kept.append((line_number, line))
    while kept and not kept[0][1].strip():
        kept.pop(0)
    while kept and not kept[-1][1].strip():
        kept.pop()
    if not kept:
        return None
    segments, parts, offset = [], [], 0
    for line_number, line in kept:
        segments.append(Segment(offset, line_number, 1))
        parts.append(line)
        offset += len(line) + 1
    return Draft(label, number, "\n".join(parts), tuple(segments), suppressions=tuple(suppressions), **defaults)  # type: ignore[arg-type]


def csv_drafts(label: str, text: str, warnings: list[str]) -> Iterator[Draft]:
    """Drafts of a CSV content calendar: one per row, the text from its text column."""
    text = text.lstrip("\ufeff")
    rows = scan_csv(text)
    first = next(rows, None)
    if first is None:
        return
    header_line, header = first
    names = [cell[0].strip().lower() for cell in header]
    if not any(name in names for name in COLUMNS["text"]):
        raise InputError(f"{label}:{header_line}: no text column (name one of: {', '.join(COLUMNS['text'])})")
    number = 0
    text_column = next(names.index(k) for k in COLUMNS["text"] if k in names)
    for line, cells in rows:
        if not any(cell[0].strip() for cell in cells):
            continue
        if len(cells) > len(names):
            warnings.append(f"{label}:{line}: {len(cells)} cells but {len(names)} columns; extra cells ignored")
        fields = {names[i]: cell[0] for i, cell in enumerate(cells[: len(names)])}
        positions = {names[text_column]: cell_positions(text, cells[text_column])} if text_column < len(cells) else {}
        number += 1
        yield _calendar_draft(label, number, line, fields, positions, warnings)


def _calendar_draft(
    label: str,
    number: int,
    row: int,
    fields: dict[str, str],
    positions: dict[str, list[tuple[int, int]]],
    warnings: list[str],
) -> Draft:
    key = next((k for k in COLUMNS["text"] if k in fields), "text")
    body = fields.get(key, "")
    where = positions.get(key, [])
    kept_chars: list[str] = []
    kept_pos: list[tuple[int, int]] = []
    suppressions = []
    offset = 0
    for line in body.split("\n"):
        match = _SUPPRESSION.match(line)
        if match:
            first = where[offset] if offset < len(where) else (row, 1)
            suppressions.append(Suppression(tuple(i for i in re.split(r"[\s,]+", match["ids"]) if i), first[0]))
        else:
            kept_chars.append(line + "\n")
            kept_pos.extend(where[offset : offset + len(line) + 1])
        offset += len(line) + 1
    text = "".join(kept_chars)[:-1] if kept_chars else ""
    ignore_key = next((k for k in COLUMNS["ignore"] if k in fields), None)
    if ignore_key and fields[ignore_key].strip():
        suppressions.append(Suppression(tuple(i for i in re.split(r"[\s,]+", fields[ignore_key]) if i), row))
    stripped = len(text) - len(text.lstrip())
    text = text.strip()
    meta = {name: fields[k] for name in ("date", "platform", "link", "account") for k in COLUMNS[name] if k in fields}
    return Draft(
        label,
        number,
        text,
        compress(kept_pos[stripped : stripped + len(text)]),
        suppressions=tuple(suppressions),
        row=row,
        **_metadata(label, row, meta, warnings),  # type: ignore[arg-type]
    )


def _metadata(label: str, line: int, fields: dict[str, str], warnings: list[str]) -> dict[str, object]:
    """Platform, date, account and link from a row or front matter; values we cannot use are warned about."""
    meta: dict[str, object] = {}
    raw_platform = (fields.get("platform") or "").strip()
    if raw_platform:
        name = platform_name(raw_platform)
        if name is None:
            warnings.append(
                f"{label}:{line}: platform '{raw_platform[:40]}' is not one relaudit knows; length not checked"
            )
        meta["platform"] = name
    raw_date = (fields.get("date") or "").strip()
    if raw_date:
        moment = parse_datetime(raw_date)
        if moment is None:
            warnings.append(f"{label}:{line}: date '{raw_date[:40]}' not understood; checked without a date")
        meta["date"] = moment
    for name in ("account", "link"):
        value = (fields.get(name) or "").strip()
        if value:
            meta[name] = value
    return meta


def compress(positions: list[tuple[int, int]]) -> tuple[Segment, ...]:
    """Per-character (line, column) positions as runs that continue on one line."""
    segments: list[Segment] = []
    previous: tuple[int, int] | None = None
    for offset, (line, column) in enumerate(positions):
        if previous is None or line != previous[0] or column != previous[1] + 1:
            segments.append(Segment(offset, line, column))
        previous = (line, column)
    return tuple(segments)


Cell = tuple[str, int, int, int]  # value, raw offset of the cell, its line and column


def scan_csv(text: str) -> Iterator[tuple[int, list[Cell]]]:
    """CSV rows as (first line, cells), each cell with where it starts in the text (RFC 4180 quoting).

    The csv module reads the same values but cannot say where a cell sits, hence this; rows come one at a time so a
    large calendar is never held whole beyond its text.
    """
    row: list[Cell] = []
    i, line, column, size = 0, 1, 1, len(text)
    row_line = 1
    while i <= size:
        value, end, end_line, end_column = _walk_cell(text, i, line, column, None)
        row.append((value, i, line, column))
        i, line, column = end, end_line, end_column
        if i < size and text[i] == ",":
            i, column = i + 1, column + 1
            continue
        if len(row) > 1 or row[0][0]:
            yield row_line, row
        if i >= size:
            break
        i += 2 if text.startswith("\r\n", i) else 1
        line, column, row, row_line = line + 1, 1, [], line + 1


def cell_positions(text: str, cell: Cell) -> list[tuple[int, int]]:
    """The (line, column) of each character of a cell's value, walking its raw text again."""
    where: list[tuple[int, int]] = []
    _walk_cell(text, cell[1], cell[2], cell[3], where)
    return where


def _walk_cell(
    text: str, i: int, line: int, column: int, where: list[tuple[int, int]] | None
) -> tuple[str, int, int, int]:
    """Read one cell from offset i: its value and where reading stopped (offset, line, column).

    With `where`, the (line, column) of each value character is appended to it; a doubled quote is one character.
    """
    size = len(text)
    chars: list[str] = []
    if i < size and text[i] == '"':
        i, column = i + 1, column + 1
        while i < size:
            char = text[i]
            if char == '"':
                if i + 1 < size and text[i + 1] == '"':
                    chars.append('"')
                    if where is not None:
                        where.append((line, column))
                    i, column = i + 2, column + 2
                    continue
                i, column = i + 1, column + 1
                break
            chars.append(char)
            if where is not None:
                where.append((line, column))
            i += 1
            line, column = (line + 1, 1) if char == "\n" else (line, column + 1)
    end = i
    while end < size and text[end] not in ",\r\n":
        end += 1
    chars.append(text[i:end])
    if where is not None:
        where.extend((line, column + k) for k in range(end - i))
    return "".join(chars), end, line, column + end - i
