"""Turning raw loader records into clean Messages: ids, handles, plain text, UTC times, entities."""

from __future__ import annotations

import html
import re
import sys
from datetime import datetime, timezone

from relaudit.dates import parse_datetime
from relaudit.model import Message, RawRecord, Skipped, Source, build_message

# A mention's @ (a hashtag's #) not after a word character: each pattern starts with its marker and looks behind
# only once it is found, so `re` skips to the next marker instead of trying every position (6-15x faster).
_MENTION = re.compile(r"@(?<![\w@]@)([A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_]|[A-Za-z0-9_])")
_HASHTAG = re.compile(r"#(?<![\w#&]#)(\w+)")
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
# JSON may carry lone UTF-16 surrogates ("\ud800"); no output encoding can write them, so they become U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)
_TRUE = {"true", "1", "yes", "y", "t"}


def normalise(record: RawRecord) -> Message | Skipped:
    """A Message, or Skipped with the reason the record cannot be used."""
    found = _plain(record.fields, record.source) if record.fields.get("text_kind") == "plain" else None
    return found if found is not None else _general(record)


def _general(record: RawRecord) -> Message | Skipped:
    """normalise() of any record: every field checked for every form it may take."""
    fields = record.fields
    message_id = _text(fields.get("id"))
    if not message_id:
        return Skipped(record.source, "no id")
    author = handle(_text(fields.get("author")))
    if not author:
        return Skipped(record.source, f"message {message_id}: no author")
    raw_date = fields.get("created_at")
    created_at = parse_datetime(raw_date)
    if created_at is None:
        shown = "missing" if raw_date in (None, "") else f"'{_one_line(str(raw_date))[:40]}'"
        return Skipped(record.source, f"message {message_id}: unparseable date {shown}")
    text = plain_text(_text(fields.get("text")) or "", str(fields.get("text_kind", "plain")))
    parent = _text(fields.get("in_reply_to")) or None
    parent_author = handle(_text(fields.get("in_reply_to_author"))) or None
    return build_message(
        message_id,
        author,
        text,
        created_at,
        record.source,
        parent,
        parent_author if parent else None,
        _flag(fields.get("is_repost")),
        _platform(_text(fields.get("platform"))),
        _count(fields.get("likes")),
        _count(fields.get("reposts")),
        _text(fields.get("url")) or None,
        _flag(fields.get("is_private")),
        *_entities(text),
    )


def _plain(fields: dict[str, object], source: Source) -> Message | None:
    """normalise() of a record whose fields are all of their usual types, with a UTC ISO time; else None.

    Nearly every record of a large export is such a one, and this takes half the time: each field is tested once for
    the type it nearly always has, and anything else (a number as an id, a date in another form, a missing author,
    non-ASCII in a field other than the text) is left to the general path, which gives the same Message.
    """
    # Written out in one function, every test once, no loop: it runs once a record, and each call or loop spared is
    # ~5% of it. The general path's helpers (handle, _text, _platform, _count) give the same for these types.
    message_id, author, raw_date, text, parent, parent_author, platform, url = map(fields.get, _PLAIN_TEXTS)
    is_repost, is_private, likes, reposts = map(fields.get, _PLAIN_OTHERS)
    if not (type(message_id) is str and type(author) is str and type(raw_date) is str and type(text) is str):
        return None
    if not (message_id.isascii() and author.isascii() and len(raw_date) == 20 and raw_date[19] == "Z"):
        return None
    if parent is not None and not (type(parent) is str and parent.isascii()):
        return None
    if parent_author is not None and not (type(parent_author) is str and parent_author.isascii()):
        return None
    if platform is not None and not (type(platform) is str and platform.isascii()):
        return None
    if url is not None and not (type(url) is str and url.isascii()):
        return None
    if not (is_repost is None or type(is_repost) is bool) or not (is_private is None or type(is_private) is bool):
        return None
    if likes is not None and not (type(likes) is int and -_EXACT_COUNT <= likes <= _EXACT_COUNT):
        return None
    if reposts is not None and not (type(reposts) is int and -_EXACT_COUNT <= reposts <= _EXACT_COUNT):
        return None
    message_id = message_id.strip()
    author = sys.intern(author.strip().lstrip("@").strip().lower())  # handle(author)
    if not message_id or not author or not raw_date[:4].isdigit():
        return None
    try:  # parse_datetime's steps for this form (its epoch pattern cannot match a string ending in "Z")
        created_at = datetime.fromisoformat(raw_date[:19] + "+00:00").astimezone(timezone.utc)
    except ValueError:
        return None
    text = text.strip() if text.isascii() else _text(text)
    if parent is not None:
        parent = parent.strip() or None
    if parent is not None and type(parent_author) is str:
        parent_author = sys.intern(parent_author.strip().lstrip("@").strip().lower()) or None  # handle()
    else:
        parent_author = None
    return build_message(
        message_id,
        author,
        text,
        created_at,
        source,
        parent,
        parent_author,
        is_repost is True,
        sys.intern(platform.strip()) or None if platform is not None else None,  # _platform(_text(platform))
        likes,
        reposts,
        url.strip() or None if url is not None else None,
        is_private is True,
        *_entities(text),
    )


