"""The complaint detector: a weighted cue lexicon plus structural signals and TextBlob polarity, explainable.

score = bias + the weights of the cues found + the weights of the signals present; a message is a complaint when
the score reaches the lexicon's threshold. Weights come from rules/lexicons/complaint.yaml, which
benchmarks/learn_complaints.py regenerates from labelled data (or a person edits by hand).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from relaudit.lexicon import Lexicon

_NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|nobody|cannot|can't|cant|won't|don't|didn't|doesn't|isn't|"
    r"wasn't|haven't|hasn't|aren't|couldn't|wouldn't)\b|n't\b",
    re.IGNORECASE,
)
_MENTION = re.compile(r"(?<![\w@])@\w")
_CAPS = re.compile(r"\b[A-Z]{4,}\b")


def _negated(text: str) -> bool:
    """Whether the text has a negation (curly apostrophes read as straight ones)."""
    return bool(_NEGATION.search(text.replace("\u2019", "'")))


# Each signal: a name and a test over (text, polarity). Names are what complaint.yaml gives weights to.
SIGNALS: dict[str, Callable[[str, float], bool]] = {
    "addressed": lambda text, _: bool(_MENTION.search(text)),
    "question": lambda text, _: "?" in text,
    "exclamation": lambda text, _: "!" in text,
    "negation": lambda text, _: _negated(text),
    "polarity-negative": lambda _, value: value < 0,
    "polarity-very-negative": lambda _, value: value <= -0.4,
    "polarity-positive": lambda _, value: value > 0.2,
    "link": lambda text, _: "http" in text.lower(),
    "shouting": lambda text, _: bool(_CAPS.search(text)),
    # Interactions a weighted sum cannot form by itself: a question with no negation and no negative tone is
    # usually just a question, and a negative message aimed at someone is more often a complaint than either alone.
    "plain-question": lambda text, value: "?" in text and value >= 0 and not _negated(text),
    "addressed-negative": lambda text, value: value < 0 and bool(_MENTION.search(text)),
}


@dataclass(frozen=True)
class ComplaintVerdict:
    """A complaint score, whether it passes the threshold, and the cues and signals that pushed it up."""

    score: float
    cues: tuple[str, ...]
    is_complaint: bool
    polarity: float


def signals(text: str, value: float) -> list[str]:
    """The structural signals present in a text."""
    return [name for name, test in SIGNALS.items() if test(text, value)]


def detect_complaint(text: str, lexicon: Lexicon, value: float) -> ComplaintVerdict:
    """Score one text; the cues reported are those with a positive weight, strongest first."""
    contributions = [(cue.shown, cue.weight) for cue in lexicon.matches(text)]
    contributions += [(f"[{name}]", lexicon.signals.get(name, 0.0)) for name in signals(text, value)]
    score = lexicon.bias + sum(weight for _, weight in contributions)
    reasons = tuple(name for name, weight in sorted(contributions, key=lambda item: -item[1]) if weight > 0)
    return ComplaintVerdict(round(score, 3), reasons, score >= lexicon.threshold, value)
