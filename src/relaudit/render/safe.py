"""Neutralising export text before a terminal sees it: control, escape, bidi and zero-width characters."""

from __future__ import annotations

import re

# C0 and C1 controls (ESC starts ANSI/OSC sequences, \x9b and \x9d are one-byte CSI and OSC), DEL, bidirectional
# marks, overrides and isolates, zero-width and invisible fillers, line and paragraph separators, interlinear
# annotations, Unicode tag characters (invisible "ASCII smuggling") and lone surrogates (unencodable): any of them in
# a customer's message could rewrite, hide or break what the terminal shows.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ud800-\udfff\ufe00-\ufe0e\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f]"
)


def safe_text(text: str, limit: int | None = None) -> str:
    """Text with every unsafe character shown as a visible escape like \\x1b, tabs and newlines as spaces."""
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    text = _UNSAFE.sub(_escape, text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
