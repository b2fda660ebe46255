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

from relaudit.errors import InputError
from relaudit.loaders.base import FALLBACK_ENCODINGS, UNKNOWN_OWNER, LoadItem, LoadNotice, head
from relaudit.loaders.container import Container
from relaudit.model import RawRecord, Skipped, Source

name = "twitter-archive"
description = "X / Twitter 'Your archive' (zip, folder or data/tweets.js)"
contains = "the account's own posts, replies, self-threads and retweets, with likes and reposts"
lacks = "other people's messages: mentions and replies to the account are not in an archive"

# tweets.js, tweet.js, tweets-part1.js, tweet-part2.js ...
_TWEETS_MEMBER = re.compile(r"^tweets?(?:-part(\d+))?\.js$", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*window\.YTD\.tweets?\.part\d+\s*=\s*", re.IGNORECASE)
_OWNER_FILES = ("account.js", "manifest.js")
# An element of a tweets file: (line it starts on, parsed value), or why it could not be read.
Entry = tuple[int, Any] | Skipped


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
    """Every entry of every tweets file, in file order; bad entries are skipped with their line."""
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
    if owner is not None:
        for member in members:
            notices, entries = _read(container, member)
            yield from notices
            yield from _records(entries, container.display(member), owner)
        return
    # No account file: every entry is read before the first record, to find the owner in a self-reply.
    parsed = [(member, *_read(container, member)) for member in members]
    owner = _infer_owner([entries for _, _, entries in parsed])
    where = container.display(members[0]) if members else str(path)
    if owner:
        yield LoadNotice(where, f"no account.js or manifest.js; handle @{owner} inferred from a self-reply")
    else:
        yield LoadNotice(where, "the account's handle is unknown (no account.js or manifest.js); give --account")
    for member, notices, entries in parsed:
        yield from notices
        yield from _records(entries, container.display(member), owner)


def _records(entries: list[Entry], display: str, owner: str | None) -> Iterator[RawRecord | Skipped]:
    for entry in entries:
        yield entry if isinstance(entry, Skipped) else _record(entry[1], Source(display, entry[0]), owner)


def _read(container: Container, member: str) -> tuple[list[LoadNotice], list[Entry]]:
    """A member's encoding notice (if any), and its entries with their lines or as skipped, in file order."""
    display = container.display(member)
    with container.open(member) as handle:
        # The member is read whole and parsed entry by entry. Streaming would go here: feed the stream to an
        # incremental JSON parser (ijson's items(stream, "item")) after skipping the `window.YTD... =` prefix.
        raw = handle.read()
    text, encoding = _decode(raw)
    notices = [LoadNotice(display, f"not UTF-8; decoded as {encoding}, check accented text")] if encoding else []
    return notices, _entries(text, display)


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


def _entries(text: str, display: str) -> list[Entry]:
    """(line, value) for each element of the assigned array, in order; an element that is not JSON is skipped.

    After a bad element, reading resumes at the next line that opens an object at the indentation the bad element
    had (X writes one element per `  {` line); when there is none, the rest of the file is reported unreadable.
    """
    entries: list[Entry] = []
    if not text.strip():
        return entries
    match = _PREFIX.match(text)
    pos = match.end() if match else 0
    if text[pos : pos + 1] != "[":
        line = text.count("\n", 0, pos) + 1
        entries.append(Skipped(Source(display, line), "expected `window.YTD.tweets.part0 = [`; no tweet was read"))
        return entries
    decoder = json.JSONDecoder()
    pos += 1
    line = text.count("\n", 0, pos) + 1
    counted = pos

    def skip_space(at: int) -> int:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        return at

    while True:
        pos = skip_space(pos)
        line += text.count("\n", counted, pos)
        counted = pos
        if pos >= len(text):
            entries.append(Skipped(Source(display, line), "the array is not closed; the file may be cut short"))
            break
        if text[pos] == "]":
            break
        start = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            resume = _resync(text, start, start + 1)
            detail = error.msg.removesuffix(" at")
            reason = f"bad JSON: {detail} (line {error.lineno}, column {error.colno})"
            if resume is None:
                entries.append(Skipped(Source(display, line), f"{reason}; the rest of the file could not be read"))
                break
            entries.append(Skipped(Source(display, line), reason))
            pos = resume
            continue
        entries.append((line, value))
        pos = skip_space(end)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] not in "]{":  # a missing comma before the next "{" loses nothing
            resume = _resync(text, start, pos)
            where = Source(display, line + text.count("\n", counted, pos))
            if resume is None:
                entries.append(Skipped(where, "bad JSON after a tweet; the rest of the file could not be read"))
                break
            entries.append(Skipped(where, "bad JSON between tweets: expected ',' or ']'"))
            pos = resume
    return entries


def _resync(text: str, element: int, after: int) -> int | None:
    """Where the next line after `after` opens an object at the indentation of the element starting at `element`."""
    line_start = text.rfind("\n", 0, element) + 1
    indent = text[line_start:element]
    if indent.strip():
        return None
    found = re.compile(r"^" + re.escape(indent) + r"\{", re.MULTILINE).search(text, after)
    return found.start() + len(indent) if found else None


def _infer_owner(members: list[list[Entry]]) -> str | None:
    """The screen name a reply to one of the archive's own tweets names: the archive holds only the owner's posts."""
    values = [entry[1] for entries in members for entry in entries if not isinstance(entry, Skipped)]
    tweets = [t for t in map(_tweet, values) if t is not None]
    ids = {_str(t.get("id_str")) or _str(t.get("id")) for t in tweets}
    for tweet in tweets:
        parent = _str(tweet.get("in_reply_to_status_id_str")) or _str(tweet.get("in_reply_to_status_id"))
        screen_name = _str(tweet.get("in_reply_to_screen_name"))
        if parent and parent in ids and screen_name:
            return screen_name
    return None


def _decode(raw: bytes) -> tuple[str, str | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    for encoding in FALLBACK_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _member_key(name: str) -> tuple[str, int]:
    path = PurePosixPath(name)
    match = _TWEETS_MEMBER.match(path.name)
    return str(path.parent), int(match.group(1) or 0) if match else 0


def _tweet_members(container: Container) -> list[str]:
    """tweets.js / tweet.js and their part files, in part order."""
    found = [n for n in container.names() if _TWEETS_MEMBER.match(PurePosixPath(n).name)]
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
                    return _decode(candidate.read_bytes())[0]
            return None
        container = Container(path)
        names = container.find(file_name)
        if not names:
            return None
        with container.open(sorted(names, key=len)[0]) as handle:
            return _decode(handle.read())[0]
    except (OSError, InputError):
        return None


def _handles(file_name: str, text: str) -> list[str]:
    try:
        value = json.loads(text.partition("=")[2])
    except ValueError:
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
