"""JSON content calendars: a list of drafts (or an object holding one), with where each string value sits."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from typing import Any

from relaudit.errors import InputError

LIST_KEYS = ("drafts", "posts", "items", "entries", "calendar", "schedule")
_TOKEN = re.compile(r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\],:])|(?P<other>[^\s{}\[\],:"]+))', re.DOTALL)

Path = tuple[Any, ...]


def json_drafts(label: str, text: str) -> Iterator[tuple[dict[str, str], int, int, dict[str, list[tuple[int, int]]]]]:
    """(fields, draft number, first line, positions of each string field's characters) per calendar entry."""
    text = text.lstrip("\ufeff")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{label}:{error.lineno}: invalid JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise InputError(f"{label}: JSON nested too deeply to be a content calendar") from None
    entries, prefix = _entries(label, document)
    strings, starts = _string_tokens(text)
    lines = [0] + [m.end() for m in re.finditer("\n", text)]
    for index, entry in enumerate(entries):
        where = (*prefix, index)
        if not isinstance(entry, dict):
            raise InputError(f"{label}:{_line(lines, starts.get(where, 0))}: entry {index + 1} is not an object")
        fields: dict[str, str] = {}
        positions: dict[str, list[tuple[int, int]]] = {}
        for key, value in entry.items():
            name = str(key).strip().lower()
            if isinstance(value, str):
                fields[name] = value
                token = strings.get((*where, key))
                positions[name] = _char_positions(text, token, lines) if token is not None else []
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                fields[name] = str(value)
        yield fields, index + 1, _line(lines, starts.get(where, 0)), positions


def _entries(label: str, document: Any) -> tuple[list[Any], Path]:
    if isinstance(document, list):
        return document, ()
    if isinstance(document, dict):
        for key in LIST_KEYS:
            if isinstance(document.get(key), list):
                return document[key], (key,)
    raise InputError(f"{label}: expected a list of drafts, or an object with one under {', '.join(LIST_KEYS)}")


def _string_tokens(text: str) -> tuple[dict[Path, int], dict[Path, int]]:
    """The start of every string value's token, and of every value, by JSON path (the text is valid JSON)."""
    strings: dict[Path, int] = {}
    starts: dict[Path, int] = {}
    stack: list[list[Any]] = []  # per open container: [kind, current key or index, expecting key]
    path: list[Any] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() != position:
            break
        position = match.end()
        kind = match.lastgroup
        token = match.group(kind or "other")
        start = match.start(kind or "other")
        top = stack[-1] if stack else None
        if kind == "punct" and token in ",:}]":
            if token == "," and top is not None:
                if top[0] == "[":
                    top[1] += 1
                else:
                    top[2] = True
            elif token in "}]":
                stack.pop()
                if path:
                    path.pop()
            continue
        if top is not None and top[0] == "{" and top[2]:
            top[1], top[2] = json.loads(token), False
            continue
        here = (*path, top[1]) if top is not None else ()
        starts[here] = start
        if kind == "string":
            strings[here] = start
        elif token in "{[":
            if top is not None:
                path.append(top[1])
            stack.append([token, 0 if token == "[" else None, token == "{"])
    return strings, starts


def _char_positions(text: str, start: int, lines: list[int]) -> list[tuple[int, int]]:
    """(line, column) of each character of the decoded string whose token starts at `start`."""
    positions = []
    i = start + 1
    while text[i] != '"':
        here = _place(lines, i)
        if text[i] != "\\":
            positions.append(here)
            i += 1
            continue
        code = text[i + 1]
        if code != "u":
            positions.append(here)
            i += 2
            continue
        value = int(text[i + 2 : i + 6], 16)
        i += 6
        if 0xD800 <= value < 0xDC00 and text.startswith("\\u", i):  # a surrogate pair is one character
            i += 6
        positions.append(here)
    return positions


def _place(lines: list[int], index: int) -> tuple[int, int]:
    row = bisect.bisect_right(lines, index) - 1
    return row + 1, index - lines[row] + 1


def _line(lines: list[int], index: int) -> int:
    return bisect.bisect_right(lines, index)
