"""TextBlob's default polarity, bit for bit, from TextBlob's own lexicon and rules, several times faster.

`TextBlob(text).sentiment.polarity` runs `textblob.en.sentiment`, a `textblob._text.Sentiment` over the lexicon
`en-sentiment.xml`. Importing `textblob` imports NLTK too (over a second), though that analyser never uses it, so we
load `textblob/_text.py` (standard library only) straight from the installed package, build the analyser with the
arguments textblob/en/__init__.py gives it, let its own `load` read the lexicon (adding the "-ly" adverbs), and then
snapshot the result into plain dicts. Scoring then repeats `find_tokens`, `Sentiment.__call__` and
`Sentiment.assessments` step for step without their costs: the lazy dict's `load()` check on every lookup, a Python
loop over every token where two regexes do the same splitting, sentence splitting when no sentence can hold a spaced
emoticon or "( ! )" to close up, and the chunk dicts and subjectivity that polarity never reads. Floats are added in
TextBlob's order, so results are identical; tests/test_sentiment.py checks that on over 60,000 texts.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from relaudit.casefold import fold, letter_runs

_MODULE_NAME = "relaudit._textblob_pattern"
_QUOTES = ("“", "”", "‘", "’", "'", '"')  # find_tokens pads these with spaces, in this order
_SENTENCE_ENDS = ("...", ".", "!", "?")
_CLOSERS = ("'", '"', "”", "’", "...", ".", "!", "?", ")")  # find_tokens keeps these with the sentence they end
_SARCASM = "(!)"


@dataclass(frozen=True)
class _Lexicon:
    """TextBlob's tokenizer settings and English sentiment lexicon, as plain (fast) containers."""

    scores: dict[str, tuple[float, float]]  # word -> (polarity, intensity) of its untagged (None) sense
    modifiers: frozenset[str]  # known words that modify the next one (an adverb sense: "very", "really")
    negations: frozenset[str]
    modifier: Any  # the predicate for unknown-word modifiers ("-ly"), as configured
    assessable: frozenset[str]  # every word that starts a chunk: known words, emoticons, "(!)"
    emoticons: dict[str, float]  # lower-cased emoticon -> polarity, only those assessments() can reach
    contractions: tuple[tuple[str, str], ...]
    leading: str  # characters split off either end of a token, one by one
    pieces: re.Pattern[str]  # a punctuation mark split off, or a token's rest up to its trailing punctuation
    periods: re.Pattern[str]  # a whole token whose end, past any trailing punctuation, is a period
    spaced: re.Pattern[str]  # an emoticon with a space inside, which find_tokens may close up
    text: ModuleType  # textblob/_text.py, for the rare slow paths


@cache
def _analyser() -> Any:
    """The English pattern analyser, configured as textblob/en/__init__.py configures it (loads its lexicon)."""
    text = _pattern_module()
    base = text.Sentiment

    class EnglishSentiment(base):  # type: ignore[misc, valid-type]
        """As textblob.en.Sentiment: adjectives also count as their -ly adverbs ("terrible" → "terribly")."""

        def load(self, path: str | None = None) -> None:
            base.load(self, path)
            if not path:
                entries: list[tuple[str, dict[str, Any]]] = list(dict.items(self))
                for word, tags in entries:
                    if "JJ" in tags:
                        if word.endswith("y"):
                            word = word[:-1] + "i"
                        if word.endswith("le"):
                            word = word[:-2]
                        p, s, i = tags["JJ"]
                        self.annotate(word + "ly", "RB", p, s, i)

    analyser = EnglishSentiment(
        path=str(_package_dir() / "en" / "en-sentiment.xml"),
        synset="wordnet_id",
        negations=("no", "not", "n't", "never"),
        modifiers=("RB",),
        modifier=lambda w: w.endswith("ly"),
        tokenizer=text.find_tokens,
        language="en",
    )
    analyser.load()
    return analyser


