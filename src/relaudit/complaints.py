"""The complaint detector: a weighted cue lexicon plus structural signals and TextBlob polarity, explainable.

score = bias + the weights of the cues found + the weights of the signals present; a message is a complaint when
the score reaches the lexicon's threshold. Weights come from rules/lexicons/complaint.yaml, which
benchmarks/learn_complaints.py regenerates from labelled data (or a person edits by hand).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress

from relaudit.casefold import CasePattern, fold
from relaudit.lexicon import Cue, Lexicon
from relaudit.model import builder

# Whether a text holds \b(?:not|no|never|nothing|nobody|cannot|can't|cant|won't|don't|...|wouldn't)\b|n't\b: every
# word of that list ending in "n't" is found by n't\b alone, so the words left begin with "n" or "c"; starting with
# those letters (the \b before them a look-behind) lets `re` skip to them. Tested against the long form.
_NEGATION = CasePattern(r"n(?:'t|(?<!\wn)(?:ot|o|ever|othing|obody))\b|c(?<!\wc)an(?:not|t)\b")
# Both start with the character they look for (the look-behind after it), so `re` skips ahead to it: the same
# matches as (?<![\w@])@\w and \b[A-Z]{4,}\b, found several times faster.
_MENTION = re.compile(r"@(?<![\w@]@)\w")
_CAPS = re.compile(r"[A-Z](?<=\b[A-Z])[A-Z]{3,}\b")


def _negated(text: str) -> bool:
    """Whether the text has a negation (curly apostrophes read as straight ones)."""
    return _NEGATION.search(text.replace("\u2019", "'"))


# The structural signals, by the names complaint.yaml gives weights to. Two are interactions a weighted sum cannot
# form by itself: a question with no negation and no negative tone is usually just a question ("plain-question"), and
# a negative message aimed at someone is more often a complaint than either alone ("addressed-negative").
SIGNALS = (
    "addressed",
    "question",
    "exclamation",
    "negation",
    "polarity-negative",
    "polarity-very-negative",
    "polarity-positive",
    "link",
    "shouting",
    "plain-question",
    "addressed-negative",
)


@dataclass(frozen=True, slots=True)
class ComplaintVerdict:
    """A complaint score, whether it passes the threshold, and the cues and signals that pushed it up."""

    score: float
    cues: tuple[str, ...]
    is_complaint: bool
    polarity: float


# ComplaintVerdict(...) without the frozen dataclass's __init__ (model.builder): one for every inbound message.
_verdict: Callable[..., ComplaintVerdict] = builder(ComplaintVerdict)


# What signals() reads of a text itself (structure()): addressed, question, exclamation, negation, link, shouting.
Shape = tuple[bool, bool, bool, bool, bool, bool]


def signals(text: str, value: float) -> list[str]:
    """The structural signals present in a text, in the order of SIGNALS."""
    return [name for name, on in zip(SIGNALS, _present(structure(text), value)) if on]


def structure(text: str) -> Shape:
    """What signals() reads of the text itself, each test run once though several signals read it."""
    return (
        _MENTION.search(text) is not None,
        "?" in text,
        "!" in text,
        _negated(text),
        "http" in (fold(text) or text.lower()),
        _CAPS.search(text) is not None,
    )


def _present(shape: Shape, value: float) -> tuple[bool, ...]:
    """Whether each signal of SIGNALS is present, from a text's structure and its polarity."""
    addressed, question, exclamation, negated, link, shouting = shape
    # (the polarity is compared with 0, -0.4 and 0.2 alone: POLARITY_RANGES relies on it)
    return (
        addressed,
        question,
        exclamation,
        negated,
        value < 0,
        value <= -0.4,
        value > 0.2,
        link,
        shouting,
        question and value >= 0 and not negated,
        value < 0 and addressed,
    )