# the fields _plain reads: those it wants as ASCII strings (or absent), then the flags and counts
_PLAIN_TEXTS = ("id", "author", "created_at", "text", "in_reply_to", "in_reply_to_author", "platform", "url")
_PLAIN_OTHERS = ("is_repost", "is_private", "likes", "reposts")
_EXACT_COUNT = 2**53  # the largest count a float holds exactly, which _count gives back unchanged


def _entities(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A text's mentions, hashtags and links."""
    # each pattern needs its marker character, so most texts skip most of them
    mentions: tuple[str, ...] = ()
    if "@" in text:
        found = _MENTION.findall(text)
        if len(found) == 1:  # most texts that mention anyone mention one handle: no generator, no dictionary
            mentions = (sys.intern(found[0].lower()),)
        else:
            mentions = tuple(dict.fromkeys(sys.intern(m.lower()) for m in found))
    return (
        mentions,
        tuple(dict.fromkeys(h.lower() for h in _HASHTAG.findall(text))) if "#" in text else (),
        tuple(url.rstrip(".,;:!?)]}'\"") for url in _URL.findall(text)) if "://" in text else (),
    )


def _platform(name: str) -> str | None:
    """A platform name, one string for all the messages that carry it (not one each)."""
    return sys.intern(name) if name else None


def handle(value: str | None) -> str:
    """A handle as relaudit compares them: lower-case, no leading @, no surrounding space."""
    # interned: an export names a few thousand people a million times, so one string each, not one per message
    return sys.intern((value or "").strip().lstrip("@").strip().lower())


def plain_text(text: str, kind: str) -> str:
    """Text as a reader sees it: HTML reduced to text and entities unescaped where the export escaped them."""
    if kind == "html":
        text = _TAG.sub("", _BREAK.sub("\n", text))
        return html.unescape(text).strip()
    if kind == "escaped":
        return html.unescape(text)
    return text


def _one_line(text: str) -> str:
    """A value as a reason quotes it: whitespace runs (line breaks too) become single spaces."""
    return " ".join(_SURROGATE.sub("\ufffd", text).split())


def _text(value: object) -> str:
    if type(value) is str and value.isascii():  # nearly every field: no surrogate can be in ASCII
        return value.strip()
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.isascii():
        return text.strip()
    return _SURROGATE.sub("\ufffd", text).strip()


def _flag(value: object) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value).strip().lower() in _TRUE if value is not None else False


def _count(value: object) -> int | None:
    if type(value) is int and -_EXACT_COUNT <= value <= _EXACT_COUNT:  # int(float(str(value))) is the same
        return value
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return int(float(str(value)))
    except (TypeError, ValueError, OverflowError):
        return None
