"""Rule types for drafts: a post's length as its platform counts it, and the same text scheduled twice."""

from __future__ import annotations

from typing import Any

from relaudit.analyse import canned_key
from relaudit.conversations import Conversations
from relaudit.drafts.length import LINK_WEIGHT, PLATFORMS, measure
from relaudit.ruletypes.base import Context, Hit, Option, OptionError, RuleType


def posted_length(text: str, urls: tuple[str, ...], platform: str) -> int:
    """The length of the text plus any link that will be posted with it but is not written in it."""
    extra = [url for url in urls if url not in text]
    if not extra:
        return measure(text, platform)
    return measure(" ".join((text, *extra)), platform)


def _prepare_length(options: dict[str, Any]) -> dict[str, Any]:
    for platform, limit in (options.get("limits") or {}).items():
        if platform not in PLATFORMS:
            raise OptionError("limits", f"'{platform}' is not a platform; known: {', '.join(PLATFORMS)}")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise OptionError("limits", f"{platform}: expected a positive whole number, found {limit!r}")
    return options


def _length(options: dict[str, Any], ctx: Context) -> Hit | None:
    assert ctx.message is not None
    platform = ctx.message.platform
    if platform not in PLATFORMS:
        return None
    limit = int((options.get("limits") or {}).get(platform, PLATFORMS[platform].limit))
    value = posted_length(ctx.message.text, ctx.message.urls, platform)
    if value <= limit:
        return None
    return Hit({"length": value, "limit": limit, "platform": platform, "over": value - limit}, value - limit)


LENGTH = RuleType(
    name="length",
    options={
        "limits": Option(dict, {}, help="platform → maximum, replacing the platform's own limit"),
    },
    placeholders=frozenset({"length", "limit", "platform", "over"}),
    check=_length,
    prepare=_prepare_length,
    doc="""Flags a draft longer than its platform allows, counted the way the platform counts (links are 23
    characters on X and Mastodon, X weighs CJK characters and emoji double, Bluesky counts graphemes).
    Drafts without a platform (no --platform, no platform column) are not checked.

    type: length
    limits: {linkedin: 1300}
    """,
)

_seen: tuple[Conversations | None, dict[str, str]] = (None, {})


def _firsts(conv: Conversations) -> dict[str, str]:
    """For each message repeating an earlier one's text in its file, the earlier one's source; computed once."""
    global _seen
    if _seen[0] is not conv:
        first: dict[tuple[str, str], str] = {}
        repeats: dict[str, str] = {}
        for message in conv.messages:
            # a calendar is one file: drafts in different files are not the same schedule
            key = (message.source.path, canned_key(message.text))
            if not key[1]:
                continue
            if key in first:
                repeats[message.id] = first[key]
            else:
                first[key] = str(message.source)
        _seen = (conv, repeats)
    return _seen[1]


def _duplicate(options: dict[str, Any], ctx: Context) -> Hit | None:
    assert ctx.message is not None
    first = _firsts(ctx.conv).get(ctx.message.id)
    return None if first is None else Hit({"first": first}, 1.0)


DUPLICATE = RuleType(
    name="duplicate",
    options={},
    placeholders=frozenset({"first"}),
    check=_duplicate,
    doc="""Flags a message whose text (ignoring case, mentions, links, digits) repeats an earlier one's in its file.

    type: duplicate
    """,
)

__all__ = ["DUPLICATE", "LENGTH", "LINK_WEIGHT"]