# One polarity from each range that _present() cannot tell apart: (-inf, -0.4], (-0.4, 0), [0, 0.2], (0.2, inf).
# Every value of a range gives the same signals, so the same score, to the last bit (tests check the ranges).
POLARITY_RANGES = (-1.0, -0.2, 0.0, 1.0)
NOT_NEGATIVE = POLARITY_RANGES[2:]


def detect_complaint(text: str, lexicon: Lexicon, value: float) -> ComplaintVerdict:
    """Score one text; the cues reported are those with a positive weight, strongest first."""
    return verdict(lexicon, lexicon.matches(text), structure(text), value)


def verdict(lexicon: Lexicon, found: list[Cue], shape: Shape, value: float) -> ComplaintVerdict:
    """detect_complaint() from the text's cues and structure, found once."""
    contributions = [(cue.shown, cue.weight) for cue in found]
    weights = lexicon.signals
    contributions += [(_SHOWN[name], weights.get(name, 0.0)) for name, on in zip(SIGNALS, _present(shape, value)) if on]
    score = lexicon.bias + sum([weight for _, weight in contributions])
    reasons = tuple(name for name, weight in sorted(contributions, key=_strongest_first) if weight > 0)
    return _verdict(round(score, 3), reasons, score >= lexicon.threshold, value)


def settled(lexicon: Lexicon, found: list[Cue], shape: Shape, values: tuple[float, ...]) -> bool | None:
    """Whether the text is a complaint, when it is the same for every polarity of these ranges; else None.

    `values` holds one polarity of each range the text's may be in (POLARITY_RANGES, or NOT_NEGATIVE when it cannot
    be negative). The score is added up as verdict() adds it, the same weights in the same order, so each range's
    answer is exact. It depends on nothing but the lexicon's numbers, the cues' weights, the shape and the ranges,
    and texts repeat those few combinations (a few thousand in a million messages): each is worked out once.
    """
    weights = _weights(lexicon.signals)
    cues = tuple([cue.weight for cue in found])
    key = (id(weights), lexicon.bias, lexicon.threshold, cues, shape, values)  # (_WEIGHTS keeps `weights` alive)
    answer = _SETTLED.get(key, _UNKNOWN)
    if answer is _UNKNOWN:
        if len(_SETTLED) >= SETTLED_KEPT:  # a hostile export of endless combinations: start again
            _SETTLED.clear()
        answer = _SETTLED[key] = _settle(lexicon.bias, lexicon.threshold, weights, cues, shape, values)
    return answer  # type: ignore[return-value]


def _settle(
    bias: float,
    threshold: float,
    weights: tuple[float, ...],
    cues: tuple[float, ...],
    shape: Shape,
    values: tuple[float, ...],
) -> bool | None:
    """settled()'s answer, worked out."""
    answer = None
    for value in values:
        passes = bias + sum([*cues, *compress(weights, _present(shape, value))]) >= threshold
        if answer is None:
            answer = passes
        elif passes is not answer:
            return None
    return answer


# settled()'s answers by what they depend on; at most this many are kept
_SETTLED: dict[tuple[object, ...], bool | None] = {}
SETTLED_KEPT = 4096
_UNKNOWN = object()


_WEIGHTS: dict[int, tuple[dict[str, float], tuple[float, ...]]] = {}


def _weights(signals: dict[str, float]) -> tuple[float, ...]:
    """A lexicon's signal weights in the order of SIGNALS (0 for a signal it gives none), worked out once."""
    known = _WEIGHTS.get(id(signals))
    if known is None or known[0] is not signals:  # (the dict is kept with its weights, so its id is not reused)
        known = _WEIGHTS[id(signals)] = (signals, tuple(signals.get(name, 0.0) for name in SIGNALS))
    return known[1]


def _strongest_first(item: tuple[str, float]) -> float:
    return -item[1]


_SHOWN = {name: f"[{name}]" for name in SIGNALS}  # how a report shows a signal among the cues
