"""The Mastodon account archive: the zip, its unpacked folder, or outbox.json alone.

outbox.json is an ActivityStreams OrderedCollection; each of its orderedItems is one record:
- a Create activity whose object is a Note (or Question / Article / Page): a post. Its id is the object's id URL,
  its text the HTML content (text_kind "html"), its date the object's published, its parent the inReplyTo URL.
- an Announce activity (a boost) whose object is the bare URI of the boosted post: a repost by the owner, with the
  activity's id as id and the boosted URI as text and url.
- anything else (another activity type, a Create without an object) is skipped with the reason.

A post addressed to no public collection (neither to nor cc holds the Public collection nor the actor's followers
collection) is a direct message: is_private. Followers-only posts are not private.

The author of every item is the archive's owner: actor.json's preferredUsername, lower-cased and without the host
(Mastodon shows @name@host; mentions in post text and the accounts named in reply URLs are compared without it).
Without actor.json (outbox.json alone) the name comes from the activities' actor URL (https://host/users/NAME).
in_reply_to_author is the NAME in an inReplyTo URL shaped https://host/users/NAME/statuses/ID or https://host/@NAME/ID.

Real archives repeat the "orderedItems" key (an empty list, then the items); the items of every copy are read, so no
item is lost whichever copy holds them. totalItems can disagree with the items present: the items are what is
loaded, and a notice after them names the difference. outbox.json is streamed (ijson), item by item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from relaudit.errors import InputError
from relaudit.loaders.base import UNKNOWN_OWNER, LoadItem, LoadNotice
from relaudit.loaders.container import Container
from relaudit.loaders.jsondoc import member_head, read_json, safe_container, text
from relaudit.loaders.jsonstream import first_value, has_array, stream_items
from relaudit.model import RawRecord, Skipped, Source

name = "mastodon"
description = "Mastodon account archive (zip, folder or outbox.json)"

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_PUBLIC_FORMS = {PUBLIC, "as:Public", "Public"}
_POST_TYPES = {"Note", "Question", "Article", "Page"}
_ACTIVITY_STREAMS = "https://www.w3.org/ns/activitystreams"
_OUTBOX_SIGN = re.compile(r'"type"\s*:\s*"(Create|Announce)"|"id"\s*:\s*"outbox\.json"')
_STATUS_URL = re.compile(r"^https?://[^/\s]+/(?:users/([^/\s]+)/statuses/|@([^/\s]+)/)[^/\s]+/?$")
_ACTOR_URL = re.compile(r"^https?://[^/\s]+/users/([^/\s]+)/?$")


def sniff(path: Path) -> bool:
    """outbox.json by its first bytes, or a folder / zip holding one."""
    container = safe_container(path)
    if container is None:
        return False
    member = _outbox_member(container)
    return member is not None and _looks_like_outbox(member_head(container, member))


def account_hint(path: Path) -> list[str]:
    """actor.json's preferredUsername, else the outbox's actor URL's name; [] when neither is there."""
    container = safe_container(path)
    if container is None:
        return []
    member = _outbox_member(container)
    owner = _owner_from_actor(_actor(container, member))
    if owner:
        return [owner]
    owner = _owner_from_outbox(container, member) if member is not None else None
    return [owner] if owner else []


def load(path: Path) -> Iterator[LoadItem]:
    """One record per orderedItems entry of outbox.json, in file order, streamed."""
    container = Container(path)
    member = _outbox_member(container)
    if member is None:
        yield Skipped(Source(str(path), 1, unit="record"), "no outbox.json in this archive")
        return
    display = container.display(member)
    actor = _actor(container, member)
    owner = _owner_from_actor(actor) or _owner_from_outbox(container, member)
    if not owner:
        yield LoadNotice(display, "the account's handle is unknown (no actor.json); give --account")
    followers = {text(actor.get("followers"))} if isinstance(actor, dict) and text(actor.get("followers")) else set()
    count, broken = 0, False
    # Items of every "orderedItems" key: real archives repeat the key (an empty list, then the items).
    for item in stream_items(container, member, "orderedItems.item"):
        if isinstance(item, tuple):
            count, activity = item
            yield _record(activity, Source(display, count, unit="record"), owner or UNKNOWN_OWNER, followers)
        else:
            broken = broken or isinstance(item, Skipped)
            yield item
    if broken:
        return
    if count == 0 and not has_array(container, member, "orderedItems"):
        yield Skipped(Source(display, 1, unit="record"), "expected an OrderedCollection with orderedItems")
        return
    total = first_value(container, member, "totalItems", lambda value: True)
    if isinstance(total, int) and not isinstance(total, bool) and total != count:
        yield LoadNotice(display, f"totalItems says {total} but the file holds {count} items; read those")


