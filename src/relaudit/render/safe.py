"""Neutralising export text before a terminal sees it: control, escape, bidi and zero-width characters."""

from __future__ import annotations

import re

# C0 and C1 controls (ESC starts ANSI/OSC sequences), DEL, bidirectional overrides and isolates, zero-width
# characters: any of them in a customer's message could rewrite what the terminal shows.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def safe_text(text: str, limit: int | None = None) -> str:
    """Text with every unsafe character shown as a visible escape like \\x1b, tabs and newlines as spaces."""
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    text = _UNSAFE.sub(
        lambda m: f"\\u{ord(m.group(0)):04x}" if ord(m.group(0)) > 0xFF else f"\\x{ord(m.group(0)):02x}", text
    )
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
