"""The "Customer Support on Twitter" (twcs) CSV layout: brand support accounts and their customers, with reply links.

Columns: tweet_id, author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id. Customers are
anonymised as numeric author ids; text is HTML-escaped (&amp;); created_at is in the Twitter format. A file may hold
several brands: the file names no owner, so the account is detected (or chosen with --account).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from relaudit.loaders.base import LoadItem
from relaudit.loaders.csvrows import header_of, table_rows
from relaudit.model import RawRecord, Source

name = "customer-care"
description = "Customer Support on Twitter (twcs) CSV: tweet_id, author_id, inbound, created_at, text, ..."
contains = "brand replies and customers' inbound messages with reply links (several brands per file)"
lacks = "reposts and engagement counts; customers are anonymised ids"

REQUIRED = {"tweet_id", "author_id", "inbound", "created_at", "text", "in_response_to_tweet_id"}
# pandas re-saves integer columns that have gaps as floats ("3.0"); an id is the integer part.
_FLOAT_ID = re.compile(r"^(\d+)\.0+$")


def sniff(path: Path) -> bool:
    """A CSV file whose header names the twcs columns."""
    return path.is_file() and set(header_of(path)) >= REQUIRED


def account_hint(path: Path) -> list[str]:
    """The data set names no owner; the brand is detected from the messages."""
    return []


def load(path: Path) -> Iterator[LoadItem]:
    """One record per CSV row, in file order."""
    for item in table_rows(path):
        yield _record(item[1], item[0]) if isinstance(item, tuple) else item


def _record(row: dict[str, str], source: Source) -> RawRecord:
    fields = {
        "id": _id(row.get("tweet_id", "")),
        "author": row.get("author_id"),
        "text": row.get("text"),
        "created_at": row.get("created_at"),
        "in_reply_to": _id(row.get("in_response_to_tweet_id", "")) or None,
        "platform": "x",
        "text_kind": "escaped",
    }
    return RawRecord(fields, source)


def _id(value: str) -> str:
    value = value.strip()
    match = _FLOAT_ID.match(value)
    return match.group(1) if match else value
