"""The X / Twitter "Your archive" export: the zip, its unpacked folder, or the tweets.js file alone.

Tweets live in data/tweets.js (older archives: data/tweet.js; big accounts add tweets-part1.js, tweets-part2.js, ...),
each a JS assignment `window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]` (older entries lack the "tweet" wrapper).
Every number is a string, full_text is HTML-escaped, created_at looks like "Fri Feb 20 09:10:58 +0000 2026".
The archive holds only the owner's posts and never names their author: the handle comes from data/account.js
(or manifest.js's userInfo). Without either, the handle is inferred from a self-reply (a reply to a tweet in the
archive names the owner as in_reply_to_screen_name); failing that, posts are by "unknown-owner" and a notice asks
for --account.

Not read (yet): note-tweet.js, which holds the full text of long posts whose full_text is cut at 280 characters,
and deleted-tweets.js.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from relaudit.decoding import decode_bytes
from relaudit.errors import InputError
from relaudit.loaders.base import UNKNOWN_OWNER, LoadItem, LoadNotice, head
from relaudit.loaders.container import Container
from relaudit.loaders.jsonstream import Element, stream_array
from relaudit.model import RawRecord, Skipped, Source

name = "twitter-archive"
description = "X / Twitter 'Your archive' (zip, folder or data/tweets.js)"
contains = "the account's own posts, replies, self-threads and retweets, with likes and reposts"
lacks = "other people's messages: mentions and replies to the account are not in an archive"

# tweets.js, tweet.js, tweets-part1.js, tweet-part2.js ...
_TWEETS_MEMBER = re.compile(r"^tweets?(?:-part(\d+))?\.js$", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*window\.YTD\.tweets?\.part\d+\s*=\s*", re.IGNORECASE)
_PREFIX_BYTES = re.compile(_PREFIX.pattern.encode(), re.IGNORECASE)
_OWNER_FILES = ("account.js", "manifest.js")


def sniff(path: Path) -> bool:
    """A tweets.js by its first bytes, a folder with (data/)tweets.js, or a zip whose names include one."""
    if path.is_dir():
        return any(_PREFIX.match(head(p, 256)) for p in _folder_candidates(path))
    if not path.is_file():
        return False
    if _PREFIX.match(head(path, 256)):
        return True
    container = Container(path)
    if container.kind != "zip":
        return False
    try:
        return bool(_tweet_members(container))
    except InputError:
        return False


def account_hint(path: Path) -> list[str]:
    """The username in account.js, else userInfo.userName in manifest.js; [] when the export has neither."""
    for file_name in _OWNER_FILES:
        text = _owner_file(path, file_name)
        if text is None:
            continue
        handles = _handles(file_name, text)
        if handles:
            return handles
    return []


def load(path: Path) -> Iterator[LoadItem]:
    """Every entry of every tweets file, in file order, streamed; bad entries are skipped with their line."""
    container = Container(path)
    yield from container.notices()
    if container.kind == "folder":
        members = sorted((p.relative_to(path).as_posix() for p in _folder_candidates(path)), key=_member_key)
    elif container.kind == "zip":
        members = _tweet_members(container)
    else:
        members = container.names()
    hints = account_hint(path)
    owner = hints[0] if hints else None
    if owner is None:
        # No account file: a first pass over the tweets looks for the owner in a self-reply.
        owner = _infer_owner(container, members)
        where = container.display(members[0]) if members else str(path)
        if owner:
            yield LoadNotice(where, f"no account.js or manifest.js; handle @{owner} inferred from a self-reply")
        else:
            yield LoadNotice(where, "the account's handle is unknown (no account.js or manifest.js); give --account")
    for member in members:
        for item in _entries(container, member):
            yield _record(item.value, item.source, owner) if isinstance(item, Element) else item


def _entries(container: Container, member: str) -> Iterator[Element | Skipped | LoadNotice]:
    """The elements of a tweets file's assigned array, streamed, located by the line they start on."""
    return stream_array(
        container,
        member,
        prefix=_PREFIX_BYTES,
        expected="expected `window.YTD.tweets.part0 = [`; no tweet was read",
        noun="tweet",
    )