@cache
def _lexicon() -> _Lexicon:
    """A snapshot of the loaded analyser and of the tokenizer's constants."""
    analyser = _analyser()
    text = _pattern_module()
    entries: dict[str, dict[Any, Any]] = dict(dict.items(analyser))
    # assessments() is only ever given untagged words (pos None), so only the None sense can score.
    scores = {word: (tags[None][0], tags[None][2]) for word, tags in entries.items() if None in tags}
    modifiers = frozenset(word for word, tags in entries.items() if any(tag in tags for tag in analyser.modifiers))
    emoticons: dict[str, float] = {}
    for (_kind, polarity), faces in text.EMOTICONS.items():
        for face in faces:
            w = face.lower()
            # The same guard assessments() puts before its emoticon scan; the first kind that lists a face wins.
            if w.isalpha() is False and len(w) <= 5 and w not in text.PUNCTUATION and w not in emoticons:
                emoticons[w] = polarity
    # Every way to write an emoticon with at least one space between its characters (RE_EMOTICONS allows one
    # there), followed by what RE_EMOTICONS requires after it. (One alternation, which re scans fast.)
    spaced: set[str] = set()
    for faces in text.EMOTICONS.values():
        for face in faces:
            chars = [re.escape(c) for c in face]
            spaced.update(" ?".join(chars[:k]) + " " + " ?".join(chars[k:]) for k in range(1, len(chars)))
    leading = text.PUNCTUATION.replace(".", "")
    marks = re.escape(leading)
    return _Lexicon(
        scores=scores,
        modifiers=modifiers,
        negations=frozenset(analyser.negations),
        modifier=analyser.modifier,
        assessable=frozenset(scores) | frozenset(emoticons) | {_SARCASM},
        emoticons=emoticons,
        contractions=tuple(text.replacements.items()),
        leading=leading,
        pieces=re.compile(rf"[{marks}]|[^\s{marks}](?:\S*[^\s{marks}])?"),  # greedy, so never quadratic
        periods=re.compile(rf"(?<!\S)\S*\.[{marks}]*(?!\S)"),
        spaced=re.compile("(?:{})(?=$|\\s)".format("|".join(sorted(spaced)))),
        text=text,
    )


