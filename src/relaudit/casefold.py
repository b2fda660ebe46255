"""Case-insensitive matching without re.IGNORECASE, which makes Python's `re` three to five times slower.

For most texts, searching `text.lower()` with a pattern compiled without IGNORECASE finds exactly what searching
`text` with IGNORECASE finds, at the same positions. That holds when

- the pattern is ASCII and no upper-case letter can match by itself: none is named, given by code (\\x41, \\N{...})
  or inside a range (`[0-_]` holds A-Z), and there is no back-reference and no inline flag (checked on the parse
  tree of Python's own pattern parser); and
- every non-ASCII character of the text is uncased (emoji, curly quotes, dashes, CJK: `c.lower() == c == c.upper()`).
  A cased non-ASCII letter may fold onto an ASCII one under IGNORECASE (KELVIN SIGN onto k, dotted İ onto i, long ſ
  onto s) or change length when lower-cased (İ), so a text holding one is searched the slow, exact way.

Under those conditions lower-casing maps each character to one character (positions are kept), A-Z onto a-z as
IGNORECASE does, and changes no character's class (\\w, \\s, \\b stay where they were). tests/test_casefold.py
checks both ways of matching against each other on generated texts, hand-picked edge cases and the real data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_UPPER = range(ord("A"), ord("Z") + 1)

try:  # the standard library's own pattern parser (re._parser since 3.11, sre_parse before)
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse

# (text, its folded form): the last text folded. The same text is usually matched by many patterns in a row; one
# tuple, assigned at once, so a thread reading it never sees one text with another's fold.
_last: tuple[str, str | None] = ("", "")


def foldable(source: str) -> bool:
    """Whether a case-insensitive pattern can run on lower-cased text without IGNORECASE (see the module)."""
    if not source.isascii():
        return False
    try:
        parsed = sre_parse.parse(source)
    except (re.error, OverflowError, RecursionError):
        return False
    if parsed.state.flags & ~re.UNICODE:  # an inline global flag such as (?a) or (?x)
        return False
    return _without_capitals(list(parsed))


def _without_capitals(items: list[tuple[Any, Any]]) -> bool:
    """No upper-case letter can match by itself: named, coded (\\x41), in a range ([0-_]), or via a back-reference."""
    for name, value in nodes(items):
        if name in ("LITERAL", "NOT_LITERAL") and value in _UPPER:
            return False
        if name == "RANGE" and value[0] <= _UPPER[-1] and value[1] >= _UPPER[0]:
            return False
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            return False
        if name == "SUBPATTERN" and (value[1] or value[2]):  # (?i:...) or (?-i:...)
            return False
    return True


def nodes(items: list[tuple[Any, Any]]) -> Iterator[tuple[str, Any]]:
    """Every node of a pattern parsed by re's own parser, those inside groups and sets too: (opcode name, value)."""
    stack = list(items)
    while stack:
        op, value = stack.pop()
        name = getattr(op, "name", str(op))  # the opcode constants carry their names
        yield name, value
        if name == "SUBPATTERN":
            stack.extend(value[3])
        elif name in ("IN", "ATOMIC_GROUP"):
            stack.extend(value)
        elif name == "BRANCH":
            stack.extend(item for branch in value[1] for item in branch)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            stack.extend(value[2])
        elif name in ("ASSERT", "ASSERT_NOT"):
            stack.extend(value[1])
        elif name == "GROUPREF_EXISTS":
            stack.extend([*value[1], *(value[2] or [])])


# bytes.translate keeps a-z and makes every other byte a space, so that split() gives the runs of a-z letters
_RUNS_ONLY = bytes(c if ord("a") <= c <= ord("z") else ord(" ") for c in range(256))


def letter_runs(lowered: str) -> list[bytes]:
    """The runs of the letters a-z in a lower-cased text, as bytes (a character beyond ASCII ends a run, as "?").

    The list is shared with the next caller asking about the same string (so not to be changed): an inbound text's
    fold is asked for its language and then for its sentiment.
    """
    global _last_runs
    last = _last_runs
    if last[0] is lowered:
        return last[1]
    runs = lowered.encode("ascii", "replace").translate(_RUNS_ONLY).split()
    _last_runs = (lowered, runs)  # (one tuple, assigned at once, as _last)
    return runs


_last_runs: tuple[str, list[bytes]] = ("", [])


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

    __slots__ = ("exact", "folded", "needles", "pattern")

    def __init__(self, source: str, needles: tuple[str, ...] | None = None) -> None:
        """`needles`: strings one of which every match holds in the folded text, if the caller knows some."""
        self.pattern = source
        self.exact = re.compile(source, re.IGNORECASE)
        self.folded = re.compile(source) if foldable(source) else None
        # a few `in` tests are cheaper than the regex scan when none of them is there, the common case
        self.needles = needles if self.folded is not None else None

    def _target(self, text: str) -> tuple[re.Pattern[str] | None, str]:
        """The folded pattern and text where they may be searched instead, else the exact pattern and the text.

        None for the pattern when its needles show that the folded text holds no match (the common case).
        """
        folded = self.folded
        if folded is not None:
            last = _last  # fold(text), without the call when it has just been asked for this text (most times)
            target = last[1] if last[0] is text else fold(text)
            if target is not None:
                needles = self.needles  # a few `in` tests, in C
                if needles is not None and not any(map(target.__contains__, needles)):
                    return None, target
                return folded, target
        return self.exact, text

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in the text."""
        pattern, target = self._target(text)
        return pattern is not None and pattern.search(target) is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every match, leftmost first, as `finditer` gives them on the text itself."""
        pattern, target = self._target(text)
        if pattern is None:
            return []
        return [m.span() for m in pattern.finditer(target)]

    def found(self, text: str) -> list[str]:
        """The text of every match, as written in the text (not lower-cased)."""
        return [text[start:end] for start, end in self.spans(text)]
