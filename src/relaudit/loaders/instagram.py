"""Instagram "Download your information" (JSON): the zip, its unpacked folder, or one posts / comments file.

Read:
- posts_1.json, posts_2.json ... (a list): one record per post. A post with several media has its caption in
  "title" and its date in "creation_timestamp"; a single-media post has neither, and they come from media[0].
- post_comments_1.json ... (a list, or {"comments_media_comments": [...]}) and reels_comments.json
  ({"comments_reels_comments": [...]}): one record per comment the owner wrote, from string_map_data: "Comment",
  "Time" (epoch seconds) and "Media Owner" (the account whose post was commented on, often missing).
Not read: likes, stories, messages and the rest.

Instagram writes UTF-8 bytes as latin-1 code points, like Facebook; every string is repaired (mojibake.py).
The files are streamed (ijson) entry by entry.

Ids: the export has none, so ids come from file and position: "ig-posts-1-3" is the 3rd entry of posts_1.json,
"ig-post-comments-1-17" the 17th of post_comments_1.json. A comment's parent post is not in the export, so its
in_reply_to is its own id + "-parent" (never found) and in_reply_to_author is the Media Owner: a comment counts as a
reply, and a comment on one's own post as part of a thread.

Author: the posts and comments never name their author. The owner's username comes from personal_information.json
(profile_user[0].string_map_data.Username) when the folder or zip has it; otherwise records are by "unknown-owner"
and a notice asks for --account (which then stands for them). Guessing from the Media Owner of comments is not done:
the most-commented account is as likely a friend as the owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from relaudit.loaders.base import UNKNOWN_OWNER, LoadItem, LoadNotice
from relaudit.loaders.container import Container
from relaudit.loaders.jsondoc import member_head, read_json, safe_container, text
from relaudit.loaders.meta import repaired_entries
from relaudit.loaders.mojibake import repair_tree
from relaudit.model import RawRecord, Skipped, Source

name = "instagram"
description = "Instagram 'Download your information' JSON (zip, folder, posts_1.json or post_comments_1.json)"

_POSTS_FILE = re.compile(r"^posts_(\d+)\.json$", re.IGNORECASE)
_COMMENTS_FILE = re.compile(r"^(?:post_comments_(\d+)|reels_comments)\.json$", re.IGNORECASE)
_PROFILE_FILE = "personal_information.json"
_COMMENT_LISTS = ("comments_media_comments", "comments_reels_comments")


def sniff(path: Path) -> bool:
    """posts_N.json / post_comments_N.json by name and first bytes, or a folder / zip holding one."""
    container = safe_container(path)
    if container is None:
        return False
    if container.kind == "file":
        return _kind(path.name, member_head(container, path.name)) is not None
    return bool(_members(container))


def account_hint(path: Path) -> list[str]:
    """The username in personal_information.json (folder or zip only); [] otherwise."""
    container = safe_container(path)
    owner = _owner(container) if container is not None else None
    return [owner] if owner else []


def load(path: Path) -> Iterator[LoadItem]:
    """Every post of every posts file, then every comment, in file order."""
    container = Container(path)
    if container.kind == "file":
        # A lone file is read as its name says even when its first bytes look wrong: a cut-off file is then reported.
        kind = _kind(path.name, member_head(container, path.name))
        kind = kind or (
            "posts" if _POSTS_FILE.match(path.name) else "comments" if _COMMENTS_FILE.match(path.name) else None
        )
        members = [(path.name, kind)] if kind else []
    else:
        members = _members(container)
    if not members:
        yield Skipped(Source(str(path), 1, unit="record"), "no posts_*.json or post_comments_*.json here")
        return
    owner = _owner(container)
    if not owner:
        yield LoadNotice(str(path), "the account's username is unknown (no personal_information.json); give --account")
    for member, kind in members:
        id_prefix = _id_prefix(member, kind)
        record = _post if kind == "posts" else _comment
        for item in repaired_entries(container, member, kind, _COMMENT_LISTS):
            if isinstance(item, tuple):
                source, number, entry = item
                yield record(entry, source, f"{id_prefix}-{number}", owner or UNKNOWN_OWNER)
            else:
                yield item


def _post(entry: Any, source: Source, record_id: str, owner: str) -> RawRecord | Skipped:
    if not isinstance(entry, dict):
        return Skipped(source, f"expected a post object, found {type(entry).__name__}")
    media = entry.get("media")
    first = media[0] if isinstance(media, list) and media and isinstance(media[0], dict) else {}
    caption = text(entry.get("title")) or text(first.get("title"))
    created_at = entry.get("creation_timestamp") or first.get("creation_timestamp")
    return RawRecord(
        {
            "id": record_id,
            "author": owner,
            "text": caption,
            "created_at": created_at,
            "platform": "instagram",
            "text_kind": "plain",
        },
        source,
    )


def _comment(entry: Any, source: Source, record_id: str, owner: str) -> RawRecord | Skipped:
    data = entry.get("string_map_data") if isinstance(entry, dict) else None
    if not isinstance(data, dict):
        return Skipped(source, "comment entry without string_map_data")
    comment = data.get("Comment")
    time = data.get("Time")
    media_owner = data.get("Media Owner")
    return RawRecord(
        {
            "id": record_id,
            "author": owner,
            "text": text(comment.get("value")) if isinstance(comment, dict) else "",
            "created_at": time.get("timestamp") if isinstance(time, dict) else None,
            "in_reply_to": f"{record_id}-parent",
            "in_reply_to_author": text(media_owner.get("value")) or None if isinstance(media_owner, dict) else None,
            "platform": "instagram",
            "text_kind": "plain",
        },
        source,
    )


def _kind(file_name: str, start: str) -> str | None:
    """ "posts", "comments" or None, from a file's name and first bytes."""
    if _POSTS_FILE.match(file_name) and '"media"' in start:
        return "posts"
    if _COMMENTS_FILE.match(file_name) and '"string_map_data"' in start:
        return "comments"
    return None


def _members(container: Container) -> list[tuple[str, str]]:
    posts, comments = [], []
    for member, file_name in container.files():
        if _POSTS_FILE.match(file_name) or _COMMENTS_FILE.match(file_name):
            kind = _kind(file_name, member_head(container, member, 1024))
            if kind == "posts":
                posts.append(member)
            elif kind == "comments":
                comments.append(member)
    return [(m, "posts") for m in sorted(posts, key=_number_key)] + [(m, "comments") for m in sorted(comments)]


def _number_key(member: str) -> tuple[str, int]:
    match = re.search(r"_(\d+)\.json$", member)
    return str(PurePosixPath(member).parent), int(match.group(1)) if match else 0


def _id_prefix(member: str, kind: str) -> str:
    file_name = PurePosixPath(member).name.lower()
    if file_name.startswith("reels_comments"):
        return "ig-reels-comments"
    match = re.search(r"_(\d+)\.json$", file_name)
    number = f"-{match.group(1)}" if match else ""
    return ("ig-posts" if kind == "posts" else "ig-post-comments") + number


def _owner(container: Container) -> str | None:
    """profile_user[0].string_map_data.Username.value in personal_information.json, when the export has it."""
    if container.kind == "file":
        return None
    for member in sorted(container.find(_PROFILE_FILE), key=len):
        _, value = read_json(container, member)
        users = value.get("profile_user") if isinstance(value, dict) else None
        for user in users if isinstance(users, list) else []:
            data = user.get("string_map_data") if isinstance(user, dict) else None
            username = data.get("Username") if isinstance(data, dict) else None
            if isinstance(username, dict) and text(username.get("value")):
                return text(repair_tree(username.get("value"))).lstrip("@")
    return None
