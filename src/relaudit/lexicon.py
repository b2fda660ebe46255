"""Reading lexicon files and matching their cues: phrases compiled into one pattern, patterns, word counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import regex
import yaml

from relaudit.casefold import CasePattern, fold
from relaudit.errors import RulePackError
from relaudit.patterns import PatternTimeout, SafePattern, compile_pattern
from relaudit.patternset import PatternSet, phrase_gate


@dataclass(frozen=True)
class Cue:
    """One phrase or pattern with its weight."""

    text: str
    weight: float
    kind: str  # "phrase" | "pattern"
    name: str = ""  # how a pattern is shown in reports (a regular expression is no explanation)

    @property
    def shown(self) -> str:
        """The cue as a report shows it."""
        return self.name or self.text


@dataclass(frozen=True)
class Lexicon:
    """A weighted cue list (labels) or a plain word list (references)."""

    name: str
    threshold: float
    cues: tuple[Cue, ...]
    words: frozenset[str]
    sentiment: dict[str, float]
    bias: float
    signals: dict[str, float]
    min_words: int
    _phrases: CasePattern | None
    _patterns: tuple[tuple[SafePattern, Cue], ...]
    _by_phrase: dict[str, Cue]
    _set: PatternSet

    def matches(self, text: str) -> list[Cue]:
        """Distinct cues found in the text, in order of first appearance."""
        found: dict[str, Cue] = {}
        text = text.replace("\u2019", "'")  # curly apostrophes, as phones type them
        folded = fold(text)
        hits = self._set.hits(folded) if self._set.open else None  # RE2 for all at once, where it can
        phrases = self._phrases
        gate = self._set.gate
        if phrases is not None and hits is not None and gate is not None:
            if gate not in hits:  # RE2's gate: none of the phrases is there (most texts)
                phrases = None
            hits.discard(gate)
        if phrases is not None:
            by_phrase = self._by_phrase
            for phrase in phrases.found(text):
                # as written, a phrase is nearly always in its folded form already, which _fold leaves as it is
                cue = by_phrase.get(phrase)
                if cue is None:
                    cue = by_phrase.get(_fold(phrase))
                if cue is not None:
                    found.setdefault(cue.text, cue)
        if hits is not None and self._set.complete:
            # RE2 answered for every pattern: take the ones it found, in the patterns' order, as the loop below does
            for position in sorted(self._set.position[index] for index in hits):
                cue = self._patterns[position][1]
                found.setdefault(cue.text, cue)
            return list(found.values())
        for position, (pattern, cue) in enumerate(self._patterns):
            case = pattern.compiled
            if hits is not None and position in self._set.index:
                hit = self._set.index[position] in hits
            elif type(case) is CasePattern:  # a shipped pattern on `re` (no time bound): two calls fewer
                if folded is not None and case.folded is not None:
                    hit = case.folded.search(folded) is not None
                else:
                    hit = case.exact.search(text) is not None
            else:
                try:
                    hit = pattern.search(text)
                except PatternTimeout:
                    continue  # a runaway cue pattern counts as not matching this one text rather than hanging
            if hit:
                found.setdefault(cue.text, cue)

        return list(found.values())

    def count_words(self, tokens: list[str]) -> int:
        """How many tokens are in the word list."""
        return sum(map(self.words.__contains__, tokens))  # (True counts 1; in C, no generator)

    def count_runs(self, runs: list[bytes]) -> int:
        """count_words() of token_runs()' tokens."""
        return sum(map(self._word_bytes.__contains__, runs))

    @cached_property
    def _word_bytes(self) -> frozenset[bytes]:
        """The words that can be tokens (of ASCII alone), as bytes."""
        return frozenset(word.encode() for word in self.words if word.isascii())


# An RE2 set answers in one call of a few microseconds, more than `re` takes for one or two patterns it finds cheaply
# (question's "?" and its question words at the start: 7.8 us a text by `re`, 13.3 with the set); so a lexicon with
# fewer patterns than this and no phrase gate (see load_lexicon) leaves them to `re`.
SET_AT_LEAST = 3
# Beyond this many words, the `in` tests of a phrase list cost more than its regex scan.
MAX_NEEDLES = 16
# A trie is built one call deep per character; longer phrases (a user's, never the shipped ones) keep the flat form.
MAX_TRIE_PHRASE = 200

_TOKEN = re.compile(r"[a-z0-9_']+(?:-[a-z0-9_']+)*")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, apostrophes kept (curly ones straightened)."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


# bytes.translate keeps the bytes a token may hold (_TOKEN's: a-z, 0-9, _, ' and -) and makes every other one a space
_TOKEN_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_'-")
_TOKEN_BYTES = bytes(c if c in _TOKEN_CHARS else ord(" ") for c in range(256))
_HYPHENS = re.compile(rb"-{2,}")


