"""The relaudit format: JSON Lines, a JSON array or CSV with id, author, text, created_at and optional fields."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path

from relaudit.loaders.base import LoadItem, decode_lines, encoding_notice, head
from relaudit.loaders.container import Container
from relaudit.loaders.csvrows import table_rows
from relaudit.loaders.jsonstream import Element, stream_array
from relaudit.model import RawRecord, Skipped, Source, build_record, build_source

name = "relaudit"
description = "relaudit format: JSON Lines, JSON array or CSV (id, author, text, created_at, ...)"
contains = "every message you put in it: own posts, replies, inbound messages, threads"
lacks = "nothing by itself; it holds what you export into it"

FIELDS = (
    "id",
    "author",
    "text",
    "created_at",
    "in_reply_to",
    "in_reply_to_author",
    "platform",
    "likes",
    "reposts",
    "is_repost",
    "url",
)
REQUIRED_HEADER = {"id", "author", "created_at"}


def sniff(path: Path) -> bool:
    """A JSON object (or array of them) or a CSV header naming id, author and created_at."""
    if not path.is_file():
        return False
    start = head(path).lstrip()
    if start.startswith(("{", "[")):
        first = start[:2000]
        return all(f'"{key}"' in first for key in ("id", "author", "created_at")) or start.startswith("[]")
    header = start.splitlines()[0] if start else ""
    columns = {column.strip().strip('"').lower() for column in header.split(",")}
    return columns >= REQUIRED_HEADER


def account_hint(path: Path) -> list[str]:
    """The relaudit format carries no owner metadata."""
    return []


def load(path: Path) -> Iterator[LoadItem]:
    """Stream records from whichever of the three layouts the file uses (decided by its first non-blank line)."""
    notices: list[LoadItem] = []
    lines = _decoded(path, notices)  # a generator, so the array branch can close it
    first = _first(lines)
    if first is None:
        return
    stripped = first[1].lstrip()
    if stripped.startswith("["):
        lines.close()  # the array is streamed from the file again, by ijson; it gives its own encoding notice
        yield from _load_array(path)
    elif stripped.startswith("{"):
        yield from _load_jsonl(path, _chain([first], lines), notices)
    else:
        # CSV is read by the shared reader, which locates rows across multi-line cells and skips unreadable ones.
        for item in table_rows(path):
            yield _record(item[1], item[0]) if isinstance(item, tuple) else item


def is_json_lines(path: Path) -> bool:
    """Whether load() reads the file as JSON Lines: one record a line, so any stretch of whole lines reads alone."""
    first = _first((number, text) for number, text, _ in decode_lines(path))
    return first is not None and first[1].lstrip().startswith("{")


def json_lines(path: Path | str, lines: Iterable[tuple[int, str]]) -> Iterator[RawRecord | Skipped]:
    """The records of some lines of a JSON Lines file, as load() gives them (encoding notices aside)."""
    yield from _load_jsonl(path, lines, [])  # type: ignore[misc]  # (no notices: the list stays empty)


def _first(lines: Iterable[tuple[int, str]]) -> tuple[int, str] | None:
    """The first line that is not blank (the one that decides the layout)."""
    return next((item for item in lines if item[1].strip()), None)


def _decoded(path: Path, notices: list[LoadItem]) -> Generator[tuple[int, str], None, None]:
    """Decoded lines; the first line that is not UTF-8 adds a notice for the layout reader to pass on."""
    warned = False
    for number, text, encoding in decode_lines(path):
        if encoding and not warned:
            warned = True
            notices.append(encoding_notice(path, number, encoding))
        yield number, text


def _flush(notices: list[LoadItem]) -> Iterator[LoadItem]:
    yield from notices
    notices.clear()


def _chain(first: list[tuple[int, str]], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield from first
    yield from rest


def _load_jsonl(path: Path | str, lines: Iterable[tuple[int, str]], notices: list[LoadItem]) -> Iterator[LoadItem]:
    where = sys.intern(str(path))  # as Source keeps it
    for number, text in lines:
        if notices:
            yield from _flush(notices)
        if not text.strip():
            continue
        source = build_source(where, number, "line")
        try:
            value = _loads(text)
        except json.JSONDecodeError as error:
            yield Skipped(source, f"bad JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:
            yield Skipped(source, "bad JSON: nested too deeply")
            continue
        yield _record(value, source)
    yield from _flush(notices)


def _loads(text: str) -> object:
    """json.loads(text): orjson's value where it is surely the same (see _orjson), else json's, a fifth faster."""
    if _ORJSON is not None:
        try:
            value = _ORJSON(text)
        except ValueError:  # orjson.JSONDecodeError; json says what is wrong, or takes what orjson does not
            pass
        else:
            if type(value) is dict and _EXACT.issuperset(map(type, value.values())):
                return value
    # json.loads strips white space with two regex matches around the scanner; a line that starts with "{" and
    # whose object ends at its line break needs neither. Anything else, errors included, goes to json.loads.
    if text.startswith("{"):
        try:
            value, end = _SCAN(text, 0)
        except (StopIteration, ValueError, RecursionError):
            return json.loads(text)
        if end == len(text) or text[end:] in ("\n", "\r\n"):
            return value
    return json.loads(text)


# what json.loads calls inside, with the same (default) settings; typeshed leaves the attribute out
_SCAN: Callable[[str, int], tuple[object, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _orjson() -> Callable[[str], object] | None:
    """orjson.loads, when the optional extra "fast" installed it: a line in about a third of json's time.

    It takes only what json takes (rejecting more: NaN, Infinity, 1e400, lone surrogates, deep nesting, which json
    then reads), and gives the same keys in the same order, strings, booleans, null and integers; but an integer
    beyond 64 bits comes out as a float. So its value is used only for an object of such values at the top (nearly
    every record); a float or a nested value anywhere sends the line to json. tests/test_normalise.py compares both.
    """
    try:
        from orjson import loads
    except ImportError:
        return None
    return loads


_ORJSON = _orjson()
_EXACT = frozenset({str, int, bool, type(None)})  # the top-level values orjson gives exactly as json does


def _load_array(path: Path) -> Iterator[LoadItem]:
    # Streamed element by element; each element's source is its index, a broken element is reported by its line.
    container = Container(path)
    for item in stream_array(container, container.names()[0], noun="record", bad="bad JSON array", by_line=False):
        yield _record(item.value, item.source) if isinstance(item, Element) else item


def _record(value: object, source: Source) -> RawRecord | Skipped:
    if not isinstance(value, dict):
        return Skipped(source, f"expected an object, found {type(value).__name__}")
    if "is_private" in value or "text_kind" in value:
        # keys the format does not have but normalise() reads: keep to the format's fields
        value = {key: value[key] for key in FIELDS if key in value}
    value["text_kind"] = "plain"  # a fresh dict from the parser: normalise() reads only the keys it knows
    return build_record(value, source)
