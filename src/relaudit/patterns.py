"""Regular expressions from rule and lexicon files, with a time bound so no user's pattern can hang an audit.

Python's `re` backtracks without limit: a pattern like `(a|aa)+$` takes exponential time on a long run of a's.
The `regex` module (already installed with TextBlob, through NLTK) accepts a timeout per call, so a pattern from a
user's rule pack that backtracks catastrophically gives up, is reported, and the audit goes on without it.

The patterns relaudit ships (default pack, lexicons) are trusted and tested: they run on `re`, about twice as fast,
and without the timeout, whose wall clock could make a busy machine skip a rule on an ordinary message and so make
two runs disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from relaudit.casefold import CasePattern, fold
from relaudit.patternset import PatternSet

# Per search, per message: ordinary patterns finish in microseconds, so this only stops runaway backtracking; a
# whole second keeps a loaded machine from tripping it (and a rule that trips it is dropped for the rest of its
# process's messages: the whole export in one process; with workers, the rest of a worker's share (owned.py), or of
# its slice of at most 25,000 messages when a message rule reads a metric).
TIME_BOUND_SECONDS = 1.0


class PatternTimeout(Exception):
    """A pattern ran out of time on one text."""

    def __init__(self, pattern: str) -> None:
        super().__init__(f"pattern {pattern!r} gave up after {TIME_BOUND_SECONDS} s (catastrophic backtracking?)")
        self.pattern = pattern


@dataclass(frozen=True)
class SafePattern:
    """A compiled pattern: time-bounded (`regex`) for users' files, plain `re` for relaudit's own."""

    source: str
    compiled: Any  # regex.Pattern[str] when bounded, re.Pattern[str] or CasePattern when trusted
    bounded: bool = True
    # For a trusted pattern: RE2 (when installed) says in one linear pass whether it matches at all; most texts do
    # not, and `re` need not be run on them (the shipped personal-data pattern: 13 µs a text on `re`).
    gate: PatternSet | None = field(default=None, compare=False)

    def _absent(self, text: str) -> bool:
        """True when the gate shows that the pattern matches nowhere in the text."""
        gate = self.gate
        if gate is None or not gate.open:
            return False
        hits = gate.hits(fold(text) if isinstance(self.compiled, CasePattern) else text)
        return hits is not None and not hits

    def _finditer(self, text: str) -> Iterator[Any]:
        if self.bounded:
            return self.compiled.finditer(text, timeout=TIME_BOUND_SECONDS)
        return self.compiled.finditer(text)

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere; PatternTimeout when the time bound is hit."""
        try:
            if self.bounded:
                return self.compiled.search(text, timeout=TIME_BOUND_SECONDS) is not None
            return not self._absent(text) and bool(self.compiled.search(text))
        except TimeoutError as error:
            raise PatternTimeout(self.source) from error

    def findall_text(self, text: str) -> list[str]:
        """Every whole match's text; PatternTimeout when the time bound is hit."""
        return [text[start:end] for start, end in self.spans(text)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where every whole match is (start, end); PatternTimeout when the time bound is hit."""
        if not self.bounded and self._absent(text):
            return []
        if isinstance(self.compiled, CasePattern):
            return self.compiled.spans(text)
        try:
            return [m.span() for m in self._finditer(text)]
        except TimeoutError as error:
            raise PatternTimeout(self.source) from error


def compile_pattern(source: str, ignore_case: bool = True, trusted: bool = False) -> SafePattern:
    """Compile a pattern; raises re.error / regex.error when invalid.

    Untrusted (a user's file): the `regex` module, V0 (`re`-compatible syntax), time-bounded. Trusted (shipped with
    relaudit): `re`, unless it needs `regex`-only syntax.
    """
    if trusted:
        try:
            compiled = CasePattern(source) if ignore_case else re.compile(source)
        except re.error:
            pass
        else:
            gate = PatternSet([compiled]) if isinstance(compiled, CasePattern) else PatternSet.case_sensitive(source)
            return SafePattern(source, compiled, bounded=False, gate=gate)
    flags = regex.IGNORECASE if ignore_case else 0
    return SafePattern(source, regex.compile(source, flags | regex.VERSION0))
