"""The LinkedIn data export: Shares.csv and Comments.csv, alone, in a folder, or in the export zip.

Shares.csv (Date, ShareLink, ShareCommentary, SharedUrl, MediaUrl, Visibility): one record per post. LinkedIn wraps
every line of a multi-line ShareCommentary in an extra pair of quotes (the cell reads `first"`, `"middle"`, ...,
`"last`); when every line shows that pattern, one quote is taken off each side of each line. id = the share's URN
(urn:li:share:..., from ShareLink), url = ShareLink. A row with no commentary, no SharedUrl and no MediaUrl is a
repost (LinkedIn's "repost" without thoughts leaves exactly that); Visibility is not privacy (MEMBER_NETWORK means
connections, not a direct message). LinkedIn writes a post with several media items once per item (same ShareLink,
another MediaUrl): the first row is the post, the repeats are skipped with that reason.

Comments.csv (Date, Link, Message): one record per comment. Quotes inside a cell are escaped with a backslash (\\")
as well as doubled, so the file is read with escapechar. A comment has no id, so its id is "li-comments-N" (the Nth
comment); in_reply_to is the URN of the post commented on (urn:li:activity:..., urn:li:ugcPost:...). When that is
one of the owner's own shares (ugcPost URNs match Shares.csv's), the comment hangs under it as part of a thread;
otherwise the parent's author is unknown and the comment counts as a reply to someone else.
LinkedIn starts a reply to a comment with the replied-to person's name ("Ayush Mandowara Haven't tried..."); names
cannot be told from words, so the text is kept as it is.

Dates ("2025-07-01 14:33:22") are UTC. Rows are reported by the physical line they start on.

Author: the export's CSVs never name their owner. Profile.csv ("First Name", "Last Name"), when beside them in the
folder or zip, gives the owner's name ("Anand S", normalised "anand s"); otherwise records are by "unknown-owner"
and a notice asks for --account (which then stands for them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from relaudit.errors import InputError
from relaudit.loaders.base import (
    UNKNOWN_OWNER,
    LoadItem,
    LoadNotice,
    decode_lines,
    decode_stream,
)
from relaudit.loaders.container import Container
from relaudit.loaders.csvrows import Row, rows_from_lines
from relaudit.loaders.jsondoc import member_head, safe_container
from relaudit.model import RawRecord, Skipped, Source

name = "linkedin"
description = "LinkedIn data export (zip, folder, Shares.csv or Comments.csv)"

SHARES_HEADER = ["date", "sharelink", "sharecommentary", "sharedurl", "mediaurl", "visibility"]
COMMENTS_HEADER = ["date", "link", "message"]
_FILES = {"shares.csv": "shares", "comments.csv": "comments"}


def sniff(path: Path) -> bool:
    """Shares.csv or Comments.csv by header, or a folder / zip holding one at any depth."""
    container = safe_container(path)
    if container is None:
        return False
    if container.kind == "file":
        return _kind_of(member_head(container, path.name)) is not None
    return bool(_members(container))


def account_hint(path: Path) -> list[str]:
    """The owner's name from Profile.csv beside the CSVs; [] when the export has none."""
    container = safe_container(path)
    owner = _owner(container) if container is not None else None
    return [owner] if owner else []


def load(path: Path) -> Iterator[LoadItem]:
    """Every share, then every comment, in file order."""
    container = Container(path)
    if container.kind == "file":
        kind = _kind_of(member_head(container, path.name))
        members = [(path.name, kind)] if kind else []
    else:
        members = _members(container)
    if not members:
        yield Skipped(Source(str(path), 1), "no Shares.csv or Comments.csv with LinkedIn's header here")
        return
    owner = _owner(container)
    if not owner:
        yield LoadNotice(str(path), "the account's name is unknown (no Profile.csv); give --account")
    for member, kind in members:
        yield from _load_member(container, member, kind, owner or UNKNOWN_OWNER)


def _load_member(container: Container, member: str, kind: str, owner: str) -> Iterator[LoadItem]:
    display = container.display(member)
    notices: list[LoadItem] = []
    expected = SHARES_HEADER if kind == "shares" else COMMENTS_HEADER
    columns: list[str] | None = None
    number = 0
    first_line: dict[str, int] = {}
    for row in _rows(container, member, notices, escapechar="\\" if kind == "comments" else None):
        yield from notices
        notices.clear()
        source = Source(display, row.line)
        if columns is None:
            columns = [cell.strip().lower() for cell in row.cells]
            if row.error or columns[: len(expected)] != expected:
                yield Skipped(source, f"expected the header {','.join(expected)}; no row could be read")
                return
            continue
        number += 1
        if row.error:
            yield Skipped(source, row.error)
            continue
        if len(row.cells) != len(columns):
            yield Skipped(source, f"CSV row has {len(row.cells)} cells, header has {len(columns)}")
            continue
        cells = dict(zip(columns, row.cells))
        if kind == "shares":
            link = cells["sharelink"].strip()
            if link in first_line:
                # LinkedIn writes a post with several media once per media item; the first row stands for it.
                yield Skipped(source, f"repeat of the share on line {first_line[link]} (one row per media item)")
                continue
            first_line[link] = row.line
        yield _share(cells, source, owner) if kind == "shares" else _comment(cells, source, owner, number)
    yield from notices