def token_runs(text: str) -> list[bytes]:
    """tokens(text) as bytes, three times faster: the runs of token characters, cut where hyphens are not single.

    A token is a run of [a-z0-9_'] and runs joined by single hyphens: of a stretch of those characters and hyphens,
    the parts between runs of two hyphens or more, without hyphens at their ends. A character beyond ASCII ends a
    token, as it does for _TOKEN's ASCII classes (it becomes "?", which is none of them).
    """
    kept = text.lower().replace("\u2019", "'").encode("ascii", "replace").translate(_TOKEN_BYTES)
    found = kept.split()
    if b"-" not in kept:
        return found
    runs: list[bytes] = []
    for chunk in found:
        if b"-" in chunk:
            runs.extend(part for piece in _HYPHENS.split(chunk) if (part := piece.strip(b"-")))
        else:
            runs.append(chunk)
    return runs


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def load_lexicon(path: Path) -> Lexicon:
    """Read and compile one lexicon file, naming file and key on any error."""
    try:
        # libyaml's parser when PyYAML has it: several times faster on these shipped, trusted files
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as error:
        raise RulePackError(f"{path}: cannot read lexicon: {error}") from error
    if not isinstance(data, dict) or "lexicon" not in data:
        raise RulePackError(f"{path}: a lexicon file must be a mapping with a 'lexicon' key")
    cues: list[Cue] = []
    for index, entry in enumerate(data.get("cues") or [], start=1):
        cues.append(_cue(path, index, entry))
    phrases = [c for c in cues if c.kind == "phrase"]
    patterns = []
    for cue in cues:
        if cue.kind == "pattern":
            try:
                patterns.append((compile_pattern(cue.text, trusted=True), cue))  # shipped lexicons only
            except regex.error as error:
                raise RulePackError(f"{path}: cue '{cue.text}': bad pattern: {error}") from error
    by_phrase = {_fold(c.text): c for c in phrases}
    phrase_list = phrase_pattern([c.text for c in phrases])
    # RE2's gate where a few `in` tests cannot tell that no phrase is there (needles: see phrase_pattern)
    gate = None
    if phrase_list is not None and phrase_list.folded is not None and phrase_list.needles is None:
        gate = phrase_gate(phrase_list.pattern)
    return Lexicon(
        name=str(data["lexicon"]),
        threshold=float(data.get("threshold", 1.0)),
        cues=tuple(cues),
        words=frozenset(str(w).lower() for w in data.get("words") or []),
        sentiment={str(k): float(v) for k, v in (data.get("sentiment") or {}).items()},
        bias=float(data.get("bias", 0.0)),
        signals={str(k): float(v) for k, v in (data.get("signals") or {}).items()},
        min_words=int(data.get("min_words", 0)),
        _phrases=phrase_list,
        _patterns=tuple(patterns),
        _by_phrase=by_phrase,
        _set=PatternSet(
            [p.compiled if isinstance(p.compiled, CasePattern) else None for p, _cue in patterns]
            if gate is not None or len(patterns) >= SET_AT_LEAST
            else [],
            gate,
        ),
    )


def phrase_pattern(phrases: list[str]) -> CasePattern | None:
    """One case-insensitive, word-bounded alternation for a phrase list: at each place, its longest phrase."""
    if not phrases:
        return None
    parts = sorted({_fold(p) for p in phrases}, key=len, reverse=True)
    words = [part.split() for part in parts]
    if all(part.isascii() and len(part) <= MAX_TRIE_PHRASE for part in parts):
        body = _trie(words)
    else:  # letters beyond ASCII (see _trie), or a phrase too long for its recursion
        body = "|".join(r"\s+".join(re.escape(word) for word in phrase) for phrase in words)
    # Each phrase's words are literal in the pattern, so a match holds its phrase's longest word; for a short list,
    # looking for those words first is cheaper than the scan when none is there.
    needles = tuple(dict.fromkeys(max(w, key=len) for w in words)) if all(words) else None  # "" needs no word
    return CasePattern(
        rf"(?<![\w'])(?:{body})(?![\w'])", needles if needles is not None and len(needles) <= MAX_NEEDLES else None
    )


def _trie(phrases: list[list[str]]) -> str:
    r"""The phrases (as words) as one pattern sharing their beginnings: "sorry(?:\s+for\s+(?:any|the)|)" and so on.

    `re` tries the branches of an alternation one by one, so a flat list of 177 phrases is 177 tries at each word;
    a trie is one per letter. It finds what the flat alternation of the phrases, longest first, finds: the phrases
    that match at one place lie on one path of the trie (the branches of a node begin with different letters, or a
    space, and no text character matches two different ASCII letters, even ignoring case), and each node tries its
    longer continuations before ending there, so the longest one that fits wins, as longest-first does. (A list with
    other letters keeps the flat form.)
    """
    root: dict[str, Any] = {}
    for words in phrases:
        node = root
        for index, word in enumerate(words):
            for step in ([" "] if index else []) + list(word):  # " " stands for the \s+ between words
                node = node.setdefault(step, {})
        node[""] = {}  # a phrase ends here

    def pattern(node: dict[str, Any]) -> str:
        steps = [(r"\s+" if step == " " else re.escape(step), below) for step, below in node.items() if step]
        branches = [step + pattern(below) for step, below in steps]
        if "" in node:
            branches.append("")  # ending here: tried last, after every longer continuation
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return pattern(root)


def _cue(path: Path, index: int, entry: Any) -> Cue:
    if not isinstance(entry, dict):
        raise RulePackError(f"{path}: cues[{index}]: expected a mapping with phrase or pattern and weight")
    kind = "phrase" if "phrase" in entry else "pattern" if "pattern" in entry else None
    if kind is None:
        raise RulePackError(f"{path}: cues[{index}]: needs a 'phrase' or a 'pattern'")
    try:
        weight = float(entry.get("weight", 1.0))
    except (TypeError, ValueError) as error:
        raise RulePackError(f"{path}: cues[{index}]: weight must be a number") from error
    return Cue(str(entry[kind]), weight, kind, str(entry.get("name") or ""))
