"""Which of a lexicon's patterns match a text, found in one pass by RE2 when installed (`pip install relaudit[fast]`).

Python's `re` tries each pattern at every position of the text, one pattern after another: the complaint lexicon's
eleven patterns cost ~30 µs a text that way, a third of labelling an inbound message. An RE2 set answers for all of
them in one pass (~2 µs). RE2 is a different engine, so it is only asked where both give the same answer:

- on folded text (casefold.py: lower-cased, searched without IGNORECASE) that is pure ASCII and holds none of the
  control characters Python counts as whitespace and RE2 does not (\\v, \\x1c-\\x1f). On such text `\\w`, `\\d`,
  `\\s`, `\\b` and `.` mean the same in both; and
- for patterns that can be folded, use none of the syntax RE2 reads otherwise (`$`, `\\Z`, `{,n}`, `[:`), and that
  RE2 accepts (it has no look-arounds or back-references).

Only whether a pattern matches anywhere is asked, which does not depend on how either engine chooses among
matches. Without RE2, or for any other text or pattern, `re` answers as before. tests/test_patternset.py checks RE2
against `re` for every shipped pattern on generated texts and on every text in ../shared/data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from relaudit.casefold import CasePattern

# ASCII characters that Python's \s matches and RE2's does not
_OTHER_SPACE = re.compile(r"[\x0b\x1c-\x1f]")
# Syntax RE2 reads otherwise: `$` (re also matches before a final newline), `\Z` (RE2 has none), `{,n}` (re reads
# {0,n}, RE2 the text "{,n}"), `[:` (RE2 reads [[:alpha:]] as a POSIX class, re as a set of characters)
_READ_OTHERWISE = ("$", r"\Z", "{,", "[:")
# Texts a set leaves to `re` before it loads RE2: importing RE2 takes ~60 ms, more than checking one draft's
# patterns costs, so only a lexicon asked about many texts (an audit) turns to it.
WARM_UP = 1_000


def _same_to_both(source: str) -> bool:
    """Whether the pattern uses none of the syntax RE2 reads otherwise, nor a back-slash and a digit."""
    # `\1` is a back-reference to re, which RE2 refuses; but `\10` to `\77` RE2 reads as octal characters.
    return not any(mark in source for mark in _READ_OTHERWISE) and _DIGIT_ESCAPE.search(source) is None


_DIGIT_ESCAPE = re.compile(r"\\[0-9]")


class PatternSet:
    """The RE2 set of a lexicon's patterns that it can answer for; `hits` says which of them match a text."""

    __slots__ = ("asked", "candidates", "index", "position", "set")

    def __init__(self, patterns: Sequence[CasePattern | None]) -> None:
        """`patterns`: one per cue pattern, None for one that is not a shipped CasePattern (never asked here)."""
        self.set: Any = None
        self.index: dict[int, int] = {}  # position in `patterns` -> index in the RE2 set
        self.position: dict[int, int] = {}  # and back
        self.asked = 0
        sources = [p.pattern if p is not None and p.folded is not None else None for p in patterns]
        self.candidates = [(at, source) for at, source in enumerate(sources) if source and _same_to_both(source)]

    @classmethod
    def case_sensitive(cls, source: str) -> PatternSet:
        """The set of one pattern compiled without IGNORECASE, asked about the text itself rather than its fold."""
        # The fold was only needed to drop IGNORECASE; a case-sensitive pattern means the same to both engines on
        # the same ASCII text, so the conditions on the text and on the syntax are the ones above.
        made = cls([])
        if source.isascii() and _same_to_both(source):
            made.candidates = [(0, source)]
        return made

    def ready(self) -> bool:
        """Build the RE2 set now (at most once); False when RE2 is not installed or takes none of the patterns."""
        if self.candidates:
            candidates, self.candidates = self.candidates, []
            try:
                import re2  # google-re2, the optional extra "fast"
            except ImportError:
                return False
            options = re2.Options()
            options.log_errors = False  # a pattern RE2 refuses is expected here, not news for the user's terminal
            found = re2.Set.SearchSet(options)
            for position, source in candidates:
                try:
                    self.index[position] = found.Add(source)
                except re2.error:
                    continue  # RE2 lacks what it uses (a look-around, a back-reference): `re` answers for it
            if self.index:
                try:
                    found.Compile()
                except re2.error:  # the set is too big for RE2's memory budget: `re` answers, as without RE2
                    self.index = {}
                    return False
                self.set = found
                self.position = {index: position for position, index in self.index.items()}
        return self.set is not None

    def hits(self, folded: str | None) -> set[int] | None:
        """The set indices matching the folded text (the text, for case_sensitive), or None when it cannot say."""
        if self.set is None:
            self.asked += 1
            if self.asked < WARM_UP or not self.ready():
                return None
        if folded is None or not folded.isascii() or _OTHER_SPACE.search(folded):
            return None
        return set(self.set.Match(folded) or ())

    @property
    def open(self) -> bool:
        """Whether asking `hits` can be worth it: a set is built, or can still be."""
        return self.set is not None or bool(self.candidates)
