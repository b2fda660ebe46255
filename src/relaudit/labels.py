"""Per-message labels from the YAML lexicons plus TextBlob polarity (complaint, question, praise, promo...)."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any

from relaudit.casefold import fold, letter_runs
from relaudit.complaints import NOT_NEGATIVE, POLARITY_RANGES, Shape, settled, structure, verdict
from relaudit.conversations import Role
from relaudit.filecache import cached
from relaudit.lexicon import Cue, Lexicon, load_lexicon, phrase_pattern, token_runs, tokens
from relaudit.model import Message, builder, fields_getter

LEXICONS = (
    "complaint",
    "question",
    "praise",
    "promotional",
    "audience-question",
    "self-reference",
    "audience-reference",
    "english",
)


@dataclass(frozen=True, slots=True)
class Labels:
    """What relaudit thinks of one message.

    An inbound message's complaint_score, cues and polarity are 0.0, () and None when none of its labels depended
    on its polarity (it was not computed), and its question and praise are None until a rule asks (a complaint's
    are False): Labeller.has() answers for them, Labeller.complete() works everything out.
    """

    complaint: bool = False
    complaint_score: float = 0.0
    cues: tuple[str, ...] = ()
    question: bool | None = False
    praise: bool | None = False
    promotional: bool = False
    asks_question: bool = False
    self_refs: int = 0
    audience_refs: int = 0
    polarity: float | None = None
    not_labelled: bool = False  # the English lexicons cannot judge it (another language)

    def packed(self) -> tuple[Any, ...]:
        """The fields in order, as plain values (what a worker process sends back): Labels(*packed) is equal."""
        return _LABEL_FIELDS(self)

    def has(self, name: str) -> bool:
        """Whether the label of that name (one of LABEL_FLAGS) applies: `name in names()`, without the list."""
        return bool(getattr(self, LABEL_FLAGS[name]))

    def names(self) -> list[str]:
        """The label names that apply."""
        return [name for name, flag in LABEL_FLAGS.items() if getattr(self, flag)]


_LABEL_FIELDS = fields_getter(Labels)
# Labels(...) without the frozen dataclass's __init__ (model.builder): one is made for every message labelled.
build_labels: Callable[..., Labels] = builder(Labels)
# A message's labels: by message id, or a function of the message (owned.py keeps them on its stubs).
LabelsOf = Mapping[str, Labels] | Callable[[Message], Labels]


def labels_of(labels: LabelsOf) -> Callable[[Message], Labels]:
    """A function giving a message's labels, from labels by id or such a function itself."""
    if callable(labels):
        return labels
    return lambda message: labels[message.id]


# Distinct texts of each kind (inbound; own) whose labels a Labeller keeps, the most recently used: ~20 MB at most.
LABELS_CACHED = 65536
NO_LABELS = build_labels()  # a repost's or a context message's: nothing to label

# The roles label() tells apart, as globals: Role.INBOUND is looked up through Enum's class machinery, ~145 ns in
# Python 3.11 against ~10 ns for a global, and label() runs for every message (its own up to three such tests).
_INBOUND, _ORIGINAL, _REPLY = Role.INBOUND, Role.ORIGINAL, Role.REPLY

# label name -> the flag that carries it (the names names() gives)
LABEL_FLAGS = {
    "complaint": "complaint",
    "question": "question",
    "praise": "praise",
    "promotional": "promotional",
    "asks-question": "asks_question",
}


def _foreign_words(path: Path) -> frozenset[str]:
    """The `foreign` list of the language file (function words of languages the lexicons do not cover)."""
    import yaml

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    # judgeable() counts no word of digits alone, so such an entry could never count: left out, isdisjoint() can
    # be asked about every word of a text before the digits are taken out
    words = (str(entry).lower() for entry in data.get("foreign") or [])
    return frozenset(word for word in words if not word.isdigit())


# The longest post a platform allows is Facebook's 63,206 characters; judging only this much of a longer text keeps
# a hostile 10 MB "message" from costing minutes (the whole text is still kept, shown and searched by rules).
ANALYSED_CHARS = 65_536

_STRIP = re.compile(r"[@#]\w+|https?://\S+")


