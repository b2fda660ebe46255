"""Bluesky app.bsky.feed.getAuthorFeed output saved as JSON.

Two spellings are read alike: the raw XRPC JSON (camelCase keys, "$type") and the Python atproto SDK's model_dump
(snake_case keys such as like_count and created_at, "py_type" for "$type"). The document is {"feed": [...]} (a
bare list of feed items is accepted too); each feed item is one record:
- id = the post's at:// uri, text = record.text, created_at = record.createdAt, likes / reposts = likeCount /
  repostCount, in_reply_to = record.reply.parent.uri, in_reply_to_author = the handle of the item's "reply" view's
  parent author (when the feed carries it).
- an item with a reasonRepost is the feed owner's repost of the post: its author is the reason's "by" handle, its id
  the post uri + "#repost-by-" + that handle (the original may be in the feed too), its date the reason's indexedAt
  (when the repost happened; the post's own date when missing). It keeps the reposted text, but no parent and no
  engagement counts (those belong to the original post, and counting them twice would inflate the owner's).

The feed owner (account_hint) is the handle that reposts, or else authors most of the non-repost items; [] when no
handle has a clear majority. A .car repository export is another format.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from relaudit.loaders.base import UNKNOWN_OWNER, LoadItem
from relaudit.loaders.container import Container
from relaudit.loaders.jsondoc import member_head, read_json, text
from relaudit.model import RawRecord, Skipped, Source

name = "bluesky-feed"
description = "Bluesky getAuthorFeed JSON (raw API or Python atproto SDK dump)"

REPOST_REASON = "app.bsky.feed.defs#reasonRepost"
_FEED_KEY = re.compile(r'"feed"\s*:\s*\[')
_BLUESKY_SIGN = re.compile(r'"at://did:|"app\.bsky\.|"did:plc:|"did:web:')
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def sniff(path: Path) -> bool:
    """A JSON file with a "feed" array whose first bytes name at:// uris, dids or app.bsky types."""
    if not path.is_file():
        return False
    container = Container(path)
    if container.kind != "file":  # a getAuthorFeed response is one JSON file, never a zip
        return False
    start = member_head(container, path.name)
    return start.lstrip().startswith(("{", "[")) and bool(_FEED_KEY.search(start)) and bool(_BLUESKY_SIGN.search(start))


def account_hint(path: Path) -> list[str]:
    """The feed owner: the reposting handle, else the clear majority author of the non-repost items."""
    _, feed = _feed(path)
    owner = _owner(feed or [])
    return [owner] if owner else []


def load(path: Path) -> Iterator[LoadItem]:
    """One record per feed item, in file order."""
    items, feed = _feed(path)
    yield from items
    if feed is None:
        return
    owner = _owner(feed) or UNKNOWN_OWNER
    for number, item in enumerate(feed, start=1):
        yield _record(item, Source(str(path), number, unit="record"), owner)


def _feed(path: Path) -> tuple[list[LoadItem], list[Any] | None]:
    container = Container(path)
    items, value = read_json(container, container.names()[0])
    if value is None:
        return items, None
    feed = value.get("feed") if isinstance(value, dict) else value
    if not isinstance(feed, list):
        items.append(Skipped(Source(str(path), 1, unit="record"), 'expected {"feed": [...]}; no post could be read'))
        return items, None
    return items, feed


def _record(item: Any, source: Source, owner: str) -> RawRecord | Skipped:
    post = get(item, "post") if isinstance(item, dict) else None
    if not isinstance(post, dict):
        return Skipped(source, "feed item without a post")
    uri = text(get(post, "uri"))
    record = get(post, "record")
    if not uri or not isinstance(record, dict):
        return Skipped(source, "post without uri or record")
    author = get(post, "author")
    post_author = text(get(author, "handle")) if isinstance(author, dict) else ""
    reason = get(item, "reason")
    fields: dict[str, Any] = {
        "id": uri,
        "author": post_author,
        "text": text(get(record, "text")),
        "created_at": get(record, "createdAt") or get(post, "indexedAt"),
        "likes": get(post, "likeCount"),
        "reposts": get(post, "repostCount"),
        "platform": "bluesky",
        "url": _web_url(uri, post_author),
        "text_kind": "plain",
    }
    if _type(reason) == REPOST_REASON:
        by = get(reason, "by")
        reposter = (text(get(by, "handle")) if isinstance(by, dict) else "") or owner
        fields.update(
            id=f"{uri}#repost-by-{reposter.lower()}",
            author=reposter,
            created_at=get(reason, "indexedAt") or fields["created_at"],
            likes=None,
            reposts=None,
            is_repost=True,
        )
        return RawRecord(fields, source)
    reply = get(record, "reply")
    parent = get(reply, "parent") if isinstance(reply, dict) else None
    parent_uri = text(get(parent, "uri")) if isinstance(parent, dict) else ""
    if parent_uri:
        fields["in_reply_to"] = parent_uri
        fields["in_reply_to_author"] = _parent_author(item, parent_uri)
    return RawRecord(fields, source)


def get(holder: Any, key: str) -> Any:
    """holder[key] under its camelCase name or its snake_case one ("$type" is also "py_type")."""
    if not isinstance(holder, dict):
        return None
    if key in holder:
        return holder[key]
    if key == "$type":
        return holder.get("py_type")
    return holder.get(_CAMEL.sub("_", key).lower())


def _type(value: Any) -> str:
    return text(get(value, "$type")) if isinstance(value, dict) else ""


def _parent_author(item: dict[str, Any], parent_uri: str) -> str | None:
    """The parent's author handle from the item's reply view, when it is the same parent."""
    view = get(item, "reply")
    parent = get(view, "parent") if isinstance(view, dict) else None
    if not isinstance(parent, dict):
        return None
    if text(get(parent, "uri")) not in ("", parent_uri):
        return None
    author = get(parent, "author")
    return text(get(author, "handle")) or None if isinstance(author, dict) else None


def _owner(feed: list[Any]) -> str | None:
    reposters: Counter[str] = Counter()
    authors: Counter[str] = Counter()
    for item in feed:
        if not isinstance(item, dict):
            continue
        reason = get(item, "reason")
        if _type(reason) == REPOST_REASON:
            by = get(reason, "by")
            handle = text(get(by, "handle")) if isinstance(by, dict) else ""
            if handle:
                reposters[handle.lower()] += 1
            continue
        post = get(item, "post")
        author = get(post, "author") if isinstance(post, dict) else None
        handle = text(get(author, "handle")) if isinstance(author, dict) else ""
        if handle:
            authors[handle.lower()] += 1
    if len(reposters) == 1:
        return next(iter(reposters))
    if authors:
        (top, count), *rest = authors.most_common(2)
        if count * 2 > sum(authors.values()) and not (rest and rest[0][1] == count):
            return top
    return None


def _web_url(uri: str, handle: str) -> str | None:
    """https://bsky.app/profile/HANDLE/post/RKEY for an app.bsky.feed.post uri."""
    match = re.match(r"^at://([^/]+)/app\.bsky\.feed\.post/([^/]+)$", uri)
    if not match:
        return None
    return f"https://bsky.app/profile/{handle or match.group(1)}/post/{match.group(2)}"
