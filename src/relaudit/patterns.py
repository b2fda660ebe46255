"""Regular expressions from rule and lexicon files, with a time bound so no pattern can hang an audit.

Python's `re` backtracks without limit: a pattern like `(a|aa)+$` takes exponential time on a long run of a's.
The `regex` module (already installed with TextBlob, through NLTK) accepts a timeout per call, so a pattern that
backtracks catastrophically on one message gives up on that message, is reported, and the audit goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

# Per search, per message: ordinary patterns finish in microseconds, so this only stops runaway backtracking.
TIME_BOUND_SECONDS = 0.1


class PatternTimeout(Exception):
    """A pattern ran out of time on one text."""

    def __init__(self, pattern: str) -> None:
        super().__init__(f"pattern {pattern!r} gave up after {TIME_BOUND_SECONDS} s (catastrophic backtracking?)")
        self.pattern = pattern


@dataclass(frozen=True)
class SafePattern:
    """A compiled pattern whose searches stop after TIME_BOUND_SECONDS."""

    source: str
    compiled: regex.Pattern[str]

    def search(self, text: str) -> regex.Match[str] | None:
        """The first match, or None; PatternTimeout when the time bound is hit."""
        try:
            return self.compiled.search(text, timeout=TIME_BOUND_SECONDS)
        except TimeoutError as error:
            raise PatternTimeout(self.source) from error

    def findall_text(self, text: str) -> list[str]:
        """Every whole match's text; PatternTimeout when the time bound is hit."""
        try:
            return [m.group(0) for m in self.compiled.finditer(text, timeout=TIME_BOUND_SECONDS)]
        except TimeoutError as error:
            raise PatternTimeout(self.source) from error


def compile_pattern(source: str, ignore_case: bool = True) -> SafePattern:
    """Compile with the `regex` module (V0: `re`-compatible syntax); raises regex.error when invalid."""
    flags = regex.IGNORECASE if ignore_case else 0
    return SafePattern(source, regex.compile(source, flags | regex.VERSION0))