@lru_cache(maxsize=65536)
def polarity(text: str) -> float:
    """TextBlob's pattern-based polarity (needs no NLTK corpora); cached because exports repeat texts."""
    from relaudit.sentiment import pattern_polarity  # TextBlob's own analyser, without the NLTK import

    return pattern_polarity(text[:ANALYSED_CHARS])


class _Lexicons(dict[str, Lexicon]):
    """The lexicons by name, each read when first asked for: `relaudit check` needs only those of own posts."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    def __missing__(self, name: str) -> Lexicon:
        # (a dict subclass: a lexicon already read is found at dict speed, on every message)
        if name not in LEXICONS:
            raise KeyError(name)
        path = self.directory / f"{name}.yaml"
        lexicon = self[name] = cached("lexicon", path, partial(load_lexicon, path))
        return lexicon


class Labeller:
    """Labels messages by role with one set of lexicons."""

    def __init__(self, lexicon_dir: Path, own_handles: frozenset[str], brand_names: tuple[str, ...] = ()) -> None:
        self.lexicons = _Lexicons(lexicon_dir)
        self.own_handles = own_handles
        self.brand_names = phrase_pattern(list(brand_names)) if brand_names else None
        # Exports repeat texts (a customer's "thanks, that worked!", a brand's templated replies), and labels are a
        # function of the text (an own message's also of its mentions and whether it is a reply): a repeat seen
        # lately costs a lookup. Bounded, as a worker holds its caches for the whole audit. They reach the labeller
        # through a weak proxy: a cache holding it would be a reference cycle, which an audit makes none of.
        me = weakref.proxy(self)
        self._inbound = lru_cache(maxsize=LABELS_CACHED)(partial(type(self)._label_inbound, me))
        self._own = lru_cache(maxsize=LABELS_CACHED)(partial(type(self)._label_own, me))

    @cached_property
    def foreign_words(self) -> frozenset[str]:
        """The function words of other languages (read when an inbound message is first judged)."""
        path = self.lexicons.directory / "english.yaml"
        return cached("foreign", path, partial(_foreign_words, path))

    def load_all(self) -> None:
        """Read every lexicon now (before forking workers, so that each has them without reading them again)."""
        for name in LEXICONS:
            self.lexicons[name]
        _ = self._foreign_runs  # (and the foreign words it is made from)

    def label(self, message: Message, role: Role) -> Labels:
        """Labels for one message; only what its role needs is computed."""
        text = message.text[:ANALYSED_CHARS]
        if role is _INBOUND:
            return self._inbound(text)
        if role is _ORIGINAL or role is _REPLY:
            return self._own(text, message.mentions, role is _ORIGINAL)
        return NO_LABELS

    def _label_inbound(self, text: str) -> Labels:
        """An inbound message's labels: complaint, question, praise (none for a text of another language).

        Its polarity is computed only when its complaint label depends on it; without it the labels leave out the
        complaint score, cues and polarity (0.0, (), None). Its question and praise labels are left to has(), unless
        it is a complaint. complete() adds whatever was left out.
        """
        if not self.judgeable(text):
            return build_labels(not_labelled=True)
        lexicon = self.lexicons["complaint"]
        found = lexicon.matches(text)
        shape = structure(text)
        value = None
        complaint = settled(lexicon, found, shape, POLARITY_RANGES if self._may_be_negative(text) else NOT_NEGATIVE)
        if complaint is None:
            value = polarity(text)
            complaint = verdict(lexicon, found, shape, value).is_complaint
        # A complaint is never also a question or praise. A rule asks whether another message is one only when it is
        # unanswered (Labeller.has works it out then): most messages are answered, and never asked about.
        known = False if complaint else None
        if value is None:
            return build_labels(complaint=complaint, question=known, praise=known)
        return self._detailed(found, shape, value, known, known)

    def _detailed(
        self, found: list[Cue], shape: Shape, value: float, question: bool | None, praise: bool | None
    ) -> Labels:
        """An inbound message's labels with its complaint score, cues and polarity."""
        detail = verdict(self.lexicons["complaint"], found, shape, value)
        return build_labels(
            complaint=detail.is_complaint,
            complaint_score=detail.score,
            cues=detail.cues,
            question=question,
            praise=praise,
            polarity=value,
        )

    def has(self, message: Message, labels: Labels, name: str) -> bool:
        """labels.has(name), working out a question or praise label that labelling left until it is asked about."""
        found = getattr(labels, LABEL_FLAGS[name])
        if found is None:  # (an inbound message's, never a complaint)
            text = message.text[:ANALYSED_CHARS]
            found = self._passes("question", text) if name == "question" else self._praise(text, labels.polarity)[0]
        return bool(found)

    def complete(self, message: Message, role: Role | None, labels: Labels) -> Labels:
        """A message's labels with all that labelling left out as not needed yet (see Labels)."""
        if role is not _INBOUND or labels.not_labelled or (labels.polarity is not None and labels.question is not None):
            return labels
        text = message.text[:ANALYSED_CHARS]
        value = polarity(text)
        question = labels.question if labels.question is not None else self._passes("question", text)
        praise = labels.praise if labels.praise is not None else self._praise(text, value)[0]
        lexicon = self.lexicons["complaint"]
        return self._detailed(lexicon.matches(text), structure(text), value, question, praise)

    def _label_own(self, text: str, mentions: tuple[str, ...], original: bool) -> Labels:
        """An own post's or reply's labels: self and audience references; an original's promotion and question."""
        words = token_runs(text)
        self_refs = self.lexicons["self-reference"].count_runs(words)
        self_refs += sum(1 for handle in mentions if handle in self.own_handles)
        if self.brand_names is not None:
            self_refs += len(self.brand_names.spans(text))
        return build_labels(
            promotional=original and self._passes("promotional", text),
            asks_question=original and self._passes("audience-question", text),
            self_refs=self_refs,
            audience_refs=self.lexicons["audience-reference"].count_runs(words),
        )

    @cached_property
    def _foreign_runs(self) -> frozenset[bytes]:
        """The foreign words that can be tokens (those of a-z only: tokens() takes no other letter), as bytes."""
        return frozenset(w.encode() for w in self.foreign_words if w.isascii() and w.isalpha())

    def judgeable(self, text: str) -> bool:
        """False for a message of another language: its foreign function words outnumber its English ones."""
        # A token that is a foreign word is a run of a-z letters of the lower-cased text, bounded by no letter: its
        # neighbours are none of tokens()' characters, and what _STRIP takes out starts with "@" or "#" and ends
        # before a character that is no \w, unless it is a link ("http", glued to the letters before it). So when
        # no such run is a foreign word, neither is any token (most texts), found without the regexes.
        if "http" not in text and self._foreign_runs.isdisjoint(letter_runs(fold(text) or text.lower())):
            return True
        english = self.lexicons["english"]
        found = tokens(_STRIP.sub(" ", text))
        if self.foreign_words.isdisjoint(found):
            return True  # not one foreign word: the common case, found in C
        words = [w for w in found if not w.isdigit()]
        if len(words) < english.min_words:
            return True  # too short to tell
        foreign = sum(1 for w in words if w in self.foreign_words)
        return foreign < 2 or foreign <= english.count_words(words)

    def _passes(self, name: str, text: str) -> bool:
        lexicon = self.lexicons[name]
        return sum(cue.weight for cue in lexicon.matches(text)) >= lexicon.threshold

    def _praise(self, text: str, value: float | None) -> tuple[bool, float | None]:
        """Whether a text is praise, and its polarity: computed (when `value` is None) only if the answer needs it."""
        lexicon = self.lexicons["praise"]
        score = sum(cue.weight for cue in lexicon.matches(text))
        above = lexicon.sentiment.get("above")
        if above is not None:
            bonus = lexicon.sentiment.get("weight", 0.0)
            if (score >= lexicon.threshold) != (score + bonus >= lexicon.threshold):
                value = polarity(text) if value is None else value
                if value > above:
                    score += bonus
        return score >= lexicon.threshold, value

    @cached_property
    def _may_be_negative(self) -> Callable[..., bool]:
        """sentiment.may_be_negative, imported when an inbound message is first labelled (`check` labels none)."""
        from relaudit.sentiment import may_be_negative

        return may_be_negative
