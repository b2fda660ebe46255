"""For a rule that fired on a draft: where in the text it fired (to highlight) and a concrete rewrite hint."""

from __future__ import annotations

import re
from typing import Any

from relaudit.drafts.length import PLATFORMS, cut_offset
from relaudit.labels import Labeller, polarity
from relaudit.lexicon import phrase_pattern
from relaudit.model import Message
from relaudit.ruletypes.length import posted_length

Span = tuple[int, int]
_HASHTAG = re.compile(r"(?<![\w#&])#\w+")
_MENTION = re.compile(r"(?<![\w@])@\w[\w.]*\w|(?<![\w@])@\w")
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)
_CAPITALS = re.compile(r"\b[A-Z]{3,}\b")
_WORD = re.compile(r"[A-Za-z']+")


def spans(rule_type: str, options: dict[str, Any], message: Message, labeller: Labeller) -> list[Span]:
    """The parts of the text that made the check fire, in order; empty when it is about the whole draft."""
    text = message.text
    if rule_type in ("all", "any"):
        found = [s for c in options["conditions"] for s in spans(c["type"], c["options"], message, labeller)]
        return sorted(set(found))
    if rule_type == "phrases":
        return options["_pattern"].spans(text)
    if rule_type == "pattern":
        return list(options["_pattern"].spans(text))
    if rule_type == "count":
        finder = {
            "hashtags": _HASHTAG,
            "links": _URL,
            "mentions": _MENTION,
            "exclamations": re.compile("!"),
            "capitals": _CAPITALS,
        }.get(options["what"])
        return [m.span() for m in finder.finditer(text)] if finder else []
    if rule_type == "ratio":
        words = labeller.lexicons["self-reference"].words
        pattern = phrase_pattern(sorted(words))
        return pattern.spans(text) if pattern else []
    if rule_type == "sentiment":
        below = options.get("below")
        return [m.span() for m in _WORD.finditer(text) if below is not None and polarity(m.group(0)) < 0]
    if rule_type == "length" and message.platform in PLATFORMS:
        cut = cut_offset(text, message.platform)
        return [(cut, len(text))] if cut is not None and cut < len(text) else []
    return []


def suggest(rule_type: str, options: dict[str, Any], message: Message, found: list[Span], fix: str) -> str:
    """One concrete rewrite hint for this draft; the rule's own `fix` when nothing more specific can be said."""
    text = message.text
    words = list({text[s:e].lower(): text[s:e] for s, e in reversed(found)}.values())[::-1]
    if rule_type == "count" and options["what"] == "hashtags" and options.get("min"):
        keep = max(min(2, int(options["min"]) - 1), 1)  # one or two that people follow, as the rule's fix says
        return f"Keep at most {keep}: {' '.join(words[:keep])}; drop {' '.join(words[keep:])}."
    if rule_type == "count" and options["what"] == "words":
        return "Add a sentence before the link: what the reader gets from it, in your own words."
    if rule_type == "length" and message.platform in PLATFORMS:
        platform = PLATFORMS[message.platform]
        value = posted_length(text, message.urls, message.platform)
        limit = int((options.get("limits") or {}).get(message.platform, platform.limit))
        return f"Cut at least {value - limit} characters ({platform.note}); the limit is passed at the highlight."
    if rule_type == "pattern" and words and all(w.isupper() or not w.strip("!?") for w in words):
        shown = [f'"{w}" as "{w.capitalize()}"' if w.strip("!?") else f'"{w}" as "{w[0]}"' for w in words[:3]]
        return "Write " + ", ".join(shown) + "."
    if rule_type == "phrases" and words:
        replacements = {str(k).lower(): str(v) for k, v in (options.get("replacements") or {}).items()}
        swaps = [f'"{w}" → "{replacements[w.lower()]}"' for w in words if w.lower() in replacements]
        rest = [w for w in words if w.lower() not in replacements]
        without = f"rewrite without {', '.join(repr(w) for w in rest[:4])}" if rest else ""
        if swaps:
            return "Try " + "; ".join(swaps) + (f"; {without}." if without else ".")
        return f"{without.capitalize()}: {fix}"
    if rule_type == "ratio" and words:
        return f"Turn one of {', '.join(repr(w) for w in words[:4])} into a sentence about 'you': what the reader gets."
    if rule_type in ("sentiment", "all") and words:
        return f"Soften {', '.join(repr(w) for w in words[:4])}: {fix}"
    if rule_type == "pattern" and words:
        return f"Remove {', '.join(repr(w) for w in words[:3])} from the post: {fix}"
    return fix
