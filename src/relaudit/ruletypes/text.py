"""Rule types over a message's text: phrases, pattern, count, ratio, sentiment, label."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from relaudit.labels import ANALYSED_CHARS, polarity
from relaudit.lexicon import phrase_pattern, tokens
from relaudit.patterns import compile_pattern
from relaudit.ruletypes.base import Context, Hit, Option, RuleType


def _prepare_phrases(options: dict[str, Any]) -> dict[str, Any]:
    compiled = dict(options)
    compiled["_pattern"] = phrase_pattern([str(p) for p in options["phrases"]])
    compiled["_exceptions"] = phrase_pattern([str(p) for p in options.get("exceptions") or []])
    return compiled


def _phrases(options: dict[str, Any], ctx: Context) -> Hit | None:
    assert ctx.message is not None
    text = ctx.message.text
    if options["_exceptions"] is not None and options["_exceptions"].search(text):
        return None
    found = options["_pattern"].found(text)
    if len(found) < options.get("min", 1):
        return None
    unique = list(dict.fromkeys(f.lower() for f in found))
    return Hit({"matched": ", ".join(f'"{f}"' for f in unique), "count": len(found)}, len(found))


PHRASES = RuleType(
    name="phrases",
    options={
        "phrases": Option(list, required=True, help="words or phrases, matched whole-word, case-insensitive"),
        "exceptions": Option(list, [], help="phrases that, when present, clear the message"),
        "min": Option(int, 1, help="how many matches it takes"),
        "replacements": Option(dict, {}, help="phrase → a better wording, offered by `relaudit check --suggest`"),
    },
    placeholders=frozenset({"matched", "count"}),
    check=_phrases,
    prepare=_prepare_phrases,
    doc="""Flags a message containing listed phrases.

    type: phrases
    phrases: ["buy now", "limited time"]
    exceptions: ["not a sale"]
    """,
)


def _prepare_pattern(options: dict[str, Any]) -> dict[str, Any]:
    compiled = dict(options)
    compiled["_pattern"] = compile_pattern(
        str(options["pattern"]), options.get("ignore_case", True), trusted=options.get("_trusted", False)
    )
    return compiled


def _pattern(options: dict[str, Any], ctx: Context) -> Hit | None:
    assert ctx.message is not None
    found = options["_pattern"].findall_text(ctx.message.text)
    if not found:
        return None
    return Hit({"matched": ", ".join(dict.fromkeys(found)), "count": len(found)}, len(found))


PATTERN = RuleType(
    name="pattern",
    options={
        "pattern": Option(str, required=True, help="a regular expression (time-bounded: it cannot hang the audit)"),
        "ignore_case": Option(bool, True, help="match regardless of case"),
    },
    placeholders=frozenset({"matched", "count"}),
    check=_pattern,
    prepare=_prepare_pattern,
    doc="""Flags a message matching a regular expression.

    type: pattern
    pattern: "\\\\b[\\\\w.+-]+@[\\\\w-]+\\\\.[\\\\w.]+\\\\b"
    """,
)

_COUNTERS = {
    "hashtags": lambda m: len(m.hashtags),
    "links": lambda m: len(m.urls),
    "mentions": lambda m: len(m.mentions),
    "exclamations": lambda m: m.text.count("!"),
    "length": lambda m: len(m.text),
    "capitals": lambda m: sum(1 for w in re.findall(r"[A-Za-z]{3,}", m.text) if w.isupper()),
    "words": lambda m: len(tokens(_without_links(m.text))),
}


def _without_links(text: str) -> str:
    return re.sub(r"https?://\S+|@\w+|#\w+", " ", text)


def _count(options: dict[str, Any], ctx: Context) -> Hit | None:
    assert ctx.message is not None
    if options.get("with_link") and not ctx.message.urls:
        return None
    value = _COUNTERS[options["what"]](ctx.message)
    low, high = options.get("min"), options.get("max")
    if (low is not None and value >= low) or (high is not None and value <= high):
        return Hit({"count": value}, value)
    return None


COUNT = RuleType(
    name="count",
    options={
        "what": Option(str, required=True, help="what to count", choices=tuple(_COUNTERS)),
        "min": Option(int, None, help="flag when the count is at least this"),
        "max": Option(int, None, help="flag when the count is at most this"),
        "with_link": Option(bool, False, help="only messages that contain a link"),
    },
    placeholders=frozenset({"count"}),
    check=_count,
    doc="""Flags a message by a count: hashtags, links, mentions, exclamations, length, capitals, words.

    type: count
    what: hashtags
    min: 5
    """,
)


def _ratio(options: dict[str, Any], ctx: Context) -> Hit | None:
    assert ctx.labels is not None
    self_refs, audience = ctx.labels.self_refs, ctx.labels.audience_refs
    if self_refs < options["min_self"] or audience > options["max_audience"]:
        return None
    return Hit({"self": self_refs, "audience": audience}, self_refs - audience)


RATIO = RuleType(
    name="ratio",
    options={
        "min_self": Option(int, 2, help="at least this many self-references (we, our, us, the own handle)"),
        "max_audience": Option(int, 0, help="and at most this many audience-references (you, your)"),
    },
    placeholders=frozenset({"self", "audience"}),
    check=_ratio,
    doc="""Flags a message that talks about the account far more than about the reader.

    type: ratio
    min_self: 2
    max_audience: 0
    """,
)


@cache
def _may_be_negative() -> Callable[[str, float], bool]:
    """sentiment.may_be_negative, imported when a sentiment rule first runs (`relaudit check` seldom needs it)."""
    from relaudit.sentiment import may_be_negative

    return may_be_negative


def _sentiment(options: dict[str, Any], ctx: Context) -> Hit | None:
    assert ctx.message is not None
    below, above = options.get("below"), options.get("above")
    # Only a negative polarity can be below a bound of 0 or less: most texts cannot have one, much cheaper to see.
    text = ctx.message.text[:ANALYSED_CHARS]
    if above is None and below is not None and below <= 0 and not _may_be_negative()(text, below):
        return None
    value = polarity(ctx.message.text)
    if (below is not None and value < below) or (above is not None and value > above):
        return Hit({"polarity": f"{value:+.2f}"}, abs(value))
    return None


SENTIMENT = RuleType(
    name="sentiment",
    options={
        "below": Option((int, float), None, help="flag when TextBlob polarity is below this"),
        "above": Option((int, float), None, help="flag when polarity is above this"),
    },
    placeholders=frozenset({"polarity"}),
    check=_sentiment,
    doc="""Flags a message by TextBlob polarity (-1 to 1).

    type: sentiment
    below: -0.5
    """,
)
