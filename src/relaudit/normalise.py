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
    message_id, author, raw_date, text = (
        fields.get("id"),
        fields.get("author"),
        fields.get("created_at"),
        fields.get("text"),
    )
    if not (type(message_id) is str and type(author) is str and type(raw_date) is str and type(text) is str):
        return None
    if not (message_id.isascii() and author.isascii() and len(raw_date) == 20 and raw_date[19] == "Z"):
        return None
    parent, parent_author, platform, url = (
        fields.get("in_reply_to"),
        fields.get("in_reply_to_author"),
        fields.get("platform"),
        fields.get("url"),
    )
    is_repost, is_private, likes, reposts = (
        fields.get("is_repost"),
        fields.get("is_private"),
        fields.get("likes"),
        fields.get("reposts"),
    )
    for value in (parent, parent_author, platform, url):
        if value is not None and not (type(value) is str and value.isascii()):
            return None
    for value in (is_repost, is_private):
        if value is not None and type(value) is not bool:
            return None
    for value in (likes, reposts):
        if value is not None and not (type(value) is int and -(2**53) <= value <= 2**53):
            return None
    message_id = message_id.strip()
    author = handle(author)
    if not message_id or not author or not raw_date[:4].isdigit():
        return None
    try:  # parse_datetime's steps for this form (its epoch pattern cannot match a string ending in "Z")
        created_at = datetime.fromisoformat(raw_date[:19] + "+00:00").astimezone(timezone.utc)
    except ValueError:
        return None
    text = _text(text)
    parent = _text(parent) or None
    return build_message(
        message_id,
        author,
        text,
        created_at,
        source,
        parent,
        handle(parent_author) or None if parent is not None and type(parent_author) is str else None,
        is_repost is True,
        _platform(_text(platform)),
        likes,
        reposts,
        _text(url) or None,
        is_private is True,
        *_entities(text),
    )


def _entities(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A text's mentions, hashtags and links."""
    # each pattern needs its marker character, so most texts skip most of them
    return (
        tuple(dict.fromkeys(sys.intern(m.lower()) for m in _MENTION.findall(text))) if "@" in text else (),
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
    if type(value) is int and -(2**53) <= value <= 2**53:  # what int(float(str(value))) gives back unchanged
        return value
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return int(float(str(value)))
    except (TypeError, ValueError, OverflowError):
        return None