def _package_dir() -> Path:
    spec = importlib.util.find_spec("textblob")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("textblob is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _pattern_module() -> ModuleType:
    if _MODULE_NAME in sys.modules:
        return sys.modules[_MODULE_NAME]
    spec = importlib.util.spec_from_file_location(_MODULE_NAME, _package_dir() / "_text.py")
    if spec is None or spec.loader is None:
        raise ImportError("textblob/_text.py not found")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module


def pattern_polarity(text: str) -> float:
    """The polarity `TextBlob(text).sentiment.polarity` gives, from -1 to 1."""
    lexicon = _lexicon()
    words = _words(text, lexicon)
    if lexicon.assessable.isdisjoint(words):
        return 0.0  # no chunk at all, so TextBlob's average is 0 / 1.0
    return _polarity(words, lexicon)


# A negative polarity needs a chunk of negative value or a negated one (see _polarity): a word scored below zero (or
# with a negative intensity), a negation, or a negative emoticon. may_be_negative looks for those cheaply, erring only
# towards yes: every word _words gives is a run of the lower-cased text (it only adds spaces, except that it closes
# up spaced emoticons, whose characters are all checked for), and its only split inside a run of letters is before
# "n't", itself a negation.
_NEGATIVE_MARKS = re.compile(r"[:;=>]")  # every negative emoticon has one of these (a test checks)


@cache
def _negative() -> tuple[frozenset[bytes], tuple[str, ...]]:
    """The negative words that are runs of a-z (as bytes), and the others one word can be (with '-' or '*')."""
    lexicon = _lexicon()
    negative = {w for w, (p, i) in lexicon.scores.items() if p < 0 or i < 0} | set(lexicon.negations)
    negative |= {face for face, p in lexicon.emoticons.items() if p < 0}
    runs = {w for w in negative if w.isascii() and w.isalpha() and w.islower()}
    # No word of _words holds a space; the emoticons are caught by _NEGATIVE_MARKS, those with "'" by "n't".
    others = tuple(w for w in negative - runs if " " not in w and not _NEGATIVE_MARKS.search(w) and "n't" not in w)
    return frozenset(w.encode() for w in runs), others


@cache
def _strongly_negative_runs() -> frozenset[bytes]:
    """_negative()'s runs without the negations ("not", "never", "no"): alone they cannot take a text below -0.5."""
    return _negative()[0] - {w.encode() for w in _lexicon().negations}


@cache
def _negative_faces() -> re.Pattern[str]:
    """Where a negative emoticon may be in a lower-cased text: its characters, with any whitespace between.

    The tokenizer closes up a face's characters across the single spaces that whitespace became, and takes a face
    only with a space or the end after it (RE_EMOTICONS). A face that ends in a letter (":c", ":-s") must then be
    followed by no letter or digit, which would stay in its token; "n't", which _words cuts off, is spaced out
    before this test or has decided it. A face that ends in a mark may have anything after it: marks at the start
    of a token are split off one by one (":(abc" is ":", "(", "abc").
    """
    faces = sorted((face for face, p in _lexicon().emoticons.items() if p < 0), key=len, reverse=True)
    return re.compile(
        "|".join(r"\s*".join(map(re.escape, face)) + ("(?![a-z0-9])" if face[-1].isalnum() else "") for face in faces)
    )


# A negated chunk counts its polarity times -0.5, and a polarity is at most 1: no negated chunk is below this
NEGATION_FLOOR = -0.5


def may_be_negative(text: str, below: float = 0.0) -> bool:
    """False only when pattern_polarity(text) is certainly not below `below` (0 or less; then it need not be computed).

    An average below -0.5 needs one chunk below it, and a negated chunk never is (see _polarity): for such a bound
    a negation is no reason to compute, only a negative word or emoticon is (the lexicon has no negative intensity).
    """
    lowered = fold(text) or text.lower()  # (the same string: fold's is the one judgeable() split into runs)
    strong = below <= NEGATION_FLOOR
    # _words cuts a lower-case "n't" off the letters before it (a contraction), and it then falls apart at its quote:
    # no word of its own, and the word before it ends without its "n" ("awfuln't": "awful"). One in other case
    # ("WON'T") stays inside its word, which may be negative ("won't").
    if "n't" in lowered:
        if not strong or lowered.count("n't") > text.count("n't"):
            return True
        lowered = lowered.replace("n't", " n't")  # every one was lower case: cut as _words cuts them
    # The ":" of a link ("https://") is inside a word of the link (a letter before it, "/" after it, and neither is
    # punctuation the tokenizer splits off), so it cannot be part of an emoticon.
    marks = lowered.replace("s://", "").replace("p://", "") if "://" in lowered else lowered
    # every negative emoticon has one of these marks; most texts with one ("Tip: clean it") hold no face
    if (":" in marks or ";" in marks or "=" in marks or ">" in marks) and _negative_faces().search(marks):
        return True
    runs, others = _negative()
    if ("-" in lowered or "*" in lowered) and any(w in lowered for w in others):
        return True
    if strong:
        runs = _strongly_negative_runs()
    return not runs.isdisjoint(letter_runs(lowered))


def _words(string: str, lexicon: _Lexicon) -> list[str]:
    """`" ".join(find_tokens(string)).split()`, lower-cased: the words `Sentiment.__call__` assesses."""
    text = lexicon.text
    if "'" in string:  # every contraction pattern contains "'"; they are literal, so str.replace equals re.sub
        for contraction, spaced in lexicon.contractions:
            string = string.replace(contraction, spaced)
    for quote in _QUOTES:
        if quote in string:
            string = string.replace(quote, f" {quote} ")
    string = string.replace("\r\n", "\n")
    if "\n\n" in string:
        string = re.sub(r"\n{2,}", f" {text.EOS} ", string)
    # find_tokens collapses whitespace and splits tokens at spaces; every token then loses its leading punctuation
    # one mark at a time and its trailing punctuation likewise. When no "." is left at the end, that is what
    # `lexicon.pieces` finds (both regexes use the same Unicode whitespace, \s; tests check each character). Tokens
    # whose end is a "." (abbreviations, "...") go through find_tokens' own loop first; its output is stable.
    if "." in string:
        string = lexicon.periods.sub(_split_period_token, string)
    tokens: list[str] = lexicon.pieces.findall(string)
    kept = [t for t in tokens if t != text.EOS] if text.EOS in string else tokens
    joined = " ".join(kept)
    if lexicon.spaced.search(joined) or "( ! )" in joined or "( !)" in joined or "(! )" in joined:
        # find_tokens closes up spaced emoticons and "( ! )" only within a sentence, so split sentences as it does.
        # (With no such match anywhere, no sentence holds one, and its sentences rejoin to `joined` unchanged.)
        joined = " ".join(_sentences(tokens, text))
    # One lower() for all words: spaces stop the only context-dependent mapping (final sigma), as word ends do.
    return joined.lower().split()


def _split_period_token(match: re.Match[str]) -> str:
    """find_tokens' loop body for one token whose end, past any punctuation, is a period; its pieces, spaced."""
    text = _pattern_module()
    leading = _lexicon().leading
    # Its loops also stop at a token listed in `replacements`, but those all contain "'", and after the padding
    # in _words the only token holding "'" is "'" itself, so the leading loop is lstrip.
    t = match.group()
    if t[0] not in leading and t[-2:-1] not in leading and t[-2:-1] != ".":
        # The common "word.": one pass of the loop below, whose only question is whether it is an abbreviation.
        if t in text.ABBREVIATIONS or text.RE_ABBR1.match(t) or text.RE_ABBR2.match(t) or text.RE_ABBR3.match(t):
            return t
        return t[:-1] + " ."
    core = t.lstrip(leading)
    pieces = list(t[: len(t) - len(core)])
    t, tail = core, []
    while t and t[-1] in leading + "." and t not in text.replacements:
        if t[-1] in leading:
            tail.append(t[-1])
            t = t[:-1]
        if t.endswith("..."):
            tail.append("...")
            t = t[:-3].rstrip(".")
        if t.endswith("."):
            if (
                t in text.ABBREVIATIONS
                or text.RE_ABBR1.match(t) is not None
                or text.RE_ABBR2.match(t) is not None
                or text.RE_ABBR3.match(t) is not None
            ):
                break
            tail.append(t[-1])
            t = t[:-1]
    if t != "":
        pieces.append(t)
    pieces.extend(reversed(tail))
    return " ".join(pieces)


def _sentences(tokens: list[str], text: ModuleType) -> list[str]:
    """find_tokens' sentence splitting, then its "(!)" and emoticon rejoining within each sentence."""
    eos = text.EOS
    sentences: list[list[str]] = [[]]
    i = j = 0
    while j < len(tokens):
        if tokens[j] in _SENTENCE_ENDS or tokens[j] == eos:
            while j < len(tokens) and (tokens[j] in _CLOSERS or tokens[j] == eos):
                if tokens[j] in ("'", '"') and sentences[-1].count(tokens[j]) % 2 == 0:
                    break  # balanced quotes
                j += 1
            sentences[-1].extend(t for t in tokens[i:j] if t != eos)
            sentences.append([])
            i = j
        j += 1
    sentences[-1].extend(tokens[i:j])
    joined = (text.RE_SARCASM.sub(_SARCASM, " ".join(s)) for s in sentences if s)
    return [text.RE_EMOTICONS.sub(lambda m: m.group(1).replace(" ", "") + m.group(2), s) for s in joined]


def _polarity(words: Iterable[str], lexicon: _Lexicon) -> float:
    """`Sentiment.assessments` then the polarity average of `Sentiment.__call__`, keeping only what polarity reads."""
    scores, modifiers, negations, emoticons = lexicon.scores, lexicon.modifiers, lexicon.negations, lexicon.emoticons
    chunks: list[list[float]] = []  # [polarity, intensity, -1 if negated else 1] per assessed chunk
    m: str | None = None  # preceding modifier ("very good")
    n: str | None = None  # preceding negation ("not good")
    for w in words:
        known = scores.get(w)
        if known is not None:
            p, i = known
            if m is None:
                chunks.append([p, i, 1.0])
            else:
                last = chunks[-1]
                last[0] = max(-1.0, min(p * last[1], +1.0))
                last[1] = i
            if n is not None:
                last = chunks[-1]
                last[1] = 1.0 / last[1]
                last[2] = -1.0
            m = w if w in modifiers else None
            n = w if w in negations else None
            continue
        if w in negations:
            n = w
        elif n is not None and len(w.strip("'")) > 1:
            n = None  # a negation carries across small words only ("not a good")
        if n is not None and m is not None and lexicon.modifier(m):
            chunks[-1][2] = -1.0  # "really not good"
            n = None
        elif m is not None and len(w) > 2:
            m = None  # a modifier carries across small words only
        if w == "!" and chunks:
            chunks[-1][0] = max(-1.0, min(chunks[-1][0] * 1.25, +1.0))
        if w == _SARCASM:
            chunks.append([0.0, 1.0, 1.0])
        mood = emoticons.get(w)
        if mood is not None:
            chunks.append([mood, 1.0, 1.0])
    total: float = 0  # an int start and left-to-right adds, as Sentiment.__call__'s avg
    for p, _i, sign in chunks:
        total += p * -0.5 if sign < 0 else p
    return total / float(len(chunks) or 1)
