"""The legacy ("Grailbird", until about 2018) Twitter archive's tweets.csv, alone or in its unpacked folder.

Columns: tweet_id, in_reply_to_status_id, in_reply_to_user_id, timestamp, source, text, retweeted_status_id,
retweeted_status_user_id, retweeted_status_timestamp, expanded_urls. Text is HTML-escaped; timestamps look like
"2015-08-22 22:45:29 +0000". The CSV names no author: the owner's handle and numeric id come from the archive's
data/js/user_details.js beside it, when present.

Reply authors: the CSV gives only the parent's numeric user id. A reply to the owner's own id is a self-thread (its
author is the owner); otherwise a reply that starts with "@handle" is taken to answer that handle; else unknown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from relaudit.loaders.base import UNKNOWN_OWNER, LoadItem, LoadNotice
from relaudit.loaders.csvrows import header_of, leading_mention, table_rows
from relaudit.model import RawRecord, Source

name = "twitter-csv"
description = "legacy Twitter archive tweets.csv (tweet_id, in_reply_to_status_id, timestamp, text, ...)"
contains = "the account's own tweets, replies and retweets (legacy archives, up to about 2018)"
lacks = "other people's messages, engagement counts"

REQUIRED = {"tweet_id", "in_reply_to_status_id", "timestamp", "text", "retweeted_status_id"}
_TIMESTAMP = "%Y-%m-%d %H:%M:%S %z"


def sniff(path: Path) -> bool:
    """tweets.csv by its header, or a folder holding one at its top level."""
    csv_path = _csv_path(path)
    return csv_path is not None and set(header_of(csv_path)) >= REQUIRED


def account_hint(path: Path) -> list[str]:
    """The screen name in data/js/user_details.js beside tweets.csv, if the archive still has it."""
    handle, _ = _owner(path)
    return [handle] if handle else []


def load(path: Path) -> Iterator[LoadItem]:
    """One record per CSV row, in file order."""
    csv_path = _csv_path(path) or path
    handle, user_id = _owner(path)
    if not handle:
        yield LoadNotice(
            str(csv_path), "the account's handle is unknown (no data/js/user_details.js); give it with --account"
        )
    for item in table_rows(csv_path):
        yield _record(item[1], item[0], handle, user_id) if isinstance(item, tuple) else item


def _record(row: dict[str, str], source: Source, handle: str | None, user_id: str | None) -> RawRecord:
    tweet_id = row.get("tweet_id", "").strip()
    text = row.get("text", "")
    parent = row.get("in_reply_to_status_id", "").strip() or None
    parent_author = None
    if parent:
        parent_user = row.get("in_reply_to_user_id", "").strip()
        parent_author = handle if user_id and parent_user == user_id else leading_mention(text)
    fields: dict[str, Any] = {
        "id": tweet_id,
        "author": handle or UNKNOWN_OWNER,
        "text": text,
        "created_at": _iso(row.get("timestamp", "")),
        "in_reply_to": parent,
        "in_reply_to_author": parent_author,
        "is_repost": bool(row.get("retweeted_status_id", "").strip()),
        "platform": "x",
        "text_kind": "escaped",
    }
    if handle and tweet_id:
        fields["url"] = f"https://x.com/{handle}/status/{tweet_id}"
    return RawRecord(fields, source)


def _iso(value: str) -> str:
    """ "2015-08-22 22:45:29 +0000" as ISO 8601 (Python 3.10 cannot parse the original); anything else as given."""
    try:
        return datetime.strptime(value.strip(), _TIMESTAMP).isoformat()
    except ValueError:
        return value


def _csv_path(path: Path) -> Path | None:
    if path.is_dir():
        candidate = path / "tweets.csv"
        return candidate if candidate.is_file() else None
    return path if path.is_file() else None


def _owner(path: Path) -> tuple[str | None, str | None]:
    """(screen name, numeric id) from user_details.js, or (None, None)."""
    folder = path if path.is_dir() else path.parent
    details = folder / "data" / "js" / "user_details.js"
    try:
        text = details.read_text(encoding="utf-8-sig", errors="replace")
        value = json.loads(text.partition("=")[2])
    except (OSError, ValueError, RecursionError):
        return None, None
    if not isinstance(value, dict):
        return None, None
    screen_name = str(value.get("screen_name") or "").strip().lstrip("@") or None
    user_id = str(value.get("id_str") or value.get("id") or "").strip() or None
    return screen_name, user_id