def _record(activity: Any, source: Source, owner: str, followers: set[str]) -> RawRecord | Skipped:
    if not isinstance(activity, dict):
        return Skipped(source, f"expected an activity object, found {type(activity).__name__}")
    kind = text(activity.get("type"))
    actor_url = text(activity.get("actor"))
    audience = followers | ({actor_url.rstrip("/") + "/followers"} if actor_url else set())
    if kind == "Announce":
        target = activity.get("object")
        uri = text(target.get("id")) if isinstance(target, dict) else text(target)
        if not uri:
            return Skipped(source, "Announce without the boosted post's URI")
        return RawRecord(
            {
                "id": text(activity.get("id")) or f"announce:{uri}",
                "author": owner,
                "text": uri,
                "created_at": activity.get("published"),
                "is_repost": True,
                "url": uri,
                "platform": "mastodon",
                "is_private": _is_direct(activity, None, audience),
                "text_kind": "plain",
            },
            source,
        )
    if kind != "Create":
        return Skipped(source, f"unsupported activity type '{kind or 'none'}'")
    post = activity.get("object")
    if not isinstance(post, dict):
        return Skipped(source, "Create activity without a post object")
    post_type = text(post.get("type"))
    if post_type not in _POST_TYPES:
        return Skipped(source, f"Create of unsupported object type '{post_type or 'none'}'")
    parent = text(post.get("inReplyTo")) or None
    return RawRecord(
        {
            "id": text(post.get("id")) or text(activity.get("id")),
            "author": owner,
            "text": text(post.get("content")),
            "created_at": post.get("published") or activity.get("published"),
            "in_reply_to": parent,
            "in_reply_to_author": status_author(parent) if parent else None,
            "url": text(post.get("url")) or text(post.get("id")) or None,
            "platform": "mastodon",
            "is_private": _is_direct(activity, post, audience),
            "text_kind": "html",
        },
        source,
    )


def status_author(url: str) -> str | None:
    """The account name in a status URL (https://host/users/NAME/statuses/ID or https://host/@NAME/ID), else None."""
    match = _STATUS_URL.match(url.strip())
    if not match:
        return None
    return (match.group(1) or match.group(2)).lower()


def _is_direct(activity: dict[str, Any], post: dict[str, Any] | None, followers: set[str]) -> bool:
    """Addressed to neither the Public collection nor the followers collection (to and cc, activity and object)."""
    addressed: set[str] = set()
    for holder in (activity, post):
        if not isinstance(holder, dict):
            continue
        for key in ("to", "cc"):
            value = holder.get(key)
            values = value if isinstance(value, list) else [value]
            addressed |= {text(v) for v in values if text(v)}
    return not (addressed & _PUBLIC_FORMS or addressed & followers)


def _looks_like_outbox(start: str) -> bool:
    return _ACTIVITY_STREAMS in start and '"orderedItems"' in start and bool(_OUTBOX_SIGN.search(start))


def _outbox_member(container: Container) -> str | None:
    found = container.find("outbox.json")
    if container.kind == "file":
        return container.names()[0]
    if len(found) > 1:
        # a folder above several archives (or a zip of them): which one is meant cannot be guessed, and a guess
        # would pair one archive's posts with another's actor.json
        shown = ", ".join(container.display(name) for name in sorted(found)[:3])
        raise InputError(
            f"{container.path}: holds {len(found)} Mastodon archives (outbox.json: {shown}"
            f"{', ...' if len(found) > 3 else ''}); audit one archive's folder or zip"
        )
    return found[0] if found else None


def _actor(container: Container, outbox: str | None) -> dict[str, Any] | None:
    """actor.json: beside the outbox (`_outbox_member`) in the folder or zip, or beside a lone outbox.json."""
    if container.kind == "file":
        beside = container.path.parent / "actor.json"
        if not beside.is_file():
            return None
        container, member = Container(beside), "actor.json"
    else:
        # the actor.json beside the outbox: one elsewhere in the folder is another account's
        folder = PurePosixPath(outbox.lower()).parent if outbox is not None else PurePosixPath(".")
        found = [name for name in container.find("actor.json") if PurePosixPath(name.lower()).parent == folder]
        if not found:
            return None
        member = found[0]
    _, value = read_json(container, member)
    return value if isinstance(value, dict) else None


def _owner_from_actor(actor: dict[str, Any] | None) -> str | None:
    if not isinstance(actor, dict):
        return None
    username = text(actor.get("preferredUsername"))
    if username:
        return username.lstrip("@").lower()
    match = _ACTOR_URL.match(text(actor.get("id")))
    return match.group(1).lower() if match else None


def _owner_from_outbox(container: Container, member: str) -> str | None:
    """The name in the first activity's actor URL (https://host/users/NAME), read no further than that activity."""
    actor = first_value(container, member, "orderedItems.item.actor", lambda v: bool(_ACTOR_URL.match(text(v))))
    match = _ACTOR_URL.match(text(actor))
    return match.group(1).lower() if match else None
