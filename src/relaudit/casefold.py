"""Case-insensitive matching without re.IGNORECASE, which makes Python's `re` three to five times slower.

For most texts, searching `text.lower()` with a pattern compiled without IGNORECASE finds exactly what searching
`text` with IGNORECASE finds, at the same positions. That holds when

- the pattern is ASCII and names no upper-case letter (outside the escapes \\A \\B \\D \\S \\W \\Z, which are not
  letters), no letter by code (\\x41, \\u0041, \\N{...}, octal), no back-reference and no inline flag; and
- every non-ASCII character of the text is uncased (emoji, curly quotes, dashes, CJK: `c.lower() == c == c.upper()`).
  A cased non-ASCII letter may fold onto an ASCII one under IGNORECASE (KELVIN SIGN onto k, dotted İ onto i, long ſ
  onto s) or change length when lower-cased (İ), so a text holding one is searched the slow, exact way.

Under those conditions lower-casing maps each character to one character (positions are kept), A-Z onto a-z as
IGNORECASE does, and changes no character's class (\\w, \\s, \\b stay where they were). tests/test_casefold.py
checks both ways of matching against each other on generated texts, hand-picked edge cases and the real data.
"""

from __future__ import annotations

import re

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_SAFE_ESCAPES = frozenset("ABDSWZbdswntrfv")  # classes, anchors and control characters: never a cased letter
_INLINE_FLAG = re.compile(r"\(\?[aiLmsux-]")

# (text, its folded form): the last text folded. The same text is usually matched by many patterns in a row; one
# tuple, assigned at once, so a thread reading it never sees one text with another's fold.
_last: tuple[str, str | None] = ("", "")


def foldable(source: str) -> bool:
    """Whether a case-insensitive pattern can run on lower-cased text without IGNORECASE (see the module)."""
    if not source.isascii() or _INLINE_FLAG.search(source):
        return False
    for escaped in _ESCAPE.findall(source):
        if escaped.isalnum() and escaped not in _SAFE_ESCAPES:
            return False  # \x41, \u0041, \N{...}, \1, \0: a letter by code, or a back-reference
    return not any(c.isupper() for c in _ESCAPE.sub("", source))


def fold(text: str) -> str | None:
    """`text.lower()` when it may be searched in place of the text (see the module), else None."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    folded: str | None = text.lower()
    if not text.isascii():
        for c in set(_NON_ASCII.findall(text)):
            if c.lower() != c or c.upper() != c:
                folded = None
                break
    _last = (text, folded)
    return folded


class CasePattern:
    """A case-insensitive pattern run on the folded text when that is exactly the same, on the text otherwise."""

    __slots__ = ("exact", "folded", "pattern")

    def __init__(self, source: str) -> None:
        self.pattern = source
        self.exact = re.compile(source, re.IGNORECASE)
        self.folded = re.compile(source) if foldable(source) else None

    def _target(self, text: str) -> tuple[re.Pattern[str], str]:
        if self.folded is not None:
            folded = fold(text)
            if folded is not None:
                return self.folded, folded
        return self.exact, text

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in the text."""
        pattern, target = self._target(text)
        return pattern.search(target) is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every match, leftmost first, as `finditer` gives them on the text itself."""
        pattern, target = self._target(text)
        return [m.span() for m in pattern.finditer(target)]

    def found(self, text: str) -> list[str]:
        """The text of every match, as written in the text (not lower-cased)."""
        return [text[start:end] for start, end in self.spans(text)]
