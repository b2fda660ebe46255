"""Turning raw loader records into clean Messages: ids, handles, plain text, UTC times, entities."""

from __future__ import annotations

import html
import re
import sys

from relaudit.dates import parse_datetime
from relaudit.model import Message, RawRecord, Skipped

_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.]*[A-Za-z0-9_]|[A-Za-z0-9_])")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
# JSON may carry lone UTF-16 surrogates ("\ud800"); no output encoding can write them, so they become U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)
_TRUE = {"true", "1", "yes", "y", "t"}


def normalise(record: RawRecord) -> Message | Skipped:
    """A Message, or Skipped with the reason the record cannot be used."""
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
    return Message(
        id=message_id,
        author=author,
        text=text,
        created_at=created_at,
        source=record.source,
        in_reply_to=parent,
        in_reply_to_author=parent_author if parent else None,
        is_repost=_flag(fields.get("is_repost")),
        platform=_text(fields.get("platform")) or None,
        likes=_count(fields.get("likes")),
        reposts=_count(fields.get("reposts")),
        url=_text(fields.get("url")) or None,
        is_private=_flag(fields.get("is_private")),
        # each pattern needs its marker character, so most texts skip most of them
        mentions=tuple(dict.fromkeys(sys.intern(m.lower()) for m in _MENTION.findall(text))) if "@" in text else (),
        hashtags=tuple(dict.fromkeys(h.lower() for h in _HASHTAG.findall(text))) if "#" in text else (),
        urls=tuple(url.rstrip(".,;:!?)]}'\"") for url in _URL.findall(text)) if "://" in text else (),
    )


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