def _record(entry: Any, source: Source, owner: str | None) -> RawRecord | Skipped:
    tweet = _tweet(entry)
    if tweet is None:
        return Skipped(source, f"expected a tweet object, found {type(entry).__name__}")
    tweet_id = _str(tweet.get("id_str")) or _str(tweet.get("id"))
    if not tweet_id:
        return Skipped(source, "tweet without id_str")
    text = _str(tweet.get("full_text")) or _str(tweet.get("text"))
    fields: dict[str, Any] = {
        "id": tweet_id,
        "author": owner or UNKNOWN_OWNER,
        "text": text,
        "created_at": tweet.get("created_at"),
        "in_reply_to": _str(tweet.get("in_reply_to_status_id_str")) or _str(tweet.get("in_reply_to_status_id")),
        "in_reply_to_author": _str(tweet.get("in_reply_to_screen_name")) or None,
        # "retweeted" means "the viewer retweeted it" and is false throughout real archives: the text tells.
        "is_repost": text.startswith("RT @") or isinstance(tweet.get("retweeted_status"), dict),
        "likes": tweet.get("favorite_count"),
        "reposts": tweet.get("retweet_count"),
        "platform": "x",
        "text_kind": "escaped",
    }
    if owner:
        fields["url"] = f"https://x.com/{owner}/status/{tweet_id}"
    return RawRecord(fields, source)


def _tweet(entry: Any) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        return None
    inner = entry.get("tweet")
    if isinstance(inner, dict):
        return inner
    return entry if "tweet" not in entry else None


def _str(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list, bool)) else str(value).strip()


def _infer_owner(container: Container, members: list[str]) -> str | None:
    """The screen name a reply to one of the archive's own tweets names: the archive holds only the owner's posts.

    Streamed, and stopped at the first such reply (archives list the newest first, so a reply usually comes before
    its parent); only ids are kept.
    """
    ids: set[str] = set()
    parents: dict[str, str] = {}  # parent id -> the screen name a reply to it names
    for member in members:
        for item in _entries(container, member):
            tweet = _tweet(item.value) if isinstance(item, Element) else None
            if tweet is None:
                continue
            tweet_id = _str(tweet.get("id_str")) or _str(tweet.get("id"))
            if tweet_id in parents:
                return parents[tweet_id]
            parent = _str(tweet.get("in_reply_to_status_id_str")) or _str(tweet.get("in_reply_to_status_id"))
            screen_name = _str(tweet.get("in_reply_to_screen_name"))
            if parent and screen_name:
                if parent in ids:
                    return screen_name
                parents.setdefault(parent, screen_name)
            ids.add(tweet_id)
    return None


def _member_key(name: str) -> tuple[str, int]:
    path = PurePosixPath(name)
    match = _TWEETS_MEMBER.match(path.name)
    return str(path.parent), int(match.group(1) or 0) if match else 0


def _tweet_members(container: Container) -> list[str]:
    """tweets.js / tweet.js and their part files, in part order."""
    found = [n for n, file_name in container.files() if _TWEETS_MEMBER.match(file_name)]
    return sorted(found, key=_member_key)


def _folder_candidates(folder: Path) -> list[Path]:
    """Where an unpacked archive (or a flat copy of its data folder) keeps tweets.js, without walking the tree."""
    candidates = []
    for base in (folder / "data", folder):
        if base.is_dir():
            candidates += [p for p in sorted(base.iterdir()) if _TWEETS_MEMBER.match(p.name) and p.is_file()]
    return candidates


def _owner_file(path: Path, file_name: str) -> str | None:
    """The text of account.js or manifest.js: inside the zip or folder, or beside a lone tweets.js."""
    try:
        if path.is_dir() or not (path.is_file() and Container(path).kind == "zip"):
            folder = path if path.is_dir() else path.parent
            for candidate in (folder / "data" / file_name, folder / file_name):
                if candidate.is_file():
                    return decode_bytes(candidate.read_bytes())[0]
            return None
        container = Container(path)
        names = container.find(file_name)
        if not names:
            return None
        with container.open(sorted(names, key=len)[0]) as handle:
            return decode_bytes(handle.read())[0]
    except (OSError, InputError):
        return None


def _handles(file_name: str, text: str) -> list[str]:
    try:
        value = json.loads(text.partition("=")[2])
    except (ValueError, RecursionError):
        return []
    if file_name == "account.js":
        entries = value if isinstance(value, list) else [value]
        handles = []
        for entry in entries:
            account = entry.get("account", entry) if isinstance(entry, dict) else None
            if isinstance(account, dict) and _str(account.get("username")):
                handles.append(_str(account.get("username")))
        return handles
    info = value.get("userInfo") if isinstance(value, dict) else None
    user_name = _str(info.get("userName")) if isinstance(info, dict) else ""
    return [user_name] if user_name else []