def _share(cells: dict[str, str], source: Source, owner: str) -> RawRecord | Skipped:
    link = cells["sharelink"].strip()
    if not link:
        return Skipped(source, "share without ShareLink")
    commentary = unwrap_lines(cells["sharecommentary"])
    return RawRecord(
        {
            "id": urn(link),
            "author": owner,
            "text": commentary,
            "created_at": cells["date"],
            "is_repost": not commentary.strip() and not cells["sharedurl"].strip() and not cells["mediaurl"].strip(),
            "url": link,
            "platform": "linkedin",
            "text_kind": "plain",
        },
        source,
    )


def _comment(cells: dict[str, str], source: Source, owner: str, number: int) -> RawRecord:
    link = cells["link"].strip()
    fields: dict[str, Any] = {
        "id": f"li-comments-{number}",
        "author": owner,
        "text": cells["message"],
        "created_at": cells["date"],
        "in_reply_to": urn(link) if link else None,
        "url": link or None,
        "platform": "linkedin",
        "text_kind": "plain",
    }
    return RawRecord(fields, source)


def unwrap_lines(text: str) -> str:
    """A multi-line ShareCommentary without LinkedIn's extra quotes around each line (unchanged if not wrapped)."""
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    first, *middle, last = lines
    wrapped = (
        first.endswith('"')
        and last.startswith('"')
        and all(len(line) >= 2 and line.startswith('"') and line.endswith('"') for line in middle)
    )
    if not wrapped:
        return text
    return "\n".join([first[:-1], *(line[1:-1] for line in middle), last[1:]])


def urn(link: str) -> str:
    """urn:li:share:123 from https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A123 (else the link itself)."""
    tail = unquote(link.rstrip("/").rsplit("/", 1)[-1])
    return tail if tail.startswith("urn:li:") else link


def _rows(container: Container, member: str, notices: list[LoadItem], escapechar: str | None) -> Iterator[Row]:
    """Every non-blank CSV row of a member with the line it starts on (the shared reader, any container)."""
    return rows_from_lines(_lines(container, member), container.display(member), notices, escapechar)


def _lines(container: Container, member: str) -> Iterator[tuple[int, str, str | None]]:
    """decode_lines for a file; the same for a member of a folder or zip."""
    if container.kind == "file":
        yield from decode_lines(container.path)
        return
    if container.kind == "folder":
        yield from decode_lines(container.path / member)
        return
    with container.open(member) as handle:
        yield from decode_stream(handle)


def _kind_of(start: str) -> str | None:
    """ "shares" or "comments" from a CSV's first line."""
    first = start.splitlines()[0] if start.strip() else ""
    try:
        header = [cell.strip().lower() for cell in next(csv.reader([first]), [])]
    except csv.Error:
        return None
    if header[: len(SHARES_HEADER)] == SHARES_HEADER:
        return "shares"
    if header[: len(COMMENTS_HEADER)] == COMMENTS_HEADER:
        return "comments"
    return None


def _members(container: Container) -> list[tuple[str, str]]:
    """(member, kind) for Shares.csv then Comments.csv, each checked by its header."""
    found: list[tuple[str, str]] = []
    for wanted in ("shares", "comments"):
        for member, file_name in sorted(container.files()):
            if _FILES.get(file_name.lower()) != wanted:
                continue
            if _kind_of(member_head(container, member, 1024)) == wanted:
                found.append((member, wanted))
    return found


def _owner(container: Container) -> str | None:
    """ "First Last" from Profile.csv in the folder or zip, or beside a lone CSV."""
    try:
        if container.kind == "file":
            beside = container.path.parent / "Profile.csv"
            if not beside.is_file():
                return None
            container, members = Container(beside), ["Profile.csv"]
        else:
            members = [m for m in container.names() if PurePosixPath(m).name.lower() == "profile.csv"]
        for member in members:
            with container.open(member) as handle:
                text = handle.read(65536).decode("utf-8-sig", errors="replace")
            rows = list(csv.DictReader(io.StringIO(text)))
            if rows:
                first = (rows[0].get("First Name") or "").strip()
                last = (rows[0].get("Last Name") or "").strip()
                full = f"{first} {last}".strip()
                if full:
                    return full
    except (OSError, InputError, csv.Error):
        return None
    return None
