"""CSV rows with the physical line each starts on, for the CSV loaders (tolerant decoding, never raising)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from relaudit.loaders.base import LoadItem, decode_lines, encoding_notice, head
from relaudit.model import Skipped, Source

_LEADING_MENTION = re.compile(r"^@([A-Za-z0-9_]+)")


@dataclass(frozen=True)
class Row:
    """One CSV row: the line it starts on, its cells, or the parser's complaint when it could not be read."""

    line: int
    cells: list[str]
    error: str | None = None


def csv_rows(path: Path, notices: list[LoadItem]) -> Iterator[Row]:
    """The header row first, then every non-blank row of a CSV file (see rows_from_lines)."""
    return rows_from_lines(decode_lines(path), str(path), notices)


def rows_from_lines(
    lines: Iterable[tuple[int, str, str | None]], display: str, notices: list[LoadItem], escapechar: str | None = None
) -> Iterator[Row]:
    """CSV rows from decoded lines; a row the csv module rejects comes with its error instead of cells.

    A cell may span several lines, so each row carries the line it starts on. The first line that is not UTF-8
    appends one notice to `notices`; the caller passes notices on between rows.
    """
    numbers: list[int] = []

    def texts() -> Iterator[str]:
        warned = False
        for number, text, encoding in lines:
            if encoding and not warned:
                warned = True
                notices.append(encoding_notice(Path(display), number, encoding))
            numbers.append(number)
            yield text

    reader = csv.reader(texts(), escapechar=escapechar)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The reader resets its state after an error, so reading goes on at the next line.
            reason = str(error)
            if "new-line character" in reason:
                reason = "a line break (carriage return) outside quotes splits the row"
            yield Row(start, [], f"unreadable CSV row: {reason}")
            start = numbers[-1] + 1 if numbers else start + 1
            continue
        line, start = start, numbers[-1] + 1
        if any(cell.strip() for cell in cells):
            yield Row(line, cells)


def table_rows(path: Path) -> Iterator[LoadItem | tuple[Source, dict[str, str]]]:
    """Rows keyed by the header's lower-cased column names; bad rows as Skipped, notices passed through."""
    notices: list[LoadItem] = []
    columns: list[str] | None = None
    for row in csv_rows(path, notices):
        yield from notices
        notices.clear()
        source = Source(str(path), row.line)
        if columns is None:
            if row.error:
                yield Skipped(source, f"{row.error}; no header, so no record could be read")
                return
            columns = [cell.strip().lower() for cell in row.cells]
            continue
        if row.error:
            yield Skipped(source, row.error)
        elif len(row.cells) != len(columns):
            yield Skipped(source, f"CSV row has {len(row.cells)} cells, header has {len(columns)}")
        else:
            yield source, dict(zip(columns, row.cells))
    yield from notices


def header_of(path: Path) -> list[str]:
    """The lower-cased column names of a CSV file's first line, from its first few KB (for sniffing)."""
    start = head(path)
    first = start.splitlines()[0] if start.strip() else ""
    try:
        cells = next(csv.reader([first]), [])
    except csv.Error:
        return []
    return [cell.strip().lower() for cell in cells]


def leading_mention(text: str) -> str | None:
    """The handle a reply's text starts with ("@handle ..."), which Twitter put first in replies; else None."""
    match = _LEADING_MENTION.match(text.strip())
    return match.group(1) if match else None
