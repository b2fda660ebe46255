"""Which of a lexicon's patterns match a text, found in one pass by RE2 when installed (`pip install relaudit[fast]`).

Python's `re` tries each pattern at every position of the text, one pattern after another: the complaint lexicon's
eleven patterns cost ~30 µs a text that way, a third of labelling an inbound message. An RE2 set answers for all of
them in one pass (~2 µs). RE2 is a different engine, so it is only asked where both give the same answer:

- on folded text (casefold.py: lower-cased, searched without IGNORECASE) that is pure ASCII and holds none of the
  control characters Python counts as whitespace and RE2 does not (\\v, \\x1c-\\x1f). On such text `\\w`, `\\d`,
  `\\s`, `\\b` and `.` mean the same in both; and
- for patterns that can be folded, use none of the syntax RE2 reads otherwise (`$`, `\\Z`, `{,n}`, `[:`), and that
  RE2 accepts (it has no look-arounds or back-references).

A text with other characters is still answered by RE2 when each of them is, to Python, neither a word character
nor a space (emoji, symbols, dashes, curly quotes: most of what social texts hold beyond ASCII): such characters
are all written as one ASCII stand-in that no pattern of the set names (not in a literal, nor in a range), and
the patterns name no character beyond ASCII. Every step of `re` then treats the stand-in as it treats each of
those characters (no literal or range takes either; `\\w`, `\\s`, `\\d`, `.`, `\\b` and negated classes take both
or neither), so the match is the same on the written text, and that text is ASCII.

Only whether a pattern matches anywhere is asked, which does not depend on how either engine chooses among
matches. Without RE2, or for any other text or pattern, `re` answers as before. tests/test_patternset.py checks RE2
against `re` for every shipped pattern on generated texts and on every text in ../shared/data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from relaudit.casefold import CasePattern, nodes, sre_parse

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
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD_OR_SPACE = re.compile(r"[\w\s]")
# Stand-in candidates: ASCII control characters that are no word character nor space to either engine
_STAND_INS = [chr(code) for code in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F)]


def _named(source: str) -> set[int] | None:
    """The code points a pattern names in literals and ranges; None if it may name one beyond ASCII or sets flags."""
    try:
        parsed = sre_parse.parse(source)
    except (re.error, OverflowError, RecursionError):
        return None
    if parsed.state.flags & ~re.UNICODE:
        return None
    named: set[int] = set()
    for name, value in nodes(list(parsed)):
        if name in ("LITERAL", "NOT_LITERAL"):
            named.add(value)
        elif name == "RANGE":
            if value[1] >= 0x80:
                return None  # (before a range of up to a million code points is spelled out)
            named.update(range(value[0], value[1] + 1))
        elif name == "SUBPATTERN" and (value[1] or value[2]):  # (?i:...) and the like
            return None
    return None if any(code >= 0x80 for code in named) else named


def phrase_gate(source: str) -> str | None:
    """For a phrase list's pattern (lexicon.phrase_pattern), one RE2 can take that matches where it matches.

    `(?<![\\w'])(?:...)(?![\\w'])` becomes `(?:^|[^\\w'])(?:...)(?:[^\\w']|$)`: the look-arounds as characters
    taken (RE2 has none), which changes where a match lies but not whether there is one. (`$` is RE2's, the end of
    the text; before a final newline re's look-ahead holds too, as the newline is no word character.) Between them
    are escaped literals and `\\s+`, which mean the same to both on the texts `hits` gives RE2. None for a pattern
    not of that form, or not ASCII.
    """
    head, tail = r"(?<![\w'])(?:", r")(?![\w'])"
    if not (source.isascii() and source.startswith(head) and source.endswith(tail)):
        return None
    return rf"(?:^|[^\w'])(?:{source[len(head) : -len(tail)]})(?:[^\w']|$)"


def _stand_in(sources: list[str]) -> str | None:
    """An ASCII control character none of the patterns names, when none names a character beyond ASCII."""
    named: set[int] = set()
    for source in sources:
        found = _named(source)
        if found is None:
            return None
        named |= found
    return next((c for c in _STAND_INS if ord(c) not in named), None)


class PatternSet:
    """The RE2 set of a lexicon's patterns that it can answer for; `hits` says which of them match a text."""

    __slots__ = ("asked", "candidates", "complete", "gate", "index", "position", "set", "size", "stand_in")

    def __init__(self, patterns: Sequence[CasePattern | None], gate: str | None = None) -> None:
        """`patterns`: one per cue pattern, None for one that is not a shipped CasePattern (never asked here).

        `gate`: a pattern for RE2 alone (see phrase_gate), asked along with them; `gate` is then its set index.
        """
        self.set: Any = None
        self.index: dict[int, int] = {}  # position in `patterns` (the gate's: after them) -> index in the RE2 set
        self.position: dict[int, int] = {}  # and back
        self.asked = 0
        self.stand_in: str | None = None  # written for the other characters of a text (see the module)
        self.size = len(patterns)
        self.complete = False  # whether RE2 answers for every one of `patterns`
        self.gate: int | None = None
        sources = [p.pattern if p is not None and p.folded is not None else None for p in patterns]
        self.candidates = [(at, source) for at, source in enumerate(sources) if source and _same_to_both(source)]
        if gate is not None and self.candidates:  # alone, its RE2 call costs about what it spares
            self.candidates.append((self.size, gate))

    @classmethod
    def case_sensitive(cls, source: str) -> PatternSet:
        """The set of one pattern compiled without IGNORECASE, asked about the text itself rather than its fold."""
        # The fold was only needed to drop IGNORECASE; a case-sensitive pattern means the same to both engines on
        # the same ASCII text, so the conditions on the text and on the syntax are the ones above.
        made = cls([])
        made.size = 1  # its one pattern, at position 0
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
            if list(self.index) == [self.size]:
                self.index = {}  # RE2 took the gate alone (none of the patterns): not worth a call, as above
            if self.index:
                try:
                    found.Compile()
                except re2.error:  # the set is too big for RE2's memory budget: `re` answers, as without RE2
                    self.index = {}
                    return False
                self.set = found
                self.position = {index: position for position, index in self.index.items()}
                self.stand_in = _stand_in([source for position, source in candidates if position in self.index])
                self.complete = all(position in self.index for position in range(self.size))
                self.gate = self.index.get(self.size)  # (the position after the patterns is the gate's)
        return self.set is not None

    def hits(self, folded: str | None) -> set[int] | None:
        """The set indices matching the folded text (the text, for case_sensitive), or None when it cannot say."""
        if self.set is None:
            self.asked += 1
            if self.asked < WARM_UP or not self.ready():
                return None
        if folded is None:
            return None
        if not folded.isascii():
            others = set(_NON_ASCII.findall(folded))
            if self.stand_in is None or any(_WORD_OR_SPACE.match(c) for c in others):
                return None  # a letter, digit or space beyond ASCII: RE2 and re may differ on it
            folded = _NON_ASCII.sub(self.stand_in, folded)
        if _OTHER_SPACE.search(folded):
            return None
        return set(self.set.Match(folded) or ())

    @property
    def open(self) -> bool:
        """Whether asking `hits` can be worth it: a set is built, or can still be."""
        return self.set is not None or bool(self.candidates)
